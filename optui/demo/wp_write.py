"""Work package writes: applying a payload to a candidate, validating it, saving it.

`apply_payload` never raises for bad input: it collects OpenProject's errors (422
`PropertyIsReadOnly`, `PropertyFormatError`, `PropertyConstraintViolation`,
`ResourceTypeMismatch`) in an `Outcome`, so PATCH/POST turn them into one error answer and forms
list them under `validationErrors`. Writability comes from the schema (`wp_schema`), the status
workflow from `forms`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from optui.demo.forms import allowed_statuses
from optui.demo.hal import Json, Problem, constraint, now
from optui.demo.model import Demo
from optui.demo.store import Record, Store
from optui.demo.wp_journal import add_journal, after, change_lines
from optui.demo.wp_payload import (
    SCALARS,
    Outcome,
    apply_custom_link,
    apply_custom_scalar,
    apply_scalar,
    blank,
    convert_dates,
    label,
    link_target,
    not_allowed,
    read_only,
    schedule,
)
from optui.demo.wp_render import WorkPackageRenderer
from optui.demo.wp_schema import (
    LINKED_FORMATS,
    custom_fields_for_type,
    is_milestone,
    properties_for,
)

LOCK_CONFLICT = (
    "Your changes could not be saved, because the work package was changed since you've seen it"
    " the last time."
)
READ_ONLY = (
    "id",
    "createdAt",
    "updatedAt",
    "derivedStartDate",
    "derivedDueDate",
    "derivedEstimatedTime",
    "derivedRemainingTime",
    "derivedPercentageDone",
    "spentTime",
    "readonly",
)
"""Properties a write may repeat unchanged but never change."""

LINKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "project": ("project_id", ("projects",)),
    "type": ("type_id", ("types",)),
    "status": ("status_id", ("statuses",)),
    "priority": ("priority_id", ("priorities",)),
    "assignee": ("assignee_id", ("users", "groups")),
    "responsible": ("responsible_id", ("users", "groups")),
    "version": ("version_id", ("versions",)),
    "category": ("category_id", ("categories",)),
    "parent": ("parent_id", ("work_packages",)),
}
"""Writable value links: record field and the collections an href may point into."""
REQUIRED_LINKS = frozenset({"project", "type", "status", "priority"})


def check_lock_version(body: Json, record: Record, *, required: bool) -> None:
    """409 UpdateConflict for a stale lockVersion, and for a missing one when `required`."""
    given = body.get("lockVersion")
    if given is None and not required:
        return
    if isinstance(given, str) and given.isdigit():
        given = int(given)
    if isinstance(given, bool) or given != record.get("lockVersion", 0):
        raise Problem(409, "UpdateConflict", LOCK_CONFLICT)


def _target_exists(demo: Demo, name: str, target: int) -> bool:
    store = demo.store
    if name == "project":
        project = demo.visible_project(target)
        return project is not None and demo.can_edit_project_work(project)
    if name in ("assignee", "responsible"):
        return store.get("users", target) is not None or store.get("groups", target) is not None
    if name == "parent":
        return demo.visible_work_package(target) is not None
    kind = LINKS[name][1][0]
    return store.get(kind, target) is not None


def new_work_package(demo: Demo, project: Record | None) -> Record:
    """The defaults of a new work package (default type of the project, status, priority)."""
    store = demo.store
    type_ids = None if project is None else project.get("type_ids", [])
    types = [t for t in store.all("types") if type_ids is None or t["id"] in type_ids]
    type_ = next((t for t in types if t.get("isDefault")), types[0] if types else None)
    status = next((s for s in store.all("statuses") if s.get("isDefault")), None)
    priority = next((p for p in store.all("priorities") if p.get("isDefault")), None)
    return {
        "id": None,
        "subject": "",
        "description": "",
        "project_id": None if project is None else project["id"],
        "type_id": None if type_ is None else type_["id"],
        "status_id": None if status is None else status["id"],
        "priority_id": None if priority is None else priority["id"],
        "author_id": demo.user_id,
        "assignee_id": None,
        "responsible_id": None,
        "version_id": None,
        "category_id": None,
        "parent_id": None,
        "startDate": None,
        "dueDate": None,
        "date": None,
        "duration": None,
        "estimatedHours": None,
        "remainingHours": None,
        "percentageDone": None,
        "scheduleManually": True,
        "ignoreNonWorkingDays": False,
        "lockVersion": 0,
        "createdAt": "",
        "updatedAt": "",
        "custom": {},
    }


def apply_payload(demo: Demo, base: Record, body: Json, *, creating: bool) -> Outcome:
    """Apply a write payload to a copy of `base`; problems are collected, never raised."""
    store = demo.store
    outcome = Outcome(copy.deepcopy(base))
    outcome.record.setdefault("custom", {})
    status = store.get("statuses", base.get("status_id") or 0)
    frozen = not creating and bool(status and status.get("isReadonly"))
    raw_links = body.get("_links")
    links: Json = raw_links if isinstance(raw_links, dict) else {}
    _check_read_only(demo, base, body, links, outcome, creating)
    _apply_links(demo, links, outcome, frozen)
    type_ = store.get("types", outcome.record.get("type_id") or 0)
    old_type = store.get("types", base.get("type_id") or 0)
    if is_milestone(type_) != is_milestone(old_type):
        convert_dates(outcome.record, to_milestone=is_milestone(type_))
    fields = {
        f"customField{f['id']}": f
        for f in custom_fields_for_type(store, outcome.record.get("type_id"))
    }
    available = {p.name for p in properties_for(type_)}
    for name in SCALARS:
        if name in body:
            apply_scalar(outcome, name, body[name], frozen=frozen, available=available)
    for key, value in body.items():
        if key in fields and fields[key]["format"] not in LINKED_FORMATS:
            apply_custom_scalar(outcome, fields[key], value, frozen=frozen)
    for key, value in links.items():
        if key in fields:
            apply_custom_link(demo, outcome, fields[key], value, frozen=frozen)
    if not is_milestone(type_):
        schedule(outcome)
    meta = body.get("_meta")
    validate_all = isinstance(meta, dict) and meta.get("validateCustomFields") is True
    _validate(demo, base, outcome, creating=creating, validate_all=validate_all)
    return outcome


def _check_read_only(
    demo: Demo, base: Record, body: Json, links: Json, outcome: Outcome, creating: bool
) -> None:
    present = [name for name in READ_ONLY if name in body]
    current: Json = {} if creating or not present else WorkPackageRenderer(demo).element(base)
    for name in present:
        if creating or body[name] != current.get(name):
            outcome.fail(read_only(name))
    author = links.get("author")
    if isinstance(author, dict) and "href" in author:
        expected = f"/api/v3/users/{base.get('author_id')}"
        if creating or author.get("href") != expected:
            outcome.fail(read_only("author"))


def _apply_links(demo: Demo, links: Json, outcome: Outcome, frozen: bool) -> None:
    record = outcome.record
    for name, (field_name, collections) in LINKS.items():
        value = links.get(name)
        if name not in links or (isinstance(value, dict) and "href" not in value):
            continue  # an empty link object changes nothing
        outcome.touched.add(name)
        if frozen and name != "status":
            outcome.fail(read_only(name))
            outcome.link_echo[name] = value
            continue
        try:
            target = link_target(demo, name, value, collections)
        except Problem as problem:
            outcome.fail(problem)
            outcome.link_echo[name] = value
            continue
        if target is None:
            if name in REQUIRED_LINKS:
                outcome.fail(blank(name, label(name)))
                outcome.link_echo[name] = {"href": None}
            else:
                record[field_name] = None
        elif _target_exists(demo, name, target):
            record[field_name] = target
        else:
            outcome.fail(not_allowed(name, label(name)))
            outcome.link_echo[name] = {
                "href": value.get("href") if isinstance(value, dict) else None
            }


def _validate(
    demo: Demo, base: Record, outcome: Outcome, *, creating: bool, validate_all: bool
) -> None:
    """Rules over the whole candidate: presence, project membership, workflow, dates."""
    store = demo.store
    record, touched = outcome.record, outcome.touched
    project = store.get("projects", record.get("project_id") or 0)
    if creating and project is None and not outcome.failed("project"):
        outcome.fail(blank("project", "Project"))
    if creating and not (record.get("subject") or "").strip() and not outcome.failed("subject"):
        outcome.fail(blank("subject", "Subject"))
    moved = creating or record.get("project_id") != base.get("project_id")
    type_changed = record.get("type_id") != base.get("type_id")
    type_ = store.get("types", record.get("type_id") or 0)
    if (
        project is not None
        and (moved or type_changed)
        and not outcome.failed("type")
        and record.get("type_id") not in project.get("type_ids", [])
    ):
        outcome.fail(not_allowed("type", "Type"))
    status_changed = record.get("status_id") != base.get("status_id")
    if (creating or status_changed or type_changed) and not outcome.failed("status"):
        allowed = allowed_statuses(
            store,
            type_,
            None if creating else base.get("status_id"),
            keep_current=not type_changed,
        )
        if record.get("status_id") not in {s["id"] for s in allowed}:
            outcome.fail(
                constraint(
                    "status",
                    "Status is invalid because no valid transition exists from old to new status"
                    " for the current user's roles.",
                )
            )
    if project is not None:
        _check_membership(store, record, project, outcome, moved)
    if "parent" in touched and record.get("parent_id") is not None and not outcome.failed("parent"):
        _check_parent(demo, record, outcome)
    dates = {"startDate", "dueDate", "duration"} & touched
    start, due = record.get("startDate"), record.get("dueDate")
    if (creating or dates) and start and due and due < start and not outcome.failed("dueDate"):
        outcome.fail(
            constraint("dueDate", "Finish date must be greater than or equal to the start date.")
        )
    for custom_field in custom_fields_for_type(store, record.get("type_id")):
        key = f"customField{custom_field['id']}"
        if not custom_field.get("required") or outcome.failed(key):
            continue
        if creating or validate_all or key in touched:
            value = record.get("custom", {}).get(str(custom_field["id"]))
            if value is None or value == "" or value == []:
                outcome.fail(blank(key, custom_field["name"]))


def _check_membership(
    store: Store, record: Record, project: Record, outcome: Outcome, moved: bool
) -> None:
    """Version, category and people must belong to the project; a move drops stale ones."""
    members = set(project.get("member_ids", []))
    checks: list[tuple[str, str, Callable[[int], bool]]] = [
        ("version", "version_id", lambda i: _version_ok(store, i, project["id"])),
        ("category", "category_id", lambda i: _owned(store, "categories", i, project["id"])),
        ("assignee", "assignee_id", lambda i: i in members),
        ("responsible", "responsible_id", lambda i: i in members),
    ]
    for name, field_name, valid in checks:
        value = record.get(field_name)
        if value is None or outcome.failed(name) or (name not in outcome.touched and not moved):
            continue
        if not valid(value):
            if name in outcome.touched:
                outcome.fail(not_allowed(name, label(name)))
            else:
                record[field_name] = None


def _owned(store: Store, kind: str, record_id: int, project_id: int) -> bool:
    found = store.get(kind, record_id)
    return found is not None and found["project_id"] == project_id


def _version_ok(store: Store, version_id: int, project_id: int) -> bool:
    version = store.get("versions", version_id)
    return (
        version is not None
        and version["project_id"] == project_id
        and version.get("status", "open") == "open"
    )


def _check_parent(demo: Demo, record: Record, outcome: Outcome) -> None:
    parent_id = record["parent_id"]
    if record.get("id") is not None:
        renderer = WorkPackageRenderer(demo)
        below = {w["id"] for w in renderer.descendants(record["id"])}
        if parent_id == record["id"] or parent_id in below:
            outcome.fail(constraint("parent", "Parent cannot be the work package or a descendant."))
            return
    parent = demo.store.get("work_packages", parent_id)
    parent_type = None if parent is None else demo.store.get("types", parent["type_id"])
    if is_milestone(parent_type):
        outcome.fail(constraint("parent", "Parent cannot be a milestone."))


def save_update(demo: Demo, base: Record, candidate: Record) -> Record:
    """Store a changed work package: lockVersion + 1, updatedAt, a journal of the change."""
    if candidate == base:
        return base
    details = change_lines(demo.store, base, candidate)
    candidate["lockVersion"] = int(base.get("lockVersion", 0)) + 1
    candidate["updatedAt"] = after(base.get("updatedAt"))
    demo.store.save("work_packages", candidate)
    if details:
        add_journal(
            demo.store, candidate["id"], demo.user_id, details=details, at=candidate["updatedAt"]
        )
    return candidate


def create(demo: Demo, candidate: Record) -> Record:
    """Store a new work package with its creation journal (version 1)."""
    stamp = now()
    candidate["id"] = demo.store.next_id("work_packages")
    candidate["createdAt"] = candidate["updatedAt"] = stamp
    demo.store.insert("work_packages", candidate)
    add_journal(demo.store, candidate["id"], demo.user_id, at=stamp)
    return candidate


def delete(demo: Demo, record: Record) -> None:
    """Delete a work package with its descendants and what hangs off them."""
    store = demo.store
    ids = {record["id"], *(w["id"] for w in WorkPackageRenderer(demo).descendants(record["id"]))}
    with store.batch():
        for work_package_id in ids:
            store.delete("work_packages", work_package_id)
        for relation in store.all("relations"):
            if relation["from_id"] in ids or relation["to_id"] in ids:
                store.delete("relations", relation["id"])
        for kind in ("watchers", "journals", "time_entries", "notifications"):
            for found in store.all(kind):
                if found.get("work_package_id") in ids:
                    store.delete(kind, found["id"])
