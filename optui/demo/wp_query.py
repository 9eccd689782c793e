"""Work package lists: scope, filters, sortBy, groupBy, showSums and select, as OpenProject
answers `GET /api/v3/work_packages` and its project variant.

Everything is computed over the in-memory records with look-ups built once per request, so a list
over 10,000 work packages costs a few passes over dictionaries.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request

from optui.demo import queries
from optui.demo.hal import Json, Problem, action, invalid_query, iso_duration, link, page_params
from optui.demo.model import Demo
from optui.demo.render import API, descendant_ids
from optui.demo.routes.core import filter_context
from optui.demo.store import Record
from optui.demo.wp_filters import ALIASES, Lookups, filter_fields, sortable
from optui.demo.wp_render import VALUE_LINKS, WorkPackageRenderer
from optui.demo.wp_schema import custom_field_key

DEFAULT_FILTERS = '[{"status":{"operator":"o","values":[]}}]'
"""Without `filters`, OpenProject lists open work packages only."""
GROUP_BYS = {
    "status": ("status_id", "statuses", "Status"),
    "type": ("type_id", "types", "Type"),
    "priority": ("priority_id", "priorities", "Priority"),
    "assignee": ("assignee_id", "principals", "Assignee"),
    "responsible": ("responsible_id", "principals", "Accountable"),
    "version": ("version_id", "versions", "Version"),
    "category": ("category_id", "categories", "Category"),
    "project": ("project_id", "projects", "Project"),
    "author": ("author_id", "principals", "Author"),
}
SELECTABLE = frozenset(
    {
        "*",
        "total",
        "count",
        "pageSize",
        "offset",
        "self",
        "elements/*",
        "elements/id",
        "elements/subject",
        "elements/startDate",
        "elements/dueDate",
        "elements/date",
        "elements/self",
        "elements/project",
        "elements/author",
        "elements/assignee",
        "elements/responsible",
    }
)
"""What `select` may name for work packages; anything else is 400 InvalidSignal."""


def _subject_or_id(record: Record, values: tuple[str, ...]) -> bool:
    needle = values[0].strip()
    if needle.lstrip("#").isdigit() and int(needle.lstrip("#")) == record["id"]:
        return True
    return needle.casefold() in record["subject"].casefold()


def _scope(
    demo: Demo, project: Record | None, filters: list[queries.Filter]
) -> tuple[set[int], list[queries.Filter]]:
    """Project ids to list from, and the filters left to evaluate per record."""
    visible = {p["id"] for p in demo.visible_projects()}
    rest = [f for f in filters if f.name not in ("subprojectId", "only_subproject")]
    if project is None:
        scope = set(visible)
    else:
        below = set(descendant_ids(demo, project["id"])) & visible
        scope = {project["id"]} | below
    for flt in filters:
        if flt.name not in ("subprojectId", "only_subproject"):
            continue
        ids = {int(v) for v in flt.values}
        if flt.name == "only_subproject" and flt.operator == "=":
            scope = ids & visible
        elif flt.name == "subprojectId" and project is not None:
            below = scope - {project["id"]}
            if flt.operator == "!*":
                scope = {project["id"]}
            elif flt.operator == "=":
                scope = {project["id"]} | (below & ids)
            elif flt.operator == "!":
                scope = {project["id"]} | (below - ids)
    return scope, rest


def _sums(renderer: WorkPackageRenderer, records: list[Record]) -> Json:
    def total(name: str) -> float:
        return sum(float(r[name]) for r in records if r.get(name) is not None)

    sums: Json = {
        "estimatedTime": iso_duration(total("estimatedHours")),
        "remainingTime": iso_duration(total("remainingHours")),
        "spentTime": iso_duration(sum(renderer.spent_hours(r["id"]) for r in records)),
    }
    for custom_field in renderer.store.all("custom_fields"):
        if custom_field["format"] in ("int", "float"):
            key = str(custom_field["id"])
            values = [(r.get("custom") or {}).get(key) for r in records]
            found = sum(v for v in values if isinstance(v, int | float))
            sums[custom_field_key(custom_field)] = (
                round(found, 2) if custom_field["format"] == "float" else int(found)
            )
    return sums


def _groups(
    renderer: WorkPackageRenderer, records: list[Record], group_by: str, show_sums: bool
) -> list[Json]:
    field_name, kind, title = GROUP_BYS[group_by]
    members: dict[Any, list[Record]] = {}
    for record in records:
        members.setdefault(record.get(field_name), []).append(record)
    groups: list[Json] = []
    for value, found in members.items():
        value_link = renderer.value_link(kind, value)
        group: Json = {
            "value": value_link.get("title"),
            "count": len(found),
            "_links": {
                "valueLink": [] if value_link["href"] is None else [value_link],
                "groupBy": link(f"{API}/queries/group_bys/{group_by}", title),
            },
        }
        if show_sums:
            group["sums"] = _sums(renderer, found)
        groups.append(group)
    return groups


def _selection(raw: str | None) -> set[str] | None:
    if raw is None or not raw.strip():
        return None
    chosen = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(chosen - SELECTABLE)
    if unknown:
        raise Problem(
            400,
            "InvalidSignal",
            f"The select parameter contains unsupported properties: {', '.join(unknown)}.",
        )
    return chosen


def _selected_element(renderer: WorkPackageRenderer, record: Record, chosen: set[str]) -> Json:
    type_ = renderer.store.get("types", record["type_id"])
    milestone = bool(type_ and type_.get("isMilestone"))
    element: Json = {}
    for name in ("id", "subject"):
        if f"elements/{name}" in chosen:
            element[name] = record[name]
    if not milestone:
        for name in ("startDate", "dueDate"):
            if f"elements/{name}" in chosen:
                element[name] = record.get(name)
    elif "elements/date" in chosen:
        element["date"] = record.get("date")
    links: Json = {}
    if "elements/self" in chosen:
        links["self"] = link(f"{API}/work_packages/{record['id']}", record["subject"])
    for name, kind, field_name in VALUE_LINKS:
        if f"elements/{name}" in chosen:
            links[name] = renderer.value_link(kind, record.get(field_name))
    if links:
        element["_links"] = links
    return element


def _query_string(params: dict[str, str]) -> str:
    return urlencode(sorted(params.items()), quote_via=quote, safe="")


def list_body(
    demo: Demo,
    request: Request,
    *,
    project: Record | None,
    filters_json: str | None,
    sort_json: str | None,
    group_by: str | None,
    self_path: str | None,
) -> Json:
    """The `WorkPackageCollection` for a list request (see `routes.work_packages`)."""
    query = request.query_params
    raw_filters = query.get("filters") if filters_json is None else filters_json
    raw_sort = query.get("sortBy") if sort_json is None else sort_json
    group = query.get("groupBy") if group_by is None else group_by
    group = ALIASES.get(group, group) if group else None
    if group is not None and group not in GROUP_BYS:
        raise invalid_query(f"Group by {group!r} is not a valid group-by column.")
    show_sums = query.get("showSums", "").lower() in ("true", "t", "1")
    chosen = _selection(query.get("select"))
    look = Lookups(demo)
    fields, aliases = filter_fields(demo, look)
    filters = queries.parse_filters(raw_filters or DEFAULT_FILTERS, fields, aliases) or []
    columns = sortable(look)
    order = queries.parse_sort(raw_sort, columns, [("id", "asc")])
    if group is not None and (not order or order[0][0] != group):
        order = [(group, "asc"), *order]
    scope, rest = _scope(demo, project, filters)
    special = [f for f in rest if f.name == "subjectOrId"]
    plain = [f for f in rest if f.name != "subjectOrId"]
    ctx = filter_context(demo)
    found = [
        w
        for w in demo.store.all("work_packages")
        if w["project_id"] in scope
        and queries.matches(w, plain, fields, ctx)
        and all(_subject_or_id(w, f.values) for f in special)
    ]
    found = queries.sort_records(found, order, columns)
    offset, size = page_params(request)
    page = found[(offset - 1) * size : (offset - 1) * size + size] if size else []
    renderer = WorkPackageRenderer(demo)

    params = {
        "filters": raw_filters if raw_filters is not None else DEFAULT_FILTERS,
        "sortBy": json.dumps([list(pair) for pair in order], separators=(",", ":")),
    }
    if group is not None:
        params["groupBy"] = group
    if show_sums:
        params["showSums"] = "true"
    if chosen is not None:
        params["select"] = query["select"]
    path = self_path or request.url.path

    def href(page_offset: str, page_size: str) -> str:
        return f"{path}?{_query_string({**params, 'offset': page_offset, 'pageSize': page_size})}"

    links: Json = {
        "self": link(href(str(offset), str(size))),
        "jumpTo": link(href("{offset}", str(size)), templated=True),
        "changeSize": link(href(str(offset), "{size}"), templated=True),
    }
    if offset > 1:
        links["previousByOffset"] = link(href(str(offset - 1), str(size)))
    if size and offset * size < len(found):
        links["nextByOffset"] = link(href(str(offset + 1), str(size)))
    if chosen is not None and "*" not in chosen:
        return _selected_body(renderer, found, page, chosen, offset, size, links["self"])

    may_add = (
        demo.can_edit_project_work(project)
        if project is not None
        else any(demo.can_edit_project_work(p) for p in demo.visible_projects())
    )
    base = f"{API}/projects/{project['id']}/work_packages" if project else f"{API}/work_packages"
    if may_add:
        links["createWorkPackage"] = action(f"{base}/form")
        links["createWorkPackageImmediate"] = action(base)
        links["editWorkPackage"] = action(
            f"{API}/work_packages/{{work_package_id}}/form", templated=True
        )
    if page:
        pairs = sorted({f"{w['project_id']}-{w['type_id']}" for w in page})
        ids = json.dumps([{"id": {"operator": "=", "values": pairs}}], separators=(",", ":"))
        links["schemas"] = link(f"{API}/work_packages/schemas?{_query_string({'filters': ids})}")
    if show_sums:
        links["sumsSchema"] = link(f"{API}/work_packages/schemas/sums")
    body: Json = {
        "_type": "WorkPackageCollection",
        "total": len(found),
        "count": len(page),
        "pageSize": size,
        "offset": offset,
    }
    if group is not None:
        body["groups"] = _groups(renderer, found, group, show_sums)
    if show_sums:
        body["totalSums"] = _sums(renderer, found)
    body["_embedded"] = {"elements": [renderer.element(w) for w in page]}
    body["_links"] = links
    return body


def _selected_body(
    renderer: WorkPackageRenderer,
    found: list[Record],
    page: list[Record],
    chosen: set[str],
    offset: int,
    size: int,
    self_link: Json,
) -> Json:
    """Only the selected parts of the collection (`select=total,elements/id,…`)."""
    body: Json = {}
    values = {"total": len(found), "count": len(page), "pageSize": size, "offset": offset}
    for name, value in values.items():
        if name in chosen:
            body[name] = value
    if "elements/*" in chosen:
        body["_embedded"] = {"elements": [renderer.element(w) for w in page]}
    elif any(c.startswith("elements/") for c in chosen):
        body["_embedded"] = {"elements": [_selected_element(renderer, w, chosen) for w in page]}
    if "self" in chosen:
        body["_links"] = {"self": self_link}
    return body
