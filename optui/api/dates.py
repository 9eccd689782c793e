"""Dates as people type them: `2025-03-04`, `t`/`today`, `tomorrow`, `+3d`, `-1w`, `next monday`."""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*([dwm]?)$")


class DateInputError(ValueError):
    """Text that is not a date; the message says what would be."""


def parse_date(text: str, today: dt.date) -> dt.date | None:
    """The date meant by `text` (None for an empty text, which clears the field)."""
    value = text.strip().lower()
    if not value:
        return None
    if value in ("t", "today"):
        return today
    if value == "tomorrow":
        return today + dt.timedelta(days=1)
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    relative = _RELATIVE.match(value)
    if relative:
        sign, amount, unit = relative.groups()
        days = int(amount) * {"": 1, "d": 1, "w": 7, "m": 30}[unit]
        return today + dt.timedelta(days=days if sign == "+" else -days)
    words = value.split()
    if len(words) in (1, 2) and words[-1][:3] in (d[:3] for d in WEEKDAYS):
        target = next(i for i, d in enumerate(WEEKDAYS) if d.startswith(words[-1][:3]))
        if len(words) == 2 and words[0] != "next":
            raise DateInputError(f"{text!r}: write 'next friday' or just 'friday'")
        ahead = (target - today.weekday()) % 7  # "friday": today if it is Friday
        if len(words) == 2:
            ahead = ahead or 7  # "next friday": never today
        return today + dt.timedelta(days=ahead)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DateInputError(
            f"{text!r} is not a date: use 2025-03-04, t (today), tomorrow, +3d, -1w or next monday"
        ) from None
