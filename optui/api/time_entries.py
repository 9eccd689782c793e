"""Time entries: log time on a work package, a running timer, the week's entries.

Hours travel as ISO 8601 durations (`PT1H30M`); people type `1h 30m`, `1.5h`, `90m`, `1:30`
(`optui.api.durations`). An entry's target is `entity` on newer servers and `workPackage` on
all of them: read `entity`, else `workPackage`; write `workPackage`. The activities a project
allows come from the time entry form's schema (there is no list endpoint), its default too.
A running timer is an entry with `ongoing: true` where the server supports it; stopping it
books the elapsed time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optui.api.cache import SHORT_TTL, ApiCache
from optui.api.client import OpenProjectClient
from optui.api.durations import DurationError, hours_to_iso, iso_to_hours
from optui.api.errors import ApiError
from optui.api.hal import Resource

TIME_ENTRIES = "/api/v3/time_entries"


@dataclass(frozen=True, slots=True)
class Activity:
    href: str
    name: str
    default: bool


@dataclass(frozen=True, slots=True)
class TimeEntry:
    href: str
    id: int | None
    hours: float | None
    """None while a timer runs (or when the server sent something unreadable)."""
    spent_on: str
    comment: str
    ongoing: bool
    work_package_href: str | None
    work_package_title: str
    project_href: str | None
    project_title: str
    activity_href: str | None
    activity: str
    user_href: str | None
    created_at: str | None
    can_update: bool
    can_delete: bool

    @classmethod
    def from_hal(cls, resource: Resource) -> TimeEntry:
        target = resource.link("entity")
        if target is None or not target.href:
            target = resource.link("workPackage")
        project = resource.link("project")
        activity = resource.link("activity")
        user = resource.link("user")
        try:
            hours = iso_to_hours(resource.opt_text("hours"))
        except DurationError:
            hours = None
        return cls(
            href=resource.self_href or "",
            id=resource.integer("id"),
            hours=hours,
            spent_on=resource.text("spentOn"),
            comment=resource.formattable("comment"),
            ongoing=resource.flag("ongoing"),
            work_package_href=target.href if target is not None and target.href else None,
            work_package_title=(target.title or "") if target is not None else "",
            project_href=project.href if project is not None else None,
            project_title=(project.title or "") if project is not None else "",
            activity_href=activity.href if activity is not None and activity.href else None,
            activity=(activity.title or "") if activity is not None else "",
            user_href=user.href if user is not None else None,
            created_at=resource.opt_text("createdAt"),
            can_update=resource.has_link("update") or resource.has_link("updateImmediately"),
            can_delete=resource.has_link("delete"),
        )


@dataclass(frozen=True, slots=True)
class LogForm:
    """What the time entry form says for one work package: activities and the default one."""

    activities: tuple[Activity, ...]
    default_activity: str | None
    activity_required: bool


def _body(
    *,
    work_package_href: str | None = None,
    hours: float | None = None,
    spent_on: dt.date | None = None,
    comment: str | None = None,
    activity_href: str | None = None,
    ongoing: bool | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    links: dict[str, Any] = {}
    if hours is not None:
        body["hours"] = hours_to_iso(hours)
    if spent_on is not None:
        body["spentOn"] = spent_on.isoformat()
    if comment is not None:
        body["comment"] = {"raw": comment}
    if ongoing is not None:
        body["ongoing"] = ongoing
    if work_package_href is not None:
        links["workPackage"] = {"href": work_package_href}
    if activity_href is not None:
        links["activity"] = {"href": activity_href}
    if links:
        body["_links"] = links
    return body


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week that holds `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


class TimeServices:
    """Mixed into `Services`: needs `client` and `cache`."""

    client: OpenProjectClient
    cache: ApiCache

    def _forget_time(self, work_package_href: str | None = None) -> None:
        prefixes = [TIME_ENTRIES]
        if work_package_href:
            prefixes.append(work_package_href)  # its spent time changed
        self.cache.invalidate(lambda key: key.startswith(tuple(prefixes)))

    async def _entries(self, filters: list[Any], force: bool) -> tuple[TimeEntry, ...]:
        params = {"filters": json.dumps(filters), "sortBy": json.dumps([["spent_on", "asc"]])}
        key = ApiCache.key(TIME_ENTRIES, params)

        async def fetch() -> Any:
            return [r.data for r in await self.client.fetch_all(TIME_ENTRIES, params)]

        found = await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force)
        return tuple(TimeEntry.from_hal(Resource(item)) for item in found if isinstance(item, dict))

    async def my_time(
        self, start: dt.date, end: dt.date, *, force: bool = False
    ) -> tuple[TimeEntry, ...]:
        """The user's own entries spent from `start` to `end` (both included)."""
        filters = [
            {"user_id": {"operator": "=", "values": ["me"]}},
            {"spent_on": {"operator": "<>d", "values": [start.isoformat(), end.isoformat()]}},
        ]
        return await self._entries(filters, force)

    async def work_package_time(self, href: str, *, force: bool = False) -> tuple[TimeEntry, ...]:
        """Every visible entry on a work package (the `work_package` filter: every version)."""
        number = href.rstrip("/").rsplit("/", 1)[-1]
        filters = [{"work_package": {"operator": "=", "values": [number]}}]
        return await self._entries(filters, force)

    async def non_working_days(self, start: dt.date, end: dt.date) -> dict[dt.date, str]:
        """The instance's non-working days (holidays) in a range; {} where the API lacks them."""
        filters = [{"date": {"operator": "<>d", "values": [start.isoformat(), end.isoformat()]}}]
        params = {"filters": json.dumps(filters)}
        key = ApiCache.key("/api/v3/days/non_working", params)

        async def fetch() -> Any:
            return [r.data for r in await self.client.fetch_all("/api/v3/days/non_working", params)]

        try:
            found = await self.cache.get(key, fetch, ttl=3600.0)
        except ApiError:  # older servers have no such endpoint: weekends still count
            return {}
        days: dict[dt.date, str] = {}
        for item in found if isinstance(found, list) else []:
            resource = Resource(item) if isinstance(item, dict) else None
            try:
                day = dt.date.fromisoformat(resource.text("date")) if resource else None
            except ValueError:
                day = None
            if day is not None and resource is not None:
                days[day] = resource.text("name")
        return days

    async def log_form(self, work_package_href: str) -> LogForm:
        """The activities time on this work package may be logged under, and the default."""
        answer = await self.client.validate_form(
            f"{TIME_ENTRIES}/form", _body(work_package_href=work_package_href)
        )
        schema = answer.embedded("schema")
        field = schema.get("activity") if schema is not None else None
        activities: list[Activity] = []
        required = False
        if isinstance(field, Mapping):
            spec = Resource(field)
            required = spec.flag("required")
            for value in spec.embedded_list("allowedValues"):
                if value.self_href:
                    activities.append(
                        Activity(value.self_href, value.text("name"), value.flag("default"))
                    )
        payload = answer.embedded("payload")
        chosen = payload.link("activity") if payload is not None else None
        default = chosen.href if chosen is not None and chosen.href else None
        if default is None:
            default = next((a.href for a in activities if a.default), None)
        return LogForm(tuple(activities), default, required)

    async def log_time(
        self,
        work_package_href: str,
        hours: float,
        *,
        spent_on: dt.date,
        comment: str = "",
        activity_href: str | None = None,
    ) -> TimeEntry:
        """Create an entry (sent once, never retried)."""
        body = _body(
            work_package_href=work_package_href,
            hours=hours,
            spent_on=spent_on,
            comment=comment,
            activity_href=activity_href,
        )
        answer = await self.client.write("POST", TIME_ENTRIES, body)
        self._forget_time(work_package_href)
        assert answer is not None
        return TimeEntry.from_hal(answer)

    async def update_time_entry(
        self,
        entry: TimeEntry,
        *,
        hours: float | None = None,
        comment: str | None = None,
        activity_href: str | None = None,
        spent_on: dt.date | None = None,
    ) -> TimeEntry:
        body = _body(hours=hours, comment=comment, activity_href=activity_href, spent_on=spent_on)
        answer = await self.client.write("PATCH", entry.href, body)
        self._forget_time(entry.work_package_href)
        assert answer is not None
        return TimeEntry.from_hal(answer)

    async def delete_time_entry(self, entry: TimeEntry) -> None:
        await self.client.write("DELETE", entry.href)
        self._forget_time(entry.work_package_href)

    async def running_timer(self) -> TimeEntry | None:
        """The user's ongoing entry on the server, if the server has timers and one runs."""
        filters = [
            {"user_id": {"operator": "=", "values": ["me"]}},
            {"ongoing": {"operator": "=", "values": ["t"]}},
        ]
        params = {"filters": json.dumps(filters), "pageSize": 1}
        page = await self.client.get(TIME_ENTRIES, params)
        found = [TimeEntry.from_hal(item) for item in page.elements()]
        return next((entry for entry in found if entry.ongoing), None)

    async def start_server_timer(
        self, work_package_href: str, activity_href: str | None
    ) -> TimeEntry:
        """An ongoing entry on the server (raises where the server does not take one)."""
        body = _body(
            work_package_href=work_package_href,
            spent_on=None,
            activity_href=activity_href,
            ongoing=True,
        )
        answer = await self.client.write("POST", TIME_ENTRIES, body)
        self._forget_time(work_package_href)
        assert answer is not None
        entry = TimeEntry.from_hal(answer)
        if not entry.ongoing:  # a server that ignores `ongoing`: take the booking back
            await self.client.write("DELETE", entry.href)
            raise ApiError("This server does not run timers.")
        return entry

    async def stop_server_timer(self, entry_href: str, hours: float) -> TimeEntry:
        """Stop the server's timer and book `hours` (the local, rounded count)."""
        answer = await self.client.write(
            "PATCH", entry_href, {"ongoing": False, "hours": hours_to_iso(hours)}
        )
        self.cache.invalidate(lambda key: key.startswith(TIME_ENTRIES))
        assert answer is not None
        entry = TimeEntry.from_hal(answer)
        self._forget_time(entry.work_package_href)
        return entry
