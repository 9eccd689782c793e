"""The filter and sort vocabulary of work package lists: names (API and database spellings),
how each reads a record, and the per-request look-ups they share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optui.demo import queries
from optui.demo.model import Demo
from optui.demo.store import Record
from optui.demo.wp_schema import custom_field_key

Field = queries.Field
RELATION_TYPES = (
    "relates",
    "duplicates",
    "duplicated",
    "blocks",
    "blocked",
    "precedes",
    "follows",
    "includes",
    "partof",
    "requires",
    "required",
)
REVERSE = {  # the same relation seen from its other end
    "relates": "relates",
    "duplicates": "duplicated",
    "duplicated": "duplicates",
    "blocks": "blocked",
    "blocked": "blocks",
    "precedes": "follows",
    "follows": "precedes",
    "includes": "partof",
    "partof": "includes",
    "requires": "required",
    "required": "requires",
}
ALIASES = {
    "status_id": "status",
    "type_id": "type",
    "assigned_to_id": "assignee",
    "assigned_to": "assignee",
    "responsible_id": "responsible",
    "author_id": "author",
    "priority_id": "priority",
    "fixed_version_id": "version",
    "version_id": "version",
    "category_id": "category",
    "project_id": "project",
    "parent_id": "parent",
    "start_date": "startDate",
    "due_date": "dueDate",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "done_ratio": "percentageDone",
    "estimated_hours": "estimatedTime",
    "remaining_hours": "remainingTime",
    "watcher_id": "watcher",
    "subproject_id": "subprojectId",
}
"""Database spellings of filter, sort and group names (the spec's parameter lists use them)."""


class Lookups:
    """Per-request indexes that filters and sorting read (built on first use)."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self._watchers: dict[int, list[int]] | None = None
        self._related: dict[str, dict[int, list[int]]] | None = None
        self._names: dict[tuple[str, int], str] = {}
        self._positions: dict[tuple[str, int], int] = {}

    def watchers(self, work_package_id: int) -> list[int]:
        if self._watchers is None:
            index: dict[int, list[int]] = {}
            for watcher in self.demo.store.all("watchers"):
                index.setdefault(watcher["work_package_id"], []).append(watcher["user_id"])
            self._watchers = index
        return self._watchers.get(work_package_id, [])

    def related(self, relation_type: str, work_package_id: int) -> list[int]:
        """Ids of the work packages this one has a `relation_type` relation to."""
        if self._related is None:
            index: dict[str, dict[int, list[int]]] = {t: {} for t in RELATION_TYPES}
            for relation in self.demo.store.all("relations"):
                kind = relation["type"]
                index[kind].setdefault(relation["from_id"], []).append(relation["to_id"])
                index[REVERSE[kind]].setdefault(relation["to_id"], []).append(relation["from_id"])
            self._related = index
        return self._related[relation_type].get(work_package_id, [])

    def name(self, kind: str, record_id: int | None) -> str | None:
        """The display name of a referenced record, for sorting."""
        if record_id is None:
            return None
        key = (kind, record_id)
        if key not in self._names:
            store = self.demo.store
            if kind == "principals":
                found = store.get("groups", record_id) or store.get("users", record_id)
                text = (
                    ""
                    if found is None
                    else found.get("name") or (f"{found['firstName']} {found['lastName']}")
                )
            else:
                record = store.get(kind, record_id)
                text = "" if record is None else str(record.get("name", record_id))
            self._names[key] = text.casefold()
        return self._names[key]

    def position(self, kind: str, record_id: int | None) -> int | None:
        if record_id is None:
            return None
        key = (kind, record_id)
        if key not in self._positions:
            record = self.demo.store.get(kind, record_id)
            self._positions[key] = 0 if record is None else int(record.get("position", 0))
        return self._positions[key]


def _related_getter(look: Lookups, relation_type: str) -> queries.Getter:
    return lambda r: look.related(relation_type, r["id"])


def _custom_getter(key: str) -> queries.Getter:
    return lambda r: (r.get("custom") or {}).get(key)


def filter_fields(demo: Demo, look: Lookups) -> tuple[dict[str, Field], dict[str, str]]:
    """The filterable work package properties and their database spellings."""

    def get(name: str) -> Callable[[Record], Any]:
        return lambda r: r.get(name)

    fields: dict[str, Field] = {
        "id": Field(get("id"), "id"),
        "status": Field(get("status_id"), "status"),
        "type": Field(get("type_id"), "id"),
        "priority": Field(get("priority_id"), "id"),
        "project": Field(get("project_id"), "id"),
        "assignee": Field(get("assignee_id"), "id", principal=True),
        "responsible": Field(get("responsible_id"), "id", principal=True),
        "author": Field(get("author_id"), "id", principal=True),
        "version": Field(get("version_id"), "id"),
        "category": Field(get("category_id"), "id"),
        "parent": Field(get("parent_id"), "id"),
        "subject": Field(get("subject"), "text"),
        "description": Field(lambda r: r.get("description") or "", "text"),
        "search": Field(
            lambda r: f"{r['id']} {r['subject']} {r.get('description') or ''}", "search"
        ),
        "subjectOrId": Field(get("subject"), "search"),
        "startDate": Field(lambda r: r.get("startDate") or r.get("date"), "date"),
        "dueDate": Field(lambda r: r.get("dueDate") or r.get("date"), "date"),
        "createdAt": Field(get("createdAt"), "datetime"),
        "updatedAt": Field(get("updatedAt"), "datetime"),
        "percentageDone": Field(get("percentageDone"), "number"),
        "estimatedTime": Field(get("estimatedHours"), "number"),
        "remainingTime": Field(get("remainingHours"), "number"),
        "duration": Field(get("duration"), "number"),
        "watcher": Field(lambda r: look.watchers(r["id"]), "id", principal=True),
        "subprojectId": Field(get("project_id"), "id"),
        "only_subproject": Field(get("project_id"), "id"),
    }
    for relation_type in RELATION_TYPES:
        fields[relation_type] = Field(_related_getter(look, relation_type), "id")
    kinds = {
        "string": "text",
        "text": "text",
        "link": "text",
        "int": "number",
        "float": "number",
        "bool": "bool",
        "date": "date",
        "list": "id",
        "user": "id",
        "version": "id",
    }
    aliases = dict(ALIASES)
    for custom_field in demo.store.all("custom_fields"):
        key = custom_field_key(custom_field)
        fields[key] = Field(
            _custom_getter(str(custom_field["id"])),
            kinds.get(custom_field["format"], "text"),
            principal=custom_field["format"] == "user",
        )
        aliases[f"cf_{custom_field['id']}"] = key
    return fields, aliases


def sortable(look: Lookups) -> dict[str, queries.Getter]:
    """sortBy columns (API names and database spellings)."""
    columns: dict[str, queries.Getter] = {
        "id": lambda r: r["id"],
        "subject": lambda r: r["subject"],
        "status": lambda r: look.position("statuses", r["status_id"]),
        "type": lambda r: look.position("types", r["type_id"]),
        "priority": lambda r: look.position("priorities", r["priority_id"]),
        "project": lambda r: look.name("projects", r["project_id"]),
        "assignee": lambda r: look.name("principals", r.get("assignee_id")),
        "responsible": lambda r: look.name("principals", r.get("responsible_id")),
        "author": lambda r: look.name("principals", r.get("author_id")),
        "version": lambda r: look.name("versions", r.get("version_id")),
        "category": lambda r: look.name("categories", r.get("category_id")),
        "parent": lambda r: r.get("parent_id"),
        "startDate": lambda r: r.get("startDate") or r.get("date"),
        "dueDate": lambda r: r.get("dueDate") or r.get("date"),
        "createdAt": lambda r: r["createdAt"],
        "updatedAt": lambda r: r["updatedAt"],
        "percentageDone": lambda r: r.get("percentageDone"),
        "estimatedTime": lambda r: r.get("estimatedHours"),
        "remainingTime": lambda r: r.get("remainingHours"),
        "duration": lambda r: r.get("duration"),
    }
    for alias, name in ALIASES.items():
        if name in columns:
            columns[alias] = columns[name]
    return columns
