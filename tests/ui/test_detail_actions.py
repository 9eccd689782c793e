"""On a work package's detail: comment, edit one's comment, watch, relate, parent, delete."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from optui.demo import DemoServer
from optui.ui.screens.comment import CommentScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.pickers import PickerScreen
from optui.ui.screens.text_prompt import TextPromptScreen
from tests.conftest import demo_client, read_json
from tests.ui.conftest import make_app, settle


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


async def wait_for_modal(pilot: Pilot[Any], kind: type) -> Any:
    """Pause until a modal of `kind` is on top (its worker waits on it, so settle would too)."""
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause()
    raise AssertionError(f"{kind.__name__} did not open")


async def type_into_editor(pilot: Pilot[Any], text: str) -> None:
    await pilot.pause()
    editor = pilot.app.screen.query_one(TextArea)
    editor.text = text
    await pilot.pause()


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
            await wait_for_modal(pilot, TextPromptScreen)
            pilot.app.screen.query_one(Input).value = "#3"
            await pilot.press("enter")
            await settle(pilot)
            assert len(relations_between()) == 1
        await pilot.press("U")
        await wait_for_modal(pilot, PickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert len(relations_between()) == max(len(existing), 1) - 1
        await pilot.press("T")
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
