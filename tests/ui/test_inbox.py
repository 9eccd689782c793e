"""The inbox driven by keys against the demo server: triage, filters, preview, a refused mark.
Every expectation about read state is read back over HTTP.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static

from optui.demo import DemoServer
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.inbox import InboxScreen
from optui.ui.screens.pickers import PickerScreen
from optui.ui.widgets.status_bar import StatusBar
from tests.conftest import read_json
from tests.ui.conftest import make_app, settle

NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
"""The seed's "now": the newest notification is a few hours older."""
UNREAD = [{"readIAN": {"operator": "=", "values": ["f"]}}]
SEEDED_REASONS = {
    "mentioned",
    "assigned",
    "responsible",
    "watched",
    "subscribed",
    "commented",
    "created",
    "processed",
    "prioritized",
    "scheduled",
    "date alert",
    "reminder",
    "shared",
}


def notifications(demo: DemoServer, filters: list[Any] | None = None) -> list[Any]:
    body = read_json(demo, "/api/v3/notifications", filters=filters or [], pageSize=1000)
    elements: list[Any] = body["_embedded"]["elements"]
    return elements


def unread_of(demo: DemoServer, href: str) -> int:
    """Unread notifications about one work package, asked over HTTP."""
    return sum(1 for n in notifications(demo, UNREAD) if n["_links"]["resource"]["href"] == href)


def text_of(widget: Widget) -> str:
    return str(widget.render())


def toasts(pilot: Pilot[None]) -> list[str]:
    return [text_of(toast) for toast in pilot.app.screen.query("Toast")]


async def modal(pilot: Pilot[None], kind: type[Any]) -> Any:
    """The modal a key opened (its worker waits for the answer, so `settle` would wait too)."""
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.01)
    raise AssertionError(f"no {kind.__name__} opened")


async def open_inbox(pilot: Pilot[None]) -> InboxScreen:
    await settle(pilot)
    await pilot.app.push_screen(InboxScreen(now=lambda: NOW))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def table_of(screen: InboxScreen) -> DataTable[Any]:
    table: DataTable[Any] = screen.query_one("#inbox-table", DataTable)
    return table


def current_href(screen: InboxScreen) -> str:
    table = table_of(screen)
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    assert key is not None
    return key


def marker(screen: InboxScreen, href: str) -> str:
    return str(table_of(screen).get_cell(href, "mark")).strip()


def header(screen: InboxScreen) -> str:
    return text_of(screen.query_one("#inbox-header", Static))


async def test_unread_rows_one_per_work_package_newest_first(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_inbox(pilot)
        table = table_of(screen)
        unread = notifications(demo, UNREAD)
        per_work_package = Counter(n["_links"]["resource"]["href"] for n in unread)
        assert table.row_count == len(per_work_package)
        hrefs = [str(row.value) for row in table.rows]
        newest: dict[str, str] = {}
        for item in unread:
            href = item["_links"]["resource"]["href"]
            newest[href] = max(newest.get(href, ""), item["createdAt"])
        assert hrefs == sorted(newest, key=lambda href: newest[href], reverse=True)
        assert all(marker(screen, href) == "●" for href in hrefs)
        assert f"{len(unread)} unread" in header(screen)
        assert f"on {len(per_work_package)} work packages" in header(screen)
        first_age = str(table.get_cell(hrefs[0], "age"))
        assert first_age.endswith("ago") or first_age == "yesterday"


async def test_triage_by_keys(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_inbox(pilot)
        first = current_href(screen)
        count, total = unread_of(demo, first), len(notifications(demo, UNREAD))
        assert count > 0

        await pilot.press("m")  # read
        await settle(pilot)
        assert marker(screen, first) == ""
        assert unread_of(demo, first) == 0
        assert f"{total - count} unread" in header(screen)
        assert f"{total - count} unread" in text_of(screen.query_one(StatusBar))
        await pilot.press("m")  # unread again
        await settle(pilot)
        assert marker(screen, first) == "●"
        assert unread_of(demo, first) > 0

        await pilot.press("j")
        second = current_href(screen)
        assert second != first
        await pilot.press("enter")  # opens the work package and marks it read
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)
        assert unread_of(demo, second) == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        assert second not in {str(row.value) for row in table_of(screen).rows}  # unread only

        total = len(notifications(demo, UNREAD))
        await pilot.press("M")
        confirm = await modal(pilot, ConfirmScreen)
        assert f"Mark all {total} unread notifications" in text_of(
            confirm.query_one("#confirm-question", Static)
        )
        await pilot.press("y")
        await settle(pilot)
        assert notifications(demo, UNREAD) == []
        assert all(marker(screen, str(row.value)) == "" for row in table_of(screen).rows)
        assert "0 unread" in header(screen)
        await pilot.press("r")
        await settle(pilot)
        assert table_of(screen).row_count == 0
        assert "Nothing unread" in text_of(screen.query_one("#inbox-empty", Static))


async def test_all_shows_every_reason_and_the_preview_marks_nothing(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_inbox(pilot)
        unread_before = len(notifications(demo, UNREAD))
        await pilot.press("u", "space")
        await settle(pilot)
        table = table_of(screen)
        assert table.row_count == len(
            {n["_links"]["resource"]["href"] for n in notifications(demo)}
        )
        assert "all: 60 notifications" in header(screen)
        seen: set[str] = set()
        for _ in range(table.row_count):
            preview = text_of(screen.query_one("#inbox-preview-text", Static)).splitlines()
            assert preview[0].startswith("#")
            assert "Latest activity" in preview or "No activity yet." in preview
            seen.update(reason.strip() for reason in preview[1].split("·", 1)[1].split(","))
            await pilot.press("j")
            await settle(pilot)
        assert seen == SEEDED_REASONS
        assert len(notifications(demo, UNREAD)) == unread_before  # previewing marks nothing


async def test_reason_picker_shows_the_server_counts_and_filters(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_inbox(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("f")
        picker = await modal(pilot, PickerScreen)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == "Any reason (60)"
        assert "date alert (6)" in labels
        assert len(labels) == 1 + len(SEEDED_REASONS)
        await pilot.press(*["down"] * labels.index("date alert (6)"), "enter")
        await settle(pilot)
        assert "reason: date alert" in header(screen)
        table = table_of(screen)
        hrefs = [str(row.value) for row in table.rows]
        alerts = [n for n in notifications(demo) if n["reason"] == "dateAlert"]
        assert set(hrefs) == {n["_links"]["resource"]["href"] for n in alerts}
        for href in hrefs:
            subject = str(table.get_cell(href, "subject"))
            assert any(word in subject for word in ("overdue by", "ago", "in ", "today"))
            assert str(table.get_cell(href, "actor")) == "—"

        await pilot.press("p")
        picker = await modal(pilot, PickerScreen)
        options = picker.query_one(OptionList)
        per_project = Counter(n["_links"]["project"]["title"] for n in alerts)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == f"Any project ({len(alerts)})"  # counts follow the reason filter
        assert sorted(labels[1:]) == sorted(f"{p} ({n})" for p, n in per_project.items())
        await pilot.press("down", "enter")
        await settle(pilot)
        chosen, count = labels[1].rsplit(" (", 1)
        assert f"project: {chosen}" in header(screen)
        assert f"all: {count.rstrip(')')} notification" in header(screen)
        hrefs_in_project = [str(row.value) for row in table.rows]
        assert hrefs_in_project and set(hrefs_in_project) <= set(hrefs)


async def test_search_narrows_rows_by_subject(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_inbox(pilot)
        table = table_of(screen)
        before = table.row_count
        word = str(table.get_cell(current_href(screen), "subject")).split()[1]
        await pilot.press("slash", *word, "enter")
        await settle(pilot)
        assert 0 < table.row_count <= before
        for row in table.rows:
            assert word.casefold() in str(table.get_cell(row, "subject")).casefold()
        assert f"search: {word}" in header(screen)
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert table.row_count == before


async def test_a_refused_mark_puts_the_row_back_and_says_why(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_inbox(pilot)
        first = current_href(screen)
        demo.stop()
        await pilot.press("m")
        await settle(pilot)
        assert marker(screen, first) == "●"  # put back: nothing was marked
        said = " ".join(toasts(pilot))
        assert "Not marked read: Cannot reach the server (connection refused)." in said
