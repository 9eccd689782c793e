"""The cache layer: disk persistence and permissions, warm start offline, identity map, TTLs."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from optui.api import ApiCache, Credentials, OpenProjectClient, ServerUnreachable, Services
from optui.api.disk_cache import DiskCache
from optui.demo import DemoServer, start_demo_server
from tests.conftest import TODAY, demo_client


def services_for(demo: DemoServer, disk: DiskCache | None) -> Services:
    return Services(OpenProjectClient(demo.url, Credentials(demo.api_key)), ApiCache(disk))


async def test_disk_cache_files_are_private_and_hold_no_key(
    demo: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "cache" / "demo" / "cache.sqlite3"
    services = services_for(demo, DiskCache(path, server_url="demo"))
    await services.projects()
    await services.me()
    assert services.cache.disk is not None
    services.cache.disk.flush()
    await services.aclose()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache.sqlite3"]  # no journal
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert b"Demo project" in content
    assert demo.api_key.encode() not in content


async def test_warm_start_paints_from_disk_when_the_server_is_gone(
    demo: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "cache.sqlite3"
    first = services_for(demo, DiskCache(path, server_url="demo"))
    before = time.time()
    await first.projects()
    await first.aclose()  # closing flushes the disk thread
    demo.stop()
    second = services_for(demo, DiskCache(path, server_url="demo"))
    stream = second.stream_projects()
    snapshot = await anext(stream)
    assert snapshot.stale
    assert snapshot.saved_at >= before - 1
    assert {p.identifier for p in snapshot.value} >= {"demo-project", "your-scrum-project"}
    assert second.client.requests_made == 0  # painted before any request
    offline = await anext(stream)  # the server is gone: the last known data, still stale
    assert offline.stale and offline.value == snapshot.value
    assert second.client.reachable is False
    await second.aclose()


async def test_without_cached_data_unreachable_is_an_error(demo: DemoServer) -> None:
    services = services_for(demo, None)
    demo.stop()
    with pytest.raises(ServerUnreachable):
        await services.projects()
    await services.aclose()


async def test_another_server_throws_the_disk_cache_away(demo: DemoServer, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    first = services_for(demo, DiskCache(path, server_url="https://a.example.com"))
    await first.projects()
    await first.aclose()
    other = services_for(demo, DiskCache(path, server_url="https://b.example.com"))
    assert await other.cache.read(ApiCache.key("/api/v3/projects", {"filters": []})) is None
    await other.aclose()


async def test_revisit_within_the_ttl_makes_no_request(demo: DemoServer) -> None:
    services = services_for(demo, None)
    await services.projects()
    made = services.client.requests_made
    snapshots = [s async for s in services.stream_projects()]
    assert [s.stale for s in snapshots] == [False]
    assert services.client.requests_made == made
    await services.projects(force=True)
    assert services.client.requests_made == made + 1
    await services.aclose()


def test_identity_map_keeps_one_copy_and_the_newest_wins() -> None:
    cache = ApiCache()
    wp = {
        "_type": "WorkPackage",
        "id": 7,
        "lockVersion": 3,
        "subject": "Old",
        "_links": {"self": {"href": "/api/v3/work_packages/7"}},
    }
    page = {
        "_type": "WorkPackageCollection",
        "total": 1,
        "_embedded": {"elements": [wp]},
        "_links": {"self": {"href": "/api/v3/work_packages"}},
    }
    seen: list[frozenset[str]] = []
    cache.subscribe(seen.append)
    cache.put("/api/v3/work_packages", page)
    newer = {**wp, "lockVersion": 4, "subject": "New"}
    cache.put_resource(newer)
    entry = cache.peek("/api/v3/work_packages")
    assert entry is not None
    assert entry.value["_embedded"]["elements"][0]["subject"] == "New"
    assert "/api/v3/work_packages/7" in seen[-1]
    cache.put_resource({**wp, "lockVersion": 2, "subject": "Older"})  # a late, older copy
    entry = cache.peek("/api/v3/work_packages")
    assert entry is not None and entry.value["_embedded"]["elements"][0]["subject"] == "New"


def test_partial_responses_stay_out_of_the_identity_map() -> None:
    cache = ApiCache()
    partial = {
        "_type": "WorkPackageCollection",
        "_embedded": {
            "elements": [
                {
                    "_type": "WorkPackage",
                    "id": 7,
                    "_links": {"self": {"href": "/api/v3/work_packages/7"}},
                }
            ]
        },
    }
    cache.put("/api/v3/work_packages?select=elements/id", partial, partial=True)
    assert cache.resource("/api/v3/work_packages/7") is None


async def test_server_on_a_new_port_still_hits_the_cache(tmp_path: Path) -> None:
    """Keys are server-relative: the demo restarting on another port keeps its cache."""
    data = tmp_path / "data"
    path = tmp_path / "cache.sqlite3"
    server = start_demo_server(data, today=TODAY)
    first = services_for(server, DiskCache(path, server_url="demo"))
    await first.projects()
    await first.aclose()
    server.stop()
    again = start_demo_server(data, today=TODAY)
    try:
        second = services_for(again, DiskCache(path, server_url="demo"))
        snapshot = await anext(second.stream_projects())
        assert snapshot.stale and snapshot.value
        await second.aclose()
    finally:
        again.stop()


async def test_a_write_updates_the_identity_map_and_marks_lists_stale(demo: DemoServer) -> None:
    services = services_for(demo, None)
    cache = services.cache
    list_key = ApiCache.key("/api/v3/work_packages", {"filters": []})

    async def fetch_list() -> object:
        return (
            await services.client.get("/api/v3/work_packages", {"filters": [], "pageSize": 50})
        ).data

    await cache.get(list_key, fetch_list)
    await services.projects()
    projects_key = ApiCache.key("/api/v3/projects", {"filters": []})
    entry = cache.peek(list_key)
    assert entry is not None and cache.is_fresh(entry, 30)
    first = entry.value["_embedded"]["elements"][0]
    href, lock = first["_links"]["self"]["href"], first["lockVersion"]
    seen: list[frozenset[str]] = []
    cache.subscribe(seen.append)

    answer = await services.update_work_package(href, lock, {"subject": "Renamed by a test"})
    assert answer.integer("lockVersion") == lock + 1
    entry = cache.peek(list_key)
    assert entry is not None
    assert entry.value["_embedded"]["elements"][0]["subject"] == "Renamed by a test"
    assert not cache.is_fresh(entry, 30)  # the list is revalidated when shown again
    assert any(href in keys for keys in seen)
    unrelated = cache.peek(projects_key)
    assert unrelated is not None and cache.is_fresh(unrelated, 30)  # left alone
    await services.aclose()


async def test_incremental_refresh_asks_only_for_changes(demo: DemoServer) -> None:
    services = services_for(demo, None)
    scrum = [{"project": {"operator": "=", "values": ["2"]}}]
    before = await services.work_packages(scrum)
    target = before[0]
    with demo_client(demo) as other:  # someone else edits one of them
        answer = other.patch(
            target.self_href or "",
            json={"lockVersion": target.integer("lockVersion"), "subject": "Changed elsewhere"},
        )
        assert answer.status_code == 200, answer.text
    made = services.client.requests_made
    after = await services.refresh_work_packages(scrum)
    assert services.client.requests_made - made == 2  # the changes, and the count
    assert len(after) == len(before)
    changed = {r.self_href: r.text("subject") for r in after}
    assert changed[target.self_href] == "Changed elsewhere"
    await services.aclose()


async def test_a_deletion_makes_the_incremental_refresh_fall_back(demo: DemoServer) -> None:
    services = services_for(demo, None)
    scrum = [{"project": {"operator": "=", "values": ["2"]}}]
    before = await services.work_packages(scrum)
    gone = before[-1].self_href or ""
    with demo_client(demo) as other:
        assert other.delete(gone, headers={"Content-Type": "application/json"}).status_code == 204
    made = services.client.requests_made
    after = await services.refresh_work_packages(scrum)
    assert services.client.requests_made - made == 3  # changes, count, then the full list
    assert gone not in {r.self_href for r in after}
    assert len(after) < len(before)
    await services.aclose()


def test_embedded_resources_feed_the_identity_map() -> None:
    cache = ApiCache()
    status = {
        "_type": "Status",
        "id": 7,
        "name": "In progress",
        "_links": {"self": {"href": "/api/v3/statuses/7"}},
    }
    notification = {
        "_type": "Notification",
        "id": 1,
        "_links": {"self": {"href": "/api/v3/notifications/1"}},
        "_embedded": {
            "resource": {
                "_type": "WorkPackage",
                "id": 9,
                "lockVersion": 2,
                "subject": "Embedded",
                "_links": {"self": {"href": "/api/v3/work_packages/9"}},
                "_embedded": {"status": status},
            }
        },
    }
    cache.put(
        "/api/v3/notifications", {"_type": "Collection", "_embedded": {"elements": [notification]}}
    )
    assert cache.resource("/api/v3/work_packages/9") is not None
    assert cache.resource("/api/v3/statuses/7") == status
    form = {
        "_type": "Form",
        "_embedded": {
            "schema": {
                "_type": "Schema",
                "_links": {"self": {"href": "/api/v3/work_packages/schemas/1-1"}},
            }
        },
    }
    cache.put("/api/v3/work_packages/9/form", form)
    assert cache.resource("/api/v3/work_packages/schemas/1-1") is None
