"""The `:` prompt: completion from the command registry, history with up/down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from optui.ui.commands import CommandRegistry, History


class RegistrySuggester(Suggester):
    """Inline completion: the first whole-line completion of what was typed."""

    def __init__(self, registry: CommandRegistry) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.registry = registry

    async def get_suggestion(self, value: str) -> str | None:
        found = self.registry.complete(value)
        return found[0] if found else None


class CommandLine(Input):
    """A one-line prompt for `:` commands; hidden until `:` is pressed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="command.close", tooltip="Leave command mode"),
        Binding(
            "up",
            "history(-1)",
            "Previous",
            show=False,
            id="command.history-previous",
            tooltip="Previous command",
        ),
        Binding(
            "down",
            "history(1)",
            "Next",
            show=False,
            id="command.history-next",
            tooltip="Next command",
        ),
        Binding(
            "tab",
            "complete",
            "Complete",
            id="command.complete",
            tooltip="Complete the command or its argument",
        ),
    ]

    @dataclass
    class Run(Message):
        """The user pressed enter on a command line."""

        line: str

    @dataclass
    class Closed(Message):
        """The prompt was closed without running anything."""

    def __init__(self, registry: CommandRegistry, history: History) -> None:
        super().__init__(
            placeholder="command (tab completes, ↑ history, esc closes)",
            suggester=RegistrySuggester(registry),
            select_on_focus=False,
            id="command-line",
        )
        self.registry = registry
        self.history = history
        self.display = False
        self._cycle: list[str] = []
        self._cycle_index = 0

    def open(self) -> None:
        self._return_focus = self.screen.focused
        self.value = ""
        self.display = True
        self.focus()

    def action_close(self) -> None:
        self.display = False
        self.value = ""
        previous = getattr(self, "_return_focus", None)
        if previous is not None and previous.is_attached and self.screen.is_current:
            previous.focus()  # back to where the user was typing from
        self.post_message(self.Closed())

    def action_history(self, step: int) -> None:
        line = self.history.previous() if step < 0 else self.history.next()
        if line is not None:
            self.value = line
            self.cursor_position = len(line)

    def action_complete(self) -> None:
        """Tab: take the completion; pressed again, cycle through the others."""
        if self._cycle and self.value in self._cycle:
            self._cycle_index = (self._cycle.index(self.value) + 1) % len(self._cycle)
        else:
            self._cycle = self.registry.complete(self.value)
            self._cycle_index = 0
        if self._cycle:
            self.value = self._cycle[self._cycle_index]
            self.cursor_position = len(self.value)

    @on(Input.Submitted)
    def run_line(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value.strip()
        if not line:
            self.action_close()
            return
        self.history.add(line)
        self.post_message(self.Run(line))
