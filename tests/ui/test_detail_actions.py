"""On a work package's detail: comment, edit one's comment, watch, relate, parent, delete."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, TextArea

from optui.demo import DemoServer
from optui.ui.screens.comment import CommentScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.pickers import PickerScreen, SearchPickerScreen
from optui.ui.screens.text_prompt import TextPromptScreen
from tests.conftest import demo_client, read_json
from tests.ui.conftest import make_app, settle

S = TypeVar("S", bound=Screen[Any])


async def open_detail(pilot: Pilot[Any], number: int) -> DetailScreen:
    await settle(pilot)
    await pilot.press("colon", *f"wp {number}", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    return screen


def comments(demo: DemoServer, number: int) -> list[str]:
    body = read_json(demo, f"/api/v3/work_packages/{number}/activities")
    return [a["comment"]["raw"] for a in body["_embedded"]["elements"] if a["comment"]["raw"]]


async def wait_for_modal(pilot: Pilot[Any], kind: type[S]) -> S:
    """Pause until a modal of `kind` is on top (its worker waits on it, so settle would too)."""
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, kind):
            return screen
        await pilot.pause()
    raise AssertionError(f"{kind.__name__} did not open")


async def type_into_editor(pilot: Pilot[Any], text: str) -> None:
    await pilot.pause()
    editor = pilot.app.screen.query_one(TextArea)
    editor.text = text
    await pilot.pause()


async def search_results(pilot: Pilot[Any], picker: SearchPickerScreen, text: str) -> list[str]:
    """The labels the search picker shows once its search for `text` has answered."""
    for _ in range(300):
        await pilot.pause(0.02)
        if picker.answered == text:
            break
    else:
        raise AssertionError(f"no answer to the search for {text!r}")
    options = picker.results
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_comment_then_edit_it(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 1)
        await pilot.press("c")
        await wait_for_modal(pilot, CommentScreen)
        await type_into_editor(pilot, "Looks **good** to me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert comments(demo, 1)[-1] == "Looks **good** to me"
        await pilot.press("C")
        await wait_for_modal(pilot, CommentScreen)
        assert pilot.app.screen.query_one(TextArea).text == "Looks **good** to me"
        await type_into_editor(pilot, "Looks *great* to me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert comments(demo, 1)[-1] == "Looks *great* to me"


async def test_watch_and_unwatch(demo: DemoServer) -> None:
    def watcher_ids() -> set[int]:
        body = read_json(demo, "/api/v3/work_packages/1/watchers")
        return {w["id"] for w in body["_embedded"]["elements"]}

    before = 1 in watcher_ids()
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 1)
        await pilot.press("w")
        await settle(pilot)
        assert (1 in watcher_ids()) is not before
        await pilot.press("w")
        await settle(pilot)
        assert (1 in watcher_ids()) is before


async def test_relate_unrelate_and_parent(demo: DemoServer) -> None:
    def relations_between() -> list[dict[str, Any]]:
        body = read_json(
            demo, "/api/v3/relations", filters='[{"involved":{"operator":"=","values":["2"]}}]'
        )
        return [
            r
            for r in body["_embedded"]["elements"]
            if r["_links"]["to"]["href"].endswith("/3")
            or r["_links"]["from"]["href"].endswith("/3")
        ]

    existing = relations_between()
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 2)
        if not existing:
            await pilot.press("R")
            await wait_for_modal(pilot, PickerScreen)
            await pilot.press("enter")  # the first kind: relates
            picker = await wait_for_modal(pilot, SearchPickerScreen)
            await pilot.press("3")  # the server's candidates: id 3, or subjects with a 3
            first = await search_results(pilot, picker, "3")
            assert first[0] == "#3 " + read_json(demo, "/api/v3/work_packages/3")["subject"]
            await pilot.press("enter")
            await settle(pilot)
            assert len(relations_between()) == 1
        await pilot.press("U")
        await wait_for_modal(pilot, PickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert len(relations_between()) == max(len(existing), 1) - 1
        await pilot.press("H")
        await wait_for_modal(pilot, TextPromptScreen)
        pilot.app.screen.query_one(Input).value = "#5"
        await pilot.press("enter")
        await settle(pilot)
        parent = read_json(demo, "/api/v3/work_packages/2")["_links"]["parent"]["href"]
        assert parent == "/api/v3/work_packages/5"


async def test_delete_asks_first_and_names_it(demo: DemoServer) -> None:
    subject = read_json(demo, "/api/v3/work_packages/3")["subject"]
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 3)
        await pilot.press("X")
        question = await wait_for_modal(pilot, ConfirmScreen)
        assert subject in question.question and "#3" in question.question
        await pilot.press("n")
        await settle(pilot)
        with demo_client(demo) as client:
            assert client.get("/api/v3/work_packages/3").status_code == 200
        await pilot.press("X")
        await wait_for_modal(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        with demo_client(demo) as client:
            assert client.get("/api/v3/work_packages/3").status_code == 404
        assert not isinstance(pilot.app.screen, DetailScreen)


async def test_a_mention_is_completed_and_sent_as_the_tag_the_server_reads(
    demo: DemoServer,
) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 1)
        await pilot.press("c")
        screen = await wait_for_modal(pilot, CommentScreen)
        for _ in range(200):  # the people load in a worker
            await pilot.pause(0.02)
            if screen.people:
                break
        await pilot.press(*"Ask @ch")
        await pilot.pause()
        assert screen.names.display
        assert [u.name for u in screen.offered] == ["Chen Wei"]
        await pilot.press("tab")  # takes the name; tab does not leave the editor
        await pilot.press(*"about it")
        assert screen.editor.text == "Ask @Chen Wei about it"
        assert not screen.names.display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert comments(demo, 1)[-1] == (
            'Ask <mention class="mention" data-id="4" data-type="user" '
            'data-text="@Chen Wei">@Chen Wei</mention> about it'
        )
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        shown = "\n".join(str(s.render()) for s in detail.query(".-step *").results())
        assert "@Chen Wei about it" in shown and "<mention" not in shown
        # editing shows the name again, and keeps it a mention
        await pilot.press("C")
        screen = await wait_for_modal(pilot, CommentScreen)
        assert screen.editor.text == "Ask @Chen Wei about it"
        await type_into_editor(pilot, "Ask @Chen Wei about it, please")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert '">@Chen Wei</mention> about it, please' in comments(demo, 1)[-1]


async def test_escape_closes_the_names_first_and_enter_takes_one(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, 1)
        await pilot.press("c")
        screen = await wait_for_modal(pilot, CommentScreen)
        for _ in range(200):
            await pilot.pause(0.02)
            if screen.people:
                break
        await pilot.press(*"@")
        await pilot.pause()
        assert screen.names.display and len(screen.offered) > 1  # everyone, a few at a time
        await pilot.press("escape")
        assert not screen.names.display and pilot.app.screen is screen
        await pilot.press("backspace", *"@a")
        await pilot.pause()
        second = screen.offered[1].name
        await pilot.press("down", "enter")
        assert screen.editor.text == f"@{second} "
        await pilot.press("enter")  # no names offered: a new line
        assert screen.editor.text == f"@{second} \n"


async def test_add_and_remove_another_watcher(demo: DemoServer) -> None:
    def watcher_names() -> set[str]:
        body = read_json(demo, "/api/v3/work_packages/1/watchers")
        return {w["name"] for w in body["_embedded"]["elements"]}

    assert "Emma Larsen" not in watcher_names()
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        detail = await open_detail(pilot, 1)
        await pilot.press("W")
        await wait_for_modal(pilot, PickerScreen)
        await pilot.press("enter")  # + Add a watcher…
        picker = await wait_for_modal(pilot, SearchPickerScreen)
        await pilot.press(*"lars")
        assert await search_results(pilot, picker, "lars") == ["Emma Larsen  elarsen"]
        await pilot.press("enter")
        await settle(pilot)
        assert "Emma Larsen" in watcher_names()
        assert "Emma Larsen" in str(detail.watchers_line.render())
        await pilot.press("W")
        options = (await wait_for_modal(pilot, PickerScreen)).query_one(
            "#picker-options", OptionList
        )
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press(*["down"] * labels.index("Remove Emma Larsen"), "enter")
        await settle(pilot)
        assert "Emma Larsen" not in watcher_names()
