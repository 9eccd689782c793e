"""The in-app login: first start without a profile, the demo button, and a 401 mid-session."""

from __future__ import annotations

from textual.widgets import Input, Static

from optui import config, secrets
from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.connect import AppConnector
from optui.demo import DemoServer
from optui.ui.app import OptuiApp
from optui.ui.screens.login import LoginScreen
from optui.ui.screens.my_work import MyWorkScreen
from tests.conftest import MemoryKeyring
from tests.ui.conftest import settle


def message(screen: LoginScreen) -> str:
    return str(screen.query_one("#login-message", Static).render())


async def fill(pilot: object, screen: LoginScreen, url: str, key: str) -> None:
    screen.query_one("#login-url", Input).value = url
    screen.query_one("#login-key", Input).value = key


async def test_first_start_logs_in_and_stores_the_key_safely(
    demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    connector = AppConnector(profile="local")
    app = OptuiApp(None, connector=connector)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await pilot.press("ctrl+s")
        assert "Enter the server's address" in message(screen)
        await fill(pilot, screen, demo.url, "not-the-key")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "did not accept this API key" in message(screen)
        screen.query_one("#login-key", Input).value = demo.api_key
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "belongs to Demo User" in message(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MyWorkScreen)
        await settle(pilot)
        assert app.profile_label == "local" and app.user_name == "Demo User"
    saved = config.load()
    assert saved.profiles["local"].url == demo.url
    assert memory_keyring.passwords[("optui", "local")] == demo.api_key
    assert demo.api_key not in config.config_path().read_text(encoding="utf-8")
    assert secrets.get_key("local") == demo.api_key
    connector.close()


async def test_the_demo_button_opens_the_demo() -> None:
    connector = AppConnector()
    app = OptuiApp(None, connector=connector)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+d")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MyWorkScreen)
            await settle(pilot)
            assert screen.table.source.count > 0
            assert app.profile_label == "demo"
    finally:
        connector.close()


async def test_a_401_asks_for_the_key_and_returns_where_the_user_was(demo: DemoServer) -> None:
    client = OpenProjectClient(demo.url, Credentials("revoked-key"))
    connector = AppConnector(profile="work")
    app = OptuiApp(Services(client, ApiCache()), profile_name="work", connector=connector)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert screen.url_input.value == demo.url
        assert "no longer accepts the stored API key" in str(
            screen.query_one("#login-reason", Static).render()
        )
        screen.key_input.value = demo.api_key
        await pilot.press("enter")
        await settle(pilot)
        mine = app.screen
        assert isinstance(mine, MyWorkScreen)
        await settle(pilot)
        assert mine.table.source.count > 0  # loaded with the new key
    connector.close()
