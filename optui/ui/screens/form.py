"""Create and edit forms built from the server's form schema, with nothing lost.

The fields come from `POST …/form`; every edit is validated by the server (debounced) and kept
as a local draft; `ctrl+s` saves only when the server offers a commit link. A 422 shows each
message at its field, a 409 opens the conflict view, a dropped connection keeps everything.
"""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widgets import Static

from optui.api import (
    ApiError,
    InvalidInput,
    MissingPermission,
    ServerFailure,
    ServerUnreachable,
    UpdateConflict,
)
from optui.api.models import Project, WorkPackage
from optui.api.schema import AllowedValue, FormState, Value
from optui.drafts import Draft, DraftStore, edit_key, new_key
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.conflict import ConflictScreen
from optui.ui.widgets.field_editors import FieldEditor, editor_for

VALIDATE_AFTER = 0.4
"""Seconds of quiet typing before the form is checked by the server (it throttles forms)."""
DRAFT_AFTER = 0.3
REBUILD_FIELDS = frozenset({"type", "project"})
"""Changing these changes the schema: the fields are built again."""


class FormScreen(OptuiScreen):
    """Edit a work package (`work_package` given) or create one in `project`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="form.save",
            priority=True,
            tooltip="Save (enabled when the server accepts the values)",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            id="form.leave",
            tooltip="Leave the form; unsaved changes stay as a draft",
        ),
    ]

    def __init__(
        self,
        *,
        work_package: WorkPackage | None = None,
        project: Project | None = None,
        preset: dict[str, Value] | None = None,
    ) -> None:
        super().__init__(classes="form")
        self.work_package = work_package
        self.project = project
        self.state: FormState | None = None
        self.base: dict[str, Value] = {}
        self.preset = dict(preset or {})
        """Values a new work package starts with (a board column's); they count as changes."""
        self.changes: dict[str, Value] = dict(self.preset)
        self.key = (
            edit_key(work_package.href)
            if work_package
            else new_key(project.href if project else "none")
        )
        self.header = Static(id="form-header")
        self.status = Static(id="form-status")
        self.body = VerticalScroll(id="form-body")
        self._validate_timer: Timer | None = None
        self._draft_timer: Timer | None = None
        self._saving = False
        self._answer_lost = False
        """A save whose answer never came: the next attempt checks the server first."""
        self._drafts: DraftStore | None = None
        self._form_loaded = False
        self._unsaved_note = ""
        """Why the last save failed; said until the next try."""

    @property
    def is_new(self) -> bool:
        return self.work_package is None

    def compose_body(self) -> ComposeResult:
        yield self.header
        yield self.body
        yield self.status

    def on_mount(self) -> None:
        title = (
            f"Edit {self.work_package.display_id} {one_line(self.work_package.subject)}"
            if self.work_package
            else f"New work package in {one_line(self.project.name) if self.project else '?'}"
        )
        self.header.update(Content.styled(clean(title), "bold"))
        self.say("Loading the form…")
        self._drafts = DraftStore.for_profile(self.optui.profile_label or "default")
        self.open_form()

    # loading

    @on(ConnectionChanged)
    def load_when_back(self, event: ConnectionChanged) -> None:
        """A form that could not be loaded (offline) loads when the server is back."""
        if event.online and not self._form_loaded:
            self.say("Loading the form…")
            self.open_form()

    @work(exclusive=True, group="form-open", exit_on_error=False)
    async def open_form(self) -> None:
        draft = await asyncio.to_thread(self._find_draft)
        try:
            state = await self._request_form(dict(self.changes))
        except ApiError as error:
            self.say(
                f"The form could not be loaded: {error} It loads when the server answers again.",
                error=True,
            )
            self.post_message(ApiFailed(error))
            return
        self.base = {k: v for k, v in state.values.items() if k not in self.preset}
        await self.show_state(state, rebuild=True)
        self._form_loaded = True
        if draft is not None and draft.changes:
            question = (
                f"Restore your unsaved changes from {draft.age_text()}? "
                f"({len(draft.changes)} field{'s' if len(draft.changes) != 1 else ''})"
            )
            if await self.app.push_screen_wait(
                ConfirmScreen(question, yes="Restore", no="Discard")
            ):
                self.key = draft.key
                await self.apply_changes(dict(draft.changes))
            else:
                await asyncio.to_thread(self._drafts_delete, draft.key)

    def _find_draft(self) -> Draft | None:
        assert self._drafts is not None
        if self.work_package is not None:
            return self._drafts.for_resource(self.work_package.href)
        drafts = self._drafts.new_drafts(self.project.href if self.project else "none")
        return drafts[0] if drafts else None

    def _drafts_delete(self, key: str) -> None:
        if self._drafts is not None:
            self._drafts.delete(key)

    async def _request_form(self, changes: dict[str, Value]) -> FormState:
        if self.work_package is not None:
            return await self.services.edit_form(
                self.work_package.href, self.work_package.lock_version, changes
            )
        project_href = self.project.href if self.project else ""
        return await self.services.create_form(project_href, changes)

    async def apply_changes(self, changes: dict[str, Value]) -> None:
        self.changes.update(changes)
        state = await self._request_form(self.changes)
        await self.show_state(state, rebuild=True)

    # showing

    async def show_state(self, state: FormState, *, rebuild: bool) -> None:
        self.state = state
        if rebuild:
            await self._build(state)
        for editor in self.body.query(FieldEditor):
            editor.show_errors(state.errors.get(editor.spec.name, ()))
        general = state.errors.get("", ())
        if general:
            self.say(" ".join(general), error=True)
        elif state.commit_href:
            # a failed save stays said until the next try (a check of the form must not
            # replace it with the hint, or ctrl+s would seem to have done nothing)
            self.say(
                self._unsaved_note or "ctrl+s saves · esc leaves (changes stay as a draft)",
                error=bool(self._unsaved_note),
            )
        else:
            count = sum(len(v) for v in state.errors.values())
            self.say(f"{count or 'Some'} field(s) need attention before saving.", error=True)
        self.refresh_bindings()

    async def _build(self, state: FormState) -> None:
        node: DOMNode | None = self.focused
        while node is not None and not isinstance(node, FieldEditor):
            node = node.parent
        focused_name = node.spec.name if isinstance(node, FieldEditor) else None
        await self.body.remove_children()  # the old editors' ids must be gone first
        editors = []
        for spec in state.fields:
            value = self.changes.get(spec.name, state.values.get(spec.name))
            editors.append(editor_for(spec, value, dict(state.titles), self._search))
        await self.body.mount_all(editors)
        target = focused_name or ("type" if self.is_new else "subject")
        self.call_after_refresh(self._focus_field, target)

    def _focus_field(self, name: str) -> None:
        for editor in self.body.query(FieldEditor):
            if editor.spec.name == name:
                editor.focus_input(at_end=True)
                editor.scroll_visible()
                return

    async def _search(self, href: str, text: str) -> tuple[AllowedValue, ...]:
        return await self.services.allowed_values(href, text)

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.update(Content(clean(text)))
        self.status.set_class(error, "-error")

    # editing

    @on(FieldEditor.Changed)
    def field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        base = self.base.get(event.name)
        if event.value == base or (event.value in ("", None) and base in ("", None)):
            self.changes.pop(event.name, None)  # back to what the server has
        else:
            self.changes[event.name] = event.value
        self._schedule_draft()
        if self._validate_timer is not None:
            self._validate_timer.stop()
        rebuild = event.name in REBUILD_FIELDS
        self._validate_timer = self.set_timer(
            0.05 if rebuild else VALIDATE_AFTER, lambda: self.validate(rebuild)
        )

    @work(exclusive=True, group="form-validate", exit_on_error=False)
    async def validate(self, rebuild: bool = False) -> None:
        try:
            state = await self._request_form(self.changes)
        except ServerUnreachable as error:
            if not self._unsaved_note:
                self.say(f"{error} Your changes are kept as a draft.", error=True)
            return
        except ApiError as error:
            if not self._unsaved_note:
                self.say(f"Could not check the form: {error}", error=True)
            return
        await self.show_state(state, rebuild=rebuild)

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_AFTER, self.save_draft)

    @work(group="form-draft", exit_on_error=False)
    async def save_draft(self) -> None:
        await asyncio.to_thread(self._write_draft)

    def _write_draft(self) -> None:
        if self._drafts is None or not self.changes:
            return  # drafts are deleted only after a save or an explicit discard
        subject = self.changes.get("subject", self.base.get("subject"))
        self._drafts.save(
            Draft(
                key=self.key,
                resource_href=self.work_package.href if self.work_package else None,
                project_href=self.project.href if self.project else None,
                base_lock_version=self.work_package.lock_version if self.work_package else None,
                base=dict(self.base),
                changes=dict(self.changes),
                saved_at=time.time(),
                title=str(subject or ""),
            )
        )

    # saving

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return True if self.state is not None and self.state.commit_href else None
        return True

    def on_key(self, event: events.Key) -> None:
        # ctrl+s is dimmed while the server offers no commit link; pressed anyway, it says why
        if event.key == "ctrl+s" and self.check_action("save", ()) is None:
            event.stop()
            event.prevent_default()
            self.action_save()

    def action_save(self) -> None:
        invalid = [e for e in self.body.query(FieldEditor) if e.local_error]
        if invalid:
            self.say(f"{invalid[0].spec.label}: {invalid[0].local_error}", error=True)
            invalid[0].focus_input()
            return
        if self.state is None:
            self.say(
                "The form is not loaded yet: it loads when the server answers again.", error=True
            )
            return
        if not self.state.commit_href:
            self.say(
                "The server does not accept these values yet: see the marked fields.", error=True
            )
            return
        if not self._saving:
            self.save()

    @work(exclusive=True, group="form-save", exit_on_error=False)
    async def save(self) -> None:
        assert self.state is not None
        self._saving = True
        self._unsaved_note = ""
        self.say("Saving…")
        await asyncio.to_thread(self._write_draft)  # whatever happens, the edit is on disk
        try:
            if self._answer_lost:
                # the last attempt may have reached the server: look before sending again
                already = await self.find_saved()
                if already is not None:
                    self._saving = False
                    await self.finish(already)
                    return
            saved = await self.services.save_form(self.state, self.changes)
        except UpdateConflict:
            self._saving = False
            await self.resolve_conflict()
            return
        except InvalidInput as error:
            self._saving = False
            self.show_field_errors(error)
            return
        except MissingPermission as error:
            self._saving = False
            self._not_saved(f"Not saved: {error}")
            return
        except (ServerUnreachable, ServerFailure) as error:
            self._saving = False
            self._answer_lost = isinstance(error, ServerUnreachable)
            self._not_saved(
                f"Not saved: {error} Your changes are kept; ctrl+s tries again "
                "(optui checks first that nothing was saved twice)."
            )
            return
        except ApiError as error:
            self._saving = False
            self._not_saved(f"Not saved: {error}")
            return
        self._saving = False
        await self.finish(saved)

    def _not_saved(self, text: str) -> None:
        self._unsaved_note = text
        self.say(text, error=True)

    async def finish(self, saved: WorkPackage) -> None:
        await asyncio.to_thread(self._drafts_delete, self.key)
        self.changes.clear()
        self._answer_lost = False
        self.notify(f"Saved {saved.display_id} {one_line(saved.subject)}", markup=False)
        self.dismiss_to(saved)

    async def find_saved(self) -> WorkPackage | None:
        """After a lost answer: the work package as saved by that attempt, if it was."""
        if self.work_package is not None:
            current = await self.services.reload_work_package(self.work_package.href)
            moved = (current.lock_version or 0) > (self.work_package.lock_version or 0)
            fresh = await self.services.edit_form(current.href, current.lock_version, {})
            mine = all(fresh.values.get(k) == v for k, v in self.changes.items())
            return current if moved and mine else None
        subject = str(self.changes.get("subject") or "")
        if not subject or self.project is None:
            return None
        recent = await self.services.work_packages(
            [
                {"subject": {"operator": "~", "values": [subject]}},
                {"author": {"operator": "=", "values": ["me"]}},
                {"createdAt": {"operator": ">t-", "values": ["1"]}},
            ],
            path=f"{self.project.href}/work_packages",
            force=True,
        )
        for resource in recent:
            if resource.text("subject") == subject:
                return WorkPackage.from_hal(resource)
        return None

    def show_field_errors(self, error: InvalidInput) -> None:
        by_field: dict[str, list[str]] = {}
        for item in error.errors:
            by_field.setdefault((item.attribute or "").lower(), []).append(item.message)
        first = None
        for editor in self.body.query(FieldEditor):
            messages = by_field.pop(editor.spec.name.lower(), [])
            editor.show_errors(messages)
            if messages and first is None:
                first = editor
        rest = [m for messages in by_field.values() for m in messages]
        self.say(" ".join(rest) or "Not saved: see the marked fields.", error=True)
        if first is not None:
            first.focus_input()

    async def resolve_conflict(self) -> None:
        """409: someone saved first. Show both sides per field; save again with the new lock."""
        assert self.work_package is not None
        try:
            current = await self.services.reload_work_package(self.work_package.href)
            fresh = await self.services.edit_form(current.href, current.lock_version, {})
        except ApiError as error:
            self.say(
                f"Someone else changed this work package, and reloading it failed: "
                f"{error} Your changes are kept.",
                error=True,
            )
            return
        merged, conflicts = three_way(self.base, fresh.values, self.changes)
        if conflicts:
            choice = await self.app.push_screen_wait(
                ConflictScreen(conflicts, fresh, self.changes, self.base)
            )
            if choice is None:
                self.say(
                    "Not saved: the conflict is still open. Your changes are kept.", error=True
                )
                return
            merged.update(choice)
        self.work_package = current
        self.base = dict(fresh.values)
        self.changes = {k: v for k, v in merged.items() if fresh.values.get(k) != v}
        if not self.changes:  # everything the user wanted is already on the server
            await self.finish(current)
            return
        state = await self._request_form(self.changes)
        await self.show_state(state, rebuild=True)
        if state.commit_href:
            self.save()

    def dismiss_to(self, saved: WorkPackage) -> None:
        self.app.pop_screen()
        if self.is_new:
            self.optui.open_work_package(saved.href)

    def action_leave(self) -> None:
        if self.changes:
            self._write_draft()
            self.notify(
                "Your changes are kept as a draft; open the form again to restore them.",
                markup=False,
            )
        self.app.pop_screen()


def three_way(
    base: dict[str, Value], server: dict[str, Value], mine: dict[str, Value]
) -> tuple[dict[str, Value], dict[str, tuple[Value, Value]]]:
    """Merge my changes onto the server's values: fields only I changed keep mine, fields only
    the server changed take the server's, fields both changed differently are conflicts
    (name -> (mine, server's))."""
    merged: dict[str, Value] = {}
    conflicts: dict[str, tuple[Value, Value]] = {}
    for name, value in mine.items():
        theirs = server.get(name)
        if theirs == base.get(name) or theirs == value:
            merged[name] = value
        else:
            conflicts[name] = (value, theirs)
    return merged, conflicts
