"""Forms read into fields (kinds, order, values, errors) and changes written as write bodies."""

from __future__ import annotations

from typing import Any

import pytest

from optui.api.hal import Resource
from optui.api.schema import (
    AllowedValue,
    FieldSpec,
    FormState,
    choices,
    field,
    parse_form,
    payload,
)
from optui.demo import DemoServer
from tests.conftest import demo_client

PREFIX = "urn:openproject-org:api:v3:errors:"
BUG, FEATURE, MILESTONE = "/api/v3/types/7", "/api/v3/types/4", "/api/v3/types/2"


def post_form(demo: DemoServer, path: str, body: dict[str, Any]) -> FormState:
    """POST a form to the demo server and parse the answer."""
    with demo_client(demo) as client:
        response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return parse_form(Resource(response.json()))


def create_form(demo: DemoServer, type_href: str, **extra: Any) -> FormState:
    body: dict[str, Any] = {"_links": {"type": {"href": type_href}}}
    links = extra.pop("links", {})
    body["_links"].update(links)
    body.update(extra)
    return post_form(demo, "/api/v3/projects/1/work_packages/form", body)


def spec(state: FormState, name: str) -> FieldSpec:
    found = field(state, name)
    assert found is not None, f"{name} is not among {[f.name for f in state.fields]}"
    return found


def error(
    attribute: str | None, message: str, identifier: str = "PropertyConstraintViolation"
) -> Any:
    body: dict[str, Any] = {"_type": "Error", "errorIdentifier": PREFIX + identifier}
    body["message"] = message
    if attribute is not None:
        body["_embedded"] = {"details": {"attribute": attribute}}
    return body


def form(
    schema: dict[str, Any],
    payload_body: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    links: dict[str, Any] | None = None,
) -> Resource:
    """A hand-made Form answer."""
    return Resource(
        {
            "_type": "Form",
            "_embedded": {
                "payload": payload_body or {},
                "schema": {"_type": "Schema", **schema},
                "validationErrors": errors or {},
            },
            "_links": links or {"self": {"href": "/api/v3/work_packages/1/form"}},
        }
    )


# the demo's forms


def test_a_new_bug_needs_its_component_before_it_can_be_committed(demo: DemoServer) -> None:
    state = create_form(demo, BUG, subject="Crash on save")
    component = spec(state, "customField7")
    assert (component.label, component.type, component.kind) == (
        "Component",
        "CustomOption",
        "select",
    )
    assert component.required and component.writable and component.is_link and not component.multi
    assert [o.title for o in component.options] == [
        "API",
        "User interface",
        "Database",
        "Infrastructure",
        "Documentation",
    ]
    assert all(o.href and o.href.startswith("/api/v3/custom_options/") for o in component.options)
    assert state.commit_href is None and state.commit_method is None
    assert state.errors == {"customField7": ("Component can't be blank.",)}

    href = component.options[0].href
    ready = create_form(demo, BUG, subject="Crash on save", links={"customField7": {"href": href}})
    assert ready.errors == {}
    assert (ready.commit_href, ready.commit_method) == ("/api/v3/projects/1/work_packages", "post")
    assert ready.values["customField7"] == href
    assert ready.titles[str(href)] == "API"
    assert ready.lock_version is None  # a new work package has none
    assert ready.validate_href == "/api/v3/projects/1/work_packages/form"


def test_every_custom_field_format_gets_its_editor(demo: DemoServer) -> None:
    bug, feature = create_form(demo, BUG), create_form(demo, FEATURE)
    expected = {
        "customField1": (feature, "String", "text"),  # string
        "customField2": (feature, "Formattable", "markdown"),  # text
        "customField3": (feature, "Integer", "integer"),  # int
        "customField4": (feature, "Float", "float"),  # float
        "customField5": (feature, "Boolean", "boolean"),  # bool
        "customField6": (feature, "Date", "date"),  # date
        "customField7": (bug, "CustomOption", "select"),  # list
        "customField8": (bug, "[]CustomOption", "multiselect"),  # multi-value list
        "customField9": (bug, "User", "search"),  # user
        "customField10": (bug, "Version", "select"),  # version
        "customField11": (feature, "Link", "url"),  # link (a URL, not a HAL link)
    }
    for name, (state, type_, kind) in expected.items():
        found = spec(state, name)
        assert (found.type, found.kind) == (type_, kind), name
        assert found.is_link == (kind in ("select", "multiselect", "search")), name
    assert spec(bug, "customField8").multi
    assert spec(bug, "customField9").options_href == "/api/v3/projects/1/available_assignees"
    assert spec(feature, "customField2").label == "Acceptance criteria"
    assert spec(feature, "customField1").max_length == 255


def test_standard_fields_get_their_editors(demo: DemoServer) -> None:
    state = create_form(demo, BUG)
    kinds = {f.name: f.kind for f in state.fields}
    assert kinds["subject"] == "text"
    assert kinds["description"] == "markdown"
    assert kinds["type"] == kinds["status"] == kinds["priority"] == kinds["version"] == "select"
    assert kinds["assignee"] == kinds["responsible"] == kinds["project"] == "search"
    assert kinds["startDate"] == kinds["dueDate"] == "date"
    assert kinds["estimatedTime"] == kinds["remainingTime"] == "duration"
    assert kinds["duration"] == "readonly"  # working days: the dates are edited instead
    assert kinds["percentageDone"] == "percentage"
    assert kinds["scheduleManually"] == "boolean"
    subject = spec(state, "subject")
    assert (subject.min_length, subject.max_length, subject.required) == (1, 255, True)


def test_fields_come_in_the_web_ui_order_without_bookkeeping(demo: DemoServer) -> None:
    state = create_form(demo, BUG)
    names = [f.name for f in state.fields]
    assert names[:10] == [
        "subject",
        "description",
        "type",
        "status",
        "assignee",
        "responsible",
        "priority",
        "version",
        "category",
        "parent",
    ]
    assert names.index("dueDate") < names.index("estimatedTime") < names.index("percentageDone")
    custom = [name for name in names if name.startswith("customField")]
    assert custom == [f"customField{n}" for n in (1, 4, 5, 7, 8, 9, 10)]
    assert names.index("percentageDone") < names.index("customField1")
    hidden = {"id", "lockVersion", "createdAt", "updatedAt", "author", "spentTime", "readonly"}
    assert not hidden & set(names)
    assert not [name for name in names if name.startswith("derived")]
    assert spec(state, "assignee").group == "People"
    assert spec(state, "customField7").group == "Other"
    assert spec(state, "subject").group is None


def test_a_milestone_has_one_date(demo: DemoServer) -> None:
    names = [f.name for f in create_form(demo, MILESTONE).fields]
    assert "date" in names
    assert not {"startDate", "dueDate", "duration"} & set(names)


def test_an_edit_form_holds_the_work_package_values(demo: DemoServer) -> None:
    state = post_form(demo, "/api/v3/work_packages/9/form", {})
    with demo_client(demo) as client:
        current = client.get("/api/v3/work_packages/9").json()
    assert state.lock_version == current["lockVersion"]
    assert state.values["subject"] == current["subject"]
    assert state.values["description"] == current["description"]["raw"]
    assert state.values["status"] == current["_links"]["status"]["href"]
    assert state.titles[current["_links"]["status"]["href"]] == current["_links"]["status"]["title"]
    assert (state.commit_href, state.commit_method) == ("/api/v3/work_packages/9", "patch")
    assert "lockVersion" not in state.values


def test_form_errors_map_to_fields(demo: DemoServer) -> None:
    state = post_form(
        demo,
        "/api/v3/work_packages/9/form",
        {
            "subject": "",
            "percentageDone": 150,
            "_links": {"status": {"href": "/api/v3/statuses/7"}},
        },
    )
    assert set(state.errors) == {"subject", "percentageDone", "status"}
    assert state.errors["subject"] == ("Subject can't be blank.",)
    assert state.commit_href is None
    assert state.values["percentageDone"] == 150  # the invalid input is echoed


# hand-made forms: what the demo does not send


def test_errors_are_matched_case_insensitively_and_flattened() -> None:
    several = {
        **error(None, "Multiple field constraints have been violated.", "MultipleErrors"),
        "_embedded": {
            "errors": [
                error("StartDate", "Start date is not a date."),
                error("startDate", "Start date is too early."),
            ]
        },
    }
    state = parse_form(
        form(
            {
                "subject": {"type": "String", "name": "Subject"},
                "startDate": {"type": "Date", "name": "Start date"},
                "author": {"type": "User", "name": "Author", "writable": False},
            },
            errors={
                "subject": error("Subject", "Subject can't be blank."),
                "startDate": several,
                "base": error(None, "The project is archived."),
                "author": error("author", "Author is read-only.", "PropertyIsReadOnly"),
            },
        )
    )
    assert state.errors["subject"] == ("Subject can't be blank.",)
    assert state.errors["startDate"] == ("Start date is not a date.", "Start date is too early.")
    # no attribute, or a field the form does not show: the form's own messages
    assert state.errors[""] == ("The project is archived.", "Author is read-only.")


def test_kinds_of_unusual_fields() -> None:
    state = parse_form(
        form(
            {
                "_attributeGroups": [
                    {"_type": "WorkPackageFormChildrenQueryGroup", "name": "Children"},
                    {
                        "_type": "WorkPackageFormAttributeGroup",
                        "name": "Costs",
                        "attributes": ["budget", "customField3", "nowhere"],
                    },
                ],
                "budget": {
                    "type": "Budget",  # no location: a link by its type
                    "name": "Budget",
                    "_embedded": {
                        "allowedValues": [
                            {
                                "_type": "Budget",
                                "name": "Q1",
                                "_links": {"self": {"href": "/api/v3/budgets/1"}},
                            }
                        ]
                    },
                },
                "customField3": {
                    "type": "[]User",
                    "name": "Reviewers",
                    "location": "_links",
                    "_links": {"allowedValues": {"href": "/api/v3/principals"}},
                },
                "parent": {
                    "type": "WorkPackage",
                    "name": "Parent",
                    "location": "_links",
                    "_links": {},
                },
                "watchers": {"type": "Collection", "name": "Watchers"},
                "remindAt": {"type": "DateTime", "name": "Remind at"},
                "percentageDone": {"type": "Integer", "name": "% Complete", "writable": False},
                "id": {"type": "Integer", "name": "ID", "writable": False},
            }
        )
    )
    kinds = {f.name: f.kind for f in state.fields}
    assert kinds == {
        "parent": "search",
        "percentageDone": "readonly",  # status-based progress: the schema says not writable
        "budget": "select",
        "customField3": "multisearch",
        "watchers": "readonly",  # unknown type
        "remindAt": "readonly",
    }
    assert [f.name for f in state.fields][:2] == ["parent", "percentageDone"]
    assert spec(state, "budget").options == (AllowedValue("/api/v3/budgets/1", "Q1"),)
    assert spec(state, "budget").group == "Costs"
    assert spec(state, "parent").options_href == "/api/v3/work_packages"
    assert spec(state, "customField3").options_href == "/api/v3/principals"
    # spec defaults when absent: required and writable
    assert spec(state, "watchers").required and spec(state, "budget").writable


def test_choices_offer_none_only_where_a_link_may_be_cleared() -> None:
    options = (AllowedValue("/api/v3/versions/1", "1.0"),)
    optional = FieldSpec(
        "version", "Version", "Version", "select", False, True, True, False, options
    )
    required = FieldSpec("status", "Status", "Status", "select", True, True, True, False, options)
    multiple = FieldSpec(
        "customField8", "P", "[]CustomOption", "multiselect", False, True, True, True
    )
    assert choices(optional) == (AllowedValue(None, "(none)"), *options)
    assert choices(required) == options
    assert choices(multiple, options) == options


# writing


@pytest.fixture
def bug_form(demo: DemoServer) -> FormState:
    return post_form(demo, "/api/v3/work_packages/9/form", {})


def test_payload_puts_links_under_links_and_formattable_as_raw(demo: DemoServer) -> None:
    bug = create_form(demo, BUG)
    feature = create_form(demo, FEATURE)
    changes = {
        "subject": "Crash",
        "description": "Steps:\n1. save",
        "assignee": "/api/v3/users/3",
        "version": None,
        "customField7": "/api/v3/custom_options/2",
        "customField8": ["/api/v3/custom_options/6", "/api/v3/custom_options/7"],
        "customField4": 2.5,
        "estimatedTime": 1.5,
        "startDate": "2026-11-03",
    }
    body = payload(bug, changes)
    assert "lockVersion" not in body  # a create form has none
    assert body == {
        "subject": "Crash",
        "description": {"raw": "Steps:\n1. save"},
        "customField4": 2.5,
        "estimatedTime": "PT1H30M",
        "startDate": "2026-11-03",
        "_links": {
            "assignee": {"href": "/api/v3/users/3"},
            "version": {"href": None},
            "customField7": {"href": "/api/v3/custom_options/2"},
            "customField8": [
                {"href": "/api/v3/custom_options/6"},
                {"href": "/api/v3/custom_options/7"},
            ],
        },
    }
    assert payload(bug, {"customField8": None}) == {"_links": {"customField8": []}}
    assert payload(feature, {"customField2": "- offline"}) == {"customField2": {"raw": "- offline"}}
    assert payload(feature, {"customField11": "https://example.com"}) == {
        "customField11": "https://example.com"
    }


def test_payload_of_an_edit_carries_the_lock_version(bug_form: FormState) -> None:
    body = payload(bug_form, {"status": "/api/v3/statuses/6"})
    assert body == {
        "lockVersion": bug_form.lock_version,
        "_links": {"status": {"href": "/api/v3/statuses/6"}},
    }
    assert isinstance(bug_form.lock_version, int)


def test_payload_guesses_fields_the_form_does_not_show(bug_form: FormState) -> None:
    body = payload(bug_form, {"customField99": "/api/v3/custom_options/1", "customField98": 3})
    assert body["_links"] == {"customField99": {"href": "/api/v3/custom_options/1"}}
    assert body["customField98"] == 3
