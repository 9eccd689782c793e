"""Typed, frozen views of API resources, parsed once from HAL with `from_hal()`.

Unknown fields are ignored and missing links read as "not set", so the models work with
OpenProject 13 to 17 and whatever comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from optui.api.hal import Link, Resource, id_from_href, int_id

T = TypeVar("T")


def _title(link: Link | None) -> str | None:
    if link is None or link.href is None:
        return None
    if link.undisclosed:
        return "(hidden)"
    return link.title or id_from_href(link.href)


@dataclass(frozen=True, slots=True)
class User:
    href: str
    id: int | None
    name: str
    login: str | None
    email: str | None

    @classmethod
    def from_hal(cls, resource: Resource) -> User:
        href = resource.self_href or ""
        return cls(
            href=href,
            id=resource.integer("id") or int_id(href),
            name=resource.text("name") or resource.text("login") or href,
            login=resource.opt_text("login"),
            email=resource.opt_text("email"),
        )


@dataclass(frozen=True, slots=True)
class Project:
    href: str
    id: int | None
    identifier: str
    name: str
    active: bool
    public: bool
    parent_href: str | None
    description: str
    status: str | None
    """The project status title (On track, At risk…) when the server has one."""
    can_create_work_packages: bool

    @classmethod
    def from_hal(cls, resource: Resource) -> Project:
        href = resource.self_href or ""
        parent = resource.link("parent")
        return cls(
            href=href,
            id=resource.integer("id") or int_id(href),
            identifier=resource.text("identifier") or (id_from_href(href) or ""),
            name=resource.text("name") or resource.text("identifier") or href,
            active=resource.flag("active", True),
            public=resource.flag("public"),
            parent_href=parent.href if parent and parent.is_set else None,
            description=resource.formattable("description"),
            status=_title(resource.link("status")),
            can_create_work_packages=resource.has_link("createWorkPackage")
            or resource.has_link("createWorkPackageImmediately")
            or resource.has_link("createWorkPackageImmediate"),
        )


@dataclass(frozen=True, slots=True)
class Named:
    """A status, type, priority, version or category: a named resource with an href."""

    href: str
    id: int | None
    name: str
    color: str | None = None
    is_closed: bool = False

    @classmethod
    def from_hal(cls, resource: Resource) -> Named:
        href = resource.self_href or ""
        return cls(
            href=href,
            id=resource.integer("id") or int_id(href),
            name=resource.text("name") or href,
            color=resource.opt_text("color"),
            is_closed=resource.flag("isClosed"),
        )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a collection: `offset` is the 1-based page number."""

    items: tuple[T, ...]
    total: int
    page_size: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset * self.page_size < self.total if self.page_size else False
