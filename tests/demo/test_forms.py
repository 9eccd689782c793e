"""Work package forms (validation, allowed values, workflow) and standalone schemas."""

from __future__ import annotations

from typing import Any

import httpx

from optui.demo import DemoServer
from tests.conftest import demo_client, read_json

API = "/api/v3"
ERRORS = "urn:openproject-org:api:v3:errors:"
MILESTONE_STATUSES = {"New", "Scheduled", "Closed", "On hold", "Rejected"}


def flt(name: str, operator: str, *values: str) -> dict[str, Any]:
    return {name: {"operator": operator, "values": list(values)}}


def first(demo: DemoServer, *filters: dict[str, Any]) -> Any:
    body = read_json(demo, f"{API}/work_packages", filters=list(filters), pageSize=1)
    assert body["total"] > 0, filters
    return body["_embedded"]["elements"][0]


def post_form(demo: DemoServer, path: str, body: Any) -> httpx.Response:
    with demo_client(demo) as client:
        return client.post(path, json=body)


def allowed_titles(form: Any, name: str) -> list[str]:
    return [v["title"] for v in form["_embedded"]["schema"][name]["_links"]["allowedValues"]]


def test_edit_form_reports_errors_without_commit(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("project", "=", "1"))
    path = f"{API}/work_packages/{task['id']}/form"
    response = post_form(demo, path, {"lockVersion": task["lockVersion"], "subject": ""})
    assert response.status_code == 200
    form = response.json()
    assert form["_type"] == "Form"
    error = form["_embedded"]["validationErrors"]["subject"]
    assert error["errorIdentifier"] == ERRORS + "PropertyConstraintViolation"
    assert error["_embedded"]["details"]["attribute"] == "subject"
    assert "commit" not in form["_links"]
    assert form["_embedded"]["payload"]["subject"] == ""
    assert form["_links"]["validate"] == {"href": path, "method": "post"}
    bad_duration = post_form(demo, path, {"estimatedTime": "soon"}).json()
    assert bad_duration["_embedded"]["payload"]["estimatedTime"] == "soon"
    assert "estimatedTime" in bad_duration["_embedded"]["validationErrors"]
    assert read_json(demo, f"{API}/work_packages/{task['id']}")["subject"] == task["subject"]


def test_valid_edit_form_has_commit_and_allowed_values(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("status", "=", "1"), flt("project", "=", "1"))
    form = post_form(
        demo,
        f"{API}/work_packages/{task['id']}/form",
        {"lockVersion": task["lockVersion"], "subject": "Better subject"},
    ).json()
    assert form["_embedded"]["validationErrors"] == {}
    assert form["_links"]["commit"] == {
        "href": f"{API}/work_packages/{task['id']}",
        "method": "patch",
    }
    payload = form["_embedded"]["payload"]
    assert payload["subject"] == "Better subject"
    assert payload["lockVersion"] == task["lockVersion"]
    assert set(payload["_links"]) >= {"status", "type", "priority", "assignee", "version"}
    schema = form["_embedded"]["schema"]
    assert "In progress" in allowed_titles(form, "status")
    assert len(schema["status"]["_embedded"]["allowedValues"]) == len(
        allowed_titles(form, "status")
    )
    assert schema["status"]["_embedded"]["allowedValues"][0]["_type"] == "Status"
    assert "Task" in allowed_titles(form, "type")
    assert allowed_titles(form, "priority") == ["Low", "Normal", "High", "Immediate"]
    assert allowed_titles(form, "category") == ["Design", "Development", "Documentation"]
    assert schema["assignee"]["_links"]["allowedValues"] == {
        "href": f"{API}/work_packages/{task['id']}/available_assignees"
    }
    assert schema["customField9"]["_links"]["allowedValues"]["href"].endswith(
        "/available_assignees"
    )


def test_workflow_limits_the_statuses(demo: DemoServer) -> None:
    milestone = first(
        demo, flt("type", "=", "2"), flt("status", "=", "1"), flt("project", "=", "1")
    )
    form = post_form(demo, f"{API}/work_packages/{milestone['id']}/form", {}).json()
    assert set(allowed_titles(form, "status")) == MILESTONE_STATUSES
    closed = first(demo, flt("status", "=", "12"), flt("type", "=", "1"), flt("project", "=", "1"))
    form = post_form(demo, f"{API}/work_packages/{closed['id']}/form", {}).json()
    assert allowed_titles(form, "status") == ["New", "In progress", "Closed"]
    bug = first(
        demo, flt("type", "=", "7"), flt("status", "=", "1", "7"), flt("project", "=", "1", "2")
    )
    form = post_form(demo, f"{API}/work_packages/{bug['id']}/form", {}).json()
    assert "In specification" not in allowed_titles(form, "status")
    move = {"_links": {"status": {"href": f"{API}/statuses/6"}}}
    refused = post_form(demo, f"{API}/work_packages/{closed['id']}/form", move).json()
    assert "status" in refused["_embedded"]["validationErrors"]
    assert "commit" not in refused["_links"]


def test_changing_the_type_changes_the_schema(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("project", "=", "1"))
    path = f"{API}/work_packages/{task['id']}/form"
    as_task = post_form(demo, path, {}).json()["_embedded"]["schema"]
    as_bug = post_form(demo, path, {"_links": {"type": {"href": f"{API}/types/7"}}}).json()
    schema = as_bug["_embedded"]["schema"]
    assert "customField7" not in as_task and "customField7" in schema
    assert schema["customField7"]["type"] == "CustomOption"
    assert [v["title"] for v in schema["customField7"]["_links"]["allowedValues"]][:2] == [
        "API",
        "User interface",
    ]
    assert schema["customField8"]["type"] == "[]CustomOption"
    as_milestone = post_form(demo, path, {"_links": {"type": {"href": f"{API}/types/2"}}}).json()
    assert "date" in as_milestone["_embedded"]["schema"]
    assert "startDate" not in as_milestone["_embedded"]["schema"]


def test_edit_form_http_errors(demo: DemoServer) -> None:
    task = first(demo, flt("type", "=", "1"), flt("project", "=", "1"))
    stale = post_form(demo, f"{API}/work_packages/{task['id']}/form", {"lockVersion": 999})
    assert stale.status_code == 409
    assert stale.json()["errorIdentifier"] == ERRORS + "UpdateConflict"
    assert post_form(demo, f"{API}/work_packages/8/form", {}).status_code == 404
    public = first(demo, flt("project", "=", "7"), flt("status", "*"))
    assert post_form(demo, f"{API}/work_packages/{public['id']}/form", {}).status_code == 403


def test_create_forms(demo: DemoServer) -> None:
    empty = post_form(demo, f"{API}/projects/1/work_packages/form", {}).json()
    assert "subject" in empty["_embedded"]["validationErrors"]
    assert "commit" not in empty["_links"]
    assert empty["_embedded"]["payload"]["_links"]["type"]["title"] == "Task"
    assert "lockVersion" not in empty["_embedded"]["payload"]
    ready = post_form(demo, f"{API}/projects/1/work_packages/form", {"subject": "Fine"}).json()
    assert ready["_embedded"]["validationErrors"] == {}
    assert ready["_links"]["commit"] == {
        "href": f"{API}/projects/1/work_packages",
        "method": "post",
    }
    no_project = post_form(demo, f"{API}/work_packages/form", {"subject": "x"}).json()
    assert "project" in no_project["_embedded"]["validationErrors"]
    bug = {"subject": "x", "_links": {"type": {"href": f"{API}/types/7"}}}
    needs_component = post_form(demo, f"{API}/projects/1/work_packages/form", bug).json()
    assert "customField7" in needs_component["_embedded"]["validationErrors"]


# standalone schemas


def test_schema_has_no_allowed_values_and_every_custom_field_format(demo: DemoServer) -> None:
    schema = read_json(demo, f"{API}/work_packages/schemas/1-7")
    assert schema["_type"] == "Schema"
    assert schema["_dependencies"] == []
    assert schema["_links"]["self"]["href"] == f"{API}/work_packages/schemas/1-7"
    assert "allowedValues" not in str(schema)
    assert schema["status"]["location"] == "_links"
    assert schema["status"]["_links"] == {}
    assert schema["subject"] == {
        "type": "String",
        "name": "Subject",
        "required": True,
        "hasDefault": False,
        "writable": True,
        "minLength": 1,
        "maxLength": 255,
    }
    assert schema["id"]["writable"] is False
    types = {k: v["type"] for k, v in schema.items() if k.startswith("customField")}
    assert types == {
        "customField1": "String",
        "customField4": "Float",
        "customField5": "Boolean",
        "customField7": "CustomOption",
        "customField8": "[]CustomOption",
        "customField9": "User",
        "customField10": "Version",
    }
    assert schema["customField7"]["required"] is True
    feature = read_json(demo, f"{API}/work_packages/schemas/1-4")
    assert feature["customField2"]["type"] == "Formattable"
    assert feature["customField3"]["type"] == "Integer"
    assert feature["customField6"]["type"] == "Date"
    assert feature["customField11"]["type"] == "Link"
    groups = [g["name"] for g in schema["_attributeGroups"]]
    assert groups == ["People", "Estimates and progress", "Details", "Other"]
    milestone = read_json(demo, f"{API}/work_packages/schemas/1-2")
    assert "date" in milestone and "startDate" not in milestone


def test_schema_etag_and_304(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        first_answer = client.get(f"{API}/work_packages/schemas/1-1")
        tag = first_answer.headers["etag"]
        assert tag.startswith('W/"')
        again = client.get(f"{API}/work_packages/schemas/1-1", headers={"If-None-Match": tag})
        assert again.status_code == 304
        assert again.content == b""
        other = client.get(f"{API}/work_packages/schemas/1-7", headers={"If-None-Match": tag})
        assert other.status_code == 200
        assert client.get(f"{API}/work_packages/schemas/8-1").status_code == 404
        assert client.get(f"{API}/work_packages/schemas/nonsense").status_code == 404


def test_schema_collection_needs_an_id_filter(demo: DemoServer) -> None:
    both = read_json(
        demo, f"{API}/work_packages/schemas", filters=[flt("id", "=", "1-1", "1-2", "8-1")]
    )
    assert both["total"] == 2
    assert [s["_links"]["self"]["href"] for s in both["_embedded"]["elements"]] == [
        f"{API}/work_packages/schemas/1-1",
        f"{API}/work_packages/schemas/1-2",
    ]
    with demo_client(demo) as client:
        response = client.get(f"{API}/work_packages/schemas")
    assert response.status_code == 400
    assert response.json()["errorIdentifier"] == ERRORS + "InvalidQuery"
