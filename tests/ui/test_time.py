"""Time logging against the demo server: :log, the t form, the timer across a restart, the
weekly timesheet with edits and deletes, and the detail's spent time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.coordinate import Coordinate
from textual.pilot import Pilot

from optui.api.durations import iso_to_hours
from optui.api.time_entries import week_of
from optui.demo import DemoServer
from optui.timer import TimerStore
from optui.ui.app import OptuiApp
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.log_time import LogTimeScreen
from optui.ui.screens.timesheet import TimesheetScreen
from optui.ui.widgets.status_bar import StatusBar
from tests.conftest import TODAY, read_json
from tests.ui.conftest import make_app, settle


def entries(demo: DemoServer, **filters: Any) -> list[dict[str, Any]]:
    wanted = [{k: {"operator": "=", "values": [str(v)]}} for k, v in filters.items()]
    body = read_json(demo, "/api/v3/time_entries", filters=wanted, pageSize=1000)
    found: list[dict[str, Any]] = body["_embedded"]["elements"]
    return found


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def open_detail(pilot: Pilot[Any], number: int) -> DetailScreen:
    await settle(pilot)
    await pilot.press("colon", *f"wp {number}", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    return screen


async def test_log_command_creates_the_entry(demo: DemoServer) -> None:
    before = {e["id"] for e in entries(demo, work_package=3)}
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        detail = await open_detail(pilot, 3)
        await pilot.press("colon", *"log 1h30m Reviewed", "enter")
        await settle(pilot)
        (new,) = [e for e in entries(demo, work_package=3) if e["id"] not in before]
        assert new["hours"] == "PT1H30M"
        assert new["comment"]["raw"] == "Reviewed"
        assert new["spentOn"] == TODAY.isoformat()
        assert new["_links"]["activity"]["href"]  # the form's default activity
        await settle(pilot)
        assert "1h 30m" in str(detail.time_lines.render())


async def test_log_form_checks_what_is_typed_and_logs(demo: DemoServer) -> None:
    before = {e["id"] for e in entries(demo, work_package=5)}
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 5)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, LogTimeScreen), "the form")
        shown = pilot.app.screen
        assert isinstance(shown, LogTimeScreen)
        form: LogTimeScreen = shown
        await until(pilot, lambda: isinstance(form.activity.value, str), "activities")
        default = form.activity.value
        await pilot.press(*"abc", "enter")  # the focus starts in Hours
        assert "not a duration" in str(form.messages["hours"].render())
        assert pilot.app.screen is shown  # nothing was sent
        assert {e["id"] for e in entries(demo, work_package=5)} == before
        form.hours.value = "1:30"
        form.date_input.value = "yesterday"
        form.comment.value = "Pairing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is not shown
        (new,) = [e for e in entries(demo, work_package=5) if e["id"] not in before]
        assert (new["hours"], new["comment"]["raw"]) == ("PT1H30M", "Pairing")
        assert new["spentOn"] == (TODAY - dt.timedelta(days=1)).isoformat()
        assert new["_links"]["activity"]["href"] == default


async def test_the_timer_runs_across_a_restart_and_books_its_time(demo: DemoServer) -> None:
    clock = [dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)]

    def app_with_clock() -> OptuiApp:
        app = make_app(demo)
        app.now = lambda: clock[0]
        return app

    before = {e["id"] for e in entries(demo, work_package=1)}
    app = app_with_clock()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 1)
        await pilot.press("T")
        await until(
            pilot, lambda: app.timer is not None and app.timer.server_href is not None, "timer"
        )
        running = entries(demo, ongoing="t", user_id="me")
        assert [e["_links"]["workPackage"]["href"] for e in running] == ["/api/v3/work_packages/1"]
    assert TimerStore.for_profile("demo").load() is not None  # on disk after quitting
    clock[0] += dt.timedelta(minutes=25, seconds=20)
    app = app_with_clock()  # optui starts again
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.timer is not None, "the timer from disk")
        await pilot.pause(1.1)  # the status bar's clock ticks
        assert "0:25:20" in str(app.screen.query_one(StatusBar).render())
        await pilot.press("T")  # stops it, whatever is selected
        await until(pilot, lambda: app.timer is None, "the timer to stop")
        await settle(pilot)
    (booked,) = [e for e in entries(demo, work_package=1) if e["id"] not in before]
    assert booked["ongoing"] is False
    assert iso_to_hours(booked["hours"]) == 25 / 60  # rounded to the minute
    assert entries(demo, ongoing="t", user_id="me") == []
    assert TimerStore.for_profile("demo").load() is None


async def test_timesheet_totals_edits_and_deletes(demo: DemoServer) -> None:
    monday, sunday = week_of(TODAY)
    app = make_app(demo)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"time", "enter")
        await settle(pilot)
        sheet = app.screen
        assert isinstance(sheet, TimesheetScreen)
        mine = read_json(
            demo,
            "/api/v3/time_entries",
            filters=[
                {"user_id": {"operator": "=", "values": ["me"]}},
                {
                    "spent_on": {
                        "operator": "<>d",
                        "values": [monday.isoformat(), sunday.isoformat()],
                    }
                },
            ],
            pageSize=1000,
        )["_embedded"]["elements"]
        assert mine, "the seed has time this week"
        total = sum(iso_to_hours(e["hours"]) or 0 for e in mine)
        assert sum(e.hours or 0 for e in sheet.entries) == total
        table = sheet.table
        last = table.row_count - 1
        from optui.api.durations import format_hours

        assert str(table.get_cell_at(Coordinate(last, 8))) == format_hours(total)
        for index, day in enumerate(sheet.days, start=1):
            day_total = sum(
                iso_to_hours(e["hours"]) or 0 for e in mine if e["spentOn"] == day.isoformat()
            )
            assert str(table.get_cell_at(Coordinate(last, index))) == (
                format_hours(day_total) if day_total else ""
            )
        # edit the first entry in place
        first = next(e for e in mine if e["_links"].get("update"))
        href = first["_links"]["workPackage"]["href"]
        day = dt.date.fromisoformat(first["spentOn"])
        row = next(i for i, (h, _) in enumerate(sheet.rows) if h == href)
        table.cursor_coordinate = table.cursor_coordinate._replace(
            row=row, column=1 + (day - monday).days
        )
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, LogTimeScreen) or type(app.screen).__name__ == "PickerScreen"
            ),
            "the entry",
        )
        if not isinstance(app.screen, LogTimeScreen):
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, LogTimeScreen), "the form")
        form = app.screen
        assert isinstance(form, LogTimeScreen) and form.entry is not None
        edited = form.entry.href
        form.hours.value = "7h 15m"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert read_json(demo, edited)["hours"] == "PT7H15M"
        assert any(e.href == edited and e.hours == 7.25 for e in sheet.entries)
        # and delete it, after saying which
        await pilot.press("d")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen) or type(app.screen).__name__ == "PickerScreen"
            ),
            "the question",
        )
        if not isinstance(app.screen, ConfirmScreen):
            options = app.screen.query_one("#picker-options")
            index = next(
                i
                for i in range(options.option_count)  # type: ignore[attr-defined]
                if str(options.get_option_at_index(i).prompt).startswith("7h 15m")  # type: ignore[attr-defined]
            )
            await pilot.press(*["down"] * index, "enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await settle(pilot)
        assert all(e.href != edited for e in sheet.entries)
        assert edited not in {e["_links"]["self"]["href"] for e in entries(demo, user_id="me")}
        # the next week and back
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert sheet.monday == monday + dt.timedelta(days=7)
        await pilot.press("w")
        await settle(pilot)
        assert sheet.monday == monday


async def test_a_lost_answer_is_looked_for_before_logging_again(tmp_path: Any) -> None:
    """The server logged the time but its answer was lost: ctrl+s again finds the entry and
    does not log it twice."""
    from optui.demo import start_demo_server
    from optui.demo.faults import Faults

    faults = Faults(paths=("/api/v3/time_entries",))
    server = start_demo_server(tmp_path / "data", today=TODAY, faults=faults)
    try:
        before = {e["id"] for e in entries(server, work_package=5)}
        async with make_app(server).run_test(size=(120, 40), notifications=True) as pilot:
            await open_detail(pilot, 5)
            await pilot.press("t")
            await until(pilot, lambda: isinstance(pilot.app.screen, LogTimeScreen), "the form")
            shown = pilot.app.screen
            assert isinstance(shown, LogTimeScreen)
            form: LogTimeScreen = shown
            await until(pilot, lambda: isinstance(form.activity.value, str), "activities")
            form.hours.value = "45m"
            form.comment.value = "Lost answer"
            faults.drop_answers = 1
            await pilot.press("ctrl+s")  # (settle would wait for the form: its opener does)
            await until(pilot, lambda: "checks the server" in str(form.status.render()), "why")
            assert pilot.app.screen is shown  # still open, everything kept
            assert len([e for e in entries(server, work_package=5) if e["id"] not in before]) == 1
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert pilot.app.screen is not shown
        new = [e for e in entries(server, work_package=5) if e["id"] not in before]
        assert [(e["hours"], e["comment"]["raw"]) for e in new] == [("PT45M", "Lost answer")]
    finally:
        server.stop()
