"""OpenProjectClient: owns the one httpx.AsyncClient of a profile; auth, retries and paging.

Only the cache layer calls it. Every status >= 400 becomes a typed `ApiError` and every
connection problem a `ServerUnreachable`, so nothing above this module sees httpx.

httpx is imported, and its client (with the TLS context: reading the CA bundle takes tens of
milliseconds) built, in a thread on the first request: start-up paints the cached first screen
without paying for either, and the UI's loop never reads the CA file.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from optui import __version__
from optui.api.errors import (
    ApiError,
    RateLimited,
    ServerFailure,
    ServerUnreachable,
    error_from_response,
)
from optui.api.hal import Resource

if TYPE_CHECKING:
    import httpx

MAX_PAGE_SIZE = 1000
"""What fetch-all asks for; the server may apply less and says so in `pageSize`."""
ACCEPT = "application/hal+json, application/json"

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for idempotent requests only: exponential backoff with jitter."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff: float = min(self.base_delay * 2**attempt, self.max_delay)
        return backoff * random.uniform(0.5, 1.0)


@dataclass(frozen=True)
class Credentials:
    """The API key and how to send it; never printed (repr hides the key)."""

    api_key: str
    scheme: str = "basic"

    def __repr__(self) -> str:
        return f"Credentials(scheme={self.scheme!r}, api_key=<hidden>)"

    def header(self) -> str:
        if self.scheme == "bearer":
            return f"Bearer {self.api_key}"
        import base64

        token = base64.b64encode(f"apikey:{self.api_key}".encode()).decode()
        return f"Basic {token}"


class OpenProjectClient:
    """HTTP access to one OpenProject instance."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        *,
        verify: bool | str = True,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Accept": ACCEPT, "User-Agent": f"optui/{__version__}"}
        if credentials is not None:
            headers["Authorization"] = credentials.header()
        self._http_options: dict[str, Any] = {
            "base_url": self.base_url,
            "headers": headers,
            "verify": verify,
            "transport": transport,
            "timeout": timeout,
            "follow_redirects": False,
        }
        self._http: httpx.AsyncClient | None = None
        self._http_building: asyncio.Future[httpx.AsyncClient] | None = None
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.requests_made = 0
        """Requests sent, retries included (benchmarks and tests read it)."""
        self.in_flight = 0
        """Requests currently waiting for an answer (the status bar's spinner)."""
        self.reachable: bool | None = None
        """Whether the last request got an answer; None before the first one."""
        self._reachability_listeners: list[Callable[[bool], None]] = []
        self._activity_listeners: list[Callable[[int], None]] = []

    def on_activity(self, listener: Callable[[int], None]) -> None:
        """Call `listener(in_flight)` whenever a request starts or ends (the spinner)."""
        self._activity_listeners.append(listener)

    def _set_in_flight(self, count: int) -> None:
        self.in_flight = count
        for listener in list(self._activity_listeners):
            listener(count)

    def on_reachability(self, listener: Callable[[bool], None]) -> None:
        """Call `listener(reachable)` whenever the server starts or stops answering."""
        self._reachability_listeners.append(listener)

    def _set_reachable(self, reachable: bool) -> None:
        if self.reachable is reachable:
            return
        self.reachable = reachable
        for listener in list(self._reachability_listeners):
            listener(reachable)

    def _build_http(self) -> httpx.AsyncClient:
        import httpx

        options = dict(self._http_options)
        options["timeout"] = options["timeout"] or httpx.Timeout(30.0, connect=5.0)
        return httpx.AsyncClient(**options)

    async def _client(self) -> httpx.AsyncClient:
        """The httpx client, built once (in a thread) by whichever request comes first."""
        if self._http is not None:
            return self._http
        if self._http_building is None:
            self._http_building = asyncio.ensure_future(asyncio.to_thread(self._build_http))
            self._http_building.add_done_callback(observe)
        try:
            http = await asyncio.shield(self._http_building)
        except Exception as error:
            self._http_building = None  # the next request tries again
            raise ApiError(
                f"Cannot set up the connection to the server: {error}", url=self.base_url
            ) from error
        self._http = http
        return http

    def prepare(self) -> None:
        """Start building the httpx client now (in a thread) so the first request need not
        wait for it; call from the running loop once the first screen is painted."""
        if self._http is None and self._http_building is None:
            self._http_building = asyncio.ensure_future(asyncio.to_thread(self._build_http))
            self._http_building.add_done_callback(observe)  # a failure is the next request's

    async def aclose(self) -> None:
        if self._http is None and self._http_building is not None:
            try:
                self._http = await self._http_building
            except Exception:
                return
        if self._http is not None:
            await self._http.aclose()

    async def __aenter__(self) -> OpenProjectClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # requests

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: str | None = None,
        content_type: str = "application/json",
        retried: bool = False,
    ) -> httpx.Response:
        """One request. `retried`: a failure to connect will be tried again, so it does not
        (yet) count as the server being unreachable (no offline/online flicker on a drop)."""
        headers: dict[str, str] = {}
        data: bytes | None = None
        if method != "GET":
            # every non-GET needs a Content-Type, even without a body (else 406)
            headers["Content-Type"] = content_type
            if json_body is not None:
                data = json.dumps(json_body).encode()
            elif content is not None:
                data = content.encode()
        self.requests_made += 1
        self._set_in_flight(self.in_flight + 1)
        try:
            http = await self._client()
            response = await http.request(
                method, path, params=params, content=data, headers=headers
            )
        except Exception as error:
            problem = _transport_problem(error)
            if problem is None:
                raise
            if not retried:
                self._set_reachable(False)
            raise ServerUnreachable(problem, method=method, url=self._url(path)) from error
        finally:
            self._set_in_flight(self.in_flight - 1)
        self._set_reachable(True)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    async def _with_retries(
        self, call: Callable[[bool], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        """`call(retried)`: `retried` is True while a failure will be tried again."""
        attempt = 0
        while True:
            will_retry = attempt + 1 < self.retry.attempts
            try:
                return await call(will_retry)
            except (RateLimited, ServerFailure, ServerUnreachable) as error:
                if not will_retry:
                    raise
                retry_after = error.retry_after if isinstance(error, RateLimited) else None
                await self._sleep(self.retry.delay(attempt, retry_after))
                attempt += 1

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Resource:
        """GET a HAL resource (retried with backoff: GETs are idempotent)."""
        encoded = _encode(params)
        response = await self._with_retries(
            lambda retried: self._send("GET", path, params=encoded, retried=retried)
        )
        return Resource(_decode(response))

    async def ping(self) -> None:
        """One GET of the API root, never retried: is the server there?"""
        await self._send("GET", "/api/v3")

    async def validate_form(self, path: str, payload: Mapping[str, Any]) -> Resource:
        """POST to a `/form` endpoint: it saves nothing, so it may be retried."""
        response = await self._with_retries(
            lambda retried: self._send("POST", path, json_body=dict(payload), retried=retried)
        )
        return Resource(_decode(response))

    async def write(self, method: str, path: str, payload: Any = None) -> Resource | None:
        """POST/PATCH/DELETE: sent once, never retried automatically."""
        response = await self._send(method.upper(), path, json_body=payload)
        if response.status_code == 204 or not response.content:
            return None
        return Resource(_decode(response))

    async def render_markdown(self, text: str, context: str | None = None) -> str:
        params = {"context": context} if context else None
        response = await self._send(
            "POST",
            "/api/v3/render/markdown",
            params=params,
            content=text,
            content_type="text/plain",
        )
        return response.text

    # paging: offset is a page number, not an item index

    async def get_page(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        offset: int = 1,
        page_size: int = 100,
    ) -> Resource:
        query = dict(params or {})
        query.update(offset=offset, pageSize=page_size)
        return await self.get(path, query)

    async def fetch_all(
        self, path: str, params: Mapping[str, Any] | None = None, *, parallel: int = 3
    ) -> list[Resource]:
        """Every element of a collection in ceil(total / applied page size) requests."""
        _, elements = await self.fetch_collection(path, params, parallel=parallel)
        return elements

    async def fetch_collection(
        self, path: str, params: Mapping[str, Any] | None = None, *, parallel: int = 3
    ) -> tuple[Resource, list[Resource]]:
        """The first page (with `total`, `groups`…) and every element of the collection."""
        first = await self.get_page(path, params, offset=1, page_size=MAX_PAGE_SIZE)
        elements = first.elements()
        total = first.integer("total")
        applied = first.integer("pageSize") or len(elements)
        if total is None or applied <= 0 or len(elements) >= total:
            return first, elements
        pages = math.ceil(total / applied)
        semaphore = asyncio.Semaphore(parallel)

        async def page(number: int) -> list[Resource]:
            async with semaphore:
                resource = await self.get_page(path, params, offset=number, page_size=applied)
                return resource.elements()

        rest = await asyncio.gather(*(page(n) for n in range(2, pages + 1)))
        for chunk in rest:
            elements.extend(chunk)
        return first, elements


def observe(future: asyncio.Future[Any]) -> None:
    """A done-callback that marks a failure as seen: whoever awaits the future still gets
    it, and nobody awaiting it is no "exception was never retrieved" on the terminal."""
    if not future.cancelled():
        future.exception()


def _transport_problem(error: Exception) -> str | None:
    """What a failed request's exception means for a user; None: not a network problem."""
    import httpx  # loaded by now: the client was built before anything was sent

    if isinstance(error, httpx.TimeoutException):
        return "The server did not answer in time."
    if isinstance(error, httpx.TransportError | OSError):
        return f"Cannot reach the server ({_reason(error)})."
    return None


def _reason(error: Exception) -> str:
    """A short cause in words, without addresses or ports (they reach screenshots)."""
    import httpx

    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name" in text or "resolution" in text or "nodename" in text:
            return "host name not found"
        return "connection refused"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return "connection dropped"
    return "network error"


def _encode(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not params:
        return None
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, str):
            encoded[key] = value
        elif isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        elif isinstance(value, int | float):
            encoded[key] = str(value)
        else:
            encoded[key] = json.dumps(value, separators=(",", ":"))
    return encoded


def _decode(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise ApiError(
            "The server sent an answer that is not JSON.",
            method=response.request.method,
            url=str(response.request.url),
            status=response.status_code,
        ) from error
    if not isinstance(body, dict):
        raise ApiError(
            "The server sent an unexpected answer.",
            method=response.request.method,
            url=str(response.request.url),
            status=response.status_code,
        )
    return body
