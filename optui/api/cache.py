"""ApiCache: memory entries by canonical URL, coalescing, TTLs, an identity map, the disk.

The cache is the only caller of the client and services are the only callers of the cache.
- `peek()` is synchronous and memory-only (screens paint with it in `on_mount`);
  `read()` adds the disk (in its thread); `get()` returns a fresh entry or fetches.
- Identical concurrent fetches share one task; a cancelled caller does not cancel the others.
- Identity map: every complete HAL object (`_type` + `_links.self`) in a response is kept once by
  href; collections keep member hrefs, so an object updated anywhere reads the same everywhere.
  When two copies meet, the higher `lockVersion` (else the later `updatedAt`) wins.
- Listeners hear the set of keys and hrefs that changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from optui.api.client import observe
from optui.api.disk_cache import DiskCache
from optui.api.errors import ServerUnreachable
from optui.api.hal import canonical

Clock = Callable[[], float]
Listener = Callable[[frozenset[str]], None]
Json = dict[str, Any]

SHORT_TTL = 30.0
"""Work packages, lists and projects: revalidate after half a minute."""
LONG_TTL = 3600.0
"""Statuses, types, priorities, configuration and schemas."""
REF = "_ref"
"""Marks a collection member kept in the identity map: `{"_ref": href}`."""


@dataclass
class Entry:
    """A cached body; `fetched_at` is monotonic (TTLs), `saved_at` wall-clock (data age)."""

    value: Any
    fetched_at: float
    saved_at: float


def _self_href(item: Mapping[str, Any]) -> str | None:
    links = item.get("_links")
    if not isinstance(links, Mapping) or not isinstance(item.get("_type"), str):
        return None
    self_link = links.get("self")
    href = self_link.get("href") if isinstance(self_link, Mapping) else None
    return href if isinstance(href, str) else None


def _newer(candidate: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether `candidate` should replace `current` in the identity map."""
    new_lock, old_lock = candidate.get("lockVersion"), current.get("lockVersion")
    if isinstance(new_lock, int) and isinstance(old_lock, int) and new_lock != old_lock:
        return new_lock > old_lock
    new_time, old_time = candidate.get("updatedAt"), current.get("updatedAt")
    if isinstance(new_time, str) and isinstance(old_time, str) and new_time != old_time:
        return new_time > old_time
    return True  # same version: the later fetch wins


class ApiCache:
    """Memory (and optionally disk) cache of response bodies keyed by canonical URL."""

    def __init__(
        self,
        disk: DiskCache | None = None,
        *,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self.disk = disk
        self._entries: dict[str, Entry] = {}
        self.resources: dict[str, Json] = {}
        """The identity map: complete HAL objects by self href."""
        self._in_flight: dict[str, asyncio.Task[Any]] = {}
        self._listeners: list[Listener] = []
        self._stale_listeners: list[Callable[[float], None]] = []
        self._clock = clock
        self._wall_clock = wall_clock

    @staticmethod
    def key(path: str, params: Mapping[str, Any] | None = None) -> str:
        return canonical(path, params)

    # reading

    def peek(self, key: str) -> Entry | None:
        """The entry in memory, fresh or stale; never waits, never fetches."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        return Entry(self._hydrate(entry.value), entry.fetched_at, entry.saved_at)

    async def read(self, key: str) -> Entry | None:
        """Memory, else the disk (read in the disk thread); never the network."""
        found = self.peek(key)
        if found is not None or self.disk is None:
            return found
        return self._from_disk(key, await self.disk.read(key))

    def peek_loaded(self, key: str) -> tuple[bool, Entry | None]:
        """Like `read()` but never waits: (True, entry or None) when memory has the key or
        the disk's preload of it has finished; (False, None) while the disk is still reading."""
        found = self.peek(key)
        if found is not None or self.disk is None:
            return True, found
        done, stored = self.disk.preloaded(key)
        return done, self._from_disk(key, stored) if done else None

    def _from_disk(self, key: str, stored: tuple[Any, float] | None) -> Entry | None:
        if stored is None:
            return None
        body, saved_at = stored
        # from disk: usable at once, but stale until revalidated
        self._entries[key] = Entry(self._normalise(body), float("-inf"), saved_at)
        return self.peek(key)

    def age(self, key: str) -> float:
        """Seconds since the entry was fetched from the server (infinite if unknown)."""
        entry = self._entries.get(key)
        if entry is None:
            return float("inf")
        return self._wall_clock() - entry.saved_at

    def is_fresh(self, entry: Entry, ttl: float) -> bool:
        return self._clock() - entry.fetched_at < ttl

    def resource(self, href: str) -> Json | None:
        return self.resources.get(href)

    async def get(
        self,
        key: str,
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl: float = SHORT_TTL,
        force: bool = False,
        partial: bool = False,
    ) -> Any:
        """A fresh body from memory, else `fetch()`'s (shared by concurrent callers).

        `partial` bodies (fetched with `select`) stay out of the identity map.
        """
        entry = self._entries.get(key)
        if entry is not None and not force and self.is_fresh(entry, ttl):
            return self._hydrate(entry.value)
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(key, fetch, partial))
            # every caller may be gone (a screen closed, the app quitting) when it fails: its
            # error is theirs, not a "Task exception was never retrieved" on the terminal
            task.add_done_callback(observe)
            self._in_flight[key] = task
        try:
            # shield: a caller that is cancelled (a replaced worker) does not cancel the others
            return await asyncio.shield(task)
        except ServerUnreachable:
            # offline: the last known data (memory or disk) rather than nothing
            stale = await self.read(key)
            if stale is None:
                raise
            for listener in list(self._stale_listeners):
                listener(stale.saved_at)
            return stale.value

    async def _fetch(self, key: str, fetch: Callable[[], Awaitable[Any]], partial: bool) -> Any:
        try:
            value = await fetch()
        finally:
            self._in_flight.pop(key, None)
        self.put(key, value, partial=partial)
        return self._hydrate(self._entries[key].value)

    # writing

    def put(self, key: str, value: Any, *, partial: bool = False) -> None:
        """Store a body (and every complete object in it) and tell the listeners."""
        changed: set[str] = {key}
        stored = value if partial else self._normalise(value, changed)
        now = self._wall_clock()
        self._entries[key] = Entry(stored, self._clock(), now)
        if self.disk is not None:
            self.disk.write(key, self._hydrate(stored), now)
        self._notify(frozenset(changed))

    def put_resource(self, body: Json) -> str | None:
        """Store one object from a write's answer; returns its href."""
        changed: set[str] = set()
        self._absorb(body, changed)
        self._notify(frozenset(changed))
        return _self_href(body)

    def invalidate(self, predicate: Callable[[str], bool]) -> None:
        """Mark matching entries stale: they stay for painting until refetched."""
        changed = set()
        for key, entry in self._entries.items():
            if predicate(key):
                entry.fetched_at = float("-inf")
                changed.add(key)
        if changed:
            self._notify(frozenset(changed))

    # normalising: collections keep references into the identity map

    def _absorb(self, item: Json, changed: set[str]) -> None:
        """Keep a complete object, and the complete objects embedded in it, by href."""
        if item.get("_type") == "Form":
            return  # forms embed schemas with allowedValues: never mixed with standalone ones
        embedded = item.get("_embedded")
        if isinstance(embedded, Mapping):
            for value in embedded.values():
                for nested in value if isinstance(value, list) else [value]:
                    if isinstance(nested, dict):
                        self._absorb(nested, changed)
        href = _self_href(item)
        if href is None:
            return
        current = self.resources.get(href)
        if current is None or _newer(item, current):
            self.resources[href] = item
            changed.add(href)

    def _normalise(self, value: Any, changed: set[str] | None = None) -> Any:
        """The body with complete objects in lists replaced by references into the map."""
        sink = changed if changed is not None else set()
        if isinstance(value, list):
            return [self._reference(item, sink) for item in value]
        if not isinstance(value, dict):
            return value
        embedded = value.get("_embedded")
        elements = embedded.get("elements") if isinstance(embedded, dict) else None
        if isinstance(embedded, dict) and isinstance(elements, list):
            refs = [self._reference(element, sink) for element in elements]
            return {**value, "_embedded": {**embedded, "elements": refs}}
        if value.get("_type") != "Form":  # forms embed schemas with allowedValues: kept apart
            self._absorb(value, sink)
        return value

    def _reference(self, item: Any, changed: set[str]) -> Any:
        href = _self_href(item) if isinstance(item, dict) else None
        if href is None:
            return item
        self._absorb(item, changed)
        return {REF: href}

    def _hydrate(self, value: Any) -> Any:
        """The body with references replaced by the current objects of the map."""
        if isinstance(value, list):
            return [self._hydrate(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and REF in value:
            href = value[REF]
            return self.resources.get(href, {"_links": {"self": {"href": href}}})
        embedded = value.get("_embedded")
        elements = embedded.get("elements") if isinstance(embedded, dict) else None
        if isinstance(embedded, dict) and isinstance(elements, list):
            hydrated = [self._hydrate(element) for element in elements]
            return {**value, "_embedded": {**embedded, "elements": hydrated}}
        href = _self_href(value)
        if href is not None and value.get("_type") != "Form":
            return self.resources.get(href, value)
        return value

    # listeners

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def on_stale(self, listener: Callable[[float], None]) -> None:
        """Call `listener(saved_at)` when offline data is served instead of a fresh answer."""
        self._stale_listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, keys: frozenset[str]) -> None:
        for listener in list(self._listeners):
            listener(keys)
