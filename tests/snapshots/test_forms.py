"""Snapshots of the edit form, the create form of a bug, the conflict view and the question to
restore a draft. The seed and the day are fixed; the draft's age is written relative to now."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from optui.demo import DemoServer
from optui.drafts import Draft, DraftStore, edit_key
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.conflict import ConflictScreen
from tests.ui.conftest import make_app, settle
from tests.ui.test_browsing import command, patch_work_package, table_of
from tests.ui.test_forms import (
    checked,
    edit_first_of_my_work,
    editor,
    focus_field,
    highlight,
    input_of,
    message,
    on_screen,
    open_select,
    running,
    the_form,
    until,
)

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
FEATURE = 33
"""A feature of the Demo project: custom fields of most kinds in its form."""


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_edit_form(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def open_form(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await command(pilot, f"wp {FEATURE}")
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=size, run_before=open_form)


def test_create_form_of_a_bug(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def new_bug(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await command(pilot, "project demo-project")
        await pilot.press("n")
        await settle(pilot)
        form = the_form(pilot)
        await pilot.press("shift+tab", "shift+tab", *"No login")
        await open_select(pilot, form, "type")
        await highlight(pilot, editor(form, "type").query_one(OptionList), "Bug")
        await pilot.press("enter")  # the fields are built again
        await until(running(form, "customField7"), "the Bug's Component field")
        await checked(pilot, form, "type", "/api/v3/types/7")
        assert "customField7" not in form.changes  # nothing chosen yet
        blank = "Component can't be blank."
        await until(lambda: message(form, "customField7") == blank, "the required message")
        await focus_field(pilot, "customField7", back=True)  # scrolls it into view
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=new_bug)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_conflict_view(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def conflict(pilot: Pilot[Any]) -> None:
        form, wp_id = await edit_first_of_my_work(pilot)
        subject = input_of(form, "subject").value
        await pilot.press(*" (mine)")
        await checked(pilot, form, "subject", f"{subject} (mine)")
        patch_work_package(demo, wp_id, {"subject": "Renamed elsewhere"})
        await pilot.press("ctrl+s")
        await on_screen(pilot, ConflictScreen)  # a worker waits on it: no settle

    assert snap_compare(make_app(demo), terminal_size=size, run_before=conflict)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_restore_draft_question(
    demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    async def question(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        highlighted = table_of(pilot).highlighted  # My work's first work package
        assert highlighted is not None
        DraftStore.for_profile("demo").save(
            Draft(
                key=edit_key(highlighted.href),
                resource_href=highlighted.href,
                project_href=None,
                base_lock_version=highlighted.lock_version,
                base={"subject": highlighted.subject},
                changes={"subject": "Typed yesterday", "description": "More"},
                saved_at=time.time() - 2.5 * 3600,  # "2 h ago" for the next half hour
            )
        )
        await pilot.press("e")
        await on_screen(pilot, ConfirmScreen)  # a worker waits on it: no settle

    assert snap_compare(make_app(demo), terminal_size=size, run_before=question)
