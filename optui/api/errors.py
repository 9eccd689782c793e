"""Typed errors of the API layer; `error_from_response()` is the only reader of error bodies.

    ApiError
    ├── ServerUnreachable      refused, DNS, timeout, dropped connection
    ├── RateLimited            429 (and 503 with Retry-After); carries `retry_after`
    ├── ServerFailure          5xx, often an HTML page from a proxy
    ├── Unauthenticated        401: ask for the key again
    ├── MissingPermission      403: visible, but not allowed
    ├── NotFound               404: missing or not visible
    ├── UpdateConflict         409: stale lockVersion (or a relation that exists)
    ├── InvalidInput           400/422: bad filter, constraint violations (per-attribute)
    └── ProtocolError          anything else a correct client should never see (406, 415…)

`str()` of every error is a sentence fit to show a user; `repr()` names method, URL and status only.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

ERROR_PREFIX = "urn:openproject-org:api:v3:errors:"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation message; `attribute` is the API property name, or None for the form."""

    attribute: str | None
    message: str


class ApiError(Exception):
    """Base of every error raised by `optui.api`; str() is a sentence fit to show."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        status: int | None = None,
        identifier: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method, self.url, self.status = method, url, status
        self.identifier = identifier

    def __repr__(self) -> str:  # never headers, bodies or keys
        return f"{type(self).__name__}({self.method} {self.url} -> {self.status})"


class ServerUnreachable(ApiError):
    """The server could not be reached or stopped answering."""


class RateLimited(ApiError):
    """The server (or a proxy) asks to wait; `retry_after` is in seconds when known."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerFailure(ApiError):
    """A 5xx answer."""


class Unauthenticated(ApiError):
    """The API key is missing, wrong or revoked."""


class MissingPermission(ApiError):
    """The resource is visible but this action is not allowed."""


class NotFound(ApiError):
    """The resource does not exist or is not visible to this user."""


class UpdateConflict(ApiError):
    """Someone else changed the resource since it was read."""


class InvalidInput(ApiError):
    """The request was understood but its content is invalid; see `errors`."""

    def __init__(self, message: str, *, errors: tuple[FieldError, ...] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.errors = errors

    @property
    def is_bad_query(self) -> bool:
        """A filter, sort or grouping the server refused."""
        return self.identifier in ("InvalidQuery", "InvalidSignal") or (
            self.identifier == "MultipleErrors" and bool(self.errors)
        )


class ProtocolError(ApiError):
    """An answer that means optui itself sent something wrong (a bug to report)."""


def _short_identifier(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    return raw.removeprefix(ERROR_PREFIX)


def _message_text(raw: Any) -> str:
    if isinstance(raw, list):  # some list endpoints send an array of strings
        return " ".join(str(part) for part in raw)
    return str(raw) if raw is not None else ""


def _field_errors(body: dict[str, Any]) -> tuple[FieldError, ...]:
    embedded = body.get("_embedded") if isinstance(body.get("_embedded"), dict) else {}
    assert isinstance(embedded, dict)
    nested = embedded.get("errors")
    if isinstance(nested, list):
        found: list[FieldError] = []
        for item in nested:
            if isinstance(item, dict):
                found.extend(
                    _field_errors(item) or (FieldError(None, _message_text(item.get("message"))),)
                )
        return tuple(found)
    details = embedded.get("details")
    attribute = details.get("attribute") if isinstance(details, dict) else None
    message = _message_text(body.get("message"))
    if attribute is None and not message:
        return ()
    return (FieldError(str(attribute) if attribute is not None else None, message),)


def retry_after_seconds(response: httpx.Response, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or else `RateLimit-Reset`."""
    current = now or dt.datetime.now(dt.UTC)
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(float(header), 0.0)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(header) if header else None
            if parsed is not None:
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=dt.UTC)
                return max((parsed - current).total_seconds(), 0.0)
    reset = response.headers.get("ratelimit-reset")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            return None
        # OpenProject sends a Unix time; small numbers are seconds (the IETF draft)
        return max(value - current.timestamp(), 0.0) if value > 10**9 else max(value, 0.0)
    return None


def error_from_response(response: httpx.Response) -> ApiError:
    """The typed error for a response with status >= 400, whatever its body looks like."""
    request = response.request
    context: dict[str, Any] = {
        "method": request.method,
        "url": str(request.url.copy_with(query=None)),
        "status": response.status_code,
    }
    body: dict[str, Any] = {}
    if "json" in response.headers.get("content-type", ""):
        try:
            parsed = json.loads(response.content)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            body = parsed
    identifier = _short_identifier(body.get("errorIdentifier"))
    context["identifier"] = identifier
    server_message = _message_text(body.get("message")).strip()
    status = response.status_code

    if status == 401:
        return Unauthenticated(
            "The server did not accept the API key. Log in again with a valid key.", **context
        )
    if status == 403:
        return MissingPermission(
            server_message or "You are not allowed to do this on the server.", **context
        )
    if status == 404:
        return NotFound(server_message or "Not found, or not visible to you.", **context)
    if status == 409:
        return UpdateConflict(
            server_message or "Someone else changed this since you opened it.", **context
        )
    if status in (400, 422) and body:
        return InvalidInput(
            server_message or "The server refused the request as invalid.",
            errors=_field_errors(body),
            **context,
        )
    if status == 429 or (status == 503 and "retry-after" in response.headers):
        wait = retry_after_seconds(response)
        hint = f" It asks to wait {wait:.0f} s." if wait is not None else ""
        return RateLimited(
            f"The server is busy (too many requests).{hint}", retry_after=wait, **context
        )
    if status >= 500:
        detail = server_message if body else "the server or a proxy in front of it failed"
        return ServerFailure(f"Server error {status}: {detail}.", **context)
    text = server_message or response.text[:200].strip() or response.reason_phrase
    return ProtocolError(
        f"The server refused a request from optui ({status}: {text}). This is a bug in optui.",
        **context,
    )
