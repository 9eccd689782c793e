"""Work packages: lists (global, per project), single resources, create, forms and schemas."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.forms import form_json
from optui.demo.hal import (
    Json,
    Problem,
    action,
    body_links,
    combine,
    forbidden,
    hal,
    invalid_query,
    json_body,
    not_found,
    paged_collection,
    simple_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, find_project, project_json, user_json
from optui.demo.store import Record
from optui.demo.wp_payload import link_target
from optui.demo.wp_query import list_body
from optui.demo.wp_render import work_package_href, work_package_json
from optui.demo.wp_schema import etag, schema_json, sums_schema_json
from optui.demo.wp_write import (
    apply_payload,
    check_lock_version,
    create,
    delete,
    new_work_package,
    save_update,
)

NOT_FOUND = "The requested resource could not be found."


def work_package_list_body(
    demo: Demo,
    request: Request,
    *,
    project: Record | None = None,
    filters_json: str | None = None,
    sort_json: str | None = None,
    group_by: str | None = None,
    self_path: str | None = None,
) -> Json:
    """The `WorkPackageCollection` body of a list; the JSON arguments default to the request's
    `filters`, `sortBy` and `groupBy` (queries pass their saved ones)."""
    return list_body(
        demo,
        request,
        project=project,
        filters_json=filters_json,
        sort_json=sort_json,
        group_by=group_by,
        self_path=self_path,
    )


def _matches_etag(header: str | None, tag: str) -> bool:
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    given = [part.strip() for part in header.split(",")]
    return "*" in given or any(part.removeprefix("W/") == wanted for part in given)


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def work_package_or_404(request: Request) -> Record:
        record = demo.lookup("work_packages", request.path_params["id"])
        if record is None or demo.visible_project(record["project_id"]) is None:
            raise not_found(NOT_FOUND)
        return record

    def project_or_404(request: Request) -> Record:
        project = find_project(demo, request.path_params["id"])
        if project is None:
            raise not_found("The requested project could not be found.")
        return project

    def require_edit(project_id: int | None) -> None:
        project = store.get("projects", project_id or 0)
        if project is None or not demo.can_edit_project_work(project):
            raise forbidden("You are not authorized to change work packages in this project.")

    def body_project(body: Json) -> Record | None:
        """The visible project a create payload names in `_links.project`, if any."""
        try:
            target = link_target(demo, "project", body_links(body).get("project"), ("projects",))
        except Problem:
            return None
        return demo.visible_project(target)

    # lists and single work packages

    async def list_all(request: Request) -> Response:
        return hal(work_package_list_body(demo, request))

    async def list_in_project(request: Request) -> Response:
        project = project_or_404(request)
        return hal(work_package_list_body(demo, request, project=project))

    async def show(request: Request) -> Response:
        return hal(work_package_json(demo, work_package_or_404(request)))

    async def update(request: Request) -> Response:
        record = work_package_or_404(request)
        body = await json_body(request)
        require_edit(record["project_id"])  # 403 wins over 409
        check_lock_version(body, record, required=True)
        outcome = apply_payload(demo, record, body, creating=False)
        if outcome.problems:
            raise combine(outcome.problems)
        return hal(work_package_json(demo, save_update(demo, record, outcome.record)))

    async def remove(request: Request) -> Response:
        record = work_package_or_404(request)
        require_edit(record["project_id"])
        delete(demo, record)
        return Response(status_code=204)

    async def finish_create(body: Json, project: Record | None) -> Response:
        if project is not None:
            require_edit(project["id"])
        outcome = apply_payload(demo, new_work_package(demo, project), body, creating=True)
        if outcome.problems:
            raise combine(outcome.problems)
        created = create(demo, outcome.record)
        href = work_package_href(created["id"])
        return hal(work_package_json(demo, created), 201, headers={"Location": href})

    async def create_global(request: Request) -> Response:
        body = await json_body(request)
        return await finish_create(body, body_project(body))

    async def create_in_project(request: Request) -> Response:
        project = project_or_404(request)
        body = await json_body(request)
        body_links(body).pop("project", None)  # the URL names the project
        return await finish_create(body, project)

    # forms

    async def create_form_global(request: Request) -> Response:
        body = await json_body(request)
        project = body_project(body)
        if project is not None:
            require_edit(project["id"])
        outcome = apply_payload(demo, new_work_package(demo, project), body, creating=True)
        commit = action(f"{API}/work_packages")
        form = form_json(demo, outcome, base=None, self_href=request.url.path, commit=commit)
        return hal(form)

    async def create_form_in_project(request: Request) -> Response:
        project = project_or_404(request)
        body = await json_body(request)
        require_edit(project["id"])
        body_links(body).pop("project", None)
        outcome = apply_payload(demo, new_work_package(demo, project), body, creating=True)
        commit = action(request.url.path.removesuffix("/form"))
        form = form_json(demo, outcome, base=None, self_href=request.url.path, commit=commit)
        return hal(form)

    async def edit_form(request: Request) -> Response:
        record = work_package_or_404(request)
        body = await json_body(request)
        require_edit(record["project_id"])
        check_lock_version(body, record, required=False)
        outcome = apply_payload(demo, record, body, creating=False)
        commit = action(work_package_href(record["id"]), "patch")
        form = form_json(demo, outcome, base=record, self_href=request.url.path, commit=commit)
        return hal(form)

    # schemas

    def schema_for(identifier: str) -> Json | None:
        match = re.fullmatch(r"(\d+)-(\d+)", identifier)
        if match is None:
            return None
        project = demo.visible_project(int(match.group(1)))
        type_ = store.get("types", int(match.group(2)))
        if project is None or type_ is None or type_["id"] not in project.get("type_ids", []):
            return None
        return schema_json(store, project, type_)

    async def schema(request: Request) -> Response:
        body = schema_for(request.path_params["identifier"])
        if body is None:
            raise not_found("The specified schema does not exist.")
        tag = etag(body)
        if _matches_etag(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers={"ETag": tag})
        return hal(body, headers={"ETag": tag})

    async def sums_schema(request: Request) -> Response:
        body = sums_schema_json(store)
        return hal(body, headers={"ETag": etag(body)})

    async def schemas(request: Request) -> Response:
        raw = request.query_params.get("filters")
        data = queries.parse_json(raw, "Filters")
        wanted: list[str] | None = None
        if isinstance(data, list):
            for entry in data:
                spec = entry.get("id") if isinstance(entry, dict) else None
                if isinstance(spec, dict) and spec.get("operator") == "=":
                    values = spec.get("values")
                    if isinstance(values, list) and all(isinstance(v, str) for v in values):
                        wanted = values
        if wanted is None:
            raise invalid_query("Filters must contain an id filter with the = operator.")
        found = [body for value in wanted if (body := schema_for(value)) is not None]
        self_href = f"{API}/work_packages/schemas?filters={quote(raw or '', safe='')}"
        return hal(simple_collection(found, self_href))

    # people and projects a work package may take

    async def available_assignees(request: Request) -> Response:
        # users only, like the project variant (the spec's model allows `User` elements only)
        record = work_package_or_404(request)
        require_edit(record["project_id"])
        project = store.get("projects", record["project_id"]) or {}
        members = [store.get("users", uid) for uid in project.get("member_ids", [])]
        elements = [user_json(demo, m) for m in members if m is not None]
        return hal(simple_collection(elements, request.url.path))

    async def relation_candidates(request: Request) -> Response:
        """Work packages this one may be related to: visible, not itself, not yet related;
        `query` matches the id or the subject, `pageSize` defaults to 10."""
        record = work_package_or_404(request)
        query = (request.query_params.get("query") or "").strip().lstrip("#").casefold()
        try:
            size = max(0, min(int(request.query_params.get("pageSize") or 10), 1000))
        except ValueError:
            raise invalid_query("pageSize must be a number.") from None
        taken = {record["id"]}
        for relation in store.all("relations"):
            if record["id"] in (relation["from_id"], relation["to_id"]):
                taken.update((relation["from_id"], relation["to_id"]))
        found = [
            wp
            for wp in store.all("work_packages")
            if wp["id"] not in taken
            and demo.visible_project(wp["project_id"]) is not None
            and (not query or query == str(wp["id"]) or query in wp["subject"].casefold())
        ]
        found.sort(key=lambda wp: wp["id"])
        elements = [work_package_json(demo, wp) for wp in found[:size]]
        body = simple_collection(elements, str(request.url.path))
        body["total"] = len(found)
        return hal(body)

    def addable_projects() -> list[Record]:
        return [p for p in demo.visible_projects() if demo.can_edit_project_work(p)]

    async def available_projects(request: Request) -> Response:
        found = addable_projects()
        return hal(paged_collection(request, found, lambda p: project_json(demo, p)))

    async def available_projects_for(request: Request) -> Response:
        record = work_package_or_404(request)
        require_edit(record["project_id"])
        found = addable_projects()
        return hal(paged_collection(request, found, lambda p: project_json(demo, p)))

    wp = f"{API}/work_packages"
    result = [
        Route(wp, list_all, methods=["GET"]),
        Route(wp, create_global, methods=["POST"]),
        Route(f"{wp}/form", create_form_global, methods=["POST"]),
        Route(f"{wp}/schemas", schemas, methods=["GET"]),
        Route(f"{wp}/schemas/sums", sums_schema, methods=["GET"]),
        Route(f"{wp}/schemas/{{identifier}}", schema, methods=["GET"]),
        Route(f"{wp}/available_projects", available_projects, methods=["GET"]),
        Route(f"{wp}/{{id}}", show, methods=["GET"]),
        Route(f"{wp}/{{id}}", update, methods=["PATCH"]),
        Route(f"{wp}/{{id}}", remove, methods=["DELETE"]),
        Route(f"{wp}/{{id}}/form", edit_form, methods=["POST"]),
        Route(f"{wp}/{{id}}/available_assignees", available_assignees, methods=["GET"]),
        Route(f"{wp}/{{id}}/available_projects", available_projects_for, methods=["GET"]),
        Route(f"{wp}/{{id}}/available_relation_candidates", relation_candidates, methods=["GET"]),
    ]
    for scope in ("projects", "workspaces"):  # 17.x serves both; the project routes are deprecated
        base = f"{API}/{scope}/{{id}}/work_packages"
        result += [
            Route(base, list_in_project, methods=["GET"]),
            Route(base, create_in_project, methods=["POST"]),
            Route(f"{base}/form", create_form_in_project, methods=["POST"]),
        ]
    return result
