"""A small modal list to pick one value (sort column, grouping…); escape cancels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from optui.api import ApiError
from optui.ui.safe import clean


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


class PickerScreen(ModalScreen[str | None]):
    """Pick one of a few values; dismisses with the value, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without choosing"),
    ]

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__(classes="picker")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Content.styled(clean(self.title_text), "bold"), id="picker-title")
            yield OptionList(
                *[Option(Content(clean(c.label)), id=c.value) for c in self.choices],
                id="picker-options",
            )

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


Search = Callable[[str], Awaitable[list[Choice]]]


class SearchPickerScreen(ModalScreen[str | None]):
    """Pick a value the server finds as the user types (work packages, people).

    Typing searches after a short pause (the newest search wins); `down` moves into the results,
    `enter` picks the highlighted one (the first when none is), escape cancels. A failed search
    is said under the input and typing again retries.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="search-picker.cancel", tooltip="Close"),
        Binding(
            "down",
            "results",
            "Results",
            show=False,
            id="search-picker.results",
            tooltip="Move into the results",
        ),
    ]
    PAUSE = 0.25

    def __init__(self, title: str, search: Search, *, placeholder: str = "type to search") -> None:
        super().__init__(classes="picker")
        self.title_text = title
        self.search = search
        self.input = Input(placeholder=placeholder, id="search-picker-input")
        self.results = OptionList(id="search-picker-options")
        self.status = Static("", id="search-picker-status")
        self._timer: Timer | None = None
        self.answered: str | None = None
        """The text of the last search that answered (its results are on screen)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Content.styled(clean(self.title_text), "bold"), id="picker-title")
            yield self.input
            yield self.status
            yield self.results

    def on_mount(self) -> None:
        self.input.focus()
        self.run_search("")

    @on(Input.Changed, "#search-picker-input")
    def typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value
        self._timer = self.set_timer(self.PAUSE, lambda: self.run_search(text))

    @work(exclusive=True, group="search-picker", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        self.status.update(Content.styled("Searching…", "dim"))
        try:
            found = await self.search(text.strip())
        except ApiError as error:
            self.status.update(Content.styled(clean(f"Search failed: {error}"), "red"))
            self.status.display = True
            return
        self.results.clear_options()
        self.results.add_options(Option(Content(clean(c.label)), id=c.value) for c in found)
        self.status.update(Content.styled("No match." if not found else "", "dim"))
        self.status.display = not found
        self.results.display = bool(found)
        self.answered = text.strip()

    @on(Input.Submitted, "#search-picker-input")
    def submitted(self) -> None:
        if self.results.option_count:
            index = self.results.highlighted or 0
            self.dismiss(self.results.get_option_at_index(index).id)

    def action_results(self) -> None:
        if self.results.option_count and self.input.has_focus:
            self.results.focus()
            self.results.highlighted = 0

    @on(OptionList.OptionSelected, "#search-picker-options")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
