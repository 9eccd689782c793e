"""OptuiScreen: every screen's frame (command line, status bar, footer) and typed services."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from optui.api import Services
from optui.ui.widgets.command_line import CommandLine
from optui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from optui.ui.app import OptuiApp


class OptuiScreen(Screen[None]):
    """Base of optui's screens: subclasses yield their content from `compose_body()`."""

    @property
    def optui(self) -> OptuiApp:
        return cast("OptuiApp", self.app)

    @property
    def services(self) -> Services:
        return self.optui.services

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield from self.compose_body()
        yield CommandLine(self.optui.registry, self.optui.history)
        yield StatusBar()
        yield Footer()

    def open_command_line(self) -> None:
        self.query_one(CommandLine).open()
