"""The client: typed errors from real error bodies, retries of GETs only, paging, coalescing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from optui.api import (
    ApiCache,
    ApiError,
    Credentials,
    InvalidInput,
    MissingPermission,
    NotFound,
    OpenProjectClient,
    ProtocolError,
    RateLimited,
    RetryPolicy,
    ServerFailure,
    ServerUnreachable,
    Services,
    Unauthenticated,
    UpdateConflict,
)
from optui.api.hal import canonical
from optui.demo import DemoServer

Handler = Callable[[httpx.Request], httpx.Response]
PREFIX = "urn:openproject-org:api:v3:errors:"


def error(status: int, identifier: str, message: str, **extra: Any) -> httpx.Response:
    body = {"_type": "Error", "errorIdentifier": PREFIX + identifier, "message": message, **extra}
    return httpx.Response(status, json=body, headers={"content-type": "application/hal+json"})


class Recorder:
    """A MockTransport handler that answers from a list and remembers the requests."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def make_client(handler: Handler, sleeps: list[float] | None = None) -> OpenProjectClient:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return OpenProjectClient(
        "https://op.example.com",
        Credentials("secret-key-123"),
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=3, base_delay=0.01),
        sleep=sleep,
    )


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (
            error(401, "Unauthenticated", "You did not provide the correct credentials."),
            Unauthenticated,
        ),
        (error(403, "MissingPermission", "You are not authorized."), MissingPermission),
        (error(404, "NotFound", "The requested resource could not be found."), NotFound),
        (error(409, "UpdateConflict", "Your changes could not be saved."), UpdateConflict),
        (error(400, "InvalidQuery", "Filters Invalid filter does not exist."), InvalidInput),
        (
            httpx.Response(
                406, text="Missing content-type header", headers={"content-type": "text/plain"}
            ),
            ProtocolError,
        ),
        (
            error(415, "TypeNotSupported", "Expected Content-Type to be 'application/json'."),
            ProtocolError,
        ),
    ],
)
async def test_error_answers_become_typed_errors(answer: httpx.Response, kind: type) -> None:
    client = make_client(Recorder(answer))
    with pytest.raises(ApiError) as raised:
        await client.write("PATCH", "/api/v3/work_packages/1", {"lockVersion": 1})
    assert type(raised.value) is kind
    assert raised.value.status == answer.status_code
    assert "secret-key-123" not in repr(raised.value) + str(raised.value)


async def test_validation_errors_carry_each_attribute() -> None:
    inner = [
        {
            "_type": "Error",
            "errorIdentifier": PREFIX + "PropertyConstraintViolation",
            "message": "Subject can't be blank.",
            "_embedded": {"details": {"attribute": "subject"}},
        },
        {
            "_type": "Error",
            "errorIdentifier": PREFIX + "PropertyConstraintViolation",
            "message": "Component can't be blank.",
            "_embedded": {"details": {"attribute": "customField7"}},
        },
    ]
    answer = error(
        422,
        "MultipleErrors",
        "Multiple field constraints have been violated.",
        _embedded={"errors": inner},
    )
    client = make_client(Recorder(answer))
    with pytest.raises(InvalidInput) as raised:
        await client.write("POST", "/api/v3/work_packages", {})
    assert [(e.attribute, e.message) for e in raised.value.errors] == [
        ("subject", "Subject can't be blank."),
        ("customField7", "Component can't be blank."),
    ]


async def test_array_messages_are_joined() -> None:
    answer = error(400, "InvalidQuery", "unused")
    body = json.loads(answer.content)
    body["message"] = ["Status is invalid.", "Type is invalid."]
    client = make_client(Recorder(httpx.Response(400, json=body)))
    with pytest.raises(InvalidInput, match=r"Status is invalid\. Type is invalid\."):
        await client.get("/api/v3/work_packages")


async def test_get_retries_after_retry_after_then_succeeds() -> None:
    sleeps: list[float] = []
    recorder = Recorder(
        httpx.Response(429, text="<html>slow down</html>", headers={"Retry-After": "7"}),
        httpx.Response(503, text="<html>Service Unavailable</html>"),
        httpx.Response(200, json={"_type": "Root"}),
    )
    client = make_client(recorder, sleeps)
    root = await client.get("/api/v3")
    assert root.type == "Root"
    assert len(recorder.requests) == 3
    assert sleeps[0] == 7.0


async def test_ratelimit_reset_is_used_without_retry_after() -> None:
    import time

    reset = str(int(time.time()) + 5)
    recorder = Recorder(httpx.Response(429, json={}, headers={"RateLimit-Reset": reset}))
    client = make_client(recorder, [])
    with pytest.raises(RateLimited) as raised:
        await client.get("/api/v3")
    assert raised.value.retry_after is not None and 3 <= raised.value.retry_after <= 5


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
async def test_writes_are_never_retried(method: str) -> None:
    recorder = Recorder(httpx.Response(502, text="<html>Bad Gateway</html>"))
    client = make_client(recorder, [])
    with pytest.raises(ServerFailure):
        await client.write(method, "/api/v3/work_packages/1", {"lockVersion": 3})
    assert len(recorder.requests) == 1


async def test_every_non_get_sends_a_content_type() -> None:
    recorder = Recorder(httpx.Response(204))
    client = make_client(recorder)
    await client.write("POST", "/api/v3/notifications/1/read_ian")
    sent = recorder.requests[0]
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["authorization"].startswith("Basic ")


async def test_refused_connection_is_server_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sleeps: list[float] = []
    client = make_client(refuse, sleeps)
    with pytest.raises(ServerUnreachable, match="Cannot reach the server"):
        await client.get("/api/v3")
    assert len(sleeps) == 2  # retried, then given up


async def test_fetch_all_uses_the_page_size_the_server_applied(demo: DemoServer) -> None:
    client = OpenProjectClient(demo.url, Credentials(demo.api_key))
    async with client:
        elements = await client.fetch_all("/api/v3/work_packages", {"filters": []})
        total = (
            await client.get_page("/api/v3/work_packages", {"filters": []}, page_size=1)
        ).integer("total")
    assert total is not None and len(elements) == total
    assert len({e.self_href for e in elements}) == total
    assert client.requests_made == 1 + 1  # one page of up to 1000, then the count


async def test_fetch_all_pages_when_the_server_caps_the_size() -> None:
    items = [
        {"_type": "Project", "id": n, "_links": {"self": {"href": f"/api/v3/projects/{n}"}}}
        for n in range(1, 26)
    ]

    def capped(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        page = items[(offset - 1) * 10 : offset * 10]
        return httpx.Response(
            200,
            json={
                "_type": "Collection",
                "total": 25,
                "count": len(page),
                "pageSize": 10,
                "offset": offset,
                "_embedded": {"elements": page},
            },
        )

    client = make_client(capped)
    found = await client.fetch_all("/api/v3/projects")
    assert [r.integer("id") for r in found] == list(range(1, 26))
    assert client.requests_made == 3  # ceil(25 / 10)


async def test_concurrent_identical_gets_make_one_request() -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    calls = 0

    async def slow_fetch() -> str:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return "value"

    cache = ApiCache()
    key = canonical("/api/v3/projects", {"filters": []})
    tasks = [asyncio.create_task(cache.get(key, slow_fetch)) for _ in range(10)]
    await started.wait()
    release.set()
    assert await asyncio.gather(*tasks) == ["value"] * 10
    assert calls == 1
    assert await cache.get(key, slow_fetch) == "value"  # fresh: served without a fetch
    assert calls == 1


def test_canonical_keys_ignore_spelling() -> None:
    one = canonical("/api/v3/work_packages?pageSize=20&filters=%5B%5D")
    other = canonical("/api/v3/work_packages", {"filters": [], "pageSize": "20"})
    assert one == other


async def test_services_load_projects_through_the_client(demo: DemoServer) -> None:
    services = Services(OpenProjectClient(demo.url, Credentials(demo.api_key)))
    try:
        projects = await services.projects()
        assert {p.identifier for p in projects} >= {"demo-project", "your-scrum-project"}
        assert "hr-confidential" not in {p.identifier for p in projects}
        me = await services.me()
        assert me.name == "Demo User"
        snapshots = [s async for s in services.stream_projects()]
        assert [s.stale for s in snapshots] == [False]  # fresh in memory: no request
    finally:
        await services.aclose()


async def test_bearer_credentials_are_accepted(demo: DemoServer) -> None:
    client = OpenProjectClient(demo.url, Credentials(demo.api_key, scheme="bearer"))
    async with client:
        assert (await client.get("/api/v3/users/me")).text("login") == "demo"


async def test_wrong_key_is_unauthenticated(demo: DemoServer) -> None:
    client = OpenProjectClient(demo.url, Credentials("wrong"))
    async with client:
        with pytest.raises(Unauthenticated):
            await client.get("/api/v3/users/me")


async def test_a_dropped_connection_that_a_retry_overcomes_is_not_an_outage() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.RemoteProtocolError("dropped", request=request)
        return httpx.Response(200, json={"_type": "Root"})

    client = make_client(handler)
    seen: list[bool] = []
    client.on_reachability(seen.append)
    await client.get("/api/v3")
    assert calls == 2
    assert seen == [True]  # never "offline" in between: no offline/online toasts

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    down = make_client(refuse)
    down.on_reachability(seen.append)
    with pytest.raises(ServerUnreachable):
        await down.get("/api/v3")
    assert seen == [True, False]  # said once, when the last attempt failed
    await client.aclose()
    await down.aclose()
