"""The filter bar: OpenProject's filters typed as text (`status:open assignee:me type:Bug`).

Parsing, completion and the text form of filters live in `optui.api.filters`; this widget
shows them, completes with tab, and reports syntax errors (and the server's InvalidQuery
answers) under the input, keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from optui.api import ApiError
from optui.api import filters as filter_language
from optui.ui.safe import clean

CatalogSource = Callable[[], Awaitable[filter_language.FilterCatalog]]


class FilterSuggester(Suggester):
    """Inline completion from the filter language (field names, then values)."""

    def __init__(self, bar: FilterBar) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.bar = bar

    async def get_suggestion(self, value: str) -> str | None:
        found = filter_language.complete(value, len(value), self.bar.catalog)
        if not found:
            return None
        best = found[0]
        return value[: best.replace_start] + best.insert + value[best.replace_end :]


class FilterInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "complete",
            "Complete",
            id="filter.complete",
            tooltip="Complete the field name or value",
        ),
        Binding("escape", "close", "Close", id="filter.close", tooltip="Close the filter bar"),
    ]

    def action_complete(self) -> None:
        if isinstance(self.parent, FilterBar):
            self.parent.complete()

    def action_close(self) -> None:
        if isinstance(self.parent, FilterBar):
            self.parent.close()


class FilterBar(Vertical):
    """One line of filter text and a line for what is wrong with it."""

    @dataclass
    class Applied(Message):
        filters: list[dict[str, Any]]

    @dataclass
    class Closed(Message):
        pass

    def __init__(self) -> None:
        super().__init__(id="filter-bar")
        self.catalog = filter_language.default_catalog()
        self.catalog_source: CatalogSource | None = None
        self.input = FilterInput(
            placeholder="status:open assignee:me type:Bug updatedAt:>t-7   (tab completes)",
            suggester=FilterSuggester(self),
            select_on_focus=False,
            id="filter-input",
        )
        self.error = Static(id="filter-error")
        self.display = False  # opened with `f`; hidden before mounting so it never takes focus

    def compose(self) -> ComposeResult:
        yield self.input
        yield self.error

    def on_mount(self) -> None:
        self.error.display = False

    def open(self, current: list[dict[str, Any]]) -> None:
        self.set_filters(current)
        self.display = True
        self.input.focus()
        self.input.cursor_position = len(self.input.value)
        self.load_catalog()

    def set_filters(self, current: list[dict[str, Any]]) -> None:
        self.error.display = False
        try:
            parsed = filter_language.filters_from_json(current)
            text = filter_language.format_filters(parsed, self.catalog)
            self.input.value = f"{text} " if text else ""  # typing adds a term
        except ValueError:
            self.input.value = ""
            self.show_error("This view's filters cannot be written as text; typing replaces them.")
            self.display = False

    def close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

    @work(exclusive=True, group="filter-catalog", exit_on_error=False)
    async def load_catalog(self) -> None:
        if self.catalog_source is None:
            return
        try:
            self.catalog = await self.catalog_source()
        except ApiError as error:  # completion works without server values, but say why
            self.show_error(f"Values for completion could not be loaded: {error}")

    def complete(self) -> None:
        found = filter_language.complete(self.input.value, self.input.cursor_position, self.catalog)
        if found:
            best = found[0]
            value = self.input.value
            self.input.value = value[: best.replace_start] + best.insert + value[best.replace_end :]
            self.input.cursor_position = best.replace_start + len(best.insert)

    @on(Input.Submitted, "#filter-input")
    def apply(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            parsed = filter_language.parse(event.value, self.catalog)
        except filter_language.FilterSyntaxError as error:
            self.show_error(error.message, error.start, error.end)
            return
        self.error.display = False
        self.post_message(self.Applied(filter_language.filters_json(parsed)))

    def show_error(self, message: str, start: int | None = None, end: int | None = None) -> None:
        """Say what is wrong under the input; the typed text stays."""
        text = Content(clean(message))
        if start is not None:
            # the input's text starts two cells in (border and padding)
            marker = " " * (start + 2) + "^" * max((end or start + 1) - start, 1)
            text = Content.assemble(Content(marker), "\n", text)
        self.error.update(text)
        self.error.display = True
        self.display = True
