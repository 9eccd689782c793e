"""The board against the demo server: columns, moves checked by the workflow, conflicts,
saved boards, creating in a column, finding cards, a refresh that keeps the selection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from optui.api.models import WorkPackage
from optui.demo import DemoServer
from optui.ui.screens.board import BoardScreen
from optui.ui.screens.form import FormScreen
from optui.ui.screens.pickers import PickerScreen
from tests.conftest import demo_client, read_json
from tests.ui.conftest import make_app, record_requests, settle


async def open_board(
    pilot: Pilot[Any], identifier: str = "demo-project", args: str = ""
) -> BoardScreen:
    await settle(pilot)
    await pilot.press("colon", *f"project {identifier}", "enter")
    await settle(pilot)
    await pilot.press("colon", *f"board {args}".strip(), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def status_of(demo: DemoServer, work_package: WorkPackage) -> str:
    body = read_json(demo, f"/api/v3/work_packages/{work_package.id}")
    title: str = body["_links"]["status"]["title"]
    return title


async def select_card(
    pilot: Pilot[Any], board: BoardScreen, match: Callable[[WorkPackage], bool]
) -> WorkPackage:
    """Put the selection on the first card that matches (with keys, as a person would)."""
    assert board.view.board is not None
    for index, column in enumerate(board.view.board.columns):
        for row, card in enumerate(column.cards):
            if match(card):
                await pilot.press(*["left"] * len(board.view.board.columns))
                await pilot.press(*["right"] * index, "home", *["down"] * row)
                assert board.view.selected is not None and board.view.selected.href == card.href
                return card
    raise AssertionError("no such card")


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def prefetched(pilot: Pilot[Any], board: BoardScreen, card: WorkPackage) -> None:
    await until(pilot, lambda: board._allowed_key(card) in board.allowed, "the allowed values")


async def test_the_status_board_lists_every_status_with_its_cards(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot)
        shown = board.view.board
        assert shown is not None and shown.attribute == "status"
        statuses = read_json(demo, "/api/v3/statuses")["_embedded"]["elements"]
        titles = [s["name"] for s in sorted(statuses, key=lambda s: s["position"])]
        assert [c.title for c in shown.columns] == titles
        total = read_json(demo, "/api/v3/projects/1/work_packages", filters=[], pageSize=1)["total"]
        assert shown.card_count == total
        assert board.view.selected is not None  # the first card is selected


async def test_shift_right_moves_a_card_with_one_patch(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot)
        card = await select_card(pilot, board, lambda c: c.status == "New" and c.type == "Task")
        await prefetched(pilot, board, card)
        seen = record_requests(app)
        await pilot.press("shift+right")
        await settle(pilot)
        # the move is one PATCH (its form was fetched while the card was selected); then the
        # form of the moved card is fetched for the next move
        assert seen == [
            ("PATCH", f"/api/v3/work_packages/{card.id}"),
            ("POST", f"/api/v3/work_packages/{card.id}/form"),
        ]
        assert status_of(demo, card) == "In specification"
        assert board.view.selected is not None and board.view.selected.href == card.href
        assert board.view.selected_column is not None
        assert board.view.selected_column.title == "In specification"
        assert board.view.selected.lock_version == (card.lock_version or 0) + 1
        # after a reload the card is still there
        await pilot.press("r")
        await settle(pilot)
        assert board.view.selected_column.title == "In specification"


async def test_a_move_the_workflow_forbids_is_refused_without_a_request(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot)
        # bugs skip "In specification" in the demo's workflow
        card = await select_card(pilot, board, lambda c: c.status == "New" and c.type == "Bug")
        await prefetched(pilot, board, card)
        seen = record_requests(app)
        await pilot.press("shift+right")
        await settle(pilot)
        assert seen == []
        assert status_of(demo, card) == "New"
        message = str(board.message_line.render())
        assert message == (
            f"{card.display_id} stays: The workflow does not allow In specification for this "
            "work package."
        )
        assert board.view.selected_column is not None and board.view.selected_column.title == "New"


async def test_a_conflict_puts_the_card_back_and_says_why(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot)
        card = await select_card(pilot, board, lambda c: c.status == "New" and c.type == "Task")
        await prefetched(pilot, board, card)
        with demo_client(demo) as client:  # someone else edits it meanwhile
            body = {"lockVersion": card.lock_version, "subject": card.subject + " (edited)"}
            assert client.patch(f"/api/v3/work_packages/{card.id}", json=body).status_code == 200
        shown = board.view.board
        assert shown is not None
        others = {c.key: [x.href for x in c.cards] for c in shown.columns}
        await pilot.press("shift+right")
        await settle(pilot)
        assert status_of(demo, card) == "New"
        assert str(board.message_line.render()).startswith(
            f"{card.display_id} went back: someone changed it meanwhile."
        )
        assert board.view.selected_column is not None and board.view.selected_column.title == "New"
        after = board.view.board
        assert after is not None
        # the other columns did not change; the card is back in New, with the new subject
        assert {k: v for k, v in others.items() if k != board.view.selected_column.key} == {
            c.key: [x.href for x in c.cards] for c in after.columns if c.title != "New"
        }
        assert board.view.selected is not None and board.view.selected.subject.endswith("(edited)")


async def test_the_seeded_saved_board_opens_with_its_own_columns(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot, "your-scrum-project", "Task board")
        await until(pilot, lambda: board.current_tab.startswith("saved-"), "the saved board")
        await settle(pilot)
        shown = board.view.board
        assert shown is not None and shown.title == "Task board"
        assert [c.title for c in shown.columns] == ["New", "In progress", "On hold", "Closed"]
        card = await select_card(pilot, board, lambda c: c.status == "New" and c.type != "Bug")
        await prefetched(pilot, board, card)
        await pilot.press("shift+right")
        await settle(pilot)
        assert status_of(demo, card) == "In progress"
        # the free board refuses moves and says why
        await pilot.press("right_square_bracket")
        await until(
            pilot,
            lambda: board.view.board is not None and board.view.board.title == "Sprint planning",
            "the sprint board",
        )
        await settle(pilot)
        await pilot.press("shift+right")
        await settle(pilot)
        assert "free board" in str(board.message_line.render())


async def test_m_moves_through_a_picker_and_n_creates_in_the_column(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot, args="priority")
        shown = board.view.board
        assert shown is not None and shown.attribute == "priority"
        card = await select_card(pilot, board, lambda c: c.priority == "Normal")
        await pilot.press("m")
        await until(pilot, lambda: isinstance(pilot.app.screen, PickerScreen), "the picker")
        picker = pilot.app.screen
        options = picker.query_one("#picker-options")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        target = next(i for i, label in enumerate(labels) if label.startswith("High"))
        await pilot.press(*["down"] * target, "enter")
        await settle(pilot)
        body = read_json(demo, f"/api/v3/work_packages/{card.id}")
        assert body["_links"]["priority"]["title"] == "High"
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen), "the form")
        form = pilot.app.screen
        await settle(pilot)
        assert isinstance(form, FormScreen)
        high = next(c for c in board.view.board.columns if c.title == "High")  # type: ignore[union-attr]
        assert form.changes == {"priority": high.value}
        assert form.state is not None and form.state.values["priority"] == high.value


async def test_find_narrows_the_cards_and_refresh_keeps_the_selection(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        board = await open_board(pilot)
        card = await select_card(pilot, board, lambda c: c.status == "Confirmed")
        await pilot.press("r")
        await settle(pilot)
        assert board.view.selected is not None and board.view.selected.href == card.href
        word = card.subject.split()[-1]
        await pilot.press("slash", *word)
        await pilot.pause()
        shown = board.view.board
        assert shown is not None
        cards = [c for column in shown.columns for c in column.cards]
        assert cards and all(word.casefold() in c.subject.casefold() for c in cards)
        await pilot.press("escape")
        assert board.view.board is not None and board.view.board.card_count > len(cards)


Check = Callable[[], Awaitable[None]]
