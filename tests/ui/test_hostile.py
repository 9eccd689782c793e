"""Hostile server data, driven by keys and the mouse against a demo server seeded "hostile".

Every screen must show the data as plain text: markup stays visible as the characters it is and
never styles, links or acts (a click on `[@click=app.quit]` must not quit), escape sequences and
other control characters never reach the terminal, a 5,000-character line never widens the
layout, and a 1 MiB description opens in steps without freezing the app.

What reaches the terminal is read from the screen's compositor: the strips that `export_screenshot`
and the terminal driver write, one per line, as text without Textual's own styling codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Button, DataTable, Footer, Input, Static, TextArea

from optui.demo import DemoServer, start_demo_server
from optui.demo import seed_hostile as hostile
from optui.ui.screens.board import BoardScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.form import FormScreen
from optui.ui.screens.inbox import InboxScreen
from optui.ui.screens.log_time import LogTimeScreen
from optui.ui.screens.my_work import MyWorkScreen
from optui.ui.screens.timesheet import TimesheetScreen
from optui.ui.screens.work_packages import WorkPackagesScreen
from tests.conftest import TODAY
from tests.ui.conftest import make_app, settle
from tests.ui.test_browsing import activity_of, command, markdown_text

SIZE = (120, 40)
FIRST_ID = 251
"""The hostile work packages follow the 250 of the normal seed, in the order of the seed."""
IDS = {subject: FIRST_ID + n for n, (subject, *_rest) in enumerate(hostile.WORK_PACKAGES)}
MARKUP_WP = IDS[f"Markup {hostile.MARKUP_BOLD} in a subject"]
CLICK_WP = IDS[f"Click {hostile.MARKUP_CLICK} to win"]
LONG_WP = IDS[hostile.LONG_LINE]
HUGE_WP = IDS[hostile.HUGE_SUBJECT]
ESCAPES_WP = IDS[f"Controls {hostile.CONTROLS} end"]
EVERYTHING_WP = IDS[f"Everything {hostile.EVERYTHING}"]

SHOWN = {
    MARKUP_WP: "Markup [bold red]x[/] in a subject",
    CLICK_WP: "Click [@click=app.quit]quit[/] to win",
    FIRST_ID + 2: "Link [link=https://evil]x[/link] markup",
    FIRST_ID + 3: "ANSI red text",
    FIRST_ID + 4: "OSC 52 and OSC 8 innocent link",
    ESCAPES_WP: "Controls end",
    LONG_WP: hostile.LONG_LINE[:100],
    FIRST_ID + 7: "RTL مرحبا بالعالم · שלום עולם · exe.live.txt",
    FIRST_ID + 8: f"Emoji {hostile.EMOJI}",
    FIRST_ID + 9: f"Invisible {hostile.ZERO_WIDTH} combining {hostile.COMBINING}",
    EVERYTHING_WP: "Everything [bold red]x[/] [@click=app.quit]quit[/] [link=https://evil]x[/link]",
}
"""What the first line of each work package's detail shows: its subject without escapes and
controls, its markup as written."""

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (ESC and BEL among them) and bidi overrides: none may reach the screen.
(Screen text is checked line by line; a newline only separates the lines of a text.)"""


@pytest.fixture
def hostile_demo(tmp_path: Path) -> Iterator[DemoServer]:
    """A demo server seeded "hostile" (same pattern as the shared `demo` fixture)."""
    server = start_demo_server(tmp_path / "demo-data", today=TODAY, seed_size="hostile")
    try:
        yield server
    finally:
        server.stop()


# reading the screen


def screen_lines(pilot: Pilot[None]) -> list[Strip]:
    """The current screen as the terminal gets it, one strip per line."""
    return pilot.app.screen._compositor.render_strips()


def screen_text(pilot: Pilot[None]) -> str:
    """The screen's text; asserts that every line is exactly as wide as the terminal."""
    width, height = pilot.app.size
    lines = screen_lines(pilot)
    assert len(lines) == height
    for y, strip in enumerate(lines):
        assert strip.cell_length == width, f"line {y} is {strip.cell_length} cells: {strip.text!r}"
    return "\n".join(strip.text for strip in lines)


def no_controls(text: str) -> None:
    found = CONTROL.search(text)
    assert found is None, (
        f"{found.group()!r} reaches the screen: {text[found.start() - 60 : found.end() + 60]!r}"
    )


def plain_screen(pilot: Pilot[None]) -> str:
    """The screen's text, checked: terminal-wide lines, no control character."""
    text = screen_text(pilot)
    no_controls(text)
    return text


def nothing_scrolls_sideways(pilot: Pilot[None]) -> None:
    """No scrollable widget got wider than its room (a long line would make it scroll).

    One-line inputs scroll their text by design and the footer holds the app's own keys.
    """
    wide = [
        widget
        for widget in pilot.app.screen.query("*")
        if widget.display
        and widget.is_scrollable
        and widget.max_scroll_x > 0
        and not isinstance(widget, Input | Footer)
    ]
    assert wide == []


def position_of(pilot: Pilot[None], text: str, below: int = -1) -> tuple[int, int]:
    """Where `text` first starts on the screen below line `below` (x in cells, y), for a click."""
    for y, strip in enumerate(screen_lines(pilot)):
        line = strip.text
        if y > below and text in line:
            return cell_len(line[: line.index(text)]), y
    raise AssertionError(f"{text!r} is not on screen")


def still_running(pilot: Pilot[None]) -> None:
    assert pilot.app.is_running and pilot.app.return_code is None


async def until(pilot: Pilot[None], check: Callable[[], bool], what: str) -> None:
    """For a screen a worker pushes and waits on (`settle` would wait for that worker)."""
    for _ in range(300):
        if check():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def open_detail(pilot: Pilot[None], wp_id: int) -> DetailScreen:
    await command(pilot, f"wp {wp_id}")
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    assert screen.work_package is not None and screen.work_package.id == wp_id
    return screen


# lists


async def test_the_list_shows_markup_as_text_and_keeps_its_width(
    hostile_demo: DemoServer,
) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyWorkScreen)
        plain_screen(pilot)
        await command(pilot, "project hostile")
        screen = pilot.app.screen
        assert isinstance(screen, WorkPackagesScreen)
        text = plain_screen(pilot)
        assert "Hostile data  12 work packages" in text
        for wp_id, shown in SHOWN.items():
            if wp_id not in (LONG_WP, EVERYTHING_WP, FIRST_ID + 9):  # cut to the column
                # one-line cells go without zero-width characters (terminals disagree on them)
                cell = re.sub(
                    "[\u200b-\u200d\u2060-\u2064\ufeff\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]", "", shown
                )
                assert f"#{wp_id} " in text and cell[:30] in text, cell
        assert "[red]Mallory[" in text  # the assignee, markup and all
        table = screen.table
        width = table.scrollable_content_region.width
        drawn = [table.render_line(y) for y in range(table.scrollable_content_region.height)]
        assert all(line.cell_length == width for line in drawn)
        (long_row,) = [line.text for line in drawn if line.text.startswith(f"#{LONG_WP} ")]
        assert hostile.LONG_LINE[:30] in long_row and "…" in long_row
        nothing_scrolls_sideways(pilot)

        # a click on the markup selects the row, and nothing else happens
        x, y = position_of(pilot, hostile.MARKUP_CLICK)
        await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        still_running(pilot)
        assert table.highlighted is not None and table.highlighted.id == CLICK_WP
        await pilot.press("j")  # newest first: the next row down is the one before
        assert table.highlighted is not None and table.highlighted.id == CLICK_WP - 1
        still_running(pilot)


# the detail


async def test_every_detail_shows_the_data_as_plain_text(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        opened: list[DetailScreen] = []
        for wp_id, shown in SHOWN.items():
            screen = await open_detail(pilot, wp_id)  # `:wp` from a detail stacks another
            opened.append(screen)
            text = plain_screen(pilot)
            first = text.splitlines()[0]
            if wp_id == LONG_WP:  # cut to two lines (see the long-subject test below)
                assert first.strip() in hostile.LONG_LINE and len(first.strip()) > 100
            else:  # the header is one line too: without zero-width characters
                cell = re.sub(
                    "[\u200b-\u200d\u2060-\u2064\ufeff\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]", "", shown
                )
                assert first.startswith(" " + cell), wp_id
            nothing_scrolls_sideways(pilot)  # the long lines wrap in the body, none widens it
            description = markdown_text(screen.description)
            no_controls(description)
            assert "Markup in a paragraph: [bold red]x[/], [@click=app.quit]quit[/] and" in (
                description
            )
            assert "<script>alert(1)</script>" in description  # html stays text
            assert hostile.LONG_LINE in description  # all of it, wrapped on screen
            activity = activity_of(screen)
            no_controls(activity)
            assert "[red]Mallory[/] [@click=app.quit]quit[/]" in activity
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is opened[-2]
        still_running(pilot)


async def test_the_detail_shows_hostile_names_and_fields_as_written(
    hostile_demo: DemoServer,
) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, MARKUP_WP)
        text = plain_screen(pilot)
        for label, value in [
            ("Assignee", "[red]Mallory[/] [@click=app.quit]quit[/]"),
            ("Version", "Release [link=https://evil]x[/link] 1.0"),
            ("Category", "Area [@click=app.quit]quit[/]"),
            ("Customer", "[bold red]x[/]"),
            ("Acceptance criteria", "[@click=app.quit]quit[/]"),
        ]:
            assert re.search(rf"^ {re.escape(label)} +{re.escape(value)} *$", text, re.M), label
        activity = activity_of(screen)
        assert "A comment with [bold red]x[/], [@click=app.quit]quit[/] and" in activity
        assert "Subject changed from [bold red]x[/] to [@click=app.quit]quit[/]" in activity

        # clicks on markup in the header, the fields and the description do nothing
        clicked = await open_detail(pilot, CLICK_WP)
        x, y = position_of(pilot, hostile.MARKUP_CLICK)
        assert y == 0  # the header
        await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        still_running(pilot)
        x, y = position_of(pilot, f"Area {hostile.MARKUP_CLICK}", below=0)  # the category
        await pilot.click(offset=(x + 7, y))
        await settle(pilot)
        still_running(pilot)
        body = clicked.query_one("#detail-body", VerticalScroll)
        clicked.description.scroll_visible(animate=False, top=True)
        await settle(pilot)
        x, y = position_of(pilot, f"{hostile.MARKUP_CLICK} and")  # in a paragraph
        await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        still_running(pilot)
        assert pilot.app.screen is clicked
        top = body.scroll_offset.y
        await pilot.press("j")  # the body scrolls a line
        assert body.scroll_offset.y == top + 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)  # the first detail again
        assert pilot.app.screen.work_package is not None
        assert pilot.app.screen.work_package.id == MARKUP_WP
        still_running(pilot)


async def test_a_long_subject_leaves_the_fields_in_view(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_detail(pilot, LONG_WP)
        text = plain_screen(pilot)
        assert re.search(r"^ Type +User story", text, re.M), "the fields are not on screen"


async def test_the_huge_description_opens_in_steps(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, HUGE_WP)  # settles: every worker came to an end
        plain_screen(pilot)
        view = screen.description
        assert 0 < view.remaining < hostile.MIB
        assert len(view.query(".-step")) == 1
        shown = markdown_text(view)
        assert shown.startswith("The huge description") and "Paragraph 0:" in shown
        assert hostile.HUGE_END not in shown and len(shown) < hostile.MIB // 10
        more = view.query_one(Button)
        assert more.display and str(more.label).startswith("Show more (")

        body = screen.query_one("#detail-body", VerticalScroll)
        await pilot.press("j")  # keys still work
        assert body.scroll_offset.y == 1
        left = view.remaining
        more.scroll_visible(animate=False)
        await settle(pilot)
        await pilot.click(more)
        await settle(pilot)
        assert 0 < view.remaining < left
        assert len(view.query(".-step")) == 2
        assert hostile.HUGE_END not in markdown_text(view)
        plain_screen(pilot)
        nothing_scrolls_sideways(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyWorkScreen)
        still_running(pilot)


# the board


async def test_the_board_draws_cards_as_text(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await command(pilot, "project hostile")
        await command(pilot, "board")
        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        board = screen.view
        assert board.board is not None and board.board.card_count == 12
        text = plain_screen(pilot)
        assert "Markup [bold red]x[/] in" in text and "[red]Mallory[/] [@click=a" in text
        assert hostile.LONG_LINE[:24] in text
        for y in range(board.size.height):
            assert board.render_line(y).cell_length == board.size.width
        columns = [column.title for column in board.board.columns]
        for _ in range(columns.index("In progress")):
            await pilot.press("right")
        await settle(pilot)
        text = plain_screen(pilot)
        assert "Click [@click=app.quit]" in text

        x, y = position_of(pilot, "Click [@click=app.quit]")
        await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        still_running(pilot)
        assert board.selected is not None and board.selected.id == CLICK_WP
        await pilot.press("enter")  # opens the selected card
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.work_package is not None and detail.work_package.id == CLICK_WP
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        still_running(pilot)


# the inbox


async def test_the_inbox_shows_the_mention_as_text(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await command(pilot, "inbox")
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        text = plain_screen(pilot)
        rows = text.splitlines()
        assert f"#{CLICK_WP} Click [@click=app.quit]quit[/] to win" in rows[2]  # the newest
        assert "Hostile data" in rows[2] and "[red]Mallory[" in rows[2]
        nothing_scrolls_sideways(pilot)

        await pilot.press("space")  # preview the latest activity
        await settle(pilot)
        preview = str(screen.query_one("#inbox-preview-text", Static).render())
        no_controls(preview)
        assert "[red]Mallory[/] [@click=app.quit]quit[/]" in preview
        assert "please look at [@click=app.quit]quit[/]" in preview.replace("\n", " ")
        assert "<mention" not in preview and "@Demo User" in preview  # a mention reads as @Name
        plain_screen(pilot)
        nothing_scrolls_sideways(pilot)

        # clicks on the markup: in the preview's title they do nothing, on the row they select
        # it and then open the work package, nothing more
        x, y = position_of(pilot, f"#{CLICK_WP} Click [@click=app.quit]quit[/] to win")
        await pilot.click(offset=(x + 13, y))
        await settle(pilot)
        still_running(pilot)
        assert pilot.app.screen is screen
        table = screen.query_one("#inbox-table", DataTable)
        assert table.cursor_row == 0
        x, y = position_of(pilot, f"#{CLICK_WP} Click [@click=app.qui", below=1)
        assert y == 2  # the first row
        x += len(f"#{CLICK_WP} Click ")
        await pilot.click(offset=(x + 2, y))  # puts the cell cursor there
        await settle(pilot)
        still_running(pilot)
        assert pilot.app.screen is screen and table.cursor_row == 0
        await pilot.click(offset=(x + 2, y))  # a click on the cursor opens the row
        await settle(pilot)
        still_running(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.work_package is not None and detail.work_package.id == CLICK_WP
        plain_screen(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        still_running(pilot)


# the timesheet


async def test_the_timesheet_lists_hostile_work_as_text(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await command(pilot, "time")
        screen = pilot.app.screen
        assert isinstance(screen, TimesheetScreen)
        text = plain_screen(pilot)
        assert f"Hostile data · #{MARKUP_WP} Markup" in text
        assert f"Hostile data · #{FIRST_ID + 8} Emoji" in text
        nothing_scrolls_sideways(pilot)
        title = str(screen.query_one("#timesheet-title", Static).render())
        await pilot.press("right_square_bracket")  # next week
        await settle(pilot)
        assert str(screen.query_one("#timesheet-title", Static).render()) != title
        await pilot.press("w")
        await settle(pilot)
        assert str(screen.query_one("#timesheet-title", Static).render()) == title
        still_running(pilot)


async def test_the_log_time_form_draws_no_escape_sequences(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await command(pilot, "time")
        timesheet = pilot.app.screen
        assert isinstance(timesheet, TimesheetScreen)
        # the second row is the entry whose comment is CSI 2J and OSC 52; its Monday cell
        await pilot.press("home", "down", "right", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, LogTimeScreen), "the form")
        form = pilot.app.screen
        assert isinstance(form, LogTimeScreen)
        assert form.entry is not None  # the one we meant, shown without its escapes
        assert form.entry.comment == f"{hostile.CSI_CLEAR}{hostile.OSC_52}"
        assert form.comment.value == ""
        plain_screen(pilot)


# the edit form


async def test_the_edit_form_keeps_markup_as_text(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_detail(pilot, MARKUP_WP)
        await pilot.press("e")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        text = screen_text(pilot)
        assert f"Edit #{MARKUP_WP} Markup [bold red]x[/] in a subject" in text
        assert "Markup [bold red]x[/] in a subject" in form.query_one(".field-input", Input).value
        nothing_scrolls_sideways(pilot)

        x, y = position_of(pilot, "[@click=app.quit]quit[/] and")
        await pilot.click(offset=(x + 2, y))
        await pilot.pause()
        still_running(pilot)
        area = form.query_one(TextArea)
        assert area.has_focus  # the click put the cursor there; typing edits the text
        before = area.text
        await pilot.press("Z")
        assert area.text != before and "Z" in area.text
        still_running(pilot)


async def test_the_edit_form_draws_no_escape_sequences(hostile_demo: DemoServer) -> None:
    async with make_app(hostile_demo).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_detail(pilot, ESCAPES_WP)
        await pilot.press("e")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        plain_screen(pilot)
        # shown without the escapes, yet nothing counts as changed: saving keeps the server's text
        await pilot.pause(0.6)  # past the form's validation pause
        await settle(pilot)
        assert form.changes == {}
