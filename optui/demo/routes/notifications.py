"""In-app notifications of the demo user: list with filters and groups, details, read/unread.

Only the current user's notifications on work packages they can still see exist for them;
anything else is 404. Marking (single or bulk by filter) answers 204 and bumps `updatedAt`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import (
    Json,
    action,
    hal,
    invalid_query,
    link,
    not_found,
    now,
    paged_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, principal_link, project_json, project_link, user_json
from optui.demo.routes.activities import activity_json
from optui.demo.routes.core import filter_context
from optui.demo.store import Record
from optui.demo.wp_render import work_package_json, work_package_link

FIELDS = {
    "id": queries.Field(lambda r: r["id"], "id"),
    "readIAN": queries.Field(lambda r: r["read"], "bool"),
    "reason": queries.Field(lambda r: r["reason"], "text"),
    "project": queries.Field(lambda r: r["project_id"], "id"),
    "resourceId": queries.Field(lambda r: r["work_package_id"], "id"),
    "resourceType": queries.Field(lambda r: "WorkPackage", "text"),
}
ALIASES = {
    "read_ian": "readIAN",
    "project_id": "project",
    "resource_id": "resourceId",
    "resource_type": "resourceType",
}
SORTS: dict[str, queries.Getter] = {
    "id": lambda r: r["id"],
    "reason": lambda r: r["reason"],
    "readIAN": lambda r: r["read"],
    "read_ian": lambda r: r["read"],
    "createdAt": lambda r: r["createdAt"],
    "created_at": lambda r: r["createdAt"],
    "updatedAt": lambda r: r["updatedAt"],
    "updated_at": lambda r: r["updatedAt"],
}
DETAIL_NAMES = {"startDate": "Start date", "dueDate": "Finish date", "date": "Date"}


def value_schema(prop: str) -> Json:
    """The schema of one `Values::Property` detail (`/api/v3/values/schema/{property}`)."""
    return {
        "_type": "Schema",
        "property": {"name": "Property", "type": "String"},
        "value": {"name": DETAIL_NAMES[prop], "type": "Date"},
        "_links": {"self": link(f"{API}/values/schema/{prop}")},
    }


def detail_json(notification: Record, index: int) -> Json:
    detail = notification["details"][index]
    return {
        "_type": "Values::Property",
        "property": detail["property"],
        "value": detail["value"],
        "_links": {
            "self": link(f"{API}/notifications/{notification['id']}/details/{index}"),
            "schema": link(f"{API}/values/schema/{detail['property']}"),
        },
    }


def notification_json(demo: Demo, record: Record) -> Json:
    href = f"{API}/notifications/{record['id']}"
    work_package = demo.store.get("work_packages", record["work_package_id"])
    actor = demo.store.get("users", record["actor_id"]) if record.get("actor_id") else None
    journal = demo.store.get("journals", record["journal_id"]) if record.get("journal_id") else None
    project = demo.store.get("projects", record["project_id"])
    links: Json = {"self": link(href)}
    if record["read"]:
        links["unreadIAN"] = action(f"{href}/unread_ian")
    else:
        links["readIAN"] = action(f"{href}/read_ian")
    links.update(
        {
            "actor": principal_link(demo, None if actor is None else actor["id"]),
            "project": project_link(demo, record["project_id"]),
            "activity": link(None if journal is None else f"{API}/activities/{journal['id']}"),
            "resource": work_package_link(demo, record["work_package_id"]),
            "details": [link(f"{href}/details/{n}") for n in range(len(record.get("details", [])))],
        }
    )
    embedded: Json = {}
    if actor is not None:
        embedded["actor"] = user_json(demo, actor)
    if project is not None:
        embedded["project"] = project_json(demo, project)
    if journal is not None:
        embedded["activity"] = activity_json(demo, journal)
    if work_package is not None:
        embedded["resource"] = work_package_json(demo, work_package)
    embedded["details"] = [detail_json(record, n) for n in range(len(record.get("details", [])))]
    return {
        "_type": "Notification",
        "id": record["id"],
        "readIAN": bool(record["read"]),
        "reason": record["reason"],
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "_embedded": embedded,
        "_links": links,
    }


def mine(demo: Demo) -> list[Record]:
    """The current user's notifications on work packages they can see."""
    return [
        n
        for n in demo.store.all("notifications")
        if n["user_id"] == demo.user_id and demo.visible_work_package(n["work_package_id"])
    ]


def matching(demo: Demo, request: Request) -> list[Record]:
    filters = queries.parse_filters(request.query_params.get("filters"), FIELDS, ALIASES)
    ctx = filter_context(demo)
    return [n for n in mine(demo) if queries.matches(n, filters or [], FIELDS, ctx)]


def groups(demo: Demo, found: list[Record], group_by: str) -> list[Json]:
    """`groups` over all matches: one per reason or per project, with counts."""
    counts: dict[object, int] = {}
    for record in found:
        key = record["reason"] if group_by == "reason" else record["project_id"]
        counts[key] = counts.get(key, 0) + 1
    result: list[Json] = []
    for key, count in counts.items():
        if group_by == "reason":
            result.append({"value": key, "count": count, "_links": {"valueLink": []}})
            continue
        project = project_link(demo, key if isinstance(key, int) else None)
        result.append(
            {"value": project.get("title"), "count": count, "_links": {"valueLink": [project]}}
        )
    return sorted(result, key=lambda g: str(g["value"]).casefold())


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def notification_or_404(request: Request, key: str = "id") -> Record:
        record = demo.lookup("notifications", request.path_params[key])
        if (
            record is None
            or record["user_id"] != demo.user_id
            or demo.visible_work_package(record["work_package_id"]) is None
        ):
            raise not_found()
        return record

    def mark(records: list[Record], read: bool) -> None:
        stamp = now()
        with store.batch():
            for record in records:
                if record["read"] != read:
                    record["read"] = read
                    record["updatedAt"] = stamp
                    store.save("notifications", record)

    async def listing(request: Request) -> Response:
        found = matching(demo, request)
        order = queries.parse_sort(request.query_params.get("sortBy"), SORTS, [("id", "asc")])
        found = queries.sort_records(found, order, SORTS)
        extra: Json = {}
        group_by = request.query_params.get("groupBy")
        if group_by:
            if group_by not in ("reason", "project"):
                raise invalid_query(f"Group by {group_by} is not a valid group criterion.")
            extra["groups"] = groups(demo, found, group_by)
        body = paged_collection(request, found, lambda n: notification_json(demo, n), extra=extra)
        body["_embedded"]["detailsSchemas"] = [value_schema(p) for p in DETAIL_NAMES]
        return hal(body)

    async def single(request: Request) -> Response:
        return hal(notification_json(demo, notification_or_404(request)))

    async def detail(request: Request) -> Response:
        record = notification_or_404(request, "notification_id")
        index = request.path_params["id"]
        if not index.isdigit() or int(index) >= len(record.get("details", [])):
            raise not_found()
        return hal(detail_json(record, int(index)))

    async def schema(request: Request) -> Response:
        prop = request.path_params["id"]
        if prop not in DETAIL_NAMES:
            raise not_found()
        return hal(value_schema(prop))

    def marker(read: bool, bulk: bool) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            mark(matching(demo, request) if bulk else [notification_or_404(request)], read)
            return Response(status_code=204)

        return handler

    base = f"{API}/notifications"
    return [
        Route(base, listing, methods=["GET"]),
        Route(f"{base}/read_ian", marker(True, bulk=True), methods=["POST"]),
        Route(f"{base}/unread_ian", marker(False, bulk=True), methods=["POST"]),
        Route(f"{base}/{{id}}", single, methods=["GET"]),
        Route(f"{base}/{{id}}/read_ian", marker(True, bulk=False), methods=["POST"]),
        Route(f"{base}/{{id}}/unread_ian", marker(False, bulk=False), methods=["POST"]),
        Route(f"{base}/{{notification_id}}/details/{{id}}", detail, methods=["GET"]),
        Route(f"{API}/values/schema/{{id}}", schema, methods=["GET"]),
    ]
