"""Text typed in the comment editor (`c`) and the log time form (`t`) survives escape, a failed
send and closing the app: it is kept on disk as a draft, brought back when the same editor opens
for the same work package, and deleted once the server has it. Every expectation is read back
over HTTP (the server's comments and time entries) and from disk (the draft files).

Closing the app is `run_test` ending: a second app with the same profile and directories then
plays the user who starts optui again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import TextArea

from optui.demo import DemoServer
from optui.demo.faults import Faults
from optui.drafts import COMMENT, TIME_ENTRY, DraftStore, text_key
from optui.ui.screens.comment import CommentScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.log_time import LogTimeScreen
from tests.conftest import TODAY, read_json
from tests.ui.conftest import make_app, settle

S = TypeVar("S", bound=Screen[Any])

WORK_PACKAGES = "/api/v3/work_packages"
COMMENTED = 1
"""The work package the comment tests write on (the demo user may comment there)."""
LOGGED = 5
"""The work package the log form tests log time on."""

KEPT = "Comment kept as a draft; c brings it back."
RESTORED_COMMENT = "Restored your unsent comment from just now."
RESTORED_TIME = "Restored your unlogged time from just now; empty Hours and Comment to drop it."


@pytest.fixture
def store() -> DraftStore:
    return DraftStore.for_profile("demo")  # make_app's profile


def comment_key(number: int) -> str:
    return text_key(COMMENT, f"{WORK_PACKAGES}/{number}")


def time_key(number: int) -> str:
    return text_key(TIME_ENTRY, f"{WORK_PACKAGES}/{number}")


# reading the server and the disk


def comments(demo: DemoServer, number: int) -> list[str]:
    body = read_json(demo, f"{WORK_PACKAGES}/{number}/activities")
    return [a["comment"]["raw"] for a in body["_embedded"]["elements"] if a["comment"]["raw"]]


def entries(demo: DemoServer, number: int) -> list[dict[str, Any]]:
    wanted = [{"work_package": {"operator": "=", "values": [str(number)]}}]
    body = read_json(demo, "/api/v3/time_entries", filters=wanted, pageSize=1000)
    found: list[dict[str, Any]] = body["_embedded"]["elements"]
    return found


def draft_changes(store: DraftStore, key: str) -> dict[str, Any] | None:
    draft = store.load(key)
    return None if draft is None else dict(draft.changes)


def messages(pilot: Pilot[Any]) -> list[str]:
    return [notification.message for notification in pilot.app._notifications]


# waiting


async def until(check: Callable[[], bool], what: str) -> None:
    """Poll a condition for up to 4 s (drafts are written a few hundred ms after typing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 4.0
    while not check():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def on_top(pilot: Pilot[Any], kind: type[S]) -> S:
    """Wait for a modal that a worker pushes and waits on (so `settle` would wait forever)."""
    await until(lambda: isinstance(pilot.app.screen, kind), f"the {kind.__name__}")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


# driving the app


async def open_detail(pilot: Pilot[Any], number: int) -> DetailScreen:
    await settle(pilot)
    await pilot.press("colon", *f"wp {number}", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    return screen


async def open_comment(pilot: Pilot[Any]) -> TextArea:
    await pilot.press("c")
    editor = (await on_top(pilot, CommentScreen)).editor
    await pilot.pause()
    return editor


async def open_log_form(pilot: Pilot[Any]) -> LogTimeScreen:
    await pilot.press("t")
    form = await on_top(pilot, LogTimeScreen)
    await until(lambda: isinstance(form.activity.value, str), "the activities")
    return form


# 1. Comments


async def test_an_unsent_comment_survives_closing_the_app_and_is_posted_once(
    demo: DemoServer, store: DraftStore
) -> None:
    before = comments(demo, COMMENTED)
    key = comment_key(COMMENTED)
    typed = "Half a thought about the *release*"
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, COMMENTED)
        await open_comment(pilot)
        await pilot.press(*typed)
        await until(lambda: draft_changes(store, key) == {"comment": typed}, "the draft")
        # closed while writing, never posted
    assert comments(demo, COMMENTED) == before
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, COMMENTED)
        editor = await open_comment(pilot)
        await until(lambda: editor.text == typed, "the restored comment")
        assert RESTORED_COMMENT in messages(pilot)
        await pilot.press(*" - done")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CommentScreen)
        assert comments(demo, COMMENTED) == [*before, f"{typed} - done"]
        assert store.load(key) is None and not store.path(key).exists()
        await open_comment(pilot)  # nothing comes back once it is posted
        await pilot.pause(0.1)
        assert pilot.app.screen.query_one(TextArea).text == ""
    assert comments(demo, COMMENTED) == [*before, f"{typed} - done"]


async def test_escape_keeps_a_comment_c_brings_it_back_and_emptying_it_drops_it(
    demo: DemoServer, store: DraftStore
) -> None:
    before = comments(demo, COMMENTED)
    key = comment_key(COMMENTED)
    typed = "Not sure yet"
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, COMMENTED)
        await open_comment(pilot)
        await pilot.press(*typed, "escape")  # at once: before the debounced write
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)
        assert KEPT in messages(pilot)
        assert draft_changes(store, key) == {"comment": typed}

        editor = await open_comment(pilot)
        await until(lambda: editor.text == typed, "the comment kept at escape")
        editor.text = ""  # emptied: the draft goes
        await until(lambda: not store.path(key).exists(), "the draft to be deleted")
        pilot.app.clear_notifications()
        await pilot.press("escape")
        await settle(pilot)
        assert KEPT not in messages(pilot)  # nothing was kept, so nothing is said

        editor = await open_comment(pilot)
        await pilot.pause(0.1)
        assert editor.text == ""
        assert RESTORED_COMMENT not in messages(pilot)
    assert comments(demo, COMMENTED) == before  # escape never posts


async def test_a_failed_post_keeps_the_comment_on_disk(
    faulty: DemoServer, faults: Faults, store: DraftStore
) -> None:
    before = comments(faulty, COMMENTED)
    key = comment_key(COMMENTED)
    typed = "Posted while the server is down"
    async with make_app(faulty).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, COMMENTED)
        editor = await open_comment(pilot)
        editor.text = typed  # no keystroke after it: ctrl+s writes the draft itself
        faults.error_statuses, faults.error_rate = (500,), 1.0
        await pilot.press("ctrl+s")
        question = await on_top(pilot, ConfirmScreen)
        assert "The comment was not posted" in str(question.query_one("#confirm-question").render())
        assert draft_changes(store, key) == {"comment": typed}
        # closed at the question, as if the terminal was killed
    faults.error_rate = 0.0
    assert comments(faulty, COMMENTED) == before
    assert draft_changes(store, key) == {"comment": typed}
    async with make_app(faulty).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, COMMENTED)
        editor = await open_comment(pilot)
        await until(lambda: editor.text == typed, "the restored comment")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert comments(faulty, COMMENTED) == [*before, typed]
    assert not store.path(key).exists()


# 2. The log time form


async def test_typed_time_survives_closing_the_app_and_is_logged_once(
    demo: DemoServer, store: DraftStore
) -> None:
    before = {entry["id"] for entry in entries(demo, LOGGED)}
    key = time_key(LOGGED)
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, LOGGED)
        form = await open_log_form(pilot)
        activities = (await form.services.log_form(f"{WORK_PACKAGES}/{LOGGED}")).activities
        other = next(a.href for a in activities if a.href != form.activity.value)
        await pilot.press(*"1h 15m", "tab", *"Pairing on drafts")  # the focus starts in Hours
        form.activity.value = other
        typed = {"hours": "1h 15m", "comment": "Pairing on drafts", "activity": other}
        await until(lambda: draft_changes(store, key) == typed, "the draft")
        # closed while typing, never logged
    assert {entry["id"] for entry in entries(demo, LOGGED)} == before
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, LOGGED)
        form = await open_log_form(pilot)
        await until(lambda: form.activity.value == other, "the restored activity")
        assert (form.hours.value, form.comment.value) == ("1h 15m", "Pairing on drafts")
        assert form.date_input.value == TODAY.isoformat()  # not typed: not kept
        assert RESTORED_TIME in messages(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, LogTimeScreen)
        assert not store.path(key).exists()
    new = [entry for entry in entries(demo, LOGGED) if entry["id"] not in before]
    assert [(e["hours"], e["comment"]["raw"], e["spentOn"]) for e in new] == [
        ("PT1H15M", "Pairing on drafts", TODAY.isoformat())
    ]
    assert new[0]["_links"]["activity"]["href"] == other


async def test_escape_keeps_typed_time_and_an_untouched_form_keeps_nothing(
    demo: DemoServer, store: DraftStore
) -> None:
    before = {entry["id"] for entry in entries(demo, LOGGED)}
    key = time_key(LOGGED)
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, LOGGED)
        await open_log_form(pilot)
        await pilot.press("escape")  # untouched: just closes
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)
        assert not store.path(key).exists()
        assert not any("draft" in message for message in messages(pilot))

        await open_log_form(pilot)
        await pilot.press(*"2h", "escape")
        await settle(pilot)
        assert "Time not logged; kept as a draft, t brings it back." in messages(pilot)
        assert draft_changes(store, key) == {"hours": "2h"}

        form = await open_log_form(pilot)
        await until(lambda: form.hours.value == "2h", "the restored hours")
        form.hours.value = ""  # emptied (and no comment): dropped
        await until(lambda: not store.path(key).exists(), "the draft to be deleted")
        await pilot.press("escape")
        await settle(pilot)
    assert {entry["id"] for entry in entries(demo, LOGGED)} == before


async def test_a_failed_log_keeps_what_was_typed_on_disk(
    faulty: DemoServer, faults: Faults, store: DraftStore
) -> None:
    before = {entry["id"] for entry in entries(faulty, LOGGED)}
    key = time_key(LOGGED)
    async with make_app(faulty).run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, LOGGED)
        form = await open_log_form(pilot)
        form.hours.value, form.comment.value = "30m", "Refused"
        faults.paths, faults.error_statuses, faults.error_rate = (
            ("/api/v3/time_entries",),
            (500,),
            1,
        )
        await pilot.press("ctrl+s")
        await until(lambda: "Not logged" in str(form.status.render()), "the refusal")
        assert pilot.app.screen is form
        assert draft_changes(store, key) == {"hours": "30m", "comment": "Refused"}
    faults.error_rate = 0.0
    assert {entry["id"] for entry in entries(faulty, LOGGED)} == before
    assert draft_changes(store, key) == {"hours": "30m", "comment": "Refused"}


# 3. The keys


def test_draft_keys_name_the_work_package_and_stay_inside_the_drafts_directory(
    store: DraftStore,
) -> None:
    assert comment_key(42) == "comment-work_package-42"
    assert text_key(TIME_ENTRY, "https://op.example.com/api/v3/work_packages/42") == (
        "time_entry-work_package-42"
    )
    assert text_key(TIME_ENTRY, "/api/v3/time_entries/7") == "time_entry-time_entry-7"
    hostile = text_key(COMMENT, "/api/v3/work_packages/..%2F..%2Fconfig")
    assert store.path(hostile).parent == store.root and ".." not in hostile
    with pytest.raises(ValueError):
        text_key("../comment", "/api/v3/work_packages/42")
