"""Task-level operations the UI calls; they go through the cache, never straight to HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from optui.api.cache import LONG_TTL, SHORT_TTL, ApiCache
from optui.api.client import OpenProjectClient
from optui.api.models import Project, User

PROJECTS_PATH = "/api/v3/projects"


@dataclass(frozen=True)
class Snapshot:
    """What a stream yields: a value and whether it still awaits revalidation."""

    value: tuple[Project, ...]
    stale: bool


class Services:
    """The one object screens use for server data."""

    def __init__(self, client: OpenProjectClient, cache: ApiCache | None = None) -> None:
        self.client = client
        self.cache = cache or ApiCache()

    @property
    def base_url(self) -> str:
        return self.client.base_url

    async def me(self) -> User:
        key = ApiCache.key("/api/v3/users/me")

        async def fetch() -> User:
            return User.from_hal(await self.client.get("/api/v3/users/me"))

        user: User = await self.cache.get(key, fetch, ttl=LONG_TTL)
        return user

    # projects

    def _projects_key(self) -> str:
        return ApiCache.key(PROJECTS_PATH, {"filters": []})

    def peek_projects(self) -> tuple[Project, ...] | None:
        entry = self.cache.peek(self._projects_key())
        return None if entry is None else tuple(entry.value)

    async def projects(self, *, force: bool = False) -> tuple[Project, ...]:
        """Every visible project, archived ones included (the tree hides them on request)."""

        async def fetch() -> tuple[Project, ...]:
            # filters=[] asks for every project the user can see, archived ones included
            found = await self.client.fetch_all(PROJECTS_PATH, {"filters": []})
            return tuple(Project.from_hal(resource) for resource in found)

        projects: tuple[Project, ...] = await self.cache.get(
            self._projects_key(), fetch, ttl=SHORT_TTL, force=force
        )
        return projects

    async def stream_projects(self, *, force: bool = False) -> AsyncIterator[Snapshot]:
        """The cached projects at once (marked stale), then the fresh ones."""
        cached = self.peek_projects()
        entry = self.cache.peek(self._projects_key())
        fresh = entry is not None and self.cache.is_fresh(entry, SHORT_TTL) and not force
        if cached is not None:
            yield Snapshot(cached, stale=not fresh)
            if fresh:
                return
        yield Snapshot(await self.projects(force=force), stale=False)

    async def aclose(self) -> None:
        await self.client.aclose()
