"""The filter bar's language: typed filters to OpenProject's filters JSON, and back.

Terms are separated by spaces; quotes keep spaces, commas and keywords in a name or value
(`\\"` and `\\\\` inside quotes). Fields are found by API name, label or alias, ignoring case,
spaces, `_` and `-` (`due`, `assigned_to`, `cf_3`, `"Story points"`).

    status:open assignee:me type:Bug,Feature updatedAt:>t-7 login page

| you type                        | filter                        | fields                    |
|---------------------------------|-------------------------------|---------------------------|
| `field:a` / `field:a,b`         | `=` a (b): names become ids   | status, lists, people, ids|
| `field:!a,b`                    | `!` is none of                | status, lists, people, ids|
| `field:*` / `field:!*`, `none`  | `*` is set / `!*` is not set  | all but true/false        |
| `status:open` / `status:closed` | `o` / `c` (`!open` = `c`)     | status                    |
| `assignee:me`                   | `=` the current user          | people                    |
| `subject:word`, `~word`         | `~` contains                  | text                      |
| `subject:!word`, `!~word`       | `!~` does not contain         | text                      |
| `today` `t`, `thisweek` `w`     | `t` / `w`                     | dates                     |
| `>t-7` / `<t-7`                 | within / more than 7 days ago | dates                     |
| `<t+7` / `>t+7`                 | within / more than 7 days on  | dates                     |
| `t-3` / `t+3`                   | exactly 3 days ago / ahead    | dates                     |
| `2025-03-04`                    | `=d` on that day              | dates                     |
| `2025-03-01..2025-03-31`        | `<>d` between, inclusive      | dates                     |
| `>=2025-03-01` / `<=2025-03-31` | `<>d` open-ended              | dates                     |
| `dueDate:overdue`               | `<t-` 0: due before today     | dueDate                   |
| `50`, `50,60` / `!50`           | `=` / `!`                     | numbers                   |
| `>=50` / `<=50`                 | `>=` / `<=`                   | numbers                   |
| `true` `yes` / `false` `no`     | `=` t / f (`!true`: `!`)      | true/false                |
| `word` (no colon)               | `**` subject or id contains   | all bare words, joined    |

Names resolve to ids by exact name, then unique prefix, then unique word prefix (`anna`,
`schmidt`); numbers are ids. `overdue` only looks at dates: add `status:open` for open work.
Ranges of createdAt/updatedAt also take ISO times (`>=2025-03-01T10:00:00Z`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import NoReturn

SEARCH = "subjectOrId"
"""The filter that bare words become."""

KINDS = frozenset(
    {"status", "list", "principal", "id", "text", "date", "datetime", "number", "bool"}
)
_RESOURCE_KINDS = frozenset({"status", "list", "principal", "id"})
_SPLIT_KINDS = _RESOURCE_KINDS | {"number"}
_DATE_KINDS = frozenset({"date", "datetime"})
_ALIASES = dict(
    re.findall(
        r"(\w+)=(\w+)",
        "assignedto=assignee assigned=assignee due=dueDate start=startDate updated=updatedAt "
        "created=createdAt fixedversion=version done=percentageDone doneratio=percentageDone "
        "estimatedhours=estimatedTime remaininghours=remainingTime watchers=watcher",
    )
)
"""Extra spellings of field names, in `_key` form."""
_KEYWORDS: dict[str, frozenset[str]] = {
    "status": frozenset({"open", "closed"}),
    "principal": frozenset({"me"}),
    "date": frozenset({"today", "t", "thisweek", "w", "overdue"}),
}
_KEYWORDS["datetime"] = _KEYWORDS["date"]
_HINTS = {
    "status": "use open, closed, names or !names",
    "list": "use names, ids or !names",
    "principal": "use me, names, ids or !names",
    "id": "use ids or !ids",
    "text": "use word, ~word or !word",
    "date": "use 2025-03-04, today, >t-7 …",
    "number": "use 5, !5, >=5 or <=5",
    "bool": "use true or false",
}
_HINTS["datetime"] = _HINTS["date"]
_PLAIN = re.compile(r'[^\s"\\,:!~<>=*][^\s"\\,:]*')
_RELATIVE = re.compile(r"t([+-])(\d+)")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_TRUTH = {"true": "t", "yes": "t", "t": "t", "1": "t", "false": "f", "no": "f", "f": "f", "0": "f"}

_Chars = tuple[tuple[str, bool, int], ...]
"""A term's characters: (character, inside quotes, position in the text)."""
FilterJson = dict[str, dict[str, str | list[str]]]


@dataclass(frozen=True, slots=True)
class Filter:
    """One OpenProject filter: API name, operator and string values."""

    name: str
    operator: str
    values: tuple[str, ...] = ()

    def to_json(self) -> FilterJson:
        return {self.name: {"operator": self.operator, "values": list(self.values)}}


def filters_json(filters: Iterable[Filter]) -> list[FilterJson]:
    """The `filters` parameter of a list request (json.dumps it)."""
    return [f.to_json() for f in filters]


def filters_from_json(data: object) -> tuple[Filter, ...]:
    """Filters from `filters` JSON (e.g. a saved query's); ValueError for any other shape."""
    if not isinstance(data, list):
        raise ValueError("filters must be a list")
    result: list[Filter] = []
    for entry in data:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ValueError("each filter must be an object with one key")
        ((name, spec),) = entry.items()
        values = spec.get("values") if isinstance(spec, dict) else None
        values = [] if values is None else values
        operator = spec.get("operator") if isinstance(spec, dict) else None
        if not isinstance(operator, str) or not isinstance(values, list):
            raise ValueError(f"the {name} filter needs an operator and a list of values")
        result.append(Filter(str(name), operator, tuple(str(v) for v in values)))
    return tuple(result)


class FilterSyntaxError(ValueError):
    """Text the filter bar can't read; `start`/`end` locate the culprit for highlighting."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


@dataclass(frozen=True, slots=True)
class Option:
    """A value a field can take, as the server names it."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """A filterable field: API name, label, kind (one of KINDS) and known values."""

    name: str
    label: str
    kind: str
    options: tuple[Option, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}; use one of {sorted(KINDS)}")


@dataclass(frozen=True, slots=True)
class Completion:
    """Replace text[replace_start:replace_end] with `insert`; `label` is what a menu shows."""

    replace_start: int
    replace_end: int
    insert: str
    label: str


def _key(name: str) -> str:
    """The look-up spelling of a field name: no case, spaces, `_`, `-` or `_id` suffix."""
    folded = name.casefold()
    folded = folded.removesuffix("_id") or folded
    folded = re.sub(r"[\s_-]", "", folded)
    custom = re.fullmatch(r"cf(\d+)", folded)
    return f"customfield{custom[1]}" if custom else folded


@dataclass(frozen=True, slots=True)
class FilterCatalog:
    """The fields the bar knows; immutable, so the app swaps in a new one as options load."""

    fields: tuple[FieldInfo, ...]
    _index: dict[str, FieldInfo] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, FieldInfo] = {}
        for info in self.fields:  # API names beat aliases, aliases beat labels
            index.setdefault(_key(info.label), info)
        by_name = {_key(info.name): info for info in self.fields}
        index.update({a: by_name[_key(n)] for a, n in _ALIASES.items() if _key(n) in by_name})
        index.update(by_name)
        object.__setattr__(self, "_index", index)

    def lookup(self, name: str) -> FieldInfo | None:
        """The field a user means by an API name, label or alias."""
        return self._index.get(_key(name))

    def suggest(self, name: str) -> str | None:
        """The typed name of the field closest to a misspelt one."""
        close = difflib.get_close_matches(_key(name), list(self._index), n=1, cutoff=0.6)
        return self._unquoted_name(self._index[close[0]]) if close else None

    def typed_name(self, info: FieldInfo) -> str:
        """How the bar writes a field: API name, or the label for custom fields."""
        return _quote(self._unquoted_name(info))

    def _unquoted_name(self, info: FieldInfo) -> str:
        custom = info.name.startswith("customField") and self.lookup(info.label) == info
        return info.label if custom else info.name

    def with_options(self, name: str, options: Iterable[Option]) -> FilterCatalog:
        """A copy where field `name` has these options; KeyError for an unknown field."""
        info = self.lookup(name)
        if info is None:
            raise KeyError(name)
        return self.with_fields(replace(info, options=tuple(options)))

    def with_fields(self, *infos: FieldInfo) -> FilterCatalog:
        """A copy with these fields replacing those of the same API name, or added at the end."""
        new = {info.name: info for info in infos}
        kept = tuple(new.pop(info.name, info) for info in self.fields)
        return FilterCatalog(kept + tuple(new.values()))


def default_catalog() -> FilterCatalog:
    """The built-in work package fields, without options (usable before the server answers)."""
    table = {
        "status": "status=Status",
        "principal": "assignee=Assignee;responsible=Accountable;author=Author;watcher=Watcher",
        "list": "type=Type;priority=Priority;project=Project;version=Version;category=Category",
        "text": "subject=Subject;description=Description",
        "date": "startDate=Start date;dueDate=Finish date",
        "datetime": "createdAt=Created on;updatedAt=Updated on",
        "number": "percentageDone=% Complete;estimatedTime=Work;remainingTime=Remaining work;"
        "duration=Duration",
        "id": "id=ID;parent=Parent",
    }
    pairs = [(pair.split("="), kind) for kind, row in table.items() for pair in row.split(";")]
    return FilterCatalog(tuple(FieldInfo(name, label, kind) for (name, label), kind in pairs))


def _quote(text: str, keywords: frozenset[str] = frozenset()) -> str:
    """`text` as one term part: quoted when it has spaces, punctuation or reads as a keyword."""
    folded = text.casefold()
    if _PLAIN.fullmatch(text) and folded != "none" and folded not in keywords:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# reading


@dataclass(frozen=True, slots=True)
class _Term:
    start: int
    end: int
    chars: _Chars


def _scan(text: str, *, lenient: bool = False) -> list[_Term]:
    """Split into terms; `lenient` closes an open quote at the end instead of failing."""
    terms: list[_Term] = []
    i, size = 0, len(text)
    while i < size:
        if text[i].isspace():
            i += 1
            continue
        start, chars = i, list[tuple[str, bool, int]]()
        while i < size and not text[i].isspace():
            if text[i] != '"':
                chars.append((text[i], False, i))
                i += 1
                continue
            quote, i = i, i + 1
            while i < size and text[i] != '"':
                if text[i] == "\\" and i + 1 < size:
                    i += 1
                chars.append((text[i], True, i))
                i += 1
            if i >= size and not lenient:
                raise FilterSyntaxError('Unbalanced quote: add a closing "', quote, size)
            i += 1
        terms.append(_Term(start, min(i, size), tuple(chars)))
    return terms


def _text(chars: _Chars) -> str:
    return "".join(c for c, _, _ in chars)


def _find(chars: _Chars, wanted: str) -> int | None:
    """Index of the first unquoted `wanted` character."""
    return next((i for i, (c, q, _) in enumerate(chars) if c == wanted and not q), None)


def _prefix_length(chars: _Chars) -> int:
    """How many leading unquoted characters spell an operator (`!`, `~`, `>=`…)."""
    k = 0
    while k < len(chars) and not chars[k][1] and chars[k][0] in "!~<>=":
        k += 1
    return k


def _split(chars: _Chars) -> list[_Chars]:
    """Split at unquoted commas."""
    items: list[_Chars] = []
    current: list[tuple[str, bool, int]] = []
    for char in chars:
        if char[0] == "," and not char[1]:
            items.append(tuple(current))
            current = []
        else:
            current.append(char)
    return [*items, tuple(current)]


@dataclass(frozen=True, slots=True)
class _Value:
    """The value part of one `field:value` term, with what is needed to report errors in it."""

    info: FieldInfo
    prefix: str
    prefix_chars: _Chars
    rest: _Chars
    span: tuple[int, int]

    def fail(self, message: str, chars: _Chars | None = None) -> NoReturn:
        chars = self.rest if chars is None else chars
        start, end = (chars[0][2], chars[-1][2] + 1) if chars else self.span
        raise FilterSyntaxError(message, start, end)

    def bad_operator(self) -> NoReturn:
        hint = _HINTS[self.info.kind]
        self.fail(
            f'"{self.prefix}" does not work with {self.info.label}: {hint}', self.prefix_chars
        )

    def items(self) -> list[_Chars]:
        items = _split(self.rest) if self.info.kind in _SPLIT_KINDS else [self.rest]
        for item in items:
            if not item:
                self.fail(f"Empty value in {self.info.label}: remove the extra comma or quotes")
        return items

    def resolve(self, item: _Chars) -> str:
        """An id (or `me`) for a typed name or id."""
        text, info = _text(item), self.info
        noun = info.label if info.label[1:2].isupper() else info.label.lower()
        noun = f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"
        if text.isdigit():
            return text
        if info.kind == "principal" and text.casefold() == "me" and not item[0][1]:
            return "me"
        if info.kind == "id":
            self.fail(f'"{text}" is not {noun}: use numbers like 42', item)
        if not info.options:
            self.fail(f"{info.label} values are not loaded yet: use an id (12) for now", item)
        folded = text.casefold()
        tests: tuple[Callable[[str], bool], ...] = (
            lambda name: name == folded,
            lambda name: name.startswith(folded),
            lambda name: any(word.startswith(folded) for word in name.split()),
        )
        for test in tests:
            found = [o for o in info.options if test(o.name.casefold())]
            if len(found) == 1:
                return found[0].id
            if found:
                self.fail(f'"{text}" could be {_some(found, text)}: type more', item)
        self.fail(f'"{text}" is not {noun}: {_some(info.options, text)}', item)


def _some(options: Iterable[Option], text: str) -> str:
    """At most six option names, the closest to `text` first."""
    names = list(dict.fromkeys(o.name for o in options))
    by_fold = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(text.casefold(), list(by_fold), n=3, cutoff=0.5)
    ordered = list(dict.fromkeys([by_fold[c] for c in close] + names))
    return ", ".join(ordered[:6]) + (", …" if len(ordered) > 6 else "")


def parse(text: str, catalog: FilterCatalog) -> tuple[Filter, ...]:
    """The filters a line of filter bar text means; FilterSyntaxError when it means none."""
    filters: list[Filter] = []
    words: list[str] = []
    search_at = 0
    for term in _scan(text):
        colon = _find(term.chars, ":")
        if colon is not None:
            filters.append(_parse_term(term, colon, catalog))
            continue
        if not term.chars:
            raise FilterSyntaxError(
                "Empty quotes: type something between them", term.start, term.end
            )
        search_at = search_at if words else len(filters)
        words.append(_text(term.chars))
    if words:
        filters.insert(search_at, Filter(SEARCH, "**", (" ".join(words),)))
    return tuple(filters)


def _parse_term(term: _Term, colon: int, catalog: FilterCatalog) -> Filter:
    name_chars, value = term.chars[:colon], term.chars[colon + 1 :]
    if not name_chars:
        raise FilterSyntaxError('Missing field name before ":"', term.start, term.end)
    name = _text(name_chars)
    info = catalog.lookup(name)
    if info is None:
        hint = catalog.suggest(name)
        message = f'Unknown field "{name}"' + (f' (did you mean "{hint}"?)' if hint else "")
        raise FilterSyntaxError(message, name_chars[0][2], name_chars[-1][2] + 1)
    k = _prefix_length(value)
    parsed = _Value(info, _text(value[:k]), value[:k], value[k:], (term.start, term.end))
    if not parsed.rest:
        parsed.fail(f"Empty value: type what {info.label} should be after the colon")
    word = None if any(q for _, q, _ in parsed.rest) else _text(parsed.rest).casefold()
    presence = {"*": "*", "!*": "!*", "none": "!*", "!none": "*"}.get(f"{parsed.prefix}{word}")
    if presence and info.kind != "bool":
        return Filter(info.name, presence)
    operator, values = _READERS[info.kind](parsed, word)
    return Filter(info.name, operator, values)


def _read_resources(value: _Value, word: str | None) -> tuple[str, tuple[str, ...]]:
    if value.prefix not in ("", "!"):
        value.bad_operator()
    if value.info.kind == "status" and word in ("open", "closed"):
        return ("o" if (word == "open") != (value.prefix == "!") else "c"), ()
    ids = tuple(value.resolve(item) for item in value.items())
    return ("!" if value.prefix else "="), ids


def _read_text(value: _Value, word: str | None) -> tuple[str, tuple[str, ...]]:
    operator = {"": "~", "~": "~", "!": "!~", "!~": "!~"}.get(value.prefix)
    if operator is None:
        value.bad_operator()
    return operator, (_text(value.rest),)


def _read_date(value: _Value, word: str | None) -> tuple[str, tuple[str, ...]]:
    text, prefix, info = _text(value.rest), value.prefix, value.info
    relative = _RELATIVE.fullmatch(word or "")
    if relative and prefix in ("", "<", ">"):
        return f"{prefix}t{relative[1]}", (relative[2],)
    if prefix == "" and word in _KEYWORDS["date"]:
        if word != "overdue":
            return ("t" if word in ("today", "t") else "w"), ()
        if info.name != "dueDate":
            value.fail(f"overdue only works with dueDate: try {info.name}:<t-0")
        return "<t-", ("0",)
    if prefix in (">=", "<="):
        day = _check_date(value, text)
        return "<>d", (day, "") if prefix == ">=" else ("", day)
    if prefix:
        value.bad_operator()
    if ".." in text:
        low, high = text.split("..", 1)
        if not low and not high:
            value.fail("A range needs at least one end: 2025-03-01..2025-03-31")
        return "<>d", (low and _check_date(value, low), high and _check_date(value, high))
    return "=d", (_check_date(value, text, moment=False),)


def _check_date(value: _Value, text: str, *, moment: bool = True) -> str:
    """`text` when it is a date, or (for timestamps, `moment`) an ISO 8601 time."""
    try:
        if moment and value.info.kind == "datetime" and "T" in text:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return text
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            dt.date.fromisoformat(text)
            return text
    except ValueError:
        pass
    value.fail(f'"{text}" is not a date: {_HINTS["date"]}')


def _read_number(value: _Value, word: str | None) -> tuple[str, tuple[str, ...]]:
    operator = {"": "=", "=": "=", "!": "!", ">=": ">=", "<=": "<="}.get(value.prefix)
    if operator is None:
        value.bad_operator()
    items = value.items()
    if len(items) > 1 and operator in (">=", "<="):
        value.fail(f"{operator} takes one number")
    for item in items:
        if not _NUMBER.fullmatch(_text(item)):
            value.fail(f'"{_text(item)}" is not a number: {_HINTS["number"]}', item)
    return operator, tuple(_text(item) for item in items)


def _read_bool(value: _Value, word: str | None) -> tuple[str, tuple[str, ...]]:
    if value.prefix not in ("", "!"):
        value.bad_operator()
    truth = _TRUTH.get(word or "")
    if truth is None:
        value.fail(f'{value.info.label} is true or false, not "{_text(value.rest)}"')
    return ("!" if value.prefix else "="), (truth,)


_READERS: dict[str, Callable[[_Value, str | None], tuple[str, tuple[str, ...]]]] = {
    **dict.fromkeys(_RESOURCE_KINDS, _read_resources),
    **dict.fromkeys(_DATE_KINDS, _read_date),
    "text": _read_text,
    "number": _read_number,
    "bool": _read_bool,
}


# writing


def format_filters(filters: Iterable[Filter], catalog: FilterCatalog) -> str:
    """Filter bar text for filters; ValueError for one the bar can't write without change."""
    terms: list[str] = []
    searched = False
    for flt in filters:
        term = _format(flt, catalog) if flt.name != SEARCH or searched else _words(flt)
        searched = searched or flt.name == SEARCH
        try:
            same = term is not None and parse(term, catalog) == (flt,)
        except FilterSyntaxError:
            same = False
        if not same or term is None:
            shown = f"{flt.name} {flt.operator} {list(flt.values)}"
            raise ValueError(f"The filter bar can't show {shown}")
        terms.append(term)
    return " ".join(terms)


def _words(flt: Filter) -> str | None:
    if len(flt.values) != 1:
        return None
    words = flt.values[0].split(" ")
    if all(re.fullmatch(r'[^\s":\\]+', word) for word in words):
        return " ".join(words)
    return _quote(flt.values[0])


def _format(flt: Filter, catalog: FilterCatalog) -> str | None:
    info = next((i for i in catalog.fields if i.name == flt.name), None)
    if info is None:
        return None
    head, op, values, kind = catalog.typed_name(info) + ":", flt.operator, flt.values, info.kind
    one = values[0] if len(values) == 1 else ""
    if op in ("*", "!*"):
        return head + ("*" if op == "*" else "none")
    if kind in _RESOURCE_KINDS:
        if op in ("o", "c"):
            return head + ("open" if op == "o" else "closed")
        return head + ("!" if op == "!" else "") + ",".join(_name_of(info, v) for v in values)
    if kind == "text":
        return head + ("!~" if op == "!~" else "") + _quote(one)
    if kind == "number":
        return head + ("" if op == "=" else op) + ",".join(values)
    if kind == "bool":
        return head + ("!" if op == "!" else "") + {"t": "true", "f": "false"}.get(one, one)
    if op in ("t", "w"):
        return head + {"t": "today", "w": "thisweek"}[op]
    if op == "<t-" and one == "0" and info.name == "dueDate":
        return head + "overdue"
    if op in ("t-", "t+", ">t-", "<t-", "<t+", ">t+"):
        return head + op + one
    if op == "<>d" and len(values) == 2:
        low, high = values
        return head + (f">={low}" if not high else f"<={high}" if not low else f"{low}..{high}")
    return head + one if op == "=d" else None


def _name_of(info: FieldInfo, value: str) -> str:
    """A resource's name when it reads back as the same id, else the id itself."""
    for option in info.options:
        if option.id == value:
            same = [o for o in info.options if o.name.casefold() == option.name.casefold()]
            if len(same) == 1 and not option.name.isdigit():
                return _quote(option.name, _KEYWORDS.get(info.kind, frozenset()))
    return value


# completing


def complete(text: str, cursor: int, catalog: FilterCatalog) -> list[Completion]:
    """What may go at `cursor`: field names, or values of the field being typed."""
    terms = _scan(text[:cursor], lenient=True)
    if not terms or terms[-1].end < cursor:
        return _complete_fields("", cursor, cursor, catalog)
    term = terms[-1]
    colon = _find(term.chars, ":")
    if colon is None:
        return _complete_fields(_text(term.chars), term.start, _end(text, cursor, ":"), catalog)
    info = catalog.lookup(_text(term.chars[:colon]))
    if info is None:
        return []
    value, start = term.chars[colon + 1 :], term.chars[colon][2] + 1
    # date values such as >t-7 start with operator characters: complete them whole
    k = 0 if info.kind in _DATE_KINDS else _prefix_length(value)
    start = value[k - 1][2] + 1 if k else start
    items = _split(value[k:]) if info.kind in _SPLIT_KINDS else [value[k:]]
    if len(items) > 1:
        start = max(p for c, q, p in value[k:] if c == "," and not q) + 1
    chosen = {_text(item).casefold() for item in items[:-1]}
    candidates = _value_candidates(info, bare=k == 0 and len(items) == 1)
    keyed = [(i, n, (n.casefold(),)) for i, n in candidates if n.casefold() not in chosen]
    end = _end(text, cursor, "," if info.kind in _SPLIT_KINDS else "")
    return _rank(keyed, _text(items[-1]).casefold(), start, end)


def _end(text: str, cursor: int, stops: str) -> int:
    """End of the word under the cursor; a stop character ends it (a colon is taken along)."""
    end = cursor
    while end < len(text) and not text[end].isspace() and text[end] not in stops:
        end += 1
    if stops == ":" and text[end : end + 1] == ":":
        end += 1
    return end


def _complete_fields(typed: str, start: int, end: int, catalog: FilterCatalog) -> list[Completion]:
    keyed = [
        (catalog.typed_name(info) + ":", info.label, (_key(info.name), _key(info.label)))
        for info in catalog.fields
    ]
    return _rank(keyed, _key(typed), start, end)


def _value_candidates(info: FieldInfo, *, bare: bool) -> list[tuple[str, str]]:
    """(insert, label) pairs for a field's values (`bare`: the whole value, no operator)."""
    words = {"status": ["open", "closed"], "principal": ["me"], "bool": ["true", "false"]}
    found = [(w, w) for w in words.get(info.kind, [])]
    if info.kind in _DATE_KINDS:
        days = ["today", "thisweek", ">t-7", "<t+7", "<t-30"]
        found = [(w, w) for w in days + ["overdue"] * (info.name == "dueDate")]
    found += [(_name_of(info, o.id), o.name) for o in info.options]
    return found + [("*", "*"), ("none", "none")] * (bare and info.kind != "bool")


def _rank(
    candidates: Iterable[tuple[str, str, tuple[str, ...]]], typed: str, start: int, end: int
) -> list[Completion]:
    """Candidates with a key starting with `typed`, then those with a key containing it."""
    found = [
        (not any(key.startswith(typed) for key in keys), insert, label)
        for insert, label, keys in candidates
        if any(typed in key for key in keys)
    ]
    found.sort(key=lambda entry: entry[0])  # stable: keeps the catalogue's order within each
    return [Completion(start, end, insert, label) for _, insert, label in found]
