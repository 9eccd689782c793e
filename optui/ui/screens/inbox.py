"""The inbox: notifications grouped by work package, triaged with the keyboard.

One row per work package, newest first. `u` switches between unread and all, `f` and `p` filter
by reason and project (with the server's counts), `/` searches subjects. `enter` opens the work
package and marks its notifications read, `m` toggles read/unread, `M` marks everything read,
`space` previews the latest activity without marking anything. Marks are optimistic: the row
changes at once and is put back, with the reason, when the server refuses or cannot be reached.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from optui.api import ApiError, Unauthenticated
from optui.api.inbox import (
    InboxRow,
    ProjectCount,
    age_text,
    date_alert_text,
    plural,
    reason_text,
)
from optui.api.mentions import as_text
from optui.ui.messages import ApiFailed, ConnectionChanged, UnreadChanged
from optui.ui.safe import cell, clean, one_line
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.detail import activity_head
from optui.ui.screens.pickers import Choice, PickerScreen

Clock = Callable[[], dt.datetime]
ANY = "-"
"""The picker value meaning "no filter" (no reason or project is called that)."""


def _stylesheet() -> Path:
    """inbox.tcss in the wheel (`optui/styles`) or in a source checkout (`styles/`)."""
    package = Path(__file__).resolve().parents[2]
    packaged = package / "styles" / "inbox.tcss"
    return packaged if packaged.exists() else package.parent / "styles" / "inbox.tcss"


COLUMNS = (  # key, label, width (0: what is left), narrowest table that shows it
    ("mark", "", 1, 0),
    ("reasons", "Reason", 18, 0),
    ("project", "Project", 16, 100),
    ("subject", "Work package", 0, 0),
    ("actor", "By", 14, 90),
    ("age", "When", 11, 0),
)


def columns_for(width: int) -> list[tuple[str, str, int]]:
    """The columns that fit `width` with their widths (cells are padded by 1 each side)."""
    shown = [c for c in COLUMNS if width >= c[3]]
    rest = max(width - sum(c[2] + 2 for c in shown if c[2]) - 2, 12)
    return [(key, label, size or rest) for key, label, size, _ in shown]


class InboxTable(DataTable[Text]):
    """The rows: `enter` selects a row, shown as Open (the table's own binding is hidden)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="inbox.open", tooltip="Open, mark read"),
    ]


class InboxScreen(OptuiScreen):
    """Notifications by work package; keys mark, open and filter them."""

    CSS_PATH = _stylesheet()
    AUTO_FOCUS = "#inbox-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "toggle_read", "Read/unread", id="inbox.toggle-read", tooltip="Toggle read"),
        Binding("M", "mark_all_read", "All read", id="inbox.all-read", tooltip="Mark all read"),
        Binding("u", "toggle_unread", "Unread/all", id="inbox.unread", tooltip="Unread or all"),
        Binding("f", "pick('reason')", "Reason", id="inbox.reason", tooltip="Filter by reason"),
        Binding("p", "pick('project')", "Project", id="inbox.project", tooltip="Filter by project"),
        Binding("slash", "search", "Search", key_display="/", id="inbox.search", tooltip="Subject"),
        Binding("space", "preview", "Preview", id="inbox.preview", tooltip="Latest activity"),
        Binding("j", "cursor(1)", "Down", show=False, id="inbox.down", tooltip="Next row"),
        Binding("k", "cursor(-1)", "Up", show=False, id="inbox.up", tooltip="Previous row"),
        Binding("r", "refresh", "Refresh", id="inbox.refresh", tooltip="Reload from the server"),
        Binding("escape", "back", "Back", id="inbox.back", tooltip="Back"),
    ]

    def __init__(self, *, now: Clock | None = None) -> None:
        super().__init__(id="inbox")
        self.clock = now
        """Where "now" comes from for ages; else the app's `now()`, else the system clock."""
        self.unread_only = True
        self.reason: str | None = None
        self.project: ProjectCount | None = None
        self.search_text = ""
        self.rows: tuple[InboxRow, ...] = ()
        self.unread_total: int | None = None
        self.header = Static(id="inbox-header")
        self.search = Input(
            placeholder="search subjects, enter to apply, esc to clear",
            id="inbox-search",
            select_on_focus=False,
        )
        self.search.display = False  # hidden before mounting, so it never takes focus
        self.table = InboxTable(cursor_type="row", id="inbox-table")
        self.preview = Static(id="inbox-preview-text")
        self.preview_box = VerticalScroll(self.preview, id="inbox-preview")
        self.empty = Static(id="inbox-empty")
        self._writes = asyncio.Lock()
        """Marks go out one at a time and before any reload, in the order they were made."""
        self._loaded = False
        self._opened = False

    def compose_body(self) -> ComposeResult:
        yield self.header
        yield self.search
        with Horizontal(id="inbox-main"):
            yield self.table
            yield self.preview_box
        yield self.empty

    def on_mount(self) -> None:
        # no `loading` indicator: a loading table cannot take the focus (AUTO_FOCUS skips it)
        self.preview_box.display = False
        self.rows = self.services.peek_inbox(**self._filters()) or ()
        self.call_after_refresh(self._show)
        self.load()
        self.set_interval(self.optui.refresh_seconds, self.refresh_quietly)

    # loading

    def _filters(self) -> dict[str, Any]:
        project = self.project.href if self.project else None
        return {"unread_only": self.unread_only, "reason": self.reason, "project_href": project}

    @work(exclusive=True, group="inbox-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        wanted = self._filters()
        async with self._writes:  # a reload never overtakes a mark on its way
            pass
        try:
            rows = await self.services.inbox(**wanted, force=force)
            total = await self.services.unread_total()
        except ApiError as error:
            if not self.rows:
                self.empty.update(Content(f"The inbox did not load: {clean(str(error))}"))
            self.post_message(ApiFailed(error))
            return
        if wanted != self._filters():
            return  # the filters changed meanwhile: that load shows its own rows
        self.rows, self.unread_total, self._loaded = rows, total, True
        self._show()
        self.post_message(UnreadChanged(total))

    def refresh_quietly(self) -> None:
        if self.is_current and self._loaded and not self.search.has_focus:
            self.load(force=True)

    def on_screen_resume(self) -> None:
        # back from a work package (not from a picker or question): it may have changed
        if self._opened:
            self._opened = False
            self.load()

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)

    # showing

    def _now(self) -> dt.datetime:
        found = self.clock or getattr(self.optui, "now", None)
        now = found() if callable(found) else None
        if not isinstance(now, dt.datetime):
            return dt.datetime.now(dt.UTC)
        return now if now.tzinfo else now.replace(tzinfo=dt.UTC)

    def _shown(self) -> list[InboxRow]:
        wanted = self.search_text.casefold()
        return [r for r in self.rows if wanted in clean(r.resource_title).casefold()]

    def _cells(self, row: InboxRow, now: dt.datetime) -> dict[str, Text]:
        style = "bold" if row.unread else "dim"
        reasons = ", ".join(reason_text(r) for r in row.reasons)
        subject = cell(f"#{row.resource_id or '?'} {row.resource_title}", style)
        if row.date_details:
            detail = cell(date_alert_text(row.date_details, self.optui.today()), "italic")
            subject = Text.assemble(subject, "\n", detail, no_wrap=True, overflow="ellipsis")
        return {
            "mark": Text("●" if row.unread else " ", style="bold"),
            "reasons": cell(f"{row.count}x {reasons}" if row.count > 1 else reasons, style),
            "project": cell(row.project_title, style),
            "subject": subject,
            "actor": cell(row.actor or "—", style),
            "age": cell(age_text(row.newest_at, now), style),
        }

    def _show(self) -> None:
        """Fill the table from `rows`, keeping the cursor on the same work package."""
        table = self.table
        keep = self._current()
        index = table.cursor_row
        width = table.scrollable_content_region.width or self.size.width
        table.clear(columns=True)
        columns = columns_for(width)
        for key, label, size in columns:
            table.add_column(label, width=size, key=key)
        now = self._now()
        shown = self._shown()
        for row in shown:
            cells = self._cells(row, now)
            height = 2 if row.date_details else 1
            values = [cells[key] for key, _, _ in columns]
            table.add_row(*values, key=row.resource_href, height=height)
        if shown:
            hrefs = [r.resource_href for r in shown]
            known = keep is not None and keep.resource_href in hrefs
            row_index = hrefs.index(keep.resource_href) if keep and known else index
            table.move_cursor(row=min(max(row_index, 0), len(shown) - 1))
        self._show_empty(not shown)
        self._show_header()

    def _show_empty(self, empty: bool) -> None:
        self.empty.display = empty
        if not self._loaded:
            text = "Loading notifications…"
        elif self.search_text or self.reason or self.project:
            text = "No notifications match these filters."
        elif self.unread_only:
            text = "Nothing unread. Press u to see every notification."
        else:
            text = "No notifications."
        self.empty.update(Content(text))

    def _show_header(self) -> None:
        shown = self._shown()
        count = plural(sum(r.count for r in shown), "notification")
        mode = "unread" if self.unread_only else "all"
        words = (
            [f"{mode}: {count} on {plural(len(shown), 'work package')}"]
            if self._loaded
            else [mode]  # not "0 notifications" before (or without) an answer
        )
        if self.reason:
            words.append(f"reason: {reason_text(self.reason)}")
        if self.project:
            words.append(f"project: {self.project.title}")
        if self.search_text:
            words.append(f"search: {self.search_text}")
        unread = "" if self.unread_total is None else f"  {self.unread_total} unread"
        title = Content.styled(f"Inbox{unread}", "bold")
        self.header.update(Content.assemble(title, Content(" · " + one_line(" · ".join(words)))))

    def _current(self) -> InboxRow | None:
        if not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return next((r for r in self.rows if r.resource_href == key), None)

    def _replace(self, row: InboxRow) -> None:
        """Swap in a new state of one row and repaint only that row."""
        self.rows = tuple(row if r.resource_href == row.resource_href else r for r in self.rows)
        if row.resource_href in self.table.rows:
            cells = self._cells(row, self._now())
            for key in self.table.columns:
                column = str(key.value)
                self.table.update_cell(row.resource_href, column, cells[column])
        self._show_header()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show)

    # marking read and unread

    def action_toggle_read(self) -> None:
        row = self._current()
        if row is not None:
            self._mark(row, read=row.unread > 0)

    def action_open(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.unread:
            self._mark(row, read=True)
        self._opened = True
        self.optui.open_work_package(row.resource_href)

    @on(DataTable.RowSelected, "#inbox-table")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def _mark(self, row: InboxRow, *, read: bool) -> None:
        self._replace(row.marked(read))  # optimistic: the row changes at once
        self.send_mark(row, read)

    @work(group="inbox-mark", exit_on_error=False)
    async def send_mark(self, before: InboxRow, read: bool) -> None:
        """Not exclusive: a newer mark must never cancel one already sent."""
        async with self._writes:
            try:
                await self.services.mark_read(before, read)
            except ApiError as error:
                self._replace(before)
                self._refused(f"Not marked {'read' if read else 'unread'}", error)
                return
        await self._unread_changed(read)

    @work(exclusive=True, group="inbox-mark-all", exit_on_error=False)
    async def action_mark_all_read(self) -> None:
        try:
            total = await self.services.unread_total()
        except ApiError as error:
            self.post_message(ApiFailed(error))
            return
        if total == 0:
            self.notify("Nothing is unread.", markup=False)
            return
        question = f"Mark all {plural(total, 'unread notification')} as read?"
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes="Mark read")):
            return
        before = self.rows
        self.rows = tuple(row.marked(True) for row in before)
        self._show()
        async with self._writes:
            try:
                await self.services.mark_all_read()
            except ApiError as error:
                self.rows = before
                self._show()
                self._refused("Nothing was marked read", error)
                return
        await self._unread_changed(True)

    def _refused(self, what: str, error: ApiError) -> None:
        self.notify(f"{what}: {error}", severity="error", markup=False, timeout=8)
        if isinstance(error, Unauthenticated):
            self.post_message(ApiFailed(error))  # the app asks for the key again

    async def _unread_changed(self, read: bool) -> None:
        """Tell the header and the app the new unread total."""
        try:
            self.unread_total = await self.services.unread_total()
        except ApiError:
            return  # the row already says what changed; the count catches up on the next load
        self._show_header()
        self.post_message(UnreadChanged(self.unread_total))
        # the app's poller toasts about a higher count, so it is only asked after reading
        refresh = getattr(self.optui, "refresh_unread", None)
        if read and callable(refresh):
            result = refresh()
            if asyncio.iscoroutine(result):
                await result

    # filters and search

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.load()

    @work(exclusive=True, group="inbox-pick", exit_on_error=False)
    async def action_pick(self, kind: str) -> None:
        """`f` and `p`: reasons or projects, with the server's counts (`groupBy`)."""
        try:
            if kind == "reason":
                project = self.project.href if self.project else None
                counts = await self.services.inbox_counts(
                    unread_only=self.unread_only, project_href=project
                )
                if self.reason:
                    counts.setdefault(self.reason, 0)  # still offered, to be switched off
                found = [(r, reason_text(r), n) for r, n in counts.items()]
                found.sort(key=lambda item: item[1])
            else:
                projects = await self.services.inbox_projects(
                    unread_only=self.unread_only, reason=self.reason
                )
                found = [(p.href, p.title, p.count) for p in projects]
        except ApiError as error:
            self.post_message(ApiFailed(error))
            return
        choices = [Choice(ANY, f"Any {kind} ({sum(item[2] for item in found)})")]
        choices += [Choice(value, f"{label} ({count})") for value, label, count in found]
        picked = await self.app.push_screen_wait(PickerScreen(f"Filter by {kind}", choices))
        if picked is None:
            return
        chosen = next((item for item in found if item[0] == picked), None)
        if kind == "reason":
            self.reason = chosen[0] if chosen else None
        else:
            self.project = ProjectCount(*chosen) if chosen else None
        self.load()

    def action_search(self) -> None:
        self.search.display = True
        self.search.value = self.search_text
        self.search.focus()

    @on(Input.Changed, "#inbox-search")
    def search_as_typed(self, event: Input.Changed) -> None:
        self.search_text = event.value.strip()
        self._show()

    @on(Input.Submitted, "#inbox-search")
    def apply_search(self, event: Input.Submitted) -> None:
        event.stop()
        self.search.display = bool(self.search_text)
        self.table.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.search.has_focus:
            event.stop()
            self.search.value = ""
            self.search.display = False
            self.table.focus()

    # preview and moving

    def action_preview(self) -> None:
        self.preview_box.display = not self.preview_box.display
        self.call_after_refresh(self._show)
        if self.preview_box.display:
            self.load_preview()

    @on(DataTable.RowHighlighted, "#inbox-table")
    def follow_cursor(self) -> None:
        if self.preview_box.display:
            self.load_preview()

    @work(exclusive=True, group="inbox-preview", exit_on_error=False)
    async def load_preview(self) -> None:
        row = self._current()
        if row is None:
            self.preview.update(Content.styled("Nothing selected.", "dim"))
            return
        head = self._preview_head(row)
        self.preview.update(Content("\n").join([*head, Content.styled("Loading…", "dim")]))
        try:
            activities = await self.services.activities(row.resource_href)
        except ApiError as error:
            self.preview.update(Content("\n").join([*head, Content(clean(str(error)))]))
            return
        if not activities:
            body = [Content.styled("No activity yet.", "dim")]
        else:
            latest = activities[-1]
            body = [Content.styled("Latest activity", "bold"), activity_head(latest)]
            if latest.comment:
                body.append(Content(clean(as_text(latest.comment))))  # mentions as @Name
        self.preview.update(Content("\n").join([*head, *body]))

    def _preview_head(self, row: InboxRow) -> list[Content]:
        reasons = ", ".join(reason_text(r) for r in row.reasons)
        lines = [
            Content.styled(one_line(f"#{row.resource_id or '?'} {row.resource_title}"), "bold"),
            Content.styled(one_line(f"{row.project_title} · {reasons}"), "dim"),
            Content(f"{plural(row.count, 'notification')}, {row.unread} unread"),
        ]
        if row.date_details:
            text = date_alert_text(row.date_details, self.optui.today())
            lines.append(Content.styled(one_line(text), "italic"))
        return [*lines, Content("")]

    def action_cursor(self, step: int) -> None:
        (self.table.action_cursor_down if step > 0 else self.table.action_cursor_up)()

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_back(self) -> None:
        if self.preview_box.display:
            self.action_preview()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()
