"""The bottom line: profile, user, connection state, requests in flight and key hints."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from optui.ui.safe import one_line


class StatusBar(Static):
    """Shows where optui is connected and how that connection is doing (from the app)."""

    def __init__(self) -> None:
        super().__init__(classes="status-bar")

    def on_mount(self) -> None:
        for name in ("profile_label", "user_name", "connection", "busy"):
            self.watch(self.app, name, self.refresh_status, init=False)
        self.refresh_status()

    def refresh_status(self) -> None:
        app = self.app
        state = str(getattr(app, "connection", "connecting"))
        marker = {"online": "●", "offline": "○", "connecting": "◌"}.get(state, "?")
        parts = [
            Content.styled(f" {one_line(str(getattr(app, 'profile_label', '')))} ", "bold"),
            Content(f"· {one_line(str(getattr(app, 'user_name', ''))) or '…'} "),
            Content(f"· {marker} {state}"),
        ]
        warning = getattr(app, "warning", None)
        if warning:
            parts.append(Content.styled(f" · ⚠ {warning}", "bold"))
        if getattr(app, "busy", 0):
            parts.append(Content(" · ⟳ loading"))
        parts.append(Content.styled("   : command  ? help  q quit", "dim"))
        self.set_class(state == "offline", "-offline")
        self.update(Content.assemble(*parts))
