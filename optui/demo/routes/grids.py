"""Grids: boards (one `work_package_query` widget per column) and the user's My page.

A grid's scope is a web path: `/projects/<identifier>/boards` for a project's boards, `/my/page`
for the user's own page. The list filter is `scope` (servers) or `page` (the spec's spelling).
"""

from __future__ import annotations

import copy
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.forms import validation_errors
from optui.demo.hal import (
    Json,
    Problem,
    action,
    body_links,
    combine,
    hal,
    json_body,
    link,
    not_found,
    now,
    paged_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, find_project
from optui.demo.routes.core import filter_context
from optui.demo.store import Record

MY_PAGE = "/my/page"
_BOARDS = re.compile(r"/projects/([^/]+)/boards")
WIDGET_FIELDS = ("startRow", "endRow", "startColumn", "endColumn")


def scope_project(demo: Demo, scope: str) -> Record | None:
    """The visible project of a board scope (identifier or id), None for any other scope."""
    match = _BOARDS.fullmatch(scope)
    return None if match is None else find_project(demo, match.group(1))


def scopes_of(demo: Demo, grid: Record) -> list[str]:
    """Every spelling of a grid's scope a filter may use."""
    project = scope_project(demo, grid["scope"])
    if project is None:
        return [grid["scope"]]
    return [grid["scope"], f"/projects/{project['id']}/boards"]


def is_visible(demo: Demo, grid: Record) -> bool:
    if grid["scope"] == MY_PAGE:
        return bool(grid.get("user_id") == demo.user_id)
    return scope_project(demo, grid["scope"]) is not None


def may_edit(demo: Demo, grid: Record) -> bool:
    if grid["scope"] == MY_PAGE:
        return bool(grid.get("user_id") == demo.user_id)
    project = scope_project(demo, grid["scope"])
    return project is not None and demo.can_edit_project_work(project)


def widget_json(widget: Json) -> Json:
    body: Json = {"_type": "GridWidget", "id": widget.get("id"), "identifier": widget["identifier"]}
    body.update({key: widget[key] for key in WIDGET_FIELDS})
    body["options"] = widget.get("options") or {}
    return body


def grid_json(demo: Demo, grid: Record) -> Json:
    href = f"{API}/grids/{grid['id']}"
    links: Json = {
        "self": link(href, grid.get("name") or "Grid"),
        "scope": link(grid["scope"], type="text/html"),
    }
    if may_edit(demo, grid):
        links["update"] = action(f"{href}/form")
        links["updateImmediately"] = action(href, "patch")
        if grid["scope"] != MY_PAGE:  # a My page cannot be deleted
            links["delete"] = action(href, "delete")
    return {
        "_type": "Grid",
        "id": grid["id"],
        "name": grid.get("name"),
        "rowCount": grid["rowCount"],
        "columnCount": grid["columnCount"],
        "options": grid.get("options") or {},
        "widgets": [widget_json(w) for w in grid["widgets"]],
        "createdAt": grid["createdAt"],
        "updatedAt": grid["updatedAt"],
        "_links": links,
    }


def _invalid(attribute: str, message: str) -> Problem:
    return Problem(422, "PropertyConstraintViolation", message, attribute=attribute)


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def apply_body(demo: Demo, grid: Record, body: Json, *, creating: bool) -> list[Problem]:
    """Write a body onto a grid record; returns the validation problems (nothing raised)."""
    problems: list[Problem] = []
    for key in ("rowCount", "columnCount"):
        if key in body:
            if _positive(body[key]):
                grid[key] = body[key]
            else:
                problems.append(_invalid(key, f"{key} must be a number greater than 0."))
    if "name" in body:
        grid["name"] = body["name"] if isinstance(body["name"], str) else None
    if "options" in body:
        if isinstance(body["options"], dict):
            grid["options"] = body["options"]
        else:
            problems.append(_invalid("options", "Options must be an object."))
    if "widgets" in body:
        widgets = _widgets_from_body(demo, body["widgets"], grid["widgets"])
        if widgets is None:
            problems.append(_invalid("widgets", "Widgets are invalid."))
        else:
            grid["widgets"] = widgets
    scope = body_links(body).get("scope")
    if isinstance(scope, dict) and scope.get("href") != grid.get("scope"):
        if creating:
            grid["scope"] = scope.get("href")
        else:
            problems.append(
                Problem(422, "PropertyIsReadOnly", "Scope cannot be changed.", attribute="scope")
            )
    if creating:
        problems.extend(_scope_problems(demo, grid))
    problems.extend(_layout_problems(grid))
    return problems


def _widgets_from_body(demo: Demo, raw: object, current: list[Json]) -> list[Json] | None:
    if not isinstance(raw, list):
        return None
    known = {w.get("id") for w in current}
    next_id = (
        max((w.get("id") or 0 for g in demo.store.all("grids") for w in g["widgets"]), default=0)
        + 1
    )
    widgets: list[Json] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("identifier"), str):
            return None
        if not all(_positive(item.get(key)) for key in WIDGET_FIELDS):
            return None
        options = item.get("options") or {}
        if not isinstance(options, dict):
            return None
        widget_id = item.get("id")
        if widget_id not in known or widget_id is None:
            widget_id, next_id = next_id, next_id + 1
        widgets.append(
            {"id": widget_id, "identifier": item["identifier"], "options": options}
            | {key: item[key] for key in WIDGET_FIELDS}
        )
    return widgets


def _layout_problems(grid: Record) -> list[Problem]:
    """Widgets must lie inside the grid (end rows/columns exclusive) and must not overlap."""
    taken: set[tuple[int, int]] = set()
    for widget in grid["widgets"]:
        rows = range(widget["startRow"], widget["endRow"])
        columns = range(widget["startColumn"], widget["endColumn"])
        if (
            not rows
            or not columns
            or widget["endRow"] > grid["rowCount"] + 1
            or widget["endColumn"] > grid["columnCount"] + 1
        ):
            return [_invalid("widgets", "Widgets is outside of the grid.")]
        cells = {(r, c) for r in rows for c in columns}
        if cells & taken:
            return [_invalid("widgets", "Widgets overlap.")]
        taken |= cells
    return []


def _scope_problems(demo: Demo, grid: Record) -> list[Problem]:
    scope = grid.get("scope")
    if not isinstance(scope, str) or not scope:
        return [_invalid("scope", "Scope can't be blank.")]
    if scope == MY_PAGE:
        mine = [g for g in demo.store.all("grids") if is_visible(demo, g) and g["scope"] == scope]
        return [_invalid("scope", "Scope has already been taken.")] if mine else []
    project = scope_project(demo, scope)
    if project is None:
        return [_invalid("scope", "Scope is not set to one of the allowed values.")]
    if not demo.can_edit_project_work(project):
        raise Problem(403, "MissingPermission", "You may not manage boards in this project.")
    grid["scope"] = f"/projects/{project['identifier']}/boards"
    return []


def grid_fields(demo: Demo) -> dict[str, queries.Field]:
    return {
        "scope": queries.Field(lambda g: scopes_of(demo, g), "text"),
        "id": queries.Field(lambda g: g["id"], "id"),
    }


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def grid_or_404(request: Request) -> Record:
        grid = demo.lookup("grids", request.path_params["id"])
        if grid is None or not is_visible(demo, grid):
            raise not_found("The requested grid could not be found.")
        return grid

    def editable(request: Request) -> Record:
        grid = grid_or_404(request)
        if not may_edit(demo, grid):
            raise Problem(403, "MissingPermission", "You are not authorized to change this grid.")
        return grid

    def new_grid() -> Record:
        stamp = now()
        return {
            "id": None,
            "name": None,
            "scope": None,
            "rowCount": 1,
            "columnCount": 1,
            "options": {},
            "widgets": [],
            "user_id": demo.user_id,
            "createdAt": stamp,
            "updatedAt": stamp,
        }

    def form(self_href: str, commit: Json, grid: Record, problems: list[Problem]) -> Json:
        payload: Json = {
            "name": grid.get("name"),
            "rowCount": grid["rowCount"],
            "columnCount": grid["columnCount"],
            "options": grid.get("options") or {},
            "widgets": [widget_json(w) for w in grid["widgets"]],
            "_links": {"scope": link(grid.get("scope"), type="text/html")},
        }
        links: Json = {"self": action(self_href), "validate": action(self_href)}
        if not problems:
            links["commit"] = commit
        return {
            "_type": "Form",
            "_embedded": {
                "payload": payload,
                "schema": GRID_SCHEMA,
                "validationErrors": validation_errors(problems),
            },
            "_links": links,
        }

    async def listing(request: Request) -> Response:
        fields = grid_fields(demo)
        filters = queries.parse_filters(
            request.query_params.get("filters"), fields, {"page": "scope"}
        )
        ctx = filter_context(demo)
        found = [
            g
            for g in store.all("grids")
            if is_visible(demo, g) and queries.matches(g, filters or [], fields, ctx)
        ]
        return hal(paged_collection(request, found, lambda g: grid_json(demo, g), default_size=30))

    async def get_one(request: Request) -> Response:
        return hal(grid_json(demo, grid_or_404(request)))

    async def create(request: Request) -> Response:
        grid = new_grid()
        problems = apply_body(demo, grid, await json_body(request), creating=True)
        if problems:
            raise combine(problems)
        if grid["scope"] != MY_PAGE:
            grid["user_id"] = None
        store.insert("grids", grid)
        return hal(grid_json(demo, grid), 201)

    async def create_form(request: Request) -> Response:
        grid = new_grid()
        problems = apply_body(demo, grid, await json_body(request), creating=True)
        return hal(form(f"{API}/grids/form", action(f"{API}/grids"), grid, problems))

    async def update(request: Request) -> Response:
        grid = editable(request)
        changed = copy.deepcopy(grid)
        problems = apply_body(demo, changed, await json_body(request), creating=False)
        if problems:
            raise combine(problems)
        changed["updatedAt"] = now()
        grid.update(changed)
        store.save("grids", grid)
        return hal(grid_json(demo, grid))

    async def update_form(request: Request) -> Response:
        grid = copy.deepcopy(editable(request))
        problems = apply_body(demo, grid, await json_body(request), creating=False)
        href = f"{API}/grids/{grid['id']}"
        return hal(form(f"{href}/form", action(href, "patch"), grid, problems))

    async def delete(request: Request) -> Response:
        grid = editable(request)
        if grid["scope"] == MY_PAGE:
            raise Problem(403, "MissingPermission", "A My page cannot be deleted.")
        store.delete("grids", grid["id"])
        return Response(status_code=204)

    base = f"{API}/grids"
    return [
        Route(base, listing, methods=["GET"]),
        Route(base, create, methods=["POST"]),
        Route(f"{base}/form", create_form, methods=["POST"]),
        Route(f"{base}/{{id}}", get_one, methods=["GET"]),
        Route(f"{base}/{{id}}", update, methods=["PATCH"]),
        Route(f"{base}/{{id}}", delete, methods=["DELETE"]),
        Route(f"{base}/{{id}}/form", update_form, methods=["POST"]),
    ]


def _field(type_: str, name: str, *, required: bool = True, writable: bool = True) -> Json:
    return {
        "type": type_,
        "name": name,
        "required": required,
        "hasDefault": False,
        "writable": writable,
    }


GRID_SCHEMA: Json = {
    "_type": "Schema",
    "_dependencies": [],
    "id": _field("Integer", "ID", writable=False),
    "name": _field("String", "Name", required=False),
    "rowCount": _field("Integer", "Number of rows"),
    "columnCount": _field("Integer", "Number of columns"),
    "options": _field("JSON", "Options", required=False),
    "widgets": _field("[]GridWidget", "Widgets") | {"_links": {}},
    "scope": _field("Href", "Page", writable=False) | {"_links": {}},
    "createdAt": _field("DateTime", "Created on", writable=False),
    "updatedAt": _field("DateTime", "Updated on", writable=False),
    "_links": {},
}
"""The grid form's schema: the same for every grid (widgets are free-form here)."""
