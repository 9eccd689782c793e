"""ApiCache: memory entries by canonical URL, request coalescing, TTLs, change listeners.

The cache is the only caller of the client and services are the only callers of the cache.
`peek()` is synchronous and never waits (screens paint with it in `on_mount`); `get()` returns
a fresh entry or fetches; identical concurrent fetches share one request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from optui.api.hal import canonical

Clock = Callable[[], float]
Listener = Callable[[frozenset[str]], None]

SHORT_TTL = 30.0
"""Work packages, lists and projects: revalidate after half a minute."""
LONG_TTL = 3600.0
"""Statuses, types, priorities, configuration and schemas."""


@dataclass
class Entry:
    value: Any
    fetched_at: float


class ApiCache:
    """Memory cache of decoded values keyed by canonical URL."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._entries: dict[str, Entry] = {}
        self._in_flight: dict[str, asyncio.Task[Any]] = {}
        self._listeners: list[Listener] = []
        self._clock = clock

    @staticmethod
    def key(path: str, params: dict[str, Any] | None = None) -> str:
        return canonical(path, params)

    def peek(self, key: str) -> Entry | None:
        """The entry in memory, fresh or stale; never waits, never fetches."""
        return self._entries.get(key)

    def is_fresh(self, entry: Entry, ttl: float) -> bool:
        return self._clock() - entry.fetched_at < ttl

    def put(self, key: str, value: Any) -> None:
        self._entries[key] = Entry(value, self._clock())
        self._notify(frozenset({key}))

    async def get(
        self,
        key: str,
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl: float = SHORT_TTL,
        force: bool = False,
    ) -> Any:
        """A fresh value from memory, else the result of `fetch` (shared by concurrent callers)."""
        entry = self._entries.get(key)
        if entry is not None and not force and self.is_fresh(entry, ttl):
            return entry.value
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(key, fetch))
            self._in_flight[key] = task
        # shield: a caller that is cancelled (a replaced worker) does not cancel the others
        return await asyncio.shield(task)

    async def _fetch(self, key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        try:
            value = await fetch()
        finally:
            self._in_flight.pop(key, None)
        self.put(key, value)
        return value

    def invalidate(self, predicate: Callable[[str], bool]) -> None:
        """Mark matching entries stale (they stay for painting until refetched)."""
        changed = set()
        for key, entry in self._entries.items():
            if predicate(key):
                entry.fetched_at = float("-inf")
                changed.add(key)
        if changed:
            self._notify(frozenset(changed))

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, keys: frozenset[str]) -> None:
        for listener in list(self._listeners):
            listener(keys)
