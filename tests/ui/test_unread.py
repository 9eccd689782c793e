"""The unread count in the status bar follows the server; new ones ring a quiet bell."""

from __future__ import annotations

from textual.widgets import Static

from optui.demo import DemoServer
from optui.ui.widgets.status_bar import StatusBar
from tests.conftest import demo_client, read_json
from tests.ui.conftest import make_app, record_requests, settle

UNREAD = '[{"readIAN":{"operator":"=","values":["f"]}}]'


def unread_on_server(demo: DemoServer) -> int:
    total = read_json(demo, "/api/v3/notifications", filters=UNREAD, pageSize="1")["total"]
    assert isinstance(total, int)
    return total


def status_text(widget: Static) -> str:
    return str(widget.render())


async def test_status_bar_shows_the_servers_unread_count_and_follows_it(
    demo: DemoServer,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        before = unread_on_server(demo)
        assert f"✉ {before} unread" in status_text(app.screen.query_one(StatusBar))
        first = read_json(demo, "/api/v3/notifications", filters=UNREAD, pageSize="1")
        href = first["_embedded"]["elements"][0]["_links"]["self"]["href"]
        with demo_client(demo) as client:
            answer = client.post(f"{href}/read_ian", headers={"Content-Type": "application/json"})
            assert answer.status_code == 204
        await app.refresh_unread()  # what the poller does every interval
        await pilot.pause()
        assert f"✉ {before - 1} unread" in status_text(app.screen.query_one(StatusBar))
        with demo_client(demo) as client:
            client.post(f"{href}/unread_ian", headers={"Content-Type": "application/json"})
        await app.refresh_unread()
        await pilot.pause()
        assert any("1 new notification" in n.message for n in app._notifications)


async def test_inbox_command_and_its_marks_move_the_count_everywhere(demo: DemoServer) -> None:
    """`:inbox` opens the inbox; each mark updates the status bar with the server's total
    (the mark's own answer, no poll needed); triage is keys only."""
    from optui.ui.screens.inbox import InboxScreen
    from optui.ui.screens.my_work import MyWorkScreen

    app = make_app(demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        before = unread_on_server(demo)
        await pilot.press("colon", *"inbox", "enter")
        await settle(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        first = inbox.rows[0]
        await pilot.press("m")  # the first row's notifications: read
        await settle(pilot)
        after = unread_on_server(demo)
        assert after == before - first.unread
        assert f"✉ {after} unread" in status_text(inbox.query_one(StatusBar))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        assert f"✉ {after} unread" in status_text(app.screen.query_one(StatusBar))
        await pilot.press("colon", *"inbox", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("M")  # all read, after a confirmation that says how many
        for _ in range(100):
            await pilot.pause(0.02)
            if app.screen is not inbox and type(app.screen).__name__ == "ConfirmScreen":
                break
        seen = record_requests(app)
        await pilot.press("enter")
        await settle(pilot)
        assert unread_on_server(demo) == 0
        # mark-all: one bulk write (of the unread ones); then the inbox reloads its rows and the
        # unread count: 3 requests in all
        writes = [r for r in seen if r[0] != "GET"]
        assert len(writes) == 1 and writes[0][1].startswith("/api/v3/notifications/read_ian?")
        assert len(seen) == 3, seen
        assert app.unread == 0
        assert "unread" not in status_text(app.screen.query_one(StatusBar))  # no badge for 0
