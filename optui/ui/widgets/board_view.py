"""A board drawn line by line: only the columns and cards on screen cost anything.

Columns sit side by side at a fixed width and scroll sideways when they do not fit; each column
scrolls its own cards and keeps the selected one in view. Cards show id, type (in its colour),
subject, assignee, priority and a due-date warning. Server text is cleaned and drawn as plain
segments, never parsed as markup; server colours are made readable on the theme (the ANSI theme
gets the nearest of the terminal's 16 colours).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import ClassVar

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from optui.api.boards import Board, BoardColumn
from optui.api.models import WorkPackage
from optui.ui.safe import one_line
from optui.ui.widgets.wp_table import fit

COLUMN_WIDTH = 32
"""The widest a column gets; narrower when that shows one more column (never under 26)."""
MIN_COLUMN_WIDTH = 26
CARD_LINES = 3
CARD_HEIGHT = CARD_LINES + 1
"""A card's lines and the gap below it."""
HEADER_LINES = 2


def due_warning(
    work_package: WorkPackage, today: dt.date | None, closed: frozenset[str] = frozenset()
) -> str:
    """`3d late`, `due today`, `due in 2d` (within a week), or "" (closed work is not late)."""
    if today is None or not work_package.due_date or work_package.status_href in closed:
        return ""
    try:
        due = dt.date.fromisoformat(work_package.due_date)
    except ValueError:
        return ""
    days = (due - today).days
    if days < 0:
        return f"{-days}d late"
    if days == 0:
        return "due today"
    return f"due in {days}d" if days <= 7 else ""


@lru_cache(maxsize=512)
def readable(color: str | None, *, dark: bool, ansi: bool) -> RichColor | None:
    """A server colour that can be read on the theme's background."""
    if not color:
        return None
    try:
        parsed = Color.parse(color)
    except ColorParseError:  # a malformed colour from the server is just not used
        return None
    if dark and parsed.brightness < 0.45:
        parsed = parsed.lighten(0.45 - parsed.brightness)
    elif not dark and parsed.brightness > 0.6:
        parsed = parsed.darken(parsed.brightness - 0.6)
    rich = parsed.rich_color
    return rich.downgrade(ColorSystem.STANDARD) if ansi else rich


class BoardView(Widget, can_focus=True):
    """Columns of cards with a selection; it asks its screen to open or move cards."""

    DEFAULT_CSS = """
    BoardView { height: 1fr; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "board--header",
        "board--card",
        "board--selected",
        "board--muted",
        "board--late",
        "board--rule",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "column(-1)", "Left", show=False, id="board.left"),
        Binding("right,l", "column(1)", "Right", show=False, id="board.right"),
        Binding("up,k", "card(-1)", "Up", show=False, id="board.up"),
        Binding("down,j", "card(1)", "Down", show=False, id="board.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="board.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="board.page-down"),
        Binding("home,g", "edge(-1)", "First", show=False, id="board.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="board.last"),
        Binding("enter", "open", "Open", id="board.open", tooltip="Open the card"),
    ]

    class Highlighted(Message):
        def __init__(self, work_package: WorkPackage | None) -> None:
            super().__init__()
            self.work_package = work_package

    class Opened(Message):
        def __init__(self, work_package: WorkPackage) -> None:
            super().__init__()
            self.work_package = work_package

    def __init__(self, *, id: str | None = None, today: dt.date | None = None) -> None:
        super().__init__(id=id)
        self.board: Board | None = None
        self.today = today
        self.column = 0
        self.rows: list[int] = []
        """The selected card's index in each column."""
        self.tops: list[int] = []
        """The first card shown in each column."""
        self.first_column = 0
        self.empty_text = "Loading…"

    # the data

    def show(self, board: Board, *, keep: str | None = None) -> None:
        """Show `board`; the selection stays on the card `keep` (or in the same place)."""
        old = self.board
        self.board = board
        count = len(board.columns)
        if old is None or [c.key for c in old.columns] != [c.key for c in board.columns]:
            self.rows, self.tops, self.first_column = [0] * count, [0] * count, 0
        self.column = min(self.column, max(count - 1, 0))
        if keep is not None:
            for index, column in enumerate(board.columns):
                position = next((i for i, c in enumerate(column.cards) if c.href == keep), None)
                if position is not None:
                    self.column, self.rows[index] = index, position
                    break
        for index, column in enumerate(board.columns):
            self.rows[index] = min(self.rows[index], max(len(column.cards) - 1, 0))
        self._keep_in_view()
        self.refresh()
        self.post_message(self.Highlighted(self.selected))

    @property
    def selected(self) -> WorkPackage | None:
        column = self.selected_column
        if column is None or not column.cards:
            return None
        return column.cards[min(self.rows[self.column], len(column.cards) - 1)]

    @property
    def selected_column(self) -> BoardColumn | None:
        if self.board is None or not self.board.columns:
            return None
        return self.board.columns[self.column]

    # geometry

    def _layout(self) -> tuple[int, int]:
        """(columns shown, width of each) for the current size."""
        width = max(self.size.width, 1)
        count = len(self.board.columns) if self.board else 1
        shown = max(1, min(count, (width + 1) // (MIN_COLUMN_WIDTH + 1)))
        column_width = min(COLUMN_WIDTH, (width + 1) // shown - 1)
        return shown, max(column_width, 1)

    def _cards_shown(self) -> int:
        return max(1, (self.size.height - HEADER_LINES + 1) // CARD_HEIGHT)

    def _keep_in_view(self) -> None:
        if self.board is None or not self.board.columns:
            return
        shown, _ = self._layout()
        if self.column < self.first_column:
            self.first_column = self.column
        elif self.column >= self.first_column + shown:
            self.first_column = self.column - shown + 1
        self.first_column = max(0, min(self.first_column, len(self.board.columns) - shown))
        visible = self._cards_shown()
        for index in range(len(self.board.columns)):
            row, top = self.rows[index], self.tops[index]
            if row < top:
                self.tops[index] = row
            elif row >= top + visible:
                self.tops[index] = row - visible + 1

    # drawing

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if self.board is None or not self.board.columns:
            text = f" {self.empty_text}" if y == 0 else ""
            return Strip([Segment(fit(text, width), self.get_component_rich_style("board--muted"))])
        shown, column_width = self._layout()
        segments: list[Segment] = []
        rule = self.get_component_rich_style("board--rule")
        for position in range(shown):
            index = self.first_column + position
            if index >= len(self.board.columns):
                break
            if position:
                segments.append(Segment("│", rule))
            segments.extend(self._column_line(index, y, column_width))
        used = sum(segment.cell_length for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def _column_line(self, index: int, y: int, width: int) -> list[Segment]:
        assert self.board is not None
        column = self.board.columns[index]
        dark, ansi = self.app.current_theme.dark, self.app.theme.startswith("ansi")
        if y == 0:
            style = self.get_component_rich_style("board--header")
            color = readable(column.color, dark=dark, ansi=ansi)
            if color is not None:
                style += Style(color=color)
            left = "◀ " if index == self.first_column and index > 0 else ""
            shown, _ = self._layout()
            last_shown = index == self.first_column + shown - 1
            right = " ▶" if last_shown and index < len(self.board.columns) - 1 else ""
            title = f"{left}{one_line(column.title)} ({len(column.cards)})"
            return [Segment(fit(f" {title}", width - len(right)) + right, style)]
        if y == 1:
            return [Segment("─" * width, self.get_component_rich_style("board--rule"))]
        line = y - HEADER_LINES
        card_index = self.tops[index] + line // CARD_HEIGHT
        part = line % CARD_HEIGHT
        blank = [Segment(" " * width, self.rich_style)]
        if card_index >= self.tops[index] + self._cards_shown() and part != CARD_LINES:
            return blank  # no half cards at the bottom
        if card_index >= len(column.cards):
            if not column.cards and line == 0:
                return [
                    Segment(fit("  (empty)", width), self.get_component_rich_style("board--muted"))
                ]
            return blank
        if part == CARD_LINES:
            below = len(column.cards) - (self.tops[index] + self._cards_shown())
            last_slot = card_index == self.tops[index] + self._cards_shown() - 1
            if last_slot and below > 0:
                return [
                    Segment(
                        fit(f"  ↓ {below} more", width),
                        self.get_component_rich_style("board--muted"),
                    )
                ]
            return blank
        card = column.cards[card_index]
        selected = index == self.column and card_index == self.rows[index]
        style = self.get_component_rich_style("board--card")
        if selected:
            style += self.get_component_rich_style(
                "board--selected" if self.has_focus else "board--card"
            )
            if self.has_focus:
                style += Style(bold=True)
        return self._card_part(card, part, width, style, dark=dark, ansi=ansi, plain=selected)

    def _card_part(
        self,
        card: WorkPackage,
        part: int,
        width: int,
        style: Style,
        *,
        dark: bool,
        ansi: bool,
        plain: bool = False,
    ) -> list[Segment]:
        """One line of a card; `plain` (the selected card) keeps the selection's colours."""
        inner = width - 2
        if part == 0:
            assert self.board is not None
            type_link = card.resource.link("type")
            type_color = self.board.type_colors.get(type_link.href or "") if type_link else None
            color = None if plain else readable(type_color, dark=dark, ansi=ansi)
            warning = due_warning(card, self.today, self.board.closed_statuses)
            head = f" {card.display_id} "
            room = max(inner - len(head) - (len(warning) + 1 if warning else 0), 0)
            segments = [
                Segment(head, style + Style(bold=True)),
                Segment(fit(one_line(card.type or ""), room), style + Style(color=color)),
            ]
            if warning:
                late = (
                    Style()
                    if plain
                    else Style(color=self.get_component_rich_style("board--late").color)
                )
                segments.append(Segment(" " + warning, style + late))
            used = sum(segment.cell_length for segment in segments)
            segments.append(Segment(" " * max(inner - used, 0), style))
            return [Segment(" ", self.rich_style), *segments, Segment(" ", self.rich_style)]
        if part == 1:
            text = fit(f" {one_line(card.subject)}", inner)
            return [
                Segment(" ", self.rich_style),
                Segment(text, style),
                Segment(" ", self.rich_style),
            ]
        people = " · ".join(x for x in (card.assignee or "unassigned", card.priority or "") if x)
        muted = (
            Style() if plain else Style(color=self.get_component_rich_style("board--muted").color)
        )
        text = fit(f" {one_line(people)}", inner)
        return [
            Segment(" ", self.rich_style),
            Segment(text, style + muted),
            Segment(" ", self.rich_style),
        ]

    # moving around

    def _select(self, column: int, row: int) -> None:
        if self.board is None or not self.board.columns:
            return
        column = max(0, min(column, len(self.board.columns) - 1))
        cards = len(self.board.columns[column].cards)
        self.column = column
        self.rows[column] = max(0, min(row, cards - 1)) if cards else 0
        self._keep_in_view()
        self.refresh()
        self.post_message(self.Highlighted(self.selected))

    def action_column(self, step: int) -> None:
        if self.board is None:
            return
        # land on the card at the same height, as far as the other column goes
        offset = self.rows[self.column] - self.tops[self.column] if self.rows else 0
        target = self.column + step
        if 0 <= target < len(self.board.columns):
            self._select(target, self.tops[target] + offset)

    def action_card(self, step: int) -> None:
        if self.rows:
            self._select(self.column, self.rows[self.column] + step)

    def action_page(self, direction: int) -> None:
        if self.rows:
            self._select(self.column, self.rows[self.column] + direction * self._cards_shown())

    def action_edge(self, direction: int) -> None:
        column = self.selected_column
        if column is not None:
            self._select(self.column, 0 if direction < 0 else len(column.cards) - 1)

    def action_open(self) -> None:
        card = self.selected
        if card is not None:
            self.post_message(self.Opened(card))

    def on_click(self, event: events.Click) -> None:
        if self.board is None or event.y < HEADER_LINES:
            return
        shown, width = self._layout()
        column = self.first_column + event.x // (width + 1)
        if column >= len(self.board.columns) or column >= self.first_column + shown:
            return
        row = self.tops[column] + (event.y - HEADER_LINES) // CARD_HEIGHT
        if row < len(self.board.columns[column].cards):
            was = (self.column, self.rows[self.column])
            self._select(column, row)
            if event.chain > 1 and was == (column, row):
                self.action_open()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll_column(event, 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll_column(event, -1)

    def _scroll_column(self, event: events.MouseEvent, step: int) -> None:
        if self.board is None or not self.board.columns:
            return
        event.stop()
        _, width = self._layout()
        column = min(self.first_column + event.x // (width + 1), len(self.board.columns) - 1)
        cards = len(self.board.columns[column].cards)
        top = self.tops[column] + step
        self.tops[column] = max(0, min(top, max(cards - self._cards_shown(), 0)))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._keep_in_view()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
