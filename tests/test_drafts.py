"""Drafts on disk: round trips, permissions, atomic writes, corrupt files, ordering, safe keys."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest

from optui import drafts, paths
from optui.drafts import Draft, DraftStore, Value, check_key, edit_key, new_key

NOW = 1_790_000_000.0
"""A fixed `time.time()` to count ages from."""

HREF = "/api/v3/work_packages/42"
PROJECT = "/api/v3/projects/demo-project"


def make_draft(
    key: str = "work_package-42",
    *,
    saved_at: float | None = None,
    changes: dict[str, Value] | None = None,
    resource_href: str | None = HREF,
    project_href: str | None = None,
) -> Draft:
    return Draft(
        key=key,
        resource_href=resource_href,
        project_href=project_href,
        base_lock_version=3,
        base={"subject": "Write the docs"},
        changes={"subject": "Write the docs!"} if changes is None else changes,
        saved_at=time.time() if saved_at is None else saved_at,
        title="Write the docs",
    )


def new_draft(project_href: str | None, saved_at: float) -> Draft:
    key = new_key(project_href or "none")
    return make_draft(key, saved_at=saved_at, resource_href=None, project_href=project_href)


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "state" / "drafts")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# round trip


def test_every_kind_of_value_survives_a_round_trip(store: DraftStore) -> None:
    values: dict[str, Value] = {
        "subject": 'Über-Straße 🚀 "quoted" \\ back\x1b[31m',
        "description": "line one\nline two\r\n\ttabbed\n",
        "lone_surrogate": "a\udc80b",
        "empty": "",
        "estimatedTime": 12,
        "big": 2**63 + 1,
        "percentageDone": 0.5,
        "whole_float": 1.0,
        "negative": -0.25,
        "scheduleManually": True,
        "flag_off": False,
        "dueDate": None,
        "watchers": ["/api/v3/users/1", "/api/v3/users/ü 2"],
        "no_watchers": [],
    }
    draft = Draft(
        key="work_package-42",
        resource_href=HREF,
        project_href=None,
        base_lock_version=7,
        base={"subject": "Old", "estimatedTime": None},
        changes=values,
        saved_at=NOW + 0.125,
        title="Über 🚀",
    )
    store.save(draft)
    loaded = store.load("work_package-42")
    assert loaded == draft
    assert loaded is not None
    # bool stays bool and a whole float stays a float: 1 == True == 1.0 would hide a mix-up
    assert [type(loaded.changes[name]) for name in values] == [type(v) for v in values.values()]


def test_a_new_work_package_draft_round_trips(store: DraftStore) -> None:
    draft = Draft(
        key=new_key(PROJECT),
        resource_href=None,
        project_href=PROJECT,
        base_lock_version=None,
        base={},
        changes={"subject": "New"},
        saved_at=NOW,
    )
    store.save(draft)
    assert store.load(draft.key) == draft
    assert store.load(draft.key) is not draft


def test_saving_again_replaces_the_draft(store: DraftStore) -> None:
    store.save(make_draft(saved_at=NOW, changes={"subject": "one"}))
    store.save(make_draft(saved_at=NOW + 1, changes={"subject": "two"}))
    loaded = store.load("work_package-42")
    assert loaded is not None and loaded.changes == {"subject": "two"}


def test_a_value_that_is_not_a_form_value_is_refused_before_writing(store: DraftStore) -> None:
    bad: dict[str, Any] = {"_links": {"assignee": {"href": "/api/v3/users/1"}}}
    with pytest.raises(TypeError):
        store.save(make_draft(changes=bad))
    with pytest.raises(TypeError):
        store.save(make_draft(changes={"watchers": [1, 2]}))  # type: ignore[list-item]  # on purpose
    assert not store.root.exists() or list(store.root.iterdir()) == []


# permissions and atomic writes


def test_files_are_0600_in_a_0700_directory_without_temp_files(store: DraftStore) -> None:
    assert not store.root.exists()  # nothing is created before the first save
    store.save(make_draft())
    assert mode(store.root) == 0o700
    assert mode(store.root.parent) == 0o700  # created by us, so private too
    assert mode(store.root / "work_package-42.json") == 0o600
    store.save(make_draft(changes={"subject": "again"}))
    assert [p.name for p in store.root.iterdir()] == ["work_package-42.json"]


def test_a_wider_drafts_directory_is_tightened(store: DraftStore) -> None:
    store.root.mkdir(parents=True, mode=0o755)
    os.chmod(store.root, 0o755)
    store.save(make_draft())
    assert mode(store.root) == 0o700


def test_a_save_that_fails_midway_leaves_the_old_draft(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(make_draft(saved_at=NOW, changes={"subject": "kept"}))

    def half_written(obj: object, handle: IO[str], **kwargs: object) -> None:
        handle.write('{"key": "work_package-42", "chan')
        handle.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", half_written)
    with pytest.raises(OSError, match="No space"):
        store.save(make_draft(saved_at=NOW + 1, changes={"subject": "lost"}))
    monkeypatch.undo()

    loaded = store.load("work_package-42")
    assert loaded is not None and loaded.changes == {"subject": "kept"}
    assert [p.name for p in store.root.iterdir()] == ["work_package-42.json"]


def test_a_failed_first_save_leaves_nothing(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(obj: object, handle: IO[str], **kwargs: object) -> None:
        handle.write("{")
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save(make_draft())
    assert list(store.root.iterdir()) == []
    assert store.load("work_package-42") is None


# late and concurrent saves


def test_an_older_save_never_replaces_a_newer_one(store: DraftStore) -> None:
    store.save(make_draft(saved_at=NOW + 5, changes={"subject": "newer"}))
    store.save(make_draft(saved_at=NOW, changes={"subject": "older"}))
    loaded = store.load("work_package-42")
    assert loaded is not None and loaded.changes == {"subject": "newer"}


def test_a_late_save_does_not_bring_back_a_deleted_draft(store: DraftStore) -> None:
    typed = time.time()  # the keystroke whose save is still in flight
    store.delete("work_package-42")  # the commit succeeded meanwhile
    store.save(make_draft(saved_at=typed - 1))
    assert store.load("work_package-42") is None
    store.save(make_draft(saved_at=time.time() + 1))  # the user types again later
    assert store.load("work_package-42") is not None


def test_concurrent_saves_keep_the_newest(store: DraftStore) -> None:
    start = threading.Barrier(16)

    def save(n: int) -> None:
        start.wait()
        for step in range(5):
            stamp = NOW + n * 5 + step
            store.save(make_draft(saved_at=stamp, changes={"subject": str(stamp)}))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    loaded = store.load("work_package-42")
    newest = NOW + 15 * 5 + 4
    assert loaded is not None and loaded.saved_at == newest
    assert loaded.changes == {"subject": str(newest)}
    assert [p.name for p in store.root.iterdir()] == ["work_package-42.json"]


# missing and corrupt files


def test_missing_drafts_read_as_none_and_delete_is_quiet(store: DraftStore) -> None:
    assert store.load("work_package-42") is None
    store.delete("work_package-42")
    assert not store.root.exists()
    store.save(make_draft())
    store.delete("work_package-42")
    store.delete("work_package-42")
    assert store.load("work_package-42") is None
    assert list(store.root.iterdir()) == []


def valid_file_text() -> dict[str, Any]:
    return {
        "format": 1,
        "key": "work_package-42",
        "resource_href": HREF,
        "project_href": None,
        "base_lock_version": 1,
        "base": {},
        "changes": {"subject": "x"},
        "saved_at": NOW,
        "title": "",
    }


def broken(**fields: object) -> bytes:
    return json.dumps({**valid_file_text(), **fields}).encode()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b'{"key": "work_package-42", "chan', id="truncated"),
        pytest.param(b"\xff\xfe not utf-8", id="not-utf8"),
        pytest.param(b"[1, 2]", id="a-list"),
        pytest.param(b"[" * 100_000, id="deeply-nested"),
        pytest.param(broken(saved_at="yesterday"), id="saved-at-text"),
        pytest.param(broken(saved_at=True), id="saved-at-bool"),
        pytest.param(broken(base_lock_version="3"), id="lock-version-text"),
        pytest.param(broken(changes={"watchers": [1]}), id="list-of-numbers"),
        pytest.param(broken(changes={"_links": {"a": 1}}), id="nested-object"),
        pytest.param(broken(changes=["subject"]), id="changes-list"),
        pytest.param(broken(base=None), id="no-base"),
        pytest.param(broken(resource_href=42), id="href-number"),
        pytest.param(broken(title=None), id="title-null"),
    ],
)
def test_a_corrupt_file_is_moved_aside_and_reads_as_missing(
    store: DraftStore, content: bytes
) -> None:
    store.root.mkdir(parents=True)
    (store.root / "work_package-42.json").write_bytes(content)
    assert store.load("work_package-42") is None
    assert [p.name for p in store.root.iterdir()] == ["work_package-42.json.corrupt"]
    assert (store.root / "work_package-42.json.corrupt").read_bytes() == content
    assert store.all() == []


def test_a_draft_saved_while_a_corrupt_one_is_read_is_not_moved_aside(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.root.mkdir(parents=True)
    (store.root / "work_package-42.json").write_bytes(b"garbage")
    decode = json.loads

    def save_meanwhile(raw: bytes) -> object:
        store.save(make_draft(saved_at=NOW, changes={"subject": "fresh"}))
        return decode(raw)

    monkeypatch.setattr(json, "loads", save_meanwhile)
    assert store.load("work_package-42") is None  # what it read was corrupt
    monkeypatch.undo()
    loaded = store.load("work_package-42")
    assert loaded is not None and loaded.changes == {"subject": "fresh"}
    assert not (store.root / "work_package-42.json.corrupt").exists()


def test_a_second_corrupt_file_does_not_overwrite_the_first(store: DraftStore) -> None:
    store.root.mkdir(parents=True)
    for content in (b"first", b"second"):
        (store.root / "work_package-42.json").write_bytes(content)
        assert store.load("work_package-42") is None
    assert (store.root / "work_package-42.json.corrupt").read_bytes() == b"first"
    assert (store.root / "work_package-42.json.corrupt-2").read_bytes() == b"second"


def test_a_file_from_a_newer_version_with_extra_fields_still_loads(store: DraftStore) -> None:
    store.root.mkdir(parents=True)
    text = json.dumps({**valid_file_text(), "format": 2, "links": {"a": "b"}})
    (store.root / "work_package-42.json").write_text(text, encoding="utf-8")
    loaded = store.load("work_package-42")
    assert loaded is not None and loaded.changes == {"subject": "x"}


def test_drafts_are_listed_but_stray_files_are_not(store: DraftStore) -> None:
    store.save(make_draft(saved_at=NOW))
    (store.root / "notes.txt").write_text("hello", encoding="utf-8")
    (store.root / "odd name.json").write_text("{}", encoding="utf-8")  # not a key: left alone
    (store.root / ".work_package-42.0123.tmp").write_text("{", encoding="utf-8")
    assert [draft.key for draft in store.all()] == ["work_package-42"]
    assert (store.root / "odd name.json").exists()


# finding drafts


def test_for_resource_finds_the_draft_of_that_work_package_only(store: DraftStore) -> None:
    store.save(make_draft())
    found = store.for_resource(HREF)
    assert found is not None and found.resource_href == HREF
    assert store.for_resource("https://op.example.com/api/v3/work_packages/42") == found
    assert store.for_resource("/api/v3/work_packages/4") is None
    assert store.for_resource("/api/v3/work_packages/420") is None


def test_new_drafts_are_those_of_the_project_newest_first(store: DraftStore) -> None:
    older = new_draft(PROJECT, NOW - 100)
    newer = new_draft(PROJECT, NOW)
    numeric = new_draft("/api/v3/projects/3", NOW + 10)
    similar = new_draft("/api/v3/projects/demo", NOW + 20)  # its keys start like "new-demo-"
    nowhere = new_draft(None, NOW + 30)
    for draft in (older, similar, newer, numeric, nowhere):
        store.save(draft)
    store.save(make_draft(saved_at=NOW + 40))
    assert store.new_drafts(PROJECT) == [newer, older]
    assert store.new_drafts("https://op.example.com/api/v3/projects/demo-project/") == [
        newer,
        older,
    ]
    assert store.new_drafts("/api/v3/projects/demo") == [similar]
    assert store.new_drafts("none") == [nowhere]
    assert store.new_drafts("/api/v3/projects/other") == []


def test_all_lists_every_draft_newest_first(store: DraftStore) -> None:
    assert store.all() == []
    assert not store.root.exists()  # listing creates nothing
    first = new_draft(PROJECT, NOW - 3600)
    second = make_draft(
        "work_package-7", saved_at=NOW - 60, resource_href="/api/v3/work_packages/7"
    )
    third = make_draft(saved_at=NOW)
    for draft in (second, third, first):
        store.save(draft)
    assert store.all() == [third, second, first]
    store.delete(second.key)
    assert store.all() == [third, first]


# ages


@pytest.mark.parametrize(
    ("seconds_ago", "text"),
    [
        (-30, "just now"),  # a clock that went backwards
        (0, "just now"),
        (59.9, "just now"),
        (60, "1 min ago"),
        (3 * 60 + 59, "3 min ago"),
        (59 * 60 + 59, "59 min ago"),
        (3600, "1 h ago"),
        (2 * 3600 + 1, "2 h ago"),
        (23 * 3600 + 3599, "23 h ago"),
        (24 * 3600, "yesterday"),
        (47 * 3600, "yesterday"),
        (48 * 3600, "2 days ago"),
        (4 * 86400 + 5, "4 days ago"),
        (400 * 86400, "400 days ago"),
    ],
)
def test_age_text(seconds_ago: float, text: str) -> None:
    assert make_draft(saved_at=NOW - seconds_ago).age_text(now=NOW) == text


def test_age_text_counts_from_the_clock_by_default() -> None:
    assert make_draft(saved_at=time.time() - 125).age_text() == "2 min ago"


# keys


@pytest.mark.parametrize(
    ("href", "key"),
    [
        ("/api/v3/work_packages/42", "work_package-42"),
        ("/api/v3/work_packages/42/", "work_package-42"),
        ("https://op.example.com/api/v3/work_packages/42", "work_package-42"),
        ("https://op.example.com/sub/api/v3/work_packages/42?x=1#top", "work_package-42"),
        ("/api/v3/time_entries/5", "time_entry-5"),
        ("/api/v3/projects/demo-project", "project-demo-project"),
    ],
)
def test_edit_key(href: str, key: str) -> None:
    assert edit_key(href) == key


def test_new_keys_name_the_project_and_are_unique() -> None:
    key = new_key(PROJECT)
    assert re.fullmatch(r"new-demo-project-[0-9a-f]{32}", key)
    assert re.fullmatch(r"new-3-[0-9a-f]{32}", new_key("https://x.example/api/v3/projects/3"))
    assert new_key(PROJECT) != key


HOSTILE = [
    "/api/v3/work_packages/..",
    "/api/v3/work_packages/%2E%2E",
    "/api/v3/work_packages/..%2F..%2Fetc%2Fpasswd",
    "/api/v3/work_packages/a%2Fb",
    "/api/v3/work_packages/a%5Cb",
    "/api/v3/work_packages/.hidden",
    "/api/v3/work_packages/42%00",
    "/api/v3/work_packages/42%0A",
    "/api/v3/work_packages/" + "9" * 300,
    "/api/v3/../../work_packages/1",
    "/api/v3/wörk_packages/1",
    "..",
    "/",
]


@pytest.mark.parametrize("href", HOSTILE)
def test_keys_from_hostile_hrefs_are_safe_file_names(href: str, store: DraftStore) -> None:
    keys = [edit_key(href) if href != "/" else "", new_key(href)]
    for key in filter(None, keys):
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,200}", key)
        assert check_key(key) == key
        assert store.path(key).parent == store.root
    if href != "/":
        store.save(make_draft(edit_key(href), resource_href=href))
        assert store.for_resource(href) is not None
        assert [p.parent for p in store.root.iterdir()] == [store.root]


def test_sanitised_keys_do_not_collide() -> None:
    # percent-encoding is undone first: these two name the same (hostile) resource
    assert edit_key("/api/v3/work_packages/%2E%2E") == edit_key("/api/v3/work_packages/..")
    hrefs = [h for h in HOSTILE if h not in ("/", "/api/v3/work_packages/%2E%2E")] + [
        "/api/v3/work_packages/a_b",
        "/api/v3/work_packages/a%20b",
        "/api/v3/work_packages/" + "9" * 301,
    ]
    keys = [edit_key(href) for href in hrefs]
    assert len(set(keys)) == len(keys)


def test_an_href_without_a_path_has_no_edit_key() -> None:
    with pytest.raises(ValueError):
        edit_key("https://op.example.com/")
    assert new_key("").startswith("new-none-")


@pytest.mark.parametrize(
    "key",
    ["", ".", "..", "../x", "a/b", "a\\b", "/etc/passwd", ".hidden", "x.json", "a\n", "a b",
     "k" * 201, "wörk"],
)  # fmt: skip
def test_the_store_refuses_unsafe_keys(key: str, store: DraftStore) -> None:
    with pytest.raises(ValueError):
        store.save(make_draft(key))
    with pytest.raises(ValueError):
        store.load(key)
    with pytest.raises(ValueError):
        store.delete(key)
    assert not store.root.exists()


# profiles


def test_for_profile_lives_in_the_state_dir() -> None:
    store = DraftStore.for_profile("work")
    assert store.root == paths.state_dir() / "work" / "drafts"
    assert str(paths.state_dir()).startswith(os.environ["XDG_STATE_HOME"])  # hermetic
    store.save(make_draft())
    assert DraftStore.for_profile("work").for_resource(HREF) is not None
    assert DraftStore.for_profile("home").for_resource(HREF) is None
    assert mode(paths.state_dir() / "work") == 0o700


@pytest.mark.parametrize("profile", ["", ".", "..", "../x", "a/b", "/abs", "a\\b", "a\n", "p" * 65])
def test_for_profile_refuses_names_that_could_escape(profile: str) -> None:
    with pytest.raises(ValueError):
        DraftStore.for_profile(profile)


def test_the_write_guard_is_per_file(store: DraftStore, tmp_path: Path) -> None:
    other = DraftStore(tmp_path / "other")
    store.save(make_draft(saved_at=NOW + 10))
    other.save(make_draft(saved_at=NOW))  # another profile's older draft is still written
    assert other.load("work_package-42") is not None
    assert drafts.FORMAT == 1
