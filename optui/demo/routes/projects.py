"""Projects (tree via parent links, filters, paging), their versions, categories, types and
available assignees."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import hal, not_found, paged_collection, simple_collection
from optui.demo.model import Demo
from optui.demo.render import (
    API,
    ancestor_ids,
    category_json,
    find_project,
    project_json,
    type_json,
    user_json,
    version_json,
)
from optui.demo.routes.core import filter_context
from optui.demo.store import Record


def project_fields(demo: Demo) -> dict[str, queries.Field]:
    return {
        "id": queries.Field(lambda r: r["id"], "id"),
        "active": queries.Field(lambda r: r.get("active", True), "bool"),
        "public": queries.Field(lambda r: r.get("public", False), "bool"),
        "name_and_identifier": queries.Field(lambda r: f"{r['name']} {r['identifier']}", "text"),
        "typeahead": queries.Field(lambda r: f"{r['name']} {r['identifier']}", "search"),
        "parent_id": queries.Field(lambda r: r.get("parent_id"), "id"),
        "ancestor": queries.Field(lambda r: ancestor_ids(demo, r), "id"),
        "type_id": queries.Field(lambda r: r.get("type_ids", []), "id"),
        "principal": queries.Field(lambda r: r.get("member_ids", []), "id", principal=True),
        "created_at": queries.Field(lambda r: r["createdAt"], "date"),
        "updated_at": queries.Field(lambda r: r["updatedAt"], "date"),
        "project_status_code": queries.Field(lambda r: r.get("status_code"), "text"),
        "visible": queries.Field(lambda r: [demo.user_id], "id", principal=True),
    }


PROJECT_ALIASES = {"parent": "parent_id", "parentId": "parent_id", "createdAt": "created_at"}

PROJECT_SORTS: dict[str, queries.Getter] = {
    "id": lambda r: r["id"],
    "name": lambda r: r["name"],
    "identifier": lambda r: r["identifier"],
    "created_at": lambda r: r["createdAt"],
    "updated_at": lambda r: r["updatedAt"],
    "lft": lambda r: r.get("lft", r["id"]),
}


def tree_order(projects: list[Record]) -> list[Record]:
    """Projects in depth-first tree order (OpenProject's `lft`), siblings by name."""
    by_parent: dict[int | None, list[Record]] = {}
    ids = {p["id"] for p in projects}
    for project in projects:
        parent = project.get("parent_id")
        by_parent.setdefault(parent if parent in ids else None, []).append(project)
    ordered: list[Record] = []

    def visit(parent: int | None) -> None:
        for child in sorted(by_parent.get(parent, []), key=lambda p: p["name"].casefold()):
            ordered.append(child)
            visit(child["id"])

    visit(None)
    return ordered


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def project_or_404(request: Request) -> Record:
        project = find_project(demo, request.path_params["id"])
        if project is None:
            raise not_found("The requested project could not be found.")
        return project

    async def projects(request: Request) -> Response:
        fields = project_fields(demo)
        filters = queries.parse_filters(
            request.query_params.get("filters"), fields, PROJECT_ALIASES
        )
        ctx = filter_context(demo)
        found = [
            p for p in demo.visible_projects() if queries.matches(p, filters or [], fields, ctx)
        ]
        order = queries.parse_sort(request.query_params.get("sortBy"), PROJECT_SORTS, [])
        found = queries.sort_records(found, order, PROJECT_SORTS) if order else tree_order(found)
        return hal(paged_collection(request, found, lambda p: project_json(demo, p)))

    async def project(request: Request) -> Response:
        return hal(project_json(demo, project_or_404(request)))

    async def versions(request: Request) -> Response:
        found = store.find("versions", project_id=project_or_404(request)["id"])
        elements = [version_json(demo, v) for v in found]
        return hal(simple_collection(elements, request.url.path))

    async def categories(request: Request) -> Response:
        found = store.find("categories", project_id=project_or_404(request)["id"])
        elements = [category_json(demo, c) for c in found]
        return hal(simple_collection(elements, request.url.path))

    async def project_types(request: Request) -> Response:
        type_ids = project_or_404(request).get("type_ids", [])
        elements = [type_json(t) for t in store.all("types") if t["id"] in type_ids]
        return hal(simple_collection(elements, request.url.path))

    async def available_assignees(request: Request) -> Response:
        # users only, as on an instance without group assignment: the spec's
        # Available_AssigneesModel allows nothing but `User` elements
        found = project_or_404(request)
        members = [store.get("users", uid) for uid in found.get("member_ids", [])]
        elements = [user_json(demo, m) for m in members if m is not None]
        return hal(simple_collection(elements, request.url.path))

    async def all_versions(request: Request) -> Response:
        visible = {p["id"] for p in demo.visible_projects()}
        found = [v for v in store.all("versions") if v["project_id"] in visible]
        return hal(paged_collection(request, found, lambda v: version_json(demo, v)))

    async def version(request: Request) -> Response:
        record = demo.lookup("versions", request.path_params["id"])
        if record is None or demo.visible_project(record["project_id"]) is None:
            raise not_found("The requested version could not be found.")
        return hal(version_json(demo, record))

    async def version_projects(request: Request) -> Response:
        record = demo.lookup("versions", request.path_params["id"])
        owner = None if record is None else demo.visible_project(record["project_id"])
        if owner is None:
            raise not_found("The requested version could not be found.")
        return hal(simple_collection([project_json(demo, owner)], request.url.path))

    async def category(request: Request) -> Response:
        record = demo.lookup("categories", request.path_params["id"])
        if record is None or demo.visible_project(record["project_id"]) is None:
            raise not_found("The requested category could not be found.")
        return hal(category_json(demo, record))

    base = f"{API}/projects/{{id}}"
    return [
        Route(f"{API}/projects", projects, methods=["GET"]),
        Route(base, project, methods=["GET"]),
        Route(f"{base}/versions", versions, methods=["GET"]),
        Route(f"{base}/categories", categories, methods=["GET"]),
        Route(f"{base}/types", project_types, methods=["GET"]),
        Route(f"{base}/available_assignees", available_assignees, methods=["GET"]),
        Route(f"{API}/versions", all_versions, methods=["GET"]),
        Route(f"{API}/versions/{{id}}", version, methods=["GET"]),
        Route(f"{API}/versions/{{id}}/projects", version_projects, methods=["GET"]),
        Route(f"{API}/categories/{{id}}", category, methods=["GET"]),
    ]
