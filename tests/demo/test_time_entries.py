"""Time entries of the demo server: list, writes, validation, forms, the running timer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx

from optui.demo import DemoServer
from tests.conftest import TODAY, demo_client, read_json

Json = dict[str, Any]
ERRORS = "urn:openproject-org:api:v3:errors:"
HIDDEN_PROJECT = "/api/v3/projects/8"


def entries(demo: DemoServer, **params: Any) -> list[Json]:
    body = read_json(demo, "/api/v3/time_entries", pageSize=1000, **params)
    elements: list[Json] = body["_embedded"]["elements"]
    assert body["total"] == len(elements)
    return elements


def new_entry(**fields: Any) -> Json:
    body: Json = {
        "hours": "PT1H30M",
        "spentOn": TODAY.isoformat(),
        "comment": {"raw": "Review"},
        "_links": {
            "workPackage": {"href": "/api/v3/work_packages/1"},
            "activity": {"href": "/api/v3/time_entries/activities/4"},
        },
    }
    body.update(fields)
    return body


def error_of(response: httpx.Response) -> tuple[str, str | None]:
    body = response.json()
    attribute = body.get("_embedded", {}).get("details", {}).get("attribute")
    return body["errorIdentifier"].removeprefix(ERRORS), attribute


def test_list_shows_visible_entries_over_five_weeks(demo: DemoServer) -> None:
    found = entries(demo)
    assert 60 <= len(found) <= 100
    days = {dt.date.fromisoformat(e["spentOn"]) for e in found}
    assert min(days) >= TODAY - dt.timedelta(days=35)
    assert max(days) <= TODAY
    assert HIDDEN_PROJECT not in {e["_links"]["project"]["href"] for e in found}
    users = {e["_links"]["user"]["href"] for e in found}
    assert "/api/v3/users/1" in users and len(users) > 1
    assert len({e["_links"]["activity"]["href"] for e in found}) >= 4
    spent = [e["spentOn"] for e in found]
    assert spent == sorted(spent)  # default order: spent_on ascending
    first = found[0]
    assert first["comment"]["format"] == "plain"
    assert first["_links"]["workPackage"] == first["_links"]["entity"]
    assert first["_links"]["activity"]["href"].startswith("/api/v3/time_entries/activities/")


def test_filters_and_sorting(demo: DemoServer) -> None:
    everything = entries(demo)
    mine = entries(demo, filters=[{"user_id": {"operator": "=", "values": ["me"]}}])
    assert mine and {e["_links"]["user"]["href"] for e in mine} == {"/api/v3/users/1"}
    assert len(mine) == sum(e["_links"]["user"]["href"] == "/api/v3/users/1" for e in everything)
    week = [(TODAY - dt.timedelta(days=6)).isoformat(), TODAY.isoformat()]
    last_week = entries(demo, filters=[{"spentOn": {"operator": "<>d", "values": week}}])
    assert last_week
    assert all(week[0] <= e["spentOn"] <= week[1] for e in last_week)
    this_week = entries(demo, filters=[{"spent_on": {"operator": "w", "values": []}}])
    assert {e["spentOn"] for e in this_week} == {TODAY.isoformat()}  # TODAY is a Monday
    target = mine[0]["_links"]["workPackage"]["href"].rsplit("/", 1)[-1]
    by_entity = entries(
        demo,
        filters=[
            {"entity_type": {"operator": "=", "values": ["WorkPackage"]}},
            {"entity_id": {"operator": "=", "values": [target]}},
        ],
    )
    by_work_package = entries(
        demo, filters=[{"work_package": {"operator": "=", "values": [target]}}]
    )
    assert by_entity == by_work_package and by_entity
    running = entries(demo, filters=[{"ongoing": {"operator": "=", "values": ["t"]}}])
    assert len(running) == 1 and running[0]["ongoing"] is True and "hours" not in running[0]
    testing = entries(demo, filters=[{"activity": {"operator": "=", "values": ["4"]}}])
    assert {e["_links"]["activity"]["title"] for e in testing} == {"Testing"}
    by_hours = entries(demo, sortBy=[["hours", "desc"]])
    logged = [e for e in by_hours if "hours" in e]
    assert logged[0]["hours"] == max((e["hours"] for e in logged), key=_hours)
    assert "hours" not in by_hours[-1]  # the running timer sorts last


def _hours(duration: str) -> float:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", duration)
    assert match is not None, duration
    return int(match.group(1) or 0) + int(match.group(2) or 0) / 60


def test_create_read_update_delete(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        created = client.post("/api/v3/time_entries", json=new_entry())
        assert created.status_code == 201, created.text
        entry = created.json()
        assert entry["hours"] == "PT1H30M"
        assert entry["comment"]["raw"] == "Review"
        assert entry["_links"]["project"]["href"] == "/api/v3/projects/1"  # follows the WP
        assert entry["_links"]["entity"] == entry["_links"]["workPackage"]
        assert entry["_links"]["workPackage"]["href"] == "/api/v3/work_packages/1"
        assert entry["_links"]["user"]["href"] == "/api/v3/users/1"
        href = entry["_links"]["self"]["href"]
        assert read_json(demo, href) == entry

        changed = client.patch(href, json={"hours": "PT2H", "comment": {"raw": "More review"}})
        assert changed.status_code == 200
        assert changed.json()["hours"] == "PT2H"
        assert read_json(demo, href)["comment"]["raw"] == "More review"

        via_entity = client.post(
            "/api/v3/time_entries",
            json=new_entry(_links={"entity": {"href": "/api/v3/work_packages/2"}}),
        )
        assert via_entity.status_code == 201
        assert via_entity.json()["_links"]["workPackage"]["href"] == "/api/v3/work_packages/2"
        assert via_entity.json()["_links"]["activity"]["title"] == "Development"  # the default

        assert client.delete(href, headers={"Content-Type": "application/json"}).status_code == 204
        assert client.get(href).status_code == 404


def test_only_own_entries_may_be_changed(demo: DemoServer) -> None:
    theirs = next(e for e in entries(demo) if e["_links"]["user"]["href"] != "/api/v3/users/1")
    assert not {"update", "updateImmediately", "delete"} & set(theirs["_links"])
    mine = entries(demo, filters=[{"user_id": {"operator": "=", "values": ["me"]}}])[0]
    assert {"update", "updateImmediately", "delete"} <= set(mine["_links"])
    href = theirs["_links"]["self"]["href"]
    with demo_client(demo) as client:
        assert client.patch(href, json={"hours": "PT1H"}).status_code == 403
        refused = client.delete(href, headers={"Content-Type": "application/json"})
        assert refused.status_code == 403
    assert read_json(demo, href) == theirs


def test_writes_are_validated(demo: DemoServer) -> None:
    before = len(entries(demo))
    with demo_client(demo) as client:
        bad_duration = client.post("/api/v3/time_entries", json=new_entry(hours="1.5 hours"))
        no_hours = client.post("/api/v3/time_entries", json=new_entry(hours=None))
        zero = client.post("/api/v3/time_entries", json=new_entry(hours="PT0H"))
        bad_activity = client.post(
            "/api/v3/time_entries",
            json=new_entry(
                _links={
                    "workPackage": {"href": "/api/v3/work_packages/1"},
                    "activity": {"href": "/api/v3/time_entries/activities/99"},
                }
            ),
        )
        hidden = client.post(
            "/api/v3/time_entries",
            json=new_entry(_links={"workPackage": {"href": "/api/v3/work_packages/8"}}),
        )
        several = client.post("/api/v3/time_entries", json={"hours": "PT1H", "spentOn": "x"})
    assert error_of(bad_duration) == ("PropertyFormatError", "hours")
    assert error_of(no_hours) == ("PropertyConstraintViolation", "hours")
    assert error_of(zero) == ("PropertyConstraintViolation", "hours")
    assert error_of(bad_activity) == ("PropertyConstraintViolation", "activity")
    assert error_of(hidden) == ("PropertyConstraintViolation", "workPackage")
    assert several.status_code == 422
    assert several.json()["errorIdentifier"] == ERRORS + "MultipleErrors"
    attributes = {
        e["_embedded"]["details"]["attribute"] for e in several.json()["_embedded"]["errors"]
    }
    assert attributes == {"spentOn", "workPackage"}
    for response in (bad_duration, no_hours, zero, bad_activity, hidden):
        assert response.status_code == 422
    assert len(entries(demo)) == before  # nothing saved


def test_forms_validate_without_saving(demo: DemoServer) -> None:
    before = len(entries(demo))
    with demo_client(demo) as client:
        empty = client.post("/api/v3/time_entries/form", json={})
        valid = client.post("/api/v3/time_entries/form", json=new_entry())
        mine = entries(demo, filters=[{"user_id": {"operator": "=", "values": ["me"]}}])[0]
        edit = client.post(mine["_links"]["update"]["href"], json={"hours": "PTxH"})
    assert empty.status_code == 200
    form = empty.json()
    assert form["_type"] == "Form"
    assert {"hours", "workPackage"} <= set(form["_embedded"]["validationErrors"])
    assert "commit" not in form["_links"]
    assert form["_embedded"]["payload"]["spentOn"] == TODAY.isoformat()
    schema = form["_embedded"]["schema"]
    activities = schema["activity"]["_embedded"]["allowedValues"]
    assert [a["name"] for a in activities if a["default"]] == ["Development"]
    assert len(schema["activity"]["_links"]["allowedValues"]) == len(activities)
    assert schema["workPackage"]["_links"]["allowedValues"]["href"] == (
        "/api/v3/time_entries/available_work_packages"
    )
    assert (
        schema["entity"]["_links"]["allowedValues"]
        == schema["workPackage"]["_links"]["allowedValues"]
    )
    assert valid.json()["_embedded"]["validationErrors"] == {}
    assert valid.json()["_links"]["commit"] == {"href": "/api/v3/time_entries", "method": "post"}
    assert valid.json()["_embedded"]["payload"]["_links"]["project"]["href"] == "/api/v3/projects/1"
    assert edit.status_code == 200
    assert set(edit.json()["_embedded"]["validationErrors"]) == {"hours"}
    assert edit.json()["_embedded"]["payload"]["hours"] == "PTxH"  # invalid input echoed
    assert "commit" not in edit.json()["_links"]
    assert len(entries(demo)) == before  # nothing saved
    standalone = read_json(demo, "/api/v3/time_entries/schema")
    assert standalone["activity"]["_links"] == {}
    assert "_embedded" not in standalone["activity"]
    assert standalone["hours"]["type"] == "Duration"


def test_running_timer(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        started = client.post(
            "/api/v3/time_entries", json=new_entry(hours=None, ongoing=True, comment=None)
        )
        assert started.status_code == 201, started.text
        timer = started.json()
        assert timer["ongoing"] is True
        assert "hours" not in timer
        second = client.post("/api/v3/time_entries", json=new_entry(hours=None, ongoing=True))
        assert error_of(second) == ("PropertyConstraintViolation", "ongoing")
        href = timer["_links"]["self"]["href"]
        stopped = client.patch(href, json={"ongoing": False, "hours": "PT45M"})
        assert stopped.status_code == 200
        assert stopped.json()["ongoing"] is False
        assert stopped.json()["hours"] == "PT45M"
        restarted = client.post("/api/v3/time_entries", json=new_entry(hours=None, ongoing=True))
        assert restarted.status_code == 201
        auto = client.patch(restarted.json()["_links"]["self"]["href"], json={"ongoing": False})
        assert auto.status_code == 200
        assert auto.json()["hours"].startswith("PT")  # the time it ran, at least a minute
    running = entries(
        demo,
        filters=[
            {"ongoing": {"operator": "=", "values": ["t"]}},
            {"user": {"operator": "=", "values": ["me"]}},
        ],
    )
    assert running == []


def test_activities_and_where_time_may_go(demo: DemoServer) -> None:
    plural = read_json(demo, "/api/v3/time_entries/activities/3")
    singular = read_json(demo, "/api/v3/time_entries/activity/3")
    assert plural == singular
    assert plural["_type"] == "TimeEntriesActivity"
    assert plural["name"] == "Development" and plural["default"] is True
    assert plural["_links"]["self"]["href"] == "/api/v3/time_entries/activities/3"
    assert len(plural["_links"]["projects"]) == len(plural["_embedded"]["projects"]) > 0
    with demo_client(demo) as client:
        assert client.get("/api/v3/time_entries/activities/99").status_code == 404
        assert client.get("/api/v3/time_entries/activities").status_code == 404  # no list
    projects = read_json(demo, "/api/v3/time_entries/available_projects")
    names = {p["name"] for p in projects["_embedded"]["elements"]}
    assert "Demo project" in names
    assert not names & {"HR confidential", "Sprint archive 2025", "Public knowledge base"}
    work_packages = read_json(demo, "/api/v3/time_entries/available_work_packages", pageSize=5)
    assert work_packages["total"] > 0
    hrefs = {e["_links"]["project"]["href"] for e in work_packages["_embedded"]["elements"]}
    assert HIDDEN_PROJECT not in hrefs
