"""The demo server's data: records kept in memory and written through to SQLite.

Every kind of record (projects, work packages, users…) is a table of JSON documents keyed by an
integer id. The whole data set is loaded once at start-up and each change is written through, so
reads are dictionary look-ups and the data survives a restart. Record shapes are documented in
`optui/demo/model.py`. The store belongs to the server's thread; a lock guards the connection so
that a test may read it from another thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

Record = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Records by kind and id, persisted in one SQLite file (or in memory when `path` is None)."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # created 0600 before SQLite opens it: the file holds the demo's API key
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False
        )
        self._db.executescript(SCHEMA)
        self._tables: dict[str, dict[int, Record]] = {}
        for kind, record_id, data in self._db.execute("SELECT kind, id, data FROM records"):
            self._tables.setdefault(kind, {})[record_id] = json.loads(data)
        self._batch_depth = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # reading

    def all(self, kind: str) -> list[Record]:
        """Every record of a kind, by ascending id."""
        table = self._tables.get(kind, {})
        return [table[key] for key in sorted(table)]

    def get(self, kind: str, record_id: int) -> Record | None:
        return self._tables.get(kind, {}).get(record_id)

    def count(self, kind: str) -> int:
        return len(self._tables.get(kind, {}))

    def find(self, kind: str, **equal: Any) -> list[Record]:
        """Records whose fields equal the given values."""
        return [r for r in self.all(kind) if all(r.get(k) == v for k, v in equal.items())]

    # writing

    def next_id(self, kind: str) -> int:
        table = self._tables.get(kind, {})
        return max(table, default=0) + 1

    def insert(self, kind: str, record: Record) -> Record:
        """Store a new record; gives it the next id unless it has one."""
        with self._lock:
            if "id" not in record or record["id"] is None:
                record["id"] = self.next_id(kind)
            self._tables.setdefault(kind, {})[record["id"]] = record
            self._write(kind, record)
        return record

    def insert_many(self, kind: str, records: Iterable[Record]) -> None:
        with self.batch():
            for record in records:
                self.insert(kind, record)

    def save(self, kind: str, record: Record) -> Record:
        """Write back a record that was changed in place."""
        with self._lock:
            self._tables.setdefault(kind, {})[record["id"]] = record
            self._write(kind, record)
        return record

    def delete(self, kind: str, record_id: int) -> None:
        with self._lock:
            self._tables.get(kind, {}).pop(record_id, None)
            self._db.execute("DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id))
            self._commit()

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()
            self._db.execute("DELETE FROM records")
            self._commit()

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            self._commit()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes into one transaction (the seed writes thousands)."""
        with self._lock:
            self._batch_depth += 1
            try:
                yield
            finally:
                self._batch_depth -= 1
                self._commit()

    def _write(self, kind: str, record: Record) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO records (kind, id, data) VALUES (?, ?, ?)",
            (kind, record["id"], json.dumps(record, separators=(",", ":"))),
        )
        self._commit()

    def _commit(self) -> None:
        if self._batch_depth == 0:
            self._db.commit()
