"""Unsaved work package edits on disk: one JSON file per draft, 0600 in a 0700 dir, atomic writes.

A draft survives escape, a crash, a closed SSH session and a 401: the form saves it a few hundred
ms after each keystroke and deletes it after a successful save or an explicit discard. Everything
here blocks; call it from a thread (`asyncio.to_thread`), never on the event loop.

Layout: `state_dir()/<profile>/drafts/<key>.json`, where the key is `<kind>-<id>` for an edit
(`work_package-42`) and `new-<project>-<uuid4 hex>` for a new work package. Text typed outside
the edit form is kept the same way under `text_key()`: `comment-work_package-42` for an unsent
comment, `time_entry-work_package-42` for an unlogged time entry. A file that cannot be read back
is moved aside to `<key>.json.corrupt`, never deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote, urlsplit

from optui import paths

Value = str | int | float | bool | None | list[str]
"""A field value as the form holds it: scalars, or a list of hrefs for multi-value links."""

FORMAT = 1
"""The version of the file layout, written into every draft."""

_KEY = re.compile(r"[A-Za-z0-9_-]{1,200}")
"""A safe file name stem: no separators, no dots (so no `..` and no hidden files)."""

_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_PROFILE = re.compile(r"[A-Za-z0-9_.-]{1,64}")

_SUFFIX = ".json"
_CORRUPT = ".json.corrupt"

_guard = threading.Lock()
"""Serialises writes and deletes in this process, so concurrent saves of one key stay ordered."""
_newest: dict[Path, float] = {}
"""Draft file -> the newest `saved_at` written to it, or the time it was last deleted."""


@dataclass(frozen=True, slots=True)
class Draft:
    """The user's unsaved changes to one work package form, and what they started from."""

    key: str
    """The file name stem (`edit_key()` or `new_key()`)."""
    resource_href: str | None
    """The work package being edited; None for a new one."""
    project_href: str | None
    """The project of a new work package."""
    base_lock_version: int | None
    """The lockVersion the user started from (for the three-way merge on 409)."""
    base: dict[str, Value]
    """Field values when the user started: API property -> value."""
    changes: dict[str, Value]
    """The user's changes: API property -> value."""
    saved_at: float
    """`time.time()` of the last save."""
    title: str = ""
    """A name for the restore prompt, e.g. the subject."""

    def age_text(self, now: float | None = None) -> str:
        """How long ago the draft was saved, in words: "just now", "3 min ago", "yesterday"…"""
        seconds = (time.time() if now is None else now) - self.saved_at
        if seconds < 60:  # a clock that went backwards reads as "just now" too
            return "just now"
        minutes = int(seconds // 60)
        if minutes < 60:
            return f"{minutes} min ago"
        hours = minutes // 60
        if hours < 24:
            return f"{hours} h ago"
        days = hours // 24
        return "yesterday" if days == 1 else f"{days} days ago"


def _safe_part(text: str) -> str:
    """`text` when it is a safe name part, else a readable, collision-free safe version of it."""
    if _PART.fullmatch(text):
        return text
    readable = _UNSAFE.sub("_", text)[:40]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}-{digest}" if readable else digest


def _segments(href: str) -> list[str]:
    return [unquote(part) for part in urlsplit(href).path.split("/") if part]


def _singular(collection: str) -> str:
    if collection.endswith("ies"):
        return collection[:-3] + "y"
    return collection[:-1] if collection.endswith("s") else collection


def edit_key(resource_href: str) -> str:
    """The draft key of an existing resource: `/api/v3/work_packages/42` -> `work_package-42`.

    Absolute and server-relative hrefs of one resource give the same key; anything unsafe in
    them is replaced (with a hash, so two different hrefs never share a key).
    """
    segments = _segments(resource_href)
    if not segments:
        raise ValueError(f"not a resource href: {resource_href!r}")
    kind = _singular(segments[-2]) if len(segments) > 1 else "resource"
    return f"{_safe_part(kind)}-{_safe_part(segments[-1])}"


def _project_part(project_href: str | None) -> str:
    segments = _segments(project_href) if project_href else []
    return _safe_part(segments[-1]) if segments else "none"


def new_key(project_href: str) -> str:
    """A fresh key for a new work package: `new-<project id or identifier>-<uuid4 hex>`."""
    return f"new-{_project_part(project_href)}-{uuid.uuid4().hex}"


COMMENT = "comment"
"""`text_key()` kind: a comment being written (on a work package, or an edit of an activity)."""
TIME_ENTRY = "time_entry"
"""`text_key()` kind: the log time form (for a work package, or an edit of a time entry)."""


def text_key(kind: str, resource_href: str) -> str:
    """The key of text typed for a resource outside the edit form: `<kind>-<edit_key(href)>`.

    `text_key(COMMENT, "/api/v3/work_packages/42")` is `comment-work_package-42`: a file apart
    from the edit form's draft of that work package (`work_package-42`).
    """
    if not _PART.fullmatch(kind):
        raise ValueError(f"invalid draft kind {kind!r}")
    return check_key(f"{kind}-{edit_key(resource_href)}")


def check_key(key: str) -> str:
    """`key` if it is a safe file name stem, else ValueError (never a path outside the store)."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"invalid draft key {key!r}: use letters, digits, '-' or '_'")
    return key


def _is_value(value: object) -> TypeGuard[Value]:
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return True
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _fields(raw: object) -> dict[str, Value] | None:
    if not isinstance(raw, dict):
        return None
    values: dict[str, Value] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not _is_value(value):
            return None
        values[name] = value
    return values


def _optional_str(raw: object) -> TypeGuard[str | None]:
    return raw is None or isinstance(raw, str)


def _to_json(draft: Draft) -> dict[str, Any]:
    for name, fields in (("base", draft.base), ("changes", draft.changes)):
        if _fields(fields) is None:
            raise TypeError(f"draft {draft.key}: {name} holds a value that is not a form value")
    return {
        "format": FORMAT,
        "key": draft.key,
        "resource_href": draft.resource_href,
        "project_href": draft.project_href,
        "base_lock_version": draft.base_lock_version,
        "base": draft.base,
        "changes": draft.changes,
        "saved_at": draft.saved_at,
        "title": draft.title,
    }


def _from_json(key: str, data: object) -> Draft | None:
    """The draft in a decoded file, or None when its shape is wrong (unknown keys are fine)."""
    if not isinstance(data, dict):
        return None
    resource_href, project_href = data.get("resource_href"), data.get("project_href")
    lock_version, saved_at = data.get("base_lock_version"), data.get("saved_at")
    title = data.get("title", "")
    base, changes = _fields(data.get("base")), _fields(data.get("changes"))
    if (
        not _optional_str(resource_href)
        or not _optional_str(project_href)
        or not (lock_version is None or type(lock_version) is int)
        or not (isinstance(saved_at, int | float) and not isinstance(saved_at, bool))
        or not isinstance(title, str)
        or base is None
        or changes is None
    ):
        return None
    return Draft(
        key=key,
        resource_href=resource_href,
        project_href=project_href,
        base_lock_version=lock_version,
        base=base,
        changes=changes,
        saved_at=float(saved_at),
        title=title,
    )


class DraftStore:
    """The drafts of one profile: a directory of JSON files. Blocking; safe to use from threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """The drafts directory; created 0700 on the first save."""

    @classmethod
    def for_profile(cls, profile: str) -> DraftStore:
        """The store at `state_dir()/<profile>/drafts`; ValueError for a name that could escape."""
        if not _PROFILE.fullmatch(profile) or profile in (".", ".."):
            raise ValueError(f"invalid profile name {profile!r}")
        return cls(paths.state_dir() / profile / "drafts")

    def path(self, key: str) -> Path:
        """The file of a draft; ValueError for an unsafe key."""
        return self.root / f"{check_key(key)}{_SUFFIX}"

    def save(self, draft: Draft) -> None:
        """Write the draft atomically: a 0600 temp file, then `os.replace`; never a partial file.

        Raises OSError when the disk refuses (the previous draft stays readable) and TypeError for
        a value that is not a `Value`. A draft older than the one last written for its key, or
        than its last `delete()` in this process, is dropped: a debounced save that finishes
        late must neither undo a newer one nor bring back a draft that was committed.
        """
        target = self.path(draft.key)
        payload = _to_json(draft)
        with _guard:
            if draft.saved_at < _newest.get(target, float("-inf")):
                return
            self._make_root()
            temporary = self.root / f".{draft.key}.{uuid.uuid4().hex}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle, indent=1)
                    handle.flush()
                    os.fsync(handle.fileno())  # the rename must not land before the data
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            _newest[target] = draft.saved_at

    def _make_root(self) -> None:
        """Create the drafts directory (and missing parents) 0700; tighten a wider one."""
        missing: list[Path] = []
        directory = self.root
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for directory in reversed(missing):
            with contextlib.suppress(FileExistsError):
                directory.mkdir(mode=0o700)
        if stat.S_IMODE(self.root.stat().st_mode) & 0o077:
            os.chmod(self.root, 0o700)

    def load(self, key: str) -> Draft | None:
        """The draft, or None when it is missing or unreadable; a corrupt file is moved aside."""
        target = self.path(key)
        try:
            raw = target.read_bytes()
        except OSError:
            return None
        try:
            draft = _from_json(key, json.loads(raw))
        except (ValueError, RecursionError):  # bad JSON or UTF-8, or absurdly deep nesting
            draft = None
        if draft is None:
            self._move_aside(target, raw)
        return draft

    def _move_aside(self, target: Path, raw: bytes) -> None:
        """Keep a corrupt file for a human to look at, under a name `load()` never reads."""
        stem = target.name.removesuffix(_SUFFIX)
        with _guard, contextlib.suppress(OSError):
            if target.read_bytes() != raw:
                return  # a save replaced it meanwhile: that one is fine
            aside, number = target.with_name(stem + _CORRUPT), 1
            while aside.exists():  # never overwrite an earlier corrupt file
                number += 1
                aside = target.with_name(f"{stem}{_CORRUPT}-{number}")
            os.replace(target, aside)

    def delete(self, key: str) -> None:
        """Remove the draft; no error when there is none."""
        target = self.path(key)
        with _guard:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            _newest[target] = time.time()

    def for_resource(self, resource_href: str) -> Draft | None:
        """The draft of an existing work package, if any."""
        return self.load(edit_key(resource_href))

    def new_drafts(self, project_href: str) -> list[Draft]:
        """Drafts of new work packages in that project, newest first."""
        part = _project_part(project_href)
        found = self._load_all(f"new-{part}-*{_SUFFIX}")
        return [
            draft
            for draft in found
            if draft.resource_href is None and _project_part(draft.project_href) == part
        ]

    def all(self) -> list[Draft]:
        """Every readable draft of the profile, newest first."""
        return self._load_all(f"*{_SUFFIX}")

    def _load_all(self, pattern: str) -> list[Draft]:
        try:
            names = sorted(path.name for path in self.root.glob(pattern) if path.is_file())
        except OSError:
            return []
        drafts = [
            draft
            for name in names
            if _KEY.fullmatch(stem := name.removesuffix(_SUFFIX))
            and (draft := self.load(stem)) is not None
        ]
        return sorted(drafts, key=lambda draft: draft.saved_at, reverse=True)
