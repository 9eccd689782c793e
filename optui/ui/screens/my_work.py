"""My work: what is assigned to me by due date (overdue, this week, later, no date), what I
watch, and how many notifications wait. The default screen after connecting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from optui.api import ApiError
from optui.api.browsing import MyWork
from optui.api.models import WorkPackage
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean
from optui.ui.screens.wp_actions import WorkPackageActions
from optui.ui.widgets.wp_table import Line, RowSource, WorkPackageTable, grouped_lines


def due_groups(
    work_packages: Sequence[WorkPackage], today: dt.date
) -> list[tuple[str, list[WorkPackage]]]:
    """Overdue, due this week (to Sunday), later, no date; each sorted by due date."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    buckets: dict[str, list[WorkPackage]] = {
        "Overdue": [],
        "Due this week": [],
        "Later": [],
        "No date": [],
    }
    for item in work_packages:
        due = _date(item.due_date)
        if due is None:
            buckets["No date"].append(item)
        elif due < today:
            buckets["Overdue"].append(item)
        elif due <= week_end:
            buckets["Due this week"].append(item)
        else:
            buckets["Later"].append(item)
    for name, items in buckets.items():
        items.sort(key=lambda wp: (wp.due_date or "9999", wp.id or 0))
        buckets[name] = items
    return list(buckets.items())


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class MyWorkScreen(WorkPackageActions):
    """Assigned and watched work packages; enter opens one."""

    AUTO_FOCUS = "#my-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="my.refresh", tooltip="Reload from the server"),
        Binding("p", "projects", "Projects", id="my.projects", tooltip="The project tree"),
    ]

    def __init__(self) -> None:
        super().__init__(id="my-work")
        self.summary = Static(id="my-summary")
        self.table = WorkPackageTable(id="my-table")
        self.table.empty_text = "Nothing assigned to you or watched by you is open."
        self.table.sort_column = None  # grouped by due date here, not sorted by a column
        self._loaded = False
        self._first_done = False

    def compose_body(self) -> ComposeResult:
        yield self.summary
        yield self.table

    def on_mount(self) -> None:
        self.table.today = self.optui.today()
        self.summary.update(Content.styled("My work", "bold"))
        self.table.focus()
        cached = self.services.peek_my_work()  # read from disk during start-up, if it was quick
        if cached is not None:
            self.show(cached)
        else:
            self.table.loading = True
        self.load()
        self.set_interval(self.optui.refresh_seconds, self.refresh_quietly)

    @work(exclusive=True, group="my-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        if not self._first_done:
            if not self._loaded:
                cached = await self.services.cached_my_work()
                if cached is not None:  # a warm start paints the last known data at once
                    self.table.loading = False
                    self.show(cached)
            if self._loaded:  # let the cached data reach the screen before anything else
                painted = asyncio.Event()
                self.call_after_refresh(painted.set)
                await painted.wait()
            self._first_done = True
            self.optui.first_screen_painted()
        try:
            mine = await self.services.my_work(force=force)
        except ApiError as error:
            self.post_message(ApiFailed(error))
            if not self._loaded:  # not "Nothing assigned to you…": it is not known
                self.table.show_failure(f"Not loaded: {error} r tries again.")
            return
        finally:
            self.table.loading = False
        self.show(mine)

    def show(self, mine: MyWork) -> None:
        keep = self.table.highlighted.href if self.table.highlighted else None
        assigned = grouped_lines(due_groups(mine.assigned, self.optui.today()))
        watched = grouped_lines([("Watching", list(mine.watched))])
        watched_first = (
            "work_packages_watched" in mine.widgets
            and "work_packages_assigned" in mine.widgets
            and mine.widgets.index("work_packages_watched")
            < mine.widgets.index("work_packages_assigned")
        )
        lines: list[Line] = watched + assigned if watched_first else assigned + watched
        self.table.show_source(RowSource(total=len(lines), lines=lines), keep=keep)
        unread = (
            ""
            if mine.unread is None
            else f"  ·  {mine.unread} unread notification{'s' if mine.unread != 1 else ''}"
        )
        self.summary.update(
            Content.assemble(
                Content.styled("My work", "bold"),
                Content(clean(f"  ·  {len(mine.assigned)} assigned, {len(mine.watched)} watched")),
                Content(unread),
            )
        )
        self._loaded = True

    def refresh_quietly(self) -> None:
        if self.is_current and self._loaded:
            self.load(force=True)

    @on(WorkPackageTable.Opened)
    def open_work_package(self, event: WorkPackageTable.Opened) -> None:
        self.optui.open_work_package(event.work_package.href)

    def selected_work_package(self) -> WorkPackage | None:
        return self.table.highlighted

    def after_quick_edit(self, saved: WorkPackage) -> None:
        self.load(force=True)

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_projects(self) -> None:
        self.optui.show_projects()

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)
