"""The log time form (`t`): date, activity, hours and comment for one work package.

Activities come from the server's time entry form (the default one chosen). Hours take what
people type (`1h 30m`, `1.5h`, `90m`, `1:30`, `PT1H30M`) and are shown back as `1h 30m`; dates
take `t`, `+3d`, `next monday`, `2025-03-04`. A bad value is said under its field before
anything is sent; the server's refusal (422) is said at its field and nothing typed is lost.
Editing an entry of the timesheet uses the same form.

What is typed is kept on disk as a draft (`optui.drafts`; key `time_entry-work_package-42` for a
new entry on #42, `time_entry-time_entry-7` for an edit of entry 7) a few hundred ms after each
change, before it is sent, and when the form is left with escape; the form brings it back when
it opens again for the same work package (or entry). It is deleted once the time is logged, or
when Hours and Comment are emptied: a form without either keeps nothing. A date typed as words
(`yesterday`) is kept as the day it meant, so a draft restored later still means that day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Select, Static

from optui.api import ApiError, InvalidInput, ServerUnreachable, Services
from optui.api.dates import DateInputError, parse_date
from optui.api.durations import DurationError, format_hours, parse_human
from optui.api.time_entries import TimeEntry
from optui.drafts import TIME_ENTRY, Draft, DraftStore, Value, text_key
from optui.ui.safe import clean

FIELDS = ("spentOn", "activity", "hours", "comment")
DRAFT_AFTER = 0.3
"""Seconds of quiet typing before what is typed is written to disk as a draft."""


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
        self._drafts: DraftStore | None = None
        self._draft_key = text_key(TIME_ENTRY, entry.href if entry else work_package_href)
        self._base: dict[str, Value] = {
            "spentOn": self.date_input.value,
            "activity": None,  # the chosen one once the activities are loaded
            "hours": self.hours.value,
            "comment": self.comment.value,
        }
        """What the form opened with: only what differs from it is kept."""
        self._on_disk: dict[str, Value] | None = None
        """The changes the draft file holds, as far as this form knows; None for no file."""
        self._draft_ready = False
        self._draft_timer: Timer | None = None
        self._draft_lock = asyncio.Lock()
        self._draft_warned = False
        self._done = False
        """Logged (or left): nothing more is written."""
        self._leaving = False
        self._activities: set[str] | None = None
        """The activity hrefs offered, once loaded."""
        self._restored_activity: str | None = None
        """The draft's activity, until the activities are there to choose it."""

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
        profile = getattr(self.app, "profile_label", "") or "default"
        try:
            self._drafts = DraftStore.for_profile(str(profile))
        except ValueError:
            self._drafts = None
        if self._drafts is not None:
            self.restore_draft()

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
        self._base["activity"] = chosen if self.activity.value == chosen else None
        self._activities = {href for _, href in options}
        self._choose_restored_activity()

    # the draft on disk

    def _values(self) -> dict[str, Value]:
        activity = self.activity.value if isinstance(self.activity.value, str) else None
        try:
            day = parse_date(self.date_input.value, self.today)
        except DateInputError:
            day = None  # kept as typed: the form says what is wrong with it when sent
        return {
            "spentOn": day.isoformat() if day else self.date_input.value,
            "activity": self._restored_activity or activity,
            "hours": self.hours.value,
            "comment": self.comment.value,
        }

    def _typed(self) -> dict[str, Value] | None:
        """What differs from what the form opened with; None when nothing is worth keeping."""
        values = self._values()
        if not self.hours.value.strip() and not self.comment.value.strip():
            return None  # no hours and no comment: nothing to keep (that is how one discards)
        changes = {name: value for name, value in values.items() if value != self._base[name]}
        return changes or None

    @work(exclusive=True, group="log-draft-restore", exit_on_error=False)
    async def restore_draft(self) -> None:
        """Put the draft back in the form, unless the user has typed meanwhile."""
        assert self._drafts is not None
        try:
            draft = await asyncio.to_thread(self._drafts.load, self._draft_key)
            if draft is None or not draft.changes:
                return
            self._on_disk = dict(draft.changes)
            fields = {"spentOn": self.date_input, "hours": self.hours, "comment": self.comment}
            if any(field.value != self._base[name] for name, field in fields.items()):
                return  # typed already: that wins
            for name, field in fields.items():
                value = draft.changes.get(name)
                if isinstance(value, str):
                    field.value = value
            activity = draft.changes.get("activity")
            if isinstance(activity, str):
                self._restored_activity = activity
                self._choose_restored_activity()
            what = "unlogged time" if self.entry is None else "changes to this entry"
            self.notify(
                f"Restored your {what} from {draft.age_text()}; "
                "empty Hours and Comment to drop it.",
                markup=False,
            )
        finally:
            self._draft_ready = True
            self._schedule_draft()  # whatever was typed while it was read

    def _choose_restored_activity(self) -> None:
        wanted = self._restored_activity
        if wanted is None or self._activities is None:
            return  # not restored, or the activities are not there yet
        self._restored_activity = None
        if wanted in self._activities:
            self.activity.value = wanted

    async def sync_draft(self) -> None:
        """Make the draft file hold what is typed (in a thread; OSError if refused)."""
        if self._drafts is None or not self._draft_ready:
            return
        async with self._draft_lock:
            if self._done:
                return  # logged meanwhile: its draft is gone for good
            wanted = self._typed()
            if wanted == self._on_disk:
                return
            if wanted is None:
                await asyncio.to_thread(self._drafts.delete, self._draft_key)
            else:
                draft = Draft(
                    key=self._draft_key,
                    resource_href=self.entry.href if self.entry else self.work_package_href,
                    project_href=None,
                    base_lock_version=None,
                    base=dict(self._base),
                    changes=wanted,
                    saved_at=time.time(),
                    title=self.title_text,
                )
                await asyncio.to_thread(self._drafts.save, draft)
            self._on_disk = wanted

    async def forget_draft(self) -> None:
        """Delete the draft: the time is logged. A file that stays only comes back later."""
        self._done = True
        self._stop_draft_timer()
        if self._drafts is None:
            return
        async with self._draft_lock:
            try:
                await asyncio.to_thread(self._drafts.delete, self._draft_key)
            except OSError:
                return
            self._on_disk = None

    @on(Input.Changed)
    @on(Select.Changed, "#log-activity")
    def _schedule_draft(self) -> None:
        if self._drafts is None or self._done:
            return
        self._stop_draft_timer()
        self._draft_timer = self.set_timer(DRAFT_AFTER, self.save_draft)

    def _stop_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    @work(exclusive=True, group="log-draft", exit_on_error=False)
    async def save_draft(self) -> None:
        await self._keep_quietly()

    async def _keep_quietly(self) -> None:
        """`sync_draft()`, saying once (not at every keystroke) when the disk refuses."""
        try:
            await self.sync_draft()
        except OSError as error:
            if not self._draft_warned:
                self._draft_warned = True
                self.notify(
                    f"What you typed cannot be kept as a draft: {error}",
                    severity="warning",
                    markup=False,
                )

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
        if not self._saving and not self._leaving:
            self.save(*found)

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def save(self, day: dt.date, hours: float) -> None:
        self._saving = True
        self.say("Logging…")
        activity = self.activity.value if isinstance(self.activity.value, str) else None
        self._stop_draft_timer()
        try:
            await self._keep_quietly()  # on disk before it is sent: a crash while sending keeps it
            if self.entry is None and self._answer_lost:
                found = await self._already_logged(day, hours)
                if found is not None:  # the lost answer's entry is there: not sent twice
                    await self.forget_draft()
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
        await self.forget_draft()
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
        if not self._done and not self._leaving:
            self._leaving = True
            self._stop_draft_timer()
            self.leave()

    @work(group="log-leave", exit_on_error=False)
    async def leave(self) -> None:
        """Leave; what is typed stays on disk as a draft (the form restores it next time)."""
        try:
            await self.sync_draft()
        except OSError as error:  # stay: leaving now would lose what is typed
            self._leaving = False
            self.say(f"What you typed cannot be kept as a draft: {error}", error=True)
            return
        self._done = True
        if self._on_disk is not None:
            self.notify(
                "Time not logged; kept as a draft, t brings it back."
                if self.entry is None
                else "Changes not saved; kept as a draft, opening the entry brings them back.",
                markup=False,
            )
        self.dismiss(None)
