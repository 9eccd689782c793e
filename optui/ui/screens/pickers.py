"""A small modal list to pick one value (sort column, grouping…); escape cancels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

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
