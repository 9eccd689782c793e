"""Saved queries and grids (boards, My page) of the demo server."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from optui.demo import DemoServer
from tests.conftest import demo_client, read_json

Json = dict[str, Any]
STATUS_OPEN = {"status": {"operator": "o", "values": []}}


def queries_by_name(demo: DemoServer, **params: Any) -> dict[str, list[Json]]:
    found: dict[str, list[Json]] = {}
    for query in read_json(demo, "/api/v3/queries", **params)["_embedded"]["elements"]:
        found.setdefault(query["name"], []).append(query)
    return found


def query_id(demo: DemoServer, name: str, project_id: int | None = 1) -> int:
    for query in queries_by_name(demo)[name]:
        href = query["_links"]["project"]["href"]
        if href == (None if project_id is None else f"/api/v3/projects/{project_id}"):
            return int(query["id"])
    raise AssertionError(f"no query {name!r} in project {project_id}")


def last_segment(href: str) -> str:
    return unquote(href.rsplit("/", 1)[-1])


def project_tree(demo: DemoServer, project_id: int) -> set[str]:
    """Hrefs of a project and its subprojects (project lists include subprojects)."""
    below = read_json(
        demo,
        "/api/v3/projects",
        filters=[{"ancestor": {"operator": "=", "values": [str(project_id)]}}],
    )
    hrefs = {p["_links"]["self"]["href"] for p in below["_embedded"]["elements"]}
    return hrefs | {f"/api/v3/projects/{project_id}"}


def test_list_has_own_and_public_queries_without_results(demo: DemoServer) -> None:
    body = read_json(demo, "/api/v3/queries")
    elements = body["_embedded"]["elements"]
    assert body["_type"] == "Collection"
    assert body["total"] == body["count"] == len(elements)
    names = {q["name"] for q in elements}
    assert {"Bugs", "My open tasks", "Milestones", "Overdue", "Recently updated"} <= names
    assert "Anna's notes" not in names  # another user's private query
    for query in elements:
        assert "_embedded" not in query
        assert query["public"] or query["_links"]["user"]["href"] == "/api/v3/users/1"
        assert query["_links"]["self"] == {
            "href": f"/api/v3/queries/{query['id']}",
            "title": query["name"],
        }


def test_list_filters_by_project_and_global(demo: DemoServer) -> None:
    in_project = queries_by_name(demo, filters=[{"project": {"operator": "=", "values": ["2"]}}])
    assert {"Bugs", "Overdue", "In progress", "Sprint 3"} <= set(in_project)
    hrefs = {q["_links"]["project"]["href"] for qs in in_project.values() for q in qs}
    assert hrefs == {"/api/v3/projects/2"}
    global_ = queries_by_name(demo, filters=[{"project": {"operator": "!*", "values": []}}])
    assert set(global_) == {"Everything assigned to me", "Company milestones"}
    visible_only = queries_by_name(demo, filters=[{"hidden": {"operator": "=", "values": ["f"]}}])
    assert "In progress" not in visible_only  # board columns are hidden queries


def test_query_embeds_the_results_of_its_filters(demo: DemoServer) -> None:
    query = read_json(demo, f"/api/v3/queries/{query_id(demo, 'Bugs')}")
    assert query["name"] == "Bugs"
    names = {last_segment(f["_links"]["filter"]["href"]) for f in query["filters"]}
    assert names == {"status", "type"}
    type_filter = next(f for f in query["filters"] if f["_type"] == "TypeQueryFilter")
    assert type_filter["_links"]["operator"]["href"] == "/api/v3/queries/operators/%3D"
    assert type_filter["_links"]["values"] == [{"href": "/api/v3/types/7", "title": "Bug"}]
    results = query["_embedded"]["results"]
    assert results["_type"] == "WorkPackageCollection"
    assert results["total"] > 0
    tree = project_tree(demo, 1)
    assert len(tree) > 1
    for element in results["_embedded"]["elements"]:
        assert element["_links"]["type"]["title"] == "Bug"
        assert element["_links"]["project"]["href"] in tree
    with demo_client(demo) as client:  # read_json's params would replace the link's query
        again = client.get(query["_links"]["results"]["href"]).json()
    assert again["total"] == results["total"]


def test_every_visible_query_runs_with_its_saved_order_and_groups(demo: DemoServer) -> None:
    for queries in queries_by_name(demo).values():
        for listed in queries:
            query = read_json(demo, listed["_links"]["self"]["href"])
            results = query["_embedded"]["results"]
            assert results["_type"] == "WorkPackageCollection"
            if query["_links"]["groupBy"]["href"] is not None:
                assert sum(g["count"] for g in results["groups"]) == results["total"]
    recent = read_json(demo, f"/api/v3/queries/{query_id(demo, 'Recently updated')}")
    assert recent["_links"]["groupBy"]["title"] == "Status"
    assert recent["_links"]["sortBy"][0]["href"] == "/api/v3/queries/sort_bys/updatedAt-desc"
    by_status: dict[str, list[str]] = {}
    for element in recent["_embedded"]["results"]["_embedded"]["elements"]:
        stamps = by_status.setdefault(element["_links"]["status"]["href"], [])
        stamps.append(element["updatedAt"])
    assert len(by_status) > 1
    for stamps in by_status.values():  # grouped by status, newest first inside a group
        assert stamps == sorted(stamps, reverse=True)


def test_query_parameters_override_the_saved_ones(demo: DemoServer) -> None:
    path = f"/api/v3/queries/{query_id(demo, 'Bugs')}"
    saved = read_json(demo, path)["_embedded"]["results"]
    everything = read_json(
        demo, path, filters=[], pageSize=2, offset=2, sortBy=[["id", "desc"]], groupBy="status"
    )
    results = everything["_embedded"]["results"]
    assert everything["filters"] == []
    assert results["pageSize"] == 2
    assert results["offset"] == 2
    assert results["count"] == 2
    assert results["total"] > saved["total"]
    ids = [e["id"] for e in results["_embedded"]["elements"]]
    assert ids == sorted(ids, reverse=True)
    assert everything["_links"]["sortBy"][0]["href"] == "/api/v3/queries/sort_bys/id-desc"
    assert everything["_links"]["groupBy"]["href"] == "/api/v3/queries/group_bys/status"
    assert sum(g["count"] for g in results["groups"]) == results["total"]
    assert len(read_json(demo, path)["filters"]) == 2


def test_default_queries_show_open_work(demo: DemoServer) -> None:
    default = read_json(demo, "/api/v3/queries/default")
    assert default["name"] == "default"
    assert "id" not in default
    assert [last_segment(f["_links"]["operator"]["href"]) for f in default["filters"]] == ["o"]
    assert default["_links"]["project"] == {"href": None}
    project = read_json(demo, "/api/v3/projects/demo-project/queries/default")
    assert project["_links"]["project"]["href"] == "/api/v3/projects/1"
    assert project["_links"]["self"]["href"] == "/api/v3/projects/demo-project/queries/default"
    results = project["_embedded"]["results"]
    assert results["total"] > 0
    statuses = {s["id"]: s for s in read_json(demo, "/api/v3/statuses")["_embedded"]["elements"]}
    tree = project_tree(demo, 1)
    for element in results["_embedded"]["elements"]:
        assert element["_links"]["project"]["href"] in tree
        status_id = int(last_segment(element["_links"]["status"]["href"]))
        assert not statuses[status_id]["isClosed"]
    with demo_client(demo) as client:
        assert client.get("/api/v3/projects/8/queries/default").status_code == 404


def test_private_query_of_someone_else_is_not_found(demo: DemoServer) -> None:
    visible = {q["id"] for qs in queries_by_name(demo).values() for q in qs}
    with demo_client(demo) as client:
        hidden = [n for n in range(1, max(visible) + 1) if n not in visible]
        assert hidden
        for number in hidden:
            assert client.get(f"/api/v3/queries/{number}").status_code == 404


def test_create_update_star_and_delete_a_query(demo: DemoServer) -> None:
    body = {
        "name": "Open bugs for me",
        "public": False,
        "filters": [
            {
                "_links": {
                    "filter": {"href": "/api/v3/queries/filters/status"},
                    "operator": {"href": "/api/v3/queries/operators/o"},
                    "values": [],
                }
            },
            {
                "_links": {
                    "filter": {"href": "/api/v3/queries/filters/type"},
                    "operator": {"href": "/api/v3/queries/operators/%3D"},
                    "values": [{"href": "/api/v3/types/7"}],
                }
            },
        ],
        "_links": {
            "project": {"href": "/api/v3/projects/1"},
            "columns": [
                {"href": "/api/v3/queries/columns/id"},
                {"href": "/api/v3/queries/columns/subject"},
            ],
            "sortBy": [{"href": "/api/v3/queries/sort_bys/id-desc"}],
        },
    }
    with demo_client(demo) as client:
        created = client.post("/api/v3/queries", json=body)
        assert created.status_code == 201, created.text
        query = created.json()
        href = query["_links"]["self"]["href"]
        assert query["name"] == "Open bugs for me"
        assert query["starred"] is False
        assert [c["title"] for c in query["_links"]["columns"]] == ["ID", "Subject"]
        bugs = read_json(demo, f"/api/v3/queries/{query_id(demo, 'Bugs')}")
        assert query["_embedded"]["results"]["total"] == bugs["_embedded"]["results"]["total"]

        renamed = client.patch(href, json={"name": "Renamed", "public": True})
        assert renamed.status_code == 200
        assert renamed.json()["name"] == "Renamed"
        assert renamed.json()["public"] is True

        starred = client.patch(query["_links"]["star"]["href"], json={})
        assert starred.status_code == 200
        assert starred.json()["starred"] is True
        assert "unstar" in starred.json()["_links"] and "star" not in starred.json()["_links"]
        assert read_json(demo, href)["starred"] is True
        unstarred = client.patch(starred.json()["_links"]["unstar"]["href"], json={})
        assert unstarred.json()["starred"] is False

        assert client.delete(href, headers={"Content-Type": "application/json"}).status_code == 204
        assert client.get(href).status_code == 404


def test_query_writes_are_validated(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        nameless = client.post("/api/v3/queries", json={"public": True})
        bad_filter = client.post(
            "/api/v3/queries",
            json={"name": "x", "filters": [{"noSuchFilter": {"operator": "=", "values": ["1"]}}]},
        )
        not_mine = client.patch(
            f"/api/v3/queries/{query_id(demo, 'Company milestones', None)}", json={"name": "y"}
        )
    assert nameless.status_code == 422
    assert nameless.json()["_embedded"]["details"]["attribute"] == "name"
    assert bad_filter.status_code == 422
    assert bad_filter.json()["_embedded"]["details"]["attribute"] == "filters"
    assert not_mine.status_code == 403


def grids(demo: DemoServer, name: str, scope: str) -> list[Json]:
    filters = [{name: {"operator": "=", "values": [scope]}}]
    body = read_json(demo, "/api/v3/grids", filters=filters)
    elements: list[Json] = body["_embedded"]["elements"]
    assert body["total"] == len(elements)
    return elements


def test_grids_by_scope_in_both_spellings(demo: DemoServer) -> None:
    boards = grids(demo, "scope", "/projects/your-scrum-project/boards")
    assert {g["name"] for g in boards} == {"Task board", "Sprint planning"}
    assert [g["id"] for g in grids(demo, "page", "/projects/2/boards")] == [g["id"] for g in boards]
    kanban = grids(demo, "scope", "/projects/demo-project/boards")
    assert [g["name"] for g in kanban] == ["Kanban"]
    assert kanban[0]["_links"]["scope"] == {
        "href": "/projects/demo-project/boards",
        "type": "text/html",
    }
    assert {"update", "updateImmediately", "delete"} <= set(kanban[0]["_links"])
    assert grids(demo, "scope", "/projects/hr-confidential/boards") == []
    my_page = grids(demo, "scope", "/my/page")
    assert len(my_page) == 1
    identifiers = {w["identifier"] for w in my_page[0]["widgets"]}
    assert {"work_packages_assigned", "time_entries_current_user"} <= identifiers
    assert "delete" not in my_page[0]["_links"]


def test_status_board_columns_are_queries_filtered_by_status(demo: DemoServer) -> None:
    (board,) = grids(demo, "scope", "/projects/demo-project/boards")
    assert board["options"] == {"type": "action", "attribute": "status"}
    assert board["rowCount"] == 1
    assert board["columnCount"] == len(board["widgets"]) == 4
    titles = []
    for n, widget in enumerate(board["widgets"], start=1):
        assert widget["identifier"] == "work_package_query"
        assert (widget["startColumn"], widget["endColumn"]) == (n, n + 1)
        (status_filter,) = widget["options"]["filters"]
        status_id = status_filter["status"]["values"][0]
        query = read_json(demo, f"/api/v3/queries/{widget['options']['queryId']}")
        titles.append(query["name"])
        for element in query["_embedded"]["results"]["_embedded"]["elements"]:
            assert element["_links"]["status"]["href"] == f"/api/v3/statuses/{status_id}"
    assert titles == ["New", "In progress", "On hold", "Closed"]


def test_grid_update_create_and_validation(demo: DemoServer) -> None:
    (board,) = grids(demo, "scope", "/projects/demo-project/boards")
    href = board["_links"]["self"]["href"]
    widgets = board["widgets"][:2]
    with demo_client(demo) as client:
        changed = client.patch(
            href, json={"name": "Two columns", "columnCount": 2, "widgets": widgets}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["name"] == "Two columns"
        assert [w["id"] for w in changed.json()["widgets"]] == [w["id"] for w in widgets]
        assert read_json(demo, href)["columnCount"] == 2

        overlapping = [widgets[0], {**widgets[1], "startColumn": 1, "endColumn": 2}]
        refused = client.patch(href, json={"widgets": overlapping})
        assert refused.status_code == 422
        assert refused.json()["_embedded"]["details"]["attribute"] == "widgets"
        form = client.post(f"{href}/form", json={"widgets": overlapping})
        assert form.status_code == 200
        assert "widgets" in form.json()["_embedded"]["validationErrors"]
        assert "commit" not in form.json()["_links"]

        created = client.post(
            "/api/v3/grids",
            json={
                "name": "Bug board",
                "rowCount": 1,
                "columnCount": 1,
                "options": {"type": "free"},
                "widgets": [
                    {
                        "_type": "GridWidget",
                        "identifier": "work_package_query",
                        "startRow": 1,
                        "endRow": 2,
                        "startColumn": 1,
                        "endColumn": 2,
                        "options": {"queryId": str(query_id(demo, "Bugs"))},
                    }
                ],
                "_links": {"scope": {"href": "/projects/demo-project/boards"}},
            },
        )
        assert created.status_code == 201, created.text
        assert created.json()["widgets"][0]["id"] is not None
        second_page = client.post("/api/v3/grids", json={"_links": {"scope": {"href": "/my/page"}}})
        assert second_page.status_code == 422
    names = {g["name"] for g in grids(demo, "scope", "/projects/demo-project/boards")}
    assert names == {"Two columns", "Bug board"}
