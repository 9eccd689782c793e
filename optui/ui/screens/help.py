"""Help: the keys of the screen below and every `:` command."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from optui.ui.commands import CommandRegistry

KEYS = [
    (":", "command mode (tab completes, ↑/↓ history, esc closes)"),
    ("?", "this help"),
    ("↑ ↓ / j k", "move"),
    ("enter / space", "expand or collapse a project"),
    ("a", "show or hide archived projects"),
    ("r", "refresh from the server"),
    ("q", "back, or quit on a top-level screen"),
    ("ctrl+c", "quit"),
]


class HelpScreen(ModalScreen[None]):
    """Keys and commands in one place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"
        ),
    ]

    def __init__(self, registry: CommandRegistry) -> None:
        super().__init__(id="help")
        self.registry = registry

    def compose(self) -> ComposeResult:
        lines = [Content.styled("Keys", "bold")]
        lines += [
            Content.assemble(Content.styled(f"  {key:<14}", "bold"), text) for key, text in KEYS
        ]
        lines += [Content(""), Content.styled("Commands", "bold")]
        for command in self.registry.commands.values():
            names = ", ".join([f":{command.synopsis}", *(f":{a}" for a in command.aliases)])
            lines.append(Content.assemble(Content.styled(f"  {names:<26}", "bold"), command.help))
        with VerticalScroll(id="help-body"):
            yield Static(Content("\n").join(lines))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
