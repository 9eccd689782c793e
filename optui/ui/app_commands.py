"""The `:` commands of the app, registered once; each is one small registration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optui.api.boards import BOARD_KINDS
from optui.ui.commands import Command
from optui.ui.theme import THEME_ALIASES

if TYPE_CHECKING:
    from optui.ui.app import OptuiApp


def register_commands(app: OptuiApp) -> None:
    register = app.registry.register

    def project_identifiers(prefix: str) -> list[str]:
        projects = app.services.peek_projects() or () if app.has_session else ()
        wanted = prefix.casefold()
        return sorted(p.identifier for p in projects if p.identifier.casefold().startswith(wanted))

    def recent_ids(prefix: str) -> list[str]:
        numbers = [href.rsplit("/", 1)[-1] for href, _ in app.recent]
        return [n for n in numbers if n.startswith(prefix.lstrip("#"))]

    register(
        Command(
            "my", "My work: assigned and watched work packages", run=lambda _: app.show_my_work()
        )
    )
    register(Command("projects", "The project tree", run=lambda _: app.show_projects()))
    register(
        Command(
            "project",
            "Open a project's work package list",
            usage="<identifier>",
            run=lambda args: app.open_project(args[0]),
            min_args=1,
            max_args=1,
            complete=project_identifiers,
        )
    )
    register(
        Command("all", "Work packages of every project", run=lambda _: app.show_project_list(None))
    )
    register(
        Command(
            "wp",
            "Open a work package by its number",
            usage="<id>",
            aliases=("open",),
            run=lambda args: app.open_work_package_by_id(args[0]),
            min_args=1,
            max_args=1,
            complete=recent_ids,
        )
    )
    register(
        Command(
            "log",
            "Log time on the open or selected work package, today: :log 1h30m Reviewed",
            usage="<duration> [comment]",
            min_args=1,
            max_args=200,
            run=lambda args: app.log_command(app.work_package_on_screen(), args),
        )
    )
    register(
        Command(
            "time",
            "This week's timesheet",
            aliases=("timesheet",),
            run=lambda _: app.show_timesheet(),
        )
    )
    register(
        Command(
            "timer",
            "Start a timer on the selected work package, or stop the running one",
            run=lambda _: app.toggle_timer(app.work_package_on_screen()),
        )
    )
    register(
        Command(
            "inbox",
            "Notifications: triage by keyboard, jump to the work package",
            aliases=("notifications",),
            run=lambda _: app.show_inbox(),
        )
    )
    register(
        Command(
            "board",
            "The board of the current project (by status, assignee, version, priority, "
            "or a saved board's name)",
            usage="[kind|saved board]",
            run=lambda args: app.open_board(" ".join(args)),
            max_args=8,
            complete=lambda prefix: [k for k in BOARD_KINDS if k.startswith(prefix)],
        )
    )
    register(
        Command(
            "new",
            "Create a work package (in the project on screen)",
            run=lambda _: app.new_work_package(),
        )
    )
    register(
        Command(
            "refresh",
            "Reload the current screen from the server",
            run=lambda _: app.refresh_screen(),
        )
    )
    register(
        Command(
            "theme",
            "Switch the colour theme",
            usage="<name>",
            min_args=1,
            max_args=1,
            run=lambda args: app.set_theme(args[0]),
            complete=lambda prefix: [t for t in THEME_ALIASES if t.startswith(prefix)],
        )
    )
    register(Command("help", "Keys and commands", run=lambda _: app.action_help()))
    register(Command("quit", "Quit optui", aliases=("q", "exit"), run=lambda _: app.exit()))
