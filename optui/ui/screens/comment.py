"""Write a comment in markdown; ctrl+s posts it, escape closes and keeps what was typed.

Typing `@` and the start of a name offers the people the comment may mention; `tab` or `enter`
puts the chosen name in as `@Name`, and posting turns it into the mention tag OpenProject reads
to notify that person (see `optui.api.mentions`).

Given `draft_for` (the work package a new comment is for, or the activity whose comment is being
edited), the text is kept on disk as a draft (`optui.drafts`, key `comment-<resource>`) a few
hundred ms after each keystroke, so it survives escape, a failed post and a crash; the editor
brings it back when it opens for the same resource. The draft is deleted when the editor is
emptied; after a successful post the opener deletes it with `forget_comment_draft()`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from optui.api import ApiError
from optui.api.mentions import matching, mention_query, to_editor, to_markdown
from optui.api.models import User
from optui.drafts import COMMENT, Draft, DraftStore, edit_key, text_key
from optui.ui.safe import clean, one_line

People = Callable[[], Awaitable[Sequence[User]]]
SHOWN = 6
DRAFT_AFTER = 0.3
"""Seconds of quiet typing before the comment is written to disk as a draft."""


def comment_drafts(app: App[Any]) -> DraftStore | None:
    """The drafts of the app's profile, or None when its name cannot name a directory."""
    profile = getattr(app, "profile_label", "") or "default"
    try:
        return DraftStore.for_profile(str(profile))
    except ValueError:
        return None


async def forget_comment_draft(app: App[Any], draft_for: str) -> None:
    """Delete the draft of a comment once the server has it (after a successful post or edit).

    Raises nothing: a draft that cannot be deleted only comes back the next time.
    """
    store = comment_drafts(app)
    if store is None:
        return
    try:
        await asyncio.to_thread(store.delete, text_key(COMMENT, draft_for))
    except (OSError, ValueError):
        return


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

    def __init__(
        self,
        title: str,
        text: str = "",
        people: People | None = None,
        *,
        draft_for: str | None = None,
    ) -> None:
        super().__init__(classes="comment")
        self.title_text = title
        shown, self.mentioned = to_editor(text)
        self.editor = TextArea(clean(shown), soft_wrap=True, id="comment-text")
        self.names = OptionList(id="comment-mentions")
        self.names.display = False
        self.load_people = people
        self.people: Sequence[User] = ()
        self.offered: list[User] = []
        self.draft_for = draft_for
        """The resource the draft is kept for; None keeps no draft."""
        self._opened_with = self.editor.text
        self._drafts: DraftStore | None = None
        self._draft_key = text_key(COMMENT, draft_for) if draft_for else None
        self._on_disk: str | None = None
        """The markdown the draft file holds, as far as this editor knows; None for no file."""
        self._draft_ready = False
        """The draft on disk has been looked at (nothing is written before)."""
        self._draft_timer: Timer | None = None
        self._draft_lock = asyncio.Lock()
        self._draft_warned = False
        self._leaving = False

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
        if self._draft_key is not None:
            self._drafts = comment_drafts(self.app)
        if self._drafts is not None:
            self.restore_draft()

    # the draft on disk

    @work(exclusive=True, group="comment-draft-restore", exit_on_error=False)
    async def restore_draft(self) -> None:
        """Put the draft back in the editor, unless the user has typed meanwhile."""
        assert self._drafts is not None and self._draft_key is not None
        try:
            draft = await asyncio.to_thread(self._drafts.load, self._draft_key)
            text = draft.changes.get("comment") if draft is not None else None
            if draft is None or not isinstance(text, str) or not text.strip():
                return
            self._on_disk = text
            shown, people = to_editor(text)
            shown = clean(shown)
            if self.editor.text != self._opened_with or shown == self._opened_with:
                return  # typed already (that wins), or it is what the editor opened with
            self.mentioned.update(people)
            self.editor.load_text(shown)
            self.editor.move_cursor(self.editor.document.end)
            what = "changes to this comment" if self._opened_with else "unsent comment"
            self.notify(f"Restored your {what} from {draft.age_text()}.", markup=False)
        finally:
            self._draft_ready = True
            self._schedule_draft()  # whatever was typed while it was read

    def _wanted_draft(self) -> str | None:
        """The markdown the draft file should hold; None when there should be none."""
        text = self.editor.text
        if not text.strip():
            return None  # emptied: nothing to keep
        if text == self._opened_with and self._on_disk is None:
            return None  # an existing comment opened for editing and not touched
        return to_markdown(text, self.mentioned)

    async def sync_draft(self) -> None:
        """Make the draft file hold what the editor holds (in a thread; OSError if refused)."""
        if self._drafts is None or self._draft_key is None or not self._draft_ready:
            return
        async with self._draft_lock:
            wanted = self._wanted_draft()
            if wanted == self._on_disk:
                return
            if wanted is None:
                await asyncio.to_thread(self._drafts.delete, self._draft_key)
            else:
                draft = Draft(
                    key=self._draft_key,
                    resource_href=self.draft_for,
                    project_href=None,
                    base_lock_version=None,
                    base={},
                    changes={"comment": wanted},
                    saved_at=time.time(),
                    title=self.title_text,
                )
                await asyncio.to_thread(self._drafts.save, draft)
            self._on_disk = wanted

    @on(TextArea.Changed, "#comment-text")
    def _schedule_draft(self) -> None:
        if self._drafts is None or self._leaving:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_AFTER, self.save_draft)

    def _stop_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    @work(exclusive=True, group="comment-draft", exit_on_error=False)
    async def save_draft(self) -> None:
        try:
            await self.sync_draft()
        except OSError as error:
            if not self._draft_warned:  # once: not at every keystroke
                self._draft_warned = True
                self.notify(
                    f"The comment cannot be kept as a draft: {error}",
                    severity="warning",
                    markup=False,
                )

    def _kept_message(self) -> str:
        if self.draft_for and edit_key(self.draft_for).startswith("work_package-"):
            return "Comment kept as a draft; c brings it back."
        return "Your changes to the comment are kept as a draft; editing it again brings them back."

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
        if not self._leaving:
            self._leaving = True
            self._stop_draft_timer()
            self.post()

    def action_cancel(self) -> None:
        if not self._leaving:
            self._leaving = True
            self._stop_draft_timer()
            self.leave()

    # closing: in a worker, so the screen keeps handling messages while the draft is written

    @work(group="comment-close", exit_on_error=False)
    async def post(self) -> None:
        text = self.editor.text.strip()
        try:
            await self.sync_draft()  # on disk before it is sent: a failed post keeps it
        except OSError as error:
            self.notify(
                f"The comment cannot be kept as a draft: {error}", severity="warning", markup=False
            )
        self.dismiss(to_markdown(text, self.mentioned) if text else None)

    @work(group="comment-close", exit_on_error=False)
    async def leave(self) -> None:
        """Close; a comment with text stays on disk as a draft (the next editor restores it)."""
        try:
            await self.sync_draft()
        except OSError as error:
            self._leaving = False  # stay: closing now would lose the text
            self.notify(
                f"The comment cannot be kept as a draft ({error}); ctrl+s posts it.",
                severity="error",
                markup=False,
            )
            return
        if self._on_disk is not None:
            self.notify(self._kept_message(), markup=False)
        self.dismiss(None)
