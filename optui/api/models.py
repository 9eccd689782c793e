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


def _link_title(resource: Resource, rel: str) -> str | None:
    return _title(resource.link(rel))


def _link_href(resource: Resource, rel: str) -> str | None:
    link = resource.link(rel)
    return link.href if link is not None and link.is_set and not link.undisclosed else None


@dataclass(frozen=True, slots=True)
class WorkPackage:
    """A work package as lists and the detail header show it (from link titles, no lookups)."""

    href: str
    id: int | None
    display_id: str
    """`displayId` where the server has one (e.g. PROJ-42), else `#id`; never used in URLs."""
    subject: str
    type: str | None
    status: str | None
    status_href: str | None
    assignee: str | None
    assignee_href: str | None
    responsible: str | None
    priority: str | None
    version: str | None
    project: str | None
    project_href: str | None
    parent: str | None
    parent_href: str | None
    start_date: str | None
    due_date: str | None
    is_milestone: bool
    percentage_done: int | None
    lock_version: int | None
    updated_at: str | None
    created_at: str | None
    description: str
    author: str | None
    resource: Resource
    """The HAL object itself, for the detail view's schema-driven fields."""

    @classmethod
    def from_hal(cls, resource: Resource) -> WorkPackage:
        href = resource.self_href or ""
        wp_id = resource.integer("id") or int_id(href)
        display = resource.opt_text("displayId") or (f"#{wp_id}" if wp_id is not None else "#?")
        milestone_date = resource.opt_text("date")
        start, due = resource.opt_text("startDate"), resource.opt_text("dueDate")
        is_milestone = "date" in resource.data and "startDate" not in resource.data
        if is_milestone:
            start = due = milestone_date
        return cls(
            href=href,
            id=wp_id,
            display_id=display,
            subject=resource.text("subject"),
            type=_link_title(resource, "type"),
            status=_link_title(resource, "status"),
            status_href=_link_href(resource, "status"),
            assignee=_link_title(resource, "assignee"),
            assignee_href=_link_href(resource, "assignee"),
            responsible=_link_title(resource, "responsible"),
            priority=_link_title(resource, "priority"),
            version=_link_title(resource, "version"),
            project=_link_title(resource, "project"),
            project_href=_link_href(resource, "project"),
            parent=_link_title(resource, "parent"),
            parent_href=_link_href(resource, "parent"),
            start_date=start,
            due_date=due,
            is_milestone=is_milestone,
            percentage_done=resource.integer("percentageDone"),
            lock_version=resource.integer("lockVersion"),
            updated_at=resource.opt_text("updatedAt"),
            created_at=resource.opt_text("createdAt"),
            description=resource.formattable("description"),
            author=_link_title(resource, "author"),
            resource=resource,
        )


@dataclass(frozen=True, slots=True)
class Activity:
    """One journal entry: a comment, attribute changes, or both."""

    href: str
    user: str | None
    created_at: str | None
    comment: str
    details: tuple[str, ...]
    """Change lines as the server words them ("Status changed from New to In progress")."""
    internal: bool
    version: int | None
    editable: bool = False
    """The user may edit this comment (the server sent an `update` link)."""

    @classmethod
    def from_hal(cls, resource: Resource) -> Activity:
        raw_details = resource.get("details")
        details: list[str] = []
        if isinstance(raw_details, list):
            for item in raw_details:
                if isinstance(item, dict) and isinstance(item.get("raw"), str):
                    details.append(item["raw"])
        return cls(
            href=resource.self_href or "",
            user=_link_title(resource, "user"),
            created_at=resource.opt_text("createdAt"),
            comment=resource.formattable("comment"),
            details=tuple(details),
            internal=resource.flag("internal"),
            version=resource.integer("version"),
            editable=resource.has_link("update"),
        )


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation seen from one work package: its kind in words and the other end."""

    href: str
    type: str
    description: str
    other_href: str | None
    other_title: str | None

    @classmethod
    def from_hal(cls, resource: Resource, seen_from: str) -> Relation:
        from_link, to_link = resource.link("from"), resource.link("to")
        outgoing = from_link is not None and from_link.href == seen_from
        other = to_link if outgoing else from_link
        kind = (
            resource.text("type")
            if outgoing
            else (resource.text("reverseType") or resource.text("type"))
        )
        return cls(
            href=resource.self_href or "",
            type=kind.replace("_", " "),
            description=resource.formattable("description"),
            other_href=other.href if other else None,
            other_title=_title(other),
        )


@dataclass(frozen=True, slots=True)
class SavedView:
    """A saved query: a named list of work packages (filters, sort, grouping)."""

    href: str
    id: int | None
    name: str
    public: bool
    starred: bool
    project_href: str | None
    filters: tuple[dict[str, object], ...]
    sort_by: tuple[tuple[str, str], ...]
    group_by: str | None

    @classmethod
    def from_hal(cls, resource: Resource) -> SavedView:
        filters: list[dict[str, object]] = []
        raw_filters = resource.get("filters")
        for item in raw_filters if isinstance(raw_filters, list) else []:
            parsed = _query_filter(Resource(item)) if isinstance(item, dict) else None
            if parsed is not None:
                filters.append(parsed)
        sort_by: list[tuple[str, str]] = []
        for link in resource.links("sortBy"):
            segment = id_from_href(link.href) or ""
            column, _, direction = segment.rpartition("-")
            if column and direction in ("asc", "desc"):
                sort_by.append((column, direction))
        group = resource.link("groupBy")
        return cls(
            href=resource.self_href or "",
            id=resource.integer("id"),
            name=resource.text("name") or "Untitled",
            public=resource.flag("public"),
            starred=resource.flag("starred"),
            project_href=_link_href(resource, "project"),
            filters=tuple(filters),
            sort_by=tuple(sort_by),
            group_by=id_from_href(group.href) if group and group.href else None,
        )


def _query_filter(item: Resource) -> dict[str, object] | None:
    """One filter of a saved query back into the filters JSON of a list request."""
    name = id_from_href((item.link("filter") or Link(None)).href)
    operator = id_from_href((item.link("operator") or Link(None)).href)
    if not name or operator is None:
        return None
    raw_values = item.get("values")
    if isinstance(raw_values, list) and raw_values:
        values = [str(v) for v in raw_values]
    else:
        values = [id_from_href(link.href) or "" for link in item.links("values") if link.href]
    return {name: {"operator": operator, "values": values}}
