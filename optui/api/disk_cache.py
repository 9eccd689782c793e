"""The persistent cache of one profile: one SQLite file, written by one thread off the loop.

`user_cache_dir/optui/<profile>/cache.sqlite3`, directory 0700, file 0600 (created before
SQLite opens it; no journal files are left beside it). It stores response bodies only, never
headers or keys. A stamp (format version, optui version, server URL) throws the rows away when
any of them changes, and a row cap evicts the least recently used.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optui import __version__

FORMAT_VERSION = "1"
MAX_ROWS = 20_000

Job = Callable[[sqlite3.Connection], Any]


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(str(path), check_same_thread=False)
    # a cache may lose its last write in a crash; it must never leave a readable journal
    connection.execute("PRAGMA journal_mode=MEMORY")
    connection.executescript(
        """
        CREATE TABLE IF NOT EXISTS entries (
            key TEXT PRIMARY KEY, body TEXT NOT NULL, saved_at REAL NOT NULL,
            used_at REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS stamp (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )
    return connection


class DiskCache:
    """Bodies by key on disk; reads are awaited in the writer thread, writes are queued."""

    def __init__(self, path: Path, *, server_url: str, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        self._jobs: queue.Queue[tuple[Job, concurrent.futures.Future[Any]] | None] = queue.Queue()
        self._preloaded: dict[str, concurrent.futures.Future[Any]] = {}
        self._stamp = {"format": FORMAT_VERSION, "optui": __version__, "server": server_url}
        self._thread = threading.Thread(target=self._run, name="optui-disk-cache", daemon=True)
        self._thread.start()

    # the writer thread

    def _run(self) -> None:
        try:
            connection = _open(self.path)
        except sqlite3.DatabaseError:
            # a damaged cache is thrown away, never trusted
            with contextlib.suppress(OSError):
                self.path.unlink()
            connection = _open(self.path)
        self._check_stamp(connection)
        while (item := self._jobs.get()) is not None:
            job, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(job(connection))
                except Exception as error:  # handed to whoever awaits the job
                    future.set_exception(error)
        connection.close()

    def _check_stamp(self, connection: sqlite3.Connection) -> None:
        stored = dict(connection.execute("SELECT name, value FROM stamp").fetchall())
        if {name: stored.get(name) for name in self._stamp} != self._stamp:
            with connection:
                connection.execute("DELETE FROM entries")
                connection.execute("DELETE FROM stamp")
                connection.executemany(
                    "INSERT INTO stamp (name, value) VALUES (?, ?)", self._stamp.items()
                )

    def _submit(self, job: Job) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._jobs.put((job, future))
        return future

    # the loop's side

    @staticmethod
    def _read_job(key: str) -> Job:
        def job(connection: sqlite3.Connection) -> tuple[Any, float] | None:
            row = connection.execute(
                "SELECT body, saved_at FROM entries WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            with connection:
                connection.execute(
                    "UPDATE entries SET used_at = ? WHERE key = ?", (time.time(), key)
                )
            return json.loads(row[0]), float(row[1])

        return job

    async def read(self, key: str) -> tuple[Any, float] | None:
        """(body, saved_at wall-clock time) or None; runs in the writer thread."""
        future = self._preloaded.pop(key, None) or self._submit(self._read_job(key))
        result: tuple[Any, float] | None = await asyncio.wrap_future(future)
        return result

    def preload(self, keys: list[str]) -> None:
        """Start reading these now, before anyone asks (start-up: the first screen's data is
        read while the UI is still being built); `read()` and `preloaded()` take the result."""
        for key in keys:
            if key not in self._preloaded:
                self._preloaded[key] = self._submit(self._read_job(key))

    async def preload_done(self, keys: list[str], at_most: float) -> None:
        """Wait (at most `at_most` seconds) until the preloads of `keys` have finished;
        never cancels them (asyncio.wait, not a timeout: a cancelled read would be lost)."""
        futures = [
            asyncio.wrap_future(self._preloaded[key]) for key in keys if key in self._preloaded
        ]
        if futures:
            await asyncio.wait(futures, timeout=at_most)

    def preloaded(self, key: str) -> tuple[bool, tuple[Any, float] | None]:
        """(True, result) when a preload of `key` has finished, else (False, None); never waits.
        A failed read counts as finished with nothing found."""
        future = self._preloaded.get(key)
        if future is None or not future.done():
            return False, None
        del self._preloaded[key]
        if future.cancelled() or future.exception() is not None:
            return True, None
        result: tuple[Any, float] | None = future.result()
        return True, result

    def write(self, key: str, body: Any, saved_at: float) -> None:
        """Queue a write; the caller never waits for the disk."""
        text = json.dumps(body, separators=(",", ":"))

        def job(connection: sqlite3.Connection) -> None:
            with connection:
                connection.execute(
                    "INSERT OR REPLACE INTO entries (key, body, saved_at, used_at) "
                    "VALUES (?, ?, ?, ?)",
                    (key, text, saved_at, time.time()),
                )
                (count,) = connection.execute("SELECT COUNT(*) FROM entries").fetchone()
                if count > self.max_rows:
                    connection.execute(
                        "DELETE FROM entries WHERE key IN (SELECT key FROM entries "
                        "ORDER BY used_at LIMIT ?)",
                        (count - self.max_rows,),
                    )

        self._submit(job)

    def forget(self, predicate_sql: str = "1", params: tuple[Any, ...] = ()) -> None:
        def job(connection: sqlite3.Connection) -> None:
            with connection:
                connection.execute(f"DELETE FROM entries WHERE {predicate_sql}", params)

        self._submit(job)

    def check_user(self, user_href: str) -> None:
        """Throw the cache away when another user logs in with this profile."""

        def job(connection: sqlite3.Connection) -> None:
            row = connection.execute("SELECT value FROM stamp WHERE name = 'user'").fetchone()
            if row is not None and row[0] == user_href:
                return
            with connection:
                if row is not None:
                    connection.execute("DELETE FROM entries")
                connection.execute(
                    "INSERT OR REPLACE INTO stamp (name, value) VALUES ('user', ?)", (user_href,)
                )

        self._submit(job)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every queued write is on disk (tests, and before exit)."""
        self._submit(lambda connection: None).result(timeout)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)
