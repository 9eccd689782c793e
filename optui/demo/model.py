"""Record shapes of the demo server, and the rules of who may see and do what.

Records are plain dicts stored by `Store` under a kind. Field names follow the API's camelCase
where the API has the same property; links to other records are `<name>_id` fields. Dates are
ISO strings (`YYYY-MM-DD`), times ISO 8601 UTC strings (`2026-11-02T09:00:00Z`).

users            id, login, firstName, lastName, email, admin, status, language, group_ids,
                 createdAt, updatedAt
groups           id, name, member_ids, createdAt, updatedAt
projects         id, identifier, name, description (raw markdown), public, active, parent_id,
                 status_code (on_track/at_risk/off_track/None), type_ids, member_ids,
                 createdAt, updatedAt
statuses         id, name, isClosed, isDefault, isReadonly, color, position, defaultDoneRatio
types            id, name, color, position, isDefault, isMilestone, createdAt, updatedAt
priorities       id, name, color, position, isDefault, isActive
versions         id, project_id, name, description, status (open/locked/closed), sharing,
                 startDate, endDate, createdAt, updatedAt
categories       id, project_id, name, assignee_id
custom_fields    id, name, format (string/text/int/float/bool/date/list/user/version/link),
                 multi, required, type_ids ([] = every type), min_length, max_length, position
custom_options   id, custom_field_id, value, position
work_packages    id, subject, description, project_id, type_id, status_id, priority_id,
                 author_id, assignee_id, responsible_id, version_id, category_id, parent_id,
                 startDate, dueDate, date (milestones), duration (working days), estimatedHours,
                 remainingHours, percentageDone, lockVersion, createdAt, updatedAt,
                 custom ({"<custom field id>": value}: str, int, float, bool, date str, option /
                 user / version id, or a list of ids for multi-value fields)
journals         id, work_package_id, user_id, version, notes (raw markdown), details (list of
                 raw lines such as "Status changed from New to In progress"), internal,
                 createdAt, updatedAt
relations        id, from_id, to_id, type, description, lag
watchers         id, work_package_id, user_id
queries          id, name, project_id, user_id, public, starred, hidden, filters (API filter
                 JSON), sortBy ([[column, dir]]), groupBy, columns, showSums, createdAt, updatedAt
grids            id, name, scope, rowCount, columnCount, options, widgets (list of
                 {identifier, startRow, endRow, startColumn, endColumn, options}), user_id,
                 createdAt, updatedAt
notifications    id, user_id, reason, read, work_package_id, project_id, actor_id, journal_id,
                 details ([{property, value}]), createdAt, updatedAt
time_entries     id, user_id, project_id, work_package_id, activity_id, hours (float), spentOn,
                 comment, ongoing, createdAt, updatedAt
time_entry_activities  id, name, position, default, active
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from optui.demo.store import Record, Store

DEMO_USER_ID = 1
"""The account that the demo's API key belongs to."""

MILESTONE = "isMilestone"


@dataclass
class Demo:
    """What every route handler needs: the store and the fixed facts of this server."""

    store: Store
    api_key: str
    user_id: int = DEMO_USER_ID
    today: Callable[[], dt.date] = field(default=dt.date.today)
    """The server's idea of today: tests fix it so relative dates stay stable."""

    # who may see and do what: the demo user is a member (and may edit) where listed in
    # a project's member_ids, may read public projects, and sees nothing else.

    def user(self) -> Record:
        user = self.store.get("users", self.user_id)
        assert user is not None
        return user

    def is_admin(self) -> bool:
        return bool(self.user().get("admin"))

    def is_member(self, project: Record) -> bool:
        return self.is_admin() or self.user_id in project.get("member_ids", [])

    def can_see_project(self, project: Record) -> bool:
        return bool(project.get("public")) or self.is_member(project)

    def can_edit_project_work(self, project: Record) -> bool:
        return self.is_member(project) and bool(project.get("active", True))

    def visible_project(self, project_id: int | None) -> Record | None:
        if project_id is None:
            return None
        project = self.store.get("projects", project_id)
        if project is None or not self.can_see_project(project):
            return None
        return project

    def visible_projects(self) -> list[Record]:
        return [p for p in self.store.all("projects") if self.can_see_project(p)]

    def visible_work_package(self, work_package_id: int) -> Record | None:
        work_package = self.store.get("work_packages", work_package_id)
        if work_package is None or self.visible_project(work_package["project_id"]) is None:
            return None
        return work_package

    def lookup(self, kind: str, record_id: Any) -> Record | None:
        """A record by an id that may come from a URL or a payload (str or int)."""
        try:
            return self.store.get(kind, int(record_id))
        except (TypeError, ValueError):
            return None
