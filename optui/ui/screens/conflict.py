"""409: per field, the user's value beside the server's; keep mine or take theirs."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static

from optui.api.schema import FormState, Value
from optui.ui.safe import clean

Choice = dict[str, Value]


def shown(value: Value, titles: dict[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(titles.get(v, v) for v in value) or "(none)"
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        return titles.get(value, value)
    return str(value)


class ConflictScreen(ModalScreen[Choice | None]):
    """Someone saved this work package first; choose per field, then save again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="conflict.cancel",
            tooltip="Back to the form; nothing is lost",
        ),
        Binding(
            "ctrl+s",
            "resolve",
            "Save again",
            id="conflict.save",
            priority=True,
            tooltip="Save with the chosen values",
        ),
    ]

    def __init__(
        self,
        conflicts: dict[str, tuple[Value, Value]],
        server: FormState,
        mine: Choice,
        base: Choice,
    ) -> None:
        super().__init__(classes="conflict")
        self.conflicts = conflicts
        self.server = server
        self.labels = {f.name: f.label for f in server.fields}

    def compose(self) -> ComposeResult:
        titles = dict(self.server.titles)
        with Vertical(id="conflict-box"):
            yield Static(
                Content.styled(
                    "Someone else changed this work package while you edited it.", "bold"
                )
            )
            yield Static(
                "For each field both of you changed, keep yours or take theirs. "
                "Fields only one side changed are merged for you."
            )
            with VerticalScroll(id="conflict-fields"):
                for name, (mine, theirs) in self.conflicts.items():
                    yield Static(Content.styled(clean(self.labels.get(name, name)), "bold"))
                    with RadioSet(id=f"conflict-{name}"):
                        yield RadioButton(
                            Content(clean(f"Mine: {shown(mine, titles)}")), value=True
                        )
                        yield RadioButton(Content(clean(f"Theirs: {shown(theirs, titles)}")))
            with Horizontal(id="conflict-buttons"):
                yield Button("Save again (ctrl+s)", id="conflict-save", variant="primary")
                yield Button("Back to the form (esc)", id="conflict-cancel")

    @on(Button.Pressed, "#conflict-save")
    def action_resolve(self) -> None:
        choice: Choice = {}
        for name, (mine, theirs) in self.conflicts.items():
            radios = self.query_one(f"#conflict-{name}", RadioSet)
            choice[name] = theirs if radios.pressed_index == 1 else mine
        self.dismiss(choice)

    @on(Button.Pressed, "#conflict-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
