"""One work package, read-only: fields from its schema (custom fields included), the description
as markdown, relations, parent and children, watchers, attachments and the activity timeline.

`y` copies the work package's web URL (OSC 52: works over SSH), `o` opens it in a browser.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

from optui.api import ApiError, NotFound
from optui.api.durations import format_hours, format_iso
from optui.api.hal import Resource
from optui.api.models import Activity, Relation, User, WorkPackage
from optui.api.time_entries import TimeEntry
from optui.ui.markdown import MarkdownView
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.detail_actions import DetailCollaboration

NO_VALUE = "\N{EN DASH}"
SUBJECT_SHOWN = 160
"""Characters of the subject the header shows (the edit form has all of it)."""
"""Shown for a field without a value."""
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "lockVersion",
        "subject",
        "description",
        "_type",
        "_dependencies",
        "_attributeGroups",
        "_links",
        "attachments",
        "readonly",
    }
)
"""Schema properties the detail view shows elsewhere, or never."""
FIRST_FIELDS = ("type", "status", "priority", "assignee", "responsible")
"""Shown first whatever the schema's groups say, as the web UI's header does."""
FALLBACK_FIELDS: dict[str, tuple[str, str]] = {
    "type": ("Type", ""),
    "status": ("Status", ""),
    "assignee": ("Assignee", ""),
    "responsible": ("Accountable", ""),
    "priority": ("Priority", ""),
    "version": ("Version", ""),
    "category": ("Category", ""),
    "project": ("Project", ""),
    "parent": ("Parent", ""),
    "startDate": ("Start date", "Date"),
    "dueDate": ("Finish date", "Date"),
    "date": ("Date", "Date"),
    "duration": ("Duration", "Duration"),
    "estimatedTime": ("Work", "Duration"),
    "remainingTime": ("Remaining work", "Duration"),
    "spentTime": ("Spent time", "Duration"),
    "percentageDone": ("% Complete", "Integer"),
    "author": ("Author", ""),
    "createdAt": ("Created on", "DateTime"),
    "updatedAt": ("Updated on", "DateTime"),
}
"""Labels and types of the core fields, for when the schema is not (yet) at hand: offline, or
a server that would not send it (the web UI's English names)."""


def value_text(resource: Resource, name: str, field: dict[str, Any]) -> str:
    """A property of a work package as text, whatever its schema type."""
    kind = str(field.get("type", ""))
    if field.get("location") == "_links" or resource.has_link(name):
        titles = [
            "(hidden)" if link.undisclosed else (link.title or link.href or "")
            for link in resource.links(name)
            if link.href
        ]
        return ", ".join(one_line(t) for t in titles) or NO_VALUE
    raw = resource.get(name)
    if raw is None or raw == "":
        return NO_VALUE
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, dict):
        return one_line(str(raw.get("raw") or "")) or NO_VALUE
    if isinstance(raw, list):
        return ", ".join(one_line(str(item)) for item in raw) or NO_VALUE
    if kind == "Duration":
        if name == "duration":  # working days, not hours
            days = re.fullmatch(r"P(\d+)D", str(raw))
            return f"{days.group(1)} working days" if days else one_line(str(raw))
        return format_iso(str(raw)) or NO_VALUE
    if kind == "DateTime" and isinstance(raw, str):
        return raw.replace("T", " ").removesuffix("Z")[:16]
    if name == "percentageDone":
        return f"{raw}%"
    return one_line(str(raw))


def field_rows(resource: Resource, schema: Resource | None) -> list[tuple[str, str]]:
    """(label, value) pairs in the schema's order; labels from the schema (custom fields too)."""
    if schema is None:
        return [
            (label, value_text(resource, name, {"type": kind} if kind else {}))
            for name, (label, kind) in FALLBACK_FIELDS.items()
            if name in resource.data or resource.has_link(name)
        ]
    order: list[str] = []
    groups = schema.get("_attributeGroups")
    for group in groups if isinstance(groups, list) else []:
        attributes = group.get("attributes") if isinstance(group, dict) else None
        for attribute in attributes if isinstance(attributes, list) else []:
            if isinstance(attribute, str) and attribute not in order:
                order.append(attribute)
    order = [*FIRST_FIELDS, *(name for name in order if name not in FIRST_FIELDS)]
    rest = [key for key in schema.data if key not in order and not key.startswith("_")]
    rows: list[tuple[str, str]] = []
    for name in order + rest:
        field = schema.get(name)
        if name in HIDDEN_FIELDS or not isinstance(field, dict):
            continue
        if name not in resource.data and not resource.has_link(name):
            continue  # e.g. startDate of a milestone
        rows.append((str(field.get("name") or name), value_text(resource, name, field)))
    return rows


class DetailScreen(DetailCollaboration):
    """Everything about one work package, loaded in parallel workers."""

    AUTO_FOCUS = "#detail-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "copy_url",
            "Copy URL",
            id="detail.copy-url",
            tooltip="Copy the work package's web address (works over SSH)",
        ),
        Binding(
            "o",
            "open_browser",
            "Browser",
            id="detail.open-browser",
            tooltip="Open in the web browser",
        ),
        Binding("r", "refresh", "Refresh", id="detail.refresh", tooltip="Reload"),
        Binding("escape", "back", "Back", id="detail.back", tooltip="Back"),
        Binding("c", "comment", "Comment", id="detail.comment", tooltip="Add a comment"),
        Binding(
            "C",
            "edit_comment",
            "Edit comment",
            id="detail.edit-comment",
            show=False,
            tooltip="Edit your latest comment",
        ),
        Binding("w", "watch", "Watch", id="detail.watch", tooltip="Watch or stop watching"),
        Binding(
            "W",
            "watchers",
            "Watchers",
            id="detail.watchers",
            show=False,
            tooltip="Add or remove watchers",
        ),
        Binding(
            "U",
            "unrelate",
            "Unrelate",
            id="detail.unrelate",
            show=False,
            tooltip="Remove a relation",
        ),
        Binding(
            "H",
            "parent",
            "Parent",
            id="detail.parent",
            show=False,
            tooltip="Set or remove the parent work package",
        ),
        Binding(
            "R",
            "relate",
            "Relate",
            id="detail.relate",
            show=False,
            tooltip="Add a relation to another work package",
        ),
        Binding(
            "X",
            "delete",
            "Delete",
            id="detail.delete",
            show=False,
            tooltip="Delete this work package (asks first)",
        ),
        Binding("j", "scroll(1)", "Down", show=False, id="detail.down", tooltip="Scroll down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="detail.up", tooltip="Scroll up"),
    ]

    def __init__(self, href: str) -> None:
        super().__init__(classes="detail")
        self.href = href
        self.work_package: WorkPackage | None = None
        self.schema: Resource | None = None
        self.header = Static(id="detail-header")
        self.fields = Static(id="detail-fields")
        self.description = MarkdownView(id="detail-description")
        self.relations = Static(id="detail-relations")
        self.watchers_line = Static(id="detail-watchers")
        self.time_lines = Static(id="detail-time")
        self.activity = Vertical(id="detail-activity")
        self.notice = Static(id="detail-notice")

    def compose_body(self) -> ComposeResult:
        yield self.header
        with VerticalScroll(id="detail-body"):
            yield self.notice
            yield self.fields
            yield Static(Content.styled("Description", "bold"), classes="detail-heading")
            yield self.description
            yield Static(Content.styled("Relations", "bold"), classes="detail-heading")
            yield self.relations
            yield self.watchers_line
            yield Static(Content.styled("Spent time", "bold"), classes="detail-heading")
            yield self.time_lines
            yield Static(Content.styled("Activity", "bold"), classes="detail-heading")
            yield self.activity

    def on_mount(self) -> None:
        self.notice.display = False
        known = self.services.peek_work_package(self.href)
        if known is not None:
            self.show_work_package(known)
        else:
            self.header.update(Content("Loading…"))
        self.load()

    @property
    def web_url(self) -> str:
        number = self.work_package.id if self.work_package else self.href.rsplit("/", 1)[-1]
        return f"{self.services.base_url}/work_packages/{number}"

    @work(exclusive=True, group="detail-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        try:
            async for work_package in self.services.stream_work_package(self.href, force=force):
                self.show_work_package(work_package)
        except NotFound:
            self.header.update(Content("Not found"))
            self.say("This work package does not exist or is not visible to you.")
            return
        except ApiError as error:
            self.post_message(ApiFailed(error))
            if self.work_package is None:  # nothing known: say so, not "Loading…" for ever
                self.header.update(Content("Not loaded"))
                self.say(f"Not loaded: {error} r tries again.")
            return
        self.load_schema()
        self.load_activity(force)
        self.load_related(force)

    def say(self, text: str) -> None:
        self.notice.update(Content(clean(text)))
        self.notice.display = bool(text)

    def show_work_package(self, work_package: WorkPackage) -> None:
        first_paint = self.work_package is None
        self.work_package = work_package
        facts = " · ".join(
            one_line(part)
            for part in (
                work_package.display_id,
                work_package.type,
                work_package.status,
                work_package.project,
            )
            if part
        )
        url = self.web_url
        shown = clean("…/" + url.split("/", 3)[-1]) if "://" in url else clean(url)
        link = (  # an OSC 8 hyperlink: terminals that know it open the browser on click
            Content.styled(shown, Style(link=url, dim=True))
            if url.startswith(("http://", "https://"))
            else Content.styled(shown, "dim")
        )
        subject = one_line(work_package.subject) or "(no subject)"
        if len(subject) > SUBJECT_SHOWN:  # OpenProject allows 255; a longer one keeps to 2 lines
            subject = subject[: SUBJECT_SHOWN - 1] + "…"
        self.header.update(
            Content.assemble(
                Content.styled(subject, "bold"),
                "\n",
                Content(facts),
                "  ",
                link,
            )
        )
        self.fields.update(self._fields(field_rows(work_package.resource, self.schema)))
        if first_paint or self.description.text != work_package.description:
            self.run_worker(
                self.description.show(work_package.description),
                exclusive=True,
                group="detail-description",
            )

    def _fields(self, rows: list[tuple[str, str]]) -> Content:
        width = max((len(label) for label, _ in rows), default=0) + 2
        lines = [
            Content.assemble(Content.styled(clean(label).ljust(width), "dim"), Content(value))
            for label, value in rows
        ]
        return Content("\n").join(lines)

    @work(exclusive=True, group="detail-schema", exit_on_error=False)
    async def load_schema(self) -> None:
        work_package = self.work_package
        schema_link = work_package.resource.link("schema") if work_package else None
        if work_package is None or schema_link is None or not schema_link.href:
            return
        try:
            schema = await self.services.schema(schema_link.href)
        except ApiError:
            return  # the fallback field list stays
        self.schema = schema
        self.fields.update(self._fields(field_rows(work_package.resource, schema)))

    @work(exclusive=True, group="detail-activity", exit_on_error=False)
    async def load_activity(self, force: bool = False) -> None:
        try:
            activities = await self.services.activities(self.href, force=force)
        except ApiError as error:
            await self.activity.remove_children()
            await self.activity.mount(
                Static(Content(clean(f"Activity could not be loaded: {error}")))
            )
            return
        await self.show_activity(activities)

    async def show_activity(self, activities: tuple[Activity, ...]) -> None:
        """The timeline, oldest first like the web UI; comments rendered as markdown."""
        entries: list[Widget] = []
        for activity in activities:
            entries.append(Static(activity_head(activity), classes="activity-head"))
            if activity.comment:
                entries.append(
                    MarkdownView(activity.comment, placeholder="", classes="activity-comment")
                )
        if not entries:
            entries.append(Static(Content.styled("No activity.", "dim")))
        await self.activity.remove_children()
        await self.activity.mount_all(entries)

    @work(exclusive=True, group="detail-related", exit_on_error=False)
    async def load_related(self, force: bool = False) -> None:
        self.load_time(force)  # in parallel with the three below, which go out together
        try:
            relations, children, watchers = await asyncio.gather(
                self.services.relations(self.href, force=force),
                self.services.children(self.href, force=force),
                self.services.watchers(self.href, force=force),
            )
        except ApiError as error:
            self.relations.update(Content(clean(f"Could not be loaded: {error}")))
            return
        self.relations.update(related_text(self.work_package, relations, children))
        self.watchers_line.update(watchers_text(watchers, self.work_package))

    @work(exclusive=True, group="detail-time", exit_on_error=False)
    async def load_time(self, force: bool = False) -> None:
        try:
            entries = await self.services.work_package_time(self.href, force=force)
        except ApiError as error:
            self.time_lines.update(Content(clean(f"Could not be loaded: {error}")))
            return
        self.time_lines.update(time_text(entries))

    def after_time_logged(self) -> None:
        self.load(force=True)  # the spent time field
        self.load_time(True)

    def selected_work_package(self) -> WorkPackage | None:
        return self.work_package

    def after_quick_edit(self, saved: WorkPackage) -> None:
        self.show_work_package(saved)
        self.load(force=True)

    def on_screen_resume(self) -> None:
        if self.work_package is not None:  # back from the form: show what was saved
            known = self.services.peek_work_package(self.href)
            if known is not None and known.lock_version != self.work_package.lock_version:
                self.show_work_package(known)
                self.load_activity(True)

    def action_copy_url(self) -> None:
        self.app.copy_to_clipboard(self.web_url)
        self.notify(f"Copied {self.web_url}", markup=False)

    def action_open_browser(self) -> None:
        self.app.open_url(self.web_url)

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll(self, step: int) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_relative(y=step, animate=False)

    def on_connection_changed(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)


def related_text(
    work_package: WorkPackage | None,
    relations: tuple[Relation, ...],
    children: tuple[WorkPackage, ...],
) -> Content:
    lines: list[Content] = []
    if work_package is not None and work_package.parent:
        lines.append(
            Content.assemble(
                Content.styled("parent   ", "dim"), Content(one_line(work_package.parent))
            )
        )
    for child in children:
        lines.append(
            Content.assemble(
                Content.styled("child    ", "dim"),
                Content(f"{child.display_id} {one_line(child.subject)} ({one_line(child.status)})"),
            )
        )
    for relation in relations:
        lines.append(
            Content.assemble(
                Content.styled(f"{one_line(relation.type):<9}", "dim"),
                Content(one_line(relation.other_title) or one_line(relation.other_href)),
            )
        )
    attachments = work_package.resource.embedded_list("attachments") if work_package else []
    for attachment in attachments:
        name = attachment.text("fileName") or attachment.text("title") or "attachment"
        lines.append(Content.assemble(Content.styled("file     ", "dim"), Content(one_line(name))))
    return Content("\n").join(lines) if lines else Content.styled("None.", "dim")


def watchers_text(watchers: tuple[User, ...], work_package: WorkPackage | None) -> Content:
    names = ", ".join(one_line(user.name) for user in watchers) or "nobody"
    return Content.assemble(Content.styled("Watchers ", "dim"), Content(names))


def activity_head(activity: Activity) -> Content:
    """Who, when, and the attribute changes of one journal entry."""
    when = (activity.created_at or "").replace("T", " ").removesuffix("Z")[:16]
    head = Content.assemble(
        Content.styled(one_line(activity.user) or "System", "bold"),
        Content.styled(f"  {when}", "dim"),
        Content.styled("  internal", "italic") if activity.internal else "",
    )
    lines = [head]
    lines += [Content.styled(f"  · {one_line(line)}", "dim") for line in activity.details]
    return Content("\n").join(lines)


def time_text(entries: tuple[TimeEntry, ...]) -> Content:
    """The work package's time entries, newest day first, with their sum."""
    booked = [e for e in entries if not e.ongoing]
    if not booked:
        return Content.styled("No time logged. t logs some, T starts a timer.", "dim")
    total = sum(e.hours or 0.0 for e in booked)
    lines = [Content.styled(f"{format_hours(total)} in {len(booked)} entries", "bold")]
    for entry in sorted(booked, key=lambda e: e.spent_on, reverse=True)[:20]:
        comment = f"  {one_line(entry.comment)}" if entry.comment else ""
        lines.append(
            Content(
                clean(
                    f"{entry.spent_on}  {format_hours(entry.hours):>7}  "
                    f"{one_line(entry.activity)}{comment}"
                )
            )
        )
    if len(booked) > 20:
        lines.append(Content.styled(f"… and {len(booked) - 20} older (:time shows a week)", "dim"))
    return Content("\n").join(lines)
