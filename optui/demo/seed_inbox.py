"""Seed of what surrounds the work: saved queries, boards, My page, notifications, time entries.

Runs after the core seed and the activity seed (it links notifications to their journals). It
draws from its own random generator, so its data stays the same whatever earlier parts drew.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from optui.demo.store import Record, Store

DEMO_USER = 1
TABLE_COLUMNS = ["id", "subject", "type", "status", "priority", "assignee", "updatedAt"]
BOARD_STATUSES = [(1, "New"), (7, "In progress"), (13, "On hold"), (12, "Closed")]
SPRINT_COLUMNS = [(4, "Sprint 2"), (5, "Sprint 3"), (6, "Product backlog")]

REASONS = [
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
]
SYSTEM_REASONS = frozenset({"dateAlert", "reminder"})
"""Reasons with no actor and no journal: time passing caused them."""

COMMENTS = [
    "",
    "Code review",
    "Pairing with Anna",
    "Fixed the flaky test",
    "Sprint planning",
    "Customer call",
    "Wrote the migration",
    "Investigated the report",
    "Updated the documentation",
]


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def seed(store: Store, today: dt.date, rng: random.Random) -> None:
    """Queries, grids, notifications and time entries (the shared `rng` is left untouched)."""
    local = random.Random(20251105)
    _queries_and_boards(store, today)
    _notifications(store, today, local)
    _time_entries(store, today, local)


# saved queries and boards


def _filter(name: str, operator: str, *values: str) -> dict[str, Any]:
    return {name: {"operator": operator, "values": list(values)}}


def _query(
    store: Store,
    stamp: str,
    name: str,
    project_id: int | None,
    user_id: int,
    filters: list[dict[str, Any]],
    *,
    sort: list[list[str]] | None = None,
    group_by: str | None = None,
    public: bool = True,
    starred: bool = False,
    hidden: bool = False,
) -> int:
    record = store.insert(
        "queries",
        {
            "id": None,
            "name": name,
            "project_id": project_id,
            "user_id": user_id,
            "public": public,
            "starred": starred,
            "hidden": hidden,
            "filters": filters,
            "sortBy": sort or [["id", "asc"]],
            "groupBy": group_by,
            "columns": list(TABLE_COLUMNS),
            "showSums": False,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )
    return int(record["id"])


def _queries_and_boards(store: Store, today: dt.date) -> None:
    stamp = _stamp(_at(today - dt.timedelta(days=60)))
    open_ = _filter("status", "o")
    for project_id in (1, 2):
        _query(store, stamp, "Bugs", project_id, 2, [open_, _filter("type", "=", "7")])
        _query(
            store,
            stamp,
            "My open tasks",
            project_id,
            DEMO_USER,
            [open_, _filter("assignee", "=", "me")],
            sort=[["dueDate", "asc"]],
            public=False,
            starred=True,
        )
        _query(store, stamp, "Milestones", project_id, DEMO_USER, [_filter("type", "=", "2")])
        _query(
            store,
            stamp,
            "Overdue",
            project_id,
            2,
            [open_, _filter("dueDate", "<t-", "0")],
            sort=[["dueDate", "asc"]],
        )
        _query(
            store,
            stamp,
            "Recently updated",
            project_id,
            DEMO_USER,
            [_filter("updatedAt", ">t-", "14")],
            sort=[["updatedAt", "desc"]],
            group_by="status",
        )
    # someone else's private view: never visible to the demo user
    _query(store, stamp, "Anna's notes", 1, 2, [open_], public=False)
    _query(
        store,
        stamp,
        "Everything assigned to me",
        None,
        DEMO_USER,
        [open_, _filter("assignee", "=", "me")],
        sort=[["updatedAt", "desc"]],
        public=False,
        starred=True,
    )
    _query(store, stamp, "Company milestones", None, 8, [open_, _filter("type", "=", "2")])

    for project_id, identifier, name in (
        (1, "demo-project", "Kanban"),
        (2, "your-scrum-project", "Task board"),
    ):
        columns = []
        for status_id, status_name in BOARD_STATUSES:
            filters = [_filter("status", "=", str(status_id))]
            query_id = _query(store, stamp, status_name, project_id, 2, filters, hidden=True)
            columns.append({"queryId": str(query_id), "filters": filters})
        _board(store, stamp, name, identifier, {"type": "action", "attribute": "status"}, columns)
    sprint_columns = []
    for version_id, version_name in SPRINT_COLUMNS:
        filters = [_filter("version", "=", str(version_id))]
        query_id = _query(store, stamp, version_name, 2, DEMO_USER, filters, hidden=True)
        sprint_columns.append({"queryId": str(query_id)})
    _board(store, stamp, "Sprint planning", "your-scrum-project", {"type": "free"}, sprint_columns)
    _my_page(store, stamp)


def _next_widget_id(store: Store) -> int:
    ids = [w.get("id", 0) for g in store.all("grids") for w in g["widgets"]]
    return max(ids, default=0) + 1


def _board(
    store: Store,
    stamp: str,
    name: str,
    identifier: str,
    options: dict[str, Any],
    columns: list[dict[str, Any]],
) -> None:
    first = _next_widget_id(store)
    widgets = [
        {
            "id": first + n,
            "identifier": "work_package_query",
            "startRow": 1,
            "endRow": 2,
            "startColumn": n + 1,
            "endColumn": n + 2,
            "options": column,
        }
        for n, column in enumerate(columns)
    ]
    store.insert(
        "grids",
        {
            "id": None,
            "name": name,
            "scope": f"/projects/{identifier}/boards",
            "rowCount": 1,
            "columnCount": len(columns),
            "options": options,
            "widgets": widgets,
            "user_id": None,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )


def _my_page(store: Store, stamp: str) -> None:
    first = _next_widget_id(store)
    layout = [
        ("work_packages_assigned", 1, 2, 1, 2, {"name": "Work packages assigned to me"}),
        ("work_packages_watched", 1, 2, 2, 3, {"name": "Work packages watched by me"}),
        ("work_packages_calendar", 2, 3, 1, 3, {"name": "Calendar"}),
        ("time_entries_current_user", 3, 4, 1, 3, {"name": "My spent time"}),
    ]
    widgets = [
        {
            "id": first + n,
            "identifier": identifier,
            "startRow": start_row,
            "endRow": end_row,
            "startColumn": start_column,
            "endColumn": end_column,
            "options": options,
        }
        for n, (identifier, start_row, end_row, start_column, end_column, options) in enumerate(
            layout
        )
    ]
    store.insert(
        "grids",
        {
            "id": None,
            "name": "My page",
            "scope": "/my/page",
            "rowCount": 3,
            "columnCount": 2,
            "options": {},
            "widgets": widgets,
            "user_id": DEMO_USER,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )


# notifications


def _member_work_packages(store: Store) -> list[Record]:
    """Work packages in the active projects the demo user belongs to."""
    projects = {
        p["id"]
        for p in store.all("projects")
        if DEMO_USER in p.get("member_ids", []) and p.get("active", True)
    }
    return [wp for wp in store.all("work_packages") if wp["project_id"] in projects]


def _date_details(work_package: Record, today: dt.date) -> list[dict[str, str]]:
    """The dates of a work package a date alert would mention (near today or overdue)."""
    details = []
    for prop in ("startDate", "dueDate", "date"):
        value = work_package.get(prop)
        if value and -21 <= (dt.date.fromisoformat(value) - today).days <= 7:
            details.append({"property": prop, "value": value})
    return details


def _notifications(store: Store, today: dt.date, rng: random.Random) -> None:
    pool = _member_work_packages(store)
    # a few work packages collect several notifications each
    hot = pool[:: max(1, len(pool) // 14)][:14]
    by_reason: dict[str, list[Record]] = {
        "assigned": [wp for wp in pool if wp["assignee_id"] == DEMO_USER],
        "responsible": [wp for wp in pool if wp["responsible_id"] == DEMO_USER],
    }
    alerted = [wp for wp in pool if _date_details(wp, today)]
    # date alerts take turns: a milestone, an overdue finish date, an upcoming start
    alert_kinds = [
        [wp for wp in alerted if wp.get("date")],
        [wp for wp in alerted if wp.get("dueDate") and wp["dueDate"] < today.isoformat()],
        [wp for wp in alerted if wp.get("startDate") and wp["startDate"] >= today.isoformat()],
    ]
    journals: dict[int, list[Record]] = {}
    for journal in store.all("journals"):
        journals.setdefault(journal["work_package_id"], []).append(journal)
    # mentions and comments point at a comment of the work package
    commented = [wp for wp in pool if any(j.get("notes") for j in journals.get(wp["id"], []))]
    by_reason["mentioned"] = by_reason["commented"] = commented
    plan = [reason for reason in REASONS for _ in range(4)] + [
        "mentioned",
        "assigned",
        "dateAlert",
        "commented",
        "watched",
        "dateAlert",
        "created",
        "mentioned",
    ]
    rng.shuffle(plan)
    now = _at(today, 17)
    moments = sorted(now - dt.timedelta(minutes=rng.randint(30, 27 * 24 * 60)) for _ in plan)
    seen: dict[str, int] = {}
    records = []
    for reason, moment in zip(plan, moments, strict=True):
        count = seen[reason] = seen.get(reason, 0) + 1
        if reason == "dateAlert":
            candidates = alert_kinds[count % 3] or alerted
        else:
            candidates = by_reason.get(reason) or hot
        preferred = [wp for wp in candidates if wp in hot]
        work_package = rng.choice(preferred or candidates)
        read = count % 2 == 0
        details = _date_details(work_package, today) if reason == "dateAlert" else []
        records.append(
            {
                "user_id": DEMO_USER,
                "reason": reason,
                "read": read,
                "work_package_id": work_package["id"],
                "project_id": work_package["project_id"],
                "actor_id": None
                if reason in SYSTEM_REASONS
                else _actor(store, work_package, reason, rng),
                "journal_id": None
                if reason in SYSTEM_REASONS
                else _journal(journals.get(work_package["id"], []), reason),
                "details": details,
                "createdAt": _stamp(moment),
                "updatedAt": _stamp(moment + dt.timedelta(hours=3) if read else moment),
            }
        )
    for n, work_package in enumerate(pool[1:4]):
        moment = now - dt.timedelta(days=n + 1)
        records.append(
            {
                "user_id": 2,
                "reason": "assigned",
                "read": False,
                "work_package_id": work_package["id"],
                "project_id": work_package["project_id"],
                "actor_id": DEMO_USER,
                "journal_id": None,
                "details": [],
                "createdAt": _stamp(moment),
                "updatedAt": _stamp(moment),
            }
        )
    records.sort(key=lambda r: r["createdAt"])
    for n, record in enumerate(records, start=1):
        store.insert("notifications", {"id": n, **record})


def _actor(store: Store, work_package: Record, reason: str, rng: random.Random) -> int:
    if reason == "created" and work_package["author_id"] != DEMO_USER:
        return int(work_package["author_id"])
    project = store.get("projects", work_package["project_id"])
    members = [int(m) for m in (project or {}).get("member_ids", []) if m < 1000 and m != DEMO_USER]
    return rng.choice(members or [8])


def _journal(journals: list[Record], reason: str) -> int | None:
    """The journal that caused the notification: a comment for mentions, else the latest."""
    if not journals:
        return None
    if reason in ("mentioned", "commented"):
        with_notes = [j for j in journals if j.get("notes")]
        if with_notes:
            return int(with_notes[-1]["id"])
    return int(journals[-1]["id"])


# time entries


def _time_entries(store: Store, today: dt.date, rng: random.Random) -> None:
    pool = _member_work_packages(store)
    mine = [wp for wp in pool if wp["assignee_id"] == DEMO_USER][:6] or pool[:6]
    others = pool[10:14]
    hidden = [wp for wp in store.all("work_packages") if wp["project_id"] == 8][:2]
    hours = [0.25, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 4.0, 6.0]
    activities = [3, 3, 3, 4, 4, 1, 2, 5, 6]
    records = []
    workdays = [
        today - dt.timedelta(days=n)
        for n in range(35)
        if (today - dt.timedelta(days=n)).weekday() < 5
    ]
    for day in workdays:
        for _ in range(rng.choice([2, 3, 3])):
            records.append(_entry(DEMO_USER, rng.choice(mine), day, rng, hours, activities))
    for n in range(10):
        work_package = others[n % len(others)]
        project = store.get("projects", work_package["project_id"]) or {}
        colleagues = [m for m in project.get("member_ids", []) if 1 < m < 1000] or [8]
        day = workdays[(n * 3) % len(workdays)]
        entry = _entry(colleagues[n % len(colleagues)], work_package, day, rng, hours, activities)
        records.append(entry)
    for n, work_package in enumerate(hidden):
        records.append(_entry(6, work_package, workdays[n], rng, hours, activities))
    records.sort(key=lambda r: (r["spentOn"], r["createdAt"]))
    # a colleague's timer is running (the demo user's own timer is left for them to start)
    project = store.get("projects", others[0]["project_id"]) or {}
    colleague = next((m for m in project.get("member_ids", []) if 1 < m < 1000), 8)
    running = _entry(colleague, others[0], today, rng, hours, activities)
    running.update(hours=None, ongoing=True, comment="Timer running")
    running["createdAt"] = running["updatedAt"] = _stamp(_at(today, 8, 30))
    records.append(running)
    for n, record in enumerate(records, start=1):
        store.insert("time_entries", {"id": n, **record})


def _entry(
    user_id: int,
    work_package: Record,
    day: dt.date,
    rng: random.Random,
    hours: list[float],
    activities: list[int],
) -> Record:
    moment = _at(day, rng.randint(10, 18), rng.choice([0, 15, 30, 45]))
    return {
        "user_id": user_id,
        "project_id": work_package["project_id"],
        "work_package_id": work_package["id"],
        "activity_id": rng.choice(activities),
        "hours": rng.choice(hours),
        "spentOn": day.isoformat(),
        "comment": rng.choice(COMMENTS),
        "ongoing": False,
        "createdAt": _stamp(moment),
        "updatedAt": _stamp(moment),
    }
