"""OptuiApp: global keys, command mode, the status bar and the one place errors are shown."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from optui.api import ApiError, Project, ServerUnreachable, Services, Unauthenticated
from optui.api.boards import BOARD_KINDS
from optui.api.models import WorkPackage
from optui.api.schema import Value
from optui.ui.app_commands import register_commands
from optui.ui.commands import CommandError, CommandRegistry, History
from optui.ui.messages import ApiFailed, ConnectionChanged, UnreadChanged
from optui.ui.palette import OptuiCommands
from optui.ui.screens.base import OptuiScreen
from optui.ui.screens.login import Connector, LoginScreen, Session
from optui.ui.screens.my_work import MyWorkScreen
from optui.ui.theme import THEME_ALIASES, THEMES, theme_name
from optui.ui.timekeeping import Timekeeping
from optui.ui.widgets.command_line import CommandLine
from optui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from optui.ui.screens.projects import ProjectsScreen

# Screens other than My work are imported when first opened: start-up pays only for the first.

IDLE_AFTER = 600.0
"""Seconds without a key press after which polling slows down."""


def style_path(name: str) -> Path:
    """A stylesheet in the wheel (`optui/styles`) or in a source checkout (`styles/`)."""
    packaged = Path(__file__).resolve().parent.parent / "styles" / name
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "styles" / name


class OptuiApp(Timekeeping):
    """The optui terminal UI."""

    TITLE = "optui"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        style_path("app.tcss"),
        style_path("projects.tcss"),
        style_path("login.tcss"),
        style_path("work_packages.tcss"),
        style_path("detail.tcss"),
        style_path("my_work.tcss"),
        style_path("form.tcss"),
        style_path("board.tcss"),
        style_path("inbox.tcss"),
    ]
    COMMANDS: ClassVar[set[type]] = {OptuiCommands}  # type: ignore[assignment]
    COMMAND_PALETTE_BINDING = "ctrl+p"
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
    unread: reactive[int | None] = reactive(None)
    """Unread notifications (None until the first count)."""

    def __init__(
        self,
        services: Services | None,
        *,
        profile_name: str = "",
        warning: str | None = None,
        connector: Connector | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        refresh_seconds: float = 60.0,
        theme: str | None = None,
        unread_seconds: float = 60.0,
        now: Callable[[], dt.datetime] | None = None,
        timer_rounding: int = 1,
    ) -> None:
        super().__init__()
        self.timer_rounding = max(timer_rounding, 1)
        self.today = today
        """The app's idea of today (tests fix it, so "overdue" stays stable)."""
        self.now = now
        """The app's clock for "how long ago" (None: the system's; tests and screenshots fix it)."""
        self.refresh_seconds = max(refresh_seconds, 5.0)
        """How often the visible list refreshes itself."""
        self.recent: list[tuple[str, str]] = []
        """Recently opened work packages (href, label), newest first, for the palette."""
        for item in THEMES:
            self.register_theme(item)
        self.theme = theme_name(theme)
        self._services = services
        self.connector = connector
        """Logs in from inside the app (first start, or after a 401); None in tests."""
        self.registry = CommandRegistry()
        self.history = History()
        self._register_commands()
        self.profile_label = profile_name
        self._outage_reported = False
        self._last_error: tuple[str, float] = ("", 0.0)
        self._started = False
        self.unread_seconds = max(unread_seconds, 5.0)
        """How often the unread count is asked for."""
        self._last_input = time.monotonic()
        self.probe_delay = 1.0
        """First wait of the offline probe, doubled up to 30 s (tests shorten it)."""
        self.warning = warning
        """A standing warning for the status bar (TLS checks off)."""

    def _register_commands(self) -> None:
        register_commands(self)

    @property
    def has_session(self) -> bool:
        return self._services is not None

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
        self.services.cache.on_stale(lambda saved_at: self.note_data(stale=True, saved_at=saved_at))
        self._started = False
        self._open_my_work()

    @work(group="app-first-screen", exit_on_error=False)
    async def _open_my_work(self) -> None:
        # the disk has been reading My work since start-up: a few milliseconds more and the
        # first frame shows the data instead of a loading frame replaced a moment later
        await self.services.my_work_preloaded(at_most=0.2)
        self.push_screen(MyWorkScreen())

    def first_screen_painted(self) -> None:
        """My work has painted its cached data (or found none): now the rest of start-up.

        Until then nothing else competes with that first paint: the connection is built and
        the user, projects, unread count and timer are asked for only after it.
        """
        if self._started:
            return
        self._started = True
        self.services.client.prepare()
        self.load_user()
        self.load_projects_quietly()
        self.poll_unread()
        self.load_timer()

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
        if reachable and was_offline:
            # the age of the offline data no longer describes the screen: screens reload now
            self.data_time = 0.0
            self.data_stale = False
        if not reachable:
            if not self._outage_reported:
                self._outage_reported = True
                self.notify(
                    "Cannot reach the server; optui keeps trying. Data loaded before stays on "
                    "screen, marked with its time.",
                    severity="warning",
                    markup=False,
                    timeout=8,
                )
            self.probe()
        elif was_offline:
            self.screen.post_message(ConnectionChanged(online=True))

    def server_process_ended(self, why: str) -> None:
        """The server optui started itself (`--demo`) has ended: say so, and what to do."""
        self.warning = "the demo server stopped: quit and run optui --demo again"
        self.notify(
            f"The demo server stopped ({why}). Quit (q) and run optui --demo again; "
            "unsaved forms are kept as drafts.",
            severity="error",
            markup=False,
            timeout=30,
        )
        for bar in self.screen.query(StatusBar):
            bar.refresh_status()

    def note_data(self, *, stale: bool, saved_at: float) -> None:
        """A screen shows data fetched at `saved_at`; the status bar tells its age."""
        self.data_stale = stale
        if saved_at:
            self.data_time = saved_at

    @work(exclusive=True, group="poll-probe", exit_on_error=False)
    async def probe(self) -> None:
        """While offline: try the server with backoff (1 s up to 30 s) until it answers: a
        server back after a long outage is noticed within half a minute."""
        delay = self.probe_delay
        while self.connection == "offline":
            await asyncio.sleep(delay)
            try:
                await self.services.client.ping()
            except ApiError:
                delay = min(delay * 2, 30.0)

    @work(exclusive=True, group="poll-unread", exit_on_error=False)
    async def poll_unread(self) -> None:
        """The unread count for the status bar: one small request per interval, slower when
        offline or when nobody has pressed a key for a while; a toast when new ones arrive."""
        while True:  # the first count comes with the user (load_user)
            idle = time.monotonic() - self._last_input > IDLE_AFTER
            slow = self.connection == "offline" or idle
            await asyncio.sleep(self.unread_seconds * (4 if slow else 1))
            await self.refresh_unread()

    async def refresh_unread(self) -> None:
        try:
            count = await self.services.unread_count(force=True)
        except ApiError:
            return  # the connection state says what is wrong; the count stays as it was
        previous, self.unread = self.unread, count
        if previous is not None and count is not None and count > previous:
            new = count - previous
            self.notify(
                f"{new} new notification{'s' if new != 1 else ''} (:inbox)",
                title="Inbox",
                markup=False,
                timeout=5,
            )

    def on_key(self) -> None:
        self._last_input = time.monotonic()

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
        await self.refresh_unread()

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

    # navigation: My work is the base; the other places stack on it

    def _find_screen(self, kind: type[OptuiScreen]) -> OptuiScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, kind):
                return screen
        return None

    def _pop_to(self, screen: OptuiScreen) -> None:
        while self.screen is not screen and len(self.screen_stack) > 1:
            self.pop_screen()

    def show_my_work(self) -> None:
        base = self._find_screen(MyWorkScreen)
        if base is None:
            self.push_screen(MyWorkScreen())
        else:
            self._pop_to(base)

    def show_inbox(self) -> None:
        """`:inbox`: the notifications (the one already open, if any, comes to the front)."""
        from optui.ui.screens.inbox import InboxScreen

        screen = self._find_screen(InboxScreen)
        if screen is None:
            self.push_screen(InboxScreen())
        else:
            self._pop_to(screen)

    @on(UnreadChanged)
    def unread_changed(self, event: UnreadChanged) -> None:
        """The inbox marked something: its total is the server's, no extra request."""
        self.unread = event.total

    def projects_screen(self) -> ProjectsScreen | None:
        from optui.ui.screens.projects import ProjectsScreen

        screen = self._find_screen(ProjectsScreen)
        return screen if isinstance(screen, ProjectsScreen) else None

    def show_projects(self) -> None:
        screen = self.projects_screen()
        if screen is None:
            from optui.ui.screens.projects import ProjectsScreen

            self.push_screen(ProjectsScreen())
            return
        self._pop_to(screen)
        screen.project_tree.focus()

    def open_project(self, identifier: str) -> None:
        """`:project <identifier>`: that project's work package list."""
        self.find_and_open_project(identifier)

    @work(exclusive=True, group="app-open-project", exit_on_error=False)
    async def find_and_open_project(self, identifier: str) -> None:
        projects = self.services.peek_projects()
        if not projects:  # asked of the server: say so, a slow one takes a while
            self.notify(f"Looking for project '{identifier}'…", markup=False, timeout=3)
            try:
                projects = await self.services.projects()
            except ApiError as error:
                self.post_message(ApiFailed(error))
                return
        wanted = identifier.casefold().lstrip("#")
        for project in projects:
            if project.identifier.casefold() == wanted or str(project.id) == wanted:
                self.show_project_list(project)
                return
        self.notify(f"No project '{identifier}' is visible to you.", severity="error", markup=False)

    def show_project_list(self, project: Project | None) -> None:
        from optui.ui.screens.work_packages import WorkPackagesScreen

        self.push_screen(WorkPackagesScreen(project))

    def open_work_package(self, href: str) -> None:
        known = self.services.peek_work_package(href)
        label = f"{known.display_id} {known.subject}" if known else href.rsplit("/", 1)[-1]
        self.recent = [(href, label), *[r for r in self.recent if r[0] != href]][:20]
        from optui.ui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(href))

    def open_work_package_by_id(self, text: str) -> None:
        number = text.strip().lstrip("#")
        if not number.isdigit():
            self.notify(f"'{text}' is not a work package number.", severity="error", markup=False)
            return
        self.open_work_package(f"/api/v3/work_packages/{int(number)}")

    def project_on_screen(self) -> Project | None:
        """The project of what is on screen: a list's or board's, a work package's, or the
        one highlighted in the project tree."""
        screen = self.screen
        current = getattr(screen, "project", None)
        if isinstance(current, Project):
            return current
        highlighted = getattr(screen, "highlighted_project", None)
        if isinstance(highlighted, Project):
            return highlighted
        shown = (
            getattr(screen, "work_package", None)
            or getattr(screen, "selected_work_package", lambda: None)()
        )
        href = getattr(shown, "project_href", None)
        return next((p for p in self.services.peek_projects() or () if p.href == href), None)

    def work_package_on_screen(self) -> WorkPackage | None:
        """The work package open on screen (detail, form) or selected (list, board, My work)."""
        screen = self.screen
        selected = getattr(screen, "selected_work_package", None)
        found = selected() if callable(selected) else getattr(screen, "work_package", None)
        return found if isinstance(found, WorkPackage) else None

    def show_timesheet(self) -> None:
        from optui.ui.screens.timesheet import TimesheetScreen

        screen = self._find_screen(TimesheetScreen)
        if screen is None:
            self.push_screen(TimesheetScreen())
        else:
            self._pop_to(screen)

    def open_board(self, which: str = "", project: Project | None = None) -> None:
        """`:board [status|assignee|version|priority|<saved board>]` of the current project."""
        project = project or self.project_on_screen()
        if project is None:
            self.notify(
                "Open a project first (:project <identifier>), then :board.",
                severity="warning",
                markup=False,
            )
            return
        from optui.ui.screens.board import BoardScreen

        wanted = which.strip()
        if wanted.casefold() in BOARD_KINDS:
            self.push_screen(BoardScreen(project, wanted.casefold()))
        else:  # a saved board's name (or nothing: the status board)
            self.push_screen(BoardScreen(project, "status", saved_name=wanted or None))

    def new_work_package(
        self, project: Project | None = None, preset: dict[str, Value] | None = None
    ) -> None:
        """The create form in `project`, or in the project of what is on screen; `preset`
        fills fields in (a board column's value)."""
        if project is None:
            project = self.project_on_screen()
        if project is None:
            self.choose_project_for_new()
            return
        if not project.can_create_work_packages:
            self.notify(
                f"You may not create work packages in {project.name}.",
                severity="warning",
                markup=False,
            )
            return
        from optui.ui.screens.form import FormScreen

        self.push_screen(FormScreen(project=project, preset=preset))

    @work(exclusive=True, group="app-new", exit_on_error=False)
    async def choose_project_for_new(self) -> None:
        from optui.ui.screens.pickers import Choice, PickerScreen

        try:
            projects = await self.services.projects()
        except ApiError as error:
            self.post_message(ApiFailed(error))
            return
        allowed = [p for p in projects if p.can_create_work_packages and p.active]
        picked = await self.push_screen_wait(
            PickerScreen("New work package in…", [Choice(p.href, p.name) for p in allowed])
        )
        project = next((p for p in allowed if p.href == picked), None)
        if project is not None:
            self.new_work_package(project)

    def refresh_screen(self) -> None:
        action = getattr(self.screen, "action_refresh", None)
        if callable(action):
            action()

    def set_theme(self, name: str) -> None:
        chosen = theme_name(name)
        if chosen != name and name not in THEME_ALIASES:
            self.notify(
                f"Unknown theme '{name}'; try {', '.join(THEME_ALIASES)}.",
                severity="error",
                markup=False,
            )
            return
        self.theme = chosen

    @work(group="app-projects", exit_on_error=False)
    async def load_projects_quietly(self) -> None:
        """Projects for completion and the palette; errors stay for the screens to show."""
        try:
            await self.services.projects()
        except ApiError:
            return

    def action_help(self) -> None:
        from optui.ui.screens.help import HelpScreen, keys_of

        if not isinstance(self.screen, HelpScreen):
            title = type(self.screen).__name__.removesuffix("Screen") or "optui"
            keys = keys_of(dict(self.screen.active_bindings))
            self.push_screen(HelpScreen(self.registry, keys, title))

    def action_quit_top(self) -> None:
        """`q` quits from a top-level screen (My work, Projects) and goes back from others."""
        from optui.ui.screens.projects import ProjectsScreen

        top_level = isinstance(self.screen, MyWorkScreen | ProjectsScreen | LoginScreen)
        if top_level or len(self.screen_stack) <= 2:
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
        text = str(error)
        now = time.monotonic()
        if self._last_error[0] == text and now - self._last_error[1] < 8:
            return  # the same failure from several loads at once: one toast, not a stack
        self._last_error = (text, now)
        self.notify(text, severity="error", markup=False, timeout=8)

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
