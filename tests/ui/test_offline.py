"""Offline: a restart paints the last known data, says how old it is, and reconnects alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static

from optui.api.disk_cache import DiskCache
from optui.demo import start_demo_server
from optui.ui.screens.my_work import MyWorkScreen
from optui.ui.screens.projects import ProjectsScreen
from optui.ui.widgets.status_bar import StatusBar
from tests.conftest import TODAY
from tests.ui.conftest import make_app, settle
from tests.ui.test_projects import labels


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_offline_start_shows_cached_projects_and_comes_back(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache.sqlite3"
    server = start_demo_server(data, today=TODAY)
    port = int(server.url.rsplit(":", 1)[1])
    async with make_app(server, disk=DiskCache(cache, server_url="demo")).run_test() as pilot:
        await settle(pilot)
    server.stop()

    app = make_app(server, disk=DiskCache(cache, server_url="demo"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, MyWorkScreen)
        for _ in range(100):  # the disk read and the failed request, both off the loop
            await pilot.pause()
            if app.connection == "offline" and screen.table.source.count:
                break
        assert screen.table.highlighted is not None  # last known work, from the disk
        status = text_of(screen.query_one(StatusBar))
        assert "offline" in status
        assert "data from" in status
        await pilot.press("p")
        await settle(pilot)
        projects = app.screen
        assert isinstance(projects, ProjectsScreen)
        assert "Demo project  demo-project" in labels(projects.project_tree)
        assert not projects.notice_line.display  # data is shown: no empty-screen notice

        again = start_demo_server(data, port=port, today=TODAY)
        try:
            for _ in range(200):
                await asyncio.sleep(0.02)  # the app's probe retries with its own backoff
                if app.connection == "online":
                    break
            assert app.connection == "online"
            await settle(pilot)
            assert "online" in text_of(app.screen.query_one(StatusBar))
            assert any("Connected to the server again." in n.message for n in app._notifications)
        finally:
            again.stop()


async def test_screens_never_seen_say_they_could_not_load_while_offline(tmp_path: Path) -> None:
    """Offline, a screen with nothing cached says why it is empty: not "No work packages.",
    not "Loading…" for ever, not a blank page, and not another list's rows."""
    from optui.ui.screens.board import BoardScreen
    from optui.ui.screens.detail import DetailScreen
    from optui.ui.screens.timesheet import TimesheetScreen
    from optui.ui.screens.work_packages import WorkPackagesScreen

    server = start_demo_server(tmp_path / "data", today=TODAY)
    app = make_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        server.stop()

        async def command(line: str) -> None:
            await pilot.press("colon", *line, "enter")
            await settle(pilot)

        await command("project demo-project")
        listing = app.screen
        assert isinstance(listing, WorkPackagesScreen)
        assert listing.table.source.count == 0
        assert listing.table.failure_text.startswith("Not loaded: Cannot reach the server")
        line = listing.table.render_line(1).text
        assert "Not loaded: Cannot reach the server" in line
        assert "No work packages" not in line

        await command("board")
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.view.empty_text.startswith("Not loaded: Cannot reach the server")
        assert "r tries again" in board.view.render_line(0).text

        await pilot.press("escape")
        await settle(pilot)
        await command("time")
        sheet = app.screen
        assert isinstance(sheet, TimesheetScreen)
        assert "Not loaded: Cannot reach the server" in text_of(sheet.legend)
        assert "Timesheet · week" in text_of(sheet.title_line)

        await pilot.press("escape")
        await settle(pilot)
        await command("wp 222")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert text_of(detail.header) == "Not loaded"
        assert "Not loaded: Cannot reach the server" in text_of(detail.notice)


async def test_a_form_that_could_not_load_offline_loads_when_the_server_is_back(
    tmp_path: Path,
) -> None:
    from optui.ui.screens.form import FormScreen

    data = tmp_path / "data"
    server = start_demo_server(data, today=TODAY)
    port = int(server.url.rsplit(":", 1)[1])
    app = make_app(server)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"wp 5", "enter")
        await settle(pilot)
        server.stop()
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert not form._form_loaded
        assert "It loads when the server answers again." in str(form.status.render())
        again = start_demo_server(data, port=port, today=TODAY)
        try:
            for _ in range(300):
                await asyncio.sleep(0.02)
                if form._form_loaded:
                    break
            assert form._form_loaded  # no esc and e needed
            await settle(pilot)
            toasts = [n.message for n in app._notifications]
            # the failures of that moment made one toast each, not a stack of the same
            assert len(toasts) == len(set(toasts))
        finally:
            again.stop()
