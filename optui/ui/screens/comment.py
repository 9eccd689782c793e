"""Write a comment in markdown; ctrl+s posts it, escape keeps nothing unless asked.

Typing `@` and the start of a name offers the people the comment may mention; `tab` or `enter`
puts the chosen name in as `@Name`, and posting turns it into the mention tag OpenProject reads
to notify that person (see `optui.api.mentions`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from optui.api import ApiError
from optui.api.mentions import matching, mention_query, to_editor, to_markdown
from optui.api.models import User
from optui.ui.safe import clean, one_line

People = Callable[[], Awaitable[Sequence[User]]]
SHOWN = 6


class CommentScreen(ModalScreen[str | None]):
    """A markdown editor for one comment; dismisses with the markdown to send, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "post", "Post", id="comment.post", priority=True, tooltip="Post the comment"
        ),
        Binding("escape", "cancel", "Cancel", id="comment.cancel", tooltip="Close"),
        # while names are offered: these act on the list, else they reach the editor
        Binding("down", "mention(1)", show=False, priority=True, id="comment.mention-next"),
        Binding("up", "mention(-1)", show=False, priority=True, id="comment.mention-previous"),
        Binding("tab,enter", "mention_pick", show=False, priority=True, id="comment.mention-pick"),
        Binding("escape", "mention_close", show=False, priority=True, id="comment.mention-close"),
    ]

    def __init__(self, title: str, text: str = "", people: People | None = None) -> None:
        super().__init__(classes="comment")
        self.title_text = title
        shown, self.mentioned = to_editor(text)
        self.editor = TextArea(clean(shown), soft_wrap=True, id="comment-text")
        self.names = OptionList(id="comment-mentions")
        self.names.display = False
        self.load_people = people
        self.people: Sequence[User] = ()
        self.offered: list[User] = []

    def compose(self) -> ComposeResult:
        mention = "@ mentions someone; " if self.load_people else ""
        hint = f"Markdown; {mention}ctrl+s posts, esc cancels"
        with Vertical(id="comment-box"):
            yield Static(Content.styled(clean(self.title_text), "bold"))
            yield Static(Content.styled(hint, "dim"))
            yield self.editor
            yield self.names

    def on_mount(self) -> None:
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)
        if self.load_people is not None:
            self.fetch_people()

    @work(exclusive=True, group="comment-people", exit_on_error=False)
    async def fetch_people(self) -> None:
        assert self.load_people is not None
        try:
            self.people = await self.load_people()
        except ApiError as error:
            self.notify(f"No names to mention: {error}", severity="warning", markup=False)
            return
        self.offer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mention", "mention_pick", "mention_close"):
            return self.names.display or False
        return True

    @on(TextArea.Changed, "#comment-text")
    @on(TextArea.SelectionChanged, "#comment-text")
    def offer(self) -> None:
        """Show the people matching the `@name` being typed before the cursor, if any."""
        row, column = self.editor.cursor_location
        line = self.editor.document.get_line(row)[:column]
        query = mention_query(line)
        self.offered = matching(self.people, query)[:SHOWN] if query is not None else []
        was_shown = self.names.display
        self.names.display = bool(self.offered)
        if self.offered:
            self.names.set_options(
                Option(Content(clean(f"{one_line(u.name)}  {u.login or ''}".rstrip())))
                for u in self.offered
            )
            self.names.highlighted = 0
        if was_shown != self.names.display:
            self.refresh_bindings()

    def action_mention(self, step: int) -> None:
        count = len(self.offered)
        if count:
            self.names.highlighted = ((self.names.highlighted or 0) + step) % count

    def action_mention_pick(self) -> None:
        if not self.offered:
            return
        user = self.offered[self.names.highlighted or 0]
        row, column = self.editor.cursor_location
        line = self.editor.document.get_line(row)[:column]
        query = mention_query(line) or ""
        name = f"@{one_line(user.name)}"
        if user.id is not None:
            self.mentioned[name] = user.id
        self.editor.replace(f"{name} ", (row, column - len(query) - 1), (row, column))
        self.names.display = False
        self.refresh_bindings()

    def action_mention_close(self) -> None:
        self.offered = []
        self.names.display = False
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#comment-mentions")
    def clicked(self, event: OptionList.OptionSelected) -> None:
        self.names.highlighted = event.option_index
        self.action_mention_pick()
        self.editor.focus()

    def action_post(self) -> None:
        text = self.editor.text.strip()
        self.dismiss(to_markdown(text, self.mentioned) if text else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
