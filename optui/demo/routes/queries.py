"""Saved queries: list, single with embedded results, defaults, create, update, stars.

The embedded results come from the work package list itself, so a query shows exactly what its
`results` link returns; GET parameters override the saved filters, order and grouping for that
one response.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import (
    Json,
    Problem,
    hal,
    json_body,
    not_found,
    now,
    page_params,
    simple_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, find_project
from optui.demo.routes.core import filter_context
from optui.demo.routes.work_packages import work_package_list_body
from optui.demo.saved_queries import (
    DEFAULT_COLUMNS,
    DEFAULT_FILTERS,
    DEFAULT_SORT,
    apply_body,
    compact_json,
    invalid,
    is_visible,
    may_edit,
    query_json,
    results_path,
    with_overrides,
)
from optui.demo.store import Record

QUERY_FIELDS = {
    "id": queries.Field(lambda r: r["id"], "id"),
    "project": queries.Field(lambda r: r["project_id"], "id"),
    "updated_at": queries.Field(lambda r: r["updatedAt"], "date"),
    "hidden": queries.Field(lambda r: r["hidden"], "bool"),
    "starred": queries.Field(lambda r: r["starred"], "bool"),
}
QUERY_ALIASES = {"project_id": "project", "updatedAt": "updated_at"}


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def query_or_404(request: Request) -> Record:
        record = demo.lookup("queries", request.path_params["id"])
        if record is None or not is_visible(demo, record):
            raise not_found("The requested query could not be found.")
        return record

    def results_of(request: Request, record: Record) -> Json:
        project = demo.store.get("projects", record["project_id"] or 0)
        return work_package_list_body(
            demo,
            request,
            project=project,
            filters_json=compact_json(record["filters"]),
            sort_json=compact_json(record["sortBy"]),
            group_by=record.get("groupBy"),
            self_path=results_path(record["project_id"]),
        )

    def single(request: Request, record: Record, self_href: str | None = None) -> Json:
        offset, size = page_params(request)
        results = results_of(request, record)
        return query_json(
            demo, record, results=results, self_href=self_href, offset=offset, page_size=size
        )

    def checked_results(request: Request, record: Record) -> Json:
        """Results of a query about to be saved: a bad filter is the client's 422."""
        try:
            return results_of(request, record)
        except Problem as problem:
            if problem.status != 400:
                raise
            raise invalid("filters", problem.message) from None

    async def listing(request: Request) -> Response:
        filters = queries.parse_filters(
            request.query_params.get("filters"), QUERY_FIELDS, QUERY_ALIASES
        )
        ctx = filter_context(demo)
        found = [
            r
            for r in store.all("queries")
            if is_visible(demo, r) and queries.matches(r, filters or [], QUERY_FIELDS, ctx)
        ]
        elements = [query_json(demo, r) for r in found]
        return hal(simple_collection(elements, f"{API}/queries"))

    async def default(request: Request) -> Response:
        project = None
        if "id" in request.path_params:
            project = find_project(demo, request.path_params["id"])
            if project is None:
                raise not_found("The requested project could not be found.")
        record: Record = {
            "id": None,
            "name": "default",
            "project_id": None if project is None else project["id"],
            "user_id": demo.user_id,
            "public": False,
            "starred": False,
            "hidden": False,
            "filters": DEFAULT_FILTERS,
            "sortBy": DEFAULT_SORT,
            "groupBy": None,
            "columns": DEFAULT_COLUMNS,
            "showSums": False,
        }
        record = with_overrides(record, request)
        return hal(single(request, record, request.url.path))

    async def get_one(request: Request) -> Response:
        record = with_overrides(query_or_404(request), request)
        return hal(single(request, record))

    async def create(request: Request) -> Response:
        body = await json_body(request)
        stamp = now()
        record: Record = {
            "id": None,
            "name": "",
            "project_id": None,
            "user_id": demo.user_id,
            "public": False,
            "starred": False,
            "hidden": False,
            "filters": list(DEFAULT_FILTERS),
            "sortBy": list(DEFAULT_SORT),
            "groupBy": None,
            "columns": list(DEFAULT_COLUMNS),
            "showSums": False,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        if "name" not in body:
            raise invalid("name", "Name can't be blank.")
        apply_body(demo, record, body)
        checked_results(request, record)
        store.insert("queries", record)
        return hal(single(request, record), 201)

    def editable(request: Request) -> Record:
        record = query_or_404(request)
        if not may_edit(demo, record):
            raise Problem(403, "MissingPermission", "You may not change this query.")
        return record

    async def update(request: Request) -> Response:
        record = editable(request)
        body = await json_body(request)
        changed = copy.deepcopy(record)
        apply_body(demo, changed, body)
        checked_results(request, changed)
        changed["updatedAt"] = now()
        record.update(changed)
        store.save("queries", record)
        return hal(single(request, record))

    async def delete(request: Request) -> Response:
        record = editable(request)
        store.delete("queries", record["id"])
        return Response(status_code=204)

    def starring(starred: bool) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            record = editable(request)
            record["starred"] = starred
            record["updatedAt"] = now()
            store.save("queries", record)
            return hal(single(request, record))

        return handler

    base = f"{API}/queries"
    return [
        Route(base, listing, methods=["GET"]),
        Route(base, create, methods=["POST"]),
        Route(f"{base}/default", default, methods=["GET"]),
        Route(f"{API}/projects/{{id}}/queries/default", default, methods=["GET"]),
        Route(f"{API}/workspaces/{{id}}/queries/default", default, methods=["GET"]),
        Route(f"{base}/{{id}}", get_one, methods=["GET"]),
        Route(f"{base}/{{id}}", update, methods=["PATCH"]),
        Route(f"{base}/{{id}}", delete, methods=["DELETE"]),
        Route(f"{base}/{{id}}/star", starring(True), methods=["PATCH"]),
        Route(f"{base}/{{id}}/unstar", starring(False), methods=["PATCH"]),
    ]
