"""Comments, watching, relations and deletion of a work package (writes, never retried)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from optui.api.cache import ApiCache
from optui.api.client import OpenProjectClient
from optui.api.hal import int_id

if TYPE_CHECKING:
    from optui.api.models import WorkPackage


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
        href = work_package.href
        if watch:
            await self.client.write("POST", f"{href}/watchers", {"user": {"href": me_href}})
        else:
            await self.client.write("DELETE", f"{href}/watchers/{int_id(me_href)}")
        self._forget(f"{href}/watchers", href, "/api/v3/work_packages?")

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
