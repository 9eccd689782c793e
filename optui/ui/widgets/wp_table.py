"""A virtual table of work packages: draws only the visible lines, asks for missing pages.

Rows come from a `RowSource`: either sparse pages of a long server-side list (10,000 rows cost
no more than the 40 on screen) or a complete, grouped list with group header lines. Server text
is cleaned and drawn as plain segments, never parsed as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from optui.api.models import WorkPackage
from optui.ui.safe import one_line


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    """0: takes the remaining width."""
    min_screen: int
    """The narrowest table width that still shows this column."""
    sort: str | None
    """The API's sortBy name, None when the column cannot be sorted by."""


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 7, 0, "id"),
    Column("type", "Type", 10, 60, "type"),
    Column("status", "Status", 13, 0, "status"),
    Column("subject", "Subject", 0, 0, "subject"),
    Column("assignee", "Assignee", 14, 70, "assignee"),
    Column("priority", "Priority", 9, 100, "priority"),
    Column("start", "Start", 10, 118, "startDate"),
    Column("due", "Due", 10, 60, "dueDate"),
)


@dataclass(frozen=True)
class GroupHeader:
    label: str
    count: int


Line = WorkPackage | GroupHeader


@dataclass
class RowSource:
    """The lines of the table: `lines` when complete, else sparse `pages` of a long list."""

    total: int = 0
    page_size: int = 100
    pages: dict[int, tuple[WorkPackage, ...]] = field(default_factory=dict)
    lines: list[Line] | None = None

    @property
    def count(self) -> int:
        return len(self.lines) if self.lines is not None else self.total

    def line(self, index: int) -> Line | None:
        if self.lines is not None:
            return self.lines[index] if 0 <= index < len(self.lines) else None
        page = self.pages.get(index // self.page_size + 1)
        if page is None:
            return None
        position = index % self.page_size
        return page[position] if position < len(page) else None

    def page_of(self, index: int) -> int:
        return index // self.page_size + 1

    def index_of(self, href: str) -> int | None:
        if self.lines is not None:
            for index, line in enumerate(self.lines):
                if isinstance(line, WorkPackage) and line.href == href:
                    return index
            return None
        for offset, items in self.pages.items():
            for position, item in enumerate(items):
                if item.href == href:
                    return (offset - 1) * self.page_size + position
        return None


def cell_text(work_package: WorkPackage, key: str) -> str:
    values = {
        "id": work_package.display_id,
        "type": work_package.type,
        "status": work_package.status,
        "subject": work_package.subject,
        "assignee": work_package.assignee,
        "priority": work_package.priority,
        "start": work_package.start_date,
        "due": work_package.due_date,
    }
    return one_line(values.get(key) or "")


def fit(text: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(width - 1, 0)) + "…" if width else ""


class WorkPackageTable(ScrollView, can_focus=True):
    """Work packages, one per line, with a header, a cursor and optional group lines."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "wp-table--header",
        "wp-table--cursor",
        "wp-table--group",
        "wp-table--overdue",
        "wp-table--closed",
        "wp-table--loading",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="table.up", tooltip="Previous row"),
        Binding("down,j", "move(1)", "Down", show=False, id="table.down", tooltip="Next row"),
        Binding(
            "pageup,ctrl+u",
            "page(-1)",
            "Page up",
            show=False,
            id="table.page-up",
            tooltip="One screen up",
        ),
        Binding(
            "pagedown,ctrl+d",
            "page(1)",
            "Page down",
            show=False,
            id="table.page-down",
            tooltip="One screen down",
        ),
        Binding("home,g", "jump(0)", "Top", show=False, id="table.top", tooltip="First row"),
        Binding("end,G", "jump(-1)", "Bottom", show=False, id="table.bottom", tooltip="Last row"),
        Binding("enter", "open", "Open", id="table.open", tooltip="Open the work package"),
    ]

    cursor: reactive[int] = reactive(0)
    """The highlighted line."""

    @dataclass
    class Highlighted(Message):
        table: WorkPackageTable
        work_package: WorkPackage | None

    @dataclass
    class Opened(Message):
        table: WorkPackageTable
        work_package: WorkPackage

    @dataclass
    class PageNeeded(Message):
        """A page that is (nearly) on screen has not been loaded yet."""

        table: WorkPackageTable
        offset: int

    @dataclass
    class SortRequested(Message):
        table: WorkPackageTable
        column: Column

    def __init__(self, *, id: str | None = None, today: dt.date | None = None) -> None:
        super().__init__(id=id)
        self.source = RowSource()
        self.sort_column: str | None = "id"
        """The API sort key the header marks; None for lists sorted by optui itself."""
        self.sort_descending = True
        self.empty_text = "No work packages."
        self.failure_text = ""
        """Shown instead of `empty_text` when the rows could not be loaded."""
        self.today = today
        self._requested: set[int] = set()

    # data

    def show_failure(self, text: str) -> None:
        """No rows, and why: the list could not be loaded (and nothing was cached)."""
        self.show_source(RowSource(total=0))
        self.failure_text = text
        self.refresh()

    def show_source(self, source: RowSource, *, keep: str | None = None) -> None:
        """Replace the rows; the cursor stays on `keep` (a work package href) when present."""
        self.failure_text = ""
        self.source = source
        self._requested.clear()
        self._size_to(source.count)
        target = source.index_of(keep) if keep else None
        if target is None:
            target = self._skip_headers(min(self.cursor, max(source.count - 1, 0)), 1)
        self.cursor = target
        self._announce()
        self.refresh()

    def add_page(self, offset: int, items: Sequence[WorkPackage], total: int) -> None:
        self.source.pages[offset] = tuple(items)
        if total != self.source.total:
            self.source.total = total
            self._size_to(self.source.count)
        self._requested.discard(offset)
        self.refresh()
        self._announce()

    def forget_request(self, offset: int) -> None:
        """A page load failed: allow asking again when it comes into view."""
        self._requested.discard(offset)

    @property
    def highlighted(self) -> WorkPackage | None:
        line = self.source.line(self.cursor)
        return line if isinstance(line, WorkPackage) else None

    def visible_columns(self) -> list[tuple[Column, int]]:
        width = max(self.scrollable_content_region.width, 20)
        shown = [c for c in COLUMNS if width >= c.min_screen]
        fixed = sum(c.width for c in shown if c.width) + len(shown) - 1
        return [(c, c.width or max(width - fixed, 8)) for c in shown]

    # drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = self.scroll_offset.y + y - 1
        if index >= self.source.count:
            if self.source.count == 0 and y == 1:
                style = self.get_component_rich_style("wp-table--loading")
                text = self.failure_text or self.empty_text
                return Strip([Segment(fit(" " + one_line(text), width), style)])
            return Strip.blank(width, self.rich_style)
        line = self.source.line(index)
        if line is None:
            self._request(self.source.page_of(index))
            style = self.get_component_rich_style("wp-table--loading")
            return Strip([Segment(fit("  loading…", width), style)])
        if isinstance(line, GroupHeader):
            style = self.get_component_rich_style("wp-table--group")
            text = f" {one_line(line.label)} ({line.count})"
            if index == self.cursor and self.has_focus:
                style += self.get_component_rich_style("wp-table--cursor")
            return Strip([Segment(fit(text, width), style)])
        return self._row(line, index, width)

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("wp-table--header")
        parts = []
        for column, cells in self.visible_columns():
            label = column.label
            if column.sort == self.sort_column:
                label += " ▼" if self.sort_descending else " ▲"
            parts.append(fit(label, cells))
        return Strip([Segment(fit(" ".join(parts), width), style)])

    def _row(self, work_package: WorkPackage, index: int, width: int) -> Strip:
        base = self.rich_style
        if work_package.status and self._is_overdue(work_package):
            base += self.get_component_rich_style("wp-table--overdue")
        if index == self.cursor:
            base += self.get_component_rich_style("wp-table--cursor")
        segments: list[Segment] = []
        for position, (column, cells) in enumerate(self.visible_columns()):
            if position:
                segments.append(Segment(" ", base))
            style = base + Style(bold=True) if column.key == "id" and index == self.cursor else base
            segments.append(Segment(fit(cell_text(work_package, column.key), cells), style))
        used = sum(len(s.text) for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def _is_overdue(self, work_package: WorkPackage) -> bool:
        if not work_package.due_date or self.today is None:
            return False
        try:
            return dt.date.fromisoformat(work_package.due_date) < self.today
        except ValueError:
            return False

    def _request(self, offset: int) -> None:
        if offset not in self._requested:
            self._requested.add(offset)
            self.post_message(self.PageNeeded(self, offset))

    # moving

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.highlighted))

    def _scroll_to_cursor(self) -> None:
        rows = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False)

    def _skip_headers(self, index: int, direction: int) -> int:
        """The nearest work package line from `index` in `direction` (group lines skipped)."""
        probe = index
        while 0 <= probe < self.source.count:
            if not isinstance(self.source.line(probe), GroupHeader):
                return probe
            probe += direction
        return index

    def action_move(self, step: int) -> None:
        if self.source.count:
            target = max(0, min(self.source.count - 1, self.cursor + step))
            target = self._skip_headers(target, 1 if step > 0 else -1)
            if isinstance(self.source.line(target), GroupHeader):
                target = self._skip_headers(target, -1 if step > 0 else 1)
            self.cursor = target

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, where: int) -> None:
        if self.source.count:
            self.cursor = self._skip_headers(0, 1) if where == 0 else self.source.count - 1
            if where == 0:
                self.scroll_to(y=0, animate=False)  # the first group's header stays in view

    def action_open(self) -> None:
        work_package = self.highlighted
        if work_package is not None:
            self.post_message(self.Opened(self, work_package))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._click_header(event.x)
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < self.source.count:
            if index == self.cursor:
                self.action_open()
            else:
                self.cursor = index

    def _click_header(self, x: int) -> None:
        position = 0
        for column, cells in self.visible_columns():
            if position <= x < position + cells + 1 and column.sort:
                self.post_message(self.SortRequested(self, column))
                return
            position += cells + 1

    def on_resize(self, event: events.Resize) -> None:
        self._size_to(self.source.count)

    def _size_to(self, count: int) -> None:
        # as wide as the room left of the scrollbar gutter: the rows are cut to fit, so the
        # table never scrolls sideways (the widget's own width would let it by the gutter)
        self.virtual_size = Size(self.scrollable_content_region.width, count + 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def grouped_lines(groups: Iterable[tuple[str, Sequence[WorkPackage]]]) -> list[Line]:
    """Group header lines followed by their work packages; empty groups are left out."""
    lines: list[Line] = []
    for label, items in groups:
        if items:
            lines.append(GroupHeader(label, len(items)))
            lines.extend(items)
    return lines
