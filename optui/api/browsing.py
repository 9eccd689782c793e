"""Services for browsing work packages: paged lists, one work package and what hangs off it,
saved views, "my work" and the unread count.

Lists are read a page at a time (offset is a page number) so that a list of 10,000 work
packages paints its first rows after one small request; the table asks for other pages as they
come into view. Everything goes through the cache: pages and resources are shared.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from optui.api import filters
from optui.api.cache import LONG_TTL, SHORT_TTL, ApiCache, Entry
from optui.api.client import OpenProjectClient
from optui.api.errors import InvalidInput, MissingPermission, NotFound, ProtocolError
from optui.api.hal import Resource, int_id
from optui.api.models import Activity, Relation, SavedView, User, WorkPackage

WORK_PACKAGES_PATH = "/api/v3/work_packages"
PAGE_SIZE = 100
"""Rows per page of a list: small enough to paint at once, large enough to scroll."""
OPEN = {"status": {"operator": "o", "values": []}}
"""OpenProject's default filter, sent explicitly: lists never rely on server defaults."""
MY_ASSIGNED = [OPEN, {"assignee": {"operator": "=", "values": ["me"]}}]
MY_WATCHED = [OPEN, {"watcher": {"operator": "=", "values": ["me"]}}]
UNREAD_PARAMS: dict[str, Any] = {
    "filters": [{"readIAN": {"operator": "=", "values": ["f"]}}],
    "pageSize": 1,
}
"""The unread badge: a one-element page, only `total` is read."""


@dataclass(frozen=True)
class ListSpec:
    """What a work package list shows: where, which filters, in what order, grouped how."""

    path: str = WORK_PACKAGES_PATH
    filters_json: str = json.dumps([OPEN])
    """The filters JSON array, as a string (hashable); `[]` means every work package."""
    sort_by: tuple[tuple[str, str], ...] = (("id", "desc"),)
    group_by: str | None = None
    title: str = "Work packages"

    @property
    def filters(self) -> list[Any]:
        loaded = json.loads(self.filters_json)
        return loaded if isinstance(loaded, list) else []

    def with_filters(self, filters: list[Any]) -> ListSpec:
        return ListSpec(self.path, json.dumps(filters), self.sort_by, self.group_by, self.title)

    def with_sort(self, column: str, direction: str) -> ListSpec:
        return ListSpec(
            self.path, self.filters_json, ((column, direction),), self.group_by, self.title
        )

    def with_group(self, group_by: str | None) -> ListSpec:
        return ListSpec(self.path, self.filters_json, self.sort_by, group_by, self.title)

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "filters": self.filters_json,
            "sortBy": json.dumps([list(pair) for pair in self.sort_by]),
        }
        if self.group_by:
            params["groupBy"] = self.group_by
        return params

    @staticmethod
    def for_project(project_href: str, title: str) -> ListSpec:
        return ListSpec(path=f"{project_href}/work_packages", title=title)


@dataclass(frozen=True)
class Group:
    """A group of a grouped list, counted by the server over every match."""

    value: str
    count: int
    href: str | None


@dataclass(frozen=True)
class ListPage:
    """One page of a list: `offset` is the 1-based page number."""

    items: tuple[WorkPackage, ...]
    total: int
    offset: int
    page_size: int
    groups: tuple[Group, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.page_size else 1


def _groups(resource: Resource) -> tuple[Group, ...]:
    raw = resource.get("groups")
    found: list[Group] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        group = Resource(item)
        links = group.links("valueLink")
        found.append(
            Group(
                value=group.text("value") or "(none)",
                count=group.integer("count") or 0,
                href=links[0].href if links else None,
            )
        )
    return tuple(found)


def _page_from(value: Any, offset: int) -> ListPage:
    resource = Resource(value if isinstance(value, dict) else {})
    items = tuple(WorkPackage.from_hal(element) for element in resource.elements())
    return ListPage(
        items=items,
        total=resource.integer("total") or 0,
        offset=resource.integer("offset") or offset,
        page_size=resource.integer("pageSize") or PAGE_SIZE,
        groups=_groups(resource),
    )


@dataclass
class MyWork:
    """What the "My work" screen shows."""

    assigned: tuple[WorkPackage, ...]
    watched: tuple[WorkPackage, ...]
    unread: int | None
    widgets: tuple[str, ...] = field(default=())
    """My page's widget identifiers in the user's order, where the server has a My page."""


class BrowsingServices:
    """Mixed into `Services`: needs `client` and `cache`."""

    client: OpenProjectClient
    cache: ApiCache

    # lists

    def _page_key(self, spec: ListSpec, offset: int, page_size: int) -> str:
        return ApiCache.key(spec.path, {**spec.params(), "offset": offset, "pageSize": page_size})

    def peek_page(self, spec: ListSpec, offset: int, page_size: int = PAGE_SIZE) -> ListPage | None:
        entry = self.cache.peek(self._page_key(spec, offset, page_size))
        return None if entry is None else _page_from(entry.value, offset)

    async def page(
        self, spec: ListSpec, offset: int, page_size: int = PAGE_SIZE, *, force: bool = False
    ) -> ListPage:
        """One page of a list (a fresh cached copy is served without a request)."""
        key = self._page_key(spec, offset, page_size)

        async def fetch() -> Any:
            params = {**spec.params(), "offset": offset, "pageSize": page_size}
            return (await self.client.get(spec.path, params)).data

        return _page_from(await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force), offset)

    async def cached_page(self, spec: ListSpec, offset: int = 1) -> ListPage | None:
        """A page from memory or disk, without the network (a warm start paints with it)."""
        entry = await self.cache.read(self._page_key(spec, offset, PAGE_SIZE))
        return None if entry is None else _page_from(entry.value, offset)

    async def all_pages(self, spec: ListSpec) -> ListPage:
        """Every element of a list (for grouping and small lists), in ceil(N/1000) requests."""
        key = ApiCache.key(spec.path, {**spec.params(), "all": "1"})

        async def fetch() -> Any:
            first, elements = await self.client.fetch_collection(spec.path, spec.params())
            body = dict(first.data)
            body["_embedded"] = {"elements": [element.data for element in elements]}
            body["pageSize"], body["offset"] = max(len(elements), 1), 1
            return body

        return _page_from(await self.cache.get(key, fetch, ttl=SHORT_TTL), 1)

    def invalidate_list(self, spec: ListSpec) -> None:
        prefix = spec.path + "?"
        self.cache.invalidate(lambda key: key.startswith(prefix) or key == spec.path)

    # one work package

    def peek_work_package(self, href: str) -> WorkPackage | None:
        body = self.cache.resource(href)
        return None if body is None else WorkPackage.from_hal(Resource(body))

    async def stream_work_package(
        self, href: str, *, force: bool = False
    ) -> AsyncIterator[WorkPackage]:
        """The copy in memory (from a list or an earlier visit) at once, then the server's."""
        known = self.peek_work_package(href)
        if known is not None:
            yield known
        entry = self.cache.peek(ApiCache.key(href))
        if (
            known is not None
            and entry is not None
            and self.cache.is_fresh(entry, SHORT_TTL)
            and (not force)
        ):
            return

        async def fetch() -> Any:
            return (await self.client.get(href)).data

        body = await self.cache.get(ApiCache.key(href), fetch, ttl=SHORT_TTL, force=True)
        yield WorkPackage.from_hal(Resource(body))

    async def reload_work_package(self, href: str) -> WorkPackage:
        """The server's current copy (after a conflict), never a cached one."""

        async def fetch() -> Any:
            return (await self.client.get(href)).data

        body = await self.cache.get(ApiCache.key(href), fetch, ttl=SHORT_TTL, force=True)
        return WorkPackage.from_hal(Resource(body))

    async def _collection(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        ttl: float = SHORT_TTL,
        force: bool = False,
    ) -> list[Resource]:
        key = ApiCache.key(path, params)

        async def fetch() -> Any:
            return [r.data for r in await self.client.fetch_all(path, params)]

        value = await self.cache.get(key, fetch, ttl=ttl, force=force)
        return [Resource(item) for item in value if isinstance(item, dict)]

    async def activities(self, href: str, *, force: bool = False) -> tuple[Activity, ...]:
        found = await self._collection(f"{href}/activities", force=force)
        return tuple(Activity.from_hal(item) for item in found)

    async def relations(self, href: str, *, force: bool = False) -> tuple[Relation, ...]:
        wp_id = int_id(href)
        involved = [{"involved": {"operator": "=", "values": [str(wp_id)]}}]
        found = await self._collection("/api/v3/relations", {"filters": involved}, force=force)
        return tuple(Relation.from_hal(item, href) for item in found)

    async def children(self, href: str, *, force: bool = False) -> tuple[WorkPackage, ...]:
        wp_id = int_id(href)
        filters = [{"parent": {"operator": "=", "values": [str(wp_id)]}}]
        found = await self._collection(WORK_PACKAGES_PATH, {"filters": filters}, force=force)
        return tuple(WorkPackage.from_hal(item) for item in found)

    async def watchers(self, href: str, *, force: bool = False) -> tuple[User, ...]:
        found = await self._collection(f"{href}/watchers", force=force)
        return tuple(User.from_hal(item) for item in found)

    async def schema(self, href: str) -> Resource:
        """A standalone schema (field names and types; no allowed values)."""

        async def fetch() -> Any:
            return (await self.client.get(href)).data

        return Resource(await self.cache.get(ApiCache.key(href), fetch, ttl=LONG_TTL))

    # the filter bar's values

    async def filter_catalog(self) -> filters.FilterCatalog:
        """The filter fields with their values from the server (statuses, types, people…)."""
        catalog = filters.default_catalog()
        sources: dict[str, tuple[str, dict[str, Any] | None]] = {
            "status": ("/api/v3/statuses", None),
            "type": ("/api/v3/types", None),
            "priority": ("/api/v3/priorities", None),
            "version": ("/api/v3/versions", None),
            "project": ("/api/v3/projects", {"filters": []}),
        }
        for name, (path, params) in sources.items():
            found = await self._collection(path, params, ttl=LONG_TTL)
            options = [
                filters.Option(str(item.integer("id") or ""), item.text("name"))
                for item in found
                if item.integer("id") is not None
            ]
            catalog = catalog.with_options(name, options)
        people = await self._collection(
            "/api/v3/principals",
            {"filters": [{"type": {"operator": "=", "values": ["User"]}}]},
            ttl=LONG_TTL,
        )
        options = [
            filters.Option(str(p.integer("id")), p.text("name"))
            for p in people
            if p.integer("id") is not None
        ]
        for name in ("assignee", "responsible", "author", "watcher"):
            catalog = catalog.with_options(name, options)
        return catalog

    # saved views

    async def saved_views(self, project_id: int | None) -> tuple[SavedView, ...]:
        """The user's and public saved views of a project (or the global ones), boards left out."""
        scope = (
            {"project": {"operator": "=", "values": [str(project_id)]}}
            if project_id is not None
            else {"project": {"operator": "!*", "values": []}}
        )
        found = await self._collection("/api/v3/queries", {"filters": [scope]}, ttl=LONG_TTL)
        views = [SavedView.from_hal(item) for item in found if not item.flag("hidden")]
        return tuple(views)

    # my work

    def _my_work_keys(self) -> list[str]:
        return [
            ApiCache.key(WORK_PACKAGES_PATH, {"filters": MY_ASSIGNED}),
            ApiCache.key(WORK_PACKAGES_PATH, {"filters": MY_WATCHED}),
            ApiCache.key("/api/v3/notifications", UNREAD_PARAMS),
        ]

    def preload_my_work(self) -> None:
        """Start reading My work from disk now (start-up, before the UI is built)."""
        if self.cache.disk is not None:
            self.cache.disk.preload(self._my_work_keys())

    async def my_work_preloaded(self, at_most: float) -> None:
        """Wait (at most `at_most` seconds) for the disk reads `preload_my_work()` started."""
        if self.cache.disk is not None:
            await self.cache.disk.preload_done(self._my_work_keys(), at_most)

    def peek_my_work(self) -> MyWork | None:
        """My work from memory or a finished preload, without waiting; None if not there yet."""
        entries = []
        for key in self._my_work_keys():
            done, entry = self.cache.peek_loaded(key)
            if not done:
                return None
            entries.append(entry)
        return _cached_my_work(*entries)

    async def cached_my_work(self) -> MyWork | None:
        """My work from memory or disk only: painted at once, then `my_work()` refreshes it."""
        return _cached_my_work(*[await self.cache.read(key) for key in self._my_work_keys()])

    async def my_work(self, *, force: bool = False) -> MyWork:
        """Assigned, watched, the unread count and the My page layout: four requests, sent
        together (one round trip of waiting, not four)."""
        assigned, watched, unread, widgets = await asyncio.gather(
            self._collection(WORK_PACKAGES_PATH, {"filters": MY_ASSIGNED}, force=force),
            self._collection(WORK_PACKAGES_PATH, {"filters": MY_WATCHED}, force=force),
            self.unread_count(force=force),
            self.my_page_widgets(),
        )
        mine = {item.self_href for item in assigned}
        return MyWork(
            assigned=tuple(WorkPackage.from_hal(item) for item in assigned),
            watched=tuple(
                WorkPackage.from_hal(item) for item in watched if item.self_href not in mine
            ),
            unread=unread,
            widgets=widgets,
        )

    async def unread_count(self, *, force: bool = False) -> int | None:
        """Unread notifications (a one-element page: only `total` is read)."""
        key = ApiCache.key("/api/v3/notifications", UNREAD_PARAMS)

        async def fetch() -> Any:
            return (await self.client.get("/api/v3/notifications", UNREAD_PARAMS)).data

        body = await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force, partial=True)
        return Resource(body).integer("total")

    async def my_page_widgets(self) -> tuple[str, ...]:
        """The My page's widgets in reading order; () where the server has no such grid or
        does not let this user read it (the order is a nicety, never a reason to fail)."""
        scope = [{"scope": {"operator": "=", "values": ["/my/page"]}}]
        try:
            found = await self._collection("/api/v3/grids", {"filters": scope}, ttl=LONG_TTL)
        except (NotFound, MissingPermission, InvalidInput, ProtocolError):
            return ()
        if not found:
            return ()
        widgets = found[0].get("widgets")
        ordered = sorted(
            (w for w in widgets if isinstance(w, dict)) if isinstance(widgets, list) else [],
            key=lambda w: (w.get("startRow", 0), w.get("startColumn", 0)),
        )
        return tuple(str(w.get("identifier")) for w in ordered)


def _cached_my_work(
    assigned_entry: Entry | None, watched_entry: Entry | None, unread: Entry | None
) -> MyWork | None:
    if assigned_entry is None or watched_entry is None:
        return None
    assigned, watched = (
        [Resource(item) for item in entry.value if isinstance(item, dict)]
        for entry in (assigned_entry, watched_entry)
    )
    mine = {item.self_href for item in assigned}
    return MyWork(
        assigned=tuple(WorkPackage.from_hal(item) for item in assigned),
        watched=tuple(WorkPackage.from_hal(item) for item in watched if item.self_href not in mine),
        unread=Resource(unread.value).integer("total") if unread else None,
    )
