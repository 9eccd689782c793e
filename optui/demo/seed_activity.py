"""Seed of what happens around work packages: journals, comments, relations and watchers.

Every work package gets a creation journal (version 1). The ~250 work packages of the normal seed
also get a history: status and assignee changes that end in their current values, and markdown
comments (a few internal ones), all between their `createdAt` and `updatedAt`. Then ~60 relations
and the watchers (the demo user watches 15 work packages assigned to someone else). Ids are given
explicitly and only the shared `rng` is drawn from, so the result is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random

from optui.demo.render import user_name
from optui.demo.store import Record, Store

DEMO_USER = 1
HISTORY_LIMIT = 250
"""Work packages with an id up to this get comments and change journals (the normal seed)."""
RELATION_COUNT = 60
DEMO_WATCHES = 15
RELATION_KINDS = [
    "blocks",
    "blocks",
    "relates",
    "relates",
    "relates",
    "precedes",
    "follows",
    "duplicates",
]
NEW, IN_PROGRESS = 1, 7

COMMENTS = [
    "I had a look at this. The tricky part is the migration:\n\n- the old code path is still "
    "used by the export\n- we need a **feature flag** for the rollout\n\nI'll continue tomorrow.",
    "@{name} could you review this when you have a minute?",
    "This depends on #{other}, we cannot move on before that one is done.",
    "Pushed to `feature/{slug}`, ready for review.\n\n```bash\ngit checkout feature/{slug}\n```",
    "Customer feedback: *works as expected*, but the wording in the dialog is confusing.",
    "> Does this also affect the mobile app?\n\nYes, the same component is used there.",
    "Quick status update, about half of it is done. Remaining:\n\n1. tests\n2. documentation\n"
    "3. a last round of review",
    "Moved to the next sprint, see the [planning notes](https://www.openproject.org/docs/).",
    "Can't reproduce this any more on the current build. Closing soon unless someone objects.",
    "Thanks! Looks good to me :+1:",
]
INTERNAL_COMMENTS = [
    "Internal: the customer is still on the old contract, do not promise a date yet.",
    "Internal note: budget for this is nearly used up, check with the PMO before adding work.",
]


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=None)


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _moments(start: dt.datetime, end: dt.datetime, count: int, rng: random.Random) -> list[str]:
    """`count` ordered times after `start`, the last one exactly `end`."""
    if end <= start:
        end = start + dt.timedelta(hours=count)
    span = int((end - start).total_seconds())
    picks = sorted(rng.randint(3600, max(span, 3601)) for _ in range(count - 1))
    moments = [min(start + dt.timedelta(seconds=s), end) for s in picks] + [end]
    return [_stamp(m) for m in moments]


def seed(store: Store, today: dt.date, rng: random.Random) -> None:
    """Journals, relations and watchers over the work packages already in the store."""
    work_packages = store.all("work_packages")
    names = {u["id"]: user_name(u) for u in store.all("users")}
    statuses = {s["id"]: s for s in store.all("statuses")}
    journals: list[Record] = []
    for record in work_packages:
        journals.extend(_journals(store, record, names, statuses, rng, len(journals) + 1))
    store.insert_many("journals", journals)
    store.insert_many("relations", _relations(work_packages, rng))
    store.insert_many("watchers", _watchers(store, work_packages, rng))


def _members(store: Store, record: Record) -> list[int]:
    project = store.get("projects", record["project_id"]) or {}
    return [m for m in project.get("member_ids", []) if m < 1000] or [record["author_id"]]


def _journal(
    journal_id: int,
    record: Record,
    user_id: int,
    version: int,
    at: str,
    *,
    notes: str = "",
    details: list[str] | None = None,
    internal: bool = False,
) -> Record:
    return {
        "id": journal_id,
        "work_package_id": record["id"],
        "user_id": user_id,
        "version": version,
        "notes": notes,
        "details": details or [],
        "internal": internal,
        "createdAt": at,
        "updatedAt": at,
    }


def _journals(
    store: Store,
    record: Record,
    names: dict[int, str],
    statuses: dict[int, Record],
    rng: random.Random,
    first_id: int,
) -> list[Record]:
    created = record["createdAt"]
    result = [_journal(first_id, record, record["author_id"], 1, created)]
    if record["id"] > HISTORY_LIMIT:
        return result
    members = _members(store, record)
    events: list[tuple[int, str, list[str], bool]] = []  # user, notes, details, internal
    changes: list[str] = []
    assignee = record.get("assignee_id")
    if assignee is not None and assignee in names:
        changes.append(f"Assignee set to {names[assignee]}")
    status = statuses[record["status_id"]]
    if status["id"] != NEW:
        if status["isClosed"] and rng.random() < 0.6:
            events.append(
                (rng.choice(members), "", ["Status changed from New to In progress"], False)
            )
            changes.append(f"Status changed from In progress to {status['name']}")
        else:
            changes.append(f"Status changed from New to {status['name']}")
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        author = rng.choice([*members, DEMO_USER] if DEMO_USER in members else members)
        mention = names.get(rng.choice(members), "Anna Schmidt")
        other = rng.randint(1, HISTORY_LIMIT)
        slug = record["subject"].lower().replace(" ", "-")[:24].strip("-")
        text = rng.choice(COMMENTS).format(name=mention, other=other, slug=slug)
        events.append((author, text, [], False))
    if rng.random() < 0.08:
        events.append((rng.choice(members), rng.choice(INTERNAL_COMMENTS), [], True))
    if changes:
        # the change that produced today's values comes last, sometimes with a comment
        notes = "Updated after the team meeting." if rng.random() < 0.3 else ""
        events.append((rng.choice(members), notes, changes, False))
    if not events:
        return result
    times = _moments(_parse(created), _parse(record["updatedAt"]), len(events), rng)
    for version, ((user, notes, details, internal), at) in enumerate(
        zip(events, times, strict=True), start=2
    ):
        journal_id = first_id + version - 1
        result.append(
            _journal(
                journal_id,
                record,
                user,
                version,
                at,
                notes=notes,
                details=details,
                internal=internal,
            )
        )
    return result


def _relations(work_packages: list[Record], rng: random.Random) -> list[Record]:
    """About 60 relations between work packages of the same project (no parent/child pairs)."""
    by_project: dict[int, list[Record]] = {}
    for record in work_packages:
        if record["id"] <= HISTORY_LIMIT:
            by_project.setdefault(record["project_id"], []).append(record)
    projects = sorted(p for p, found in by_project.items() if len(found) > 2)
    pairs: set[frozenset[int]] = set()
    relations: list[Record] = []
    attempts = 0
    while len(relations) < RELATION_COUNT and attempts < RELATION_COUNT * 20:
        attempts += 1
        candidates = by_project[rng.choice(projects)]
        source, target = rng.sample(candidates, 2)
        pair = frozenset((source["id"], target["id"]))
        family = source.get("parent_id") == target["id"] or target.get("parent_id") == source["id"]
        if pair in pairs or family:
            continue
        pairs.add(pair)
        kind = rng.choice(RELATION_KINDS)
        relations.append(
            {
                "id": len(relations) + 1,
                "from_id": source["id"],
                "to_id": target["id"],
                "type": kind,
                "description": "Needs the API change first."
                if kind == "blocks" and rng.random() < 0.3
                else None,
                "lag": rng.randint(0, 3) if kind in ("precedes", "follows") else None,
            }
        )
    return relations


def _watchers(store: Store, work_packages: list[Record], rng: random.Random) -> list[Record]:
    """The demo user watches 15 work packages assigned to others; colleagues watch some more."""
    member_of = {p["id"] for p in store.all("projects") if DEMO_USER in p.get("member_ids", [])}
    normal = [w for w in work_packages if w["id"] <= HISTORY_LIMIT]
    pool = [w for w in normal if w["project_id"] in member_of and w.get("assignee_id") != DEMO_USER]
    watched = rng.sample(pool, min(DEMO_WATCHES, len(pool)))
    pairs = [(w["id"], DEMO_USER) for w in sorted(watched, key=lambda w: w["id"])]
    for record in normal:
        if rng.random() < 0.3:
            colleagues = [m for m in _members(store, record) if m != DEMO_USER]
            if colleagues:
                pairs.append((record["id"], rng.choice(colleagues)))
    unique = sorted(set(pairs))
    return [
        {"id": n, "work_package_id": wp_id, "user_id": user_id}
        for n, (wp_id, user_id) in enumerate(unique, start=1)
    ]
