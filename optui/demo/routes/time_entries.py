"""Time entries: list with filters, CRUD, forms, schema, activities and where time may go.

An entry targets a work package (links `workPackage` and `entity`, both accepted on input) and
its project follows from it. A running timer is an entry with `ongoing: true` and no hours;
each user has at most one; stopping it (`ongoing: false`) fills in the hours.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import (
    Json,
    Problem,
    action,
    combine,
    formattable,
    hal,
    iso_duration,
    json_body,
    link,
    not_found,
    now,
    paged_collection,
    simple_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, principal_link, project_json, project_link
from optui.demo.routes.core import filter_context
from optui.demo.routes.work_packages import work_package_list_body
from optui.demo.store import Record
from optui.demo.time_entry_forms import (
    ACTIVITY_PATH,
    activity_json,
    activity_link,
    form_json,
    may_log_in,
    schema_json,
    validate,
)
from optui.demo.wp_render import work_package_link

FIELDS = {
    "id": queries.Field(lambda r: r["id"], "id"),
    "user_id": queries.Field(lambda r: r["user_id"], "id", principal=True),
    "project_id": queries.Field(lambda r: r["project_id"], "id"),
    "work_package": queries.Field(lambda r: r["work_package_id"], "id"),
    "entity_type": queries.Field(lambda r: "WorkPackage" if r["work_package_id"] else None, "text"),
    "entity_id": queries.Field(lambda r: r["work_package_id"], "id"),
    "spent_on": queries.Field(lambda r: r["spentOn"], "date"),
    "activity_id": queries.Field(lambda r: r["activity_id"], "id"),
    "ongoing": queries.Field(lambda r: r["ongoing"], "bool"),
    "created_at": queries.Field(lambda r: r["createdAt"], "date"),
    "updated_at": queries.Field(lambda r: r["updatedAt"], "date"),
}
ALIASES = {
    "user": "user_id",
    "project": "project_id",
    "workPackage": "work_package",
    "work_package_id": "work_package",
    "entityType": "entity_type",
    "entityId": "entity_id",
    "spentOn": "spent_on",
    "activity": "activity_id",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}
SORTS: dict[str, queries.Getter] = {
    "id": lambda r: r["id"],
    "hours": lambda r: r["hours"],
    "spent_on": lambda r: r["spentOn"],
    "spentOn": lambda r: r["spentOn"],
    "created_at": lambda r: r["createdAt"],
    "createdAt": lambda r: r["createdAt"],
    "updated_at": lambda r: r["updatedAt"],
    "updatedAt": lambda r: r["updatedAt"],
}


def is_visible(demo: Demo, entry: Record) -> bool:
    return demo.visible_project(entry["project_id"]) is not None


def may_edit(demo: Demo, entry: Record) -> bool:
    """'Edit own time entries': the entry's user, in a project where they may log time."""
    project = demo.store.get("projects", entry["project_id"])
    if project is None:
        return False
    return demo.is_admin() or (entry["user_id"] == demo.user_id and may_log_in(demo, project))


def time_entry_json(demo: Demo, entry: Record) -> Json:
    href = f"{API}/time_entries/{entry['id']}"
    target = (
        work_package_link(demo, entry["work_package_id"])
        if entry.get("work_package_id")
        else link(None)
    )
    links: Json = {"self": link(href)}
    if may_edit(demo, entry):
        links["updateImmediately"] = action(href, "patch")
        links["update"] = action(f"{href}/form")
        links["delete"] = action(href, "delete")
    links.update(
        {
            "schema": link(f"{API}/time_entries/schema"),
            "project": project_link(demo, entry["project_id"]),
            "workPackage": target,
            "entity": dict(target),
            "user": principal_link(demo, entry["user_id"]),
            "activity": activity_link(demo, entry.get("activity_id")),
        }
    )
    body: Json = {"_type": "TimeEntry", "id": entry["id"], "ongoing": bool(entry["ongoing"])}
    if entry.get("hours") is not None:  # a running timer has none yet: omitted, like null
        body["hours"] = iso_duration(entry["hours"])
    body.update(
        {
            "spentOn": entry["spentOn"],
            "comment": formattable(entry.get("comment"), "plain"),
            "createdAt": entry["createdAt"],
            "updatedAt": entry["updatedAt"],
            "_links": links,
        }
    )
    return body


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def entry_or_404(request: Request) -> Record:
        entry = demo.lookup("time_entries", request.path_params["id"])
        if entry is None or not is_visible(demo, entry):
            raise not_found("The requested time entry could not be found.")
        return entry

    def editable(request: Request) -> Record:
        entry = entry_or_404(request)
        if not may_edit(demo, entry):
            raise Problem(403, "MissingPermission", "You may not change this time entry.")
        return entry

    def new_entry() -> Record:
        stamp = now()
        default = next((a for a in store.all("time_entry_activities") if a["default"]), None)
        return {
            "id": None,
            "user_id": demo.user_id,
            "project_id": None,
            "work_package_id": None,
            "activity_id": None if default is None else default["id"],
            "hours": None,
            "spentOn": demo.today().isoformat(),
            "comment": "",
            "ongoing": False,
            "createdAt": stamp,
            "updatedAt": stamp,
        }

    async def listing(request: Request) -> Response:
        filters = queries.parse_filters(request.query_params.get("filters"), FIELDS, ALIASES)
        order = queries.parse_sort(
            request.query_params.get("sortBy"), SORTS, [("spent_on", "asc"), ("id", "asc")]
        )
        ctx = filter_context(demo)
        found = [
            e
            for e in store.all("time_entries")
            if is_visible(demo, e) and queries.matches(e, filters or [], FIELDS, ctx)
        ]
        found = queries.sort_records(found, order, SORTS)
        return hal(paged_collection(request, found, lambda e: time_entry_json(demo, e)))

    async def single(request: Request) -> Response:
        return hal(time_entry_json(demo, entry_or_404(request)))

    async def create(request: Request) -> Response:
        body = await json_body(request)
        entry = new_entry()
        problems = validate(demo, entry, body, None)
        if problems:
            raise combine(problems)
        store.insert("time_entries", entry)
        return hal(time_entry_json(demo, entry), 201)

    async def update(request: Request) -> Response:
        current = editable(request)
        body = await json_body(request)
        entry = dict(current)
        problems = validate(demo, entry, body, current)
        if problems:
            raise combine(problems)
        entry["updatedAt"] = now()
        current.update(entry)
        store.save("time_entries", current)
        return hal(time_entry_json(demo, current))

    async def delete(request: Request) -> Response:
        store.delete("time_entries", editable(request)["id"])
        return Response(status_code=204)

    async def create_form(request: Request) -> Response:
        body = await json_body(request)
        entry = new_entry()
        problems = validate(demo, entry, body, None)
        commit = action(f"{API}/time_entries")
        return hal(form_json(demo, f"{API}/time_entries/form", entry, body, problems, commit))

    async def update_form(request: Request) -> Response:
        current = editable(request)
        body = await json_body(request)
        entry = dict(current)
        problems = validate(demo, entry, body, current)
        href = f"{API}/time_entries/{current['id']}"
        commit = action(href, "patch")
        return hal(form_json(demo, f"{href}/form", entry, body, problems, commit))

    async def schema(request: Request) -> Response:
        return hal(schema_json(demo, None))

    async def activity(request: Request) -> Response:
        record = demo.lookup("time_entry_activities", request.path_params["id"])
        if record is None or not record.get("active", True):
            raise not_found("The requested time entry activity could not be found.")
        return hal(activity_json(demo, record))

    async def available_projects(request: Request) -> Response:
        found = [p for p in demo.visible_projects() if may_log_in(demo, p)]
        elements = [project_json(demo, p) for p in found]
        return hal(simple_collection(elements, request.url.path))

    async def available_work_packages(request: Request) -> Response:
        allowed = [str(p["id"]) for p in demo.visible_projects() if may_log_in(demo, p)]
        raw = queries.parse_json(request.query_params.get("filters"), "Filters")
        filters: list[Any] = raw if isinstance(raw, list) else []
        filters = [*filters, {"project": {"operator": "=", "values": allowed}}]
        body = work_package_list_body(
            demo,
            request,
            filters_json=json.dumps(filters),
            sort_json=request.query_params.get("sortBy"),
            self_path=request.url.path,
        )
        return hal(body)

    base = f"{API}/time_entries"
    return [
        Route(base, listing, methods=["GET"]),
        Route(base, create, methods=["POST"]),
        Route(f"{base}/form", create_form, methods=["POST"]),
        Route(f"{base}/schema", schema, methods=["GET"]),
        Route(f"{base}/available_projects", available_projects, methods=["GET"]),
        Route(f"{base}/available_work_packages", available_work_packages, methods=["GET"]),
        Route(f"{ACTIVITY_PATH}/{{id}}", activity, methods=["GET"]),
        Route(f"{base}/activity/{{id}}", activity, methods=["GET"]),
        Route(f"{base}/{{id}}", single, methods=["GET"]),
        Route(f"{base}/{{id}}", update, methods=["PATCH"]),
        Route(f"{base}/{{id}}", delete, methods=["DELETE"]),
        Route(f"{base}/{{id}}/form", update_form, methods=["POST"]),
    ]
