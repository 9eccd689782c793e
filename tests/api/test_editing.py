"""Editing against the demo server: forms, saves read back over HTTP, conflicts, 422s, choices."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from optui.api import (
    ApiCache,
    Credentials,
    InvalidInput,
    OpenProjectClient,
    Services,
    UpdateConflict,
)
from optui.api.cache import SHORT_TTL
from optui.api.models import WorkPackage
from optui.api.schema import FormState, field
from optui.demo import DemoServer
from tests.conftest import demo_client, read_json

PROJECT = "/api/v3/projects/1"
BUG, MILESTONE = "/api/v3/types/7", "/api/v3/types/2"
COMPONENT_API = "/api/v3/custom_options/1"
WORK_PACKAGE = "/api/v3/work_packages/9"
"""A milestone in the Demo project, editable by the demo user."""


@pytest.fixture
async def services(demo: DemoServer) -> AsyncIterator[Services]:
    found = Services(OpenProjectClient(demo.url, Credentials(demo.api_key)), ApiCache())
    try:
        yield found
    finally:
        await found.aclose()


async def load(services: Services, href: str) -> WorkPackage:
    return await services.reload_work_package(href)


def bump(demo: DemoServer, href: str, subject: str) -> None:
    """Someone else saves the work package (a PATCH with the current lockVersion)."""
    current = read_json(demo, href)
    with demo_client(demo) as client:
        body = {"lockVersion": current["lockVersion"], "subject": subject}
        response = client.patch(href, json=body)
    assert response.status_code == 200, response.text


async def test_save_form_creates_a_work_package(demo: DemoServer, services: Services) -> None:
    changes = {"subject": "Crash on save", "type": BUG, "description": "Press **save**."}
    state = await services.create_form(PROJECT, changes)
    assert state.commit_href is None  # the Component is required for bugs
    component = field(state, "customField7")
    assert component is not None and component.kind == "select"

    changes["customField7"] = COMPONENT_API
    ready = await services.create_form(PROJECT, changes)
    assert ready.errors == {}
    assert ready.commit_href is not None and ready.commit_method == "post"

    saved = await services.save_form(ready, changes)
    assert saved.subject == "Crash on save" and saved.id is not None
    stored = read_json(demo, saved.href)
    assert stored["subject"] == "Crash on save"
    assert stored["description"]["raw"] == "Press **save**."
    assert stored["_links"]["type"]["href"] == BUG
    assert stored["_links"]["customField7"]["href"] == COMPONENT_API
    assert stored["_links"]["project"]["href"] == PROJECT
    cached = services.peek_work_package(saved.href)  # the answer is in the cache
    assert cached is not None and cached.subject == "Crash on save"


async def test_save_form_edits_and_raises_the_lock_version(
    demo: DemoServer, services: Services
) -> None:
    before = await load(services, WORK_PACKAGE)
    assert before.lock_version is not None
    changes = {
        "subject": "Release candidate ready",
        "description": "All **green**.",
        "assignee": "/api/v3/users/3",
        "estimatedTime": "PT2H30M",
        "date": "2026-12-01",
    }
    state = await services.edit_form(WORK_PACKAGE, before.lock_version, changes)
    assert state.errors == {}
    assert state.commit_method == "patch" and state.lock_version == before.lock_version

    saved = await services.save_form(state, changes)
    assert saved.lock_version == before.lock_version + 1
    stored = read_json(demo, WORK_PACKAGE)
    assert stored["lockVersion"] == before.lock_version + 1
    assert stored["subject"] == "Release candidate ready"
    assert stored["description"]["raw"] == "All **green**."
    assert stored["_links"]["assignee"]["href"] == "/api/v3/users/3"
    assert stored["estimatedTime"] == "PT2H30M"
    assert stored["date"] == "2026-12-01"
    cached = services.peek_work_package(WORK_PACKAGE)
    assert cached is not None and cached.lock_version == before.lock_version + 1


async def test_a_save_marks_lists_containing_the_work_package_stale(
    demo: DemoServer, services: Services
) -> None:
    keys = [
        ApiCache.key(f"{PROJECT}/work_packages", {"offset": 1}),
        ApiCache.key("/api/v3/work_packages", {"filters": []}),
    ]

    async def fetch() -> object:
        return {"_type": "Collection"}

    for key in keys:
        await services.cache.get(key, fetch)
    before = await load(services, WORK_PACKAGE)
    await services.quick_update(before, "subject", "Renamed")
    for key in keys:
        entry = services.cache.peek(key)
        assert entry is not None and not services.cache.is_fresh(entry, SHORT_TTL), key


async def test_a_stale_lock_version_is_a_conflict(demo: DemoServer, services: Services) -> None:
    before = await load(services, WORK_PACKAGE)
    changes = {"subject": "Mine"}
    state = await services.edit_form(WORK_PACKAGE, before.lock_version, changes)
    bump(demo, WORK_PACKAGE, "Theirs")
    with pytest.raises(UpdateConflict):
        await services.save_form(state, changes)
    with pytest.raises(UpdateConflict):  # the edit form checks it too
        await services.edit_form(WORK_PACKAGE, before.lock_version, changes)
    with pytest.raises(UpdateConflict):
        await services.quick_update(before, "subject", "Mine")
    assert read_json(demo, WORK_PACKAGE)["subject"] == "Theirs"


async def test_invalid_values_are_refused_per_attribute(
    demo: DemoServer, services: Services
) -> None:
    before = await load(services, WORK_PACKAGE)
    state = await services.edit_form(WORK_PACKAGE, before.lock_version, {"subject": "Fine"})
    assert state.commit_href is not None
    with pytest.raises(InvalidInput) as raised:
        await services.save_form(state, {"subject": "", "percentageDone": 150})
    assert {e.attribute for e in raised.value.errors} == {"subject", "percentageDone"}
    assert read_json(demo, WORK_PACKAGE)["lockVersion"] == before.lock_version


async def test_form_errors_and_no_commit_for_invalid_values(services: Services) -> None:
    before = await load(services, WORK_PACKAGE)
    state = await services.edit_form(
        WORK_PACKAGE, before.lock_version, {"subject": "", "percentageDone": 150}
    )
    assert set(state.errors) == {"subject", "percentageDone"}
    assert state.commit_href is None
    with pytest.raises(ValueError, match="commit"):
        await services.save_form(state, {"subject": ""})


async def test_changes_for_fields_not_seen_yet_are_placed_by_the_schema(
    services: Services,
) -> None:
    # a restored draft: the Feature's text field is unknown until the type is applied
    changes = {"subject": "Offline mode", "type": "/api/v3/types/4", "customField2": "- works"}
    state = await services.create_form(PROJECT, changes)
    assert state.values["customField2"] == "- works"
    assert "customField2" not in state.errors
    assert state.commit_href is not None


async def test_quick_options_follow_the_milestone_workflow(
    demo: DemoServer, services: Services
) -> None:
    changes = {"subject": "Go live", "type": MILESTONE}
    milestone = await services.save_form(await services.create_form(PROJECT, changes), changes)
    assert milestone.is_milestone and milestone.status == "New"

    options = await services.quick_options(milestone, "status")
    titles = [o.title for o in options]
    assert titles == ["New", "Scheduled", "Closed", "On hold", "Rejected"]
    assert all(o.href for o in options)  # required: no "none" choice

    scheduled = next(o.href for o in options if o.title == "Scheduled")
    assert scheduled is not None
    saved = await services.quick_update(milestone, "status", scheduled)
    assert saved.status == "Scheduled"
    assert read_json(demo, milestone.href)["_links"]["status"]["href"] == scheduled
    with pytest.raises(InvalidInput) as raised:  # In progress: not a milestone status
        await services.quick_update(saved, "status", "/api/v3/statuses/7")
    assert [e.attribute for e in raised.value.errors] == ["status"]


async def test_quick_options_of_a_person_start_with_none(services: Services) -> None:
    work_package = await load(services, WORK_PACKAGE)
    options = await services.quick_options(work_package, "assignee")
    assert options[0].href is None
    assert {o.title for o in options[1:]} >= {"Demo User", "Anna Schmidt"}
    assert await services.quick_options(work_package, "subject") == ()


async def test_quick_update_clears_a_link(demo: DemoServer, services: Services) -> None:
    work_package = await load(services, WORK_PACKAGE)
    assert work_package.assignee_href is not None
    saved = await services.quick_update(work_package, "assignee", None)
    assert saved.assignee_href is None
    assert read_json(demo, WORK_PACKAGE)["_links"]["assignee"]["href"] is None


async def test_allowed_values_filter_by_title(demo: DemoServer, services: Services) -> None:
    before = await load(services, WORK_PACKAGE)
    state: FormState = await services.edit_form(WORK_PACKAGE, before.lock_version, {})
    assignee = field(state, "assignee")
    assert assignee is not None and assignee.options_href is not None
    href = assignee.options_href
    everyone = [user["name"] for user in read_json(demo, href)["_embedded"]["elements"]]

    found = await services.allowed_values(href)
    assert [v.title for v in found] == everyone
    requests = services.client.requests_made
    anna = await services.allowed_values(href, "aNNa")
    assert [v.title for v in anna] == ["Anna Schmidt"]
    assert anna[0].href == "/api/v3/users/2"
    er = await services.allowed_values(href, "er")
    assert [v.title for v in er] == [name for name in everyone if "er" in name.lower()]
    assert 0 < len(er) < len(everyone)
    assert await services.allowed_values(href, "nobody by that name") == ()
    assert services.client.requests_made == requests  # searched in the cached collection


async def test_allowed_values_keep_the_filters_of_their_href(
    demo: DemoServer, services: Services
) -> None:
    groups = [{"type": {"operator": "=", "values": ["Group"]}}]
    href = "/api/v3/principals?" + urlencode({"filters": json.dumps(groups)})
    expected = read_json(demo, "/api/v3/principals", filters=groups)["_embedded"]["elements"]
    assert expected and all(item["_type"] == "Group" for item in expected)
    found = await services.allowed_values(href)
    assert [v.href for v in found] == [item["_links"]["self"]["href"] for item in expected]
