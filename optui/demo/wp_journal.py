"""Journals of work packages: writing them, and describing a change in OpenProject's words.

A journal is one entry of a work package's activity: version 1 records the creation, later ones
carry a comment (`notes`), change lines (`details`, e.g. "Status changed from New to In
progress") or both. The seed and the write routes both use `change_lines` and `add_journal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from optui.demo.hal import now
from optui.demo.render import user_name
from optui.demo.store import Record, Store


def _name(store: Store, kind: str, record_id: Any) -> str | None:
    if record_id is None:
        return None
    record = store.get(kind, int(record_id))
    return None if record is None else str(record["name"])


def principal_name(store: Store, principal_id: Any) -> str | None:
    if principal_id is None:
        return None
    group = store.get("groups", int(principal_id))
    if group is not None:
        return str(group["name"])
    user = store.get("users", int(principal_id))
    return None if user is None else user_name(user)


def after(*previous: str | None) -> str:
    """Now, but never before the given timestamps (the demo's day may be fixed ahead of the
    clock, and a journal must sort after the ones before it)."""
    stamp = now()
    for earlier in previous:
        if earlier and earlier >= stamp:
            moment = dt.datetime.fromisoformat(earlier.replace("Z", "+00:00"))
            stamp = (moment + dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    return stamp


def _hours(value: Any) -> str | None:
    return None if value is None else f"{float(value):g}h"


Describe = Callable[[Store, Any], "str | None"]

TRACKED: list[tuple[str, str, Describe]] = [
    ("subject", "Subject", lambda s, v: v),
    ("type_id", "Type", lambda s, v: _name(s, "types", v)),
    ("project_id", "Project", lambda s, v: _name(s, "projects", v)),
    ("status_id", "Status", lambda s, v: _name(s, "statuses", v)),
    ("priority_id", "Priority", lambda s, v: _name(s, "priorities", v)),
    ("assignee_id", "Assignee", principal_name),
    ("responsible_id", "Accountable", principal_name),
    ("version_id", "Version", lambda s, v: _name(s, "versions", v)),
    ("category_id", "Category", lambda s, v: _name(s, "categories", v)),
    ("parent_id", "Parent", lambda s, v: None if v is None else f"#{v}"),
    ("startDate", "Start date", lambda s, v: v),
    ("dueDate", "Finish date", lambda s, v: v),
    ("date", "Date", lambda s, v: v),
    ("duration", "Duration", lambda s, v: None if v is None else f"{v} day{'' if v == 1 else 's'}"),
    ("estimatedHours", "Work", lambda s, v: _hours(v)),
    ("remainingHours", "Remaining work", lambda s, v: _hours(v)),
    ("percentageDone", "% Complete", lambda s, v: None if v is None else f"{v}%"),
]
"""Record field, label and how to show a value, for every field a journal reports."""


def describe_change(label: str, old: str | None, new: str | None) -> str | None:
    """One detail line, or None when nothing visible changed."""
    if old == new:
        return None
    if old is None:
        return f"{label} set to {new}"
    if new is None:
        return f"{label} deleted ({old})"
    return f"{label} changed from {old} to {new}"


def custom_value_text(store: Store, field: Record, value: Any) -> str | None:
    if value is None or value == [] or value == "":
        return None
    items = value if isinstance(value, list) else [value]
    fmt = field["format"]
    if fmt == "list":
        shown = [str((store.get("custom_options", int(i)) or {"value": i})["value"]) for i in items]
    elif fmt == "user":
        shown = [principal_name(store, i) or str(i) for i in items]
    elif fmt == "version":
        shown = [_name(store, "versions", i) or str(i) for i in items]
    elif fmt == "bool":
        shown = ["Yes" if v else "No" for v in items]
    else:
        shown = [str(v) for v in items]
    return ", ".join(shown)


def change_lines(store: Store, before: Record, after: Record) -> list[str]:
    """The detail lines describing what changed between two states of a work package."""
    lines: list[str] = []
    for field, label, show in TRACKED:
        line = describe_change(label, show(store, before.get(field)), show(store, after.get(field)))
        if line is not None:
            lines.append(line)
    if (before.get("description") or "") != (after.get("description") or ""):
        lines.append("Description set" if not before.get("description") else "Description changed")
    old_custom, new_custom = before.get("custom") or {}, after.get("custom") or {}
    for key in sorted(set(old_custom) | set(new_custom), key=int):
        custom_field = store.get("custom_fields", int(key))
        if custom_field is None:
            continue
        line = describe_change(
            custom_field["name"],
            custom_value_text(store, custom_field, old_custom.get(key)),
            custom_value_text(store, custom_field, new_custom.get(key)),
        )
        if line is not None:
            lines.append(line)
    return lines


def journals_of(store: Store, work_package_id: int) -> list[Record]:
    """A work package's journals, oldest first."""
    found = [j for j in store.all("journals") if j["work_package_id"] == work_package_id]
    return sorted(found, key=lambda j: (j["version"], j["id"]))


def add_journal(
    store: Store,
    work_package_id: int,
    user_id: int,
    *,
    notes: str = "",
    details: list[str] | None = None,
    internal: bool = False,
    at: str | None = None,
) -> Record:
    """Append a journal with the next version number of that work package."""
    previous = [j for j in store.all("journals") if j["work_package_id"] == work_package_id]
    versions = [j["version"] for j in previous]
    stamp = at or after(*(j["createdAt"] for j in previous))
    return store.insert(
        "journals",
        {
            "id": None,
            "work_package_id": work_package_id,
            "user_id": user_id,
            "version": max(versions, default=0) + 1,
            "notes": notes,
            "details": list(details or []),
            "internal": internal,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )
