"""The bottom line: profile, user, connection state, requests in flight and key hints."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from optui.ui.safe import one_line


def age(seconds: float) -> str:
    """How long ago data was refreshed, in words that fit a status bar."""
    if seconds < 60:
        return "refreshed just now"
    if seconds < 3600:
        return f"refreshed {int(seconds // 60)} min ago"
    return f"refreshed {int(seconds // 3600)} h ago"


class StatusBar(Static):
    """Shows where optui is connected and how that connection is doing (from the app)."""

    def __init__(self) -> None:
        super().__init__(classes="status-bar")

    def on_mount(self) -> None:
        watched = (
            "profile_label",
            "user_name",
            "connection",
            "busy",
            "data_time",
            "unread",
            "timer_text",
        )
        for name in watched:
            self.watch(self.app, name, self.refresh_status, init=False)
        self.refresh_status()
        self.set_interval(30, self.refresh_status)  # keeps "refreshed N min ago" true

    def refresh_status(self) -> None:
        app = self.app
        state = str(getattr(app, "connection", "connecting"))
        marker = {"online": "●", "offline": "○", "connecting": "◌"}.get(state, "?")
        parts = [
            Content.styled(f" {one_line(str(getattr(app, 'profile_label', '')))} ", "bold"),
            Content(f"· {one_line(str(getattr(app, 'user_name', ''))) or '…'} "),
            Content(f"· {marker} {state}"),
        ]
        data_time = float(getattr(app, "data_time", 0.0))
        if data_time and state == "offline":
            parts.append(
                Content(f" · data from {time.strftime('%H:%M', time.localtime(data_time))}")
            )
        elif data_time:
            parts.append(Content(f" · {age(time.time() - data_time)}"))
        unread = getattr(app, "unread", None)
        if unread:
            parts.append(Content.styled(f" · ✉ {unread} unread", "bold"))
        timer = getattr(app, "timer_text", "")
        if timer:
            parts.append(Content.styled(f" · {one_line(timer)}", "bold"))
        warning = getattr(app, "warning", None)
        if warning:
            parts.append(Content.styled(f" · ⚠ {warning}", "bold"))
        if getattr(app, "busy", 0):
            parts.append(Content(" · ⟳ syncing"))
        parts.append(Content.styled("   : command  ? help  q quit", "dim"))
        self.set_class(state == "offline", "-offline")
        self.update(Content.assemble(*parts))
