"""The `hostile` seed: a project whose data tries to break a terminal client.

Everything of the normal seed stays as it is; this adds the project "Hostile data" (`hostile`)
with a user, a version, a category, 12 work packages, their comments, time entries of the demo
user and a notification. Subjects, descriptions, comments, custom field values and names carry
Rich/Textual markup, ANSI and OSC escape sequences, other control characters, a 5,000-character
line without spaces, right-to-left text with an override, emoji sequences, zero-width characters
and combining marks; one description is 1 MiB of markdown. A client must show all of it as plain
text that never acts, never breaks its layout and never freezes.

The constants are the exact strings stored, so tests can look for them byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random

from optui.demo.store import Record, Store

DEMO_USER = 1
PROJECT_IDENTIFIER = "hostile"
PROJECT_NAME = "Hostile data"
MIB = 1 << 20

# the pieces

MARKUP_BOLD = "[bold red]x[/]"
MARKUP_CLICK = "[@click=app.quit]quit[/]"
MARKUP_LINK = "[link=https://evil]x[/link]"
MARKUP = (MARKUP_BOLD, MARKUP_CLICK, MARKUP_LINK)
"""Rich/Textual markup: must show as these very characters, never style, act or link."""

CSI_CLEAR = "\x1b[2J"
CSI_RED = "\x1b[31m"
CSI_RESET = "\x1b[0m"
OSC_52 = "\x1b]52;c;ZXZpbA==\x07"
"""Writes "evil" to the terminal's clipboard."""
OSC_8 = "\x1b]8;;https://evil.example/\x1b\\innocent link\x1b]8;;\x1b\\"
"""A terminal hyperlink whose text hides where it goes."""
CONTROLS = "".join(chr(code) for code in range(0x00, 0x09)) + "\x7f\r\x1b"
"""NUL to backspace, DEL, a carriage return and a bare ESC."""
LONG_LINE = "".join(f"{n:04d}" for n in range(1250))
"""5,000 characters without a space."""
RTL = "مرحبا بالعالم · שלום עולם · \u202eexe.live\u202c.txt"
"""Arabic and Hebrew, and a right-to-left override that makes `…txt.exe` read backwards."""
EMOJI = "👩‍👩‍👧‍👦 👍🏽 👨🏿‍💻 🏳️‍🌈 🧑🏻‍🤝‍🧑🏾"
"""ZWJ sequences, skin tones, a flag with a variation selector."""
ZERO_WIDTH = "zero\u200bwidth\ufeffspace\u200dand\u2060joiners"
COMBINING = "Z\u0337\u0322\u031ba\u0334\u0359l\u0336\u0324g\u0335\u031fo\u0338 e\u0301 n\u0303"
ENTITIES = "&#27;[31m&#x1b;]52;c;ZXZpbA==&#7;"
"""Escape sequences spelled as HTML entities (markdown decodes entities)."""

ESCAPES = (CSI_CLEAR, CSI_RED, CSI_RESET, OSC_52, OSC_8)
EVERYTHING = (
    f"{MARKUP_BOLD} {MARKUP_CLICK} {MARKUP_LINK} {CSI_CLEAR}{CSI_RED}red{CSI_RESET} "
    f"{OSC_52}{OSC_8} {CONTROLS} {RTL} {EMOJI} {ZERO_WIDTH} {COMBINING}"
)

USER_FIRST_NAME = "[red]Mallory[/]"
USER_LAST_NAME = f"{MARKUP_CLICK}{CSI_RED}\x07"
USER_NAME = f"{USER_FIRST_NAME} {USER_LAST_NAME}"
"""The name the API gives the user (first and last name)."""
VERSION_NAME = f"Release {MARKUP_LINK} {CSI_RED}1.0{CSI_RESET}"
CATEGORY_NAME = f"Area {MARKUP_CLICK}{OSC_52}"
PROJECT_DESCRIPTION = f"This project's data is hostile: {MARKUP_BOLD} {CSI_CLEAR} {OSC_52}"
MENTION = (
    '<mention class="mention" data-id="1" data-type="user" data-text="@Demo User">'
    "@Demo User</mention>"
)

HUGE_SUBJECT = "Huge description (1 MiB)"
HUGE_START = "# The huge description"
HUGE_END = "This is the last line of the huge description."


def hostile_markdown(title: str) -> str:
    """Markdown that puts the pieces everywhere markdown can hold text."""
    return f"""## {title} {MARKUP_BOLD}

Markup in a paragraph: {MARKUP_BOLD}, {MARKUP_CLICK} and {MARKUP_LINK}.

Escapes: {CSI_CLEAR}cleared? {CSI_RED}red?{CSI_RESET} clipboard: {OSC_52} link: {OSC_8}

Controls: {CONTROLS} end. Entities: {ENTITIES}

- a list item with {MARKUP_CLICK}
- right to left: {RTL}
- emoji: {EMOJI}
- invisible: {ZERO_WIDTH} and combining: {COMBINING}

| Column {MARKUP_BOLD} | Value |
|---|---|
| `{MARKUP_CLICK}` | {CSI_RED}{OSC_52} |
| {RTL} | {EMOJI} |

A link whose text is markup: [{MARKUP_LINK}](https://example.com/), a script link:
[click](javascript:alert(1)) and an OSC in a URL: [x](https://example.com/{OSC_8}).

<b>raw html</b> <script>alert(1)</script>

```text
{MARKUP_BOLD} {CSI_CLEAR} {OSC_52}
```

{LONG_LINE}
"""


def huge_description() -> str:
    """Exactly 1 MiB (in characters) of markdown: paragraphs, a huge table, a long code fence."""
    parts = [f"{HUGE_START}\n\n"]
    for n in range(800):
        extra = f" {MARKUP_CLICK} {CSI_RED}" if n % 10 == 0 else ""
        parts.append(
            f"Paragraph {n}: the quick brown fox jumps over the lazy dog, again and again, "
            "so that the text is long enough to wrap over several lines of the terminal. "
            "It keeps going with **bold**, *italic* and `code` spans and a "
            f"[link](https://example.com/{n}) or two.{extra} Then the paragraph ends with a "
            "sentence that says nothing at all, except that it is sentence number "
            f"{n} of many.\n\n"
        )
    parts.append("| # | Name | Value | Notes |\n|---:|---|---|---|\n")
    for n in range(5000):
        parts.append(
            f"| {n} | row {n} | {n * 7 % 1000} | note {MARKUP_BOLD if n % 50 == 0 else n} |\n"
        )
    parts.append("\n```python\n")
    for n in range(6000):
        parts.append(f"value_{n} = compute({n}, factor={n % 17})  # line {n}\n")
    parts.append("```\n\n")
    text = "".join(parts)
    room = MIB - len(text) - len(HUGE_END) - 3
    assert room > 0, "the parts above must stay under 1 MiB"
    filler = ("More words to fill the last paragraph up to the size. " * (room // 50 + 1))[:room]
    return f"{text}{filler}\n\n{HUGE_END}\n"


# type ids of the normal seed: Task, Feature, User story (Features and stories have the
# "Acceptance criteria" text field; every type has the "Customer" string field)
TASK, FEATURE, STORY = 1, 4, 6
CUSTOMER, ACCEPTANCE = "1", "2"

# subject, type, status, assignee ("user" = the hostile user), customer, acceptance criteria
WORK_PACKAGES: list[tuple[str, int, int, str | None, str, str | None]] = [
    (f"Markup {MARKUP_BOLD} in a subject", FEATURE, 1, "user", MARKUP_BOLD, MARKUP_CLICK),
    (f"Click {MARKUP_CLICK} to win", TASK, 7, "demo", MARKUP_CLICK, None),
    (f"Link {MARKUP_LINK} markup", STORY, 7, None, MARKUP_LINK, MARKUP_LINK),
    (f"ANSI {CSI_CLEAR}{CSI_RED}red{CSI_RESET} text", TASK, 13, "user", CSI_CLEAR, None),
    (f"OSC 52 {OSC_52} and OSC 8 {OSC_8}", FEATURE, 1, "demo", OSC_52, OSC_8),
    (f"Controls {CONTROLS} end", TASK, 9, None, CONTROLS, None),
    (LONG_LINE, STORY, 1, "demo", LONG_LINE, LONG_LINE),
    (f"RTL {RTL}", TASK, 7, "user", RTL, None),
    (f"Emoji {EMOJI}", STORY, 13, None, EMOJI, EMOJI),
    (f"Invisible {ZERO_WIDTH} combining {COMBINING}", TASK, 1, None, ZERO_WIDTH, None),
    (HUGE_SUBJECT, FEATURE, 7, "demo", "ACME Corp", COMBINING),
    (f"Everything {EVERYTHING}", FEATURE, 4, "user", EVERYTHING, EVERYTHING),
]

COMMENTS = [
    f"A comment with {MARKUP_BOLD}, {MARKUP_CLICK} and {MARKUP_LINK}.",
    f"{CSI_CLEAR}{CSI_RED}This comment tries to clear the screen.{CSI_RESET} {OSC_52}",
    f"Hyperlink: {OSC_8} controls: {CONTROLS} end",
    f"{RTL}\n\n{EMOJI}\n\n{ZERO_WIDTH} {COMBINING}",
    f"{LONG_LINE}",
]
DETAILS = [
    f"Subject changed from {MARKUP_BOLD} to {CSI_CLEAR}{MARKUP_CLICK}",
    f"Customer set to {OSC_52}{RTL}",
]
TIME_COMMENTS = [MARKUP_CLICK, f"{CSI_CLEAR}{OSC_52}", f"{EMOJI} {RTL}"]


def _stamp(day: dt.date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


def seed(store: Store, today: dt.date, rng: random.Random) -> None:
    """Add the hostile project and its data (after the rest of the seed; `rng` is not used)."""
    created = today - dt.timedelta(days=30)
    stamp = _stamp(created, 9)
    user_id = store.next_id("users")
    store.insert(
        "users",
        {
            "id": user_id,
            "login": "mallory",
            "firstName": USER_FIRST_NAME,
            "lastName": USER_LAST_NAME,
            "email": "mallory@example.com",
            "admin": False,
            "status": "active",
            "language": "en",
            "createdAt": stamp,
            "updatedAt": stamp,
            "group_ids": [],
        },
    )
    project_id = store.next_id("projects")
    store.insert(
        "projects",
        {
            "id": project_id,
            "identifier": PROJECT_IDENTIFIER,
            "name": PROJECT_NAME,
            "parent_id": None,
            "public": False,
            "active": True,
            "member_ids": [DEMO_USER, 2, user_id],  # the demo user is a member, as in the others
            "status_code": "at_risk",
            "description": PROJECT_DESCRIPTION,
            "statusExplanation": f"{MARKUP_CLICK} {CSI_RED}",
            "type_ids": [t["id"] for t in store.all("types")],
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )
    version_id = store.next_id("versions")
    store.insert(
        "versions",
        {
            "id": version_id,
            "project_id": project_id,
            "name": VERSION_NAME,
            "status": "open",
            "sharing": "none",
            "description": f"{MARKUP_BOLD} {OSC_52}",
            "startDate": (today - dt.timedelta(days=14)).isoformat(),
            "endDate": (today + dt.timedelta(days=30)).isoformat(),
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    )
    category_id = store.next_id("categories")
    store.insert(
        "categories",
        {"id": category_id, "project_id": project_id, "name": CATEGORY_NAME, "assignee_id": None},
    )
    assignees = {"user": user_id, "demo": DEMO_USER, None: None}
    first_id = store.next_id("work_packages")
    records: list[Record] = []
    for n, (subject, type_id, status_id, assignee, customer, criteria) in enumerate(WORK_PACKAGES):
        status = store.get("statuses", status_id) or {}
        custom: dict[str, object] = {CUSTOMER: customer}
        if criteria is not None:
            custom[ACCEPTANCE] = criteria
        start = today + dt.timedelta(days=n - 6)
        records.append(
            {
                "id": first_id + n,
                "subject": subject,
                "description": huge_description()
                if subject == HUGE_SUBJECT
                else hostile_markdown(f"Work package {n + 1}"),
                "project_id": project_id,
                "type_id": type_id,
                "status_id": status_id,
                "priority_id": 1 + n % 4,
                "author_id": user_id if n % 2 else DEMO_USER,
                "assignee_id": assignees[assignee],
                "responsible_id": user_id if n % 3 == 0 else None,
                "version_id": version_id if n % 2 == 0 else None,
                "category_id": category_id if n % 3 != 2 else None,
                "parent_id": None,
                "startDate": start.isoformat(),
                "dueDate": (start + dt.timedelta(days=3)).isoformat(),
                "date": None,
                "duration": 4,
                "estimatedHours": 8.0,
                "remainingHours": 4.0,
                "percentageDone": status.get("defaultDoneRatio", 0),
                "lockVersion": 1,
                "createdAt": _stamp(created, 10 + n % 8),
                "updatedAt": _stamp(today - dt.timedelta(days=1), 8 + n % 9),
                "custom": custom,
            }
        )
    store.insert_many("work_packages", records)
    journal_id = store.next_id("journals")
    mention_journal = 0
    for n, record in enumerate(records):
        made = created + dt.timedelta(hours=n)
        entries: list[tuple[int, str, list[str]]] = [(record["author_id"], "", [])]
        entries.append((user_id, COMMENTS[n % len(COMMENTS)], DETAILS if n % 2 == 0 else []))
        if n == 1:
            entries.append((user_id, f"{MENTION} please look at {MARKUP_CLICK} {OSC_52}", []))
        for version, (author, notes, details) in enumerate(entries, start=1):
            at = _stamp(made + dt.timedelta(days=version - 1), 9 + version)
            store.insert(
                "journals",
                {
                    "id": journal_id,
                    "work_package_id": record["id"],
                    "user_id": author,
                    "version": version,
                    "notes": notes,
                    "details": list(details),
                    "internal": False,
                    "createdAt": at,
                    "updatedAt": at,
                },
            )
            if MENTION in notes:
                mention_journal = journal_id
            journal_id += 1
    mentioned = records[1]
    moment = _stamp(today, 16, 55)  # newer than every notification of the normal seed
    store.insert(
        "notifications",
        {
            "id": store.next_id("notifications"),
            "user_id": DEMO_USER,
            "reason": "mentioned",
            "read": False,
            "work_package_id": mentioned["id"],
            "project_id": project_id,
            "actor_id": user_id,
            "journal_id": mention_journal,
            "details": [],
            "createdAt": moment,
            "updatedAt": moment,
        },
    )
    entry_id = store.next_id("time_entries")
    for n, comment in enumerate(TIME_COMMENTS):
        record = records[n * 4]
        at = _stamp(today, 11 + n)
        store.insert(
            "time_entries",
            {
                "id": entry_id + n,
                "user_id": DEMO_USER,
                "project_id": project_id,
                "work_package_id": record["id"],
                "activity_id": 3,
                "hours": 1.5,
                "spentOn": today.isoformat(),
                "comment": comment,
                "ongoing": False,
                "createdAt": at,
                "updatedAt": at,
            },
        )
    store.insert(
        "watchers",
        {"id": store.next_id("watchers"), "work_package_id": records[0]["id"], "user_id": user_id},
    )
