"""The API cache layer in numbers: fetch-all, coalescing, revisits, warm start from disk.

Starts its own demo servers (large seed for the fetch-all) and prints requests and times.
Usage: python bench/cache.py
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.api.disk_cache import DiskCache
from optui.demo import DemoServer, start_demo_server
from optui.demo.faults import Faults

WANTED = 1000


async def id_filter(client: OpenProjectClient) -> str:
    """A filter naming exactly 1,000 visible work packages of the large seed by id."""
    ids = await client.get(
        "/api/v3/work_packages",
        {
            "filters": [],
            "pageSize": WANTED,
            "select": "elements/id,total",
        },
    )
    values = [str(element.integer("id")) for element in ids.elements()]
    return json.dumps([{"id": {"operator": "=", "values": values}}])


async def fetch_all(server: DemoServer) -> None:
    async with OpenProjectClient(server.url, Credentials(server.api_key)) as client:
        params = {"filters": await id_filter(client)}
        first = await client.get_page("/api/v3/work_packages", params, page_size=1)
        total = first.integer("total")
        client.requests_made = 0  # the preparation above is not counted
        start = time.perf_counter()
        elements = await client.fetch_all("/api/v3/work_packages", params)
        optui_time = time.perf_counter() - start
        optui_requests = client.requests_made
    plain_requests = 0
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.url, auth=("apikey", server.api_key)) as plain:
        offset, seen = 1, 0
        while True:  # what a naive client does: the default page size, page after page
            answer = await plain.get(
                "/api/v3/work_packages", params={**params, "offset": str(offset)}
            )
            plain_requests += 1
            body = answer.json()
            seen += body["count"]
            if seen >= body["total"] or not body["count"]:
                break
            offset += 1
    plain_time = time.perf_counter() - start
    print(f"fetch-all of {len(elements)} work packages (total {total}):")
    print(f"  optui client: {optui_requests} requests, {optui_time * 1000:.0f} ms")
    print(
        f"  plain httpx loop, default page size: {plain_requests} requests, "
        f"{plain_time * 1000:.0f} ms"
    )


async def coalescing(server: DemoServer) -> None:
    services = Services(OpenProjectClient(server.url, Credentials(server.api_key)))
    await asyncio.gather(*(services.projects() for _ in range(10)))
    print(f"10 concurrent identical GETs: {services.client.requests_made} request(s)")
    before = services.client.requests_made
    snapshots = [s async for s in services.stream_projects()]
    print(
        f"revisit within the TTL: {services.client.requests_made - before} requests "
        f"({len(snapshots)} snapshot, stale={snapshots[0].stale})"
    )
    await services.aclose()


async def warm_start(tmp: Path) -> None:
    data, cache = tmp / "data", tmp / "cache.sqlite3"
    server = start_demo_server(data)
    first = Services(
        OpenProjectClient(server.url, Credentials(server.api_key)),
        ApiCache(DiskCache(cache, server_url="demo")),
    )
    await first.projects()
    await first.aclose()
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    slow = start_demo_server(data, port=port, faults=Faults(latency=1.5))
    try:
        start = time.perf_counter()
        services = Services(
            OpenProjectClient(slow.url, Credentials(slow.api_key)),
            ApiCache(DiskCache(cache, server_url="demo")),
        )
        stream = services.stream_projects()
        cached = await anext(stream)
        painted = time.perf_counter() - start
        fresh = await anext(stream)
        answered = time.perf_counter() - start
        await services.aclose()
    finally:
        slow.stop()
    print(
        f"warm start against a server that answers after 1.5 s: cached data after "
        f"{painted * 1000:.0f} ms ({len(cached.value)} projects, stale={cached.stale}); "
        f"server answer after {answered * 1000:.0f} ms (stale={fresh.stale})"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        large = start_demo_server(Path(tmp) / "large", seed_size="large")
        try:
            await fetch_all(large)
            await coalescing(large)
        finally:
            large.stop()
        await warm_start(Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
