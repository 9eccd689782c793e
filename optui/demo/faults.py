"""Fault injection for tests and benchmarks: latency, proxy errors, rate limits, drops, hangs.

`FaultInjector` wraps the demo's ASGI app. Its `Faults` are mutable while the server runs, so a
test can turn a fault on and off between two requests. Off by default; only tests, benchmarks
and `demo-server --latency` turn it on.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROXY_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}"
    "</h1></center><hr><center>nginx</center></body></html>"
)
REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    429: "Too Many Requests",
}


class DropConnection(Exception):
    """Raised inside the server to make uvicorn close the connection without an answer."""


@dataclass
class Faults:
    """What goes wrong, per request; all off by default."""

    latency: float = 0.0
    """Seconds added before every answer."""
    error_rate: float = 0.0
    """Share of requests answered with one of `error_statuses` (HTML body, like a proxy)."""
    error_statuses: tuple[int, ...] = (500, 502, 503, 504)
    rate_limit: int = 0
    """The next N requests get 429."""
    retry_after: float | None = 1.0
    """Seconds in `Retry-After` on 429; None sends only OpenProject's `RateLimit-Reset`."""
    drop_next: int = 0
    """The next N requests have their connection closed without an answer."""
    hang: bool = False
    """Requests wait (practically) forever."""
    drop_answers: int = 0
    """The next N requests are carried out, then their answer is lost (the connection drops)."""
    paths: tuple[str, ...] = ()
    """Only these path prefixes are affected; empty = every path."""
    seed: int = 7
    _random: random.Random = field(default_factory=lambda: random.Random(7), repr=False)

    def applies_to(self, path: str) -> bool:
        return not self.paths or path.startswith(self.paths)


class FaultInjector:
    """ASGI middleware that applies `Faults` before handing the request to the app."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults = self.faults
        if scope["type"] != "http" or not faults.applies_to(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if faults.hang:
            await asyncio.sleep(3600)
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.drop_next > 0:
            faults.drop_next -= 1
            # headers promise a body that never comes: the client sees the connection drop
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"1000")],
                }
            )
            raise DropConnection("dropped by fault injection")
        if faults.drop_answers > 0:
            faults.drop_answers -= 1

            async def swallow(message: MutableMapping[str, Any]) -> None:
                return None  # the work is done; its answer never leaves

            await self.app(scope, receive, swallow)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"1000")],
                }
            )
            raise DropConnection("answer dropped by fault injection")
        if faults.rate_limit > 0:
            faults.rate_limit -= 1
            await self._rate_limited(send)
            return
        if faults.error_rate and faults._random.random() < faults.error_rate:
            status = faults._random.choice(faults.error_statuses)
            await _html(send, status)
            return
        await self.app(scope, receive, send)

    async def _rate_limited(self, send: Send) -> None:
        reset = int(time.time() + (self.faults.retry_after or 1.0) + 0.999)
        headers = [
            (b"content-type", b"text/html"),
            (b"ratelimit-limit", b"6"),
            (b"ratelimit-remaining", b"0"),
            (b"ratelimit-reset", str(reset).encode()),
        ]
        if self.faults.retry_after is not None:
            headers.append((b"retry-after", str(int(self.faults.retry_after)).encode()))
        await _html(send, 429, headers)


async def _html(send: Send, status: int, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = PROXY_PAGE.format(status=status, reason=REASONS.get(status, "Error")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": (headers or [(b"content-type", b"text/html")])
            + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
