"""Write a comment in markdown; ctrl+s posts it, escape keeps nothing unless asked."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from optui.ui.safe import clean


class CommentScreen(ModalScreen[str | None]):
    """A markdown editor for one comment; dismisses with the text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "post", "Post", id="comment.post", priority=True, tooltip="Post the comment"
        ),
        Binding("escape", "cancel", "Cancel", id="comment.cancel", tooltip="Close"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__(classes="comment")
        self.title_text = title
        self.editor = TextArea(text, soft_wrap=True, id="comment-text")

    def compose(self) -> ComposeResult:
        with Vertical(id="comment-box"):
            yield Static(Content.styled(clean(self.title_text), "bold"))
            yield Static(Content.styled("Markdown; ctrl+s posts, esc cancels", "dim"))
            yield self.editor

    def on_mount(self) -> None:
        self.editor.focus()

    def action_post(self) -> None:
        text = self.editor.text.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
