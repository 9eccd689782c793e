"""Help: the keys of the screen below (from its live bindings) and every `:` command."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from optui.api.filters import __doc__ as FILTER_HELP
from optui.ui.commands import CommandRegistry

Key = tuple[str, str]


class HelpScreen(ModalScreen[None]):
    """Keys of the current screen, then commands, then the filter language."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"
        ),
    ]

    def __init__(self, registry: CommandRegistry, keys: list[Key], title: str) -> None:
        super().__init__(id="help")
        self.registry = registry
        self.keys = keys
        self.title_text = title

    def compose(self) -> ComposeResult:
        lines = [Content.styled(f"Keys: {self.title_text}", "bold")]
        width = max((len(key) for key, _ in self.keys), default=8) + 2
        lines += [
            Content.assemble(Content.styled(f"  {key:<{width}}", "bold"), text)
            for key, text in self.keys
        ]
        lines += [Content(""), Content.styled("Commands (type : first)", "bold")]
        for command in self.registry.commands.values():
            names = ", ".join([f":{command.synopsis}", *(f":{a}" for a in command.aliases)])
            lines.append(Content.assemble(Content.styled(f"  {names:<26}", "bold"), command.help))
        if FILTER_HELP:
            lines += [Content(""), Content.styled("Filter bar (f in a list)", "bold")]
            lines += [Content("  " + line) for line in FILTER_HELP.strip().splitlines()[1:]]
        with VerticalScroll(id="help-body"):
            yield Static(Content("\n").join(lines))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def keys_of(bindings: dict[str, object]) -> list[Key]:
    """(key, description) of the active bindings, one line per action, in binding order."""
    seen: dict[str, Key] = {}
    for key, active in bindings.items():
        binding = getattr(active, "binding", None)
        if not isinstance(binding, Binding) or not binding.description:
            continue
        name = binding.key_display or key
        text = binding.tooltip or binding.description
        if binding.action in seen:
            shown, _ = seen[binding.action]
            seen[binding.action] = (f"{shown} / {name}", text)
        else:
            seen[binding.action] = (name, text)
    return list(seen.values())
