"""The demo server's work packages: lists (filters, sorting, groups, sums, select, paging),
single resources, PATCH with lockVersion, create and delete."""

from __future__ import annotations

import json
from typing import Any

import httpx

from optui.demo import DemoServer
from tests.conftest import demo_client, read_json

API = "/api/v3"
ERRORS = "urn:openproject-org:api:v3:errors:"
JSON = {"Content-Type": "application/json"}
PUBLIC_PROJECT = 7
"""Readable by the demo user, who is not a member there."""


def wp_list(demo: DemoServer, path: str = f"{API}/work_packages", **params: Any) -> Any:
    return read_json(demo, path, **params)


def flt(name: str, operator: str, *values: str) -> dict[str, Any]:
    return {name: {"operator": operator, "values": list(values)}}


def ids(body: Any) -> list[int]:
    return [element["id"] for element in body["_embedded"]["elements"]]


def error_of(response: httpx.Response) -> tuple[int, str, str | None]:
    body = response.json()
    attribute = body.get("_embedded", {}).get("details", {}).get("attribute")
    return response.status_code, body["errorIdentifier"].removeprefix(ERRORS), attribute


def closed_status_ids(demo: DemoServer) -> set[int]:
    statuses = read_json(demo, f"{API}/statuses")["_embedded"]["elements"]
    return {s["id"] for s in statuses if s["isClosed"]}


def status_id(element: Any) -> int:
    return int(element["_links"]["status"]["href"].rsplit("/", 1)[1])


def first(demo: DemoServer, *filters: dict[str, Any]) -> Any:
    """The first work package (by id) matching the filters."""
    body = wp_list(demo, filters=list(filters), pageSize=1)
    assert body["total"] > 0, filters
    return body["_embedded"]["elements"][0]


def patch(demo: DemoServer, work_package_id: int, body: Any) -> httpx.Response:
    with demo_client(demo) as client:
        return client.patch(f"{API}/work_packages/{work_package_id}", json=body)


# lists


def test_default_filter_shows_open_work_only_and_empty_filters_show_all(demo: DemoServer) -> None:
    closed = closed_status_ids(demo)
    default = wp_list(demo, pageSize=1000)
    everything = wp_list(demo, filters=[], pageSize=1000)
    assert default["_type"] == "WorkPackageCollection"
    assert not {status_id(e) for e in default["_embedded"]["elements"]} & closed
    assert {status_id(e) for e in everything["_embedded"]["elements"]} & closed
    assert everything["total"] > default["total"] > 0
    assert '"operator":"o"' in default["_links"]["self"]["href"].replace("%22", '"').replace(
        "%3A", ":"
    ).replace("%2C", ",")


def test_filters_accept_api_and_database_spellings_and_me(demo: DemoServer) -> None:
    by_api = wp_list(demo, filters=[flt("assignee", "=", "me")], pageSize=1000)
    by_db = wp_list(demo, filters=[flt("assigned_to_id", "=", "me")], pageSize=1000)
    assert by_api["total"] == by_db["total"] > 0
    assert ids(by_api) == ids(by_db)
    assert {e["_links"]["assignee"]["href"] for e in by_api["_embedded"]["elements"]} == {
        f"{API}/users/1"
    }
    bugs = wp_list(demo, filters=[flt("type_id", "=", "7"), flt("status", "*")], pageSize=1000)
    assert {e["_links"]["type"]["title"] for e in bugs["_embedded"]["elements"]} == {"Bug"}


def test_text_date_and_custom_field_filters(demo: DemoServer) -> None:
    found = wp_list(demo, filters=[flt("subject", "~", "login page")], pageSize=1000)
    assert found["total"] > 0
    assert all("login page" in e["subject"].lower() for e in found["_embedded"]["elements"])
    by_id = wp_list(demo, filters=[flt("subjectOrId", "**", "12")])
    assert 12 in ids(by_id)
    started = wp_list(
        demo, filters=[flt("startDate", "<>d", "2026-11-01", "2026-11-30")], pageSize=1000
    )
    for element in started["_embedded"]["elements"]:
        day = element.get("startDate") or element.get("date")
        assert "2026-11-01" <= day <= "2026-11-30"
    customers = wp_list(demo, filters=[flt("cf_1", "=", "Globex"), flt("status", "*")])
    assert customers["total"] > 0
    assert {e["customField1"] for e in customers["_embedded"]["elements"]} == {"Globex"}


def test_sort_by_subject_descending(demo: DemoServer) -> None:
    body = wp_list(demo, filters=[], sortBy=[["subject", "desc"]], pageSize=50)
    subjects = [e["subject"].casefold() for e in body["_embedded"]["elements"]]
    assert subjects == sorted(subjects, reverse=True)
    assert "sortBy=%5B%5B%22subject%22%2C%22desc%22%5D%5D" in body["_links"]["self"]["href"]


def test_group_by_status_with_sums(demo: DemoServer) -> None:
    body = wp_list(demo, filters=[], groupBy="status", showSums="true", pageSize=5)
    groups = body["groups"]
    assert sum(g["count"] for g in groups) == body["total"]
    new = next(g for g in groups if g["value"] == "New")
    assert new["_links"]["valueLink"] == [{"href": f"{API}/statuses/1", "title": "New"}]
    assert new["_links"]["groupBy"]["href"] == f"{API}/queries/group_bys/status"
    assert body["totalSums"]["estimatedTime"].startswith("P")
    assert isinstance(body["totalSums"]["customField3"], int)
    by_assignee = wp_list(demo, filters=[], groupBy="assignee")
    unassigned = [g for g in by_assignee["groups"] if g["value"] is None]
    assert unassigned and unassigned[0]["_links"]["valueLink"] == []


def test_select_returns_only_the_named_parts(demo: DemoServer) -> None:
    body = wp_list(demo, filters=[], select="total,elements/id,elements/subject,self", pageSize=3)
    assert set(body) == {"total", "_embedded", "_links"}
    assert set(body["_links"]) == {"self"}
    assert [set(e) for e in body["_embedded"]["elements"]] == [{"id", "subject"}] * 3
    with demo_client(demo) as client:
        response = client.get(f"{API}/work_packages", params={"select": "elements/description"})
    assert error_of(response)[:2] == (400, "InvalidSignal")


def test_paging_uses_page_numbers_and_clamps_the_size(demo: DemoServer) -> None:
    all_ids = ids(wp_list(demo, filters=[], pageSize=1000))
    page = wp_list(demo, filters=[], pageSize=5, offset=2)
    assert ids(page) == all_ids[5:10]
    assert (page["offset"], page["pageSize"], page["count"]) == (2, 5, 5)
    assert "offset=3" in page["_links"]["nextByOffset"]["href"]
    assert "offset=1" in page["_links"]["previousByOffset"]["href"]
    assert wp_list(demo, filters=[], pageSize=5000)["pageSize"] == 1000


def test_bad_filters_are_400_invalid_query(demo: DemoServer) -> None:
    bad = [
        json.dumps([flt("doesNotExist", "=", "1")]),
        json.dumps([flt("status", "~", "x")]),
        json.dumps([flt("assignee", "=", "someone")]),
        "[{not json",
    ]
    with demo_client(demo) as client:
        for filters in bad:
            response = client.get(f"{API}/work_packages", params={"filters": filters})
            assert error_of(response)[:2] == (400, "InvalidQuery"), filters
        response = client.get(f"{API}/work_packages", params={"groupBy": "subject"})
        assert error_of(response)[:2] == (400, "InvalidQuery")


def test_project_list_includes_subprojects_unless_filtered(demo: DemoServer) -> None:
    with_sub = wp_list(
        demo, f"{API}/projects/demo-project/work_packages", filters=[], pageSize=1000
    )
    projects = {e["_links"]["project"]["href"] for e in with_sub["_embedded"]["elements"]}
    assert projects == {f"{API}/projects/1", f"{API}/projects/3", f"{API}/projects/5"}
    only = wp_list(
        demo, f"{API}/projects/1/work_packages", filters=[flt("subprojectId", "!*")], pageSize=1000
    )
    assert {e["_links"]["project"]["href"] for e in only["_embedded"]["elements"]} == {
        f"{API}/projects/1"
    }
    with demo_client(demo) as client:
        assert client.get(f"{API}/projects/8/work_packages").status_code == 404


# single work packages


def test_work_package_representation(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("assignee", "!*"), flt("project", "=", "1"))
    body = read_json(demo, f"{API}/work_packages/{task['id']}")
    links = body["_links"]
    assert links["self"] == {"href": f"{API}/work_packages/{task['id']}", "title": body["subject"]}
    assert links["assignee"] == {"href": None}
    assert links["type"] == {"href": f"{API}/types/1", "title": "Task"}
    assert links["schema"]["href"] == f"{API}/work_packages/schemas/1-1"
    assert links["updateImmediately"]["method"] == "patch"
    assert {"addComment", "addRelation", "delete", "watchers", "activities"} <= set(links)
    assert body["_embedded"]["type"]["name"] == "Task"
    assert body["_embedded"]["project"]["identifier"] == "demo-project"
    assert body["description"]["format"] == "markdown"
    assert "date" not in body and "startDate" in body
    milestone = first(demo, flt("type", "=", "2"), flt("status", "*"))
    assert "date" in milestone and "startDate" not in milestone and "duration" not in milestone


def test_invisible_and_read_only_work_packages(demo: DemoServer) -> None:
    hidden = [w for w in range(1, 60) if w % 8 == 0]  # every 8th work package is in project 8
    with demo_client(demo) as client:
        assert client.get(f"{API}/work_packages/{hidden[0]}").status_code == 404
    public = first(demo, flt("project", "=", str(PUBLIC_PROJECT)), flt("status", "*"))
    assert "updateImmediately" not in public["_links"]
    assert "addComment" not in public["_links"]
    assert "watch" in public["_links"]


def test_patch_cycle_with_lock_version(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("project", "=", "1"))
    wp_id, lock = task["id"], task["lockVersion"]
    done = patch(demo, wp_id, {"lockVersion": lock, "subject": "Renamed by the test"})
    assert done.status_code == 200, done.text
    assert done.json()["subject"] == "Renamed by the test"
    assert done.json()["lockVersion"] == lock + 1
    assert done.json()["updatedAt"] > task["updatedAt"]
    assert error_of(patch(demo, wp_id, {"lockVersion": lock, "subject": "x"}))[:2] == (
        409,
        "UpdateConflict",
    )
    assert error_of(patch(demo, wp_id, {"subject": "x"}))[:2] == (409, "UpdateConflict")
    current = lock + 1
    read_only = patch(demo, wp_id, {"lockVersion": current, "createdAt": "2020-01-01T00:00:00Z"})
    assert error_of(read_only) == (422, "PropertyIsReadOnly", "createdAt")
    blank = patch(demo, wp_id, {"lockVersion": current, "subject": ""})
    assert error_of(blank) == (422, "PropertyConstraintViolation", "subject")
    several = patch(demo, wp_id, {"lockVersion": current, "subject": "", "percentageDone": 120})
    assert error_of(several)[:2] == (422, "MultipleErrors")
    attributes = {
        e["_embedded"]["details"]["attribute"] for e in several.json()["_embedded"]["errors"]
    }
    assert attributes == {"subject", "percentageDone"}
    wrong_kind = patch(
        demo,
        wp_id,
        {"lockVersion": current, "_links": {"assignee": {"href": f"{API}/projects/1"}}},
    )
    assert error_of(wrong_kind) == (422, "ResourceTypeMismatch", "assignee")
    bad_duration = patch(demo, wp_id, {"lockVersion": current, "estimatedTime": "10 hours"})
    assert error_of(bad_duration) == (422, "PropertyFormatError", "estimatedTime")
    assert read_json(demo, f"{API}/work_packages/{wp_id}")["lockVersion"] == current


def test_patch_on_a_public_project_is_403_even_when_stale(demo: DemoServer) -> None:
    public = first(demo, flt("project", "=", str(PUBLIC_PROJECT)), flt("status", "*"))
    response = patch(demo, public["id"], {"lockVersion": 999, "subject": "x"})
    assert error_of(response)[:2] == (403, "MissingPermission")


def test_status_change_follows_the_workflow_and_writes_a_journal(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("status", "=", "1"), flt("project", "=", "1"))
    body = {"lockVersion": task["lockVersion"], "_links": {"status": {"href": f"{API}/statuses/7"}}}
    response = patch(demo, task["id"], body)
    assert response.status_code == 200, response.text
    assert response.json()["_links"]["status"]["title"] == "In progress"
    activities = read_json(demo, f"{API}/work_packages/{task['id']}/activities")
    last = activities["_embedded"]["elements"][-1]
    assert [d["raw"] for d in last["details"]] == ["Status changed from New to In progress"]
    assert last["_links"]["user"]["href"] == f"{API}/users/1"
    milestone = first(
        demo, flt("type", "=", "2"), flt("status", "=", "1"), flt("project", "=", "1")
    )
    forbidden = patch(
        demo,
        milestone["id"],
        {
            "lockVersion": milestone["lockVersion"],
            "_links": {"status": {"href": f"{API}/statuses/7"}},
        },
    )
    assert error_of(forbidden) == (422, "PropertyConstraintViolation", "status")


def test_dates_compute_the_duration_and_reject_an_early_finish(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("project", "=", "1"))
    response = patch(
        demo,
        task["id"],
        {"lockVersion": task["lockVersion"], "startDate": "2026-11-02", "dueDate": "2026-11-06"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["duration"] == "P5D"
    later = response.json()
    shifted = patch(demo, task["id"], {"lockVersion": later["lockVersion"], "duration": "P10D"})
    assert shifted.json()["dueDate"] == "2026-11-13"
    early = patch(
        demo, task["id"], {"lockVersion": shifted.json()["lockVersion"], "dueDate": "2026-10-01"}
    )
    assert error_of(early) == (422, "PropertyConstraintViolation", "dueDate")


# create and delete


def test_create_applies_defaults_and_answers_201(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        response = client.post(
            f"{API}/work_packages",
            json={
                "subject": "Created by a test",
                "_links": {"project": {"href": f"{API}/projects/1"}},
            },
        )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["subject"] == "Created by a test"
    assert body["_links"]["type"]["title"] == "Task"
    assert body["_links"]["status"]["title"] == "New"
    assert body["_links"]["priority"]["title"] == "Normal"
    assert body["_links"]["author"]["href"] == f"{API}/users/1"
    assert read_json(demo, f"{API}/work_packages/{body['id']}")["subject"] == "Created by a test"
    activities = read_json(demo, f"{API}/work_packages/{body['id']}/activities")
    assert [a["version"] for a in activities["_embedded"]["elements"]] == [1]


def test_create_checks_required_custom_fields_and_milestone_dates(demo: DemoServer) -> None:
    links: dict[str, Any] = {"type": {"href": f"{API}/types/7"}}
    bug = {"subject": "A bug", "_links": links}
    with demo_client(demo) as client:
        missing = client.post(f"{API}/projects/1/work_packages", json=bug)
        assert error_of(missing) == (422, "PropertyConstraintViolation", "customField7")
        links["customField7"] = {"href": f"{API}/custom_options/1"}
        created = client.post(f"{API}/projects/1/work_packages", json=bug)
        assert created.status_code == 201, created.text
        assert created.json()["_links"]["customField7"] == {
            "href": f"{API}/custom_options/1",
            "title": "API",
        }
        milestone = client.post(
            f"{API}/projects/1/work_packages",
            json={
                "subject": "Go",
                "date": "2026-12-01",
                "_links": {"type": {"href": f"{API}/types/2"}},
            },
        )
        assert milestone.status_code == 201, milestone.text
        assert milestone.json()["date"] == "2026-12-01"
        no_project = client.post(f"{API}/work_packages", json={"subject": "Lost"})
        assert error_of(no_project) == (422, "PropertyConstraintViolation", "project")
        forbidden = client.post(
            f"{API}/projects/{PUBLIC_PROJECT}/work_packages", json={"subject": "x"}
        )
        assert forbidden.status_code == 403


def test_delete_removes_the_children_too(demo: DemoServer) -> None:
    child = first(demo, flt("parent", "*"), flt("project", "=", "1"), flt("status", "*"))
    parent_href = child["_links"]["parent"]["href"]
    with demo_client(demo) as client:
        assert client.delete(parent_href, headers=JSON).status_code == 204
        assert client.get(parent_href).status_code == 404
        assert client.get(f"{API}/work_packages/{child['id']}").status_code == 404


def test_relation_candidates_match_id_or_subject_and_leave_out_related_ones(
    demo: DemoServer,
) -> None:
    path = f"{API}/work_packages/1/available_relation_candidates"
    by_id = read_json(demo, path, query="3")
    assert 3 in ids(by_id)
    subject = read_json(demo, f"{API}/work_packages/3")["subject"]
    word = subject.split()[-1]
    by_subject = read_json(demo, path, query=word, pageSize=50)
    assert 3 in ids(by_subject)
    assert all(
        word.casefold() in e["subject"].casefold() for e in by_subject["_embedded"]["elements"]
    )
    assert len(ids(read_json(demo, path))) == 10  # the spec's default page size
    with demo_client(demo) as client:
        relation = {"type": "relates", "_links": {"to": {"href": f"{API}/work_packages/3"}}}
        assert client.post(f"{API}/work_packages/1/relations", json=relation).status_code == 201
    assert 3 not in ids(read_json(demo, path, query="3"))
    assert 1 not in ids(read_json(demo, path, query="1"))  # never itself
    with demo_client(demo) as client:
        assert (
            client.get(f"{API}/work_packages/999999/available_relation_candidates").status_code
            == 404
        )
