"""What start-up needs and what it defers: the disk preload of My work, and httpx (imported and
its client built in a thread on the first request, not before the first paint)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from optui.api import ApiCache, ApiError, Credentials, OpenProjectClient, Services
from optui.api.browsing import MY_ASSIGNED, MY_WATCHED, UNREAD_PARAMS, WORK_PACKAGES_PATH
from optui.api.disk_cache import DiskCache


def _wp(number: int) -> dict[str, object]:
    return {
        "_type": "WorkPackage",
        "id": number,
        "subject": f"Task {number}",
        "lockVersion": 0,
        "_links": {"self": {"href": f"/api/v3/work_packages/{number}"}},
    }


def _fill(path: Path) -> None:
    disk = DiskCache(path, server_url="http://op.test")
    disk.write(ApiCache.key(WORK_PACKAGES_PATH, {"filters": MY_ASSIGNED}), [_wp(1), _wp(2)], 100.0)
    disk.write(ApiCache.key(WORK_PACKAGES_PATH, {"filters": MY_WATCHED}), [_wp(2), _wp(3)], 100.0)
    disk.write(
        ApiCache.key("/api/v3/notifications", UNREAD_PARAMS), {"_type": "x", "total": 4}, 100.0
    )
    disk.flush()
    disk.close()


async def test_my_work_is_read_from_disk_before_anyone_asks(tmp_path: Path) -> None:
    _fill(tmp_path / "cache.sqlite3")
    client = OpenProjectClient("http://op.test", Credentials("k"))
    services = Services(
        client, ApiCache(DiskCache(tmp_path / "cache.sqlite3", server_url="http://op.test"))
    )
    assert services.peek_my_work() is None  # nothing asked for yet, nothing waited for
    services.preload_my_work()
    await services.my_work_preloaded(at_most=10)
    mine = services.peek_my_work()  # no waiting now: the reads are done
    assert mine is not None
    assert [wp.id for wp in mine.assigned] == [1, 2]
    assert [wp.id for wp in mine.watched] == [3]  # assigned ones are not listed twice
    assert mine.unread == 4
    assert client.requests_made == 0
    # taken once from the preload; later reads come from memory
    again = await services.cached_my_work()
    assert again is not None and [wp.id for wp in again.assigned] == [1, 2]
    await services.aclose()


async def test_an_empty_disk_cache_gives_nothing_to_paint(tmp_path: Path) -> None:
    client = OpenProjectClient("http://op.test", Credentials("k"))
    services = Services(client, ApiCache(DiskCache(tmp_path / "c.sqlite3", server_url="x")))
    services.preload_my_work()
    await services.my_work_preloaded(at_most=10)
    assert services.peek_my_work() is None
    assert await services.cached_my_work() is None
    await services.aclose()


async def test_a_slow_disk_is_waited_for_only_as_long_as_asked(tmp_path: Path) -> None:
    disk = DiskCache(tmp_path / "c.sqlite3", server_url="x")
    gate = disk._submit(lambda connection: time.sleep(1.0))  # the disk thread is busy
    disk.preload(["a"])
    start = time.monotonic()
    await disk.preload_done(["a"], at_most=0.05)
    assert time.monotonic() - start < 0.9
    assert disk.preloaded("a") == (False, None)
    gate.result(5)
    assert await disk.read("a") is None  # the preload was not lost to the short wait
    disk.close()


async def test_a_client_that_cannot_be_built_says_so_and_tries_again(tmp_path: Path) -> None:
    client = OpenProjectClient(
        "https://op.test", Credentials("k"), verify=str(tmp_path / "missing-ca.pem")
    )
    for _ in range(2):  # the second request builds again instead of keeping the failure
        with pytest.raises(ApiError, match="Cannot set up the connection to the server"):
            await client.get("/api/v3")
    assert client.in_flight == 0
    await client.aclose()


def test_start_up_does_not_import_httpx() -> None:
    """Everything the first frame needs is imported and built without httpx."""
    code = (
        "import sys\n"
        "import optui.cli, optui.ui.app\n"
        "from optui.connect import make_services\n"
        "from optui.ui.screens.my_work import MyWorkScreen\n"
        "services = make_services('http://127.0.0.1:9', 'key', profile='p')\n"
        "services.cache.disk.close()\n"
        "print('httpx' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


def _collection(elements: list[dict[str, object]]) -> dict[str, object]:
    return {
        "_type": "Collection",
        "total": len(elements),
        "count": len(elements),
        "pageSize": 1000,
        "offset": 1,
        "_embedded": {"elements": elements},
    }


async def test_my_work_sends_its_requests_together_and_survives_a_server_without_grids() -> None:
    import asyncio

    import httpx

    waiting: list[str] = []
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        waiting.append(request.url.path)
        if len(waiting) == 4:
            release.set()  # all four are on their way before any is answered
        await asyncio.wait_for(release.wait(), 5)
        if request.url.path.endswith("/grids"):
            return httpx.Response(403, json={"_type": "Error", "message": "Not allowed."})
        if request.url.path.endswith("/notifications"):
            return httpx.Response(200, json={**_collection([]), "total": 2})
        return httpx.Response(200, json=_collection([_wp(7)]))

    client = OpenProjectClient(
        "http://op.test", Credentials("k"), transport=httpx.MockTransport(handler)
    )
    services = Services(client, ApiCache())
    mine = await services.my_work()
    assert sorted(waiting) == sorted(
        ["/api/v3/work_packages", "/api/v3/work_packages", "/api/v3/notifications", "/api/v3/grids"]
    )
    assert [wp.id for wp in mine.assigned] == [7]
    assert mine.unread == 2
    assert mine.widgets == ()  # no My page layout: the default order
    await services.aclose()
