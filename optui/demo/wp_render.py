"""HAL representation of work packages: properties, value and action links, custom field values.

`WorkPackageRenderer` renders many work packages for one response and builds the indexes it needs
(children, spent time, the demo user's watch list) once, lazily, so a page of 1,000 elements costs
dictionary look-ups only. Lists render elements without `_embedded`, as OpenProject does; a single
work package embeds its type, status, priority, project, people, version, category and parent.
"""

from __future__ import annotations

from typing import Any

from optui.demo.hal import Json, action, formattable, iso_duration, link
from optui.demo.model import Demo
from optui.demo.render import (
    API,
    category_json,
    group_json,
    principal_link,
    priority_json,
    project_json,
    project_link,
    ref_link,
    status_json,
    type_json,
    user_json,
    version_json,
)
from optui.demo.store import Record
from optui.demo.wp_schema import (
    LINKED_FORMATS,
    custom_field_key,
    custom_fields_for_type,
    is_milestone,
    schema_href,
)

VALUE_LINKS = (
    ("category", "categories", "category_id"),
    ("type", "types", "type_id"),
    ("priority", "priorities", "priority_id"),
    ("project", "projects", "project_id"),
    ("status", "statuses", "status_id"),
    ("author", "principals", "author_id"),
    ("responsible", "principals", "responsible_id"),
    ("assignee", "principals", "assignee_id"),
    ("version", "versions", "version_id"),
)
"""Link name, link kind and record field of the value links every work package carries."""


def work_package_href(work_package_id: int) -> str:
    return f"{API}/work_packages/{work_package_id}"


def work_package_json(demo: Demo, record: Record) -> Json:
    """The full representation of one work package, with its `_embedded` resources."""
    return WorkPackageRenderer(demo).full(record)


def work_package_link(demo: Demo, work_package_id: int | None) -> Json:
    """A link titled with the subject; `{"href": null}` when unset or invisible."""
    if work_package_id is None:
        return link(None)
    record = demo.visible_work_package(work_package_id)
    if record is None:
        return link(None)
    return link(work_package_href(work_package_id), record["subject"])


def custom_option_json(option: Record) -> Json:
    href = f"{API}/custom_options/{option['id']}"
    return {
        "_type": "CustomOption",
        "id": option["id"],
        "value": option["value"],
        "_links": {"self": link(href, option["value"])},
    }


def principal_json(demo: Demo, principal_id: int) -> Json | None:
    """A user's or a group's representation (groups have ids from 1000 up)."""
    group = demo.store.get("groups", principal_id)
    if group is not None:
        return group_json(group, demo)
    user = demo.store.get("users", principal_id)
    return None if user is None else user_json(demo, user)


class WorkPackageRenderer:
    """Renders work packages for one response; look-ups are built once and shared."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.store = demo.store
        self._children: dict[int, list[Record]] | None = None
        self._spent: dict[int, float] | None = None
        self._watched: set[int] | None = None
        self._rights: dict[int, tuple[bool, bool]] = {}
        self._links: dict[tuple[str, int], Json] = {}
        self._fields: dict[int, list[Record]] = {}
        self._options: dict[int, Record] | None = None

    # look-ups

    def rights(self, project_id: int) -> tuple[bool, bool]:
        """(visible, editable) for the demo user in a project."""
        found = self._rights.get(project_id)
        if found is None:
            project = self.store.get("projects", project_id)
            visible = project is not None and self.demo.can_see_project(project)
            editable = visible and project is not None and self.demo.can_edit_project_work(project)
            found = self._rights[project_id] = (visible, editable)
        return found

    def visible(self, record: Record | None) -> bool:
        return record is not None and self.rights(record["project_id"])[0]

    def children_of(self, work_package_id: int, *, only_visible: bool = True) -> list[Record]:
        if self._children is None:
            index: dict[int, list[Record]] = {}
            for candidate in self.store.all("work_packages"):
                parent_id = candidate.get("parent_id")
                if parent_id is not None:
                    index.setdefault(parent_id, []).append(candidate)
            self._children = index
        children = self._children.get(work_package_id, [])
        return [c for c in children if self.visible(c)] if only_visible else children

    def descendants(self, work_package_id: int) -> list[Record]:
        found: list[Record] = []
        frontier = [work_package_id]
        while frontier:
            for child in self.children_of(frontier.pop(), only_visible=False):
                found.append(child)
                frontier.append(child["id"])
        return found

    def spent_hours(self, work_package_id: int) -> float:
        if self._spent is None:
            spent: dict[int, float] = {}
            for entry in self.store.all("time_entries"):
                target = entry.get("work_package_id")
                if target is not None and entry.get("hours") is not None:
                    spent[target] = spent.get(target, 0.0) + float(entry["hours"])
            self._spent = spent
        return self._spent.get(work_package_id, 0.0)

    def watching(self, work_package_id: int) -> bool:
        if self._watched is None:
            self._watched = {
                w["work_package_id"]
                for w in self.store.all("watchers")
                if w["user_id"] == self.demo.user_id
            }
        return work_package_id in self._watched

    def custom_fields(self, type_id: int) -> list[Record]:
        fields = self._fields.get(type_id)
        if fields is None:
            fields = self._fields[type_id] = custom_fields_for_type(self.store, type_id)
        return fields

    def value_link(self, kind: str, record_id: int | None) -> Json:
        """A titled value link, cached per response (`principals` = users and groups)."""
        if record_id is None:
            return link(None)
        key = (kind, record_id)
        found = self._links.get(key)
        if found is None:
            if kind == "principals":
                found = principal_link(self.demo, record_id)
            elif kind == "projects":
                found = project_link(self.demo, record_id)
            elif kind == "work_packages":
                target = self.store.get("work_packages", record_id)
                found = (
                    link(work_package_href(record_id), target["subject"])
                    if target is not None and self.visible(target)
                    else link(None)
                )
            elif kind == "custom_options":
                if self._options is None:
                    self._options = {o["id"]: o for o in self.store.all("custom_options")}
                option = self._options.get(record_id)
                found = (
                    link(f"{API}/custom_options/{record_id}", option["value"])
                    if option is not None
                    else link(None)
                )
            else:
                found = ref_link(self.demo, kind, record_id)
            self._links[key] = found
        return found

    # representations

    def element(self, record: Record) -> Json:
        """A work package as list elements show it: properties and links, no `_embedded`."""
        type_ = self.store.get("types", record["type_id"])
        status = self.store.get("statuses", record["status_id"])
        milestone = is_milestone(type_)
        body: Json = {
            "_type": "WorkPackage",
            "id": record["id"],
            "lockVersion": record.get("lockVersion", 0),
            "subject": record["subject"],
            "description": formattable(record.get("description")),
            "scheduleManually": record.get("scheduleManually", True),
        }
        derived = self._derived(record)
        if milestone:
            body["date"] = record.get("date") or record.get("startDate") or record.get("dueDate")
        else:
            body["startDate"] = record.get("startDate")
            body["dueDate"] = record.get("dueDate")
            body["derivedStartDate"] = derived["start"]
            body["derivedDueDate"] = derived["due"]
        body["estimatedTime"] = iso_duration(record.get("estimatedHours"))
        body["derivedEstimatedTime"] = iso_duration(derived["work"])
        if record.get("remainingHours") is not None:  # recent servers omit a null one
            body["remainingTime"] = iso_duration(record["remainingHours"])
        body["derivedRemainingTime"] = iso_duration(derived["remaining"])
        if not milestone:
            days = record.get("duration")
            body["duration"] = None if days is None else iso_duration(days * 24)
        body["ignoreNonWorkingDays"] = bool(record.get("ignoreNonWorkingDays", False))
        body["spentTime"] = iso_duration(self.spent_hours(record["id"]))
        body["percentageDone"] = record.get("percentageDone")
        body["derivedPercentageDone"] = derived["percentage"]
        body["readonly"] = bool(status and status.get("isReadonly"))
        body["createdAt"] = record["createdAt"]
        body["updatedAt"] = record["updatedAt"]
        links = self._links_of(record, milestone)
        self._custom_values(record, body, links)
        body["_links"] = links
        return body

    def full(self, record: Record) -> Json:
        """A single work package: the element plus its embedded resources."""
        body = self.element(record)
        links = body.pop("_links")
        store, demo = self.store, self.demo
        embedded: Json = {}
        for name, kind, render in (
            ("type", "types", type_json),
            ("status", "statuses", status_json),
            ("priority", "priorities", priority_json),
        ):
            found = store.get(kind, record[f"{name}_id"])
            if found is not None:
                embedded[name] = render(found)
        project = store.get("projects", record["project_id"])
        if project is not None:
            embedded["project"] = project_json(demo, project)
        for name in ("author", "responsible", "assignee"):
            principal_id = record.get(f"{name}_id")
            person = None if principal_id is None else principal_json(demo, principal_id)
            if person is not None:
                embedded[name] = person
        version = store.get("versions", record.get("version_id") or 0)
        if version is not None:
            embedded["version"] = version_json(demo, version)
        category = store.get("categories", record.get("category_id") or 0)
        if category is not None:
            embedded["category"] = category_json(demo, category)
        parent = store.get("work_packages", record.get("parent_id") or 0)
        if parent is not None and self.visible(parent):
            embedded["parent"] = self.element(parent)
        embedded["customActions"] = []
        body["_embedded"] = embedded
        body["_links"] = links
        return body

    def _derived(self, record: Record) -> dict[str, Any]:
        """Totals over the descendants (null without children), as OpenProject derives them."""
        descendants = self.descendants(record["id"])
        if not descendants:
            return dict.fromkeys(("start", "due", "work", "remaining", "percentage"))
        family = [record, *descendants]
        work = [w["estimatedHours"] for w in family if w.get("estimatedHours") is not None]
        left = [w["remainingHours"] for w in family if w.get("remainingHours") is not None]
        starts = [d for w in descendants if (d := w.get("startDate") or w.get("date"))]
        dues = [d for w in descendants if (d := w.get("dueDate") or w.get("date"))]
        total_work = sum(work) if work else None
        total_left = sum(left) if left else None
        percentage = None
        if total_work:
            done = (total_work - (total_left or 0.0)) / total_work * 100
            percentage = max(0, min(100, round(done)))
        return {
            "start": min(starts) if starts else None,
            "due": max(dues) if dues else None,
            "work": total_work,
            "remaining": total_left,
            "percentage": percentage,
        }

    def _links_of(self, record: Record, milestone: bool) -> Json:
        wp_id = record["id"]
        href = work_package_href(wp_id)
        subject = record["subject"]
        editable = self.rights(record["project_id"])[1]
        links: Json = {
            "self": link(href, subject),
            "schema": link(schema_href(record["project_id"], record["type_id"])),
        }
        if editable:
            links["update"] = action(f"{href}/form")
            links["updateImmediately"] = action(href, "patch")
            links["delete"] = action(href, "delete")
            links["logTime"] = action(f"{API}/time_entries", title=f"Log time on {subject}")
            links["move"] = link(
                f"/work_packages/{wp_id}/move/new", f"Move {subject}", type="text/html"
            )
            links["copy"] = link(
                f"/work_packages/{wp_id}/copy", f"Copy {subject}", type="text/html"
            )
            links["addComment"] = action(f"{href}/activities", title="Add comment")
            links["addRelation"] = action(f"{href}/relations", title="Add relation")
            links["addWatcher"] = action(
                f"{href}/watchers",
                payload={"user": {"href": f"{API}/users/{{user_id}}"}},
                templated=True,
            )
            links["removeWatcher"] = action(
                f"{href}/watchers/{{user_id}}", "delete", templated=True
            )
            links["availableWatchers"] = link(f"{href}/available_watchers")
            links["changeParent"] = action(href, "patch", title=f"Change parent of {subject}")
            if not milestone:
                links["addChild"] = action(
                    f"{API}/projects/{record['project_id']}/work_packages",
                    title=f"Add child of {subject}",
                )
        links["previewMarkup"] = action(f"{API}/render/markdown?context={href}")
        links["activities"] = link(f"{href}/activities")
        links["relations"] = link(f"{href}/relations")
        links["watchers"] = link(f"{href}/watchers")
        me = self.demo.user_id
        if self.watching(wp_id):
            links["unwatch"] = action(f"{href}/watchers/{me}", "delete")
        else:
            links["watch"] = action(
                f"{href}/watchers", payload={"user": {"href": f"{API}/users/{me}"}}
            )
        links["ancestors"] = [
            self.value_link("work_packages", a["id"]) for a in self._ancestors(record)
        ]
        children = self.children_of(wp_id)
        if children:
            links["children"] = [self.value_link("work_packages", c["id"]) for c in children]
        links["customActions"] = []
        for name, kind, field in VALUE_LINKS:
            links[name] = self.value_link(kind, record.get(field))
        links["parent"] = self.value_link("work_packages", record.get("parent_id"))
        return links

    def _ancestors(self, record: Record) -> list[Record]:
        """Visible ancestors, root first."""
        chain: list[Record] = []
        seen = {record["id"]}
        parent = self.store.get("work_packages", record.get("parent_id") or 0)
        while parent is not None and parent["id"] not in seen:
            seen.add(parent["id"])
            if self.visible(parent):
                chain.append(parent)
            parent = self.store.get("work_packages", parent.get("parent_id") or 0)
        return list(reversed(chain))

    def _custom_values(self, record: Record, body: Json, links: Json) -> None:
        """Scalar custom fields as properties, list/user/version ones as links (§7)."""
        values = record.get("custom") or {}
        for field in self.custom_fields(record["type_id"]):
            key = custom_field_key(field)
            value = values.get(str(field["id"]))
            fmt = field["format"]
            if fmt in LINKED_FORMATS:
                links[key] = self.custom_link(field, value)
            elif fmt == "text":
                body[key] = formattable(value)
            else:
                body[key] = value

    def custom_link(self, field: Record, value: Any) -> Any:
        """The `_links` value of a list/user/version custom field (an array when multi)."""
        kind = {"list": "custom_options", "user": "principals", "version": "versions"}[
            field["format"]
        ]
        items = value if isinstance(value, list) else ([] if value is None else [value])
        rendered = [self.value_link(kind, int(item)) for item in items]
        if field.get("multi"):
            return rendered
        return rendered[0] if rendered else link(None)
