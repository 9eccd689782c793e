"""Saved work package queries: their representation and how writes and overrides change them.

Filters are stored in the API's list form (`[{"status": {"operator": "o", "values": []}}]`) and
rendered as OpenProject's filter instances: `values` for plain values, `_links.values` for
resources. Columns, sort criteria and grouping are rendered as links named by API property.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlencode

from starlette.requests import Request

from optui.demo import queries
from optui.demo.hal import Json, Problem, action, body_links, invalid_query, link
from optui.demo.model import Demo
from optui.demo.render import API, find_project, principal_link, project_link, ref_link
from optui.demo.store import Record

DEFAULT_COLUMNS = ["id", "subject", "type", "status", "priority", "assignee", "updatedAt"]
DEFAULT_FILTERS: list[Json] = [{"status": {"operator": "o", "values": []}}]
DEFAULT_SORT = [["id", "asc"]]

DATABASE_NAMES = {
    "status_id": "status",
    "type_id": "type",
    "assigned_to_id": "assignee",
    "assigned_to": "assignee",
    "responsible_id": "responsible",
    "priority_id": "priority",
    "version_id": "version",
    "fixed_version_id": "version",
    "category_id": "category",
    "project_id": "project",
    "author_id": "author",
    "parent_id": "parent",
    "due_date": "dueDate",
    "start_date": "startDate",
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "done_ratio": "percentageDone",
    "estimated_hours": "estimatedTime",
    "subject_or_id": "subjectOrId",
}
"""Database spellings servers accept for filters, columns and sort criteria."""

TITLES = {
    "id": "ID",
    "subject": "Subject",
    "type": "Type",
    "status": "Status",
    "priority": "Priority",
    "assignee": "Assignee",
    "responsible": "Accountable",
    "author": "Author",
    "project": "Project",
    "version": "Version",
    "category": "Category",
    "parent": "Parent",
    "startDate": "Start date",
    "dueDate": "Finish date",
    "date": "Date",
    "createdAt": "Created on",
    "updatedAt": "Updated on",
    "estimatedTime": "Work",
    "remainingTime": "Remaining work",
    "spentTime": "Spent time",
    "percentageDone": "% Complete",
    "subjectOrId": "Subject or ID",
    "search": "Search",
    "watcher": "Watcher",
}

OPERATOR_TITLES = {
    "=": "is",
    "!": "is not",
    "&=": "is all of",
    "o": "open",
    "c": "closed",
    "*": "is not empty",
    "!*": "is empty",
    "~": "contains",
    "!~": "doesn't contain",
    "**": "search",
    ">=": ">=",
    "<=": "<=",
    "t": "today",
    "w": "this week",
    "=d": "on",
    "<>d": "between",
    "t-": "days ago",
    "t+": "in",
    ">t-": "less than days ago",
    "<t-": "more than days ago",
    "<t+": "in less than",
    ">t+": "in more than",
}

RESOURCE_FILTERS = {
    "status": "statuses",
    "type": "types",
    "priority": "priorities",
    "version": "versions",
    "category": "categories",
    "project": "projects",
    "assignee": "users",
    "responsible": "users",
    "author": "users",
    "watcher": "users",
    "id": "work_packages",
    "parent": "work_packages",
}
"""Filters whose values are resources: rendered as `_links.values`, not as `values`."""


def api_name(name: str) -> str:
    return DATABASE_NAMES.get(name, name)


def title(name: str) -> str:
    """The display name of a filter or column (`customField3` and unknowns humanized)."""
    name = api_name(name)
    if name in TITLES:
        return TITLES[name]
    words = re.sub(r"(?<!^)(?=[A-Z0-9])", " ", name).lower()
    return words[:1].upper() + words[1:]


def _encode(params: dict[str, str]) -> str:
    return urlencode(sorted(params.items()), quote_via=quote, safe="")


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# representation


def filter_instance(demo: Demo, entry: Json) -> Json:
    """One stored filter (`{"status": {"operator": "=", "values": ["1"]}}`) as an instance."""
    ((raw_name, spec),) = entry.items()
    name = api_name(raw_name)
    operator = str(spec.get("operator"))
    values = [str(v) for v in spec.get("values") or []]
    label = title(name)
    body: Json = {"_type": f"{name[:1].upper()}{name[1:]}QueryFilter", "name": label}
    links: Json = {
        "filter": link(f"{API}/queries/filters/{name}", label),
        "operator": link(
            f"{API}/queries/operators/{quote(operator, safe='')}",
            OPERATOR_TITLES.get(operator, operator),
        ),
        "schema": link(f"{API}/queries/filter_instance_schemas/{name}"),
    }
    kind = RESOURCE_FILTERS.get(name)
    if kind is None:
        body["values"] = values
    else:
        links["values"] = [_value_link(demo, kind, value) for value in values]
    body["_links"] = links
    return body


def _value_link(demo: Demo, kind: str, value: str) -> Json:
    if value == "me" and kind == "users":
        return link(f"{API}/users/me", "me")
    if not value.isdigit():
        return link(f"{API}/{kind}/{value}")
    record_id = int(value)
    if kind == "users":
        found = principal_link(demo, record_id)
    elif kind == "projects":
        found = project_link(demo, record_id)
    elif kind == "work_packages":
        found = ref_link(demo, kind, record_id, "subject")
    else:
        found = ref_link(demo, kind, record_id)
    return found if found["href"] is not None else link(f"{API}/{kind}/{value}")


def column_link(column: str) -> Json:
    name = api_name(column)
    return link(f"{API}/queries/columns/{name}", title(name))


def sort_link(column: str, direction: str) -> Json:
    name = api_name(column)
    word = "Ascending" if direction == "asc" else "Descending"
    return link(f"{API}/queries/sort_bys/{name}-{direction}", f"{title(name)} ({word})")


def results_path(project_id: int | None) -> str:
    return f"{API}/projects/{project_id}/work_packages" if project_id else f"{API}/work_packages"


def results_href(record: Record, offset: int = 1, page_size: int = 20) -> str:
    params = {
        "filters": compact_json(record["filters"]),
        "sortBy": compact_json(record["sortBy"]),
        "offset": str(offset),
        "pageSize": str(page_size),
    }
    if record.get("groupBy"):
        params["groupBy"] = record["groupBy"]
    if record.get("showSums"):
        params["showSums"] = "true"
    return f"{results_path(record['project_id'])}?{_encode(params)}"


def may_edit(demo: Demo, record: Record) -> bool:
    """Own queries always; public ones with 'manage public queries' (project members here)."""
    if record.get("id") is None:
        return False
    if record["user_id"] == demo.user_id:
        return True
    if not record["public"]:
        return False
    project = demo.store.get("projects", record["project_id"] or 0)
    return demo.is_admin() if project is None else demo.is_member(project)


def is_visible(demo: Demo, record: Record) -> bool:
    if record["project_id"] is not None and demo.visible_project(record["project_id"]) is None:
        return False
    return record["user_id"] == demo.user_id or bool(record["public"])


def query_json(
    demo: Demo,
    record: Record,
    *,
    results: Json | None = None,
    self_href: str | None = None,
    offset: int = 1,
    page_size: int = 20,
) -> Json:
    """A Query; `results` (a WorkPackageCollection) is embedded for single queries only."""
    query_id = record.get("id")
    href = self_href or f"{API}/queries/{query_id}"
    group_by = record.get("groupBy")
    links: Json = {
        "self": link(href, "Default" if query_id is None else record["name"]),
        "results": link(results_href(record, offset, page_size)),
        "project": project_link(demo, record["project_id"]),
        "user": principal_link(demo, record["user_id"]),
        "columns": [column_link(c) for c in record["columns"]],
        "highlightedAttributes": [],
        "sortBy": [sort_link(c, d) for c, d in record["sortBy"]],
        "groupBy": link(f"{API}/queries/group_bys/{api_name(group_by)}", title(group_by))
        if group_by
        else link(None),
    }
    if may_edit(demo, record):
        links["updateImmediately"] = action(href, "patch")
        links["delete"] = action(href, "delete")
        star = "unstar" if record["starred"] else "star"
        links[star] = action(f"{href}/{star}", "patch")
    body: Json = {"_type": "Query"}
    if query_id is not None:
        body["id"] = query_id
    body.update(
        {
            "name": record["name"],
            "filters": [filter_instance(demo, f) for f in record["filters"]],
            "sums": bool(record["showSums"]),
            "timelineVisible": False,
            "timelineZoomLevel": "auto",
            "highlightingMode": "inline",
            "timestamps": ["PT0S"],
            "showHierarchies": False,
            "hidden": bool(record["hidden"]),
            "public": bool(record["public"]),
            "starred": bool(record["starred"]),
        }
    )
    if record.get("createdAt"):
        body["createdAt"] = record["createdAt"]
        body["updatedAt"] = record["updatedAt"]
    if results is not None:
        body["_embedded"] = {"results": results}
    body["_links"] = links
    return body


# reading the overrides of a GET and the body of a write


def _checked_filters(data: Any) -> list[Json]:
    if not isinstance(data, list) or not all(
        isinstance(e, dict) and len(e) == 1 and isinstance(next(iter(e.values())), dict)
        for e in data
    ):
        raise invalid_query("Filters must be a JSON array of single-key objects.")
    return data


def _checked_sort(data: Any) -> list[list[str]]:
    if not isinstance(data, list) or not all(
        isinstance(e, list) and len(e) == 2 and all(isinstance(p, str) for p in e) for e in data
    ):
        raise invalid_query("Sort by must be a JSON array of [column, direction] pairs.")
    return [[e[0], e[1]] for e in data]


def with_overrides(record: Record, request: Request) -> Record:
    """The query as this GET asks to see it: filters, sortBy, groupBy, showSums replaced."""
    params = request.query_params
    effective = dict(record)
    if "filters" in params:
        effective["filters"] = _checked_filters(queries.parse_json(params["filters"], "Filters"))
    if "sortBy" in params:
        effective["sortBy"] = _checked_sort(queries.parse_json(params["sortBy"], "Sort by"))
    if "groupBy" in params:
        effective["groupBy"] = params["groupBy"] or None
    if "showSums" in params:
        effective["showSums"] = params["showSums"] in ("true", "t", "1")
    return effective


def _last_segment(value: Any) -> str | None:
    href = value.get("href") if isinstance(value, dict) else None
    return unquote(href.rstrip("/").rsplit("/", 1)[-1]) if isinstance(href, str) else None


def _filters_from_body(raw: Any) -> list[Json]:
    """Filter instances as clients write them (links to filter and operator) → stored form."""
    if not isinstance(raw, list):
        raise invalid("filters", "Filters must be a list of filter instances.")
    result: list[Json] = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid("filters", "Filters must be a list of filter instances.")
        links = item.get("_links")
        if not isinstance(links, dict):
            result.extend(_checked_filters([item]))  # the list endpoints' compact form
            continue
        name = _last_segment(links.get("filter"))
        operator = _last_segment(links.get("operator"))
        if not name or not operator:
            raise invalid("filters", "Each filter needs a filter and an operator link.")
        if isinstance(item.get("values"), list):
            values = [str(v) for v in item["values"]]
        else:
            value_links = links.get("values") or []
            segments = [_last_segment(v) for v in value_links if isinstance(v, dict)]
            values = [s for s in segments if s is not None]
        result.append({api_name(name): {"operator": operator, "values": values}})
    return result


def invalid(attribute: str, message: str) -> Problem:
    return Problem(422, "PropertyConstraintViolation", message, attribute=attribute)


def apply_body(demo: Demo, record: Record, body: Json) -> None:
    """Write the writable properties of a POST/PATCH body onto a query record."""
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"].strip():
            raise invalid("name", "Name can't be blank.")
        record["name"] = body["name"].strip()[:255]
    for attribute, key in (("public", "public"), ("hidden", "hidden"), ("sums", "showSums")):
        if attribute in body:
            record[key] = bool(body[attribute])
    if "filters" in body:
        record["filters"] = _filters_from_body(body["filters"])
    links = body_links(body)
    if "project" in links:
        ref = _last_segment(links["project"])
        if ref is None:
            record["project_id"] = None
        else:
            project = find_project(demo, ref)
            if project is None:
                raise invalid("project", "Project does not exist.")
            if not demo.is_member(project):
                raise Problem(403, "MissingPermission", "You may not save queries there.")
            record["project_id"] = project["id"]
    if "columns" in links:
        columns = [_last_segment(c) for c in links["columns"] or []]
        record["columns"] = [api_name(c) for c in columns if c]
    if "sortBy" in links:
        order = []
        for entry in links["sortBy"] or []:
            column, _, direction = (_last_segment(entry) or "").rpartition("-")
            if not column or direction not in ("asc", "desc"):
                raise invalid("sortBy", "Sort by is invalid.")
            order.append([api_name(column), direction])
        record["sortBy"] = order
    if "groupBy" in links:
        group_by = _last_segment(links["groupBy"])
        record["groupBy"] = api_name(group_by) if group_by else None
