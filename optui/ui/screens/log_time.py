"""The log time form (`t`): date, activity, hours and comment for one work package.

Activities come from the server's time entry form (the default one chosen). Hours take what
people type (`1h 30m`, `1.5h`, `90m`, `1:30`, `PT1H30M`) and are shown back as `1h 30m`; dates
take `t`, `+3d`, `next monday`, `2025-03-04`. A bad value is said under its field before
anything is sent; the server's refusal (422) is said at its field and nothing typed is lost.
Editing an entry of the timesheet uses the same form.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from optui.api import ApiError, InvalidInput, ServerUnreachable, Services
from optui.api.dates import DateInputError, parse_date
from optui.api.durations import DurationError, format_hours, parse_human
from optui.api.time_entries import TimeEntry
from optui.ui.safe import clean

FIELDS = ("spentOn", "activity", "hours", "comment")


class LogTimeScreen(ModalScreen[TimeEntry | None]):
    """Dismisses with the saved entry, or None when left."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="log.save", tooltip="Log the time"),
        Binding("escape", "cancel", "Cancel", id="log.cancel", tooltip="Leave without logging"),
    ]

    def __init__(
        self,
        services: Services,
        work_package_href: str,
        title: str,
        today: dt.date,
        entry: TimeEntry | None = None,
        day: dt.date | None = None,
    ) -> None:
        super().__init__(classes="log-time")
        self.services = services
        self.work_package_href = work_package_href
        self.title_text = title
        self.today = today
        self.entry = entry
        self.date_input = Input(
            entry.spent_on if entry else (day or today).isoformat(),
            placeholder="t, yesterday, +3d, next monday, 2025-03-04",
            id="log-date",
        )
        self.activity = Select[str]([], prompt="(loading…)", id="log-activity")
        self.hours = Input(
            format_hours(entry.hours) if entry and entry.hours else "",
            placeholder="1h 30m, 1.5h, 90m, 1:30",
            id="log-hours",
        )
        self.comment = Input(
            clean(entry.comment) if entry else "", placeholder="optional", id="log-comment"
        )
        self.messages = {name: Static("", classes="log-message") for name in FIELDS}
        self.status = Static("", id="log-status")
        self._saving = False
        self._answer_lost = False
        """A new entry was sent and its answer never came: look before sending it again."""

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box"):
            yield Static(Content.styled(clean(self.title_text), "bold"))
            yield Static(Content.styled("Date", "dim"))
            yield self.date_input
            yield self.messages["spentOn"]
            yield Static(Content.styled("Activity", "dim"))
            yield self.activity
            yield self.messages["activity"]
            yield Static(Content.styled("Hours", "dim"))
            yield self.hours
            yield self.messages["hours"]
            yield Static(Content.styled("Comment", "dim"))
            yield self.comment
            yield self.messages["comment"]
            yield self.status

    def on_mount(self) -> None:
        for message in self.messages.values():
            message.display = False
        self.status.update(Content.styled("ctrl+s logs · esc leaves", "dim"))
        self.hours.focus()
        self.load_activities()

    @work(exclusive=True, group="log-form", exit_on_error=False)
    async def load_activities(self) -> None:
        try:
            form = await self.services.log_form(self.work_package_href)
        except ApiError as error:
            self.say(f"The activities could not be loaded: {error}", error=True)
            return
        options = [(Content(clean(a.name)), a.href) for a in form.activities]
        self.activity.set_options(options)
        chosen = self.entry.activity_href if self.entry else form.default_activity
        if chosen and any(href == chosen for _, href in options):
            self.activity.value = chosen

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.update(Content.styled(clean(text), "red" if error else "dim"))

    def show_error(self, field: str, text: str) -> None:
        message = self.messages.get(field) or self.messages["comment"]
        message.update(Content.styled(clean(text), "red"))
        message.display = bool(text)

    def clear_errors(self) -> None:
        for name in FIELDS:
            self.show_error(name, "")

    @on(Input.Changed, "#log-hours")
    def hours_typed(self, event: Input.Changed) -> None:
        self.show_error("hours", "")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def read(self) -> tuple[dt.date, float] | None:
        """The date and hours typed, or None after saying what is wrong at the field."""
        self.clear_errors()
        ok = True
        try:
            day = parse_date(self.date_input.value, self.today)
        except DateInputError as error:
            self.show_error("spentOn", str(error))
            day, ok = None, False
        if ok and day is None:
            self.show_error("spentOn", "Enter the day the time was spent.")
            ok = False
        hours = 0.0
        try:
            hours = parse_human(self.hours.value)
            if hours <= 0:
                self.show_error("hours", "Enter more than no time.")
                ok = False
        except DurationError as error:
            self.show_error("hours", str(error))
            ok = False
        if not ok or day is None:
            return None
        return day, hours

    def action_save(self) -> None:
        found = self.read()
        if found is None:
            self.say("Check the marked fields.", error=True)
            return
        if not self._saving:
            self.save(*found)

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def save(self, day: dt.date, hours: float) -> None:
        self._saving = True
        self.say("Logging…")
        activity = self.activity.value if isinstance(self.activity.value, str) else None
        try:
            if self.entry is None and self._answer_lost:
                found = await self._already_logged(day, hours)
                if found is not None:  # the lost answer's entry is there: not sent twice
                    self.dismiss(found)
                    return
            if self.entry is None:
                saved = await self.services.log_time(
                    self.work_package_href,
                    hours,
                    spent_on=day,
                    comment=self.comment.value.strip(),
                    activity_href=activity,
                )
            else:
                typed = self.comment.value.strip()
                untouched = self.comment.value == clean(self.entry.comment)
                saved = await self.services.update_time_entry(
                    self.entry,
                    hours=hours,
                    spent_on=day,
                    comment=None if untouched else typed,  # the server keeps its own text
                    activity_href=activity,
                )
        except InvalidInput as error:
            for problem in error.errors:
                self.show_error(problem.attribute or "comment", problem.message)
            self.say(f"Not logged: {error}", error=True)
            return
        except ServerUnreachable as error:
            self._answer_lost = self.entry is None
            self.say(
                f"Not logged: {error} Everything typed is kept; ctrl+s checks the server "
                "and tries again.",
                error=True,
            )
            return
        except ApiError as error:
            self.say(
                f"Not logged: {error} Everything typed is kept; ctrl+s tries again.", error=True
            )
            return
        finally:
            self._saving = False
        self.dismiss(saved)

    async def _already_logged(self, day: dt.date, hours: float) -> TimeEntry | None:
        """The entry a lost answer may have created: same work package, day, hours, comment."""
        entries = await self.services.my_time(day, day, force=True)
        comment = self.comment.value.strip()
        for entry in entries:
            if (
                entry.work_package_href == self.work_package_href
                and entry.hours is not None
                and abs(entry.hours - hours) < 1 / 120
                and entry.comment.strip() == comment
            ):
                return entry
        return None

    def action_cancel(self) -> None:
        self.dismiss(None)
