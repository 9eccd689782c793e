"""What the detail screen lets a user do besides reading: comment, watch, relate, delete.

Each action is offered only where the work package carries the matching action link; writes are
sent once, and a failure is said in words with the typed text kept for another try.
"""

from __future__ import annotations

from textual import work

from optui.api import ApiError
from optui.api.mentions import matching
from optui.api.models import User, WorkPackage
from optui.ui.safe import one_line
from optui.ui.screens.comment import CommentScreen, forget_comment_draft
from optui.ui.screens.confirm import ConfirmScreen
from optui.ui.screens.pickers import Choice, PickerScreen, SearchPickerScreen
from optui.ui.screens.text_prompt import TextPromptScreen
from optui.ui.screens.wp_actions import WorkPackageActions


class DetailCollaboration(WorkPackageActions):
    """Base of the detail screen: its collaboration actions."""

    href: str
    work_package: WorkPackage | None

    def load(self, force: bool = False) -> object:
        raise NotImplementedError

    def load_activity(self, force: bool = False) -> object:
        raise NotImplementedError

    def load_related(self, force: bool = False) -> object:
        raise NotImplementedError

    # collaboration: allowed only where the work package offers the action link

    def _allowed(self, link: str, what: str) -> bool:
        if self.work_package is None:
            return False
        if not self.work_package.resource.has_link(link):
            self.notify(
                f"You may not {what} on this work package.", severity="warning", markup=False
            )
            return False
        return True

    def action_comment(self) -> None:
        if self._allowed("addComment", "comment"):
            self.write_comment()

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def write_comment(self) -> None:
        assert self.work_package is not None
        title = f"Comment on {self.work_package.display_id} {one_line(self.work_package.subject)}"
        work_package = self.work_package

        async def people() -> tuple[User, ...]:
            return await self.services.mention_candidates(work_package)

        text = await self.app.push_screen_wait(
            CommentScreen(title, people=people, draft_for=self.href)
        )
        while text:
            try:
                await self.services.add_comment(self.href, text)
            except ApiError as error:
                retry = await self.app.push_screen_wait(
                    ConfirmScreen(
                        f"The comment was not posted: {error} Try again?",
                        yes="Try again",
                        no="Edit",
                    )
                )
                if not retry:
                    text = await self.app.push_screen_wait(
                        CommentScreen(title, text, people=people, draft_for=self.href)
                    )
                continue
            await forget_comment_draft(self.app, self.href)
            self.notify("Comment posted.", markup=False)
            self.load_activity(True)
            return

    def action_edit_comment(self) -> None:
        self.edit_last_comment()

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def edit_last_comment(self) -> None:
        """Edit the newest comment the user may edit (their own)."""
        try:
            activities = await self.services.activities(self.href)
        except ApiError as error:
            self.notify(f"Comments could not be loaded: {error}", severity="error", markup=False)
            return
        own = [a for a in activities if a.editable and a.comment]
        if not own:
            self.notify("You have no comment here that you may edit.", markup=False)
            return
        target = own[-1]
        work_package = self.work_package

        async def people() -> tuple[User, ...]:
            if work_package is None:
                return ()
            return await self.services.mention_candidates(work_package)

        text = await self.app.push_screen_wait(
            CommentScreen("Edit your comment", target.comment, people=people, draft_for=target.href)
        )
        if not text:
            return
        if text == target.comment:
            await forget_comment_draft(self.app, target.href)
            return
        try:
            await self.services.edit_comment(target.href, text, self.href)
        except ApiError as error:
            self.notify(f"Not changed: {error}", severity="error", markup=False)
            return
        await forget_comment_draft(self.app, target.href)
        self.notify("Comment changed.", markup=False)
        self.load_activity(True)

    def action_unrelate(self) -> None:
        self.remove_relation()

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def remove_relation(self) -> None:
        try:
            relations = await self.services.relations(self.href)
        except ApiError as error:
            self.notify(f"Relations could not be loaded: {error}", severity="error", markup=False)
            return
        if not relations:
            self.notify("This work package has no relations.", markup=False)
            return
        choices = [
            Choice(r.href, f"{r.type} {one_line(r.other_title or r.other_href)}") for r in relations
        ]
        picked = await self.app.push_screen_wait(PickerScreen("Remove which relation?", choices))
        if picked is None:
            return
        try:
            await self.services.remove_relation(picked, self.href)
        except ApiError as error:
            self.notify(f"Not removed: {error}", severity="error", markup=False)
            return
        self.notify("Relation removed.", markup=False)
        self.load_related(True)

    def action_parent(self) -> None:
        if self.work_package is not None:
            self.set_parent(self.work_package)

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def set_parent(self, work_package: WorkPackage) -> None:
        text = await self.app.push_screen_wait(
            TextPromptScreen(
                f"Parent of {work_package.display_id}",
                placeholder="#id; empty removes the parent",
                value=(work_package.parent_href or "").rsplit("/", 1)[-1],
            )
        )
        if text is None:
            return
        number = text.strip().lstrip("#")
        if number and not number.isdigit():
            self.notify(f"'{text}' is not a work package number.", severity="error", markup=False)
            return
        href = f"/api/v3/work_packages/{number}" if number else None
        try:
            saved = await self.services.quick_update(work_package, "parent", href)
        except ApiError as error:
            self.notify(f"Parent not changed: {error}", severity="error", markup=False)
            return
        self.notify("Parent changed." if href else "Parent removed.", markup=False)
        self.after_quick_edit(saved)

    def action_watch(self) -> None:
        if self.work_package is None:
            return
        resource = self.work_package.resource
        if resource.has_link("unwatch"):
            self.change_watching(False)
        elif resource.has_link("watch"):
            self.change_watching(True)
        else:
            self.notify("You may not watch this work package.", severity="warning", markup=False)

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def change_watching(self, watch: bool) -> None:
        assert self.work_package is not None
        try:
            me = await self.services.me()
            await self.services.set_watching(self.work_package, me.href, watch)
        except ApiError as error:
            self.notify(f"Not changed: {error}", severity="error", markup=False)
            return
        self.notify(
            "You watch this work package." if watch else "You no longer watch it.", markup=False
        )
        self.load(force=True)

    def action_watchers(self) -> None:
        if self.work_package is not None:
            self.manage_watchers(self.work_package)

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def manage_watchers(self, work_package: WorkPackage) -> None:
        """Add someone as a watcher, or remove one (the server says who may do which)."""
        try:
            watchers = await self.services.watchers(self.href, force=True)
        except ApiError as error:
            self.notify(f"Watchers could not be loaded: {error}", severity="error", markup=False)
            return
        choices = [Choice("+", "+ Add a watcher…")]
        choices += [Choice(user.href, f"Remove {one_line(user.name)}") for user in watchers]
        picked = await self.app.push_screen_wait(
            PickerScreen(f"Watchers of {work_package.display_id}", choices)
        )
        if picked is None:
            return
        if picked != "+":
            name = next((one_line(u.name) for u in watchers if u.href == picked), picked)
            try:
                await self.services.remove_watcher(self.href, picked)
            except ApiError as error:
                self.notify(f"{name} still watches: {error}", severity="error", markup=False)
                return
            self.notify(f"{name} no longer watches it.", markup=False)
            self.load(force=True)
            return
        href = self.href
        people: list[User] = []

        async def search(text: str) -> list[Choice]:
            if not people:
                people.extend(await self.services.available_watchers(href))
            return [
                Choice(user.href, f"{one_line(user.name)}  {user.login or ''}".rstrip())
                for user in matching(people, text)
            ]

        chosen = await self.app.push_screen_wait(
            SearchPickerScreen("Add which watcher?", search, placeholder="name or login")
        )
        if chosen is None:
            return
        name = next((one_line(u.name) for u in people if u.href == chosen), chosen)
        try:
            await self.services.add_watcher(self.href, chosen)
        except ApiError as error:
            self.notify(f"{name} was not added: {error}", severity="error", markup=False)
            return
        self.notify(f"{name} now watches it.", markup=False)
        self.load(force=True)

    def action_relate(self) -> None:
        if self._allowed("addRelation", "add relations"):
            self.add_relation()

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def add_relation(self) -> None:
        assert self.work_package is not None
        kinds = [
            "relates",
            "blocks",
            "blocked",
            "precedes",
            "follows",
            "duplicates",
            "duplicated",
            "includes",
            "partof",
            "requires",
            "required",
        ]
        kind = await self.app.push_screen_wait(
            PickerScreen("Relation", [Choice(k, k) for k in kinds])
        )
        if kind is None:
            return
        href = self.href

        async def candidates(text: str) -> list[Choice]:
            found = await self.services.relation_candidates(href, text, kind)
            return [Choice(wp.href, f"{wp.display_id} {one_line(wp.subject)}") for wp in found]

        other = await self.app.push_screen_wait(
            SearchPickerScreen(
                f"{kind}: which work package?",
                candidates,
                placeholder="#id or words of the subject",
            )
        )
        if other is None:
            return
        try:
            await self.services.add_relation(self.href, kind, other)
        except ApiError as error:
            self.notify(f"Not related: {error}", severity="error", markup=False)
            return
        self.notify(f"Relation added: {kind} #{other.rsplit('/', 1)[-1]}.", markup=False)
        self.load_related(True)

    def action_delete(self) -> None:
        if self._allowed("delete", "delete"):
            self.delete_work_package()

    @work(exclusive=True, group="detail-write", exit_on_error=False)
    async def delete_work_package(self) -> None:
        assert self.work_package is not None
        name = f"{self.work_package.display_id} {one_line(self.work_package.subject)}"
        sure = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Delete {name}? Its children and time entries go too. This cannot be undone.",
                yes="Delete",
                no="Keep",
            )
        )
        if not sure:
            return
        try:
            await self.services.delete_work_package(self.href)
        except ApiError as error:
            self.notify(f"Not deleted: {error}", severity="error", markup=False)
            return
        self.notify(f"Deleted {name}.", markup=False)
        self.app.pop_screen()
