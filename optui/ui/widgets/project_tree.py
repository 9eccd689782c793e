"""The project hierarchy as a tree: names from the server (cleaned), identifiers dimmed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from optui.api import Project
from optui.ui.safe import one_line


def project_label(project: Project) -> Text:
    label = Text(one_line(project.name), no_wrap=True, overflow="ellipsis")
    label.append(f"  {one_line(project.identifier)}", style="dim")
    if not project.active:
        label.append("  archived", style="italic dim")
    return label


class ProjectTree(Tree[Project]):
    """Projects under their parents; archived ones only when asked for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="projects.down", tooltip="Next project"),
        Binding("k", "cursor_up", "Up", show=False, id="projects.up", tooltip="Previous project"),
    ]

    def __init__(self) -> None:
        super().__init__("Projects", id="project-tree")
        self.show_root = False
        self.guide_depth = 3
        self.projects: tuple[Project, ...] = ()
        self.show_archived = False
        self.filter_text = ""
        """Only projects whose name or identifier contains this (and their ancestors) show."""
        self.auto_expand = False  # enter opens a project; space expands

    def show(self, projects: Iterable[Project]) -> None:
        """Rebuild from a snapshot, keeping the selected project and collapsed nodes."""
        self.projects = tuple(projects)
        selected = (
            self.cursor_node.data.href if self.cursor_node and self.cursor_node.data else None
        )
        collapsed = {
            node.data.href for node in self._all_nodes() if node.data and not node.is_expanded
        }
        self.clear()
        shown = [p for p in self.projects if p.active or self.show_archived]
        if self.filter_text:
            shown = self._matching(shown)
        hrefs = {p.href for p in shown}
        children: dict[str | None, list[Project]] = {}
        for project in shown:
            parent = project.parent_href if project.parent_href in hrefs else None
            children.setdefault(parent, []).append(project)

        def add(node: TreeNode[Project], parent_href: str | None) -> None:
            for project in sorted(children.get(parent_href, []), key=lambda p: p.name.casefold()):
                kids = children.get(project.href)
                child = node.add(
                    project_label(project),
                    data=project,
                    allow_expand=bool(kids),
                    expand=project.href not in collapsed,
                )
                if kids:
                    add(child, project.href)

        add(self.root, None)
        if selected is not None:
            self.select_href(selected)

    def _matching(self, projects: list[Project]) -> list[Project]:
        """Projects that match the filter text, with their ancestors so the tree stays a tree."""
        wanted = self.filter_text.casefold()
        by_href = {p.href: p for p in projects}
        keep: set[str] = set()
        for project in projects:
            if wanted in project.name.casefold() or wanted in project.identifier.casefold():
                current: Project | None = project
                while current is not None and current.href not in keep:
                    keep.add(current.href)
                    current = by_href.get(current.parent_href or "")
        return [p for p in projects if p.href in keep]

    def _all_nodes(self) -> list[TreeNode[Project]]:
        found: list[TreeNode[Project]] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children)
        return found

    def find(self, identifier: str) -> Project | None:
        wanted = identifier.casefold()
        for project in self.projects:
            if project.identifier.casefold() == wanted or str(project.id) == identifier:
                return project
        return None

    def select_href(self, href: str) -> bool:
        """Move the cursor to a project (expanding its ancestors); False if it is not shown."""
        for node in self._all_nodes():
            if node.data is not None and node.data.href == href:
                parent = node.parent
                while parent is not None:
                    parent.expand()
                    parent = parent.parent
                # line numbers exist only after the next refresh of the expanded tree
                self.call_after_refresh(self.move_cursor, node)
                return True
        return False
