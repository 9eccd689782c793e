"""The board of a project: work packages in columns by status, assignee, version or priority,
and the project's boards saved in OpenProject.

Moving a card (`shift+right`, `shift+left`, `m`) sets the board's attribute to the target
column's value, only where the work package's edit form allows that value (fetched while the
card is selected, so a refusal costs no request). An allowed move shows at once and is saved
with the lockVersion; a conflict or a failure puts the card back and says why. Moves are saved
one after another, each with the lockVersion the previous one returned.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static, Tab, Tabs

from optui.api import ApiError, InvalidInput, NotFound, UpdateConflict
from optui.api.boards import (
    BOARD_KINDS,
    Board,
    BoardColumn,
    SavedBoard,
    column_of,
    default_filters,
    refuse_move,
    with_card_moved,
)
from optui.api.models import Project, WorkPackage
from optui.api.schema import AllowedValue
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.pickers import Choice, PickerScreen
from optui.ui.screens.wp_actions import WorkPackageActions
from optui.ui.widgets.board_view import BoardView
from optui.ui.widgets.filter_bar import FilterBar

PREFETCH_PAUSE = 0.3
"""Seconds a card stays selected before its allowed values are fetched."""


class BoardScreen(WorkPackageActions):
    """A project's board; tabs switch between the built-in kinds and the saved boards."""

    AUTO_FOCUS = "#board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "shift+right",
            "move(1)",
            "Move →",
            id="board.move-right",
            tooltip="Move the card to the next column",
        ),
        Binding(
            "shift+left",
            "move(-1)",
            "Move ←",
            id="board.move-left",
            tooltip="Move the card to the previous column",
        ),
        Binding("m", "move_to", "Move to", id="board.move-to", tooltip="Move the card to a column"),
        Binding(
            "slash",
            "search",
            "Find",
            key_display="/",
            id="board.search",
            tooltip="Show only cards whose subject or id matches",
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="board.filter",
            tooltip="Filter: status:open assignee:me type:Bug",
        ),
        Binding("n", "new", "New", id="board.new", tooltip="Create a work package in this column"),
        Binding(
            "u",
            "subprojects",
            "Subprojects",
            show=False,
            id="board.subprojects",
            tooltip="Show or hide the subprojects' work packages",
        ),
        Binding(
            "left_square_bracket",
            "tab(-1)",
            "Prev board",
            key_display="[",
            show=False,
            id="board.previous",
        ),
        Binding(
            "right_square_bracket",
            "tab(1)",
            "Next board",
            key_display="]",
            show=False,
            id="board.next",
        ),
        Binding("r", "refresh", "Refresh", id="board.refresh", tooltip="Reload from the server"),
        Binding("escape", "back", "Back", id="board.back", tooltip="Back"),
    ]

    def __init__(
        self, project: Project, kind: str = "status", *, saved_name: str | None = None
    ) -> None:
        super().__init__(classes="board")  # no id: several boards may be stacked
        self.project = project
        self.saved_name = saved_name
        """A saved board to switch to once the saved boards are known (`:board <name>`)."""
        self.kind = kind if kind in BOARD_KINDS else "status"
        self.saved: dict[str, SavedBoard] = {}
        self.current_tab = f"kind-{self.kind}"
        self.filters: list[Any] = default_filters(self.kind)
        self.subprojects = True
        self.search_text = ""
        self.board: Board | None = None
        """The board as loaded (before the search narrows what is shown)."""
        self.allowed: dict[tuple[str, int | None, str], tuple[AllowedValue, ...]] = {}
        """What each card's form allows for the board's attribute, by (href, lockVersion)."""
        self._move_lock = asyncio.Lock()
        self._prefetch_timer: Timer | None = None
        self.title_line = Static(id="board-title")
        self.tabs = Tabs(
            *[Tab(label, id=f"kind-{key}") for key, label in BOARD_KINDS.items()],
            id="board-tabs",
        )
        self.filter_bar = FilterBar()
        self.search = Input(
            placeholder="subject or #id; enter keeps it, esc clears", id="board-search"
        )
        self.search.display = False
        self.view = BoardView(id="board")
        self.message_line = Static(id="board-message")
        self._loaded = False

    def compose_body(self) -> ComposeResult:
        yield self.title_line
        yield self.tabs
        yield self.filter_bar
        yield self.search
        yield self.view
        yield self.message_line

    def on_mount(self) -> None:
        self.message_line.display = False
        self.view.today = self.optui.today()
        self.filter_bar.catalog_source = self.services.filter_catalog
        self.tabs.active = self.current_tab
        self._show_title()
        self.view.focus()
        self.load()
        self.load_saved_boards()
        self.set_interval(self.optui.refresh_seconds, self.refresh_quietly)

    # loading

    def _show_title(self) -> None:
        board = self.board
        parts = [Content.styled(one_line(board.title if board else self.project.name), "bold")]
        if board is not None:
            count = board.card_count
            parts.append(Content(f"  {count} card{'s' if count != 1 else ''}"))
        if not self.subprojects:
            parts.append(Content("  · without subprojects"))
        if self.search_text:
            parts.append(Content(f"  · find: {one_line(self.search_text)}"))
        self.title_line.update(Content.assemble(*parts))

    @work(exclusive=True, group="board-load", exit_on_error=False)
    async def load(self, force: bool = False, message: str = "") -> None:
        """Load the board; `message` is said once it is on screen (else the line is cleared)."""
        keep = self.view.selected.href if self.view.selected else None
        tab = self.current_tab
        try:
            if tab.startswith("saved-"):
                board = await self.services.saved_board(self.saved[tab], self.filters, force=force)
            else:
                board = await self.services.board(
                    self.project,
                    self.kind,
                    self.filters,
                    subprojects=self.subprojects,
                    force=force,
                )
        except InvalidInput as error:
            if error.is_bad_query:
                self.filter_bar.show_error(str(error))
            else:
                self.post_message(ApiFailed(error))
            return
        except NotFound:
            self.say("This project or board does not exist or is not visible to you.")
            return
        except ApiError as error:
            self.post_message(ApiFailed(error))
            if tab == self.current_tab and self.board is None:  # not "Loading…" for ever
                self.view.empty_text = one_line(f"Not loaded: {error} r tries again.")
                self.view.refresh()
                self._show_title()
            return
        if tab != self.current_tab:
            return  # another board was chosen meanwhile
        self.board = board
        self._loaded = True
        self._show(keep)
        self.say(message, error=bool(message))

    def _show(self, keep: str | None = None) -> None:
        if self.board is None:
            return
        self.view.empty_text = "No columns."
        self.view.show(self._searched(self.board), keep=keep)
        self._show_title()

    def _searched(self, board: Board) -> Board:
        text = self.search_text.casefold().lstrip("#")
        if not text:
            return board
        columns = tuple(
            BoardColumn(
                c.key,
                c.title,
                c.value,
                c.movable,
                c.color,
                tuple(
                    card
                    for card in c.cards
                    if text in card.subject.casefold() or text == str(card.id)
                ),
            )
            for c in board.columns
        )
        return Board(
            board.title,
            board.attribute,
            columns,
            board.type_colors,
            board.saved_id,
            board.closed_statuses,
        )

    @work(exclusive=True, group="board-saved", exit_on_error=False)
    async def load_saved_boards(self) -> None:
        try:
            boards = await self.services.saved_boards(self.project)
        except ApiError as error:
            if self.saved_name:
                self.post_message(ApiFailed(error))
            return  # the built-in boards work without them
        for saved in boards:
            tab_id = f"saved-{saved.id}"
            if tab_id not in self.saved:
                self.saved[tab_id] = saved
                # mounted before one is activated: the underline is placed from its region
                await self.tabs.add_tab(Tab(Content(clean(f"▦ {saved.name}")), id=tab_id))
        wanted, self.saved_name = self.saved_name, None
        if wanted and not self.open_saved(wanted):
            names = ", ".join(b.name for b in boards) or "none"
            self.notify(
                f"No board '{wanted}' in {self.project.name} (saved boards: {names}).",
                severity="warning",
                markup=False,
            )

    def open_saved(self, name: str) -> bool:
        """Switch to the saved board called `name` (once the saved boards are known)."""
        for tab_id, saved in self.saved.items():
            if saved.name.casefold() == name.casefold():
                self.tabs.active = tab_id
                return True
        return False

    def refresh_quietly(self) -> None:
        """Reload in the background; the selection stays on the same card."""
        if self.is_current and self._loaded and not self._move_lock.locked():
            self.load(force=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message_line.update(Content.styled(clean(text), "red" if error else ""))
        self.message_line.display = bool(text)

    # boards, filters, search

    @on(Tabs.TabActivated, "#board-tabs")
    def switch_board(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or "kind-status"
        if tab_id == self.current_tab and self.board is not None:
            return
        self.current_tab = tab_id
        if tab_id.startswith("kind-"):
            self.kind = tab_id.removeprefix("kind-")
            self.filters = default_filters(self.kind)
        else:
            self.filters = []
        self.filter_bar.set_filters(self.filters)
        self.board = None
        self.view.empty_text = "Loading…"
        self.view.board = None
        self.view.refresh()
        self._show_title()  # not the last board's card count
        if self.is_mounted:
            self.load()
        self.view.focus()

    def action_tab(self, step: int) -> None:
        if step < 0:
            self.tabs.action_previous_tab()
        else:
            self.tabs.action_next_tab()

    def action_filter(self) -> None:
        self.filter_bar.open(self.filters)

    @on(FilterBar.Applied)
    def apply_filters(self, event: FilterBar.Applied) -> None:
        self.filters = list(event.filters)
        self.view.focus()
        self.load()

    @on(FilterBar.Closed)
    def filter_closed(self) -> None:
        self.view.focus()

    def action_search(self) -> None:
        self.search.display = True
        self.search.value = self.search_text
        self.search.focus()

    @on(Input.Changed, "#board-search")
    def narrow(self, event: Input.Changed) -> None:
        self.search_text = event.value.strip()
        self._show(self.view.selected.href if self.view.selected else None)

    @on(Input.Submitted, "#board-search")
    def keep_search(self, event: Input.Submitted) -> None:
        event.stop()
        self.search.display = bool(self.search_text)
        self.view.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.search.has_focus:
            event.stop()
            self.search.value = ""
            self.search.display = False
            self.view.focus()

    def action_subprojects(self) -> None:
        if self.current_tab.startswith("saved-"):
            self.notify("A saved board shows what its queries find.", markup=False)
            return
        self.subprojects = not self.subprojects
        self.load()

    # the selected card

    def selected_work_package(self) -> WorkPackage | None:
        return self.view.selected

    def after_quick_edit(self, saved: WorkPackage) -> None:
        self.load(force=True)

    @on(BoardView.Opened)
    def open_card(self, event: BoardView.Opened) -> None:
        self.optui.open_work_package(event.work_package.href)

    @on(BoardView.Highlighted)
    def card_selected(self, event: BoardView.Highlighted) -> None:
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        card = event.work_package
        if card is not None and self.board is not None and self.board.attribute:
            self._prefetch_timer = self.set_timer(PREFETCH_PAUSE, lambda: self.prefetch(card))

    def _allowed_key(self, card: WorkPackage) -> tuple[str, int | None, str]:
        return (card.href, card.lock_version, (self.board.attribute if self.board else "") or "")

    @work(group="board-prefetch", exit_on_error=False)
    async def prefetch(self, card: WorkPackage) -> None:
        if self._allowed_key(card) not in self.allowed:
            try:
                await self._allowed_for(card)
            except ApiError:
                return  # the move asks again and says what went wrong

    async def _allowed_for(self, card: WorkPackage) -> tuple[AllowedValue, ...]:
        key = self._allowed_key(card)
        found = self.allowed.get(key)
        if found is None:
            assert self.board is not None and self.board.attribute is not None
            found = await self.services.quick_options(card, self.board.attribute)
            self.allowed[key] = found
        return found

    # moving cards

    def action_move(self, step: int) -> None:
        board, card = self.view.board, self.view.selected
        if board is None or card is None:
            return
        target = self.view.column + step
        if not 0 <= target < len(board.columns):
            return
        self.move(card, board.columns[target].key)

    def action_move_to(self) -> None:
        board, card = self.view.board, self.view.selected
        if board is None or card is None:
            return
        here = self.view.selected_column
        choices = [
            Choice(column.key, f"{one_line(column.title)} ({len(column.cards)})")
            for column in board.columns
            if column is not here
        ]

        def chosen(key: str | None) -> None:
            if key is not None:
                self.move(card, key)

        self.app.push_screen(PickerScreen(f"Move {card.display_id} to", choices), chosen)

    @work(group="board-move", exit_on_error=False)
    async def move(self, card: WorkPackage, target_key: str) -> None:
        async with self._move_lock:  # one save at a time, each with the newest lockVersion
            board = self.board
            if board is None:
                return
            current = next(
                (c for column in board.columns for c in column.cards if c.href == card.href),
                None,
            )
            target = next((c for c in board.columns if c.key == target_key), None)
            if current is None or target is None:
                return
            reason = refuse_move(board, target, None)
            if reason is None:
                try:
                    allowed = await self._allowed_for(current)
                except ApiError as error:
                    self.say(f"{current.display_id} was not moved: {error}", error=True)
                    return
                reason = refuse_move(board, target, allowed)
            if reason is not None:
                self.say(f"{current.display_id} stays: {reason}", error=True)
                self.app.bell()
                return
            source_index = column_of(board, current)
            source = board.columns[source_index].key if source_index is not None else None
            self.board = with_card_moved(board, current.href, target.key, current)
            self._show(keep=current.href)
            self.say(f"Moving {current.display_id} to {target.title}…")
            assert board.attribute is not None
            try:
                saved = await self.services.quick_update(current, board.attribute, target.value)
            except ApiError as error:
                if self.board is not None and source is not None:
                    self.board = with_card_moved(self.board, current.href, source, current)
                    self._show(keep=current.href)
                if isinstance(error, UpdateConflict):
                    conflict = (
                        f"{current.display_id} went back: someone changed it meanwhile. "
                        "The board is reloaded; try again."
                    )
                    self.say(conflict, error=True)
                    self.load(force=True, message=conflict)
                else:
                    self.say(f"{current.display_id} went back: {error}", error=True)
                return
            if self.board is not None:
                self.board = with_card_moved(self.board, current.href, target.key, saved)
                self._show(keep=saved.href)
            self.say(f"{saved.display_id} moved to {target.title}.")
            self.prefetch(saved)

    def action_new(self) -> None:
        column, board = self.view.selected_column, self.view.board
        preset: dict[str, Any] = {}
        if board and column and board.attribute and column.movable and column.value is not None:
            preset[board.attribute] = column.value
        self.optui.new_work_package(self.project, preset)

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)
