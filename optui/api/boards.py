"""Boards: the work packages of a project in columns, and OpenProject's own saved boards.

A built-in board groups one list of the project's work packages by status, assignee, version
or priority (ceil(N/1000) requests for the cards, one cached request for the columns). A saved
board is a grid whose `work_package_query` widgets each point at a query: one request per
column, like the web UI. A move sets the board's attribute to the target column's value, and
only to a value the work package's edit form allows (its workflow, the user's role).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from optui.api.browsing import OPEN, BrowsingServices, ListSpec
from optui.api.cache import LONG_TTL, SHORT_TTL, ApiCache
from optui.api.hal import Resource, int_id
from optui.api.models import Project, SavedView, User, WorkPackage
from optui.api.schema import AllowedValue

BOARD_KINDS: dict[str, str] = {
    "status": "Status",
    "assignee": "Assignee",
    "version": "Version",
    "priority": "Priority",
}
"""The built-in boards: the attribute a column stands for, and its label."""

VALUE_PATHS = {
    "status": "/api/v3/statuses/",
    "assignee": "/api/v3/users/",
    "version": "/api/v3/versions/",
    "priority": "/api/v3/priorities/",
}
NONE_TITLES = {"assignee": "Unassigned", "version": "No version", "priority": "No priority"}
CARD_SORT = (("id", "asc"),)


@dataclass(frozen=True, slots=True)
class BoardColumn:
    key: str
    """Unique on its board (the value's href, `none`, or the saved column's query)."""
    title: str
    value: str | None
    """The href a card moved here gets; None: the column stands for "not set"."""
    movable: bool
    """Cards may be moved into this column (its value is known)."""
    color: str | None
    """The server's colour of the value (`#rrggbb`), where it has one."""
    cards: tuple[WorkPackage, ...]


@dataclass(frozen=True, slots=True)
class Board:
    title: str
    attribute: str | None
    """The field a move changes; None on a free board (its columns are lists, not values)."""
    columns: tuple[BoardColumn, ...]
    type_colors: Mapping[str, str] = field(default_factory=dict)
    """Type href → colour, for the cards."""
    saved_id: int | None = None
    closed_statuses: frozenset[str] = frozenset()
    """Hrefs of the statuses that close a work package (no due-date warning there)."""

    @property
    def card_count(self) -> int:
        return sum(len(column.cards) for column in self.columns)


@dataclass(frozen=True, slots=True)
class SavedBoard:
    """A board saved in OpenProject (a grid with scope `/projects/{identifier}/boards`)."""

    id: int
    name: str
    attribute: str | None
    columns: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    """Per column, in order: the query id and the filters the widget carries."""

    @classmethod
    def from_grid(cls, grid: Resource) -> SavedBoard | None:
        grid_id = grid.integer("id")
        if grid_id is None:
            return None
        options = grid.get("options")
        options = options if isinstance(options, dict) else {}
        attribute = options.get("attribute") if options.get("type") == "action" else None
        widgets = grid.get("widgets")
        ordered = sorted(
            (w for w in widgets if isinstance(w, dict)) if isinstance(widgets, list) else [],
            key=lambda w: (_number(w.get("startColumn")), _number(w.get("startRow"))),
        )
        columns = []
        for widget in ordered:
            widget_options = widget.get("options")
            if widget.get("identifier") != "work_package_query" or not isinstance(
                widget_options, dict
            ):
                continue
            query_id = widget_options.get("queryId")
            if query_id is None or not str(query_id).isdigit():
                continue
            raw = widget_options.get("filters")
            filters = tuple(f for f in raw if isinstance(f, dict)) if isinstance(raw, list) else ()
            columns.append((str(query_id), filters))
        return cls(
            id=grid_id,
            name=grid.text("name") or f"Board {grid_id}",
            attribute=attribute if isinstance(attribute, str) else None,
            columns=tuple(columns),
        )


def _number(value: object) -> int:
    if isinstance(value, int):
        return value
    return int(str(value)) if str(value).isdigit() else 0


def value_of(work_package: WorkPackage, attribute: str) -> str | None:
    """The href of `attribute` on a work package (None when unset)."""
    link = work_package.resource.link(attribute)
    return link.href if link is not None and link.is_set and link.href else None


def column_of(board: Board, work_package: WorkPackage) -> int | None:
    for index, column in enumerate(board.columns):
        if any(card.href == work_package.href for card in column.cards):
            return index
    return None


def refuse_move(
    board: Board, target: BoardColumn, allowed: Sequence[AllowedValue] | None
) -> str | None:
    """Why a card may not go to `target` (None: it may). `allowed` is what the work package's
    edit form allows for the board's attribute; None when not known yet."""
    if board.attribute is None:
        return (
            f"{board.title} is a free board: its columns are lists, not values. "
            "Change the work package itself (e) to move it."
        )
    if not target.movable:
        return f"The column {target.title} does not stand for one {board.attribute} value."
    if allowed is None:
        return None
    label = BOARD_KINDS.get(board.attribute, board.attribute).lower()
    if not allowed:
        return f"You may not change the {label} of this work package."
    if not any(choice.href == target.value for choice in allowed):
        if target.value is None:
            return f"The {label} of this work package may not be left empty."
        return f"The workflow does not allow {target.title} for this work package."
    return None


def with_card_moved(board: Board, href: str, target_key: str, card: WorkPackage) -> Board:
    """The board with the card `href` taken out of its column and put into `target_key`
    (as `card`, at its place by id); the other cards stay where they are."""
    columns = []
    for column in board.columns:
        cards = tuple(c for c in column.cards if c.href != href)
        if column.key == target_key:
            cards = tuple(sorted((*cards, card), key=lambda c: c.id or 0))
        columns.append(
            BoardColumn(column.key, column.title, column.value, column.movable, column.color, cards)
        )
    return Board(
        board.title,
        board.attribute,
        tuple(columns),
        board.type_colors,
        board.saved_id,
        board.closed_statuses,
    )


def _color(resource: Resource) -> str | None:
    color = resource.opt_text("color")
    return color if color and color.startswith("#") and len(color) in (4, 7) else None


class BoardServices(BrowsingServices):
    """Mixed into `Services` (browsing is what boards are built from)."""

    async def saved_boards(self, project: Project) -> tuple[SavedBoard, ...]:
        scope = [{"scope": {"operator": "=", "values": [f"/projects/{project.identifier}/boards"]}}]
        found = await self._collection("/api/v3/grids", {"filters": scope}, ttl=LONG_TTL)
        boards = (SavedBoard.from_grid(grid) for grid in found)
        return tuple(board for board in boards if board is not None)

    async def type_colors(self) -> dict[str, str]:
        found = await self._collection("/api/v3/types", ttl=LONG_TTL)
        return {r.self_href or "": c for r in found if (c := _color(r)) is not None}

    async def closed_statuses(self) -> frozenset[str]:
        found = await self._collection("/api/v3/statuses", ttl=LONG_TTL)
        return frozenset(r.self_href or "" for r in found if r.flag("isClosed"))

    async def _values(self, kind: str, project: Project) -> list[tuple[str, str, str | None]]:
        """(href, title, colour) of every value a built-in board has a column for."""
        if kind == "status":
            found = await self._collection("/api/v3/statuses", ttl=LONG_TTL)
        elif kind == "priority":
            found = await self._collection("/api/v3/priorities", ttl=LONG_TTL)
        elif kind == "version":
            found = await self._collection(f"{project.href}/versions", ttl=LONG_TTL)
        else:
            found = await self._collection(f"{project.href}/available_assignees", ttl=LONG_TTL)
        values = []
        for resource in sorted(found, key=lambda r: r.integer("position") or 0):
            href = resource.self_href
            if not href:
                continue
            if kind == "assignee":
                title = User.from_hal(resource).name
            else:
                title = resource.text("name") or href
            values.append((href, title, _color(resource)))
        return values

    def board_spec(
        self, project: Project, kind: str, filters: Sequence[Any], subprojects: bool
    ) -> ListSpec:
        wanted = list(filters)
        if not subprojects and project.id is not None:
            wanted.append({"project": {"operator": "=", "values": [str(project.id)]}})
        return ListSpec(
            path=f"{project.href}/work_packages",
            filters_json=json.dumps(wanted),
            sort_by=CARD_SORT,
            title=project.name,
        )

    async def board(
        self,
        project: Project,
        kind: str,
        filters: Sequence[Any] | None = None,
        *,
        subprojects: bool = True,
        force: bool = False,
    ) -> Board:
        """A built-in board: every value its own column (also empty ones), then any value
        only the cards know (a version of another project…), and "not set" where cards lack one."""
        if kind not in BOARD_KINDS:
            raise ValueError(f"no such board: {kind}")
        chosen = default_filters(kind) if filters is None else filters
        spec = self.board_spec(project, kind, chosen, subprojects)
        if force:
            self.invalidate_list(spec)
        page = await self.all_pages(spec)
        cards: list[WorkPackage] = list(page.items)
        values = await self._values(kind, project)
        colors = await self.type_colors()
        by_value: dict[str | None, list[WorkPackage]] = {}
        titles: dict[str, str] = {}
        for card in cards:
            href = value_of(card, kind)
            by_value.setdefault(href, []).append(card)
            link = card.resource.link(kind)
            if href and link is not None and link.title:
                titles.setdefault(href, link.title)
        columns = [
            BoardColumn(href, title, href, True, color, tuple(by_value.pop(href, ())))
            for href, title, color in values
        ]
        for href in sorted(h for h in by_value if h is not None):
            title = titles.get(href, href.rsplit("/", 1)[-1])
            columns.append(BoardColumn(href, title, href, True, None, tuple(by_value.pop(href))))
        if kind != "status":  # a work package always has a status
            none_title = NONE_TITLES.get(kind, "Not set")
            columns.append(
                BoardColumn("none", none_title, None, True, None, tuple(by_value.get(None, ())))
            )
        title = f"{project.name} · {BOARD_KINDS[kind].lower()} board"
        closed = await self.closed_statuses()
        return Board(title, kind, tuple(columns), colors, None, closed)

    async def saved_board(
        self, saved: SavedBoard, extra_filters: Sequence[Any] = (), *, force: bool = False
    ) -> Board:
        """A saved board: each column is its query's name and results (filters of the board's
        filter bar added to the query's own)."""
        colors = await self.type_colors()
        columns = []
        for query_id, widget_filters in saved.columns:
            href = f"/api/v3/queries/{query_id}"
            params: dict[str, Any] = {"pageSize": 1000, "offset": 1}
            key = ApiCache.key(href, {**params, "extra": json.dumps(list(extra_filters))})

            async def fetch(href: str = href, params: dict[str, Any] = params) -> Any:
                if extra_filters:
                    query = SavedView.from_hal(await self.client.get(href))
                    params = {**params, "filters": json.dumps([*query.filters, *extra_filters])}
                return (await self.client.get(href, params)).data

            body = Resource(await self.cache.get(key, fetch, ttl=SHORT_TTL, force=force))
            query = SavedView.from_hal(body)
            results = body.embedded("results")
            cards = tuple(WorkPackage.from_hal(r) for r in results.elements()) if results else ()
            value = _column_value(saved.attribute, [*widget_filters, *query.filters])
            columns.append(
                BoardColumn(
                    key=f"query-{query_id}",
                    title=query.name,
                    value=value,
                    movable=saved.attribute is not None and value is not None,
                    color=None,
                    cards=cards,
                )
            )
        closed = await self.closed_statuses()
        return Board(saved.name, saved.attribute, tuple(columns), colors, saved.id, closed)


def default_filters(kind: str) -> list[Any]:
    """A status board shows every work package (its closed columns too); the others the open."""
    return [] if kind == "status" else [OPEN]


def _column_value(attribute: str | None, filters: Sequence[Any]) -> str | None:
    """The value a saved action board's column stands for: its `attribute = one value` filter."""
    if attribute not in VALUE_PATHS:
        return None
    for item in filters:
        if not isinstance(item, dict) or attribute not in item:
            continue
        condition = item[attribute]
        values = condition.get("values") if isinstance(condition, dict) else None
        if condition.get("operator") == "=" and isinstance(values, list) and len(values) == 1:
            value = str(values[0])
            if value.isdigit():
                return f"{VALUE_PATHS[attribute]}{value}"
            if value.startswith("/api/v3/") and int_id(value) is not None:
                return value
    return None
