"""Work package forms: the status workflow, allowed values, and the `Form` body.

The workflow (what status a work package may move to) is a small fixed table, so that some moves
are forbidden and clients can see the form narrow its choices:

| type                    | statuses it may use                                       |
|-------------------------|-----------------------------------------------------------|
| milestones (Milestone)  | New, Scheduled, Closed, On hold, Rejected                 |
| Bug                     | every status except In specification and Specified       |
| every other type        | every status                                              |

From a closed status (Closed, Rejected) a work package may only go back to New or In progress
(when its type uses them). The current status is always allowed (staying put), unless the same
change also switches the type to one that does not use it. A new work package may start in any
status its type uses. A read-only status (Rejected) freezes every property except `status`.

A form answers 200 whatever the payload: `validationErrors` tells what is wrong and `commit`
appears only when nothing is. The schema it embeds carries `allowedValues`: inline lists for
status, type, priority, category, version and list/version custom fields, a collection link for
people, project and user custom fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from optui.demo.hal import Json, Problem, action, formattable, iso_duration, link
from optui.demo.model import Demo
from optui.demo.render import (
    API,
    category_json,
    priority_json,
    status_json,
    type_json,
    version_json,
)
from optui.demo.store import Record, Store
from optui.demo.wp_render import VALUE_LINKS, WorkPackageRenderer, custom_option_json
from optui.demo.wp_schema import (
    LINKED_FORMATS,
    custom_field_key,
    custom_fields_for_type,
    is_milestone,
    schema_json,
    writable_properties,
)

if TYPE_CHECKING:
    from optui.demo.wp_payload import Outcome

NEW, SCHEDULED, IN_PROGRESS, CLOSED, ON_HOLD, REJECTED = 1, 6, 7, 12, 13, 14
MILESTONE_STATUSES = frozenset({NEW, SCHEDULED, CLOSED, ON_HOLD, REJECTED})
"""Statuses a milestone may use."""
BUG_TYPE_ID = 7
SPECIFICATION_STATUSES = frozenset({2, 3})
"""In specification and Specified: bugs skip them."""
REOPEN_STATUSES = frozenset({NEW, IN_PROGRESS})
"""Where a closed work package may go."""


def type_statuses(store: Store, type_: Record | None) -> list[Record]:
    """The statuses a type uses, by position."""
    statuses = sorted(store.all("statuses"), key=lambda s: s["position"])
    if type_ is not None and type_.get("isMilestone"):
        return [s for s in statuses if s["id"] in MILESTONE_STATUSES]
    if type_ is not None and type_["id"] == BUG_TYPE_ID:
        return [s for s in statuses if s["id"] not in SPECIFICATION_STATUSES]
    return statuses


def allowed_statuses(
    store: Store, type_: Record | None, current_id: int | None, *, keep_current: bool = True
) -> list[Record]:
    """Where a work package of `type_` in status `current_id` may go (None: a new one)."""
    pool = type_statuses(store, type_)
    current = None if current_id is None else store.get("statuses", current_id)
    if current is not None and current["isClosed"]:
        pool = [s for s in pool if s["id"] in REOPEN_STATUSES]
    ids = {s["id"] for s in pool}
    if current is not None and keep_current:
        ids.add(current["id"])
    return [s for s in sorted(store.all("statuses"), key=lambda s: s["position"]) if s["id"] in ids]


def _inline(links: Sequence[Json], embedded: Sequence[Json]) -> Json:
    return {
        "_links": {"allowedValues": list(links)},
        "_embedded": {"allowedValues": list(embedded)},
    }


def _records(records: Sequence[Record], kind: str, render: Callable[[Record], Json]) -> Json:
    return _inline(
        [link(f"{API}/{kind}/{r['id']}", r["name"]) for r in records],
        [render(r) for r in records],
    )


def assignable_versions(store: Store, project_id: int | None) -> list[Record]:
    """Open versions of the project (locked and closed ones take no new work)."""
    return [
        v
        for v in store.all("versions")
        if v["project_id"] == project_id and v.get("status", "open") == "open"
    ]


def allowed_values(
    demo: Demo,
    project: Record | None,
    type_: Record | None,
    *,
    work_package_id: int | None,
    current_status_id: int | None,
    keep_current: bool,
) -> dict[str, Json]:
    """The `allowedValues` a form-embedded schema adds, per property."""
    store = demo.store
    project_id = None if project is None else project["id"]
    type_ids = None if project is None else project.get("type_ids", [])
    types = [t for t in store.all("types") if type_ids is None or t["id"] in type_ids]
    statuses = allowed_statuses(store, type_, current_status_id, keep_current=keep_current)
    priorities = [p for p in store.all("priorities") if p.get("isActive", True)]
    categories = [c for c in store.all("categories") if c["project_id"] == project_id]
    versions = assignable_versions(store, project_id)
    result: dict[str, Json] = {
        "status": _records(statuses, "statuses", status_json),
        "type": _records(types, "types", type_json),
        "priority": _records(priorities, "priorities", priority_json),
        "category": _records(categories, "categories", lambda c: category_json(demo, c)),
        "version": _records(versions, "versions", lambda v: version_json(demo, v)),
    }
    people: str | None
    if work_package_id is not None:
        people = f"{API}/work_packages/{work_package_id}/available_assignees"
        result["project"] = {
            "_links": {
                "allowedValues": link(f"{API}/work_packages/{work_package_id}/available_projects")
            }
        }
    else:
        people = None if project_id is None else f"{API}/projects/{project_id}/available_assignees"
        result["project"] = {
            "_links": {"allowedValues": link(f"{API}/work_packages/available_projects")}
        }
    if people is not None:
        result["assignee"] = result["responsible"] = {"_links": {"allowedValues": link(people)}}
    for field in custom_fields_for_type(store, None if type_ is None else type_["id"]):
        key = custom_field_key(field)
        if field["format"] == "list":
            options = sorted(
                store.find("custom_options", custom_field_id=field["id"]),
                key=lambda o: o["position"],
            )
            result[key] = _inline(
                [link(f"{API}/custom_options/{o['id']}", o["value"]) for o in options],
                [custom_option_json(o) for o in options],
            )
        elif field["format"] == "version":
            result[key] = _records(versions, "versions", lambda v: version_json(demo, v))
        elif field["format"] == "user" and project_id is not None:
            href = f"{API}/projects/{project_id}/available_assignees"
            result[key] = {"_links": {"allowedValues": link(href)}}
    return result


def payload_json(renderer: WorkPackageRenderer, outcome: Outcome, *, base: Record | None) -> Json:
    """The form's `payload`: the writable properties of the candidate, invalid input echoed."""
    creating = base is None
    record = outcome.record
    store = renderer.store
    type_ = store.get("types", record.get("type_id") or 0)
    body: Json = {}
    if not creating:
        body["lockVersion"] = record.get("lockVersion", 0)
    body["subject"] = record.get("subject") or ""
    body["description"] = formattable(record.get("description"))
    body["scheduleManually"] = record.get("scheduleManually", True)
    if is_milestone(type_):
        body["date"] = record.get("date")
    else:
        body["startDate"] = record.get("startDate")
        body["dueDate"] = record.get("dueDate")
        days = record.get("duration")
        body["duration"] = None if days is None else iso_duration(days * 24)
    body["estimatedTime"] = iso_duration(record.get("estimatedHours"))
    body["remainingTime"] = iso_duration(record.get("remainingHours"))
    body["percentageDone"] = record.get("percentageDone")
    body["ignoreNonWorkingDays"] = bool(record.get("ignoreNonWorkingDays", False))
    links: Json = {}
    for name, kind, field_name in VALUE_LINKS:
        if name != "author":
            links[name] = renderer.value_link(kind, record.get(field_name))
    links["parent"] = renderer.value_link("work_packages", record.get("parent_id"))
    values = record.get("custom") or {}
    for field in custom_fields_for_type(store, None if type_ is None else type_["id"]):
        key = custom_field_key(field)
        value = values.get(str(field["id"]))
        if field["format"] in LINKED_FORMATS:
            links[key] = renderer.custom_link(field, value)
        elif field["format"] == "text":
            body[key] = formattable(value)
        else:
            body[key] = value
    body.update(outcome.echo)
    links.update(outcome.link_echo)
    writable = writable_properties(store, type_, base)
    body = {k: v for k, v in body.items() if k in writable or k == "lockVersion"}
    body["_links"] = {k: v for k, v in links.items() if k in writable}
    return body


def validation_errors(problems: Sequence[Problem]) -> Json:
    """`validationErrors`: one Error per property, `MultipleErrors` where a property has more."""
    by_attribute: dict[str, list[Problem]] = {}
    for problem in problems:
        by_attribute.setdefault(problem.attribute or "base", []).append(problem)
    result: Json = {}
    for attribute, found in by_attribute.items():
        if len(found) == 1:
            result[attribute] = found[0].body()
        else:
            several = Problem(
                422,
                "MultipleErrors",
                "Multiple field constraints have been violated.",
                errors=found,
            )
            result[attribute] = several.body()
    return result


def form_json(
    demo: Demo,
    outcome: Outcome,
    *,
    base: Record | None,
    self_href: str,
    commit: Json,
) -> Json:
    """A work package form; `base` is the stored work package (None on create)."""
    store = demo.store
    record = outcome.record
    project = store.get("projects", record.get("project_id") or 0)
    type_ = store.get("types", record.get("type_id") or 0)
    allowed = allowed_values(
        demo,
        project,
        type_,
        work_package_id=None if base is None else base["id"],
        current_status_id=None if base is None else base["status_id"],
        keep_current=base is None or base["type_id"] == record.get("type_id"),
    )
    schema = schema_json(store, project, type_, work_package=base, allowed=allowed)
    renderer = WorkPackageRenderer(demo)
    context = (
        f"?context={API}/work_packages/{base['id']}"
        if base is not None
        else ("" if project is None else f"?context={API}/projects/{project['id']}")
    )
    links: Json = {
        "self": action(self_href),
        "validate": action(self_href),
        "previewMarkup": action(f"{API}/render/markdown{context}"),
    }
    if not outcome.problems:
        links["commit"] = commit
    return {
        "_type": "Form",
        "_embedded": {
            "payload": payload_json(renderer, outcome, base=base),
            "schema": schema,
            "validationErrors": validation_errors(outcome.problems),
        },
        "_links": links,
    }
