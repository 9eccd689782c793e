"""Conformance cases: one request to the demo server and every check of its answer."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.conformance.spec import ERROR_PREFIX, HAL_JSON, URN, Spec, pointer, spec_with

Auth = Literal["key", "bearer", "none", "wrong"]

NO_BODY = object()
"""Marker: send no request body at all."""

CURRENT = "<current lockVersion>"
"""Placeholder in a body: replaced by the resource's lockVersion, read just before sending."""


@dataclass(frozen=True)
class Case:
    """A row of the table: the request, the spec path it must map to, and the expected status."""

    method: str
    template: str | None
    """The spec's path template the concrete path maps to; None for a path the spec lacks."""
    path: str
    """The concrete path, query string included."""
    status: int
    body: Any = NO_BODY
    """A JSON body, a `str`/`bytes` body sent as is, or NO_BODY."""
    content_type: str | None = "application/json"
    """Sent on every non-GET (None: no Content-Type header at all)."""
    auth: Auth = "key"
    deviations: tuple[str, ...] = ()
    """Names of the §19 deviations this case needs (keys of spec.DEVIATIONS)."""
    documented: bool = True
    """False for a request the spec has no operation for: it must be 404 NotFound."""
    mutates: bool = False
    """Changes the data: runs against a fresh demo server."""
    needs: tuple[str, ...] = ()
    """Route modules the answer depends on besides its own (skipped until they are registered)."""
    xfail: str | None = None
    """The exact validation error, when the fault is in a file this suite must not edit."""
    note: str = ""

    @property
    def id(self) -> str:
        extra = f" [{self.auth}]" if self.auth != "key" else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.method} {self.path} -> {self.status}{extra}{note}"

    def spec(self) -> Spec:
        return spec_with(frozenset(self.deviations))


@dataclass
class Checks:
    """How many individual checks passed, for the terminal summary."""

    count: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def passed(self, kind: str) -> None:
        self.count += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def send(client: httpx.Client, case: Case, api_key: str) -> httpx.Response:
    """Send a case's request with its credentials, Content-Type and body."""
    headers: dict[str, str] = {}
    if case.auth == "key":
        headers["Authorization"] = basic("apikey", api_key)
    elif case.auth == "bearer":
        headers["Authorization"] = f"Bearer {api_key}"
    elif case.auth == "wrong":
        headers["Authorization"] = basic("apikey", "opapi-" + "0" * 40)
    content: bytes | None = None
    if case.body is not NO_BODY:
        if isinstance(case.body, bytes):
            content = case.body
        elif isinstance(case.body, str):
            content = case.body.encode()
        else:
            content = json.dumps(_with_lock_version(client, case, headers)).encode()
    if case.method != "GET" and case.content_type is not None:
        headers["Content-Type"] = case.content_type
    return client.request(case.method, case.path, headers=headers, content=content)


def _with_lock_version(client: httpx.Client, case: Case, headers: dict[str, str]) -> Any:
    """The body, with CURRENT replaced by the lockVersion the resource has right now."""
    body = case.body
    if not isinstance(body, dict) or body.get("lockVersion") != CURRENT:
        return body
    resource = urlsplit(case.path).path.removesuffix("/form")
    current = client.get(resource, headers=headers).json().get("lockVersion")
    return {**body, "lockVersion": current}


def check(case: Case, response: httpx.Response, checks: Checks) -> None:
    """Every check of one answer against the spec; raises AssertionError on the first failure."""
    spec = case.spec()
    label = f"{case.method} {case.path}"
    assert response.status_code == case.status, (
        f"{label}: status {response.status_code}, expected {case.status}: {response.text[:500]}"
    )
    checks.passed("status")

    template = spec.template_for(case.path)
    assert template == case.template, f"{label}: maps to {template!r}, not {case.template!r}"
    checks.passed("path template")
    operation = None if template is None else spec.operation(template, case.method)
    assert (operation is not None) == case.documented, (
        f"the spec {'lacks' if case.documented else 'has'} {case.method} "
        f"{template or case.path.split('?')[0]}"
    )
    checks.passed("operation")

    if template is not None and response.status_code < 400:
        _check_filters(label, spec, template, case)
        checks.passed("request filters")

    expected = spec.expected(template, case.method, response.status_code)
    assert expected is not None, (
        f"{label}: status {response.status_code} is not documented for {case.method} {template}"
    )
    checks.passed("documented status")

    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if response.status_code == 204:
        assert response.content == b"", f"{label}: 204 with a body: {response.text[:200]}"
        checks.passed("empty 204")
        return
    if expected.media_types:
        assert media in expected.media_types, (
            f"{label}: Content-Type {media!r} not among {expected.media_types} ({expected.source})"
        )
        checks.passed("media type")
    if media in (HAL_JSON, "application/json"):
        _check_json(case, spec, expected.schema, expected.error_identifier, response, checks)
    else:
        body = response.text
        assert response.status_code < 400 or response.status_code == 406, (
            f"{label}: error {response.status_code} without an Error body ({media})"
        )
        if expected.schema is not None:
            problems = list(spec.errors(expected.schema, body))
            assert not problems, f"{label}: {spec.schema_label(expected.schema)}: " + "; ".join(
                problems
            )
            checks.passed("schema")


def _check_filters(label: str, spec: Spec, template: str, case: Case) -> None:
    """A successful request uses only filters the operation documents (where it lists them)."""
    raw = parse_qs(urlsplit(case.path).query).get("filters")
    documented = spec.documented_filters(template, case.method)
    if not raw or documented is None:
        return
    names = {name for condition in json.loads(raw[0]) for name in condition}
    assert names <= documented, (
        f"{label}: filters {sorted(names - documented)} are not among {sorted(documented)}"
    )


def _check_json(
    case: Case,
    spec: Spec,
    schema: str | None,
    identifier: str | None,
    response: httpx.Response,
    checks: Checks,
) -> None:
    label = f"{case.method} {case.path}"
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    assert media == HAL_JSON, f"{label}: JSON body as {media!r}, servers send {HAL_JSON}"
    checks.passed("hal+json")
    body = response.json()
    if schema is not None:
        problems = list(spec.errors(schema, body))
        assert not problems, f"{label}: {spec.schema_label(schema)}: " + "; ".join(problems)
        checks.passed("schema")
    if response.status_code < 400:
        return
    # "For responses with an HTTP status of 4xx and 5xx the body will always contain a single
    # error object" (Basic Objects / Errors), whatever the operation declares.
    error_schema = f"{URN}#{pointer('components', 'schemas', 'ErrorResponse')}"
    problems = list(spec.errors(error_schema, body))
    assert not problems, f"{label}: ErrorResponse: " + "; ".join(problems)
    checks.passed("error schema")
    _check_identifier(label, spec, body, response.status_code, identifier)
    checks.passed("error identifier")


def _check_identifier(
    label: str, spec: Spec, body: Any, status: int, documented: str | None
) -> None:
    """The identifier maps to this status in the spec's list; the shared response's if named."""
    raw = str(body.get("errorIdentifier", ""))
    assert raw.startswith(ERROR_PREFIX), f"{label}: errorIdentifier {raw!r}"
    name = raw.removeprefix(ERROR_PREFIX)
    if name == "MultipleErrors":
        # the spec gives MultipleErrors no status of its own: it aggregates errors that share one
        inner = body.get("_embedded", {}).get("errors", [])
        assert inner, f"{label}: MultipleErrors without _embedded.errors"
        for error in inner:
            _check_identifier(label, spec, error, status, None)
        return
    assert spec.error_statuses.get(name) == status, (
        f"{label}: {name} is HTTP {spec.error_statuses.get(name)} in the spec, got {status}"
    )
    if documented is not None:
        assert name == documented, f"{label}: {name}, the spec documents {documented} here"
