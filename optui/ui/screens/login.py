"""Login: URL and API key, a connection test, saving the profile; or the demo instead.

The screen never stores anything itself: the `Connector` given by the command line verifies the
key with the server and keeps it in the keyring (or a 0600 file), so the UI stays out of
secrets and out of the demo server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Static

from optui.api import ApiError, Services, Unauthenticated
from optui.ui.safe import clean

if TYPE_CHECKING:
    from optui.ui.app import OptuiApp


@dataclass(frozen=True)
class Session:
    """A working connection: services and the profile name shown in the status bar."""

    services: Services
    profile: str


class Connector(Protocol):
    """What the command line provides to connect from inside the app."""

    async def check(self, url: str, key: str, bearer: bool) -> str:
        """The user's name if the key works (raises ApiError or ValueError otherwise)."""

    async def login(self, url: str, key: str, bearer: bool) -> Session:
        """Verify, store the key and profile, and return the session."""

    async def demo(self) -> Session:
        """Start the embedded demo server and connect to it."""


class LoginScreen(Screen[None]):
    """Connect to an OpenProject instance."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the focused Input has bindings of its own for some ctrl keys
        Binding(
            "ctrl+t", "test", "Test", id="login.test", tooltip="Test the connection", priority=True
        ),
        Binding(
            "ctrl+s", "save", "Save", id="login.save", tooltip="Save and connect", priority=True
        ),
        Binding(
            "ctrl+d",
            "demo",
            "Demo",
            id="login.demo",
            tooltip="Open the demo instead",
            priority=True,
        ),
    ]

    def __init__(
        self, connector: Connector, *, url: str = "", reason: str = "", offer_demo: bool = True
    ) -> None:
        super().__init__(id="login")
        self.connector = connector
        self.url_input = Input(url, placeholder="https://openproject.example.com", id="login-url")
        self.key_input = Input(password=True, placeholder="API key", id="login-key")
        self.bearer = Checkbox("Send the key as a Bearer token (OpenProject 17 opapi- keys)")
        self.message = Static(id="login-message")
        self.reason = reason
        self.offer_demo = offer_demo

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(Content.styled("Connect to OpenProject", "bold"), id="login-title")
            if self.reason:
                yield Static(Content(clean(self.reason)), id="login-reason")
            yield Static("Server URL")
            yield self.url_input
            yield Static("API key (My account → Access tokens)")
            yield self.key_input
            yield self.bearer
            yield self.message
            with Horizontal(id="login-buttons"):
                yield Button("Test", id="login-test")
                yield Button("Save and connect", id="login-save", variant="primary")
                if self.offer_demo:
                    yield Button("Try the demo", id="login-demo")
        yield Footer()

    def on_mount(self) -> None:
        (self.key_input if self.url_input.value else self.url_input).focus()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.update(Content(clean(text)))
        self.message.set_class(error, "-error")

    def _fields(self) -> tuple[str, str] | None:
        url = self.url_input.value.strip()
        key = self.key_input.value.strip()
        if not url.startswith(("http://", "https://")):
            self.say("Enter the server's address, starting with https:// or http://.", error=True)
            self.url_input.focus()
            return None
        if not key:
            self.say("Enter an API key.", error=True)
            self.key_input.focus()
            return None
        return url.rstrip("/"), key

    @on(Button.Pressed, "#login-test")
    def action_test(self) -> None:
        fields = self._fields()
        if fields is not None:
            self.say("Testing…")
            self.run_test_connection(*fields)

    @on(Button.Pressed, "#login-save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        fields = self._fields()
        if fields is not None:
            self.say("Connecting…")
            self.run_login(*fields)

    @on(Button.Pressed, "#login-demo")
    def action_demo(self) -> None:
        if self.offer_demo:
            self.say("Starting the demo server…")
            self.run_demo()

    @work(exclusive=True, group="login", exit_on_error=False)
    async def run_test_connection(self, url: str, key: str) -> None:
        try:
            name = await self.connector.check(url, key, self.bearer.value)
        except Unauthenticated:
            self.say("The server did not accept this API key.", error=True)
        except (ApiError, ValueError) as error:
            self.say(str(error), error=True)
        else:
            self.say(f"Works: this key belongs to {name}.")

    @work(exclusive=True, group="login", exit_on_error=False)
    async def run_login(self, url: str, key: str) -> None:
        try:
            session = await self.connector.login(url, key, self.bearer.value)
        except Unauthenticated:
            self.say("The server did not accept this API key; nothing was saved.", error=True)
            return
        except (ApiError, ValueError, OSError) as error:
            self.say(str(error), error=True)
            return
        cast("OptuiApp", self.app).start_session(session)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def run_demo(self) -> None:
        try:
            session = await self.connector.demo()
        except (RuntimeError, OSError) as error:
            self.say(f"The demo server did not start: {error}", error=True)
            return
        cast("OptuiApp", self.app).start_session(session)
