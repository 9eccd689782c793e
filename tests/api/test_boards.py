"""Boards against the demo server: columns and cards equal what the API lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.api.boards import (
    BOARD_KINDS,
    Board,
    BoardColumn,
    column_of,
    refuse_move,
    with_card_moved,
)
from optui.api.hal import Resource
from optui.api.models import Project, WorkPackage
from optui.demo import DemoServer
from tests.conftest import read_json


@pytest.fixture
async def services(demo: DemoServer) -> AsyncIterator[Services]:
    found = Services(OpenProjectClient(demo.url, Credentials(demo.api_key)), ApiCache())
    try:
        yield found
    finally:
        await found.aclose()


async def project(services: Services, identifier: str) -> Project:
    return next(p for p in await services.projects() if p.identifier == identifier)


def api_ids(demo: DemoServer, path: str, filters: list[Any]) -> set[int]:
    body = read_json(demo, path, filters=filters, pageSize=1000)
    assert body["count"] == body["total"]
    return {e["id"] for e in body["_embedded"]["elements"]}


@pytest.mark.parametrize("kind", list(BOARD_KINDS))
async def test_each_card_sits_in_the_column_of_its_value(
    services: Services, demo: DemoServer, kind: str
) -> None:
    demo_project = await project(services, "demo-project")
    board = await services.board(demo_project, kind)
    filters = [] if kind == "status" else [{"status": {"operator": "o", "values": []}}]
    expected = api_ids(demo, f"/api/v3/projects/{demo_project.id}/work_packages", filters)
    shown = [card.id for column in board.columns for card in column.cards]
    assert len(shown) == len(set(shown)) and set(shown) == expected
    for column in board.columns:
        for card in column.cards:
            link = card.resource.link(kind)
            href = link.href if link is not None and link.is_set else None
            assert href == column.value, (card.id, column.title)
    if kind == "status":  # every status has a column, in the server's order, with its colour
        statuses = read_json(demo, "/api/v3/statuses")["_embedded"]["elements"]
        by_position = sorted(statuses, key=lambda s: s["position"])
        assert [c.title for c in board.columns][: len(statuses)] == [s["name"] for s in by_position]
        assert board.columns[0].color == by_position[0]["color"]
    else:
        assert board.columns[-1].value is None  # "Unassigned", "No version"…


async def test_without_subprojects_only_the_projects_own_cards(services: Services) -> None:
    demo_project = await project(services, "demo-project")
    everything = await services.board(demo_project, "status")
    own = await services.board(demo_project, "status", subprojects=False)
    projects = {card.project_href for column in own.columns for card in column.cards}
    assert projects == {demo_project.href}
    assert own.card_count < everything.card_count


async def test_the_seeded_saved_boards(services: Services, demo: DemoServer) -> None:
    scrum = await project(services, "your-scrum-project")
    saved = {b.name: b for b in await services.saved_boards(scrum)}
    assert set(saved) == {"Task board", "Sprint planning"}
    task_board = await services.saved_board(saved["Task board"])
    assert [c.title for c in task_board.columns] == ["New", "In progress", "On hold", "Closed"]
    assert task_board.attribute == "status"
    assert [c.value for c in task_board.columns] == [
        "/api/v3/statuses/1",
        "/api/v3/statuses/7",
        "/api/v3/statuses/13",
        "/api/v3/statuses/12",
    ]
    for column, status_id in zip(task_board.columns, (1, 7, 13, 12), strict=True):
        filters = [{"status": {"operator": "=", "values": [str(status_id)]}}]
        expected = api_ids(demo, f"/api/v3/projects/{scrum.id}/work_packages", filters)
        assert {card.id for card in column.cards} == expected
    sprints = await services.saved_board(saved["Sprint planning"])
    assert sprints.attribute is None and [c.title for c in sprints.columns] == [
        "Sprint 2",
        "Sprint 3",
        "Product backlog",
    ]
    assert not any(column.movable for column in sprints.columns)
    # the board's filter bar narrows each column
    bugs = [{"type": {"operator": "=", "values": ["7"]}}]
    narrowed = await services.saved_board(saved["Task board"], bugs)
    assert all(card.type == "Bug" for column in narrowed.columns for card in column.cards)
    assert narrowed.card_count < task_board.card_count


async def test_moves_are_checked_against_the_allowed_values(services: Services) -> None:
    demo_project = await project(services, "demo-project")
    board = await services.board(demo_project, "status")
    card = next(c for column in board.columns for c in column.cards if c.status == "New")
    allowed = await services.quick_options(card, "status")
    titles = {a.title for a in allowed}
    permitted = next(c for c in board.columns if c.title in titles and c.title != "New")
    forbidden = next((c for c in board.columns if c.title not in titles), None)
    assert refuse_move(board, permitted, allowed) is None
    if forbidden is not None:
        reason = refuse_move(board, forbidden, allowed)
        assert reason == f"The workflow does not allow {forbidden.title} for this work package."
    assert (
        refuse_move(board, permitted, ()) == "You may not change the status of this work package."
    )
    free = Board("Sprints", None, board.columns)
    assert "free board" in (refuse_move(free, permitted, allowed) or "")


def card(number: int, status: str) -> WorkPackage:
    return WorkPackage.from_hal(
        Resource(
            {
                "id": number,
                "subject": f"Card {number}",
                "_links": {
                    "self": {"href": f"/api/v3/work_packages/{number}"},
                    "status": {"href": f"/api/v3/statuses/{status}", "title": status},
                },
            }
        )
    )


def column(key: str, *cards: WorkPackage) -> BoardColumn:
    return BoardColumn(key, key, f"/api/v3/statuses/{key}", True, None, cards)


def test_a_moved_card_leaves_the_other_cards_in_place() -> None:
    a, b, c = card(1, "New"), card(2, "New"), card(3, "Done")
    board = Board("b", "status", (column("new", a, b), column("done", c)))
    moved = with_card_moved(board, a.href, "done", a)
    assert [x.id for x in moved.columns[0].cards] == [2]
    assert [x.id for x in moved.columns[1].cards] == [1, 3]
    assert column_of(moved, a) == 1
    assert moved.columns[1].cards[0] is a and board.columns[0].cards == (a, b)  # not changed
