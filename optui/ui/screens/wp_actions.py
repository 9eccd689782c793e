"""What a work package offers wherever it is selected (list, detail): edit, quick edits.

Quick edits change one field without the form: the picker lists the values the server's edit
form allows (so a status the workflow forbids is not offered), and the change is saved with the
work package's lockVersion. A conflict or a refusal is said in words; nothing is retried.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from optui.api import ApiError, UpdateConflict
from optui.api.dates import DateInputError, parse_date
from optui.api.durations import format_hours
from optui.api.models import WorkPackage
from optui.ui.messages import ApiFailed
from optui.ui.safe import one_line
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.pickers import Choice, PickerScreen
from optui.ui.screens.text_prompt import TextPromptScreen

QUICK_FIELDS = {
    "status": "Status",
    "assignee": "Assignee",
    "priority": "Priority",
    "version": "Version",
}
NONE_CHOICE = "__none__"

ACTION_BINDINGS: list[BindingType] = [
    Binding("e", "edit", "Edit", id="wp.edit", tooltip="Edit in the form"),
    Binding("S", "quick('status')", "Status", id="wp.status", tooltip="Change the status"),
    Binding(
        "A",
        "quick('assignee')",
        "Assignee",
        id="wp.assignee",
        show=False,
        tooltip="Change the assignee",
    ),
    Binding(
        "P",
        "quick('priority')",
        "Priority",
        id="wp.priority",
        show=False,
        tooltip="Change the priority",
    ),
    Binding(
        "V",
        "quick('version')",
        "Version",
        id="wp.version",
        show=False,
        tooltip="Change the version",
    ),
    Binding(
        "D",
        "quick_date('dueDate')",
        "Due",
        id="wp.due-date",
        show=False,
        tooltip="Change the finish date (t, +3d, next monday, 2025-03-04)",
    ),
    Binding("t", "log_time", "Log time", id="wp.log-time", tooltip="Log time on it"),
    Binding(
        "T",
        "timer",
        "Timer",
        id="wp.timer",
        show=False,
        tooltip="Start a timer on it, or stop the running one",
    ),
]


class WorkPackageActions(OptuiScreen):
    """Base of screens that show a selected work package (its keys merge with theirs)."""

    BINDINGS: ClassVar[list[BindingType]] = ACTION_BINDINGS

    def selected_work_package(self) -> WorkPackage | None:
        raise NotImplementedError

    def after_quick_edit(self, saved: WorkPackage) -> None:
        """Show the saved work package (screens reload what they show)."""

    def action_edit(self) -> None:
        work_package = self.selected_work_package()
        if work_package is None:
            return
        if not work_package.resource.has_link("update") and not work_package.resource.has_link(
            "updateImmediately"
        ):
            self.notify("You may not edit this work package.", severity="warning", markup=False)
            return
        from optui.ui.screens.form import FormScreen

        self.app.push_screen(FormScreen(work_package=work_package))

    def action_log_time(self) -> None:
        work_package = self.selected_work_package()
        if work_package is not None:
            self.log_time(work_package)

    @work(group="log-time", exit_on_error=False)
    async def log_time(self, work_package: WorkPackage) -> None:
        from optui.ui.screens.log_time import LogTimeScreen

        saved = await self.app.push_screen_wait(
            LogTimeScreen(
                self.optui.services,
                work_package.href,
                f"Log time on {work_package.display_id} {one_line(work_package.subject)}",
                self.optui.today(),
            )
        )
        if saved is not None:
            self.notify(
                f"Logged {format_hours(saved.hours)} on {work_package.display_id}.", markup=False
            )
            self.after_time_logged()

    def after_time_logged(self) -> None:
        """Show the new spent time where the screen shows it (the detail does)."""

    def action_timer(self) -> None:
        self.optui.toggle_timer(self.selected_work_package())

    def action_quick(self, name: str) -> None:
        work_package = self.selected_work_package()
        if work_package is not None:
            self.quick_pick(work_package, name)

    @work(exclusive=True, group="quick-edit", exit_on_error=False)
    async def quick_pick(self, work_package: WorkPackage, name: str) -> None:
        services = self.optui.services
        try:
            options = await services.quick_options(work_package, name)
        except ApiError as error:
            self.post_message(ApiFailed(error))
            return
        if not options:
            self.notify(
                f"{QUICK_FIELDS.get(name, name)} cannot be changed here.",
                severity="warning",
                markup=False,
            )
            return
        choices = [Choice(v.href or NONE_CHOICE, v.title) for v in options]
        picked = await self.app.push_screen_wait(
            PickerScreen(f"{QUICK_FIELDS.get(name, name)} of {work_package.display_id}", choices)
        )
        if picked is None:
            return
        await self._quick_save(work_package, name, None if picked == NONE_CHOICE else picked)

    def action_quick_date(self, name: str) -> None:
        work_package = self.selected_work_package()
        if work_package is not None:
            self.quick_date(work_package, name)

    @work(exclusive=True, group="quick-edit", exit_on_error=False)
    async def quick_date(self, work_package: WorkPackage, name: str) -> None:
        field = "date" if work_package.is_milestone else name
        text = await self.app.push_screen_wait(
            TextPromptScreen(
                f"Finish date of {work_package.display_id}",
                placeholder="2025-03-04, t, +3d, next monday; empty clears",
                value=work_package.due_date or "",
            )
        )
        if text is None:
            return
        try:
            day = parse_date(text, self.optui.today())
        except DateInputError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        await self._quick_save(work_package, field, None if day is None else day.isoformat())

    async def _quick_save(self, work_package: WorkPackage, name: str, value: object) -> None:
        services = self.optui.services
        try:
            saved = await services.quick_update(work_package, name, value)  # type: ignore[arg-type]
        except UpdateConflict:
            self.notify(
                f"{work_package.display_id} was changed by someone else meanwhile; it is "
                "reloaded, try again.",
                severity="warning",
                markup=False,
            )
            self.after_quick_edit(await services.reload_work_package(work_package.href))
            return
        except ApiError as error:
            self.notify(f"Not changed: {error}", severity="error", markup=False)
            return
        self.notify(f"{saved.display_id} {one_line(saved.subject)}: saved.", markup=False)
        self.after_quick_edit(saved)
