"""The inbox against the demo server: grouping, filters, counts, read state read over HTTP."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.api.hal import Resource
from optui.api.inbox import (
    InboxRow,
    Notification,
    age_text,
    date_alert_text,
    group_by_work_package,
    reason_text,
)
from optui.demo import DemoServer
from tests.conftest import read_json

UNREAD = [{"readIAN": {"operator": "=", "values": ["f"]}}]
SEEDED_REASONS = {
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


@pytest.fixture
async def services(demo: DemoServer) -> AsyncIterator[Services]:
    found = Services(OpenProjectClient(demo.url, Credentials(demo.api_key)), ApiCache())
    try:
        yield found
    finally:
        await found.aclose()


def server_notifications(demo: DemoServer, filters: list[Any] | None = None) -> list[Any]:
    body = read_json(demo, "/api/v3/notifications", filters=filters or [], pageSize=1000)
    elements: list[Any] = body["_embedded"]["elements"]
    assert len(elements) == body["total"]
    return elements


def read_state(demo: DemoServer, ids: tuple[int, ...]) -> set[bool]:
    by_id = {n["id"]: n["readIAN"] for n in server_notifications(demo)}
    return {by_id[i] for i in ids}


def several(rows: tuple[InboxRow, ...]) -> InboxRow:
    return next(row for row in rows if row.count > 1 and 0 < row.unread < row.count)


async def test_rows_group_notifications_by_work_package(
    demo: DemoServer, services: Services
) -> None:
    rows = await services.inbox(unread_only=False, reason=None, project_href=None)
    expected = Counter(n["_links"]["resource"]["href"] for n in server_notifications(demo))
    assert {row.resource_href: row.count for row in rows} == dict(expected)
    assert len({row.resource_href for row in rows}) == len(rows)
    newest = [row.newest_at for row in rows]
    assert newest == sorted(newest, reverse=True)
    for row in rows:
        assert row.notification_ids == tuple(sorted(row.notification_ids, reverse=True))
        assert len(set(row.reasons)) == len(row.reasons)
        assert set(row.reasons) == {n.reason for n in row.notifications}
        assert row.newest_at == row.notifications[0].created_at
        assert row.resource_title and row.project_title


async def test_date_alerts_carry_their_dates(services: Services) -> None:
    rows = await services.inbox(unread_only=False, reason="dateAlert", project_href=None)
    assert rows
    for row in rows:
        assert row.actor is None  # nobody caused a date alert
        assert row.date_details
        assert {prop for prop, _ in row.date_details} <= {"startDate", "dueDate", "date"}


async def test_unread_and_all_match_the_server_counts(demo: DemoServer, services: Services) -> None:
    for unread_only in (True, False):
        rows = await services.inbox(unread_only=unread_only, reason=None, project_href=None)
        counts = await services.inbox_counts(unread_only=unread_only)
        assert sum(row.count for row in rows) == sum(counts.values())
        if unread_only:
            assert all(row.unread == row.count for row in rows)
    everything = await services.inbox_counts(unread_only=False)
    assert set(everything) == SEEDED_REASONS
    assert sum(everything.values()) == len(server_notifications(demo))


async def test_reason_and_project_filters_match_the_server_counts(services: Services) -> None:
    counts = await services.inbox_counts(unread_only=False)
    for reason, count in counts.items():
        rows = await services.inbox(unread_only=False, reason=reason, project_href=None)
        assert sum(row.count for row in rows) == count
        assert all(row.reasons == (reason,) for row in rows)
    projects = await services.inbox_projects(unread_only=True)
    assert projects
    for project in projects:
        rows = await services.inbox(unread_only=True, reason=None, project_href=project.href)
        assert sum(row.count for row in rows) == project.count
        assert {row.project_href for row in rows} == {project.href}


async def test_mark_a_row_of_several_read_and_unread(demo: DemoServer, services: Services) -> None:
    rows = await services.inbox(unread_only=False, reason=None, project_href=None)
    row = several(rows)
    others = {n["id"]: n["readIAN"] for n in server_notifications(demo)}

    await services.mark_read(row, True)
    assert read_state(demo, row.notification_ids) == {True}
    again = await services.inbox(unread_only=False, reason=None, project_href=None)
    assert next(r for r in again if r.resource_href == row.resource_href).unread == 0

    await services.mark_read(row.marked(True), False)
    assert read_state(demo, row.notification_ids) == {False}
    after = {n["id"]: n["readIAN"] for n in server_notifications(demo)}
    untouched = set(others) - set(row.notification_ids)
    assert {i: after[i] for i in untouched} == {i: others[i] for i in untouched}


async def test_mark_a_single_notification(demo: DemoServer, services: Services) -> None:
    rows = await services.inbox(unread_only=True, reason=None, project_href=None)
    row = next(r for r in rows if r.count == 1)
    before = await services.unread_total()
    await services.mark_read(row, True)
    assert read_state(demo, row.notification_ids) == {True}
    assert await services.unread_total() == before - 1
    assert await services.unread_count() == before - 1  # the status bar's cached count too
    await services.mark_read(row.marked(True), False)
    assert read_state(demo, row.notification_ids) == {False}
    assert await services.unread_total() == before


async def test_a_row_filtered_by_reason_marks_only_its_notifications(
    demo: DemoServer, services: Services
) -> None:
    everything = await services.inbox(unread_only=True, reason=None, project_href=None)
    mixed = next(row for row in everything if len(row.reasons) > 1)
    reason = mixed.reasons[0]
    filtered = await services.inbox(unread_only=True, reason=reason, project_href=None)
    row = next(r for r in filtered if r.resource_href == mixed.resource_href)
    await services.mark_read(row, True)
    rest = set(mixed.notification_ids) - set(row.notification_ids)
    assert read_state(demo, row.notification_ids) == {True}
    assert read_state(demo, tuple(rest)) == {False}


async def test_mark_all_read(demo: DemoServer, services: Services) -> None:
    assert await services.unread_total() == len(server_notifications(demo, UNREAD)) > 0
    await services.mark_all_read()
    assert server_notifications(demo, UNREAD) == []
    assert await services.unread_total() == 0
    assert await services.inbox(unread_only=True, reason=None, project_href=None) == ()


async def test_unread_total_is_a_one_element_count(demo: DemoServer, services: Services) -> None:
    total = await services.unread_total()
    assert total == len(server_notifications(demo, UNREAD))
    assert services.client.requests_made == 1


def test_spec_shaped_notifications_are_read_too() -> None:
    """The spec's examples embed the actor as `author` and put `details` at the top level."""
    body = {
        "_type": "Notification",
        "id": 9,
        "reason": "somethingNew",
        "readIAN": False,
        "createdAt": "2025-03-04T10:00:00Z",
        "details": [{"_type": "Values::Property", "property": "dueDate", "value": "2025-03-07"}],
        "_embedded": {"author": {"_type": "User", "name": "Anna"}},
        "_links": {
            "self": {"href": "/api/v3/notifications/9"},
            "readIAN": {"href": "/api/v3/notifications/9/read_ian", "method": "post"},
            "resource": {"href": "/api/v3/work_packages/42", "title": "Ship it"},
            "project": {"href": "/api/v3/projects/death_star", "title": "Death star"},
        },
    }
    notification = Notification.from_hal(Resource(body))
    assert notification.actor == "Anna"
    assert notification.details == (("dueDate", "2025-03-07"),)
    assert notification.reason == "somethingNew"
    assert reason_text(notification.reason) == "somethingNew"  # unknown: shown as it comes
    assert (notification.can_mark_read, notification.can_mark_unread) == (True, False)
    (row,) = group_by_work_package([notification])
    assert (row.resource_id, row.unread, row.date_details) == (42, 1, ())  # not a date alert
    assert row.marked(True).unread == 0


def test_ages_and_date_alerts_in_words() -> None:
    now = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)
    assert age_text("2026-11-02T16:59:30Z", now) == "just now"
    assert age_text("2026-11-02T16:57:00Z", now) == "3 min ago"
    assert age_text("2026-11-02T07:00:00Z", now) == "10 h ago"
    assert age_text("2026-11-01T08:00:00Z", now) == "yesterday"
    assert age_text("2026-10-20T08:00:00Z", now) == "13 days ago"
    assert age_text("2026-08-01T08:00:00Z", now) == "2026-08-01"
    today = now.date()
    assert (
        date_alert_text((("dueDate", "2026-10-30"),), today) == "due 2026-10-30 · overdue by 3 days"
    )
    assert date_alert_text((("startDate", "2026-11-03"),), today) == "start 2026-11-03 · in 1 day"
    assert date_alert_text((("date", "2026-11-02"),), today) == "milestone 2026-11-02 · today"
