"""Work package forms read into editable fields, and edits written back as a write payload.

Pure, no I/O. `parse_form()` turns a `Form` answer (openproject-api.md §6, §7) into a `FormState`:
one `FieldSpec` per field in the web UI's order, each with the editor `kind` to use, the payload's
values, display titles of link values, validation errors by attribute, and the commit link when
the server would accept the values. `payload()` writes changes where the API expects them:
properties at the top level (Formattable as `{"raw": …}`), links under `_links`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from optui.api.durations import hours_to_iso
from optui.api.hal import Link, Resource, id_from_href

Value: TypeAlias = str | int | float | bool | list[str] | None
"""A field's value as the form holds it: scalars for properties (Formattable as its raw text,
Duration as an ISO string such as "PT1H30M", Date as "YYYY-MM-DD"), an href (or None) for a link,
a list of hrefs for multi-valued links."""

KINDS = (
    "text",
    "markdown",
    "integer",
    "float",
    "boolean",
    "date",
    "duration",
    "percentage",
    "url",
    "select",
    "multiselect",
    "search",
    "multisearch",
    "readonly",
)
"""Every `FieldSpec.kind`: the editor a field needs."""
SCALAR_KINDS = {
    "String": "text",
    "Formattable": "markdown",
    "Integer": "integer",
    "Float": "float",
    "Boolean": "boolean",
    "Date": "date",
    "Duration": "duration",
    "Link": "url",  # a link custom field: a URL held as a string property, not a HAL link
}
"""Editors of property types; any other property type (DateTime, Money…) is read-only."""
LINK_TYPES = frozenset(
    {
        "Status",
        "Type",
        "Priority",
        "Category",
        "Version",
        "Project",
        "WorkPackage",
        "User",
        "Group",
        "PlaceholderUser",
        "Principal",
        "Budget",
        "CustomOption",
        "TimeEntriesActivity",
    }
)
"""Types whose values are links even when a schema leaves out `location: "_links"`."""
KNOWN_LINKS = frozenset(
    {
        "project",
        "type",
        "status",
        "priority",
        "assignee",
        "responsible",
        "version",
        "category",
        "parent",
        "author",
    }
)
"""Work package links, for writing a change whose field the form has not described."""
LEADING = (
    "subject",
    "description",
    "type",
    "status",
    "assignee",
    "responsible",
    "priority",
    "version",
    "category",
    "parent",
    "startDate",
    "dueDate",
    "date",
    "duration",
    "estimatedTime",
    "remainingTime",
    "percentageDone",
)
"""The fields the web UI shows first, in its order; the attribute groups' others follow."""
BOOKKEEPING = frozenset(
    {"id", "lockVersion", "createdAt", "updatedAt", "author", "readonly", "spentTime"}
)
"""Read-only properties a form leaves out (unless a schema says they are writable)."""
WORK_PACKAGE_SEARCH = "/api/v3/work_packages"
"""Where a work package link (parent) is searched when its schema names no allowed values."""
NONE_TITLE = "(none)"


@dataclass(frozen=True, slots=True)
class AllowedValue:
    """One choice of a link field; `href` None is the "none" choice (clears the field)."""

    href: str | None
    title: str


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a form: what the schema says about it, and which editor it needs."""

    name: str
    """The API property: "subject", "description", "assignee", "customField7"…"""
    label: str
    """The schema's `name` (custom fields' names come only from here)."""
    type: str
    """The schema's `type` as sent: String, Formattable, Status, []CustomOption…"""
    kind: str
    """The editor to use: one of `KINDS`."""
    required: bool
    writable: bool
    is_link: bool
    """The value lives under `_links` (schema location "_links" or a link-valued type)."""
    multi: bool
    options: tuple[AllowedValue, ...] = ()
    """Inline allowed values, exactly as the server lists them (no added "none" choice)."""
    options_href: str | None = None
    """The allowed values collection to search (assignee, responsible, user fields, project…)."""
    min_length: int | None = None
    max_length: int | None = None
    group: str | None = None
    """The `_attributeGroups` group that lists the field (None: in no group)."""


@dataclass(frozen=True)
class FormState:
    """A form as the server last answered it."""

    fields: tuple[FieldSpec, ...]
    """Every field to show, in the web UI's order (bookkeeping left out)."""
    values: dict[str, Value]
    """The payload's current values (invalid input echoed), by API property."""
    titles: dict[str, str]
    """Display titles of link values (href -> title) known from the payload and allowed values."""
    errors: dict[str, tuple[str, ...]]
    """Validation messages by field name; "" for messages that belong to no shown field."""
    commit_href: str | None
    """Present only when the form may be committed (no validation errors, saving allowed)."""
    commit_method: str | None
    """"patch" or "post" (lower case)."""
    lock_version: int | None
    validate_href: str | None


# reading a schema


def _group_names(schema: Resource) -> dict[str, str]:
    """Attribute -> the name of the first `_attributeGroups` group that lists it."""
    groups = schema.get("_attributeGroups")
    found: dict[str, str] = {}
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, Mapping):
            continue
        name, attributes = group.get("name"), group.get("attributes")
        if not isinstance(name, str) or not isinstance(attributes, list):
            continue  # query groups (children, relations) list no attributes
        for attribute in attributes:
            if isinstance(attribute, str):
                found.setdefault(attribute, name)
    return found


def _properties(schema: Resource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, raw in schema.data.items():
        if not name.startswith("_") and isinstance(raw, Mapping):
            yield name, raw


def _element_title(resource: Resource) -> str | None:
    """A collection element as a choice reads: its name, a work package's id and subject."""
    subject = resource.opt_text("subject")
    if subject is not None:
        number = resource.integer("id")
        return f"#{number} {subject}" if number is not None else subject
    self_link = resource.link("self")
    return (
        resource.opt_text("name")
        or (self_link.title if self_link else None)
        or id_from_href(resource.self_href)
    )


def allowed_value(resource: Resource) -> AllowedValue | None:
    """A collection element (user, project, version…) as a choice; None without an href."""
    href = resource.self_href
    if href is None:
        return None
    return AllowedValue(href, _element_title(resource) or href)


def _inline_options(described: Resource) -> tuple[AllowedValue, ...] | None:
    """The inline allowed values: `_links.allowedValues` titled, else `_embedded` ones."""
    links = described.get("_links")
    raw = links.get("allowedValues") if isinstance(links, Mapping) else None
    embedded = {
        resource.self_href: resource
        for resource in described.embedded_list("allowedValues")
        if resource.self_href is not None
    }
    if isinstance(raw, list):
        options: list[AllowedValue] = []
        for item in raw:
            link = Link.parse(item)
            if link is None:
                continue
            if link.href is None:
                options.append(AllowedValue(None, link.title or NONE_TITLE))
                continue
            known = embedded.get(link.href)
            title = link.title or (_element_title(known) if known else None)
            options.append(AllowedValue(link.href, title or id_from_href(link.href) or link.href))
        return tuple(options)
    embedded_raw = described.get("_embedded")
    if isinstance(embedded_raw, Mapping) and isinstance(embedded_raw.get("allowedValues"), list):
        found = (allowed_value(resource) for resource in described.embedded_list("allowedValues"))
        return tuple(value for value in found if value is not None)
    return None


def _options_href(described: Resource) -> str | None:
    link = described.link("allowedValues")  # None when it is an inline list
    return link.href if link is not None and link.href and not link.templated else None


def _kind(
    name: str,
    base_type: str,
    *,
    writable: bool,
    is_link: bool,
    multi: bool,
    inline: bool,
    searchable: bool,
) -> str:
    if not writable:
        return "readonly"
    if is_link:
        if inline:
            return "multiselect" if multi else "select"
        if searchable:
            return "multisearch" if multi else "search"
        return "readonly"  # nothing to choose from
    if name == "duration":
        return "readonly"  # working days (P5D), not hours: dates are edited instead
    if name == "percentageDone" and base_type == "Integer":
        return "percentage"
    return SCALAR_KINDS.get(base_type, "readonly")


def field_spec(name: str, raw: Mapping[str, Any], group: str | None = None) -> FieldSpec:
    """One schema property as a field (spec defaults when absent: required and writable)."""
    described = Resource(raw)
    type_ = described.text("type")
    multi = type_.startswith("[]")
    base_type = type_.removeprefix("[]")
    location = described.opt_text("location")
    is_link = location == "_links" or (location is None and (multi or base_type in LINK_TYPES))
    writable = described.flag("writable", True)
    options = _inline_options(described) if is_link else None
    options_href = _options_href(described) if is_link and options is None else None
    if is_link and options is None and options_href is None and base_type == "WorkPackage":
        options_href = WORK_PACKAGE_SEARCH
    return FieldSpec(
        name=name,
        label=described.text("name") or name,
        type=type_,
        kind=_kind(
            name,
            base_type,
            writable=writable,
            is_link=is_link,
            multi=multi,
            inline=options is not None,
            searchable=options_href is not None,
        ),
        required=described.flag("required", True),
        writable=writable,
        is_link=is_link,
        multi=multi,
        options=options or (),
        options_href=options_href,
        min_length=described.integer("minLength"),
        max_length=described.integer("maxLength"),
        group=group,
    )


def schema_fields(schema: Resource) -> dict[str, FieldSpec]:
    """Every property of a schema (standalone or form-embedded) as a field, by name."""
    groups = _group_names(schema)
    return {name: field_spec(name, raw, groups.get(name)) for name, raw in _properties(schema)}


def _shown(spec: FieldSpec) -> bool:
    hidden = spec.name in BOOKKEEPING or spec.name.startswith("derived")
    if hidden:
        return spec.writable
    return spec.writable or spec.group is not None or spec.name in LEADING


def _ordered(schema: Resource, specs: Mapping[str, FieldSpec]) -> tuple[FieldSpec, ...]:
    """The web UI's order: the leading fields, the groups' other attributes, then the rest."""
    order: list[str] = [name for name in LEADING if name in specs]
    groups = schema.get("_attributeGroups")
    for group in groups if isinstance(groups, list) else []:
        attributes = group.get("attributes") if isinstance(group, Mapping) else None
        for attribute in attributes if isinstance(attributes, list) else []:
            if isinstance(attribute, str) and attribute in specs and attribute not in order:
                order.append(attribute)
    order += [name for name in specs if name not in order]
    return tuple(specs[name] for name in order if _shown(specs[name]))


# reading the payload and the errors


def _link_value(raw: Any) -> Value:
    if isinstance(raw, list):
        return [link.href for item in raw if (link := Link.parse(item)) and link.href]
    link = Link.parse(raw)
    return link.href if link is not None else None


def _property_value(raw: Any) -> tuple[bool, Value]:
    """(whether the form holds it, the value) of a payload property."""
    if isinstance(raw, Mapping):
        text = raw.get("raw")  # Formattable; other objects are not edited
        return "raw" in raw, text if isinstance(text, str) else ""
    if raw is None or isinstance(raw, str | int | float | bool):
        return True, raw
    return False, None


def _values(payload: Resource) -> tuple[dict[str, Value], dict[str, str]]:
    values: dict[str, Value] = {}
    titles: dict[str, str] = {}
    for name, raw in payload.data.items():
        if name.startswith("_") or name == "lockVersion":
            continue
        held, value = _property_value(raw)
        if held:
            values[name] = value
    links = payload.get("_links")
    for name, raw in links.items() if isinstance(links, Mapping) else ():
        values[name] = _link_value(raw)
        for item in raw if isinstance(raw, list) else [raw]:
            link = Link.parse(item)
            if link is not None and link.href and link.title:
                titles[link.href] = link.title
    return values, titles


def _messages(key: str, raw: Any) -> Iterator[tuple[str | None, str]]:
    """(attribute, message) of one `validationErrors` entry; MultipleErrors flattened."""
    if not isinstance(raw, Mapping):
        return
    error = Resource(raw)
    nested = error.embedded_list("errors")
    if nested:
        for item in nested:
            yield from _messages(key, item.data)
        return
    details = error.embedded("details")
    attribute = details.opt_text("attribute") if details is not None else None
    message = error.get("message")
    text = " ".join(map(str, message)) if isinstance(message, list) else str(message or "")
    yield attribute or key, text


def _errors(
    raw: Any, known: Mapping[str, FieldSpec], shown: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    by_lower = {name.lower(): name for name in known}
    found: dict[str, list[str]] = {}
    for key, value in raw.items() if isinstance(raw, Mapping) else ():
        for attribute, message in _messages(str(key), value):
            name = by_lower.get((attribute or "").lower(), attribute or "")
            found.setdefault(name if name in shown else "", []).append(message)
    return {name: tuple(messages) for name, messages in found.items()}


def parse_form(form: Resource) -> FormState:
    """A `Form` answer as fields, values, titles, errors and its commit link."""
    schema = form.embedded("schema") or Resource({})
    payload_resource = form.embedded("payload") or Resource({})
    specs = schema_fields(schema)
    fields = _ordered(schema, specs)
    values, titles = _values(payload_resource)
    for spec in specs.values():
        for option in spec.options:
            if option.href is not None:
                titles.setdefault(option.href, option.title)
    embedded = form.get("_embedded")
    raw_errors = embedded.get("validationErrors") if isinstance(embedded, Mapping) else None
    commit = form.link("commit")
    validate = form.link("validate")
    return FormState(
        fields=fields,
        values=values,
        titles=titles,
        errors=_errors(raw_errors, specs, frozenset(spec.name for spec in fields)),
        commit_href=commit.href if commit is not None and commit.href else None,
        commit_method=commit.method if commit is not None and commit.href else None,
        lock_version=payload_resource.integer("lockVersion"),
        validate_href=validate.href if validate is not None else None,
    )


def field(state: FormState, name: str) -> FieldSpec | None:
    """The field called `name` (an API property), if the form shows it."""
    return next((spec for spec in state.fields if spec.name == name), None)


def fields_by_name(state: FormState) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in state.fields}


def choices(
    spec: FieldSpec, values: tuple[AllowedValue, ...] | None = None
) -> tuple[AllowedValue, ...]:
    """What a picker offers: the allowed values (default: the inline ones), led by a "none"
    choice when a single-valued link may be cleared."""
    found = spec.options if values is None else values
    listed = tuple(value for value in found if value.href is not None)
    if spec.is_link and not spec.multi and not spec.required:
        return (AllowedValue(None, NONE_TITLE), *listed)
    return listed


# writing


def _guess_link(name: str, value: Value) -> bool:
    """For a change the form has not described: is it a link?"""
    return (
        name in KNOWN_LINKS
        or isinstance(value, list)
        or (isinstance(value, str) and value.startswith("/api/v3/"))
    )


def _link_json(value: Value, multi: bool) -> Any:
    if multi or isinstance(value, list):
        hrefs = value if isinstance(value, list) else ([] if value is None else [str(value)])
        return [{"href": href} for href in hrefs]
    return {"href": value if isinstance(value, str) else None}


def _property_json(spec: FieldSpec | None, name: str, value: Value) -> Any:
    type_ = spec.type if spec is not None else ("Formattable" if name == "description" else "")
    if type_ == "Formattable":
        return {"raw": value if isinstance(value, str) else ""}
    if type_ == "Duration" and isinstance(value, int | float) and not isinstance(value, bool):
        # a number is hours, except for `duration`, which counts working days
        return f"P{int(value)}D" if name == "duration" else hours_to_iso(float(value))
    return list(value) if isinstance(value, list) else value


def write_body(
    changes: Mapping[str, Value],
    fields: Mapping[str, FieldSpec],
    lock_version: int | None,
) -> dict[str, Any]:
    """The write body of `changes`, placed by `fields` (guessed for fields not among them)."""
    body: dict[str, Any] = {}
    if lock_version is not None:
        body["lockVersion"] = lock_version
    links: dict[str, Any] = {}
    for name, value in changes.items():
        spec = fields.get(name)
        is_link = spec.is_link if spec is not None else _guess_link(name, value)
        if is_link:
            links[name] = _link_json(value, spec.multi if spec is not None else False)
        else:
            body[name] = _property_json(spec, name, value)
    if links:
        body["_links"] = links
    return body


def payload(state: FormState, changes: Mapping[str, Value]) -> dict[str, Any]:
    """The write body for `changes` (API property -> Value): lockVersion (when the form has one),
    properties at top level (Formattable as {"raw": text}), links under _links ({"href": …} or a
    list of them, {"href": None} clears)."""
    return write_body(changes, fields_by_name(state), state.lock_version)
