"""ISO 8601 durations of hours <-> hours, and how people write and read them.

The API sends hours as ISO durations (`PT1H30M`, and from 24 h up with a day part worth 24 h:
`P1DT2H` = 26 h). A work package's `duration` counts *working days* (`P5D`): it never goes
through the hours conversion here.
"""

from __future__ import annotations

import re

_ISO = re.compile(
    r"^P(?:(?P<w>\d+(?:[.,]\d+)?)W)?(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<m>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$"
)
_HUMAN = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+(?:[.,]\d+)?)\s*m(?:in(?:utes?)?)?)?$",
    re.IGNORECASE,
)


class DurationError(ValueError):
    """Input that is not a duration; the message says what would be."""


def _number(text: str | None) -> float:
    return float(text.replace(",", ".")) if text else 0.0


def iso_to_hours(value: str | None) -> float | None:
    """Hours of an ISO 8601 duration (days count 24 h, weeks 7 days); None when absent."""
    if not value:
        return None
    match = _ISO.match(value.strip().upper())
    if match is None or value.strip().upper() in ("P", "PT"):
        raise DurationError(f"not an ISO 8601 duration: {value!r}")
    parts = {key: _number(text) for key, text in match.groupdict().items()}
    return parts["w"] * 168 + parts["d"] * 24 + parts["h"] + parts["m"] / 60 + parts["s"] / 3600


def hours_to_iso(hours: float) -> str:
    """Hours as the API wants them written: `PT1H30M` (minutes rounded)."""
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    if minutes == 0:
        return "PT0M"
    return "PT" + (f"{whole}H" if whole else "") + (f"{rest}M" if rest else "")


def format_hours(hours: float | None) -> str:
    """For people: `1h 30m`, `45m`, `26h` ("" when unknown)."""
    if hours is None:
        return ""
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    if whole and rest:
        return f"{whole}h {rest}m"
    if whole:
        return f"{whole}h"
    return f"{rest}m"


def format_iso(value: str | None) -> str:
    """An ISO duration of hours for people; the raw text if it cannot be read."""
    try:
        return format_hours(iso_to_hours(value))
    except DurationError:
        return value or ""


def parse_human(text: str) -> float:
    """Hours from what people type: `1.5h`, `90m`, `1:30`, `1h30m`, `2h 15m`, `PT1H30M`, `2`."""
    value = text.strip()
    if not value:
        raise DurationError("enter a duration, e.g. 1h 30m, 1.5h, 90m or 1:30")
    if value.upper().startswith("P"):
        hours = iso_to_hours(value)
        assert hours is not None
        return hours
    if ":" in value:
        head, _, tail = value.partition(":")
        if head.isdigit() and tail.isdigit() and len(tail) == 2 and int(tail) < 60:
            return int(head) + int(tail) / 60
        raise DurationError(f"{text!r} is not a duration: write hours:minutes as 1:30")
    try:
        return _number(value)  # a plain number means hours
    except ValueError:
        pass
    match = _HUMAN.match(value)
    if match is None or not any(match.groupdict().values()):
        raise DurationError(f"{text!r} is not a duration: try 1h 30m, 1.5h, 90m or 1:30")
    return _number(match.group("h")) + _number(match.group("m")) / 60
