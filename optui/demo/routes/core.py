"""Root, configuration, users, principals, statuses, types and priorities."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import (
    Json,
    hal,
    link,
    not_found,
    paged_collection,
    simple_collection,
)
from optui.demo.model import Demo
from optui.demo.render import (
    API,
    group_json,
    priority_json,
    status_json,
    type_json,
    user_json,
    user_name,
)
from optui.demo.store import Record


def filter_context(demo: Demo) -> queries.Context:
    closed = frozenset(s["id"] for s in demo.store.all("statuses") if s["isClosed"])
    return queries.Context(today=demo.today(), user_id=demo.user_id, closed_status_ids=closed)


USER_FIELDS = {
    "id": queries.Field(lambda r: r["id"], "id", principal=True),
    "status": queries.Field(lambda r: r.get("status", "active"), "text"),
    "login": queries.Field(lambda r: r["login"], "text"),
    "name": queries.Field(lambda r: f"{user_name(r)} {r['login']} {r.get('email', '')}", "text"),
    "any_name_attribute": queries.Field(lambda r: f"{user_name(r)} {r['login']}", "text"),
    "group": queries.Field(lambda r: r.get("group_ids", []), "id"),
}


def principal_fields(demo: Demo) -> dict[str, queries.Field]:
    def kind(record: Record) -> str:
        return "Group" if "member_ids" in record and "login" not in record else "User"

    def names(record: Record) -> str:
        if "login" in record:
            return f"{user_name(record)} {record['login']}"
        return str(record["name"])

    def member_of(record: Record) -> list[int]:
        projects = demo.store.all("projects")
        return [p["id"] for p in projects if record["id"] in p.get("member_ids", [])]

    return {
        "id": queries.Field(lambda r: r["id"], "id", principal=True),
        "type": queries.Field(kind, "text"),
        "name": queries.Field(names, "text"),
        "any_name_attribute": queries.Field(names, "text"),
        "member": queries.Field(member_of, "id"),
        "status": queries.Field(lambda r: r.get("status", "active"), "text"),
    }


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    async def root(request: Request) -> Response:
        me = demo.user()
        body: Json = {
            "_type": "Root",
            "instanceName": "OpenProject demo (optui)",
            "coreVersion": "16.6.0",
            "_links": {
                "self": link(API),
                "configuration": link(f"{API}/configuration"),
                "memberships": link(f"{API}/memberships"),
                "priorities": link(f"{API}/priorities"),
                "relations": link(f"{API}/relations"),
                "statuses": link(f"{API}/statuses"),
                "time_entries": link(f"{API}/time_entries"),
                "types": link(f"{API}/types"),
                "user": link(f"{API}/users/{me['id']}", user_name(me)),
                "userPreferences": link(f"{API}/my_preferences"),
                "workPackages": link(f"{API}/work_packages"),
                "projects": link(f"{API}/projects"),
                "notifications": link(f"{API}/notifications"),
                "queries": link(f"{API}/queries"),
            },
        }
        return hal(body)

    async def configuration(request: Request) -> Response:
        return hal(
            {
                "_type": "Configuration",
                "maximumAttachmentFileSize": 5242880,
                "hostName": request.url.netloc,
                "perPageOptions": [20, 100],
                "durationFormat": "hours_and_minutes",
                "activeFeatureFlags": [],
                "_links": {"self": link(f"{API}/configuration")},
                "_embedded": {
                    "userPreferences": {
                        "_type": "UserPreferences",
                        "timeZone": "Etc/UTC",
                        "commentSortDescending": False,
                        "warnOnLeavingUnsaved": True,
                        "_links": {"self": link(f"{API}/my_preferences")},
                    }
                },
            }
        )

    async def users(request: Request) -> Response:
        filters = queries.parse_filters(request.query_params.get("filters"), USER_FIELDS) or []
        ctx = filter_context(demo)
        order = queries.parse_sort(
            request.query_params.get("sortBy"),
            {"id": lambda r: r["id"], "name": user_name, "login": lambda r: r["login"]},
            [("id", "asc")],
        )
        found = [u for u in store.all("users") if queries.matches(u, filters, USER_FIELDS, ctx)]
        found = queries.sort_records(
            found,
            order,
            {"id": lambda r: r["id"], "name": user_name, "login": lambda r: r["login"]},
        )
        return hal(paged_collection(request, found, lambda u: user_json(demo, u)))

    async def user(request: Request) -> Response:
        ref = request.path_params["id"]
        record = demo.user() if ref == "me" else demo.lookup("users", ref)
        if record is None:
            raise not_found("The requested user could not be found.")
        return hal(user_json(demo, record))

    async def group(request: Request) -> Response:
        record = demo.lookup("groups", request.path_params["id"])
        if record is None:
            raise not_found()
        return hal(group_json(record, demo))

    async def principals(request: Request) -> Response:
        fields = principal_fields(demo)
        filters = queries.parse_filters(request.query_params.get("filters"), fields) or []
        ctx = filter_context(demo)
        everyone = store.all("users") + store.all("groups")
        found = [p for p in everyone if queries.matches(p, filters, fields, ctx)]

        def render(record: Record) -> Json:
            return user_json(demo, record) if "login" in record else group_json(record, demo)

        return hal(paged_collection(request, found, render))

    def listing(kind: str, render_fn: Callable[[Record], Json], title: str) -> tuple[Route, Route]:
        """Statuses, types and priorities: an unpaginated list and a single resource."""

        async def collection(request: Request) -> Response:
            elements = [render_fn(r) for r in store.all(kind)]
            return hal(simple_collection(elements, f"{API}/{kind}"))

        async def single(request: Request) -> Response:
            record = demo.lookup(kind, request.path_params["id"])
            if record is None:
                raise not_found(f"The requested {title} could not be found.")
            return hal(render_fn(record))

        return (
            Route(f"{API}/{kind}", collection, methods=["GET"]),
            Route(f"{API}/{kind}/{{id}}", single, methods=["GET"]),
        )

    return [
        Route(API, root, methods=["GET"]),
        Route(f"{API}/", root, methods=["GET"]),
        Route(f"{API}/configuration", configuration, methods=["GET"]),
        Route(f"{API}/users", users, methods=["GET"]),
        Route(f"{API}/users/{{id}}", user, methods=["GET"]),
        Route(f"{API}/groups/{{id}}", group, methods=["GET"]),
        Route(f"{API}/principals", principals, methods=["GET"]),
        *listing("statuses", status_json, "status"),
        *listing("types", type_json, "type"),
        *listing("priorities", priority_json, "priority"),
    ]
