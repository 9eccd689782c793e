"""The work schedule of the demo server: week days, non-working days and days, read-only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from optui.demo import DemoServer, start_demo_server
from optui.demo.routes.days import holidays
from tests.conftest import TODAY, demo_client

Json = dict[str, Any]
ERRORS = "urn:openproject-org:api:v3:errors:"
DAYS = "/api/v3/days"
NON_WORKING = "/api/v3/days/non_working"

HOLIDAYS_2026 = [
    ("2026-01-01", "New Year's Day"),
    ("2026-05-01", "Labour Day"),
    ("2026-11-26", "Company day"),  # the fourth Thursday of November, in TODAY's month
    ("2026-12-24", "Christmas Eve"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-26", "Boxing Day"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """One demo server for the module: these endpoints change nothing."""
    handle = start_demo_server(tmp_path_factory.mktemp("days-demo"), today=TODAY)
    try:
        yield handle
    finally:
        handle.stop()


def fetch(server: DemoServer, path: str, filters: Any = None) -> httpx.Response:
    params = {} if filters is None else {"filters": _text(filters)}
    with demo_client(server) as client:
        return client.get(path, params=params)


def _text(filters: Any) -> str:
    return filters if isinstance(filters, str) else json.dumps(filters)


def ok(server: DemoServer, path: str, filters: Any = None) -> Json:
    response = fetch(server, path, filters)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    body: Json = response.json()
    return body


def elements(body: Json) -> list[Json]:
    found: list[Json] = body["_embedded"]["elements"]
    assert body["_type"] == "Collection"
    assert body["total"] == body["count"] == len(found)
    return found


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["_type"] == "Error"
    identifier: str = body["errorIdentifier"].removeprefix(ERRORS)
    return identifier


def between(first: str, last: str) -> Json:
    return {"date": {"operator": "<>d", "values": [first, last]}}


def working(flag: str, operator: str = "=") -> Json:
    return {"working": {"operator": operator, "values": [flag]}}


def dates(found: list[Json]) -> list[str]:
    return [element["date"] for element in found]


def applied_filters(body: Json) -> Any:
    query = urlsplit(body["_links"]["self"]["href"]).query
    return json.loads(parse_qs(query)["filters"][0])


# --- the rule, per year --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "company_day"),
    [(2024, 28), (2025, 27), (2026, 26), (2028, 23), (2029, 22), (2031, 27)],
)
def test_the_company_day_is_the_fourth_thursday_of_november(year: int, company_day: int) -> None:
    found = holidays(year)
    day = dt.date(year, 11, company_day)
    assert found[day] == "Company day"
    assert day.isoweekday() == 4 and 22 <= day.day <= 28
    fixed = {(d.month, d.day) for d in found if d != day}
    assert fixed == {(1, 1), (5, 1), (12, 24), (12, 25), (12, 26)}


# --- /days/non_working ---------------------------------------------------------------------


def test_non_working_days_default_to_the_current_year(server: DemoServer) -> None:
    body = ok(server, NON_WORKING)
    found = elements(body)
    assert [(e["date"], e["name"]) for e in found] == HOLIDAYS_2026
    christmas = found[4]
    assert christmas == {
        "_type": "NonWorkingDay",
        "date": "2026-12-25",
        "name": "Christmas Day",
        "_links": {
            "self": {"href": f"{NON_WORKING}/2026-12-25", "title": "Christmas Day"},
        },
    }
    assert applied_filters(body) == [between("2026-01-01", "2026-12-31")]


def test_the_date_filter_bounds_are_inclusive(server: DemoServer) -> None:
    december = elements(ok(server, NON_WORKING, [between("2026-12-01", "2026-12-31")]))
    assert dates(december) == ["2026-12-24", "2026-12-25", "2026-12-26"]
    edges = elements(ok(server, NON_WORKING, [between("2026-12-24", "2026-12-26")]))
    assert dates(edges) == ["2026-12-24", "2026-12-25", "2026-12-26"]
    one = elements(ok(server, NON_WORKING, [between("2026-12-25", "2026-12-25")]))
    assert [(e["date"], e["name"]) for e in one] == [("2026-12-25", "Christmas Day")]
    assert elements(ok(server, NON_WORKING, [between("2026-12-27", "2026-12-31")])) == []


def test_any_year_may_be_asked_for(server: DemoServer) -> None:
    found = elements(ok(server, NON_WORKING, [between("2026-12-25", "2027-05-01")]))
    assert dates(found) == ["2026-12-25", "2026-12-26", "2027-01-01", "2027-05-01"]
    old = elements(ok(server, NON_WORKING, [between("1999-11-01", "1999-11-30")]))
    assert [(e["date"], e["name"]) for e in old] == [("1999-11-25", "Company day")]


def test_an_open_end_keeps_the_default_bound(server: DemoServer) -> None:
    body = ok(server, NON_WORKING, [between("2026-06-01", "")])
    assert dates(elements(body)) == [d for d, _ in HOLIDAYS_2026[2:]]
    assert applied_filters(body) == [between("2026-06-01", "2026-12-31")]
    reversed_interval = ok(server, NON_WORKING, [between("2026-12-31", "2026-01-01")])
    assert elements(reversed_interval) == []


@pytest.mark.parametrize(
    "filters",
    [
        "[not json",
        '{"date": {}}',
        [{"date": {"operator": "=d", "values": ["2026-12-25"]}}],
        [{"date": {"operator": "<>d", "values": ["2026-12-01"]}}],
        [{"date": {"operator": "<>d", "values": ["2026-12-01", "2026-02-30"]}}],
        [{"date": {"operator": "<>d", "values": ["2026-12-01", 20261231]}}],
        [working("f")],  # documented for /days only
        [{"name": {"operator": "~", "values": ["Christmas"]}}],
    ],
)
def test_bad_non_working_filters_are_invalid_queries(server: DemoServer, filters: Any) -> None:
    assert error(fetch(server, NON_WORKING, filters), 400) == "InvalidQuery"


def test_one_non_working_day(server: DemoServer) -> None:
    body = ok(server, f"{NON_WORKING}/2026-11-26")
    assert body == {
        "_type": "NonWorkingDay",
        "date": "2026-11-26",
        "name": "Company day",
        "_links": {"self": {"href": f"{NON_WORKING}/2026-11-26", "title": "Company day"}},
    }
    assert ok(server, f"{NON_WORKING}/2030-05-01")["name"] == "Labour Day"


@pytest.mark.parametrize("date", ["2026-11-27", "2026-11-28", "2026-11-02", "2027-11-26"])
def test_a_day_that_is_not_a_holiday_is_not_found(server: DemoServer, date: str) -> None:
    # a working day, a Saturday (weekends are week days, not non-working days), today, and
    # last year's company date (2027's is the 25th)
    assert error(fetch(server, f"{NON_WORKING}/{date}"), 404) == "NotFound"


@pytest.mark.parametrize("date", ["2026-02-30", "26-11-26", "20261126", "christmas"])
def test_a_malformed_date_is_a_bad_request(server: DemoServer, date: str) -> None:
    assert error(fetch(server, f"{NON_WORKING}/{date}"), 400) == "InvalidQuery"
    assert error(fetch(server, f"{DAYS}/{date}"), 400) == "InvalidQuery"


# --- /days/week ----------------------------------------------------------------------------


def test_the_week_has_seven_days_and_a_weekend(server: DemoServer) -> None:
    body = ok(server, f"{DAYS}/week")
    found = elements(body)
    assert body["_links"]["self"] == {"href": f"{DAYS}/week"}
    assert [(e["day"], e["name"], e["working"]) for e in found] == [
        (1, "Monday", True),
        (2, "Tuesday", True),
        (3, "Wednesday", True),
        (4, "Thursday", True),
        (5, "Friday", True),
        (6, "Saturday", False),
        (7, "Sunday", False),
    ]
    assert all(e["_type"] == "WeekDay" for e in found)
    assert found[5]["_links"]["self"] == {"href": f"{DAYS}/week/6", "title": "Saturday"}


def test_one_week_day(server: DemoServer) -> None:
    assert ok(server, f"{DAYS}/week/3") == {
        "_type": "WeekDay",
        "day": 3,
        "name": "Wednesday",
        "working": True,
        "_links": {"self": {"href": f"{DAYS}/week/3", "title": "Wednesday"}},
    }
    assert ok(server, f"{DAYS}/week/7")["working"] is False


@pytest.mark.parametrize("day", ["0", "8", "-1", "01", "monday"])
def test_a_week_day_outside_one_to_seven_is_not_found(server: DemoServer, day: str) -> None:
    assert error(fetch(server, f"{DAYS}/week/{day}"), 404) == "NotFound"


# --- /days ---------------------------------------------------------------------------------


def expected_non_working(first: dt.date, last: dt.date) -> list[str]:
    """Weekends and the 2026/2027 holidays of the demo, worked out independently."""
    special = {d for d, _ in HOLIDAYS_2026} | {"2027-01-01", "2027-05-01"}
    span = (last - first).days + 1
    every = [first + dt.timedelta(days=n) for n in range(span)]
    return [d.isoformat() for d in every if d.weekday() >= 5 or d.isoformat() in special]


def test_days_default_to_this_month_and_the_next(server: DemoServer) -> None:
    body = ok(server, DAYS)
    found = elements(body)
    assert len(found) == 30 + 31
    assert found[0]["date"] == "2026-11-01" and found[-1]["date"] == "2026-12-31"
    assert applied_filters(body) == [between("2026-11-01", "2026-12-31")]
    off = [e["date"] for e in found if not e["working"]]
    assert off == expected_non_working(dt.date(2026, 11, 1), dt.date(2026, 12, 31))


def test_days_carry_names_and_reasons(server: DemoServer) -> None:
    found = elements(ok(server, DAYS, [between("2026-11-26", "2026-11-29")]))
    assert [(e["date"], e["name"], e["working"]) for e in found] == [
        ("2026-11-26", "Thursday (Company day)", False),
        ("2026-11-27", "Friday", True),
        ("2026-11-28", "Saturday", False),
        ("2026-11-29", "Sunday", False),
    ]
    company, friday, saturday, _ = found
    assert company["_links"]["nonWorkingReasons"] == [
        {"href": f"{NON_WORKING}/2026-11-26", "title": "Company day"}
    ]
    assert company["_links"]["weekDay"] == {"href": f"{DAYS}/week/4", "title": "Thursday"}
    assert "nonWorkingReasons" not in friday["_links"]
    assert friday["_links"]["self"]["href"] == f"{DAYS}/2026-11-27"
    assert saturday["_links"]["nonWorkingReasons"] == [
        {"href": f"{DAYS}/week/6", "title": "Saturday"}
    ]


def test_the_working_filter(server: DemoServer) -> None:
    interval = between("2026-12-20", "2027-01-05")
    off = elements(ok(server, DAYS, [interval, working("f")]))
    assert dates(off) == expected_non_working(dt.date(2026, 12, 20), dt.date(2027, 1, 5))
    assert dates(off)[:5] == ["2026-12-20", "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-27"]
    assert not any(e["working"] for e in off)
    on = elements(ok(server, DAYS, [interval, working("t")]))
    assert all(e["working"] for e in on)
    assert sorted(dates(on) + dates(off)) == dates(elements(ok(server, DAYS, [interval])))
    assert dates(ok(server, DAYS, [interval, working("t", "!")])["_embedded"]["elements"]) == (
        dates(off)
    )
    assert elements(ok(server, DAYS, [interval, working("t"), working("f")])) == []


def test_the_days_interval_is_inclusive(server: DemoServer) -> None:
    found = elements(ok(server, DAYS, [between("2026-12-24", "2026-12-26")]))
    assert dates(found) == ["2026-12-24", "2026-12-25", "2026-12-26"]
    assert elements(ok(server, DAYS, [between("2027-02-01", "2027-02-01")]))[0]["name"] == (
        "Monday"
    )


@pytest.mark.parametrize(
    "filters",
    [
        "[not json",
        [{"date": {"operator": "w", "values": []}}],
        [{"date": {"operator": "<>d", "values": ["2026-11-01", "next week"]}}],
        [{"working": {"operator": "~", "values": ["t"]}}],
        [{"working": {"operator": "=", "values": ["maybe"]}}],
        [{"working": {"operator": "=", "values": []}}],
        [{"weekDay": {"operator": "=", "values": ["1"]}}],
        [between("2000-01-01", "2026-12-31")],  # far too many days for one answer
    ],
)
def test_bad_days_filters_are_invalid_queries(server: DemoServer, filters: Any) -> None:
    assert error(fetch(server, DAYS, filters), 400) == "InvalidQuery"


def test_one_day(server: DemoServer) -> None:
    assert ok(server, f"{DAYS}/{TODAY.isoformat()}") == {
        "_type": "Day",
        "date": "2026-11-02",
        "name": "Monday",
        "working": True,
        "_links": {
            "self": {"href": f"{DAYS}/2026-11-02", "title": "Monday"},
            "weekDay": {"href": f"{DAYS}/week/1", "title": "Monday"},
        },
    }
    boxing = ok(server, f"{DAYS}/2026-12-26")
    assert (boxing["name"], boxing["working"]) == ("Saturday (Boxing Day)", False)
    assert boxing["_links"]["nonWorkingReasons"] == [
        {"href": f"{DAYS}/week/6", "title": "Saturday"},
        {"href": f"{NON_WORKING}/2026-12-26", "title": "Boxing Day"},
    ]
    assert ok(server, f"{DAYS}/2031-11-27")["name"] == "Thursday (Company day)"


def test_the_defaults_follow_the_servers_today(tmp_path: Path) -> None:
    later = start_demo_server(tmp_path / "later", today=dt.date(2027, 12, 15))
    try:
        body = ok(later, NON_WORKING)
        assert dates(elements(body)) == [
            "2027-01-01",
            "2027-05-01",
            "2027-11-25",
            "2027-12-24",
            "2027-12-25",
            "2027-12-26",
        ]
        days = elements(ok(later, DAYS))
        assert (days[0]["date"], days[-1]["date"]) == ("2027-12-01", "2028-01-31")
    finally:
        later.stop()


def test_the_days_endpoints_are_read_only(server: DemoServer) -> None:
    with demo_client(server) as client:
        patched = client.patch(f"{DAYS}/week/6", json={"_type": "WeekDay", "working": True})
    assert error(patched, 404) == "NotFound"  # no write operations are served
    assert ok(server, f"{DAYS}/week/6")["working"] is False


def test_login_is_required(server: DemoServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        response = client.get(f"{DAYS}/week")
    assert error(response, 401) == "Unauthenticated"
