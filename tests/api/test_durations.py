"""Durations as people type them and as the API writes them."""

from __future__ import annotations

import pytest

from optui.api.durations import (
    DurationError,
    format_hours,
    format_iso,
    hours_to_iso,
    iso_to_hours,
    parse_human,
)
from optui.timer import elapsed_text, rounded_hours


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("1.5h", 1.5),
        ("1,5h", 1.5),
        ("90m", 1.5),
        ("1:30", 1.5),
        ("1h30m", 1.5),
        ("1h 30m", 1.5),
        ("2h 15m", 2.25),
        ("PT1H30M", 1.5),
        ("pt1h30m", 1.5),
        ("P1DT2H", 26.0),
        ("2", 2.0),
        ("45m", 0.75),
        ("0:05", 5 / 60),
        ("3 hours", 3.0),
        ("20 min", 1 / 3),
    ],
)
def test_what_people_type(typed: str, hours: float) -> None:
    assert parse_human(typed) == pytest.approx(hours)


@pytest.mark.parametrize("typed", ["", "abc", "1:75", "h", "1x", "-1h", "PT"])
def test_what_is_refused_says_what_would_do(typed: str) -> None:
    with pytest.raises(DurationError) as raised:
        parse_human(typed)
    assert str(raised.value)


def test_written_for_the_api_and_shown_to_people() -> None:
    assert hours_to_iso(1.5) == "PT1H30M"
    assert hours_to_iso(2) == "PT2H"
    assert hours_to_iso(0.25) == "PT15M"
    assert iso_to_hours("PT1H30M") == 1.5
    assert format_hours(1.5) == "1h 30m"
    assert format_hours(0.75) == "45m"
    assert format_hours(26) == "26h"
    assert format_iso("PT1H30M") == "1h 30m"
    assert format_iso("nonsense") == "nonsense"


def test_a_stopped_timer_rounds_up_to_the_configured_step() -> None:
    assert rounded_hours(0.2, 15) == 0.25
    assert rounded_hours(0.25, 15) == 0.25
    assert rounded_hours(0.01, 15) == 0.25  # a short timer books one step
    assert rounded_hours(25.4 / 60, 1) == pytest.approx(25 / 60)
    assert rounded_hours(0.001, 1) == pytest.approx(1 / 60)
    assert elapsed_text(1.5 + 7 / 3600) == "1:30:07"
