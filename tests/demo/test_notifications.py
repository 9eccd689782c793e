"""In-app notifications of the demo server: filters, groups, details, read and unread."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from optui.demo import DemoServer
from tests.conftest import TODAY, demo_client, read_json

Json = dict[str, Any]
JSON = {"Content-Type": "application/json"}
REASONS = {
    "mentioned",
    "assigned",
    "responsible",
    "watched",
    "subscribed",
    "commented",
    "created",
    "processed",
    "prioritized",
    "scheduled",
    "dateAlert",
    "reminder",
    "shared",
}


def notifications(demo: DemoServer, **params: Any) -> list[Json]:
    body = read_json(demo, "/api/v3/notifications", pageSize=1000, **params)
    elements: list[Json] = body["_embedded"]["elements"]
    assert body["total"] == len(elements)
    return elements


def unread(filters: list[Json] | None = None) -> list[Json]:
    return [{"readIAN": {"operator": "=", "values": ["f"]}}, *(filters or [])]


def test_first_page_and_every_reason(demo: DemoServer) -> None:
    page = read_json(demo, "/api/v3/notifications")
    assert page["pageSize"] == 20
    assert page["count"] == 20
    assert page["total"] >= 55
    assert "nextByOffset" in page["_links"]
    assert {s["_links"]["self"]["href"] for s in page["_embedded"]["detailsSchemas"]} == {
        "/api/v3/values/schema/startDate",
        "/api/v3/values/schema/dueDate",
        "/api/v3/values/schema/date",
    }
    everything = notifications(demo)
    counts = Counter(n["reason"] for n in everything)
    assert set(counts) == REASONS
    assert min(counts.values()) >= 3
    read = sum(n["readIAN"] for n in everything)
    assert 0.3 < read / len(everything) < 0.7
    per_work_package = Counter(n["_links"]["resource"]["href"] for n in everything)
    assert per_work_package.most_common(1)[0][1] >= 3
    assert len({n["_links"]["project"]["href"] for n in everything}) >= 3


def test_notification_shape(demo: DemoServer) -> None:
    for notification in notifications(demo):
        links = notification["_links"]
        embedded = notification["_embedded"]
        assert links["self"]["href"] == f"/api/v3/notifications/{notification['id']}"
        assert ("readIAN" in links) is not notification["readIAN"]
        assert ("unreadIAN" in links) is notification["readIAN"]
        assert embedded["resource"]["_links"]["self"]["href"] == links["resource"]["href"]
        assert links["resource"]["title"] == embedded["resource"]["subject"]
        assert embedded["project"]["_links"]["self"]["href"] == links["project"]["href"]
        if notification["reason"] in ("dateAlert", "reminder"):
            assert links["actor"] == {"href": None}
            assert links["activity"] == {"href": None}
            assert "actor" not in embedded
        else:
            assert embedded["actor"]["_links"]["self"]["href"] == links["actor"]["href"]


def test_date_alerts_carry_details(demo: DemoServer) -> None:
    alerts = notifications(demo, filters=[{"reason": {"operator": "=", "values": ["dateAlert"]}}])
    assert len(alerts) >= 3
    details = [d for alert in alerts for d in alert["_embedded"]["details"]]
    assert {d["property"] for d in details} == {"startDate", "dueDate", "date"}
    assert any(d["property"] == "dueDate" and d["value"] < TODAY.isoformat() for d in details)
    alert = alerts[0]
    first = alert["_embedded"]["details"][0]
    assert alert["_links"]["details"][0]["href"] == first["_links"]["self"]["href"]
    assert read_json(demo, first["_links"]["self"]["href"]) == first
    schema = read_json(demo, first["_links"]["schema"]["href"])
    assert schema["value"]["type"] == "Date"
    with demo_client(demo) as client:
        assert client.get(f"/api/v3/notifications/{alert['id']}/details/9").status_code == 404


def test_filters_match_the_elements(demo: DemoServer) -> None:
    everything = notifications(demo)
    unread_ones = notifications(demo, filters=unread())
    read_ones = notifications(demo, filters=[{"readIAN": {"operator": "=", "values": ["t"]}}])
    assert len(unread_ones) + len(read_ones) == len(everything)
    assert all(not n["readIAN"] for n in unread_ones)
    mentioned = notifications(
        demo, filters=[{"reason": {"operator": "=", "values": ["mentioned"]}}]
    )
    assert len(mentioned) == sum(n["reason"] == "mentioned" for n in everything)
    target = everything[0]["_links"]["resource"]["href"]
    on_target = notifications(
        demo,
        filters=[
            {"resourceId": {"operator": "=", "values": [target.rsplit("/", 1)[-1]]}},
            {"resourceType": {"operator": "=", "values": ["WorkPackage"]}},
        ],
    )
    assert {n["_links"]["resource"]["href"] for n in on_target} == {target}
    assert len(on_target) == sum(n["_links"]["resource"]["href"] == target for n in everything)
    in_project = notifications(demo, filters=[{"project": {"operator": "=", "values": ["2"]}}])
    assert in_project
    assert {n["_links"]["project"]["href"] for n in in_project} == {"/api/v3/projects/2"}
    newest_first = notifications(demo, sortBy=[["id", "desc"]])
    assert [n["id"] for n in newest_first] == sorted((n["id"] for n in everything), reverse=True)
    with demo_client(demo) as client:
        bad = client.get(
            "/api/v3/notifications",
            params={"filters": json.dumps([{"nope": {"operator": "=", "values": ["1"]}}])},
        )
    assert bad.status_code == 400
    assert bad.json()["errorIdentifier"].endswith(":InvalidQuery")


def test_group_counts_equal_the_matching_elements(demo: DemoServer) -> None:
    elements = notifications(demo, filters=unread())
    by_reason = read_json(
        demo, "/api/v3/notifications", filters=unread(), groupBy="reason", pageSize=1
    )
    assert {g["value"]: g["count"] for g in by_reason["groups"]} == Counter(
        n["reason"] for n in elements
    )
    by_project = read_json(demo, "/api/v3/notifications", filters=unread(), groupBy="project")
    counted = Counter(n["_links"]["project"]["href"] for n in elements)
    assert {
        g["_links"]["valueLink"][0]["href"]: g["count"] for g in by_project["groups"]
    } == counted
    titles = {n["_links"]["project"]["title"] for n in elements}
    assert {g["value"] for g in by_project["groups"]} == titles


def test_mark_one_read_and_unread(demo: DemoServer) -> None:
    target = notifications(demo, filters=unread())[0]
    with demo_client(demo) as client:
        response = client.post(target["_links"]["readIAN"]["href"], headers=JSON)
        assert response.status_code == 204
        assert response.content == b""
        after = read_json(demo, target["_links"]["self"]["href"])
        assert after["readIAN"] is True
        assert "unreadIAN" in after["_links"] and "readIAN" not in after["_links"]
        assert after["updatedAt"] >= target["updatedAt"]
        again = client.post(after["_links"]["unreadIAN"]["href"], headers=JSON)
        assert again.status_code == 204
    assert read_json(demo, target["_links"]["self"]["href"])["readIAN"] is False


def test_bulk_read_and_unread_by_filter(demo: DemoServer) -> None:
    everything = notifications(demo)
    target = Counter(n["_links"]["resource"]["href"] for n in everything).most_common(1)[0][0]
    by_target = [
        {"resourceId": {"operator": "=", "values": [target.rsplit("/", 1)[-1]]}},
        {"resourceType": {"operator": "=", "values": ["WorkPackage"]}},
    ]
    others_before = {
        n["id"]: n["readIAN"] for n in everything if n["_links"]["resource"]["href"] != target
    }
    with demo_client(demo) as client:
        response = client.post(
            "/api/v3/notifications/read_ian",
            params={"filters": json.dumps(by_target)},
            headers=JSON,
        )
        assert response.status_code == 204
        assert all(n["readIAN"] for n in notifications(demo, filters=by_target))
        others_after = {
            n["id"]: n["readIAN"]
            for n in notifications(demo)
            if n["_links"]["resource"]["href"] != target
        }
        assert others_after == others_before
        assert client.post("/api/v3/notifications/unread_ian", headers=JSON).status_code == 204
    assert notifications(demo, filters=unread()) == notifications(demo)


def test_marking_needs_a_content_type(demo: DemoServer) -> None:
    target = notifications(demo, filters=unread())[0]
    with demo_client(demo) as client:
        response = client.post(target["_links"]["readIAN"]["href"])
        bulk = client.post("/api/v3/notifications/read_ian")
    for refused in (response, bulk):
        assert refused.status_code == 406
        assert refused.headers["content-type"].startswith("text/plain")
        assert refused.text == "Missing content-type header"
    assert read_json(demo, target["_links"]["self"]["href"])["readIAN"] is False


def test_other_users_notifications_are_not_found(demo: DemoServer) -> None:
    mine = {n["id"] for n in notifications(demo)}
    others = [n for n in range(1, max(mine) + 10) if n not in mine]
    with demo_client(demo) as client:
        for number in others:
            assert client.get(f"/api/v3/notifications/{number}").status_code == 404
            refused = client.post(f"/api/v3/notifications/{number}/read_ian", headers=JSON)
            assert refused.status_code == 404
