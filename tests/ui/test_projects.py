"""The project tree and command mode, driven by keys against the demo server."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from optui.demo import DemoServer
from optui.ui.screens.help import HelpScreen
from optui.ui.screens.my_work import MyWorkScreen
from optui.ui.screens.projects import ProjectsScreen
from optui.ui.screens.work_packages import WorkPackagesScreen
from optui.ui.widgets.command_line import CommandLine
from optui.ui.widgets.project_tree import ProjectTree
from optui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import make_app, settle


def labels(tree: ProjectTree) -> list[str]:
    """Plain labels of every node, depth first, indented by depth."""
    found: list[str] = []
    stack = [(node, 0) for node in reversed(tree.root.children)]
    while stack:
        node, depth = stack.pop()
        label = node.label
        found.append("  " * depth + (label if isinstance(label, str) else label.plain))
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return found


def selected(tree: ProjectTree) -> str | None:
    node = tree.cursor_node
    return node.data.identifier if node is not None and node.data is not None else None


def text_of(widget: Static) -> str:
    return str(widget.render())


async def open_projects(pilot: Pilot[None]) -> ProjectsScreen:
    """From My work (the first screen) to the project tree, as a user would."""
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProjectsScreen)
    return screen


async def test_tree_shows_the_hierarchy_from_the_api(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_projects(pilot)
        assert labels(screen.project_tree) == [
            "Demo project  demo-project",
            "  Website relaunch  website-relaunch",
            "    Infrastructure  infrastructure",
            "Public knowledge base  knowledge-base",
            "Scrum project  your-scrum-project",
            "  Mobile app  mobile-app",
        ]
        assert selected(screen.project_tree) == "demo-project"
        assert "Status: On track" in text_of(screen.info_panel)
        status = screen.query_one(StatusBar)
        assert "Demo User" in text_of(status) and "online" in text_of(status)


async def test_archived_projects_toggle(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_projects(pilot)
        await pilot.press("a")
        assert "  Sprint archive 2025  sprint-archive-2025  archived" in labels(screen.project_tree)
        await pilot.press("a")
        assert not any("archive" in line for line in labels(screen.project_tree))


async def test_command_project_opens_its_list_with_completion(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"pro", "tab")
        prompt = pilot.app.screen.query_one(CommandLine)
        assert prompt.value == "project "
        await pilot.press(*"mob", "tab")
        assert prompt.value == "project mobile-app"
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, WorkPackagesScreen)
        assert screen.project is not None and screen.project.identifier == "mobile-app"
        # history: the last command comes back with up
        await pilot.press("colon", "up")
        prompt = screen.query_one(CommandLine)
        assert prompt.value == "project mobile-app"
        await pilot.press("escape")
        assert not prompt.display


async def test_enter_in_the_tree_opens_the_list_and_slash_filters(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        screen = await open_projects(pilot)
        await pilot.press("slash", *"scrum")
        assert labels(screen.project_tree) == ["Scrum project  your-scrum-project"]
        await pilot.press("enter", "enter")
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, WorkPackagesScreen)
        assert opened.project is not None and opened.project.identifier == "your-scrum-project"


async def test_unknown_command_and_project_say_so(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"frobnicate", "enter")
        await pilot.pause()
        messages = [n.message for n in pilot.app._notifications]
        assert any("Unknown command ':frobnicate'" in m for m in messages)
        await pilot.press("escape", "colon", *"project nope", "enter")
        await pilot.pause()
        messages = [n.message for n in pilot.app._notifications]
        assert any("No project 'nope' is visible to you." in m for m in messages)
        await pilot.press("colon", *"project", "enter")
        await pilot.pause()
        messages = [n.message for n in pilot.app._notifications]
        assert any("Usage: :project <identifier>" in m for m in messages)


async def test_q_quits_from_the_top_level(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # closes the help first
        await pilot.pause()
        assert isinstance(app.screen, MyWorkScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_c_quits(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0


async def test_command_quit(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", "q", "enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_dead_server_is_explained_and_retry_recovers(demo: DemoServer) -> None:
    app = make_app(demo)
    demo.stop()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProjectsScreen)
        assert screen.notice_line.display
        assert "Cannot reach the server" in text_of(screen.notice_line)
        assert "offline" in text_of(screen.query_one(StatusBar))
        assert labels(screen.project_tree) == []
