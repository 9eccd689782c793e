"""Time entry writes: validation of a body, the form and schema, and activities.

`validate` applies a POST/PATCH/form body to an entry record and returns the problems, so the
write endpoints raise them (422) while the forms list them in `validationErrors` (200).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from optui.demo.forms import validation_errors
from optui.demo.hal import (
    Json,
    Problem,
    action,
    body_links,
    id_from_href,
    iso_duration,
    link,
    parse_date,
    parse_hours,
)
from optui.demo.model import Demo
from optui.demo.render import API, find_project, principal_link, project_json, project_link
from optui.demo.store import Record
from optui.demo.wp_render import work_package_link

ACTIVITY_PATH = f"{API}/time_entries/activities"
"""Real servers' route; the spec's `/time_entries/activity/{id}` is served too."""


def may_log_in(demo: Demo, project: Record) -> bool:
    """'Log own time': members of active projects."""
    return demo.can_edit_project_work(project)


def activity_link(demo: Demo, activity_id: int | None) -> Json:
    record = None if activity_id is None else demo.store.get("time_entry_activities", activity_id)
    if record is None:
        return link(None)
    return link(f"{ACTIVITY_PATH}/{record['id']}", record["name"])


def activity_json(demo: Demo, record: Record) -> Json:
    projects = [p for p in demo.visible_projects() if p.get("active", True)]
    return {
        "_type": "TimeEntriesActivity",
        "id": record["id"],
        "name": record["name"],
        "position": record["position"],
        "default": bool(record["default"]),
        "_embedded": {"projects": [project_json(demo, p) for p in projects]},
        "_links": {
            "self": activity_link(demo, record["id"]),
            "projects": [project_link(demo, p["id"]) for p in projects],
        },
    }


def _invalid(attribute: str, message: str) -> Problem:
    return Problem(422, "PropertyConstraintViolation", message, attribute=attribute)


def _activity_id(href: Any) -> int | None:
    found = id_from_href(href, "time_entries/activities")
    return found if found is not None else id_from_href(href, "time_entries/activity")


def validate(demo: Demo, entry: Record, body: Json, current: Record | None) -> list[Problem]:
    """Apply a write body to `entry` (a copy when editing); the problems found, none raised.

    Raises 403 only: logging time in a visible project where the user may not.
    """
    problems: list[Problem] = []

    def attempt(step: Callable[[], object]) -> None:
        try:
            step()
        except Problem as problem:
            problems.append(problem)

    if "hours" in body:
        attempt(lambda: entry.update(hours=parse_hours(body["hours"], "hours")))
    if "spentOn" in body:
        attempt(lambda: entry.update(spentOn=parse_date(body["spentOn"], "spentOn")))
        if body["spentOn"] is None:
            problems.append(_invalid("spentOn", "Date can't be blank."))
    if "comment" in body:
        comment = body["comment"]
        raw = comment.get("raw") if isinstance(comment, dict) else comment
        entry["comment"] = raw if isinstance(raw, str) else ""
    if "ongoing" in body:
        if isinstance(body["ongoing"], bool):
            entry["ongoing"] = body["ongoing"]
        else:
            problems.append(_invalid("ongoing", "Ongoing must be true or false."))
    problems.extend(_apply_links(demo, entry, body_links(body)))
    if (
        current is not None
        and current["ongoing"]
        and not entry["ongoing"]
        and "hours" not in body
        and entry.get("hours") is None
    ):
        entry["hours"] = elapsed_hours(current)  # stopping a timer books the time it ran
    reported = {problem.attribute for problem in problems}
    problems.extend(p for p in _check(demo, entry) if p.attribute not in reported)
    return problems


def elapsed_hours(entry: Record) -> float:
    """Hours since a timer started, at least one minute."""
    started = dt.datetime.fromisoformat(entry["createdAt"].replace("Z", "+00:00"))
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return round(max(seconds / 3600, 1 / 60), 2)


def _apply_links(demo: Demo, entry: Record, links: Json) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("workPackage", "entity"):
        if name not in links:
            continue
        href = links[name].get("href") if isinstance(links[name], dict) else None
        if href is None:
            entry["work_package_id"] = None
            continue
        work_package_id = id_from_href(href, "work_packages")
        found = None if work_package_id is None else demo.visible_work_package(work_package_id)
        if found is None:
            problems.append(_invalid(name, "Work package is invalid."))
        else:
            entry["work_package_id"] = found["id"]
    if "project" in links and entry.get("work_package_id") is None:
        href = links["project"].get("href") if isinstance(links["project"], dict) else None
        ref = href.rsplit("/", 1)[-1] if isinstance(href, str) else None
        project = None if ref is None else find_project(demo, ref)
        if href is not None and project is None:
            problems.append(_invalid("project", "Project is invalid."))
        entry["project_id"] = None if project is None else project["id"]
    if "activity" in links:
        href = links["activity"].get("href") if isinstance(links["activity"], dict) else None
        activity = demo.lookup("time_entry_activities", _activity_id(href))
        if href is None:
            problems.append(_invalid("activity", "Activity can't be blank."))
        elif activity is None or not activity.get("active", True):
            problems.append(
                _invalid("activity", "Activity is not set to one of the allowed values.")
            )
        else:
            entry["activity_id"] = activity["id"]
    if "user" in links:
        href = links["user"].get("href") if isinstance(links["user"], dict) else None
        if href not in (f"{API}/users/{demo.user_id}", f"{API}/users/me"):
            problems.append(_invalid("user", "You may only log time for yourself."))
    return problems


def _check(demo: Demo, entry: Record) -> list[Problem]:
    """Rules over the whole entry once the body is applied."""
    problems: list[Problem] = []
    work_package = (
        demo.store.get("work_packages", entry["work_package_id"])
        if entry.get("work_package_id")
        else None
    )
    if work_package is not None:
        entry["project_id"] = work_package["project_id"]  # the project follows the work package
    project = demo.store.get("projects", entry["project_id"]) if entry.get("project_id") else None
    if project is None:
        problems.append(_invalid("workPackage", "Work package can't be blank."))
    elif not may_log_in(demo, project):
        raise Problem(403, "MissingPermission", "You may not log time in this project.")
    hours = entry.get("hours")
    if hours is None and not entry["ongoing"]:
        problems.append(_invalid("hours", "Hours can't be blank."))
    elif hours is not None and hours <= 0:
        problems.append(_invalid("hours", "Hours must be greater than 0."))
    if entry["ongoing"]:
        running = [
            e
            for e in demo.store.all("time_entries")
            if e["ongoing"] and e["user_id"] == entry["user_id"] and e["id"] != entry.get("id")
        ]
        if running:
            problems.append(_invalid("ongoing", "Only one timer can run at a time."))
    return problems


# forms and schemas


def _field(type_: str, name: str, *, required: bool = True, writable: bool = True) -> Json:
    return {
        "type": type_,
        "name": name,
        "required": required,
        "hasDefault": False,
        "writable": writable,
        "options": {},
    }


def schema_json(demo: Demo, entry: Record | None) -> Json:
    """The time entry schema; with `entry` (a form's) it carries the allowed values."""
    in_form = entry is not None
    target_links: Json = (
        {"allowedValues": link(f"{API}/time_entries/available_work_packages")} if in_form else {}
    )
    schema: Json = {
        "_type": "Schema",
        "_dependencies": [],
        "id": _field("Integer", "ID", writable=False),
        "createdAt": _field("DateTime", "Created on", writable=False),
        "updatedAt": _field("DateTime", "Updated on", writable=False),
        "spentOn": _field("Date", "Date") | {"hasDefault": True},
        "hours": _field("Duration", "Hours"),
        "ongoing": _field("Boolean", "Ongoing", required=False),
        "comment": _field("Formattable", "Comment", required=False),
        "user": _field("User", "User", writable=False) | {"location": "_links", "_links": {}},
        "workPackage": _field("WorkPackage", "Work package", required=False)
        | {"location": "_links", "_links": dict(target_links)},
        "entity": _field("WorkPackage", "Entity", required=False)
        | {"location": "_links", "_links": dict(target_links)},
        "project": _field("Project", "Project", required=False)
        | {
            "location": "_links",
            "_links": {"allowedValues": link(f"{API}/time_entries/available_projects")}
            if in_form
            else {},
        },
        "activity": _field("TimeEntriesActivity", "Activity")
        | {"hasDefault": True, "location": "_links", "_links": {}},
    }
    if in_form:
        active = [a for a in demo.store.all("time_entry_activities") if a.get("active", True)]
        schema["activity"]["_links"] = {
            "allowedValues": [activity_link(demo, a["id"]) for a in active]
        }
        schema["activity"]["_embedded"] = {
            "allowedValues": [activity_json(demo, a) for a in active]
        }
        schema["_links"] = {}
    else:
        schema["_links"] = {"self": link(f"{API}/time_entries/schema")}
    return schema


def payload_json(demo: Demo, entry: Record) -> Json:
    target = (
        work_package_link(demo, entry["work_package_id"])
        if entry.get("work_package_id")
        else link(None)
    )
    return {
        "hours": iso_duration(entry.get("hours")),
        "spentOn": entry.get("spentOn"),
        "comment": {"raw": entry.get("comment") or ""},
        "ongoing": bool(entry["ongoing"]),
        "_links": {
            "project": project_link(demo, entry.get("project_id")),
            "workPackage": target,
            "entity": dict(target),
            "activity": activity_link(demo, entry.get("activity_id")),
            "user": principal_link(demo, entry["user_id"]),
        },
    }


def form_json(
    demo: Demo, self_href: str, entry: Record, body: Json, problems: list[Problem], commit: Json
) -> Json:
    """A Form: payload (invalid input echoed), schema with allowed values, errors; `commit`
    only when valid."""
    payload = payload_json(demo, entry)
    for problem in problems:
        if problem.attribute in ("hours", "spentOn") and problem.attribute in body:
            payload[problem.attribute] = body[problem.attribute]
    links: Json = {"self": action(self_href), "validate": action(self_href)}
    if not problems:
        links["commit"] = commit
    return {
        "_type": "Form",
        "_embedded": {
            "payload": payload,
            "schema": schema_json(demo, entry),
            "validationErrors": validation_errors(problems),
        },
        "_links": links,
    }
