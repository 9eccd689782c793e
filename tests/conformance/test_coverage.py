"""The table covers every route of the demo app, and the spec helper does what it says."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from optui.demo import build_demo_app
from tests.conformance.cases import all_cases, derived, registered_areas
from tests.conformance.harness import Case
from tests.conformance.spec import DEVIATIONS, load_document, spec_with

CASES = all_cases()
MIN_CASES = 100
"""A floor, so a table emptied by mistake fails loudly."""


def api_routes() -> list[Route]:
    """The demo app's routes under /api/v3, in matching order, without the 404 catch-alls."""
    app = build_demo_app(None, "key", today=dt.date(2026, 11, 2))
    assert isinstance(app, Starlette)
    found: list[Route] = []
    for route in app.routes:
        assert isinstance(route, Route)
        if route.path.startswith("/api/v3") and "{rest:path}" not in route.path:
            found.append(route)
    return found[:-1] if found and found[-1].path == "/api/v3" else found  # the bare catch-all


def route_of(case: Case, routes: list[Route]) -> Route | None:
    """The first route that serves this request, as Starlette picks it."""
    path = case.path.split("?", 1)[0]
    for route in routes:
        if route.path_regex.fullmatch(path) and case.method in (route.methods or ()):
            return route
    return None


def test_every_demo_route_has_a_successful_case() -> None:
    routes = api_routes()
    served = {
        (case.method, route.path)
        for case in CASES
        if case.status < 300 and (route := route_of(case, routes)) is not None
    }
    missing = [
        f"{method} {route.path}"
        for route in routes
        for method in sorted((route.methods or set()) - {"HEAD"})
        if (method, route.path) not in served
    ]
    assert not missing, "demo routes without a conformance case: " + ", ".join(missing)


def test_every_operation_gets_the_derived_error_cases() -> None:
    operations = {(c.method, c.template) for c in CASES if c.status < 300 and c.auth == "key"}
    for method, template in operations:
        statuses = {c.status for c in CASES if (c.method, c.template) == (method, template)}
        assert 401 in statuses, f"{method} {template}: no 401 case"
        if method != "GET":
            assert {406, 415} <= statuses, f"{method} {template}: no 406/415 case"


def test_the_table_is_counted(capsys: pytest.CaptureFixture[str]) -> None:
    areas = registered_areas()
    written = sum(len(cases) for cases in areas.values())
    assert len(CASES) == written + len(derived([c for cs in areas.values() for c in cs]))
    assert len(CASES) >= MIN_CASES
    assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"
    with capsys.disabled():
        print(
            f"\nconformance cases: {len(CASES)} ({written} written, by area: "
            + ", ".join(f"{area} {len(cases)}" for area, cases in areas.items())
            + ")"
        )


def test_every_case_names_only_allowed_deviations() -> None:
    for case in CASES:
        assert set(case.deviations) <= DEVIATIONS.keys(), case.id
    used = {name for case in CASES for name in case.deviations}
    assert used <= DEVIATIONS.keys()


def test_unknown_deviations_are_refused() -> None:
    with pytest.raises(KeyError):
        spec_with(frozenset({"anything-goes"}))


def test_deviations_patch_a_copy() -> None:
    original = load_document()
    assert original is not None
    patched = spec_with(frozenset({"wp-collection-type", "time-entry-activity-plural"}))
    assert patched.document is not original
    enum = original["components"]["schemas"]["CollectionModel"]["properties"]["_type"]["enum"]
    assert enum == ["Collection"]
    collection = {
        "_type": "WorkPackageCollection",
        "total": 0,
        "count": 0,
        "_embedded": {"elements": []},
        "_links": {"self": {"href": "/api/v3/work_packages"}},
    }
    schema = "urn:spec#/components/schemas/Work_PackagesModel"
    assert list(spec_with().errors(schema, collection))
    assert not list(patched.errors(schema, collection))
    assert "/api/v3/time_entries/activities/{id}" not in original["paths"]
    assert patched.template_for("/api/v3/time_entries/activities/3") == (
        "/api/v3/time_entries/activities/{id}"
    )


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v3", "/api/v3"),
        ("/api/v3/", "/api/v3"),
        ("/api/v3/users/me", "/api/v3/users/{id}"),
        ("/api/v3/users/schema", "/api/v3/users/schema"),
        ("/api/v3/projects/1/work_packages/form", "/api/v3/projects/{id}/work_packages/form"),
        ("/api/v3/queries/default?x=1", "/api/v3/queries/default"),
        (
            "/api/v3/notifications/3/details/0",
            "/api/v3/notifications/{notification_id}/details/{id}",
        ),
        ("/api/v3/time_entries/activities/1", None),
        ("/api/v3/nothing/here", None),
    ],
)
def test_concrete_paths_map_to_templates(path: str, template: str | None) -> None:
    assert spec_with().template_for(path) == template


def test_error_identifiers_come_from_the_spec() -> None:
    statuses = spec_with().error_statuses
    assert statuses["InvalidQuery"] == 400
    assert statuses["Unauthenticated"] == 401
    assert statuses["UpdateConflict"] == 409
    assert statuses["PropertyConstraintViolation"] == 422
