"""The in-app notification inbox: notifications grouped by work package, counts, read state.

OpenProject lists notifications one by one; people triage work packages. `inbox()` fetches every
matching notification newest first and groups them client-side into one `InboxRow` per work
package. Marking sends one request per row: the single notification's `read_ian`/`unread_ian`,
or the bulk endpoint filtered to that work package when the row holds several. Every mark
invalidates the notification lists and the unread count, since all of them may have changed.
Ages and date alerts are put in words here, relative to a "now" and "today" the caller gives.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from optui.api.browsing import UNREAD_PARAMS
from optui.api.cache import SHORT_TTL, ApiCache
from optui.api.client import OpenProjectClient
from optui.api.hal import Link, Resource, id_from_href, int_id

NOTIFICATIONS_PATH = "/api/v3/notifications"
NEWEST_FIRST = [["id", "desc"]]
DATE_ALERT = "dateAlert"
REASON_WORDS = {"dateAlert": "date alert"}
"""Reasons said in other words; every other reason, known or not, is shown as it comes."""
DATE_WORDS = {"startDate": "start", "dueDate": "due", "date": "milestone"}


def _state(read: bool) -> dict[str, Any]:
    return {"readIAN": {"operator": "=", "values": ["t" if read else "f"]}}


UNREAD = _state(False)


@dataclass(frozen=True, slots=True)
class Notification:
    """One in-app notification; `can_mark_read`/`can_mark_unread` come from its action links."""

    id: int
    href: str
    reason: str
    read: bool
    created_at: str
    resource_href: str | None
    resource_title: str
    project_href: str | None
    project_title: str
    actor: str | None
    """None for notifications nobody caused (date alerts, reminders)."""
    details: tuple[tuple[str, str], ...]
    """(property, value) pairs of a date alert: `startDate`, `dueDate` or `date` (milestones)."""
    can_mark_read: bool
    can_mark_unread: bool

    @classmethod
    def from_hal(cls, resource: Resource) -> Notification:
        href = resource.self_href or ""
        target = resource.link("resource") or Link(None)
        embedded_target = resource.embedded("resource")
        project = resource.link("project") or Link(None)
        embedded_project = resource.embedded("project")
        return cls(
            id=resource.integer("id") or int_id(href) or 0,
            href=href,
            reason=resource.text("reason") or "unknown",
            read=resource.flag("readIAN"),
            created_at=resource.text("createdAt"),
            resource_href=target.href,
            resource_title=target.title
            or (embedded_target.text("subject") if embedded_target else "")
            or (id_from_href(target.href) or ""),
            project_href=project.href,
            project_title=project.title
            or (embedded_project.text("name") if embedded_project else "")
            or (id_from_href(project.href) or ""),
            actor=_actor(resource),
            details=_details(resource),
            can_mark_read=resource.has_link("readIAN"),
            can_mark_unread=resource.has_link("unreadIAN"),
        )

    def marked(self, read: bool) -> Notification:
        return replace(self, read=read, can_mark_read=not read, can_mark_unread=read)


def _actor(resource: Resource) -> str | None:
    # the spec's examples embed the actor as `author`; real servers say `actor`
    for rel in ("actor", "author"):
        link = resource.link(rel)
        if link is not None and link.href is not None:
            return link.title or _embedded_name(resource, rel) or id_from_href(link.href)
        name = _embedded_name(resource, rel)
        if name:
            return name
    return None


def _embedded_name(resource: Resource, rel: str) -> str | None:
    found = resource.embedded(rel)
    return (found.text("name") or None) if found is not None else None


def _details(resource: Resource) -> tuple[tuple[str, str], ...]:
    # the spec puts `details` at the top level, real servers in `_embedded`: read both
    items = resource.embedded_list("details")
    raw = resource.get("details")
    if not items and isinstance(raw, list):
        items = [Resource(item) for item in raw if isinstance(item, dict)]
    pairs = []
    for item in items:
        prop, value = item.opt_text("property"), item.opt_text("value")
        if prop and value:
            pairs.append((prop, value))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """Every notification about one work package (in the current filter), newest first."""

    resource_href: str
    resource_id: int | None
    resource_title: str
    project_href: str | None
    project_title: str
    notifications: tuple[Notification, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Distinct reasons, newest first."""
        return tuple(dict.fromkeys(n.reason for n in self.notifications))

    @property
    def count(self) -> int:
        return len(self.notifications)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notifications if not n.read)

    @property
    def newest_at(self) -> str:
        return self.notifications[0].created_at

    @property
    def actor(self) -> str | None:
        """Who caused the newest notification (None for a date alert or reminder)."""
        return self.notifications[0].actor

    @property
    def notification_ids(self) -> tuple[int, ...]:
        return tuple(n.id for n in self.notifications)

    @property
    def date_details(self) -> tuple[tuple[str, str], ...]:
        """The details of the newest date alert (the dates it warns about), if any."""
        for notification in self.notifications:
            if notification.reason == DATE_ALERT and notification.details:
                return notification.details
        return ()

    def marked(self, read: bool) -> InboxRow:
        """This row with every notification read (or unread): the optimistic state."""
        return replace(self, notifications=tuple(n.marked(read) for n in self.notifications))


def group_by_work_package(notifications: list[Notification]) -> tuple[InboxRow, ...]:
    """One row per work package, in the order of each one's newest notification."""
    grouped: dict[str, list[Notification]] = {}
    for notification in notifications:
        key = notification.resource_href or notification.href
        grouped.setdefault(key, []).append(notification)
    rows = []
    for key, items in grouped.items():
        items.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        first = items[0]
        rows.append(
            InboxRow(
                resource_href=key,
                resource_id=int_id(first.resource_href),
                resource_title=first.resource_title,
                project_href=first.project_href,
                project_title=first.project_title,
                notifications=tuple(items),
            )
        )
    rows.sort(key=lambda row: (row.newest_at, row.notifications[0].id), reverse=True)
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class ProjectCount:
    """A project with notifications, counted by the server (`groupBy=project`)."""

    href: str
    title: str
    count: int


class InboxServices:
    """Mixed into `Services`: needs `client` and `cache`."""

    client: OpenProjectClient
    cache: ApiCache

    def _inbox_filters(
        self, unread_only: bool, reason: str | None, project_href: str | None
    ) -> list[Any]:
        found: list[Any] = [UNREAD] if unread_only else []
        if reason:
            found.append({"reason": {"operator": "=", "values": [reason]}})
        if project_href:
            found.append({"project": {"operator": "=", "values": [self._project_id(project_href)]}})
        return found

    def _project_id(self, href: str) -> str:
        """The id the project filter wants (a project href may carry the identifier)."""
        number = int_id(href)
        if number is not None:
            return str(number)
        known = self.cache.resource(href)
        value = known.get("id") if known else None
        return str(value) if isinstance(value, int) else (id_from_href(href) or href)

    def _inbox_params(
        self, unread_only: bool, reason: str | None, project_href: str | None
    ) -> dict[str, Any]:
        return {
            "filters": self._inbox_filters(unread_only, reason, project_href),
            "sortBy": NEWEST_FIRST,
        }

    def peek_inbox(
        self, *, unread_only: bool, reason: str | None, project_href: str | None
    ) -> tuple[InboxRow, ...] | None:
        """The rows from memory, if this inbox was fetched before (painted at once)."""
        params = self._inbox_params(unread_only, reason, project_href)
        entry = self.cache.peek(ApiCache.key(NOTIFICATIONS_PATH, {**params, "all": "1"}))
        return None if entry is None else _rows(entry.value)

    async def inbox(
        self,
        *,
        unread_only: bool,
        reason: str | None,
        project_href: str | None,
        force: bool = False,
    ) -> tuple[InboxRow, ...]:
        """Every matching notification (newest first), one row per work package."""
        params = self._inbox_params(unread_only, reason, project_href)

        async def fetch() -> Any:
            return [r.data for r in await self.client.fetch_all(NOTIFICATIONS_PATH, params)]

        key = ApiCache.key(NOTIFICATIONS_PATH, {**params, "all": "1"})
        return _rows(await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force))

    async def _grouped(self, group_by: str, filters: list[Any], force: bool) -> Resource:
        params = {"filters": filters, "groupBy": group_by, "pageSize": 1}

        async def fetch() -> Any:
            return (await self.client.get(NOTIFICATIONS_PATH, params)).data

        key = ApiCache.key(NOTIFICATIONS_PATH, params)
        return Resource(await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force))

    async def inbox_counts(
        self, *, unread_only: bool, project_href: str | None = None, force: bool = False
    ) -> dict[str, int]:
        """Notifications per reason, counted by the server over all matches (`groupBy=reason`)."""
        filters = self._inbox_filters(unread_only, None, project_href)
        counts: dict[str, int] = {}
        for group in _groups(await self._grouped("reason", filters, force)):
            value, count = group.get("value"), group.get("count")
            if isinstance(value, str) and isinstance(count, int):
                counts[value] = counts.get(value, 0) + count
        return counts

    async def inbox_projects(
        self, *, unread_only: bool, reason: str | None = None, force: bool = False
    ) -> tuple[ProjectCount, ...]:
        """Projects with notifications and their counts (`groupBy=project`)."""
        filters = self._inbox_filters(unread_only, reason, None)
        found = []
        for group in _groups(await self._grouped("project", filters, force)):
            links = Resource(group).links("valueLink")
            value, count = group.get("value"), group.get("count")
            if not links or links[0].href is None or not isinstance(count, int):
                continue
            title = value if isinstance(value, str) else links[0].title or links[0].href
            found.append(ProjectCount(links[0].href, title, count))
        return tuple(found)

    async def unread_total(self) -> int:
        """Unread notifications, fresh from the server.

        A count request: `pageSize=1`, only `total` is read. Not `pageSize=0`: older servers
        treated 0 as "the maximum" and would send every notification.
        """

        async def fetch() -> Any:
            return (await self.client.get(NOTIFICATIONS_PATH, UNREAD_PARAMS)).data

        key = ApiCache.key(NOTIFICATIONS_PATH, UNREAD_PARAMS)
        body = await self.cache.get(key, fetch, ttl=SHORT_TTL, force=True, partial=True)
        return Resource(body).integer("total") or 0

    async def mark_read(self, row: InboxRow, read: bool) -> None:
        """Mark the row's notifications read (or unread again); sent once, never retried.

        One notification: its own `read_ian`/`unread_ian`. Several: the bulk endpoint filtered
        to this work package, to the notifications in the other state and to the row's ids
        (so notifications that arrived since the list was fetched keep their state).
        """
        pending = [n for n in row.notifications if n.read != read]
        if not pending:
            return
        verb = "read_ian" if read else "unread_ian"
        if len(row.notifications) == 1:
            await self.client.write("POST", f"{NOTIFICATIONS_PATH}/{pending[0].id}/{verb}")
        else:
            filters: list[Any] = [
                {"resourceId": {"operator": "=", "values": [str(row.resource_id)]}},
                {"resourceType": {"operator": "=", "values": ["WorkPackage"]}},
                _state(not read),
                {"id": {"operator": "=", "values": [str(n.id) for n in pending]}},
            ]
            if row.resource_id is None:  # not a work package: the ids alone say which
                filters = filters[2:]
            await self._bulk(verb, filters)
        self._forget_notifications()

    async def mark_all_read(self) -> None:
        """Every unread notification of the user read (one bulk request)."""
        await self._bulk("read_ian", [UNREAD])
        self._forget_notifications()

    async def _bulk(self, verb: str, filters: list[Any]) -> None:
        query = urlencode({"filters": json.dumps(filters, separators=(",", ":"))})
        # bodiless, but the client still sends a Content-Type (else 406)
        await self.client.write("POST", f"{NOTIFICATIONS_PATH}/{verb}?{query}")

    def _forget_notifications(self) -> None:
        """Lists, counts and the unread badge: all are notification keys."""
        self.cache.invalidate(lambda key: key.split("?", 1)[0] == NOTIFICATIONS_PATH)


# in words (plain strings, like `durations.py`: the UI cleans and styles them)


def plural(count: int, word: str) -> str:
    """`1 day`, `3 days`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def reason_text(reason: str) -> str:
    """A reason in words (`dateAlert` → date alert); unknown reasons as they come."""
    return REASON_WORDS.get(reason, reason)


def age_text(created_at: str, now: dt.datetime) -> str:
    """How long ago, in words that fit a column ("3 min ago", "yesterday", a date)."""
    try:
        moment = dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days < 30 else moment.date().isoformat()


def date_alert_text(details: tuple[tuple[str, str], ...], today: dt.date) -> str:
    """What a date alert warns about: "due 2026-11-01 · overdue by 1 day"."""
    parts = []
    for prop, value in details:
        label = DATE_WORDS.get(prop, prop)
        try:
            days = (dt.date.fromisoformat(value[:10]) - today).days
        except ValueError:
            parts.append(f"{label} {value}")
            continue
        if days == 0:
            when = "today"
        elif days > 0:
            when = f"in {plural(days, 'day')}"
        elif prop == "startDate":
            when = f"{plural(-days, 'day')} ago"
        else:
            when = f"overdue by {plural(-days, 'day')}"
        parts.append(f"{label} {value} · {when}")
    return "; ".join(parts)


def _rows(value: Any) -> tuple[InboxRow, ...]:
    items = value if isinstance(value, list) else []
    found = [Notification.from_hal(Resource(item)) for item in items if isinstance(item, dict)]
    return group_by_work_package(found)


def _groups(body: Resource) -> list[dict[str, Any]]:
    raw = body.get("groups")
    return [group for group in raw if isinstance(group, dict)] if isinstance(raw, list) else []
