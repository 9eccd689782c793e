"""The filter bar language: syntax, errors, completion, round trips, and the demo's verdict."""

from __future__ import annotations

import json
import random

import pytest

from optui.api.filters import (
    SEARCH,
    Completion,
    FieldInfo,
    Filter,
    FilterCatalog,
    FilterSyntaxError,
    Option,
    complete,
    default_catalog,
    filters_from_json,
    filters_json,
    format_filters,
    parse,
)
from optui.demo import open_store, queries
from optui.demo.model import Demo
from optui.demo.store import Record, Store
from optui.demo.wp_filters import Lookups, filter_fields
from tests.conftest import TODAY

CUSTOM_KINDS = {
    "string": "text",
    "text": "text",
    "link": "text",
    "int": "number",
    "float": "number",
    "bool": "bool",
    "date": "date",
    "list": "list",
    "user": "principal",
    "version": "list",
}
"""How the app maps custom field formats to filter kinds."""


def seeded_store() -> Store:
    store = open_store(None, today=TODAY)
    assert isinstance(store, Store)
    return store


STORE = seeded_store()


def options(kind: str, name: str = "name") -> list[Option]:
    return [Option(str(r["id"]), str(r[name])) for r in STORE.all(kind)]


def user_options() -> list[Option]:
    return [Option(str(u["id"]), f"{u['firstName']} {u['lastName']}") for u in STORE.all("users")]


def custom_field(record: Record) -> FieldInfo:
    kind = CUSTOM_KINDS[record["format"]]
    found: list[Option] = []
    if record["format"] == "list":
        found = [
            Option(str(o["id"]), o["value"])
            for o in STORE.find("custom_options", custom_field_id=record["id"])
        ]
    elif record["format"] == "user":
        found = user_options()
    elif record["format"] == "version":
        found = options("versions")
    return FieldInfo(f"customField{record['id']}", record["name"], kind, tuple(found))


def demo_catalog() -> FilterCatalog:
    """The catalogue the app builds once the demo has answered."""
    catalog = default_catalog()
    for name, kind in [
        ("status", "statuses"),
        ("type", "types"),
        ("priority", "priorities"),
        ("project", "projects"),
        ("version", "versions"),
        ("category", "categories"),
    ]:
        catalog = catalog.with_options(name, options(kind))
    for name in ("assignee", "responsible", "author", "watcher"):
        catalog = catalog.with_options(name, user_options())
    return catalog.with_fields(*(custom_field(r) for r in STORE.all("custom_fields")))


CATALOG = demo_catalog()


def demo_verdict(filters: tuple[Filter, ...]) -> list[queries.Filter] | None:
    """The demo server's own reading of the filters JSON (raises its 400 when invalid)."""
    demo = Demo(STORE, api_key="unused")
    fields, aliases = filter_fields(demo, Lookups(demo))
    return queries.parse_filters(json.dumps(filters_json(filters)), fields, aliases)


def assert_demo_accepts(filters: tuple[Filter, ...]) -> None:
    expected = [queries.Filter(f.name, f.operator, f.values) for f in filters]
    assert demo_verdict(filters) == expected


def apply(text: str, completion: Completion) -> str:
    return text[: completion.replace_start] + completion.insert + text[completion.replace_end :]


# parsing


def test_the_example_line_becomes_openproject_filters_json() -> None:
    text = "status:open assignee:me type:Bug updatedAt:>t-7"
    assert filters_json(parse(text, CATALOG)) == [
        {"status": {"operator": "o", "values": []}},
        {"assignee": {"operator": "=", "values": ["me"]}},
        {"type": {"operator": "=", "values": ["7"]}},
        {"updatedAt": {"operator": ">t-", "values": ["7"]}},
    ]


RULES = [
    # lists of named resources
    ("type:Bug", Filter("type", "=", ("7",))),
    ("type:bug,feature", Filter("type", "=", ("7", "4"))),
    ("type:!Bug,Epic", Filter("type", "!", ("7", "5"))),
    ("type:7,1", Filter("type", "=", ("7", "1"))),
    ("type:*", Filter("type", "*")),
    ("type:!*", Filter("type", "!*")),
    ("type:none", Filter("type", "!*")),
    ("type:!none", Filter("type", "*")),
    ('version:"Sprint 2"', Filter("version", "=", ("4",))),
    ("priority:imm", Filter("priority", "=", ("4",))),  # a unique prefix
    ("Component:API,data", Filter("customField7", "=", ("1", "3"))),
    # status
    ("status:open", Filter("status", "o")),
    ("status:closed", Filter("status", "c")),
    ("status:!open", Filter("status", "c")),
    ("status:OPEN", Filter("status", "o")),
    ('status:"In progress"', Filter("status", "=", ("7",))),
    ('status:!"In progress",New', Filter("status", "!", ("7", "1"))),
    ("status:rej", Filter("status", "=", ("14",))),
    ("status:tested", Filter("status", "=", ("10",))),  # exact beats the prefix of "Tested"
    ("status:12", Filter("status", "=", ("12",))),
    ("status:*", Filter("status", "*")),
    # principals
    ("assignee:me", Filter("assignee", "=", ("me",))),
    ("assignee:anna", Filter("assignee", "=", ("2",))),
    ("assignee:schmidt", Filter("assignee", "=", ("2",))),  # a unique word prefix
    ('assignee:"Ben Carter",me', Filter("assignee", "=", ("3", "me"))),
    ("author:!me", Filter("author", "!", ("me",))),
    ("responsible:42", Filter("responsible", "=", ("42",))),
    ("watcher:none", Filter("watcher", "!*")),
    ("Reviewer:me", Filter("customField9", "=", ("me",))),
    # work package ids
    ("id:42", Filter("id", "=", ("42",))),
    ("parent:!1,2", Filter("parent", "!", ("1", "2"))),
    # text
    ("subject:login", Filter("subject", "~", ("login",))),
    ("subject:~login", Filter("subject", "~", ("login",))),
    ("subject:!~login", Filter("subject", "!~", ("login",))),
    ("subject:!login", Filter("subject", "!~", ("login",))),
    ('subject:"login page"', Filter("subject", "~", ("login page",))),
    ("subject:a,b", Filter("subject", "~", ("a,b",))),
    ("subject:~none", Filter("subject", "~", ("none",))),
    ('subject:"none"', Filter("subject", "~", ("none",))),
    ('subject:"say \\"hi\\""', Filter("subject", "~", ('say "hi"',))),
    ("description:*", Filter("description", "*")),
    ("Customer:ACME", Filter("customField1", "~", ("ACME",))),
    # dates
    ("dueDate:today", Filter("dueDate", "t")),
    ("dueDate:t", Filter("dueDate", "t")),
    ("startDate:thisweek", Filter("startDate", "w")),
    ("startDate:w", Filter("startDate", "w")),
    ("updatedAt:>t-7", Filter("updatedAt", ">t-", ("7",))),
    ("updatedAt:<t-7", Filter("updatedAt", "<t-", ("7",))),
    ("dueDate:<t+7", Filter("dueDate", "<t+", ("7",))),
    ("dueDate:>t+7", Filter("dueDate", ">t+", ("7",))),
    ("dueDate:t-3", Filter("dueDate", "t-", ("3",))),
    ("dueDate:t+3", Filter("dueDate", "t+", ("3",))),
    ("dueDate:2025-03-04", Filter("dueDate", "=d", ("2025-03-04",))),
    ("dueDate:2025-03-01..2025-03-31", Filter("dueDate", "<>d", ("2025-03-01", "2025-03-31"))),
    ("dueDate:>=2025-03-01", Filter("dueDate", "<>d", ("2025-03-01", ""))),
    ("dueDate:<=2025-03-31", Filter("dueDate", "<>d", ("", "2025-03-31"))),
    ("dueDate:2025-03-01..", Filter("dueDate", "<>d", ("2025-03-01", ""))),
    ("dueDate:overdue", Filter("dueDate", "<t-", ("0",))),
    ("dueDate:none", Filter("dueDate", "!*")),
    ("createdAt:2025-03-04", Filter("createdAt", "=d", ("2025-03-04",))),
    (
        "createdAt:>=2025-03-04T10:00:00Z",
        Filter("createdAt", "<>d", ("2025-03-04T10:00:00Z", "")),
    ),
    (
        "createdAt:2025-03-01T10:00:00Z..2025-03-02",
        Filter("createdAt", "<>d", ("2025-03-01T10:00:00Z", "2025-03-02")),
    ),
    ('"Go-live date":t+14', Filter("customField6", "t+", ("14",))),
    # numbers
    ("percentageDone:>=50", Filter("percentageDone", ">=", ("50",))),
    ("percentageDone:<=50", Filter("percentageDone", "<=", ("50",))),
    ("percentageDone:=50", Filter("percentageDone", "=", ("50",))),
    ("percentageDone:0,100", Filter("percentageDone", "=", ("0", "100"))),
    ("percentageDone:!100", Filter("percentageDone", "!", ("100",))),
    ('"Risk score":>=2.5', Filter("customField4", ">=", ("2.5",))),
    ('"Story points":*', Filter("customField3", "*")),
    # true/false
    ("Billable:true", Filter("customField5", "=", ("t",))),
    ("Billable:yes", Filter("customField5", "=", ("t",))),
    ("Billable:no", Filter("customField5", "=", ("f",))),
    ("Billable:false", Filter("customField5", "=", ("f",))),
    ("Billable:!true", Filter("customField5", "!", ("t",))),
]


@pytest.mark.parametrize(("text", "expected"), RULES, ids=[text for text, _ in RULES])
def test_each_rule_reads_as_documented_and_the_demo_accepts_it(text: str, expected: Filter) -> None:
    assert parse(text, CATALOG) == (expected,)
    assert_demo_accepts((expected,))


def test_bare_words_become_one_subject_or_id_search_where_the_first_one_stood() -> None:
    found = parse('status:open login "REST API" type:Bug page', CATALOG)
    assert found == (
        Filter("status", "o"),
        Filter(SEARCH, "**", ("login REST API page",)),
        Filter("type", "=", ("7",)),
    )
    assert_demo_accepts(found)
    assert parse("42", CATALOG) == (Filter(SEARCH, "**", ("42",)),)
    assert parse('"a:b"', CATALOG) == (Filter(SEARCH, "**", ("a:b",)),)


def test_blank_text_means_no_filters() -> None:
    assert parse("", CATALOG) == ()
    assert parse("   ", CATALOG) == ()


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Status", "status"),
        ("STATUS", "status"),
        ("status_id", "status"),
        ("assigned_to", "assignee"),
        ("assigned_to_id", "assignee"),
        ("due", "dueDate"),
        ("due_date", "dueDate"),
        ('"Finish date"', "dueDate"),
        ("start", "startDate"),
        ("updated", "updatedAt"),
        ("created", "createdAt"),
        ("fixed_version", "version"),
        ("accountable", "responsible"),
        ("cf_3", "customField3"),
        ("customfield3", "customField3"),
        ('"Story points"', "customField3"),
        ("story_points", "customField3"),
    ],
)
def test_fields_are_found_by_api_name_label_or_alias(typed: str, name: str) -> None:
    assert parse(f"{typed}:*", CATALOG) == (Filter(name, "*"),)


def test_an_api_name_beats_a_custom_field_with_the_same_label() -> None:
    clash = FieldInfo("customField20", "Status", "text")
    catalog = CATALOG.with_fields(clash)
    assert parse("status:open", catalog) == (Filter("status", "o"),)
    assert parse("customField20:x", catalog) == (Filter("customField20", "~", ("x",)),)
    assert format_filters([Filter("customField20", "~", ("x",))], catalog) == "customField20:x"


def test_without_options_ids_and_keywords_still_work() -> None:
    catalog = default_catalog()
    assert parse("status:open type:7 assignee:me priority:!1,2", catalog) == (
        Filter("status", "o"),
        Filter("type", "=", ("7",)),
        Filter("assignee", "=", ("me",)),
        Filter("priority", "!", ("1", "2")),
    )


# errors

ERRORS = [
    ("stauts:open", 'Unknown field "stauts" (did you mean "status"?)', 0, 6),
    ("assigne:me", 'Unknown field "assigne" (did you mean "assignee"?)', 0, 7),
    ('"Stroy points":5', 'Unknown field "Stroy points" (did you mean "Story points"?)', 1, 13),
    ("status:open zzqx:1", 'Unknown field "zzqx"', 12, 16),
    ("dueDate:abc", '"abc" is not a date: use 2025-03-04, today, >t-7 …', 8, 11),
    ("dueDate:2025-02-30", '"2025-02-30" is not a date: use 2025-03-04, today, >t-7 …', 8, 18),
    ("dueDate:..", "A range needs at least one end: 2025-03-01..2025-03-31", 8, 10),
    ("startDate:overdue", "overdue only works with dueDate: try startDate:<t-0", 10, 17),
    ('status:"In progress', 'Unbalanced quote: add a closing "', 7, 19),
    ('type:Bug "login', 'Unbalanced quote: add a closing "', 9, 15),
    ("status:", "Empty value: type what Status should be after the colon", 0, 7),
    ('status:""', "Empty value: type what Status should be after the colon", 0, 9),
    ("type:!", "Empty value: type what Type should be after the colon", 0, 6),
    ("type:Bug,,Task", "Empty value in Type: remove the extra comma or quotes", 5, 14),
    (":open", 'Missing field name before ":"', 0, 5),
    ('""', "Empty quotes: type something between them", 0, 2),
    ("status:in", '"in" could be In specification, In progress, In testing: type more', 7, 9),
    ("id:abc", '"abc" is not an ID: use numbers like 42', 3, 6),
    ("assignee:nobody", '"nobody" is not an assignee: ', 9, 15),
    ("subject:<x", '"<" does not work with Subject: use word, ~word or !word', 8, 9),
    ("percentageDone:>50", '">" does not work with % Complete: use 5, !5, >=5 or <=5', 15, 16),
    ("percentageDone:lots", '"lots" is not a number: use 5, !5, >=5 or <=5', 15, 19),
    ("percentageDone:>=1,2", ">= takes one number", 17, 20),
    (
        "updatedAt:>2025-01-01",
        '">" does not work with Updated on: use 2025-03-04, today, >t-7 …',
        10,
        11,
    ),
    ("createdAt:2025-03-04T10:00", '"2025-03-04T10:00" is not a date', 10, 26),
    ("Billable:maybe", 'Billable is true or false, not "maybe"', 9, 14),
    ("Billable:*", 'Billable is true or false, not "*"', 9, 10),
    ("type:~Bug", '"~" does not work with Type: use names, ids or !names', 5, 6),
]


@pytest.mark.parametrize(("text", "message", "start", "end"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_say_what_is_wrong_and_where(text: str, message: str, start: int, end: int) -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text, CATALOG)
    assert caught.value.message.startswith(message)
    assert str(caught.value) == caught.value.message
    assert (caught.value.start, caught.value.end) == (start, end)


def test_an_unknown_name_lists_at_most_six_values_closest_first() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse("status:Rejectd", CATALOG)
    message = caught.value.message
    assert message.startswith('"Rejectd" is not a status: Rejected, ')
    assert message.endswith(", …")
    assert len(message.split(": ", 1)[1].split(", ")) == 7  # six names and the ellipsis
    assert (caught.value.start, caught.value.end) == (7, 14)


def test_names_need_loaded_options() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse("priority:High", default_catalog())
    assert caught.value.message == "Priority values are not loaded yet: use an id (12) for now"
    assert (caught.value.start, caught.value.end) == (9, 13)


def test_duplicate_names_are_ambiguous_and_must_be_given_as_ids() -> None:
    catalog = CATALOG.with_options("version", [Option("1", "Next"), Option("2", "Next")])
    with pytest.raises(FilterSyntaxError, match='"Next" could be Next: type more'):
        parse("version:Next", catalog)
    assert format_filters([Filter("version", "=", ("2",))], catalog) == "version:2"


# completion


def labels(found: list[Completion]) -> list[str]:
    return [c.label for c in found]


def test_at_the_start_every_field_is_offered_in_catalogue_order() -> None:
    found = complete("", 0, CATALOG)
    assert [c.insert for c in found[:3]] == ["status:", "assignee:", "responsible:"]
    assert len(found) == len(CATALOG.fields)
    assert {(c.replace_start, c.replace_end) for c in found} == {(0, 0)}


def test_a_field_prefix_completes_to_the_field_and_its_colon() -> None:
    found = complete("sta", 3, CATALOG)
    assert found[0] == Completion(0, 3, "status:", "Status")
    assert [c.insert for c in found] == ["status:", "startDate:"]
    assert apply("sta", found[0]) == "status:"


def test_prefix_matches_come_before_substring_matches() -> None:
    found = complete("re", 2, CATALOG)
    prefixed = ["responsible:", "remainingTime:", "Reviewer:"]  # Remaining work, Reviewer
    contained = ["createdAt:", "parent:", '"Risk score":', '"Target release":']
    assert [c.insert for c in found] == prefixed + contained
    found = complete("status:open da", 14, CATALOG)
    assert found[0] == Completion(12, 14, "startDate:", "Start date")
    assert [c.insert for c in found][-1] == '"Go-live date":'
    assert [c.insert for c in complete("due", 3, CATALOG)] == ["dueDate:"]


def test_custom_fields_complete_to_their_quoted_label() -> None:
    found = complete('"Story p', 8, CATALOG)
    assert found == [Completion(0, 8, '"Story points":', "Story points")]
    assert parse(apply('"Story p', found[0]) + ">=3", CATALOG) == (
        Filter("customField3", ">=", ("3",)),
    )


def test_completing_inside_a_field_name_keeps_the_value() -> None:
    text = "sta:open"
    found = complete(text, 2, CATALOG)
    assert found[0] == Completion(0, 4, "status:", "Status")
    assert apply(text, found[0]) == "status:open"


def test_after_a_status_colon_come_keywords_then_names() -> None:
    found = complete("status:", 7, CATALOG)
    assert labels(found)[:4] == ["open", "closed", "New", "In specification"]
    assert labels(found)[-2:] == ["*", "none"]
    found = complete("status:in", 9, CATALOG)
    assert labels(found)[:3] == ["In specification", "In progress", "In testing"]
    assert found[1] == Completion(7, 9, '"In progress"', "In progress")
    assert parse(apply("status:in", found[1]), CATALOG) == (Filter("status", "=", ("7",)),)


def test_an_open_quote_is_replaced_with_the_quoted_name() -> None:
    found = complete('status:"In p', 12, CATALOG)
    assert found == [Completion(7, 12, '"In progress"', "In progress")]


def test_principals_offer_me_and_people() -> None:
    found = complete("assignee:", 9, CATALOG)
    assert labels(found)[:3] == ["me", "Demo User", "Anna Schmidt"]
    found = complete("status:open assignee:an", 23, CATALOG)
    assert found[0] == Completion(21, 23, '"Anna Schmidt"', "Anna Schmidt")


def test_after_a_comma_more_values_but_not_the_chosen_ones() -> None:
    text = "type:Bug, status:open"
    found = complete(text, 9, CATALOG)
    assert "Bug" not in labels(found)
    assert labels(found) == ["Task", "Milestone", "Phase", "Feature", "Epic", "User story"]
    assert {(c.replace_start, c.replace_end) for c in found} == {(9, 9)}
    found = complete("type:!Bug,fe", 12, CATALOG)
    assert found == [Completion(10, 12, "Feature", "Feature")]


def test_completing_in_the_middle_replaces_the_value_under_the_cursor() -> None:
    text = "status:op assignee:me"
    found = complete(text, 9, CATALOG)
    assert found == [Completion(7, 9, "open", "open"), Completion(7, 9, "Developed", "Developed")]
    assert apply(text, found[0]) == "status:open assignee:me"


def test_dates_offer_keywords_and_overdue_only_for_due_dates() -> None:
    assert labels(complete("dueDate:", 8, CATALOG)) == [
        "today",
        "thisweek",
        ">t-7",
        "<t+7",
        "<t-30",
        "overdue",
        "*",
        "none",
    ]
    assert "overdue" not in labels(complete("startDate:", 10, CATALOG))
    assert complete("updatedAt:>", 11, CATALOG)[0] == Completion(10, 11, ">t-7", ">t-7")


def test_other_kinds_complete_what_they_can() -> None:
    assert labels(complete("Billable:", 9, CATALOG)) == ["true", "false"]
    assert labels(complete("subject:", 8, CATALOG)) == ["*", "none"]
    assert complete("nosuchfield:", 12, CATALOG) == []
    assert complete("status:open ", 12, CATALOG)[0] == Completion(12, 12, "status:", "Status")


# writing filters back as text

FORMATTED = [
    ("status:open assignee:me type:Bug updatedAt:>t-7", None),
    ("assignee:anna", 'assignee:"Anna Schmidt"'),
    ("type:!7,1", "type:!Bug,Task"),
    ("type:999", "type:999"),
    ("status:!open", "status:closed"),
    ("type:!*", "type:none"),
    ("subject:~login", "subject:login"),
    ("subject:!login", "subject:!~login"),
    ('subject:"none"', 'subject:"none"'),
    ('subject:"~x"', 'subject:"~x"'),
    ("due:t", "dueDate:today"),
    ("dueDate:<t-0", "dueDate:overdue"),
    ("startDate:<t-0", "startDate:<t-0"),
    ("dueDate:2025-03-01..", "dueDate:>=2025-03-01"),
    ("cf_3:>=5", '"Story points":>=5'),
    ("cf_5:yes", "Billable:true"),
    ("cf_7:!api", "Component:!API"),
    ("login page status:open", None),
    ('"a:b" x', '"a:b x"'),
]


@pytest.mark.parametrize(("text", "expected"), FORMATTED, ids=[t for t, _ in FORMATTED])
def test_format_writes_the_canonical_text(text: str, expected: str | None) -> None:
    filters = parse(text, CATALOG)
    written = format_filters(filters, CATALOG)
    assert written == (text if expected is None else expected)
    assert parse(written, CATALOG) == filters


def examples(catalog: FilterCatalog) -> list[Filter]:
    """Filters of every kind and operator the language can write."""
    days = ["t-", "t+", ">t-", "<t-", "<t+", ">t+"]
    found = [
        Filter(SEARCH, "**", (text,))
        for text in ["login", "login page", "a:b", " lead", 'say "hi"', "back\\slash", "x  y"]
    ]
    for info in catalog.fields:
        name, ids = info.name, [o.id for o in info.options] or ["5", "12"]
        found += [Filter(name, "*"), Filter(name, "!*")] if info.kind != "bool" else []
        if info.kind in ("status", "list", "principal", "id"):
            extra = ["me"] if info.kind == "principal" else ["999"]
            for values in ([ids[0]], ids[:2], ids[-1:] + extra, extra):
                found += [Filter(name, "=", tuple(values)), Filter(name, "!", tuple(values))]
        if info.kind == "status":
            found += [Filter(name, "o"), Filter(name, "c")]
        if info.kind == "text":
            for text in ["login", "two words", "none", "*", "!bang", "a,b", 'q"uote', "t-3"]:
                found += [Filter(name, "~", (text,)), Filter(name, "!~", (text,))]
        if info.kind in ("date", "datetime"):
            found += [Filter(name, "t"), Filter(name, "w"), Filter(name, "=d", ("2025-03-04",))]
            found += [Filter(name, op, (n,)) for op in days for n in ("0", "7", "30")]
            for pair in [("2025-03-01", "2025-03-31"), ("2025-03-01", ""), ("", "2025-03-31")]:
                found.append(Filter(name, "<>d", pair))
        if info.kind == "datetime":
            found.append(Filter(name, "<>d", ("2025-03-01T10:00:00Z", "")))
        if info.kind == "number":
            found += [Filter(name, "=", ("5",)), Filter(name, "=", ("5", "6.5"))]
            found += [Filter(name, "!", ("0",)), Filter(name, ">=", ("50",))]
            found += [Filter(name, "<=", ("-1",))]
        if info.kind == "bool":
            found += [Filter(name, op, (v,)) for op in ("=", "!") for v in ("t", "f")]
    return found


@pytest.mark.parametrize("catalog", [CATALOG, default_catalog()], ids=["loaded", "default"])
def test_every_expressible_filter_survives_a_round_trip(catalog: FilterCatalog) -> None:
    every = examples(catalog)
    assert len(every) > 250
    for flt in every:
        written = format_filters([flt], catalog)
        assert parse(written, catalog) == (flt,), written


def test_random_combinations_survive_a_round_trip_and_the_demo_accepts_them() -> None:
    every = examples(CATALOG)
    search = [f for f in every if f.name == SEARCH]
    fields = [f for f in every if f.name != SEARCH]
    rng = random.Random(2026)
    for _ in range(300):
        chosen = rng.sample(fields, rng.randint(1, 5))
        if rng.random() < 0.4:
            chosen.insert(rng.randint(0, len(chosen)), rng.choice(search))
        filters = tuple(chosen)
        written = format_filters(filters, CATALOG)
        assert parse(written, CATALOG) == filters, written
        assert_demo_accepts(filters)


def test_the_demo_accepts_every_filter_the_language_writes() -> None:
    every = tuple(examples(CATALOG))
    assert_demo_accepts(every)


def test_format_refuses_filters_it_cannot_write_unchanged() -> None:
    for flt in [
        Filter("type", "&=", ("1", "2")),
        Filter("subject", "=", ("exact",)),
        Filter("subject", "~", ("a", "b")),
        Filter("dueDate", ">=", ("2025-03-01",)),
        Filter("dueDate", "<>d", ("", "")),
        Filter("customField5", "=", ("1",)),
        Filter("nosuchfield", "=", ("1",)),
        Filter("type", "=", ("Bug",)),
        Filter("search", "**", ("x",)),
    ]:
        with pytest.raises(ValueError, match="The filter bar can't show"):
            format_filters([flt], CATALOG)
    twice = [Filter(SEARCH, "**", ("a",)), Filter(SEARCH, "**", ("b",))]
    with pytest.raises(ValueError, match="subjectOrId"):
        format_filters(twice, CATALOG)


def test_names_that_look_like_keywords_or_ids_are_written_safely() -> None:
    catalog = CATALOG.with_options(
        "status", [Option("1", "Open"), Option("2", "2025"), Option("3", "me, too")]
    ).with_options("assignee", [Option("4", "Me")])
    filters = (
        Filter("status", "=", ("1",)),
        Filter("status", "=", ("2", "3")),
        Filter("assignee", "=", ("4", "me")),
    )
    written = format_filters(filters, catalog)
    assert written == 'status:"Open" status:2,"me, too" assignee:"Me",me'
    assert parse(written, catalog) == filters


# the demo's reading of the filters


def test_the_default_catalogue_names_filters_the_demo_knows() -> None:
    demo = Demo(STORE, api_key="unused")
    fields, _ = filter_fields(demo, Lookups(demo))
    assert {info.name for info in CATALOG.fields} <= set(fields)
    assert {info.name for info in default_catalog().fields} <= set(fields)


def test_overdue_and_recent_mean_what_the_help_says() -> None:
    demo = Demo(STORE, api_key="unused")
    fields, _ = filter_fields(demo, Lookups(demo))
    closed = frozenset(s["id"] for s in STORE.all("statuses") if s["isClosed"])
    context = queries.Context(today=TODAY, user_id=demo.user_id, closed_status_ids=closed)
    wanted = demo_verdict(parse("dueDate:overdue status:open", CATALOG))
    assert wanted is not None
    found = [r for r in STORE.all("work_packages") if queries.matches(r, wanted, fields, context)]
    assert found
    assert all(str(r.get("dueDate") or r.get("date")) < TODAY.isoformat() for r in found)
    assert all(r["status_id"] not in closed for r in found)


# the catalogue


def test_catalogues_are_immutable_and_copied_with_new_options() -> None:
    base = default_catalog()
    filled = base.with_options("Type", [Option("7", "Bug")])
    assert base.lookup("type") == FieldInfo("type", "Type", "list")
    assert filled.lookup("type") == FieldInfo("type", "Type", "list", (Option("7", "Bug"),))
    assert [f.name for f in filled.fields] == [f.name for f in base.fields]
    with pytest.raises(KeyError):
        base.with_options("nosuchfield", [])
    extended = base.with_fields(FieldInfo("customField3", "Story points", "number"))
    assert extended.fields[-1].name == "customField3"
    assert len(extended.fields) == len(base.fields) + 1
    assert base.lookup("cf_3") is None


def test_a_field_kind_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown field kind"):
        FieldInfo("x", "X", "colour")


def test_filters_json_reads_back() -> None:
    filters = parse("status:open assignee:me login", CATALOG)
    assert filters_from_json(json.loads(json.dumps(filters_json(filters)))) == filters
    assert filters_from_json([{"status": {"operator": "o", "values": None}}]) == (
        Filter("status", "o"),
    )
    assert filters_from_json([{"x": {"operator": "="}}]) == (Filter("x", "="),)
    for bad in [{}, [{"a": 1, "b": 2}], [{"status": {"values": []}}], [{"s": "o"}]]:
        with pytest.raises(ValueError):
            filters_from_json(bad)
