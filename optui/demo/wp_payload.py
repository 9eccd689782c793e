"""Parsing what a work package write sends: links, properties, custom fields and dates.

Each `apply_*` function takes one value of a payload, stores it on the candidate record of an
`Outcome`, or records the 422 OpenProject answers (PropertyFormatError,
PropertyConstraintViolation, ResourceTypeMismatch, PropertyIsReadOnly) and keeps the raw input
for the form's payload echo. `wp_write.apply_payload` drives them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from optui.demo.hal import Json, Problem, constraint, parse_date, parse_hours
from optui.demo.model import Demo
from optui.demo.store import Record
from optui.demo.wp_schema import BY_NAME, LINKED_FORMATS

CUSTOM_LINK_KINDS = {
    "list": ("custom_options",),
    "user": ("users", "groups"),
    "version": ("versions",),
}
SCALARS = (
    "subject",
    "description",
    "scheduleManually",
    "ignoreNonWorkingDays",
    "startDate",
    "dueDate",
    "date",
    "duration",
    "estimatedTime",
    "remainingTime",
    "percentageDone",
)
RESOURCE_NAMES = {
    "projects": "project",
    "types": "type",
    "statuses": "status",
    "priorities": "priority",
    "users": "user",
    "versions": "version",
    "categories": "category",
    "work_packages": "work package",
    "custom_options": "custom option",
}
_HREF = re.compile(r"^/api/v3/([a-z_]+)/([^/?#]+)$")


@dataclass
class Outcome:
    """A candidate work package after a payload, and what was wrong with the payload."""

    record: Record
    problems: list[Problem] = field(default_factory=list)
    echo: Json = field(default_factory=dict)
    """Properties whose input could not be used, as sent (the form payload echoes them)."""
    link_echo: Json = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)

    def fail(self, problem: Problem) -> None:
        self.problems.append(problem)

    def failed(self, attribute: str) -> bool:
        return any(p.attribute == attribute for p in self.problems)


def read_only(attribute: str) -> Problem:
    return Problem(
        422,
        "PropertyIsReadOnly",
        f"{label(attribute)} cannot be changed: it is read-only.",
        attribute=attribute,
    )


def format_error(attribute: str, message: str) -> Problem:
    return Problem(422, "PropertyFormatError", message, attribute=attribute)


def blank(attribute: str, title: str) -> Problem:
    return constraint(attribute, f"{title} can't be blank.")


def not_allowed(attribute: str, title: str) -> Problem:
    return constraint(attribute, f"{title} is not set to one of the allowed values.")


def label(attribute: str) -> str:
    return BY_NAME[attribute].label if attribute in BY_NAME else attribute


def link_target(demo: Demo, name: str, value: Any, collections: tuple[str, ...]) -> int | None:
    """The id a written link points to (None clears); raises the 422 OpenProject would."""
    if not isinstance(value, dict):
        raise format_error(name, f"The {name} link must be an object with an href.")
    href = value.get("href")
    if href is None:
        return None
    match = _HREF.match(href) if isinstance(href, str) else None
    if match is None or match.group(1) not in collections:
        expected = RESOURCE_NAMES.get(collections[0], collections[0])
        raise Problem(
            422,
            "ResourceTypeMismatch",
            f"Expected the {name} link to point to a {expected}, but it points to {href!r}.",
            attribute=name,
        )
    collection, ident = match.groups()
    if ident.isdigit():
        return int(ident)
    if collection == "users" and ident == "me":
        return demo.user_id
    if collection == "projects":
        found = demo.store.find("projects", identifier=ident)
        if found:
            return int(found[0]["id"])
    raise not_allowed(name, label(name))


def convert_dates(record: Record, *, to_milestone: bool) -> None:
    """A type change between milestone and not: one `date` <-> a one-day range."""
    if to_milestone:
        record["date"] = record.get("startDate") or record.get("dueDate")
        record["startDate"] = record["dueDate"] = record["duration"] = None
    else:
        day = record.get("date")
        record["startDate"] = record["dueDate"] = day
        record["duration"] = 1 if day else None
        record["date"] = None


def _set_subject(record: Record, value: Any) -> None:
    if not isinstance(value, str):
        raise format_error("subject", "Subject must be a string.")
    if not value.strip():
        raise blank("subject", "Subject")
    if len(value) > 255:
        raise constraint("subject", "Subject is too long (maximum is 255 characters).")
    record["subject"] = value


def _set_description(record: Record, value: Any) -> None:
    raw = value.get("raw") if isinstance(value, dict) else False
    if value is not None and not (raw is None or isinstance(raw, str)):
        raise format_error("description", 'Description must be an object like {"raw": "…"}.')
    record["description"] = raw or ""


def _flag(field_name: str) -> Callable[[Record, Any], None]:
    def setter(record: Record, value: Any) -> None:
        if not isinstance(value, bool):
            raise format_error(field_name, f"{label(field_name)} must be true or false.")
        record[field_name] = value

    return setter


def _day(field_name: str) -> Callable[[Record, Any], None]:
    def setter(record: Record, value: Any) -> None:
        record[field_name] = parse_date(value, field_name)

    return setter


def _hours(attribute: str, field_name: str) -> Callable[[Record, Any], None]:
    def setter(record: Record, value: Any) -> None:
        hours = parse_hours(value, attribute)
        record[field_name] = None if hours is None else round(hours, 2)

    return setter


def _set_duration(record: Record, value: Any) -> None:
    hours = parse_hours(value, "duration")
    if hours is not None and hours < 24:
        raise constraint("duration", "Duration must be at least one day.")
    record["duration"] = None if hours is None else int(hours // 24)


def _set_percentage(record: Record, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise format_error("percentageDone", "% Complete must be an integer.")
    if value is not None and not 0 <= value <= 100:
        raise constraint("percentageDone", "% Complete must be between 0 and 100.")
    record["percentageDone"] = value


SETTERS: dict[str, Callable[[Record, Any], None]] = {
    "subject": _set_subject,
    "description": _set_description,
    "scheduleManually": _flag("scheduleManually"),
    "ignoreNonWorkingDays": _flag("ignoreNonWorkingDays"),
    "startDate": _day("startDate"),
    "dueDate": _day("dueDate"),
    "date": _day("date"),
    "duration": _set_duration,
    "estimatedTime": _hours("estimatedTime", "estimatedHours"),
    "remainingTime": _hours("remainingTime", "remainingHours"),
    "percentageDone": _set_percentage,
}


def apply_scalar(
    outcome: Outcome, name: str, value: Any, *, frozen: bool, available: set[str]
) -> None:
    outcome.touched.add(name)
    try:
        if frozen:
            raise read_only(name)
        if name not in available:
            kind = "milestones" if name == "date" else "work packages that are not milestones"
            raise constraint(name, f"{label(name)} is only available for {kind}.")
        SETTERS[name](outcome.record, value)
    except Problem as problem:
        outcome.fail(problem)
        outcome.echo[name] = value


def _custom_scalar(field: Record, value: Any) -> Any:
    """A scalar custom field value checked against its format; raises a 422."""
    key, name, fmt = f"customField{field['id']}", field["name"], field["format"]
    if value is None:
        return None
    if fmt == "text":
        if not isinstance(value, dict) or not isinstance(value.get("raw"), str | None):
            raise format_error(key, f'{name} must be an object like {{"raw": "…"}}.')
        return value.get("raw")
    if fmt == "date":
        return parse_date(value, key)
    valid = {
        "string": isinstance(value, str),
        "link": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
    }.get(fmt, True)
    if not valid:
        raise constraint(key, f"{name} is not a valid {fmt} value.")
    if fmt == "string" and field.get("max_length") and len(value) > field["max_length"]:
        raise constraint(key, f"{name} is too long (maximum is {field['max_length']} characters).")
    return float(value) if fmt == "float" else value


def _store_custom(record: Record, field: Record, value: Any) -> None:
    custom = record.setdefault("custom", {})
    if value is None or value == "" or value == []:
        custom.pop(str(field["id"]), None)
    else:
        custom[str(field["id"])] = value


def apply_custom_scalar(outcome: Outcome, field: Record, value: Any, *, frozen: bool) -> None:
    key = f"customField{field['id']}"
    outcome.touched.add(key)
    try:
        if frozen:
            raise read_only(key)
        _store_custom(outcome.record, field, _custom_scalar(field, value))
    except Problem as problem:
        outcome.fail(problem)
        outcome.echo[key] = value


def apply_custom_link(
    demo: Demo, outcome: Outcome, field: Record, value: Any, *, frozen: bool
) -> None:
    key = f"customField{field['id']}"
    fmt = field["format"]
    outcome.touched.add(key)
    try:
        if frozen:
            raise read_only(key)
        if fmt not in LINKED_FORMATS:
            raise format_error(key, f"{field['name']} is not written as a link.")
        items = value if field.get("multi") else [value]
        if not isinstance(items, list):
            raise format_error(key, f"{field['name']} takes an array of links.")
        targets = [link_target(demo, key, item, CUSTOM_LINK_KINDS[fmt]) for item in items]
        ids = [t for t in targets if t is not None]
        for target in ids:
            if fmt == "list":
                option = demo.store.get("custom_options", target)
                ok = option is not None and option["custom_field_id"] == field["id"]
            elif fmt == "user":
                ok = any(demo.store.get(k, target) is not None for k in ("users", "groups"))
            else:
                ok = demo.store.get("versions", target) is not None
            if not ok:
                raise not_allowed(key, field["name"])
        _store_custom(
            outcome.record, field, ids if field.get("multi") else (ids[0] if ids else None)
        )
    except Problem as problem:
        outcome.fail(problem)
        outcome.link_echo[key] = value


def working_days(start: dt.date, due: dt.date, *, weekends: bool) -> int:
    """Days from start to due inclusive, skipping Saturdays and Sundays unless `weekends`."""
    total = (due - start).days + 1
    if weekends:
        return max(total, 1)
    count = sum(1 for n in range(total) if (start + dt.timedelta(days=n)).weekday() < 5)
    return max(count, 1)


def shift_working_days(day: dt.date, days: int, *, weekends: bool, forward: bool) -> dt.date:
    """The day that makes a `days`-long range starting (or ending) on `day`."""
    step = dt.timedelta(days=1 if forward else -1)
    left = days - 1
    while left > 0:
        day += step
        if weekends or day.weekday() < 5:
            left -= 1
    return day


def schedule(outcome: Outcome) -> None:
    """Two of startDate, dueDate and duration give the third."""
    record, touched = outcome.record, outcome.touched
    if not {"startDate", "dueDate", "duration"} & touched:
        return
    start = dt.date.fromisoformat(record["startDate"]) if record.get("startDate") else None
    due = dt.date.fromisoformat(record["dueDate"]) if record.get("dueDate") else None
    days = record.get("duration")
    weekends = bool(record.get("ignoreNonWorkingDays"))
    if "duration" in touched and days is not None and not outcome.failed("duration"):
        if start is not None and "dueDate" not in touched:
            due = shift_working_days(start, days, weekends=weekends, forward=True)
        elif due is not None and "startDate" not in touched:
            start = shift_working_days(due, days, weekends=weekends, forward=False)
    if start is not None and due is not None and due >= start:
        record["duration"] = working_days(start, due, weekends=weekends)
    record["startDate"] = None if start is None else start.isoformat()
    record["dueDate"] = None if due is None else due.isoformat()
