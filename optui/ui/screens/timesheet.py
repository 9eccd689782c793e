"""`:time`: the week's timesheet, a row per work package and a column per day.

Totals per day and for the week are sums of the API's entries of that week (the user's own).
Weekends and the instance's non-working days are dimmed. `enter` on a cell adds time there, or
edits its entry (a picker when there are several); `d` deletes one (asking first); `a` adds a
row for another work package; `[` `]` move between weeks, `w` comes back to this week.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from optui.api import ApiError
from optui.api.browsing import ListSpec
from optui.api.durations import format_hours
from optui.api.time_entries import TimeEntry, week_of
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.log_time import LogTimeScreen
from optui.ui.screens.pickers import Choice, PickerScreen, SearchPickerScreen

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TOTAL_ROW = "total"


class TimesheetScreen(OptuiScreen):
    """One week of the user's time entries."""

    AUTO_FOCUS = "#timesheet-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_cell", "Log/edit", id="time.edit", tooltip="Add or edit time"),
        Binding("d,delete", "delete_cell", "Delete", id="time.delete", tooltip="Delete an entry"),
        Binding("a", "add_row", "Add row", id="time.add", tooltip="Log on another work package"),
        Binding(
            "left_square_bracket", "week(-1)", "Prev week", key_display="[", id="time.previous"
        ),
        Binding("right_square_bracket", "week(1)", "Next week", key_display="]", id="time.next"),
        Binding("w", "this_week", "This week", id="time.this-week", tooltip="Back to this week"),
        Binding("r", "refresh", "Refresh", id="time.refresh", tooltip="Reload from the server"),
        Binding("escape", "back", "Back", id="time.back", tooltip="Back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="timesheet")
        self.monday = dt.date.min
        self.entries: tuple[TimeEntry, ...] = ()
        self.holidays: dict[dt.date, str] = {}
        self.rows: list[tuple[str, str]] = []
        """(work package href, label) per table row, in order."""
        self.extra_rows: dict[dt.date, list[tuple[str, str]]] = defaultdict(list)
        """Rows added with `a` that have no entry yet, per week."""
        self.title_line = Static(id="timesheet-title")
        self.table: DataTable[Text] = DataTable(
            id="timesheet-table", cursor_type="cell", zebra_stripes=True
        )
        self.legend = Static(id="timesheet-legend")
        self._shown_week: dt.date | None = None
        """The week whose rows are on screen."""

    def compose_body(self) -> ComposeResult:
        yield self.title_line
        yield self.table
        yield self.legend

    def on_mount(self) -> None:
        self.monday = week_of(self.optui.today())[0]
        self.load()

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(7)]

    def _off(self, day: dt.date) -> bool:
        return day.weekday() >= 5 or day in self.holidays

    # loading

    @work(exclusive=True, group="time-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        monday = self.monday
        sunday = monday + dt.timedelta(days=6)
        self.table.loading = not self.entries
        try:
            entries = await self.services.my_time(monday, sunday, force=force)
            holidays = await self.services.non_working_days(monday, sunday)
        except ApiError as error:
            self.post_message(ApiFailed(error))
            if monday == self.monday and self._shown_week != monday:
                self._not_loaded(error)  # never a blank screen, nor last week's rows
            return
        finally:
            self.table.loading = False
        if monday != self.monday:
            return  # another week was chosen meanwhile
        self.entries = tuple(e for e in entries if not e.ongoing)
        self.holidays = holidays
        self.show()

    def show(self) -> None:
        self._shown_week = self.monday
        keep = self.table.cursor_coordinate
        days = self.days
        table = self.table
        table.clear(columns=True)
        cell = 9 if self.size.width >= 110 else 6  # `Mon 02` / `7h 30m` fit in 6
        room = max(self.size.width - 8 * (cell + 2) - 4, 12)  # days and total fit beside it
        table.add_column(Text("Work package"), key="wp", width=min(room, 60))
        for day in days:
            label = f"{DAY_NAMES[day.weekday()]} {day.day:02d}"
            if day in self.holidays:
                label = f"{label[:3]}{day.day:02d}✱" if cell < 9 else f"{label} ✱"
            style = "dim" if self._off(day) else ""
            table.add_column(Text(label, style=style), key=day.isoformat(), width=cell)
        table.add_column(Text("Total", style="bold"), key="total", width=cell)
        cells: dict[tuple[str, dt.date], float] = defaultdict(float)
        labels: dict[str, str] = {}
        for entry in self.entries:
            href = entry.work_package_href or ""
            try:
                day = dt.date.fromisoformat(entry.spent_on)
            except ValueError:
                continue
            cells[(href, day)] += entry.hours or 0.0
            number = href.rsplit("/", 1)[-1]
            project = f"{one_line(entry.project_title)} · " if entry.project_title else ""
            labels.setdefault(href, f"{project}#{number} {one_line(entry.work_package_title)}")
        for href, label in self.extra_rows[self.monday]:
            labels.setdefault(href, label)
        self.rows = sorted(labels.items(), key=lambda item: item[1].casefold())
        for href, label in self.rows:
            row = [Text(clean(label), no_wrap=True, overflow="ellipsis")]
            for day in days:
                hours = cells.get((href, day), 0.0)
                text = format_hours(hours) if hours else ""
                row.append(Text(text, style="dim" if self._off(day) else ""))
            week = sum(cells.get((href, day), 0.0) for day in days)
            row.append(Text(format_hours(week) if week else "", style="bold"))
            table.add_row(*row, key=href)
        totals = [sum(v for (h, d), v in cells.items() if d == day) for day in days]
        table.add_row(
            Text("Total", style="bold"),
            *[Text(format_hours(t) if t else "", style="bold") for t in totals],
            Text(format_hours(sum(totals)) if sum(totals) else "0m", style="bold"),
            key=TOTAL_ROW,
        )
        if keep.row < table.row_count and keep.column < len(table.columns):
            table.cursor_coordinate = keep
        self._show_title(sum(totals))

    def _not_loaded(self, error: ApiError) -> None:
        self.table.clear(columns=True)
        self.rows = []
        monday, sunday = self.days[0], self.days[-1]
        self.title_line.update(
            Content.assemble(
                Content.styled(f"Timesheet · week {monday.isocalendar().week}", "bold"),
                Content(f"  {monday.isoformat()} to {sunday.isoformat()}"),
            )
        )
        self.legend.update(Content(one_line(f"Not loaded: {error} r tries again.")))

    def _show_title(self, total: float) -> None:
        monday, sunday = self.days[0], self.days[-1]
        week = monday.isocalendar().week
        this = " (this week)" if monday == week_of(self.optui.today())[0] else ""
        self.title_line.update(
            Content.assemble(
                Content.styled(f"Timesheet · week {week}{this}", "bold"),
                Content(f"  {monday.isoformat()} to {sunday.isoformat()}"),
                Content(f" · {format_hours(total) or '0m'}"),
            )
        )
        notes = [f"{d.isoformat()} {one_line(n)}" for d, n in sorted(self.holidays.items())]
        hint = "enter add/edit · d delete · a add a row · [ ] weeks · w this week"
        text = f"✱ non-working: {', '.join(notes)}   {hint}" if notes else hint
        self.legend.update(Content.styled(clean(text), "dim"))

    # where the cursor is

    def _cell(self) -> tuple[str, str, dt.date] | None:
        """(work package href, label, day) of the cell under the cursor, if it is a day."""
        row, column = self.table.cursor_coordinate
        if not 1 <= column <= 7 or row >= len(self.rows):
            return None
        href, label = self.rows[row]
        return href, label, self.days[column - 1]

    def _entries_at(self, href: str, day: dt.date) -> list[TimeEntry]:
        return [
            e for e in self.entries if e.work_package_href == href and e.spent_on == day.isoformat()
        ]

    async def _pick_entry(self, entries: list[TimeEntry], what: str) -> TimeEntry | None:
        if len(entries) == 1:
            return entries[0]
        choices = [
            Choice(e.href, f"{format_hours(e.hours)} {e.activity} {one_line(e.comment)}".strip())
            for e in entries
        ]
        picked = await self.app.push_screen_wait(PickerScreen(what, choices))
        return next((e for e in entries if e.href == picked), None)

    # actions

    @on(DataTable.CellSelected, "#timesheet-table")
    def cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_open_cell()

    def action_open_cell(self) -> None:
        cell = self._cell()
        if cell is None:
            self.notify("Move to a day of a work package's row.", markup=False)
            return
        self.open_cell(*cell)

    @work(group="time-edit", exit_on_error=False)
    async def open_cell(self, href: str, label: str, day: dt.date) -> None:
        entries = self._entries_at(href, day)
        entry = await self._pick_entry(entries, "Edit which entry?") if entries else None
        if entries and entry is None:
            return
        if entry is not None and not entry.can_update:
            self.notify("You may not change this entry.", severity="warning", markup=False)
            return
        title = f"{'Edit time on' if entry else 'Log time on'} {label}"
        saved = await self.app.push_screen_wait(
            LogTimeScreen(self.services, href, title, self.optui.today(), entry=entry, day=day)
        )
        if saved is not None:
            self.notify(f"Saved {format_hours(saved.hours)} on {label}.", markup=False)
            self.load(force=True)

    def action_delete_cell(self) -> None:
        cell = self._cell()
        if cell is not None:
            self.delete_cell(*cell)

    @work(group="time-edit", exit_on_error=False)
    async def delete_cell(self, href: str, label: str, day: dt.date) -> None:
        entries = self._entries_at(href, day)
        if not entries:
            self.notify("No time logged here.", markup=False)
            return
        entry = await self._pick_entry(entries, "Delete which entry?")
        if entry is None:
            return
        if not entry.can_delete:
            self.notify("You may not delete this entry.", severity="warning", markup=False)
            return
        question = f"Delete {format_hours(entry.hours)} on {label} ({day.isoformat()})?"
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes="Delete", no="Keep")):
            return
        try:
            await self.services.delete_time_entry(entry)
        except ApiError as error:
            self.notify(f"Not deleted: {error}", severity="error", markup=False)
            return
        self.notify("Deleted.", markup=False)
        self.load(force=True)

    def action_add_row(self) -> None:
        self.add_row()

    @work(group="time-edit", exit_on_error=False)
    async def add_row(self) -> None:
        services = self.services

        async def search(text: str) -> list[Choice]:
            filters: list[object] = [{"status": {"operator": "o", "values": []}}]
            if text:
                filters.append({"subjectOrId": {"operator": "**", "values": [text.lstrip("#")]}})
            spec = ListSpec(filters_json=json.dumps(filters), sort_by=(("updatedAt", "desc"),))
            page = await services.page(spec, 1, 10)
            return [
                Choice(
                    wp.href, f"{wp.display_id} {one_line(wp.subject)}  {one_line(wp.project or '')}"
                )
                for wp in page.items
            ]

        href = await self.app.push_screen_wait(
            SearchPickerScreen(
                "Log time on which work package?", search, placeholder="subject or #id"
            )
        )
        if href is None:
            return
        known = services.peek_work_package(href)
        number = href.rsplit("/", 1)[-1]
        label = (
            f"{one_line(known.project or '')} · #{number} {one_line(known.subject)}"
            if known
            else f"#{number}"
        )
        if all(h != href for h, _ in self.rows):
            self.extra_rows[self.monday].append((href, label))
            self.show()
        row = next(i for i, (h, _) in enumerate(self.rows) if h == href)
        today = self.optui.today()
        column = (
            1 + (today - self.monday).days
            if self.monday <= today < self.monday + dt.timedelta(days=7)
            else 1
        )
        self.table.cursor_coordinate = self.table.cursor_coordinate._replace(row=row, column=column)
        self.open_cell(href, label, self.days[column - 1])

    def after_time_logged(self) -> None:
        self.load(force=True)

    def action_week(self, step: int) -> None:
        self.monday += dt.timedelta(days=7 * step)
        self.entries = ()
        self.load()

    def action_this_week(self) -> None:
        self.monday = week_of(self.optui.today())[0]
        self.load()

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)
