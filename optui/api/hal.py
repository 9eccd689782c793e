"""HAL helpers: read-only views of HAL objects, links, ids from hrefs, canonical URLs.

`Resource` is the JSON edge: models read through it and never index raw dicts. A missing key
reads as None, `"href": null` means "not set", and a missing action link means "not allowed".
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

UNDISCLOSED = "urn:openproject-org:api:v3:undisclosed"
JSON_PARAMS = frozenset({"filters", "sortBy", "select"})


@dataclass(frozen=True, slots=True)
class Link:
    href: str | None
    title: str | None = None
    method: str = "get"
    templated: bool = False

    @property
    def is_set(self) -> bool:
        return self.href is not None

    @property
    def undisclosed(self) -> bool:
        return self.href == UNDISCLOSED

    @staticmethod
    def parse(raw: Any) -> Link | None:
        if not isinstance(raw, Mapping):
            return None
        href = raw.get("href")
        title = raw.get("title")
        method = raw.get("method")
        return Link(
            href=href if isinstance(href, str) else None,
            title=title if isinstance(title, str) else None,
            method=method.lower() if isinstance(method, str) else "get",
            templated=bool(raw.get("templated")),
        )


class Resource:
    """A read-only view of one HAL object."""

    __slots__ = ("data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    @property
    def type(self) -> str | None:
        value = self.data.get("_type")
        return value if isinstance(value, str) else None

    @property
    def self_href(self) -> str | None:
        link = self.link("self")
        return link.href if link else None

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        return value if isinstance(value, str) else default

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        return value if isinstance(value, bool) else default

    def formattable(self, key: str) -> str:
        """The `raw` text of a Formattable property ("" when absent or null)."""
        value = self.data.get(key)
        if isinstance(value, Mapping):
            raw = value.get("raw")
            return raw if isinstance(raw, str) else ""
        return value if isinstance(value, str) else ""

    def _links(self) -> Mapping[str, Any]:
        links = self.data.get("_links")
        return links if isinstance(links, Mapping) else {}

    def link(self, rel: str) -> Link | None:
        return Link.parse(self._links().get(rel))

    def links(self, rel: str) -> list[Link]:
        """An array of links (ancestors, children, multi-value custom fields)."""
        raw = self._links().get(rel)
        if isinstance(raw, list):
            return [link for item in raw if (link := Link.parse(item)) is not None]
        single = Link.parse(raw)
        return [single] if single is not None else []

    def has_link(self, rel: str) -> bool:
        return rel in self._links()

    def embedded(self, rel: str) -> Resource | None:
        embedded = self.data.get("_embedded")
        value = embedded.get(rel) if isinstance(embedded, Mapping) else None
        return Resource(value) if isinstance(value, Mapping) else None

    def embedded_list(self, rel: str) -> list[Resource]:
        embedded = self.data.get("_embedded")
        value = embedded.get(rel) if isinstance(embedded, Mapping) else None
        if not isinstance(value, list):
            return []
        return [Resource(item) for item in value if isinstance(item, Mapping)]

    def elements(self) -> list[Resource]:
        return self.embedded_list("elements")

    def walk(self) -> Iterator[Resource]:
        """This object and every embedded HAL object in it, depth first."""
        yield self
        embedded = self.data.get("_embedded")
        if not isinstance(embedded, Mapping):
            return
        for value in embedded.values():
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, Mapping):
                    yield from Resource(item).walk()


def id_from_href(href: str | None) -> str | None:
    """The last path segment of an href (not always digits: identifiers, `me`)."""
    if not href or href == UNDISCLOSED:
        return None
    path = urlsplit(href).path.rstrip("/")
    segment = path.rsplit("/", 1)[-1]
    return unquote(segment) or None


def int_id(href: str | None) -> int | None:
    segment = id_from_href(href)
    return int(segment) if segment is not None and segment.isdigit() else None


def canonical(path: str, params: Mapping[str, Any] | None = None) -> str:
    """A cache key: server-relative path plus sorted query, JSON parameters re-serialised."""
    parts = urlsplit(path)
    query: dict[str, str] = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in (params or {}).items():
        if value is None:
            continue
        query[key] = value if isinstance(value, str) else json.dumps(value)
    for key in JSON_PARAMS & query.keys():
        with contextlib.suppress(ValueError):
            query[key] = json.dumps(json.loads(query[key]), separators=(",", ":"))
    base = parts.path.rstrip("/") or "/"
    if not query:
        return base
    return base + "?" + urlencode(sorted(query.items()))
