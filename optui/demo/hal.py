"""HAL+JSON rendering for the demo server: links, collections with offset paging, errors."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from markdown_it import MarkdownIt
from starlette.requests import Request
from starlette.responses import Response

HAL_JSON = "application/hal+json; charset=utf-8"
ERROR_PREFIX = "urn:openproject-org:api:v3:errors:"
MAX_PAGE_SIZE = 1000
"""OpenProject's default `apiv3_max_page_size`: larger requests are clamped silently."""

Json = dict[str, Any]


class Problem(Exception):
    """An API error answer: raised anywhere in a handler, rendered as an `Error` body."""

    def __init__(
        self,
        status: int,
        identifier: str,
        message: str,
        *,
        attribute: str | None = None,
        errors: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.identifier = identifier
        self.message = message
        self.attribute = attribute
        self.errors = list(errors)
        self.headers = headers or {}

    def body(self) -> Json:
        body: Json = {
            "_type": "Error",
            "errorIdentifier": ERROR_PREFIX + self.identifier,
            "message": self.message,
        }
        if self.attribute is not None:
            body["_embedded"] = {"details": {"attribute": self.attribute}}
        if self.errors:
            body["_embedded"] = {"errors": [error.body() for error in self.errors]}
        return body


def not_found(message: str = "The requested resource could not be found.") -> Problem:
    return Problem(404, "NotFound", message)


def forbidden(message: str = "You are not authorized to access this resource.") -> Problem:
    return Problem(403, "MissingPermission", message)


def invalid_query(message: str) -> Problem:
    return Problem(400, "InvalidQuery", message)


def constraint(attribute: str, message: str) -> Problem:
    return Problem(422, "PropertyConstraintViolation", message, attribute=attribute)


def combine(problems: Sequence[Problem]) -> Problem:
    """One 422 for one problem, `MultipleErrors` for several (as OpenProject answers)."""
    if len(problems) == 1:
        return problems[0]
    return Problem(
        422, "MultipleErrors", "Multiple field constraints have been violated.", errors=problems
    )


def hal(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status, media_type=HAL_JSON, headers=headers)


def problem_response(problem: Problem) -> Response:
    return hal(problem.body(), problem.status, problem.headers)


def link(href: str | None, title: str | None = None, **extra: Any) -> Json:
    result: Json = {"href": href}
    if title is not None:
        result["title"] = title
    result.update(extra)
    return result


def action(href: str, method: str = "post", **extra: Any) -> Json:
    """An action link; real servers spell the method in lower case."""
    return link(href, method=method, **extra)


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@functools.lru_cache(maxsize=4096)
def _html(raw: str, inline: bool = False) -> str:
    renderer = MarkdownIt("commonmark", {"html": False})
    html: str = renderer.renderInline(raw) if inline else renderer.render(raw)
    return html


def formattable(raw: str | None, fmt: str = "markdown") -> Json:
    text = raw or ""
    html = _html(text) if fmt == "markdown" else _escape(text)
    return {"format": fmt, "raw": text, "html": html}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def iso_duration(hours: float | None) -> str | None:
    """Hours as OpenProject prints them: PT1H30M, with a day part of 24 h from one day up."""
    if hours is None:
        return None
    seconds = round(hours * 3600)
    days, seconds = divmod(seconds, 86400)
    hrs, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    time = "".join(f"{v}{u}" for v, u in ((hrs, "H"), (minutes, "M"), (seconds, "S")) if v)
    if days:
        return f"P{days}D" + (f"T{time}" if time else "")
    return f"PT{time or '0S'}"


_DURATION = re.compile(
    r"^P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_hours(value: Any, attribute: str) -> float | None:
    """An ISO 8601 duration from a payload as hours; 422 PropertyFormatError when malformed."""
    if value is None:
        return None
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or value in ("P", "PT") or value.endswith("T"):
        raise Problem(
            422,
            "PropertyFormatError",
            f"{attribute} is not a valid ISO 8601 duration.",
            attribute=attribute,
        )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return parts["w"] * 168 + parts["d"] * 24 + parts["h"] + parts["m"] / 60 + parts["s"] / 3600


def parse_date(value: Any, attribute: str) -> str | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise Problem(
            422,
            "PropertyFormatError",
            f"{attribute} is not a valid date (expected YYYY-MM-DD).",
            attribute=attribute,
        ) from None
    return value


def id_from_href(href: Any, collection: str) -> int | None:
    """The numeric id of `/api/v3/<collection>/<id>`, or None when it is not such an href."""
    if not isinstance(href, str):
        return None
    match = re.fullmatch(rf"/api/v3/{re.escape(collection)}/(\d+)", href)
    return int(match.group(1)) if match else None


def simple_collection(elements: list[Json], self_href: str, type_: str = "Collection") -> Json:
    """An unpaginated collection (statuses, types, watchers…)."""
    return {
        "_type": type_,
        "total": len(elements),
        "count": len(elements),
        "_embedded": {"elements": elements},
        "_links": {"self": link(self_href)},
    }


def page_params(request: Request, default_size: int = 20) -> tuple[int, int]:
    """(offset, pageSize) from the query: offset is a 1-based page number, sizes are clamped."""

    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise invalid_query(f"{name} must be an integer.") from None

    offset = max(number("offset", 1), 1)
    size = number("pageSize", default_size)
    if size < 0:
        size = MAX_PAGE_SIZE
    return offset, min(size, MAX_PAGE_SIZE)


def _query(params: dict[str, str]) -> str:
    # servers rebuild query strings with sorted keys; placeholders stay encoded
    return urlencode(sorted(params.items()), quote_via=quote, safe="")


def paged_collection(
    request: Request,
    items: Sequence[Any],
    render: Callable[[Any], Json],
    *,
    type_: str = "Collection",
    default_size: int = 20,
    extra: Json | None = None,
) -> Json:
    """A collection page with `total`, `count`, `pageSize`, `offset` and the paging links."""
    offset, size = page_params(request, default_size)
    start = (offset - 1) * size
    page = items[start : start + size] if size else []
    path = request.url.path
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "pageSize")}

    def href(page_offset: str, page_size: str) -> str:
        return f"{path}?{_query({**params, 'offset': page_offset, 'pageSize': page_size})}"

    links: Json = {
        "self": link(href(str(offset), str(size))),
        "jumpTo": link(href("{offset}", str(size)), templated=True),
        "changeSize": link(href(str(offset), "{size}"), templated=True),
    }
    if offset > 1:
        links["previousByOffset"] = link(href(str(offset - 1), str(size)))
    if size and offset * size < len(items):
        links["nextByOffset"] = link(href(str(offset + 1), str(size)))
    body: Json = {
        "_type": type_,
        "total": len(items),
        "count": len(page),
        "pageSize": size,
        "offset": offset,
    }
    if extra:
        body.update(extra)
    body["_embedded"] = {"elements": [render(item) for item in page]}
    body["_links"] = links
    return body


async def json_body(request: Request) -> Json:
    """The request body as one JSON object; 400 InvalidRequestBody otherwise (empty = `{}`)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise Problem(
            400, "InvalidRequestBody", "The request could not be parsed as JSON."
        ) from None
    if not isinstance(body, dict):
        raise Problem(400, "InvalidRequestBody", "The request body must be a JSON object.")
    return body


def body_links(body: Json) -> Json:
    links = body.get("_links")
    return links if isinstance(links, dict) else {}
