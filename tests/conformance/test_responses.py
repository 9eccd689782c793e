"""Every case of the table against the running demo server, checked against the spec."""

from __future__ import annotations

import httpx
import pytest

from optui.demo import DemoServer
from optui.demo.routes import MODULES
from tests.conformance.cases import all_cases
from tests.conformance.harness import Case, Checks, check, send

CASES = all_cases()


def _param(case: Case) -> object:
    marks = []
    if case.xfail:
        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=case.xfail))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_response_conforms(case: Case, request: pytest.FixtureRequest, checks: Checks) -> None:
    missing = [name for name in case.needs if name not in MODULES]
    if missing:
        pytest.skip(f"needs the route module(s) {missing}, not registered in the demo app yet")
    server: DemoServer = request.getfixturevalue("demo" if case.mutates else "shared_demo")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        response = send(client, case, server.api_key)
    try:
        check(case, response, checks)
    except AssertionError as failure:
        # an expected failure must fail for its stated reason, not for a new one
        if case.xfail and case.xfail not in str(failure):
            pytest.fail(f"failed for another reason than {case.xfail!r}: {failure}")
        raise
