"""OpenProject's filter, sortBy and groupBy language, evaluated over demo records.

A list endpoint describes its filterable fields as `Field`s (how to read the value from a record
and what kind of value it is). `parse_filters` checks the JSON the way OpenProject does (400
`InvalidQuery` for an unknown filter, a wrong operator or bad values) and `matches` evaluates it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from optui.demo.hal import invalid_query
from optui.demo.store import Record

Getter = Callable[[Record], Any]

OPERATORS: dict[str, frozenset[str]] = {
    "id": frozenset({"=", "!", "*", "!*", "&="}),
    "status": frozenset({"o", "c", "=", "!", "*", "!*"}),
    "text": frozenset({"~", "!~", "=", "!", "*", "!*"}),
    "search": frozenset({"**", "~"}),
    "date": frozenset(
        {"=d", "<>d", "t", "w", "t-", "t+", ">t-", "<t-", "<t+", ">t+", "*", "!*", ">=", "<="}
    ),
    "bool": frozenset({"=", "!"}),
    # timestamps (createdAt, updatedAt): the date operators, values dates or ISO 8601 times
    "datetime": frozenset(
        {"=d", "<>d", "t", "w", "t-", "t+", ">t-", "<t-", "<t+", ">t+", "*", "!*", ">=", "<="}
    ),
    "number": frozenset({"=", "!", ">=", "<=", "*", "!*"}),
}
VALUELESS = frozenset({"o", "c", "*", "!*", "t", "w"})


@dataclass(frozen=True)
class Field:
    """A filterable property: its reader and its kind (a key of OPERATORS)."""

    get: Getter
    kind: str
    principal: bool = False
    """Values may say `me` for the current user."""


@dataclass(frozen=True)
class Filter:
    name: str
    operator: str
    values: tuple[str, ...]


@dataclass
class Context:
    """What a filter needs beyond the record: today and who `me` is."""

    today: dt.date
    user_id: int
    closed_status_ids: frozenset[int] = field(default_factory=frozenset)


def parse_json(raw: str | None, what: str) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise invalid_query(f"{what} could not be parsed as JSON.") from None


def parse_filters(
    raw: str | None, fields: Mapping[str, Field], aliases: Mapping[str, str] | None = None
) -> list[Filter] | None:
    """The `filters` parameter, checked; None when absent (the endpoint's default applies)."""
    data = parse_json(raw, "Filters")
    if data is None:
        return None
    if not isinstance(data, list):
        raise invalid_query("Filters must be a JSON array.")
    result: list[Filter] = []
    for entry in data:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise invalid_query("Filters Each filter must be an object with a single key.")
        ((name, spec),) = entry.items()
        name = (aliases or {}).get(name, name)
        definition = fields.get(name)
        if definition is None:
            raise invalid_query(f"Filters {name} filter does not exist.")
        if not isinstance(spec, dict):
            raise invalid_query(f"{name}: the filter must have an operator and values.")
        operator = spec.get("operator")
        if operator not in OPERATORS[definition.kind]:
            raise invalid_query(f"{name} Operator is not set to one of the allowed values.")
        values = spec.get("values")
        if values is None:
            values = []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise invalid_query(f"{name} Values must be a list of strings.")
        _check_values(name, definition, operator, values)
        result.append(Filter(name, operator, tuple(values)))
    return result


def _check_values(name: str, definition: Field, operator: str, values: list[str]) -> None:
    if operator in VALUELESS:
        return
    if not values:
        raise invalid_query(f"{name} Values can't be blank.")
    if operator in ("t-", "t+", ">t-", "<t-", "<t+", ">t+"):
        if len(values) != 1 or not values[0].lstrip("-").isdigit():
            raise invalid_query(f"{name} Values is invalid.")
    elif operator == "<>d":
        valid = _is_moment if definition.kind == "datetime" else _is_date
        if len(values) != 2 or not all(v == "" or valid(v) for v in values):
            raise invalid_query(f"{name} Values is invalid.")
    elif definition.kind in ("date", "datetime") and operator in ("=d", ">=", "<="):
        valid = _is_moment if definition.kind == "datetime" else _is_date
        if len(values) != 1 or not valid(values[0]):
            raise invalid_query(f"{name} Values is invalid.")
    elif definition.kind in ("id", "status"):
        for value in values:
            if not (value.isdigit() or (definition.principal and value == "me")):
                raise invalid_query(f"{name} Values is invalid.")
    elif definition.kind == "bool":
        if len(values) != 1 or values[0] not in ("t", "f", "true", "false", "1", "0"):
            raise invalid_query(f"{name} Values is invalid.")
    elif definition.kind == "number":
        try:
            [float(v) for v in values]
        except ValueError:
            raise invalid_query(f"{name} Values is invalid.") from None


def _moment(value: str) -> dt.datetime:
    """An ISO 8601 time (a trailing Z allowed) as an aware datetime, UTC when unzoned."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _is_moment(value: str) -> bool:
    if _is_date(value):
        return True
    try:
        _moment(value)
    except ValueError:
        return False
    return "T" in value


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def matches(
    record: Record, filters: Sequence[Filter], fields: Mapping[str, Field], ctx: Context
) -> bool:
    return all(_match(record, f, fields[f.name], ctx) for f in filters)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _match(record: Record, flt: Filter, definition: Field, ctx: Context) -> bool:
    value = definition.get(record)
    present = _as_list(value)
    op = flt.operator
    if op == "*":
        return bool(present) and present != [""]
    if op == "!*":
        return not present or present == [""]
    kind = definition.kind
    if kind == "status" and op in ("o", "c"):
        closed = value in ctx.closed_status_ids
        return closed if op == "c" else not closed
    if kind in ("id", "status"):
        wanted = _ids(flt.values, ctx.user_id)
        have = {int(v) for v in present}
        if op == "=":
            return bool(have & wanted)
        if op == "!":
            return not have & wanted
        return wanted <= have  # "&=": has all of
    if kind == "bool":
        truth = flt.values[0] in ("t", "true", "1")
        return (bool(value) == truth) == (op == "=")
    if kind in ("text", "search"):
        text = " ".join(str(v) for v in present).casefold()
        needles = [v.casefold() for v in flt.values]
        if op in ("~", "**"):
            return all(n in text for n in needles)
        if op == "!~":
            return not any(n in text for n in needles)
        exact = {str(v).casefold() for v in present}
        return bool(exact & set(needles)) == (op == "=")
    if kind == "number":
        numbers = [float(v) for v in present if v is not None]
        bounds = [float(v) for v in flt.values]
        if op == "=":
            return any(n in bounds for n in numbers)
        if op == "!":
            return not any(n in bounds for n in numbers)
        if op == ">=":
            return any(n >= bounds[0] for n in numbers)
        return any(n <= bounds[0] for n in numbers)
    if kind == "datetime" and any(len(v) > 10 for v in flt.values) and value:
        return _match_moment(str(value), flt)
    return _match_date(value, flt, ctx)


def _match_moment(value: str, flt: Filter) -> bool:
    """Timestamp filters given full times: compare to the second, not the day."""
    moment = _moment(value)
    op, values = flt.operator, flt.values

    def bound(text: str, end: bool) -> dt.datetime:
        if len(text) == 10:  # a plain date covers the whole day
            day = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            return day + dt.timedelta(days=1, microseconds=-1) if end else day
        return _moment(text)

    if op == "<>d":
        low = bound(values[0], False) if values[0] else None
        high = bound(values[1], True) if values[1] else None
        return (low is None or moment >= low) and (high is None or moment <= high)
    if op == ">=":
        return moment >= bound(values[0], False)
    if op == "<=":
        return moment <= bound(values[0], True)
    return bound(values[0], False) <= moment <= bound(values[0], True)  # "=d"


@functools.lru_cache(maxsize=256)
def _ids(values: tuple[str, ...], user_id: int) -> frozenset[int]:
    """A filter's ids, parsed once per request rather than once per record."""
    return frozenset(user_id if v == "me" else int(v) for v in values)


def _match_date(value: Any, flt: Filter, ctx: Context) -> bool:
    if not value:
        return False
    day = dt.date.fromisoformat(str(value)[:10])
    op, values, today = flt.operator, flt.values, ctx.today
    if op == "=d":
        return day == dt.date.fromisoformat(values[0])
    if op == ">=":
        return day >= dt.date.fromisoformat(values[0])
    if op == "<=":
        return day <= dt.date.fromisoformat(values[0])
    if op == "<>d":
        low = dt.date.fromisoformat(values[0]) if values[0] else dt.date.min
        high = dt.date.fromisoformat(values[1]) if values[1] else dt.date.max
        return low <= day <= high
    if op == "t":
        return day == today
    if op == "w":
        monday = today - dt.timedelta(days=today.weekday())
        return monday <= day <= monday + dt.timedelta(days=6)
    n = dt.timedelta(days=int(values[0]))
    if op == "t-":
        return day == today - n
    if op == "t+":
        return day == today + n
    if op == ">t-":
        return today - n <= day <= today
    if op == "<t-":
        return day < today - n
    if op == "<t+":
        return today <= day <= today + n
    return day > today + n  # ">t+"


def parse_sort(
    raw: str | None, sortable: Mapping[str, Getter], default: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    data = parse_json(raw, "Sort by")
    if data is None:
        return list(default)
    if not isinstance(data, list):
        raise invalid_query("Sort by must be a JSON array of [column, direction] pairs.")
    result: list[tuple[str, str]] = []
    for entry in data:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or entry[0] not in sortable
            or entry[1] not in ("asc", "desc")
        ):
            raise invalid_query(f"Sort by {entry!r} is not a valid sort criterion.")
        result.append((entry[0], entry[1]))
    return result


def sort_records(
    records: list[Record], order: Sequence[tuple[str, str]], sortable: Mapping[str, Getter]
) -> list[Record]:
    """Stable multi-key sort; unset values go last whatever the direction."""
    result = list(records)
    for column, direction in reversed(order):
        getter = sortable[column]
        present = [r for r in result if getter(r) is not None]
        missing = [r for r in result if getter(r) is None]
        present.sort(key=_key_for(getter), reverse=direction == "desc")
        result = present + missing
    return result


def _key_for(getter: Getter) -> Callable[[Record], Any]:
    def key(record: Record) -> Any:
        value = getter(record)
        return value.casefold() if isinstance(value, str) else value

    return key
