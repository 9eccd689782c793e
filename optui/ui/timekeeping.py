"""Logging time from anywhere: `:log <duration> [comment]`, the `t` form and the `T` timer.

The timer lives in a file per profile (`optui.timer`) and, where the server runs timers, as an
ongoing time entry too; the status bar shows it on every screen. Stopping books the elapsed
time rounded up to `timer_rounding` minutes. Writes are sent once; a failure says so and keeps
what was typed (the timer file stays until the entry is booked).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.reactive import reactive

from optui.api import ApiError, NotFound
from optui.api.durations import DurationError, format_hours, parse_human
from optui.api.models import WorkPackage
from optui.timer import RunningTimer, TimerStore, elapsed_text, rounded_hours
from optui.ui.safe import one_line

if TYPE_CHECKING:
    from optui.api import Services


def label_of(work_package: WorkPackage) -> str:
    return f"{work_package.display_id} {one_line(work_package.subject)}"


class Timekeeping(App[None]):
    """Mixed into the app: the timer's state, the status bar's clock, logging commands."""

    timer_text: reactive[str] = reactive("")
    """`⏱ #42 0:12:03`, or "" when no timer runs (the status bar shows it)."""

    timer: RunningTimer | None = None
    timer_rounding = 1
    """Minutes a stopped timer's time is rounded up to (1: to the nearest minute)."""

    if TYPE_CHECKING:

        @property
        def services(self) -> Services: ...

        profile_label: str

    def _now(self) -> dt.datetime:
        clock = getattr(self, "now", None)
        found = clock() if callable(clock) else None
        if isinstance(found, dt.datetime):
            return found if found.tzinfo else found.replace(tzinfo=dt.UTC)
        return dt.datetime.now(dt.UTC)

    def _timer_store(self) -> TimerStore:
        return TimerStore.for_profile(self.profile_label or "default")

    # the timer

    @work(group="app-timer-load", exit_on_error=False)
    async def load_timer(self) -> None:
        """The timer of the last session (it ran on while optui was closed)."""
        store = self._timer_store()
        timer = await asyncio.to_thread(store.load)
        if timer is None:  # one started elsewhere (the web UI) runs on here too
            try:
                entry = await self.services.running_timer()
            except ApiError:
                entry = None
            if entry is not None and entry.work_package_href and entry.created_at:
                label = f"#{entry.work_package_href.rsplit('/', 1)[-1]} {entry.work_package_title}"
                timer = RunningTimer(
                    entry.work_package_href, label.strip(), entry.created_at, entry.href
                )
                await asyncio.to_thread(store.save, timer)
        self._set_timer(timer)

    def _set_timer(self, timer: RunningTimer | None) -> None:
        self.timer = timer
        self._tick()
        if timer is not None and not getattr(self, "_ticking", False):
            self._ticking = True
            self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        timer = self.timer
        if timer is None:
            self.timer_text = ""
            return
        elapsed = elapsed_text(timer.elapsed_hours(self._now()))
        label = one_line(timer.label)
        short = label if len(label) <= 28 else label[:27] + "…"
        self.timer_text = f"⏱ {short} {elapsed}"

    def toggle_timer(self, work_package: WorkPackage | None) -> None:
        if self.timer is not None:
            self.stop_timer()
        elif work_package is None:
            self.notify("Select a work package to start a timer on.", markup=False)
        else:
            self.start_timer(work_package)

    @work(exclusive=True, group="app-timer", exit_on_error=False)
    async def start_timer(self, work_package: WorkPackage) -> None:
        timer = RunningTimer(
            work_package_href=work_package.href,
            label=label_of(work_package),
            started_at=self._now().isoformat(),
        )
        await asyncio.to_thread(self._timer_store().save, timer)  # on disk before anything else
        self._set_timer(timer)
        try:
            entry = await self.services.start_server_timer(work_package.href, None)
        except ApiError:
            where = "on this machine (the server runs no timer for it)"
        else:
            timer = RunningTimer(timer.work_package_href, timer.label, timer.started_at, entry.href)
            await asyncio.to_thread(self._timer_store().save, timer)
            self._set_timer(timer)
            where = "here and on the server"
        self.notify(f"Timer started on {timer.label}, {where}. T stops it.", markup=False)

    @work(exclusive=True, group="app-timer", exit_on_error=False)
    async def stop_timer(self) -> None:
        timer = self.timer
        if timer is None:
            return
        hours = rounded_hours(timer.elapsed_hours(self._now()), self.timer_rounding)
        try:
            entry = None
            if timer.server_href:
                try:
                    entry = await self.services.stop_server_timer(timer.server_href, hours)
                except NotFound:  # its entry was deleted meanwhile (the web UI): book anew
                    entry = None
            if entry is None:
                entry = await self.services.log_time(
                    timer.work_package_href, hours, spent_on=self._today()
                )
        except ApiError as error:
            self.notify(
                f"The timer still runs: its time was not booked ({error}). T tries again.",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        await asyncio.to_thread(self._timer_store().clear)
        self._set_timer(None)
        self.notify(f"Logged {format_hours(entry.hours or hours)} on {timer.label}.", markup=False)

    def _today(self) -> dt.date:
        today = getattr(self, "today", None)
        found = today() if callable(today) else None
        return found if isinstance(found, dt.date) else dt.date.today()

    # :log

    def log_command(self, work_package: WorkPackage | None, args: list[str]) -> None:
        """`:log <duration> [comment]`: today, the default activity."""
        if work_package is None:
            self.notify("Open or select a work package, then :log 1h30m.", markup=False)
            return
        try:
            hours = parse_human(args[0])
        except DurationError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if hours <= 0:
            self.notify("Log more than no time.", severity="error", markup=False)
            return
        self.quick_log(work_package, hours, " ".join(args[1:]))

    @work(group="app-log", exit_on_error=False)
    async def quick_log(self, work_package: WorkPackage, hours: float, comment: str) -> None:
        try:
            form = await self.services.log_form(work_package.href)
            entry = await self.services.log_time(
                work_package.href,
                hours,
                spent_on=self._today(),
                comment=comment,
                activity_href=form.default_activity,
            )
        except ApiError as error:
            self.notify(f"Not logged: {error}", severity="error", markup=False, timeout=10)
            return
        self.notify(
            f"Logged {format_hours(entry.hours)} on {label_of(work_package)}.", markup=False
        )
        self._show_logged()

    def _show_logged(self) -> None:
        """Let the screen show the new time (the detail's spent time, the timesheet)."""
        shown = getattr(self.screen, "after_time_logged", None)
        if callable(shown):
            shown()
