"""Activities and comments, relations, watchers, available assignees and custom options."""

from __future__ import annotations

from typing import Any

import httpx

from optui.demo import DemoServer
from tests.conftest import demo_client, read_json

API = "/api/v3"
ERRORS = "urn:openproject-org:api:v3:errors:"
JSON = {"Content-Type": "application/json"}


def flt(name: str, operator: str, *values: str) -> dict[str, Any]:
    return {name: {"operator": operator, "values": list(values)}}


def first(demo: DemoServer, *filters: dict[str, Any]) -> Any:
    body = read_json(demo, f"{API}/work_packages", filters=list(filters), pageSize=1)
    assert body["total"] > 0, filters
    return body["_embedded"]["elements"][0]


def mine(demo: DemoServer) -> Any:
    """An open task in the demo project, where the demo user may do everything."""
    return first(demo, flt("type", "=", "1"), flt("project", "=", "1"))


def identifier(response: httpx.Response) -> str:
    return str(response.json()["errorIdentifier"]).removeprefix(ERRORS)


# activities


def test_activities_are_oldest_first_with_both_types(demo: DemoServer) -> None:
    seen: set[str] = set()
    for work_package_id in range(1, 12):
        if work_package_id % 8 == 0:
            continue  # in the hidden project
        body = read_json(demo, f"{API}/work_packages/{work_package_id}/activities")
        elements = body["_embedded"]["elements"]
        assert body["total"] == len(elements) >= 1
        assert elements[0]["version"] == 1
        assert elements[0]["_type"] == "Activity"
        assert [a["version"] for a in elements] == sorted(a["version"] for a in elements)
        assert [a["createdAt"] for a in elements] == sorted(a["createdAt"] for a in elements)
        for activity in elements:
            seen.add(activity["_type"])
            assert activity["comment"]["format"] == "markdown"
            assert activity["_links"]["workPackage"]["href"] == (
                f"{API}/work_packages/{work_package_id}"
            )
            assert (activity["_type"] == "Activity::Comment") == bool(activity["comment"]["raw"])
    assert seen == {"Activity", "Activity::Comment"}


def test_comment_then_edit_it(demo: DemoServer) -> None:
    task = mine(demo)
    path = f"{API}/work_packages/{task['id']}/activities"
    with demo_client(demo) as client:
        created = client.post(path, json={"comment": {"raw": "Looks **good**"}})
        assert created.status_code == 201, created.text
        activity = created.json()
        assert activity["_type"] == "Activity::Comment"
        assert activity["comment"]["html"].strip() == "<p>Looks <strong>good</strong></p>"
        assert activity["_links"]["update"]["method"] == "patch"
        self_href = activity["_links"]["self"]["href"]
        edited = client.patch(self_href, json={"comment": {"raw": "Looks fine"}})
        assert edited.status_code == 200
        assert edited.json()["comment"]["raw"] == "Looks fine"
        blank = client.post(path, json={"comment": {"raw": "  "}})
        assert (blank.status_code, identifier(blank)) == (422, "PropertyConstraintViolation")
    listed = read_json(demo, path)["_embedded"]["elements"]
    assert listed[-1]["comment"]["raw"] == "Looks fine"
    assert read_json(demo, self_href)["id"] == activity["id"]


def test_editing_someone_elses_comment_is_403(demo: DemoServer) -> None:
    theirs = None
    for work_package_id in range(1, 60):
        if work_package_id % 8 in (0, 7):
            continue  # hidden or public projects
        elements = read_json(demo, f"{API}/work_packages/{work_package_id}/activities")
        for activity in elements["_embedded"]["elements"]:
            if (
                activity["comment"]["raw"]
                and activity["_links"]["user"]["href"] != f"{API}/users/1"
            ):
                theirs = activity
                break
        if theirs:
            break
    assert theirs is not None
    assert "update" not in theirs["_links"]
    with demo_client(demo) as client:
        response = client.patch(theirs["_links"]["self"]["href"], json={"comment": {"raw": "x"}})
    assert (response.status_code, identifier(response)) == (403, "MissingPermission")


def test_commenting_on_a_public_project_is_403(demo: DemoServer) -> None:
    public = first(demo, flt("project", "=", "7"), flt("status", "*"))
    with demo_client(demo) as client:
        response = client.post(
            f"{API}/work_packages/{public['id']}/activities", json={"comment": {"raw": "hi"}}
        )
    assert response.status_code == 403


# relations


def test_relations_list_filters_and_shapes(demo: DemoServer) -> None:
    every = read_json(demo, f"{API}/relations", pageSize=100)
    assert every["total"] >= 40
    relation = every["_embedded"]["elements"][0]
    assert relation["_type"] == "Relation"
    assert relation["reverseType"] in ("relates", "duplicated", "blocked", "follows", "precedes")
    assert relation["_links"]["from"]["title"]
    assert relation["_embedded"]["to"]["_type"] == "WorkPackage"
    involved = relation["_links"]["from"]["href"].rsplit("/", 1)[1]
    found = read_json(demo, f"{API}/relations", filters=[flt("involved", "=", involved)])
    hrefs = {
        (r["_links"]["from"]["href"], r["_links"]["to"]["href"])
        for r in found["_embedded"]["elements"]
    }
    assert all(f"{API}/work_packages/{involved}" in pair for pair in hrefs)
    blocks = read_json(demo, f"{API}/relations", filters=[flt("type", "=", "blocks")], pageSize=100)
    assert {r["type"] for r in blocks["_embedded"]["elements"]} == {"blocks"}
    assert blocks["_embedded"]["elements"][0]["name"] == "blocks"


def test_relation_create_conflict_update_delete(demo: DemoServer) -> None:
    ids = read_json(
        demo, f"{API}/work_packages", filters=[flt("project", "=", "2"), flt("status", "*")]
    )["_embedded"]["elements"]
    free = [
        w["id"]
        for w in ids
        if not read_json(demo, f"{API}/work_packages/{w['id']}/relations")["total"]
    ][:2]
    source, target = free
    body = {
        "type": "follows",
        "lag": 2,
        "_links": {"to": {"href": f"{API}/work_packages/{target}"}},
    }
    with demo_client(demo) as client:
        created = client.post(f"{API}/work_packages/{source}/relations", json=body)
        assert created.status_code == 201, created.text
        relation = created.json()
        assert (relation["type"], relation["reverseType"], relation["lag"]) == (
            "follows",
            "precedes",
            2,
        )
        again = client.post(
            f"{API}/work_packages/{target}/relations",
            json={"type": "relates", "_links": {"to": {"href": f"{API}/work_packages/{source}"}}},
        )
        assert (again.status_code, identifier(again)) == (409, "UpdateConflict")
        bad = client.post(
            f"{API}/work_packages/{source}/relations",
            json={"type": "likes", "_links": {"to": {"href": f"{API}/work_packages/{target}"}}},
        )
        assert bad.status_code == 422
        href = relation["_links"]["self"]["href"]
        changed = client.patch(href, json={"description": "After the review", "type": "blocks"})
        assert changed.status_code == 200
        assert (changed.json()["description"], changed.json()["type"]) == (
            "After the review",
            "blocks",
        )
        listed = read_json(demo, f"{API}/work_packages/{target}/relations")
        assert [r["id"] for r in listed["_embedded"]["elements"]] == [relation["id"]]
        assert client.request("DELETE", href, headers=JSON).status_code == 204
        assert client.get(href).status_code == 404


# watchers


def test_watch_unwatch_and_add_a_colleague(demo: DemoServer) -> None:
    task = mine(demo)
    path = f"{API}/work_packages/{task['id']}/watchers"
    me = {"user": {"href": f"{API}/users/1"}}
    with demo_client(demo) as client:
        before = {u["id"] for u in client.get(path).json()["_embedded"]["elements"]}
        if 1 in before:
            client.request("DELETE", f"{path}/1", headers=JSON)
        assert "watch" in client.get(f"{API}/work_packages/{task['id']}").json()["_links"]
        added = client.post(path, json=me)
        assert added.status_code == 201
        assert added.json()["_type"] == "User"
        assert client.post(path, json=me).status_code == 200
        links = client.get(f"{API}/work_packages/{task['id']}").json()["_links"]
        assert links["unwatch"] == {"href": f"{path}/1", "method": "delete"}
        colleague = client.post(path, json={"user": {"href": f"{API}/users/2"}})
        assert colleague.status_code in (200, 201)
        watching = {u["id"] for u in client.get(path).json()["_embedded"]["elements"]}
        assert {1, 2} <= watching
        assert client.request("DELETE", f"{path}/1", headers=JSON).status_code == 204
        after = {u["id"] for u in client.get(path).json()["_embedded"]["elements"]}
        assert 1 not in after and 2 in after
        stranger = client.post(path, json={"user": {"href": f"{API}/users/7"}})
        assert stranger.status_code == 422  # not a member of the demo project
        wrong_kind = client.post(path, json={"user": {"href": f"{API}/projects/1"}})
        assert identifier(wrong_kind) == "ResourceTypeMismatch"


def test_seeded_watch_list(demo: DemoServer) -> None:
    watched = read_json(
        demo, f"{API}/work_packages", filters=[flt("watcher", "=", "me")], pageSize=100
    )
    assert watched["total"] == 15
    assignees = {e["_links"]["assignee"]["href"] for e in watched["_embedded"]["elements"]}
    assert f"{API}/users/1" not in assignees


def test_available_assignees_and_custom_options(demo: DemoServer) -> None:
    task = mine(demo)
    people = read_json(demo, f"{API}/work_packages/{task['id']}/available_assignees")
    names = {u["name"] for u in people["_embedded"]["elements"]}
    assert {"Demo User", "Anna Schmidt"} <= names
    assert "Farid Haddad" not in names  # not a member of the demo project
    option = read_json(demo, f"{API}/custom_options/1")
    assert option == {
        "_type": "CustomOption",
        "id": 1,
        "value": "API",
        "_links": {"self": {"href": f"{API}/custom_options/1", "title": "API"}},
    }
    with demo_client(demo) as client:
        assert client.get(f"{API}/custom_options/999").status_code == 404
