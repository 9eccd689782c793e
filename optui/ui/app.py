"""OptuiApp: global keys, command mode, the status bar and the one place errors are shown."""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePath
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from optui.api import ApiError, ServerUnreachable, Services, Unauthenticated
from optui.ui.commands import Command, CommandError, CommandRegistry, History
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.help import HelpScreen
from optui.ui.screens.login import Connector, LoginScreen, Session
from optui.ui.screens.projects import ProjectsScreen
from optui.ui.widgets.command_line import CommandLine


def style_path(name: str) -> Path:
    """A stylesheet in the wheel (`optui/styles`) or in a source checkout (`styles/`)."""
    packaged = Path(__file__).resolve().parent.parent / "styles" / name
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "styles" / name


class OptuiApp(App[None]):
    """The optui terminal UI."""

    TITLE = "optui"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        style_path("app.tcss"),
        style_path("projects.tcss"),
        style_path("login.tcss"),
    ]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "colon",
            "command_mode",
            ":",
            key_display=":",
            id="app.command-mode",
            tooltip="Type a command (projects, project <identifier>, quit…)",
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            id="app.help",
            tooltip="Keys and commands",
        ),
        Binding("q", "quit_top", "Quit", id="app.quit", tooltip="Quit optui"),
        Binding(
            "ctrl+c",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="app.quit-now",
            tooltip="Quit optui",
        ),
    ]

    profile_label: reactive[str] = reactive("")
    """The profile shown in the status bar (never the URL's random demo port)."""
    user_name: reactive[str] = reactive("")
    connection: reactive[str] = reactive("connecting")
    """connecting, online or offline."""
    busy: reactive[int] = reactive(0)
    """Requests in flight."""
    data_time: reactive[float] = reactive(0.0)
    """Wall-clock time of the data on screen (shown while offline or stale)."""
    data_stale: reactive[bool] = reactive(False)

    def __init__(
        self,
        services: Services | None,
        *,
        profile_name: str = "",
        warning: str | None = None,
        connector: Connector | None = None,
    ) -> None:
        super().__init__()
        self._services = services
        self.connector = connector
        """Logs in from inside the app (first start, or after a 401); None in tests."""
        self.registry = CommandRegistry()
        self.history = History()
        self._register_commands()
        self.profile_label = profile_name
        self._outage_reported = False
        self.probe_delay = 1.0
        """First wait of the offline probe, doubled up to 60 s (tests shorten it)."""
        self.warning = warning
        """A standing warning for the status bar (TLS checks off)."""

    def _register_commands(self) -> None:
        register = self.registry.register
        register(Command("projects", "Show the project tree", run=lambda _: self.show_projects()))
        register(
            Command(
                "project",
                "Open a project by its identifier",
                usage="<identifier>",
                run=lambda args: self.open_project(args[0]),
                min_args=1,
                max_args=1,
                complete=self._complete_project,
            )
        )
        register(Command("help", "Keys and commands", run=lambda _: self.action_help()))
        register(Command("quit", "Quit optui", aliases=("q", "exit"), run=lambda _: self.exit()))

    def _complete_project(self, prefix: str) -> list[str]:
        projects = self.services.peek_projects() or ()
        wanted = prefix.casefold()
        return sorted(p.identifier for p in projects if p.identifier.casefold().startswith(wanted))

    @property
    def services(self) -> Services:
        """The connection's services; screens exist only once there is one."""
        assert self._services is not None, "no session yet"
        return self._services

    def on_mount(self) -> None:
        if self._services is None:
            if self.connector is None:
                raise RuntimeError("OptuiApp needs services or a connector")
            self.push_screen(LoginScreen(self.connector))
            return
        self._begin()

    def _begin(self) -> None:
        self.services.client.on_reachability(self._reachability_changed)
        self.services.client.on_activity(self._show_busy)
        self.push_screen(ProjectsScreen())
        self.load_user()

    def start_session(self, session: Session) -> None:
        """Use a new connection: after the login screen, or after logging in again (401)."""
        old, self._services = self._services, session.services
        self.profile_label = session.profile
        if old is not None and old is not session.services:
            self.close_services(old)
        if isinstance(self.screen, LoginScreen) and len(self.screen_stack) > 2:
            # logged in again after a 401: back where the user was, data reloaded
            self.pop_screen()
            self.services.client.on_reachability(self._reachability_changed)
            self.services.client.on_activity(self._show_busy)
            self.connection = "online"
            self.load_user()
            self.call_after_refresh(self.screen.post_message, ConnectionChanged(online=True))
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._begin()

    @work(group="app-close", exit_on_error=False)
    async def close_services(self, services: Services) -> None:
        await services.aclose()

    def _reachability_changed(self, reachable: bool) -> None:
        if reachable and self._outage_reported:
            self._outage_reported = False
            self.notify("Connected to the server again.", markup=False)
        was_offline = self.connection == "offline"
        self.connection = "online" if reachable else "offline"
        if not reachable:
            self.probe()
        elif was_offline:
            self.screen.post_message(ConnectionChanged(online=True))

    def note_data(self, *, stale: bool, saved_at: float) -> None:
        """A screen shows data fetched at `saved_at`; the status bar tells its age."""
        self.data_stale = stale
        if saved_at:
            self.data_time = saved_at

    @work(exclusive=True, group="poll-probe", exit_on_error=False)
    async def probe(self) -> None:
        """While offline: try the server with backoff (1 s up to 60 s) until it answers."""
        delay = self.probe_delay
        while self.connection == "offline":
            await asyncio.sleep(delay)
            try:
                await self.services.client.ping()
            except ApiError:
                delay = min(delay * 2, 60.0)

    def _show_busy(self, in_flight: int) -> None:
        self.busy = in_flight

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

    @work(exclusive=True, group="app-user", exit_on_error=False)
    async def load_user(self) -> None:
        try:
            user = await self.services.me()
        except ApiError as error:
            self.post_message(ApiFailed(error))
            return
        self.user_name = user.name

    # command mode

    def action_command_mode(self) -> None:
        if isinstance(self.screen, OptuiScreen):
            self.screen.open_command_line()

    @on(CommandLine.Run)
    async def run_command(self, event: CommandLine.Run) -> None:
        try:
            command, args = self.registry.parse(event.line)
        except CommandError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if isinstance(self.screen, OptuiScreen):
            self.screen.query_one(CommandLine).action_close()
        result = command.run(args)
        if result is not None:
            await result

    @on(CommandLine.Closed)
    def leave_command_mode(self) -> None:
        self.screen.focus_next()

    # navigation

    def projects_screen(self) -> ProjectsScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, ProjectsScreen):
                return screen
        return None

    def show_projects(self) -> None:
        screen = self.projects_screen()
        if screen is None:
            self.push_screen(ProjectsScreen())
            return
        while self.screen is not screen:
            self.pop_screen()
        screen.project_tree.focus()

    def open_project(self, identifier: str) -> None:
        """`:project <identifier>`: selects it in the tree until work package lists exist."""
        self.show_projects()
        screen = self.projects_screen()
        if screen is not None and not screen.select(identifier):
            self.notify(
                f"No project '{identifier}' is visible to you.", severity="error", markup=False
            )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.registry))

    def action_quit_top(self) -> None:
        """`q` quits from a top-level screen and goes back from any other."""
        if len(self.screen_stack) <= 2:
            self.exit()
        else:
            self.pop_screen()

    # errors: the one place they become words on screen

    @on(ApiFailed)
    def show_api_error(self, event: ApiFailed) -> None:
        error = event.error
        if isinstance(error, ServerUnreachable):
            if self._outage_reported:
                return  # one toast per outage: the status bar keeps saying it
            self._outage_reported = True
        if isinstance(error, Unauthenticated) and self.connector is not None:
            if not isinstance(self.screen, LoginScreen):
                reason = "The server no longer accepts the stored API key. Enter a valid key."
                self.push_screen(
                    LoginScreen(
                        self.connector,
                        url=self.services.base_url,
                        reason=reason,
                        offer_demo=False,
                    )
                )
            return
        self.notify(str(error), severity="error", markup=False, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The backstop: an unexpected error in any worker is shown, the app stays up."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, ApiError):
                self.post_message(ApiFailed(error))
            else:
                self.notify(
                    f"Something went wrong: {type(error).__name__}: {error}",
                    title="Unexpected error",
                    severity="error",
                    markup=False,
                    timeout=15,
                )
