"""Deterministic seed data, shaped like OpenProject's own demo.

Ids are fixed and dates are relative to `today`, so a test that passes a fixed day sees the same
data every time. Sizes: `normal` (about 250 work packages), `large` (10,000 more in the
"Demo project" tree) and `hostile` (normal plus a project of adversarial text, see
`seed_hostile`). Later parts of the seed (activities, relations, watchers, notifications,
time entries, queries, boards) live in the modules named in `EXTRAS`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Iterator
from typing import Any

from optui.demo.store import Record, Store

SIZES = ("normal", "large", "hostile")
SEED_VERSION = "2"
EXTRAS: list[str] = ["optui.demo.seed_activity", "optui.demo.seed_inbox"]
"""Modules with a `seed(store, today, rng)` function, run in order after the core seed."""

USERS = [
    (1, "demo", "Demo", "User", False),
    (2, "aschmidt", "Anna", "Schmidt", False),
    (3, "bcarter", "Ben", "Carter", False),
    (4, "cwei", "Chen", "Wei", False),
    (5, "dalvarez", "Diego", "Alvarez", False),
    (6, "elarsen", "Emma", "Larsen", False),
    (7, "fhaddad", "Farid", "Haddad", False),
    (8, "admin", "OpenProject", "Admin", True),
]
DEVELOPERS_GROUP = 1000

# id, identifier, name, parent, public, active, members, status
PROJECTS: list[tuple[int, str, str, int | None, bool, bool, list[int], str | None]] = [
    (1, "demo-project", "Demo project", None, False, True, [1, 2, 3, 4, 5, 6, 1000], "on_track"),
    (2, "your-scrum-project", "Scrum project", None, False, True, [1, 2, 3, 4, 7], "at_risk"),
    (3, "website-relaunch", "Website relaunch", 1, False, True, [1, 2, 5, 6], "on_track"),
    (4, "mobile-app", "Mobile app", 2, False, True, [1, 3, 4, 7], "off_track"),
    (5, "infrastructure", "Infrastructure", 3, False, True, [1, 4, 5], None),
    (6, "sprint-archive-2025", "Sprint archive 2025", 2, False, False, [1, 3, 4], None),
    (7, "knowledge-base", "Public knowledge base", None, True, True, [8, 2], None),
    (8, "hr-confidential", "HR confidential", None, False, True, [8, 6], None),
]

# id, name, color, isMilestone
TYPES = [
    (1, "Task", "#1A67A3", False),
    (2, "Milestone", "#35C53F", True),
    (3, "Phase", "#CC5DE8", False),
    (4, "Feature", "#FF922B", False),
    (5, "Epic", "#862E9C", False),
    (6, "User story", "#1098AD", False),
    (7, "Bug", "#C92A2A", False),
]

# id, name, closed, color, default done ratio
STATUSES = [
    (1, "New", False, "#1098AD", 0),
    (2, "In specification", False, "#BE4BDB", 10),
    (3, "Specified", False, "#9C36B5", 20),
    (4, "Confirmed", False, "#F08C00", 20),
    (5, "To be scheduled", False, "#FAB005", 20),
    (6, "Scheduled", False, "#4C6EF5", 30),
    (7, "In progress", False, "#7950F2", 50),
    (8, "Developed", False, "#40C057", 70),
    (9, "In testing", False, "#2F9E44", 80),
    (10, "Tested", False, "#2B8A3E", 90),
    (11, "Test failed", False, "#E03131", 70),
    (12, "Closed", True, "#868E96", 100),
    (13, "On hold", False, "#E67700", 0),
    (14, "Rejected", True, "#495057", 0),
]

PRIORITIES = [
    (1, "Low", "#74C0FC"),
    (2, "Normal", "#228BE6"),
    (3, "High", "#FD7E14"),
    (4, "Immediate", "#E03131"),
]

# id, project, name, status, start offset, end offset (days from today)
VERSIONS = [
    (1, 1, "Version 1.0", "closed", -120, -30),
    (2, 1, "Version 2.0", "open", -29, 45),
    (3, 2, "Sprint 1", "closed", -28, -15),
    (4, 2, "Sprint 2", "open", -14, 0),
    (5, 2, "Sprint 3", "open", 1, 14),
    (6, 2, "Product backlog", "open", None, None),
    (7, 4, "App 1.2", "open", -10, 30),
]

CATEGORIES = [
    (1, 1, "Design", 2),
    (2, 1, "Development", 3),
    (3, 1, "Documentation", None),
    (4, 2, "Backend", 4),
    (5, 2, "Frontend", 3),
    (6, 4, "Android", 7),
    (7, 4, "iOS", 7),
]

# id, name, format, multi, required, type ids ([] = all)
CUSTOM_FIELDS: list[tuple[int, str, str, bool, bool, list[int]]] = [
    (1, "Customer", "string", False, False, []),
    (2, "Acceptance criteria", "text", False, False, [4, 6]),
    (3, "Story points", "int", False, False, [4, 6]),
    (4, "Risk score", "float", False, False, [4, 5, 7]),
    (5, "Billable", "bool", False, False, [1, 4, 6, 7]),
    (6, "Go-live date", "date", False, False, [4, 5]),
    (7, "Component", "list", False, True, [7]),
    (8, "Platforms", "list", True, False, [4, 6, 7]),
    (9, "Reviewer", "user", False, False, [1, 4, 6, 7]),
    (10, "Target release", "version", False, False, [7]),
    (11, "Specification", "link", False, False, [4, 5]),
]
OPTIONS = {
    7: ["API", "User interface", "Database", "Infrastructure", "Documentation"],
    8: ["Linux", "macOS", "Windows", "Android", "iOS"],
}

TIME_ENTRY_ACTIVITIES = [
    (1, "Management", False),
    (2, "Specification", False),
    (3, "Development", True),
    (4, "Testing", False),
    (5, "Support", False),
    (6, "Other", False),
]

AREAS = [
    "login page",
    "project overview",
    "search",
    "REST API",
    "notification mails",
    "dashboard",
    "export to PDF",
    "user settings",
    "invoice module",
    "onboarding flow",
    "mobile navigation",
    "report builder",
    "file uploads",
    "calendar view",
    "time tracking",
    "access control",
    "backup job",
    "payment gateway",
]
VERBS = {
    1: [
        "Write tests for the {a}",
        "Refactor the {a}",
        "Update the docs of the {a}",
        "Review the {a} copy",
        "Set up monitoring for the {a}",
        "Translate the {a}",
    ],
    3: ["Planning phase: {a}", "Execution phase: {a}", "Rollout phase: {a}"],
    4: [
        "Dark mode for the {a}",
        "Keyboard shortcuts in the {a}",
        "Bulk edit in the {a}",
        "Export CSV from the {a}",
        "Filters for the {a}",
    ],
    5: ["Redesign the {a}", "Make the {a} accessible", "Speed up the {a}"],
    6: [
        "As a user I want to save my {a} preferences",
        "As an admin I want to audit the {a}",
        "As a manager I want a summary of the {a}",
        "As a guest I want to browse the {a}",
    ],
    7: [
        "{A} crashes on empty input",
        "{A} shows the wrong time zone",
        "Typo in the {a} header",
        "{A} is slow with 10,000 rows",
        "{A} loses the scroll position",
        "{A} returns 500 for umlauts",
    ],
}
MILESTONES = [
    "Beta release",
    "Go-live",
    "Contract signed",
    "Design freeze",
    "Security audit done",
    "Board review",
]

DESCRIPTION = """## Goal

Make the **{area}** better for everyone who uses it every day.

### Steps

- [x] Collect feedback from the team
- [ ] Draft the change in `{slug}`
- [ ] Review with @anna

```python
def check_{slug}():
    return "ok"
```

See the [OpenProject docs](https://www.openproject.org/docs/) for context.
"""


def _stamp(day: dt.date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def seed(store: Store, today: dt.date, size: str = "normal") -> None:
    """Fill an empty store. Raises ValueError for an unknown size."""
    if size not in SIZES:
        raise ValueError(f"unknown seed size {size!r}; choose one of {', '.join(SIZES)}")
    rng = random.Random(20251104)
    created = today - dt.timedelta(days=180)
    with store.batch():
        _reference_data(store, today, created)
        store.insert_many(
            "work_packages", _work_packages(store, today, rng, 250, [1, 2, 3, 4, 5, 6, 7, 8])
        )
        if size == "large":
            store.insert_many("work_packages", _work_packages(store, today, rng, 10_000, [1, 3, 5]))
        for name in EXTRAS:
            importlib.import_module(name).seed(store, today, rng)
        if size == "hostile":  # after the rest, which stays exactly as in "normal"
            importlib.import_module("optui.demo.seed_hostile").seed(store, today, rng)
        store.set_meta("seed_version", SEED_VERSION)
        store.set_meta("seed_size", size)
        store.set_meta("seed_day", today.isoformat())


def _reference_data(store: Store, today: dt.date, created: dt.date) -> None:
    stamp = _stamp(created)
    for uid, login, first, last, admin in USERS:
        store.insert(
            "users",
            {
                "id": uid,
                "login": login,
                "firstName": first,
                "lastName": last,
                "email": f"{login}@example.com",
                "admin": admin,
                "status": "active",
                "language": "en",
                "createdAt": stamp,
                "updatedAt": stamp,
                "group_ids": [DEVELOPERS_GROUP] if uid in (3, 4, 5) else [],
            },
        )
    store.insert(
        "groups",
        {
            "id": DEVELOPERS_GROUP,
            "name": "Developers",
            "member_ids": [3, 4, 5],
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )
    for pid, ident, name, parent, public, active, members, status in PROJECTS:
        store.insert(
            "projects",
            {
                "id": pid,
                "identifier": ident,
                "name": name,
                "parent_id": parent,
                "public": public,
                "active": active,
                "member_ids": members,
                "status_code": status,
                "description": f"This is the *{name}*. It shows how OpenProject organises work.",
                "statusExplanation": "All milestones are on schedule." if status else "",
                "type_ids": [t[0] for t in TYPES],
                "createdAt": stamp,
                "updatedAt": stamp,
            },
        )
    for tid, name, color, milestone in TYPES:
        store.insert(
            "types",
            {
                "id": tid,
                "name": name,
                "color": color,
                "position": tid,
                "isDefault": tid == 1,
                "isMilestone": milestone,
                "createdAt": stamp,
                "updatedAt": stamp,
            },
        )
    for sid, name, closed, color, ratio in STATUSES:
        store.insert(
            "statuses",
            {
                "id": sid,
                "name": name,
                "isClosed": closed,
                "color": color,
                "isDefault": sid == 1,
                "isReadonly": sid == 14,
                "position": sid,
                "defaultDoneRatio": ratio,
            },
        )
    for prid, name, color in PRIORITIES:
        store.insert(
            "priorities",
            {
                "id": prid,
                "name": name,
                "color": color,
                "position": prid,
                "isDefault": prid == 2,
                "isActive": True,
            },
        )
    for vid, pid, name, status, start, end in VERSIONS:
        store.insert(
            "versions",
            {
                "id": vid,
                "project_id": pid,
                "name": name,
                "status": status,
                "sharing": "none",
                "description": f"Everything planned for {name}.",
                "startDate": None
                if start is None
                else (today + dt.timedelta(days=start)).isoformat(),
                "endDate": None if end is None else (today + dt.timedelta(days=end)).isoformat(),
                "createdAt": stamp,
                "updatedAt": stamp,
            },
        )
    for cid, pid, name, assignee in CATEGORIES:
        store.insert(
            "categories", {"id": cid, "project_id": pid, "name": name, "assignee_id": assignee}
        )
    option_id = 1
    for fid, name, fmt, multi, required, type_ids in CUSTOM_FIELDS:
        store.insert(
            "custom_fields",
            {
                "id": fid,
                "name": name,
                "format": fmt,
                "multi": multi,
                "required": required,
                "type_ids": type_ids,
                "min_length": None,
                "max_length": 255 if fmt == "string" else None,
                "position": fid,
            },
        )
        for position, value in enumerate(OPTIONS.get(fid, []), start=1):
            store.insert(
                "custom_options",
                {"id": option_id, "custom_field_id": fid, "value": value, "position": position},
            )
            option_id += 1
    for aid, name, default in TIME_ENTRY_ACTIVITIES:
        store.insert(
            "time_entry_activities",
            {"id": aid, "name": name, "position": aid, "default": default, "active": True},
        )


def _work_packages(
    store: Store, today: dt.date, rng: random.Random, count: int, project_ids: list[int]
) -> Iterator[Record]:
    """`count` work packages spread over the projects: epics with features and stories under
    them, tasks and bugs beside, milestones; every type and status occurs."""
    next_id = store.next_id("work_packages")
    projects = {p: store.get("projects", p) for p in project_ids}
    options = {
        f: [o["id"] for o in store.find("custom_options", custom_field_id=f)] for f in OPTIONS
    }
    parents: dict[int, list[int]] = {p: [] for p in project_ids}
    for n in range(count):
        wp_id = next_id + n
        project_id = project_ids[n % len(project_ids)]
        project = projects[project_id]
        assert project is not None
        members = [m for m in project["member_ids"] if m < DEVELOPERS_GROUP] or [8]
        type_id = (
            TYPES[n % len(TYPES)][0] if n < 14 else rng.choice([1, 1, 1, 7, 7, 6, 6, 4, 5, 3, 2])
        )
        status_id = (
            STATUSES[n % len(STATUSES)][0]
            if n < 28
            else rng.choice([1, 1, 7, 7, 7, 12, 12, 5, 6, 9, 8, 13, 2, 4])
        )
        area = AREAS[rng.randrange(len(AREAS))]
        if type_id == 2:
            subject = f"{rng.choice(MILESTONES)}: {area}"
        else:
            template = rng.choice(VERBS[type_id])
            subject = template.format(a=area, A=area[0].upper() + area[1:])
        if count > 1000:
            subject = f"{subject} #{n + 1}"
        start = today + dt.timedelta(days=rng.randint(-60, 40))
        length = rng.randint(0, 20)
        assignee = rng.choice([*members, 1, 1, None]) if n % 5 else 1
        parent_id = None
        if type_id in (1, 6, 7) and parents[project_id] and rng.random() < 0.6:
            parent_id = rng.choice(parents[project_id][-6:])
        record: Record = {
            "id": wp_id,
            "subject": subject,
            "description": DESCRIPTION.format(area=area, slug=area.replace(" ", "_"))
            if n % 3
            else "",
            "project_id": project_id,
            "type_id": type_id,
            "status_id": status_id,
            "priority_id": rng.choice([1, 2, 2, 2, 3, 3, 4]),
            "author_id": rng.choice(members),
            "assignee_id": assignee
            if (assignee is None or assignee in project["member_ids"] or assignee == 1)
            else None,
            "responsible_id": rng.choice([*members, None]),
            "version_id": _version_for(project_id, rng),
            "category_id": _category_for(project_id, rng),
            "parent_id": parent_id,
            "startDate": None,
            "dueDate": None,
            "date": None,
            "duration": None,
            "estimatedHours": rng.choice([None, 1.0, 2.5, 4.0, 8.0, 16.0, 40.0]),
            "remainingHours": None,
            "percentageDone": None,
            "lockVersion": rng.randint(0, 5),
            "createdAt": _stamp(today - dt.timedelta(days=rng.randint(30, 170)), 8 + n % 9),
            "updatedAt": _stamp(today - dt.timedelta(days=rng.randint(0, 29)), 8 + n % 9),
            "custom": _custom_values(type_id, rng, options, members),
        }
        if type_id == 2:
            record["date"] = start.isoformat()
        elif n % 7:
            record["startDate"] = start.isoformat()
            record["dueDate"] = (start + dt.timedelta(days=length)).isoformat()
            record["duration"] = length + 1
        if record["estimatedHours"] is not None:
            record["remainingHours"] = round(record["estimatedHours"] * rng.random(), 1)
        status = STATUSES[status_id - 1]
        record["percentageDone"] = status[4]
        if type_id in (4, 5, 3):
            parents[project_id].append(wp_id)
        yield record


def _version_for(project_id: int, rng: random.Random) -> int | None:
    candidates = [v[0] for v in VERSIONS if v[1] == project_id]
    return rng.choice([*candidates, None]) if candidates else None


def _category_for(project_id: int, rng: random.Random) -> int | None:
    candidates = [c[0] for c in CATEGORIES if c[1] == project_id]
    return rng.choice([*candidates, None]) if candidates else None


def _custom_values(
    type_id: int, rng: random.Random, options: dict[int, list[int]], members: list[int]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for fid, _name, fmt, multi, required, type_ids in CUSTOM_FIELDS:
        if type_ids and type_id not in type_ids:
            continue
        if not required and rng.random() < 0.4:
            continue
        key = str(fid)
        if fmt == "string":
            values[key] = rng.choice(["ACME Corp", "Globex", "Initech", "Umbrella"])
        elif fmt == "text":
            values[key] = "- works offline\n- loads in under a second"
        elif fmt == "int":
            values[key] = rng.choice([1, 2, 3, 5, 8, 13])
        elif fmt == "float":
            values[key] = round(rng.uniform(0, 10), 1)
        elif fmt == "bool":
            values[key] = rng.random() < 0.5
        elif fmt == "date":
            values[key] = (dt.date(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 200))).isoformat()
        elif fmt == "list":
            choices = options[fid]
            values[key] = rng.sample(choices, 2) if multi else rng.choice(choices)
        elif fmt == "user":
            values[key] = rng.choice(members)
        elif fmt == "version":
            values[key] = rng.choice([2, 4, 5])
        elif fmt == "link":
            values[key] = "https://www.openproject.org/docs/"
    return values
