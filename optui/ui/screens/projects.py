"""The project tree: every visible project under its parent, with a summary of the selected one."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static, Tree

from optui.api import ApiError, Project, ServerUnreachable
from optui.api.services import Snapshot
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.base import OptuiScreen
from optui.ui.widgets.project_tree import ProjectTree


class ProjectsScreen(OptuiScreen):
    """Browse the project hierarchy."""

    AUTO_FOCUS = "#project-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "toggle_archived",
            "Archived",
            id="projects.toggle-archived",
            tooltip="Show or hide archived projects",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            id="projects.filter",
            tooltip="Show only projects whose name or identifier contains the text",
        ),
        Binding(
            "B",
            "board",
            "Board",
            id="projects.board",
            tooltip="The board of the highlighted project",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="projects.refresh",
            tooltip="Load the projects from the server again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="projects")
        self.project_tree = ProjectTree()
        self.info_panel = Static(id="project-info")
        self.notice_line = Static(id="projects-notice")
        self.filter_input = Input(
            placeholder="filter projects (esc clears)",
            id="projects-filter",
            select_on_focus=False,
        )
        self.filter_input.display = False  # hidden before mounting, so it never takes focus
        self.pending_select: str | None = None
        """An identifier to select once the projects have loaded (`:project` at start-up)."""

    def compose_body(self) -> ComposeResult:
        yield Static(Content.styled("Projects", "bold"), id="projects-title")
        yield self.filter_input
        with Horizontal(id="projects-body"):
            yield self.project_tree
            with VerticalScroll(id="project-info-pane"):
                yield self.info_panel
        yield self.notice_line

    def on_mount(self) -> None:
        self.notice_line.display = False
        self.project_tree.focus()
        cached = self.services.peek_projects()
        if cached is not None:
            self.project_tree.show(cached)
        else:
            self.project_tree.loading = True
        self.load()

    @work(exclusive=True, group="projects-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        """Paint the cached projects, then the fresh ones."""
        try:
            async for snapshot in self.services.stream_projects(force=force):
                self.show_snapshot(snapshot)
        except ServerUnreachable as error:
            if not self.project_tree.projects:
                self.show_notice(f"{error} optui keeps trying; r tries now.")
            self.post_message(ApiFailed(error))
        except ApiError as error:  # never BaseException: it would swallow cancellation
            self.show_notice(str(error))
            self.post_message(ApiFailed(error))
        finally:
            self.project_tree.loading = False

    def show_snapshot(self, snapshot: Snapshot[tuple[Project, ...]]) -> None:
        self.optui.note_data(stale=snapshot.stale, saved_at=snapshot.saved_at)
        self.project_tree.show(snapshot.value)
        self.project_tree.set_class(snapshot.stale, "-stale")
        if not snapshot.stale:
            self.notice_line.display = False
        if not snapshot.value:
            self.show_notice("No projects are visible to you on this server.")
        if self.pending_select is not None:
            identifier, self.pending_select = self.pending_select, None
            self.select(identifier)
        elif self.project_tree.cursor_node is None or self.project_tree.cursor_node.data is None:
            self.project_tree.cursor_line = 0

    def show_notice(self, text: str) -> None:
        self.notice_line.update(Content(clean(text)))
        self.notice_line.display = True

    def select(self, identifier: str) -> bool:
        """Select a project by identifier (or id); False when no such project is shown."""
        if not self.project_tree.projects and self.project_tree.loading:
            self.pending_select = identifier
            return True
        project = self.project_tree.find(identifier)
        if project is None:
            return False
        if not project.active and not self.project_tree.show_archived:
            self.project_tree.show_archived = True
            self.project_tree.show(self.project_tree.projects)
        self.project_tree.focus()
        return self.project_tree.select_href(project.href)

    @property
    def highlighted_project(self) -> Project | None:
        node = self.project_tree.cursor_node
        return node.data if node is not None else None

    def action_board(self) -> None:
        project = self.highlighted_project
        if project is not None:
            self.optui.open_board(project=project)

    @on(Tree.NodeHighlighted)
    def describe(self, event: Tree.NodeHighlighted[Project]) -> None:
        project = event.node.data
        if project is None:
            return
        lines = [
            Content.styled(one_line(project.name), "bold"),
            Content.styled(one_line(project.identifier), "dim"),
            Content(""),
        ]
        facts = []
        if project.status:
            facts.append(f"Status: {one_line(project.status)}")
        facts.append("Public" if project.public else "Private")
        if not project.active:
            facts.append("Archived")
        lines.append(Content(" · ".join(facts)))
        if project.description:
            lines += [Content(""), Content(clean(project.description))]
        self.info_panel.update(Content("\n").join(lines))

    @on(Tree.NodeSelected)
    def open_project(self, event: Tree.NodeSelected[Project]) -> None:
        """Enter opens the project's work package list (space expands and collapses)."""
        if event.node.data is not None:
            self.optui.show_project_list(event.node.data)

    def action_filter(self) -> None:
        self.filter_input.display = True
        self.filter_input.focus()

    @on(Input.Changed, "#projects-filter")
    def filter_projects(self, event: Input.Changed) -> None:
        self.project_tree.filter_text = event.value.strip()
        self.project_tree.show(self.project_tree.projects)

    @on(Input.Submitted, "#projects-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        self.project_tree.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.filter_input.has_focus:
            event.stop()
            self.filter_input.value = ""
            self.filter_input.display = False
            self.project_tree.focus()

    def action_toggle_archived(self) -> None:
        self.project_tree.show_archived = not self.project_tree.show_archived
        self.project_tree.show(self.project_tree.projects)
        state = "shown" if self.project_tree.show_archived else "hidden"
        self.notify(f"Archived projects {state}.", markup=False)

    def action_refresh(self) -> None:
        self.load(force=True)

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)
