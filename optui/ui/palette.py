"""The command palette (ctrl+p): the `:` commands, jump to a project, recent work packages."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from optui.ui.safe import one_line

if TYPE_CHECKING:
    from optui.ui.app import OptuiApp


class OptuiCommands(Provider):
    """Everything `:` offers without arguments, plus fuzzy jumps."""

    @property
    def optui(self) -> OptuiApp:
        return cast("OptuiApp", self.app)

    def _entries(self) -> list[tuple[str, str, object]]:
        app = self.optui
        entries: list[tuple[str, str, object]] = []
        for command in app.registry.commands.values():
            if command.min_args == 0:
                entries.append((f":{command.name}", command.help, partial(command.run, [])))
        if app.has_session:
            for project in app.services.peek_projects() or ():
                label = f"Project: {one_line(project.name)} ({one_line(project.identifier)})"
                entries.append(
                    (label, "Open its work packages", partial(app.show_project_list, project))
                )
            for href, label in app.recent:
                entries.append(
                    (
                        f"Work package {one_line(label)}",
                        "Recently opened",
                        partial(app.open_work_package, href),
                    )
                )
        return entries

    async def discover(self) -> Hits:
        for text, help_text, run in self._entries():
            yield DiscoveryHit(text, run, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, run in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)  # type: ignore[arg-type]
