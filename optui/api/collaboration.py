"""Comments, watching, relations and deletion of a work package (writes, never retried)."""

from __future__ import annotations

from typing import Any

from optui.api.cache import ApiCache
from optui.api.client import OpenProjectClient
from optui.api.errors import MissingPermission, NotFound
from optui.api.hal import int_id
from optui.api.models import User, WorkPackage

WP_LISTS = "/api/v3/work_packages?"


class CollaborationServices:
    """Mixed into `Services`: needs `client` and `cache`."""

    client: OpenProjectClient
    cache: ApiCache

    def _forget(self, *prefixes: str) -> None:
        self.cache.invalidate(lambda key: key.startswith(prefixes))

    async def add_comment(self, href: str, text: str) -> None:
        """Post a markdown comment (the work package's `addComment` link must be there)."""
        await self.client.write("POST", f"{href}/activities", {"comment": {"raw": text}})
        self._forget(f"{href}/activities", href)

    async def edit_comment(self, activity_href: str, text: str, work_package_href: str) -> None:
        await self.client.write("PATCH", activity_href, {"comment": {"raw": text}})
        self._forget(f"{work_package_href}/activities")

    async def set_watching(self, work_package: WorkPackage, me_href: str, watch: bool) -> None:
        """Watch or stop watching (top-level `user` in the body, as the API wants it)."""
        if watch:
            await self.add_watcher(work_package.href, me_href)
        else:
            await self.remove_watcher(work_package.href, me_href)

    async def add_watcher(self, href: str, user_href: str) -> None:
        await self.client.write("POST", f"{href}/watchers", {"user": {"href": user_href}})
        self._forget(f"{href}/watchers", f"{href}/available_watchers", href, WP_LISTS)

    async def remove_watcher(self, href: str, user_href: str) -> None:
        await self.client.write("DELETE", f"{href}/watchers/{int_id(user_href)}")
        self._forget(f"{href}/watchers", f"{href}/available_watchers", href, WP_LISTS)

    async def available_watchers(self, href: str) -> tuple[User, ...]:
        """Who may be added as a watcher (the API leaves out who already watches)."""
        found = await self.client.fetch_all(f"{href}/available_watchers")
        return tuple(User.from_hal(item) for item in found)

    async def mention_candidates(self, work_package: WorkPackage) -> tuple[User, ...]:
        """People a comment may mention: who watches it and who may watch it; where adding
        watchers is not allowed, the project's possible assignees instead."""
        href = work_package.href
        people: list[User] = []
        for path in (f"{href}/watchers", f"{href}/available_watchers"):
            try:
                people += [User.from_hal(r) for r in await self.client.fetch_all(path)]
            except (MissingPermission, NotFound):
                continue
        if not people and work_package.project_href:
            path = f"{work_package.project_href}/available_assignees"
            try:
                people = [User.from_hal(r) for r in await self.client.fetch_all(path)]
            except (MissingPermission, NotFound):
                people = []
        unique = {user.href: user for user in people if user.id is not None}
        return tuple(sorted(unique.values(), key=lambda user: user.name.casefold()))

    async def relation_candidates(
        self, href: str, text: str, kind: str, size: int = 10
    ) -> tuple[WorkPackage, ...]:
        """Work packages that `href` may get a `kind` relation to, matching `text` (id or
        subject), from the server's own candidate search."""
        params = {"query": text, "type": kind, "pageSize": size}
        page = await self.client.get(f"{href}/available_relation_candidates", params)
        return tuple(WorkPackage.from_hal(item) for item in page.elements())

    async def add_relation(self, href: str, kind: str, other_href: str) -> None:
        body: dict[str, Any] = {"type": kind, "_links": {"to": {"href": other_href}}}
        await self.client.write("POST", f"{href}/relations", body)
        self._forget("/api/v3/relations", href)

    async def remove_relation(self, relation_href: str, work_package_href: str) -> None:
        await self.client.write("DELETE", relation_href)
        self._forget("/api/v3/relations", work_package_href)

    async def delete_work_package(self, href: str) -> None:
        """Delete (its children and time entries go too); lists that held it are marked stale."""
        await self.client.write("DELETE", href)
        self.cache.resources.pop(href, None)
        self._forget(href, "/api/v3/work_packages", "/api/v3/projects/", "/api/v3/queries")
