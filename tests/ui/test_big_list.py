"""A list of 10,000+ work packages: the first rows after one request of one page, `G` loads
only the last page, pagedown loads only the pages that come into view."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.api.hal import Resource
from optui.demo import DemoServer, start_demo_server
from optui.ui.app import OptuiApp
from optui.ui.screens.work_packages import WorkPackagesScreen
from optui.ui.widgets.wp_table import WorkPackageTable
from tests.conftest import TODAY, read_json
from tests.ui.conftest import make_app, settle
from tests.ui.test_browsing import OPEN, drawn, ids, ids_in_view, title_of

LIST = "/api/v3/work_packages"
PAGE = 100


@pytest.fixture
def big_demo(tmp_path: Path) -> Iterator[DemoServer]:
    server = start_demo_server(tmp_path / "data", today=TODAY, seed_size="large")
    try:
        yield server
    finally:
        server.stop()


class Requests:
    """The GETs the app's client sends (wrapping `get`, which every read goes through)."""

    def __init__(self, app: OptuiApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.client = app.services.client
        self.sent: list[tuple[str, dict[str, Any]]] = []
        original = self.client.get

        async def get(path: str, params: Mapping[str, Any] | None = None) -> Resource:
            self.sent.append((path, dict(params or {})))
            return await original(path, params)

        monkeypatch.setattr(self.client, "get", get)

    def start(self) -> int:
        self.sent.clear()
        return self.client.requests_made

    def list_pages(self) -> list[tuple[int, int]]:
        """(offset, pageSize) of every request for the list."""
        return [(int(p["offset"]), int(p["pageSize"])) for path, p in self.sent if path == LIST]


def server_page(demo: DemoServer, offset: int) -> dict[str, Any]:
    body: dict[str, Any] = read_json(
        demo, LIST, filters=[OPEN], sortBy=[["id", "desc"]], pageSize=PAGE, offset=offset
    )
    return body


def pages_in_view(table: WorkPackageTable) -> set[int]:
    top = table.scroll_offset.y
    rows = len(drawn(table)) - 1
    last = min(top + rows, table.source.count) - 1
    return {index // PAGE + 1 for index in range(top, last + 1)}


async def open_all(pilot: Pilot[None], requests: Requests) -> tuple[WorkPackagesScreen, int]:
    """`:all`, counting what it sends; returns the screen and the requests made."""
    await settle(pilot)
    before = requests.start()
    await pilot.press("colon", *"all", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WorkPackagesScreen) and screen.project is None
    return screen, requests.client.requests_made - before


async def test_first_rows_after_one_request_of_one_page(
    big_demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = server_page(big_demo, 1)
    assert first["total"] > 8000
    app = make_app(big_demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        requests = Requests(app, monkeypatch)
        screen, made = await open_all(pilot, requests)
        assert requests.list_pages() == [(1, PAGE)]
        others = [path for path, _ in requests.sent if path != LIST]
        assert others == ["/api/v3/queries"]  # the saved views, for the tabs
        assert made == 2
        assert title_of(screen) == f"All projects  {first['total']} work packages"
        shown = ids_in_view(screen.table)
        assert len(shown) > 30 and shown == ids(first["_embedded"]["elements"])[: len(shown)]


async def test_G_loads_only_the_last_page(
    big_demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = server_page(big_demo, 1)["total"]
    last_page = -(-total // PAGE)
    last_id = server_page(big_demo, last_page)["_embedded"]["elements"][-1]["id"]
    app = make_app(big_demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        requests = Requests(app, monkeypatch)
        screen, _ = await open_all(pilot, requests)
        table = screen.table
        before = requests.start()
        await pilot.press("G")
        await settle(pilot)
        wanted = pages_in_view(table)
        assert last_page in wanted and len(wanted) <= 2
        assert sorted(requests.list_pages()) == [(page, PAGE) for page in sorted(wanted)]
        assert requests.client.requests_made - before <= 3
        assert table.cursor == total - 1
        assert table.highlighted is not None and table.highlighted.id == last_id
        assert ids_in_view(table)[-1] == last_id
        assert "loading…" not in "\n".join(drawn(table))


async def test_pagedown_loads_only_the_pages_in_view(
    big_demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(big_demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        requests = Requests(app, monkeypatch)
        screen, _ = await open_all(pilot, requests)
        table = screen.table
        requests.start()
        seen: set[int] = set()
        for _ in range(4):
            await pilot.press("pagedown")
            await settle(pilot)
            seen |= pages_in_view(table)
        assert table.cursor > PAGE  # past the first page
        assert sorted(requests.list_pages()) == [(page, PAGE) for page in sorted(seen - {1})]
        assert len(requests.list_pages()) <= 2
        top = table.scroll_offset.y
        window = [
            item["id"]
            for page in sorted(pages_in_view(table))
            for item in server_page(big_demo, page)["_embedded"]["elements"]
        ]
        offset = top - (min(pages_in_view(table)) - 1) * PAGE
        shown = ids_in_view(table)
        assert len(shown) > 30 and shown == window[offset : offset + len(shown)]
