"""The client against a real server that misbehaves: proxy errors, 429, drops and hangs."""

from __future__ import annotations

import httpx
import pytest

from optui.api import (
    Credentials,
    OpenProjectClient,
    RateLimited,
    RetryPolicy,
    ServerFailure,
    ServerUnreachable,
)
from optui.demo import DemoServer
from optui.demo.faults import Faults


def client_for(server: DemoServer, timeout: float = 10.0) -> OpenProjectClient:
    return OpenProjectClient(
        server.url,
        Credentials(server.api_key),
        retry=RetryPolicy(attempts=3, base_delay=0.01),
        timeout=httpx.Timeout(timeout, connect=2.0),
    )


async def test_a_proxy_error_page_is_retried_for_gets(faulty: DemoServer, faults: Faults) -> None:
    faults.error_rate, faults.error_statuses = 1.0, (502,)
    async with client_for(faulty) as client:
        with pytest.raises(ServerFailure, match="Server error 502"):
            await client.get("/api/v3/users/me")
        assert client.requests_made == 3
        faults.error_rate = 0.0
        assert (await client.get("/api/v3/users/me")).text("login") == "demo"


async def test_429_waits_for_retry_after_then_succeeds(faulty: DemoServer, faults: Faults) -> None:
    faults.rate_limit, faults.retry_after = 1, 0.0
    async with client_for(faulty) as client:
        assert (await client.get("/api/v3/users/me")).text("login") == "demo"
        assert client.requests_made == 2


async def test_429_with_only_ratelimit_reset(faulty: DemoServer, faults: Faults) -> None:
    faults.rate_limit, faults.retry_after = 5, None
    async with client_for(faulty) as client:
        client.retry = RetryPolicy(attempts=1)
        with pytest.raises(RateLimited) as raised:
            await client.get("/api/v3/users/me")
    assert raised.value.retry_after is not None and raised.value.retry_after <= 2


async def test_a_dropped_connection_is_unreachable(faulty: DemoServer, faults: Faults) -> None:
    faults.drop_next = 3
    async with client_for(faulty) as client:
        with pytest.raises(ServerUnreachable, match="connection dropped"):
            await client.get("/api/v3/users/me")


async def test_a_hanging_server_times_out(faulty: DemoServer, faults: Faults) -> None:
    faults.hang = True
    async with client_for(faulty, timeout=0.3) as client:
        client.retry = RetryPolicy(attempts=1)
        with pytest.raises(ServerUnreachable, match="did not answer in time"):
            await client.get("/api/v3/users/me")
