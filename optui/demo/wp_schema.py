"""Work package schemas: the property table, custom fields per type, and the `Schema` body.

One table (`PROPERTIES`) says for every work package property its schema type, label, whether it
is required, writable and link-valued. The standalone schema (`/work_packages/schemas/{p}-{t}`)
and the schema embedded in forms are built from it; the form adds `allowedValues`. The write
checks in `forms.py` read the same `writable` flags, so schema and PATCH always agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from optui.demo.hal import Json, link
from optui.demo.render import API
from optui.demo.store import Record, Store


@dataclass(frozen=True)
class Prop:
    """One work package property as its schema describes it."""

    name: str
    type: str
    label: str
    required: bool = False
    has_default: bool = False
    writable: bool = True
    link: bool = False
    """The value lives under `_links` (schema `location: "_links"`)."""
    dates: str | None = None
    """"range" for startDate/dueDate-like properties (not on milestones), "milestone" for `date`."""
    min_length: int | None = None
    max_length: int | None = None


PROPERTIES: tuple[Prop, ...] = (
    Prop("lockVersion", "Integer", "Lock Version", required=True, writable=False),
    Prop("id", "Integer", "ID", required=True, writable=False),
    Prop("subject", "String", "Subject", required=True, min_length=1, max_length=255),
    Prop("description", "Formattable", "Description"),
    Prop("scheduleManually", "Boolean", "Manual scheduling", has_default=True),
    Prop("startDate", "Date", "Start date", dates="range"),
    Prop("dueDate", "Date", "Finish date", dates="range"),
    Prop("date", "Date", "Date", dates="milestone"),
    Prop("derivedStartDate", "Date", "Derived start date", writable=False, dates="range"),
    Prop("derivedDueDate", "Date", "Derived finish date", writable=False, dates="range"),
    Prop("duration", "Duration", "Duration", dates="range"),
    Prop("estimatedTime", "Duration", "Work"),
    Prop("derivedEstimatedTime", "Duration", "Total work", writable=False),
    Prop("remainingTime", "Duration", "Remaining work"),
    Prop("derivedRemainingTime", "Duration", "Total remaining work", writable=False),
    Prop("ignoreNonWorkingDays", "Boolean", "Ignore non-working days", has_default=True),
    Prop("spentTime", "Duration", "Spent time", writable=False),
    Prop("percentageDone", "Integer", "% Complete"),
    Prop("derivedPercentageDone", "Integer", "Total % complete", writable=False),
    Prop("readonly", "Boolean", "Read only", writable=False),
    Prop("createdAt", "DateTime", "Created on", required=True, writable=False),
    Prop("updatedAt", "DateTime", "Updated on", required=True, writable=False),
    Prop("author", "User", "Author", required=True, writable=False, link=True),
    Prop("project", "Project", "Project", required=True, link=True),
    Prop("parent", "WorkPackage", "Parent", link=True),
    Prop("assignee", "User", "Assignee", link=True),
    Prop("responsible", "User", "Accountable", link=True),
    Prop("type", "Type", "Type", required=True, has_default=True, link=True),
    Prop("status", "Status", "Status", required=True, has_default=True, link=True),
    Prop("category", "Category", "Category", link=True),
    Prop("version", "Version", "Version", link=True),
    Prop("priority", "Priority", "Priority", required=True, has_default=True, link=True),
)
BY_NAME = {prop.name: prop for prop in PROPERTIES}

CUSTOM_TYPES = {
    "string": "String",
    "text": "Formattable",
    "int": "Integer",
    "float": "Float",
    "bool": "Boolean",
    "date": "Date",
    "link": "Link",
    "list": "CustomOption",
    "user": "User",
    "version": "Version",
}
"""Schema type per custom field format (openproject-api.md §7); multi-value ones get `[]`."""
LINKED_FORMATS = frozenset({"list", "user", "version"})
"""Custom field formats whose values are links under `_links.customFieldN`."""


def is_milestone(type_: Record | None) -> bool:
    return bool(type_ and type_.get("isMilestone"))


def properties_for(type_: Record | None) -> list[Prop]:
    """The properties a work package of this type has (milestones: `date` instead of a range)."""
    skip = "range" if is_milestone(type_) else "milestone"
    return [prop for prop in PROPERTIES if prop.dates != skip]


def custom_field_key(field: Record) -> str:
    return f"customField{field['id']}"


def custom_fields_for_type(store: Store, type_id: int | None) -> list[Record]:
    """Custom fields active for a type (`type_ids` empty = every type), by position."""
    found = [
        field
        for field in store.all("custom_fields")
        if not field.get("type_ids") or type_id in field["type_ids"]
    ]
    return sorted(found, key=lambda f: (f.get("position", 0), f["id"]))


def custom_field_type(field: Record) -> str:
    base = CUSTOM_TYPES.get(field["format"], "String")
    return f"[]{base}" if field.get("multi") and field["format"] in LINKED_FORMATS else base


def writable_properties(
    store: Store, type_: Record | None, work_package: Record | None
) -> set[str]:
    """Names a write may change: a read-only status (e.g. Rejected) freezes all but `status`."""
    if work_package is not None:
        status = store.get("statuses", work_package.get("status_id") or 0)
        if status is not None and status.get("isReadonly"):
            return {"status"}
    names = {prop.name for prop in properties_for(type_) if prop.writable}
    type_id = None if type_ is None else type_["id"]
    names.update(custom_field_key(f) for f in custom_fields_for_type(store, type_id))
    return names


def _field(prop: Prop, writable: bool) -> Json:
    field: Json = {
        "type": prop.type,
        "name": prop.label,
        "required": prop.required,
        "hasDefault": prop.has_default,
        "writable": writable,
    }
    if prop.min_length is not None:
        field["minLength"] = prop.min_length
    if prop.max_length is not None:
        field["maxLength"] = prop.max_length
    if prop.link:
        field["location"] = "_links"
        field["_links"] = {}
    return field


def custom_field_schema(field: Record, writable: bool) -> Json:
    body: Json = {
        "type": custom_field_type(field),
        "name": field["name"],
        "required": bool(field.get("required")),
        "hasDefault": False,
        "writable": writable,
        "visibility": "default",
    }
    if field["format"] in ("string", "text"):
        if field.get("min_length"):
            body["minLength"] = field["min_length"]
        if field.get("max_length"):
            body["maxLength"] = field["max_length"]
    if field["format"] == "text":
        body["options"] = {"rtl": None}
    if field["format"] in LINKED_FORMATS:
        body["location"] = "_links"
        body["_links"] = {}
    return body


def attribute_groups(type_: Record | None, fields: list[Record]) -> list[Json]:
    """The form layout, as OpenProject's default form configuration groups it."""
    dates = ["date"] if is_milestone(type_) else ["startDate", "dueDate", "duration"]

    def group(name: str, attributes: list[str]) -> Json:
        return {"_type": "WorkPackageFormAttributeGroup", "name": name, "attributes": attributes}

    groups = [
        group("People", ["assignee", "responsible"]),
        group(
            "Estimates and progress",
            ["estimatedTime", "remainingTime", "percentageDone", "spentTime"],
        ),
        group("Details", [*dates, "priority", "version", "category", "parent"]),
    ]
    if fields:
        groups.append(group("Other", [custom_field_key(f) for f in fields]))
    return groups


def schema_href(project_id: int | None, type_id: int | None) -> str:
    return f"{API}/work_packages/schemas/{project_id}-{type_id}"


def schema_json(
    store: Store,
    project: Record | None,
    type_: Record | None,
    *,
    work_package: Record | None = None,
    allowed: Mapping[str, Json] | None = None,
) -> Json:
    """A work package schema; with `allowed` (form-embedded) the given fields get their
    `_links`/`_embedded` allowed values and the schema has no `self` link."""
    type_id = None if type_ is None else type_["id"]
    fields = custom_fields_for_type(store, type_id)
    writable = writable_properties(store, type_, work_package)
    body: Json = {
        "_type": "Schema",
        "_dependencies": [],
        "_attributeGroups": attribute_groups(type_, fields),
    }
    for prop in properties_for(type_):
        body[prop.name] = _field(prop, prop.name in writable)
    for field in fields:
        key = custom_field_key(field)
        body[key] = custom_field_schema(field, key in writable)
    if allowed is not None:
        for name, extra in allowed.items():
            if name in body:
                body[name].update(extra)
        base = schema_href(None if project is None else project["id"], type_id)
        body["_links"] = {"baseSchema": link(base)}
    else:
        project_id = None if project is None else project["id"]
        body["_links"] = {"self": link(schema_href(project_id, type_id))}
    return body


def sums_schema_json(store: Store) -> Json:
    """The schema of `totalSums`: work, remaining work, spent time and numeric custom fields."""
    body: Json = {"_type": "Schema", "_dependencies": []}
    for name in ("estimatedTime", "remainingTime", "spentTime"):
        body[name] = _field(BY_NAME[name], False)
    for field in store.all("custom_fields"):
        if field["format"] in ("int", "float"):
            body[custom_field_key(field)] = custom_field_schema(field, False)
    body["_links"] = {"self": link(f"{API}/work_packages/schemas/sums")}
    return body


def etag(body: Json) -> str:
    """A weak ETag over the rendered body."""
    digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode(), usedforsecurity=False)
    return f'W/"{digest.hexdigest()[:32]}"'
