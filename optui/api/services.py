"""Task-level operations the UI calls; they go through the cache, never straight to HTTP.

Reads come as "streams": the cached snapshot at once (memory or disk, marked stale), then the
fresh one from the server (stale-while-revalidate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from optui.api.boards import BoardServices
from optui.api.cache import LONG_TTL, SHORT_TTL, ApiCache
from optui.api.client import OpenProjectClient
from optui.api.collaboration import CollaborationServices
from optui.api.editing import EditingServices
from optui.api.hal import Resource
from optui.api.inbox import InboxServices
from optui.api.models import Project, User
from optui.api.time_entries import TimeServices

T = TypeVar("T")
PROJECTS_PATH = "/api/v3/projects"
WORK_PACKAGES_PATH = "/api/v3/work_packages"
FULL_REFRESH_AFTER = 600.0
"""Seconds after which a list is fetched whole again rather than incrementally."""
CLOCK_SKEW = 5.0
"""Seconds of overlap when asking for changes, for clocks that disagree a little."""
ME_PATH = "/api/v3/users/me"


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """What a stream yields: a value, whether it awaits revalidation, and when it was fetched."""

    value: T
    stale: bool
    saved_at: float
    """Wall-clock time of the server answer this value comes from."""


class Services(BoardServices, EditingServices, CollaborationServices, InboxServices, TimeServices):
    """The one object screens use for server data."""

    def __init__(self, client: OpenProjectClient, cache: ApiCache | None = None) -> None:
        self.client = client
        self.cache = cache or ApiCache()

    @property
    def base_url(self) -> str:
        return self.client.base_url

    async def _stream(
        self,
        key: str,
        fetch: Callable[[], Awaitable[Any]],
        parse: Callable[[Any], T],
        *,
        ttl: float,
        force: bool = False,
    ) -> AsyncIterator[Snapshot[T]]:
        entry = await self.cache.read(key)
        if entry is not None:
            fresh = self.cache.is_fresh(entry, ttl) and not force
            yield Snapshot(parse(entry.value), stale=not fresh, saved_at=entry.saved_at)
            if fresh:
                return
        value = await self.cache.get(key, fetch, ttl=ttl, force=True)
        saved = self.cache.peek(key)
        # offline, the cache answers with the last known data: still stale
        stale = saved is None or not self.cache.is_fresh(saved, ttl)
        yield Snapshot(parse(value), stale=stale, saved_at=saved.saved_at if saved else 0.0)

    # the current user

    async def me(self) -> User:
        key = ApiCache.key(ME_PATH)

        async def fetch() -> Any:
            return (await self.client.get(ME_PATH)).data

        body = await self.cache.get(key, fetch, ttl=LONG_TTL)
        user = User.from_hal(Resource(body))
        if self.cache.disk is not None:
            self.cache.disk.check_user(user.href)
        return user

    def peek_me(self) -> User | None:
        entry = self.cache.peek(ApiCache.key(ME_PATH))
        return None if entry is None else User.from_hal(Resource(entry.value))

    async def cached_me(self) -> User | None:
        entry = await self.cache.read(ApiCache.key(ME_PATH))
        return None if entry is None else User.from_hal(Resource(entry.value))

    # projects

    def _projects_key(self) -> str:
        return ApiCache.key(PROJECTS_PATH, {"filters": []})

    @staticmethod
    def _parse_projects(value: Any) -> tuple[Project, ...]:
        items = value if isinstance(value, list) else []
        return tuple(Project.from_hal(Resource(item)) for item in items if isinstance(item, dict))

    async def _fetch_projects(self) -> list[Any]:
        # filters=[] asks for every project the user can see, archived ones included
        found = await self.client.fetch_all(PROJECTS_PATH, {"filters": []})
        return [resource.data for resource in found]

    def peek_projects(self) -> tuple[Project, ...] | None:
        entry = self.cache.peek(self._projects_key())
        return None if entry is None else self._parse_projects(entry.value)

    async def projects(self, *, force: bool = False) -> tuple[Project, ...]:
        """Every visible project, archived ones included (the tree hides them on request)."""
        value = await self.cache.get(
            self._projects_key(), self._fetch_projects, ttl=SHORT_TTL, force=force
        )
        return self._parse_projects(value)

    def stream_projects(
        self, *, force: bool = False
    ) -> AsyncIterator[Snapshot[tuple[Project, ...]]]:
        """The cached projects at once (marked stale), then the fresh ones."""
        return self._stream(
            self._projects_key(),
            self._fetch_projects,
            self._parse_projects,
            ttl=SHORT_TTL,
            force=force,
        )

    # work package lists: fetched whole, refreshed incrementally by `updatedAt`

    @staticmethod
    def _work_packages_key(path: str, filters: list[Any]) -> str:
        return ApiCache.key(path, {"filters": filters})

    async def work_packages(
        self, filters: list[Any], *, path: str = WORK_PACKAGES_PATH, force: bool = False
    ) -> list[Resource]:
        """Every work package matching `filters` (`[]` means all, not the open-only default)."""
        key = self._work_packages_key(path, filters)

        async def fetch() -> list[Any]:
            found = await self.client.fetch_all(path, {"filters": filters})
            return [resource.data for resource in found]

        value = await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force)
        return [Resource(item) for item in value if isinstance(item, dict)]

    async def refresh_work_packages(
        self, filters: list[Any], *, path: str = WORK_PACKAGES_PATH
    ) -> list[Resource]:
        """Refresh a cached list by asking only for what changed since it was fetched.

        `updatedAt` cannot see deletions, moves or lost permissions: a count request checks
        the total, and a mismatch (or an old list) falls back to a full fetch.
        """
        key = self._work_packages_key(path, filters)
        entry = await self.cache.read(key)
        if entry is None or self.cache.age(key) > FULL_REFRESH_AFTER:
            return await self.work_packages(filters, path=path, force=True)
        since = dt.datetime.fromtimestamp(entry.saved_at - CLOCK_SKEW, dt.UTC)
        window = {"updatedAt": {"operator": "<>d", "values": [since.isoformat(), ""]}}
        changed = await self.client.fetch_all(path, {"filters": [*filters, window]})
        count = await self.client.get_page(path, {"filters": filters}, page_size=1)
        merged: list[Any] = list(entry.value)
        known = {Resource(item).self_href for item in merged if isinstance(item, dict)}
        merged += [r.data for r in changed if r.self_href not in known]
        for resource in changed:
            self.cache.put_resource(dict(resource.data))
        if count.integer("total") != len(merged):
            return await self.work_packages(filters, path=path, force=True)
        self.cache.put(key, merged)
        refreshed = self.cache.peek(key)
        items = refreshed.value if refreshed is not None else []
        return [Resource(item) for item in items if isinstance(item, dict)]

    # writes: the answer replaces the resource, and what may contain it is marked stale

    async def update_work_package(
        self, href: str, lock_version: int, changes: dict[str, Any]
    ) -> Resource:
        """PATCH a work package with its lockVersion (sent once, never retried)."""
        answer = await self.client.write("PATCH", href, {"lockVersion": lock_version, **changes})
        if answer is None:
            raise ValueError("the server answered the update without a body")
        self.cache.put_resource(dict(answer.data))
        self._invalidate_after_work_package_change(answer)
        return answer

    def _invalidate_after_work_package_change(self, work_package: Resource) -> None:
        project = work_package.link("project")
        project_path = project.href if project and project.href else None

        def affected(key: str) -> bool:
            path = key.split("?", 1)[0]
            return (
                path in ("/api/v3/work_packages", "/api/v3/notifications")
                or (project_path is not None and path.startswith(project_path + "/"))
                or path.startswith("/api/v3/queries")
                or (work_package.self_href is not None and path.startswith(work_package.self_href))
            )

        self.cache.invalidate(affected)

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.cache.disk is not None:
            self.cache.disk.close()
