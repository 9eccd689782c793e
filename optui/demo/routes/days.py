"""The work schedule (read-only): week days, one-time non-working days and the days in between.

Saturday and Sunday are the non-working week days. The non-working days are computed per year
(nothing is stored): New Year's Day, Labour Day, a company day on the fourth Thursday of
November, Christmas Eve, Christmas Day and Boxing Day. Lists take a `date` filter (`<>d`, both
ends inclusive, `""` for the default end); `/days` also a `working` filter (`=`/`!`, `t`/`f`).
Without a date filter `/days/non_working` covers the current year and `/days` the current and
the following month, "current" being the demo's today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import Json, hal, invalid_query, link, not_found, simple_collection
from optui.demo.model import Demo
from optui.demo.render import API

BASE = f"{API}/days"
WEEK_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Names of the ISO week days 1 (Monday) to 7 (Sunday)."""
WEEKEND = frozenset({6, 7})
MAX_SPAN_DAYS = 3660
"""The longest interval `/days` answers (about ten years): every day is an element."""
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_TRUE = frozenset({"t", "true", "1"})
_BOOLEANS = _TRUE | {"f", "false", "0"}


def _nth_weekday(year: int, month: int, iso_day: int, n: int) -> dt.date:
    """The n-th (1-based) ISO week day `iso_day` of a month."""
    first = dt.date(year, month, 1)
    offset = (iso_day - first.isoweekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def holidays(year: int) -> dict[dt.date, str]:
    """The one-time non-working days of a year, by date."""
    found = {
        dt.date(year, 1, 1): "New Year's Day",
        dt.date(year, 5, 1): "Labour Day",
        _nth_weekday(year, 11, 4, 4): "Company day",
        dt.date(year, 12, 24): "Christmas Eve",
        dt.date(year, 12, 25): "Christmas Day",
        dt.date(year, 12, 26): "Boxing Day",
    }
    return dict(sorted(found.items()))


def holidays_between(low: dt.date, high: dt.date) -> list[tuple[dt.date, str]]:
    return [
        (day, name)
        for year in range(low.year, high.year + 1)
        for day, name in holidays(year).items()
        if low <= day <= high
    ]


def holiday_name(day: dt.date) -> str | None:
    return holidays(day.year).get(day)


def week_day_link(iso_day: int) -> Json:
    return link(f"{BASE}/week/{iso_day}", WEEK_DAYS[iso_day - 1])


def non_working_link(day: dt.date, name: str) -> Json:
    return link(f"{BASE}/non_working/{day.isoformat()}", name)


def week_day_json(iso_day: int) -> Json:
    return {
        "_type": "WeekDay",
        "day": iso_day,
        "name": WEEK_DAYS[iso_day - 1],
        "working": iso_day not in WEEKEND,
        "_links": {"self": week_day_link(iso_day)},
    }


def non_working_day_json(day: dt.date, name: str) -> Json:
    return {
        "_type": "NonWorkingDay",
        "date": day.isoformat(),
        "name": name,
        "_links": {"self": non_working_link(day, name)},
    }


def is_working(day: dt.date) -> bool:
    return day.isoweekday() not in WEEKEND and holiday_name(day) is None


def day_json(day: dt.date) -> Json:
    """A Day: its week day's name (and the holiday's), working or not, and why not."""
    iso_day = day.isoweekday()
    holiday = holiday_name(day)
    name = WEEK_DAYS[iso_day - 1] + (f" ({holiday})" if holiday else "")
    links: Json = {"self": link(f"{BASE}/{day.isoformat()}", name)}
    reasons = [week_day_link(iso_day)] if iso_day in WEEKEND else []
    if holiday is not None:
        reasons.append(non_working_link(day, holiday))
    if reasons:  # absent for working days
        links["nonWorkingReasons"] = reasons
    links["weekDay"] = week_day_link(iso_day)
    return {
        "_type": "Day",
        "date": day.isoformat(),
        "name": name,
        "working": not reasons,
        "_links": links,
    }


def path_date(raw: str) -> dt.date:
    """A `{date}` path parameter; 400 InvalidQuery unless it is a real `YYYY-MM-DD` date."""
    try:
        if _ISO_DATE.fullmatch(raw) is None:
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid_query(f"date {raw!r} is not a valid date (expected YYYY-MM-DD).") from None


@dataclass(frozen=True)
class DayFilters:
    """The parsed `filters` of a days list: an inclusive interval and the working flags wanted."""

    low: dt.date
    high: dt.date
    working: frozenset[bool] = frozenset()
    """Empty: working and non-working days; both flags: no day at all."""

    def wants(self, day: dt.date) -> bool:
        return all(is_working(day) == flag for flag in self.working)

    def self_href(self, path: str) -> str:
        """The list's own href, naming the interval (and flags) that were applied."""
        conditions: list[Json] = [
            {"date": {"operator": "<>d", "values": [self.low.isoformat(), self.high.isoformat()]}}
        ]
        for flag in sorted(self.working, reverse=True):
            conditions.append({"working": {"operator": "=", "values": ["t" if flag else "f"]}})
        text = json.dumps(conditions, separators=(",", ":"))
        return f"{path}?filters={quote(text, safe='')}"


def _interval(operator: object, values: list[str]) -> tuple[dt.date | None, dt.date | None]:
    """The bounds of a `date` condition; None for an open (`""`) end."""
    if operator != "<>d":
        raise invalid_query("date Operator is not set to one of the allowed values.")
    try:
        if len(values) != 2 or not all(v == "" or _ISO_DATE.fullmatch(v) for v in values):
            raise ValueError
        start, end = (dt.date.fromisoformat(v) if v else None for v in values)
    except ValueError:
        raise invalid_query("date Values is invalid.") from None
    return start, end


def _working_flag(operator: object, values: list[str]) -> bool:
    if operator not in ("=", "!"):
        raise invalid_query("working Operator is not set to one of the allowed values.")
    if len(values) != 1 or values[0] not in _BOOLEANS:
        raise invalid_query("working Values is invalid.")
    return (values[0] in _TRUE) == (operator == "=")


def parse_day_filters(
    raw: str | None, default: tuple[dt.date, dt.date], *, allow_working: bool
) -> DayFilters:
    """Check `filters` as servers do: 400 InvalidQuery for anything but the documented filters.

    Several conditions narrow each other; an open end of the interval keeps the default's.
    """
    data: Any = queries.parse_json(raw, "Filters")
    if data is None:
        data = []
    if not isinstance(data, list):
        raise invalid_query("Filters must be a JSON array.")
    low: dt.date | None = None
    high: dt.date | None = None
    working: set[bool] = set()
    for entry in data:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise invalid_query("Filters Each filter must be an object with a single key.")
        ((name, condition),) = entry.items()
        if name not in ("date", "working") or (name == "working" and not allow_working):
            raise invalid_query(f"Filters {name} filter does not exist.")
        if not isinstance(condition, dict):
            raise invalid_query(f"{name}: the filter must have an operator and values.")
        operator, values = condition.get("operator"), condition.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise invalid_query(f"{name} Values must be a list of strings.")
        if name == "working":
            working.add(_working_flag(operator, values))
            continue
        start, end = _interval(operator, values)
        if start is not None:
            low = start if low is None else max(low, start)
        if end is not None:
            high = end if high is None else min(high, end)
    return DayFilters(low or default[0], high or default[1], frozenset(working))


def current_year(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def current_and_next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return today.replace(day=1), dt.date(year, month, calendar.monthrange(year, month)[1])


def routes(demo: Demo) -> list[Route]:
    async def non_working_days(request: Request) -> Response:
        wanted = parse_day_filters(
            request.query_params.get("filters"), current_year(demo.today()), allow_working=False
        )
        found = holidays_between(wanted.low, wanted.high)
        elements = [non_working_day_json(day, name) for day, name in found]
        return hal(simple_collection(elements, wanted.self_href(request.url.path)))

    async def non_working_day(request: Request) -> Response:
        day = path_date(request.path_params["date"])
        name = holiday_name(day)
        if name is None:
            raise not_found(f"{day.isoformat()} is not a non-working day.")
        return hal(non_working_day_json(day, name))

    async def week(request: Request) -> Response:
        elements = [week_day_json(iso_day) for iso_day in range(1, 8)]
        return hal(simple_collection(elements, f"{BASE}/week"))

    async def week_day(request: Request) -> Response:
        raw = request.path_params["day"]
        if raw not in {str(n) for n in range(1, 8)}:
            raise not_found("The week day must be a number from 1 (Monday) to 7 (Sunday).")
        return hal(week_day_json(int(raw)))

    async def days(request: Request) -> Response:
        wanted = parse_day_filters(
            request.query_params.get("filters"),
            current_and_next_month(demo.today()),
            allow_working=True,
        )
        span = (wanted.high - wanted.low).days + 1
        if span > MAX_SPAN_DAYS:
            raise invalid_query(f"date The interval must not span more than {MAX_SPAN_DAYS} days.")
        every = (wanted.low + dt.timedelta(days=n) for n in range(max(span, 0)))
        found = [d for d in every if wanted.wants(d)]
        elements = [day_json(d) for d in found]
        return hal(simple_collection(elements, wanted.self_href(request.url.path)))

    async def day(request: Request) -> Response:
        return hal(day_json(path_date(request.path_params["date"])))

    # the literal paths first: `/days/{date}` would take `week` and `non_working` as dates
    return [
        Route(f"{BASE}/non_working", non_working_days, methods=["GET"]),
        Route(f"{BASE}/non_working/{{date}}", non_working_day, methods=["GET"]),
        Route(f"{BASE}/week", week, methods=["GET"]),
        Route(f"{BASE}/week/{{day}}", week_day, methods=["GET"]),
        Route(BASE, days, methods=["GET"]),
        Route(f"{BASE}/{{date}}", day, methods=["GET"]),
    ]
