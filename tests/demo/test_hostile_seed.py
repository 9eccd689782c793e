"""The `hostile` seed: everything of `normal`, plus a project whose text is adversarial, stored
in SQLite and served by the API byte for byte (a client must make it safe, not the server)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from optui.cli import build_parser
from optui.demo import DB_FILE, DemoServer, start_demo_server
from optui.demo import seed_hostile as hostile
from optui.demo.seed import SIZES, seed
from optui.demo.store import Store
from tests.conftest import TODAY, read_json

API = "/api/v3"
FIRST_ID = 251
"""The normal seed has 250 work packages; the hostile ones follow in the order of the seed."""
COUNT = len(hostile.WORK_PACKAGES)
MENTION_COMMENT = f"{hostile.MENTION} please look at {hostile.MARKUP_CLICK} {hostile.OSC_52}"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    """A demo server seeded "hostile" (same pattern as the shared `demo` fixture)."""
    server = start_demo_server(tmp_path / "demo-data", today=TODAY, seed_size="hostile")
    try:
        yield server
    finally:
        server.stop()


def expected_description(index: int) -> str:
    subject = hostile.WORK_PACKAGES[index][0]
    if subject == hostile.HUGE_SUBJECT:
        return hostile.huge_description()
    return hostile.hostile_markdown(f"Work package {index + 1}")


def same(got: Any, wanted: str) -> None:
    """Equal as UTF-8 bytes (so also as code points): nothing dropped, added or normalised."""
    assert isinstance(got, str)
    assert got.encode("utf-8") == wanted.encode("utf-8")


def hostile_project(demo: DemoServer) -> dict[str, Any]:
    projects = read_json(demo, f"{API}/projects", pageSize=100)["_embedded"]["elements"]
    (found,) = [p for p in projects if p["identifier"] == hostile.PROJECT_IDENTIFIER]
    return dict(found)


# the seed itself


def stores(size: str) -> Store:
    store = Store(None)
    seed(store, TODAY, size)
    return store


def test_hostile_adds_to_normal_and_changes_none_of_it() -> None:
    normal, adversarial = stores("normal"), stores("hostile")
    for kind in normal._tables:
        for record in normal.all(kind):
            assert adversarial.get(kind, record["id"]) == record, (kind, record["id"])
    added = {kind: adversarial.count(kind) - normal.count(kind) for kind in adversarial._tables}
    assert added["projects"] == 1 and added["users"] == 1
    assert added["work_packages"] == COUNT == 12
    assert added["versions"] == added["categories"] == added["notifications"] == 1
    assert added["journals"] == 2 * COUNT + 1  # creation, a comment each, and a mention
    assert normal.meta("seed_size") == "normal" and adversarial.meta("seed_size") == "hostile"


def test_sizes_and_the_command_line_agree() -> None:
    assert SIZES == ("normal", "large", "hostile")
    for size in SIZES:  # the command line's choices are kept by hand (no import at start-up)
        args = build_parser().parse_args(["demo-server", "--seed-size", size])
        assert args.seed_size == size
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo-server", "--seed-size", "evil"])
    with pytest.raises(ValueError, match="hostile"):
        seed(Store(None), TODAY, "evil")


def test_the_huge_description_is_one_mebibyte_of_markdown() -> None:
    text = hostile.huge_description()
    assert len(text) == hostile.MIB
    assert len(text.encode("utf-8")) >= hostile.MIB
    assert text.startswith(hostile.HUGE_START) and text.endswith(hostile.HUGE_END + "\n")
    assert text.count("\n\n") > 800  # many paragraphs
    assert text.count("\n| ") >= 5000  # a huge table
    assert "```python\n" in text and text.count("  # line ") == 6000  # a long code fence
    assert hostile.huge_description() == text  # the same on every call


def test_the_pieces_are_what_they_claim() -> None:
    assert len(hostile.LONG_LINE) == 5000 and " " not in hostile.LONG_LINE
    assert {chr(c) for c in range(9)} | {"\x7f", "\r", "\x1b"} == set(hostile.CONTROLS)
    assert "\u202e" in hostile.RTL and "\u200d" in hostile.EMOJI and "\U0001f3fd" in hostile.EMOJI
    assert "\u200b" in hostile.ZERO_WIDTH and "\ufeff" in hostile.ZERO_WIDTH
    assert "\u0301" in hostile.COMBINING
    assert hostile.OSC_52 == "\x1b]52;c;ZXZpbA==\x07"


# over HTTP


def test_the_project_is_there_and_the_demo_user_works_in_it(demo: DemoServer) -> None:
    project = hostile_project(demo)
    assert project["name"] == hostile.PROJECT_NAME
    same(project["description"]["raw"], hostile.PROJECT_DESCRIPTION)
    assert "createWorkPackage" in project["_links"]  # a member who may add work, as in Demo
    demo_project = read_json(demo, f"{API}/projects/1")
    assert set(demo_project["_links"]) == set(project["_links"])
    members = read_json(demo, f"{API}/projects/{project['id']}/available_assignees")
    names = {m["name"] for m in members["_embedded"]["elements"]}
    assert {"Demo User", hostile.USER_NAME} <= names


def test_work_packages_come_back_byte_for_byte(demo: DemoServer) -> None:
    project = hostile_project(demo)
    body = read_json(
        demo,
        f"{API}/projects/{project['id']}/work_packages",
        filters=[],
        sortBy=[["id", "asc"]],
        pageSize=100,
    )
    listed = body["_embedded"]["elements"]
    assert [wp["id"] for wp in listed] == list(range(FIRST_ID, FIRST_ID + COUNT))
    for index, (subject, _type, _status, _who, customer, criteria) in enumerate(
        hostile.WORK_PACKAGES
    ):
        single = read_json(demo, f"{API}/work_packages/{FIRST_ID + index}")
        for item in (listed[index], single):
            same(item["subject"], subject)
            same(item["description"]["raw"], expected_description(index))
            same(item["customField1"], customer)
            if criteria is not None:
                same(item["customField2"]["raw"], criteria)
            assert item["_links"]["self"]["title"] == subject


def test_the_huge_description_is_served_whole(demo: DemoServer) -> None:
    index = [s for s, *_ in hostile.WORK_PACKAGES].index(hostile.HUGE_SUBJECT)
    item = read_json(demo, f"{API}/work_packages/{FIRST_ID + index}")
    raw = item["description"]["raw"]
    assert len(raw) == hostile.MIB
    same(raw, hostile.huge_description())
    assert hostile.HUGE_END in item["description"]["html"]


def test_names_of_people_versions_and_categories(demo: DemoServer) -> None:
    project = hostile_project(demo)
    first = read_json(demo, f"{API}/work_packages/{FIRST_ID}")
    same(first["_links"]["assignee"]["title"], hostile.USER_NAME)
    same(first["_embedded"]["assignee"]["firstName"], hostile.USER_FIRST_NAME)
    same(first["_embedded"]["assignee"]["lastName"], hostile.USER_LAST_NAME)
    same(first["_links"]["version"]["title"], hostile.VERSION_NAME)
    same(first["_links"]["category"]["title"], hostile.CATEGORY_NAME)
    versions = read_json(demo, f"{API}/projects/{project['id']}/versions")
    assert [v["name"] for v in versions["_embedded"]["elements"]] == [hostile.VERSION_NAME]
    categories = read_json(demo, f"{API}/projects/{project['id']}/categories")
    assert [c["name"] for c in categories["_embedded"]["elements"]] == [hostile.CATEGORY_NAME]


def test_comments_and_change_lines_come_back_byte_for_byte(demo: DemoServer) -> None:
    for index in range(COUNT):
        body = read_json(demo, f"{API}/work_packages/{FIRST_ID + index}/activities")
        activities = body["_embedded"]["elements"]
        comments = [a["comment"]["raw"] for a in activities if a["comment"]["raw"]]
        wanted = [hostile.COMMENTS[index % len(hostile.COMMENTS)]]
        if index == 1:
            wanted.append(MENTION_COMMENT)
        assert len(comments) == len(wanted)
        for got, text in zip(comments, wanted, strict=True):
            same(got, text)
        details = [d["raw"] for a in activities for d in a["details"]]
        assert details == (hostile.DETAILS if index % 2 == 0 else [])
        authors = {a["_links"]["user"]["title"] for a in activities if a["comment"]["raw"]}
        assert authors == {hostile.USER_NAME}


def test_the_demo_user_is_notified_of_the_mention(demo: DemoServer) -> None:
    body = read_json(
        demo,
        f"{API}/notifications",
        filters=[{"readIAN": {"operator": "=", "values": ["f"]}}],
        sortBy=[["createdAt", "desc"]],
        pageSize=1,
    )
    newest = body["_embedded"]["elements"][0]
    assert newest["reason"] == "mentioned"
    same(newest["_links"]["resource"]["title"], hostile.WORK_PACKAGES[1][0])
    assert newest["_links"]["resource"]["href"] == f"{API}/work_packages/{FIRST_ID + 1}"
    same(newest["_links"]["actor"]["title"], hostile.USER_NAME)
    activity = read_json(demo, newest["_links"]["activity"]["href"])
    same(activity["comment"]["raw"], MENTION_COMMENT)


def test_time_entries_carry_hostile_comments(demo: DemoServer) -> None:
    project = hostile_project(demo)
    body = read_json(
        demo,
        f"{API}/time_entries",
        filters=[{"project": {"operator": "=", "values": [str(project["id"])]}}],
        pageSize=100,
    )
    comments = [e["comment"]["raw"] for e in body["_embedded"]["elements"]]
    assert comments == hostile.TIME_COMMENTS


def test_sqlite_holds_the_strings_verbatim(demo: DemoServer) -> None:
    assert demo.data_dir is not None
    with sqlite3.connect(demo.data_dir / DB_FILE) as db:
        rows = db.execute(
            "SELECT id, data FROM records WHERE kind = 'work_packages' AND id >= ? ORDER BY id",
            (FIRST_ID,),
        ).fetchall()
        (user,) = db.execute(
            "SELECT data FROM records WHERE kind = 'users' AND data LIKE '%mallory%'"
        ).fetchall()
    db.close()
    assert [row[0] for row in rows] == list(range(FIRST_ID, FIRST_ID + COUNT))
    for index, (_id, data) in enumerate(rows):
        record = json.loads(data)  # JSON text: control characters are \u escapes in the file
        same(record["subject"], hostile.WORK_PACKAGES[index][0])
        same(record["description"], expected_description(index))
    assert json.loads(user[0])["firstName"] == hostile.USER_FIRST_NAME
