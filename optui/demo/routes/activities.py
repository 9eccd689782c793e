"""Activities (journals and comments), relations, watchers and custom options."""

from __future__ import annotations

import html
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo import queries
from optui.demo.hal import (
    Json,
    Problem,
    action,
    body_links,
    combine,
    constraint,
    forbidden,
    formattable,
    hal,
    json_body,
    link,
    not_found,
    paged_collection,
    simple_collection,
)
from optui.demo.model import Demo
from optui.demo.render import API, principal_link, user_json
from optui.demo.routes.core import filter_context
from optui.demo.store import Record
from optui.demo.wp_filters import RELATION_TYPES, REVERSE
from optui.demo.wp_journal import add_journal, after, journals_of
from optui.demo.wp_payload import link_target, read_only
from optui.demo.wp_render import (
    WorkPackageRenderer,
    custom_option_json,
    work_package_href,
    work_package_link,
)

RELATION_NAMES = {
    "relates": "related to",
    "duplicates": "duplicates",
    "duplicated": "duplicated by",
    "blocks": "blocks",
    "blocked": "blocked by",
    "precedes": "precedes",
    "follows": "follows",
    "includes": "includes",
    "partof": "part of",
    "requires": "requires",
    "required": "required by",
}
"""The display name of each relation type, from the `from` work package's side."""
NOT_FOUND = "The requested resource could not be found."

_DETAIL_PATTERNS = (
    (
        re.compile(r"^(.+?) changed from (.+) to (.+)$"),
        "<strong>{}</strong> changed from <i>{}</i> <strong>to</strong> <i>{}</i>",
    ),
    (re.compile(r"^(.+?) set to (.+)$"), "<strong>{}</strong> set to <i>{}</i>"),
    (
        re.compile(r"^(.+?) deleted \((.+)\)$"),
        "<strong>{}</strong> deleted (<strike><i>{}</i></strike>)",
    ),
)


def detail_json(line: str) -> Json:
    """One change line as Formattable: `raw` plain text, `html` emphasised like OpenProject."""
    for pattern, template in _DETAIL_PATTERNS:
        match = pattern.match(line)
        if match:
            return {
                "format": "custom",
                "raw": line,
                "html": template.format(*(html.escape(g) for g in match.groups())),
            }
    return {"format": "custom", "raw": line, "html": html.escape(line)}


def activity_json(demo: Demo, journal: Record) -> Json:
    """An activity: `Activity::Comment` when it carries a comment, else `Activity`."""
    notes = journal.get("notes") or ""
    href = f"{API}/activities/{journal['id']}"
    links: Json = {
        "self": link(href),
        "workPackage": work_package_link(demo, journal["work_package_id"]),
        "user": principal_link(demo, journal["user_id"]),
    }
    work_package = demo.store.get("work_packages", journal["work_package_id"])
    project = (
        None if work_package is None else demo.store.get("projects", work_package["project_id"])
    )
    if (
        notes
        and journal["user_id"] == demo.user_id
        and project is not None
        and demo.can_edit_project_work(project)
    ):
        links["update"] = action(href, "patch")
    return {
        "_type": "Activity::Comment" if notes else "Activity",
        "id": journal["id"],
        "comment": formattable(notes),
        "details": [detail_json(line) for line in journal.get("details", [])],
        "version": journal["version"],
        "internal": bool(journal.get("internal")),
        "createdAt": journal["createdAt"],
        "updatedAt": journal["updatedAt"],
        "_links": links,
    }


def relation_json(demo: Demo, relation: Record, renderer: WorkPackageRenderer) -> Json:
    href = f"{API}/relations/{relation['id']}"
    kind = relation["type"]
    store = demo.store
    links: Json = {
        "self": link(href, RELATION_NAMES[kind]),
        "from": renderer.value_link("work_packages", relation["from_id"]),
        "to": renderer.value_link("work_packages", relation["to_id"]),
    }
    source = store.get("work_packages", relation["from_id"])
    if source is not None and renderer.rights(source["project_id"])[1]:
        links["updateImmediately"] = action(href, "patch")
        links["delete"] = action(href, "delete", title="Remove relation")
    embedded: Json = {}
    for end in ("from", "to"):
        record = store.get("work_packages", relation[f"{end}_id"])
        if record is not None:
            embedded[end] = renderer.element(record)
    return {
        "_type": "Relation",
        "id": relation["id"],
        "name": RELATION_NAMES[kind],
        "type": kind,
        "reverseType": REVERSE[kind],
        "description": relation.get("description"),
        "lag": relation.get("lag"),
        "_embedded": embedded,
        "_links": links,
    }


def routes(demo: Demo) -> list[Route]:
    store = demo.store

    def work_package_or_404(request: Request) -> Record:
        record = demo.lookup("work_packages", request.path_params["id"])
        if record is None or demo.visible_project(record["project_id"]) is None:
            raise not_found(NOT_FOUND)
        return record

    def editable(record: Record) -> bool:
        project = store.get("projects", record["project_id"])
        return project is not None and demo.can_edit_project_work(project)

    def sees_internal(record: Record) -> bool:
        project = store.get("projects", record["project_id"])
        return project is not None and demo.is_member(project)

    def comment_text(body: Json) -> str:
        comment = body.get("comment")
        raw = comment.get("raw") if isinstance(comment, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            raise constraint("comment", "Comment can't be blank.")
        return raw

    # activities

    async def activities(request: Request) -> Response:
        record = work_package_or_404(request)
        internal = sees_internal(record)
        found = [j for j in journals_of(store, record["id"]) if internal or not j.get("internal")]
        elements = [activity_json(demo, j) for j in found]
        return hal(simple_collection(elements, request.url.path))

    async def add_comment(request: Request) -> Response:
        record = work_package_or_404(request)
        body = await json_body(request)
        if not editable(record):
            raise forbidden("You are not authorized to comment on this work package.")
        internal = body.get("internal") is True
        journal = add_journal(
            store, record["id"], demo.user_id, notes=comment_text(body), internal=internal
        )
        return hal(activity_json(demo, journal), 201)

    def journal_or_404(request: Request) -> tuple[Record, Record]:
        journal = demo.lookup("journals", request.path_params["id"])
        record = None if journal is None else demo.visible_work_package(journal["work_package_id"])
        if journal is None or record is None:
            raise not_found(NOT_FOUND)
        if journal.get("internal") and not sees_internal(record):
            raise not_found(NOT_FOUND)
        return journal, record

    async def activity(request: Request) -> Response:
        journal, _ = journal_or_404(request)
        return hal(activity_json(demo, journal))

    async def edit_activity(request: Request) -> Response:
        journal, record = journal_or_404(request)
        body = await json_body(request)
        if journal["user_id"] != demo.user_id or not editable(record):
            raise forbidden("You may only edit your own comments.")
        journal["notes"] = comment_text(body)
        journal["updatedAt"] = after(journal["updatedAt"])
        store.save("journals", journal)
        return hal(activity_json(demo, journal))

    # relations

    def relation_visible(relation: Record) -> bool:
        return all(
            demo.visible_work_package(relation[end]) is not None for end in ("from_id", "to_id")
        )

    relation_fields = {
        "id": queries.Field(lambda r: r["id"], "id"),
        "from": queries.Field(lambda r: r["from_id"], "id"),
        "to": queries.Field(lambda r: r["to_id"], "id"),
        "involved": queries.Field(lambda r: [r["from_id"], r["to_id"]], "id"),
        "type": queries.Field(lambda r: r["type"], "text"),
    }

    async def relations(request: Request) -> Response:
        filters = queries.parse_filters(request.query_params.get("filters"), relation_fields)
        ctx = filter_context(demo)
        found = [
            r
            for r in store.all("relations")
            if queries.matches(r, filters or [], relation_fields, ctx) and relation_visible(r)
        ]
        renderer = WorkPackageRenderer(demo)
        return hal(paged_collection(request, found, lambda r: relation_json(demo, r, renderer)))

    def relation_or_404(request: Request) -> Record:
        relation = demo.lookup("relations", request.path_params["id"])
        if relation is None or not relation_visible(relation):
            raise not_found(NOT_FOUND)
        return relation

    def require_relation_edit(relation: Record) -> None:
        source = store.get("work_packages", relation["from_id"])
        if source is None or not editable(source):
            raise forbidden("You are not authorized to manage relations of this work package.")

    async def relation(request: Request) -> Response:
        found = relation_or_404(request)
        return hal(relation_json(demo, found, WorkPackageRenderer(demo)))

    def apply_relation_fields(relation: Record, body: Json) -> list[Problem]:
        problems: list[Problem] = []
        if "type" in body:
            if body["type"] in RELATION_TYPES:
                relation["type"] = body["type"]
            else:
                problems.append(constraint("type", "Type is not set to one of the allowed values."))
        if "description" in body:
            if body["description"] is None or isinstance(body["description"], str):
                relation["description"] = body["description"]
            else:
                problems.append(constraint("description", "Description must be a string."))
        if "lag" in body:
            lag = body["lag"]
            if lag is None or (isinstance(lag, int) and not isinstance(lag, bool) and lag >= 0):
                relation["lag"] = lag
            else:
                problems.append(constraint("lag", "Lag must be a whole number of days, 0 or more."))
        return problems

    async def edit_relation(request: Request) -> Response:
        found = relation_or_404(request)
        body = await json_body(request)
        require_relation_edit(found)
        changed = dict(found)
        problems = apply_relation_fields(changed, body)
        for end in ("from", "to"):
            given = body_links(body).get(end)
            if isinstance(given, dict) and given.get("href") != work_package_href(
                found[f"{end}_id"]
            ):
                problems.append(read_only(end))
        if problems:
            raise combine(problems)
        store.save("relations", changed)
        return hal(relation_json(demo, changed, WorkPackageRenderer(demo)))

    async def delete_relation(request: Request) -> Response:
        found = relation_or_404(request)
        require_relation_edit(found)
        store.delete("relations", found["id"])
        return Response(status_code=204)

    async def work_package_relations(request: Request) -> Response:
        record = work_package_or_404(request)
        renderer = WorkPackageRenderer(demo)
        found = [
            r
            for r in store.all("relations")
            if record["id"] in (r["from_id"], r["to_id"]) and relation_visible(r)
        ]
        elements = [relation_json(demo, r, renderer) for r in found]
        return hal(simple_collection(elements, request.url.path))

    async def add_relation(request: Request) -> Response:
        record = work_package_or_404(request)
        body = await json_body(request)
        if not editable(record):
            raise forbidden("You are not authorized to manage relations of this work package.")
        relation: Record = {
            "id": None,
            "from_id": record["id"],
            "to_id": None,
            "type": None,
            "description": None,
            "lag": None,
        }
        problems = apply_relation_fields(relation, body)
        if "type" not in body:
            problems.append(constraint("type", "Type can't be blank."))
        target = None
        try:
            target = link_target(demo, "to", body_links(body).get("to", {}), ("work_packages",))
        except Problem as problem:
            problems.append(problem)
        other = None if target is None else demo.visible_work_package(target)
        if target is None and not any(p.attribute == "to" for p in problems):
            problems.append(constraint("to", "To can't be blank."))
        elif target is not None and (other is None or target == record["id"]):
            problems.append(constraint("to", "To is not set to one of the allowed values."))
        if problems:
            raise combine(problems)
        pair = {record["id"], target}
        if any({r["from_id"], r["to_id"]} == pair for r in store.all("relations")):
            raise Problem(
                409, "UpdateConflict", "A relation between these work packages already exists."
            )
        relation["to_id"] = target
        if relation["type"] in ("precedes", "follows") and relation["lag"] is None:
            relation["lag"] = 0
        relation["id"] = store.next_id("relations")
        store.insert("relations", relation)
        return hal(relation_json(demo, relation, WorkPackageRenderer(demo)), 201)

    # watchers

    def watcher_ids(record: Record) -> list[int]:
        return [w["user_id"] for w in store.all("watchers") if w["work_package_id"] == record["id"]]

    async def watchers(request: Request) -> Response:
        record = work_package_or_404(request)
        users = [store.get("users", uid) for uid in watcher_ids(record)]
        elements = [user_json(demo, u) for u in users if u is not None]
        return hal(simple_collection(elements, request.url.path))

    def may_watch(user: Record, record: Record) -> bool:
        project = store.get("projects", record["project_id"]) or {}
        return bool(
            user.get("admin")
            or project.get("public")
            or user["id"] in project.get("member_ids", [])
        )

    async def add_watcher(request: Request) -> Response:
        record = work_package_or_404(request)
        body = await json_body(request)
        given = body.get("user")
        if not isinstance(given, dict) or not given.get("href"):
            raise constraint("user", "User can't be blank.")
        user_id = link_target(demo, "user", given, ("users",))
        if user_id != demo.user_id and not editable(record):
            raise forbidden("You are not authorized to add watchers to this work package.")
        user = store.get("users", user_id or 0)
        if user is None:
            raise not_found("The requested user could not be found.")
        if not may_watch(user, record):
            raise constraint("user", "User is not allowed to view this work package.")
        if user["id"] in watcher_ids(record):
            return hal(user_json(demo, user), 200)
        store.insert(
            "watchers",
            {
                "id": store.next_id("watchers"),
                "work_package_id": record["id"],
                "user_id": user["id"],
            },
        )
        return hal(user_json(demo, user), 201)

    async def remove_watcher(request: Request) -> Response:
        record = work_package_or_404(request)
        user = demo.lookup("users", request.path_params["user_id"])
        if user is not None and user["id"] != demo.user_id and not editable(record):
            raise forbidden("You are not authorized to remove watchers from this work package.")
        if user is None:
            raise not_found("The requested user could not be found.")
        for watcher in store.all("watchers"):
            if watcher["work_package_id"] == record["id"] and watcher["user_id"] == user["id"]:
                store.delete("watchers", watcher["id"])
        return Response(status_code=204)

    async def available_watchers(request: Request) -> Response:
        record = work_package_or_404(request)
        if not editable(record):
            raise forbidden("You are not authorized to add watchers to this work package.")
        project = store.get("projects", record["project_id"]) or {}
        watching = set(watcher_ids(record))
        users = [store.get("users", uid) for uid in project.get("member_ids", [])]
        found = [u for u in users if u is not None and u["id"] not in watching]
        return hal(paged_collection(request, found, lambda u: user_json(demo, u)))

    # custom options

    async def custom_option(request: Request) -> Response:
        option = demo.lookup("custom_options", request.path_params["id"])
        if option is None:
            raise not_found("The requested custom option could not be found.")
        return hal(custom_option_json(option))

    wp = f"{API}/work_packages/{{id}}"
    return [
        Route(f"{wp}/activities", activities, methods=["GET"]),
        Route(f"{wp}/activities", add_comment, methods=["POST"]),
        Route(f"{API}/activities/{{id}}", activity, methods=["GET"]),
        Route(f"{API}/activities/{{id}}", edit_activity, methods=["PATCH"]),
        Route(f"{API}/relations", relations, methods=["GET"]),
        Route(f"{API}/relations/{{id}}", relation, methods=["GET"]),
        Route(f"{API}/relations/{{id}}", edit_relation, methods=["PATCH"]),
        Route(f"{API}/relations/{{id}}", delete_relation, methods=["DELETE"]),
        Route(f"{wp}/relations", work_package_relations, methods=["GET"]),
        Route(f"{wp}/relations", add_relation, methods=["POST"]),
        Route(f"{wp}/watchers", watchers, methods=["GET"]),
        Route(f"{wp}/watchers", add_watcher, methods=["POST"]),
        Route(f"{wp}/watchers/{{user_id}}", remove_watcher, methods=["DELETE"]),
        Route(f"{wp}/available_watchers", available_watchers, methods=["GET"]),
        Route(f"{API}/custom_options/{{id}}", custom_option, methods=["GET"]),
    ]
