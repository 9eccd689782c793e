"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from optui.api import ApiError


@dataclass
class ApiFailed(Message):
    """A load or write failed in a way the screen does not handle itself."""

    error: ApiError


@dataclass
class ConnectionChanged(Message):
    """The server became reachable or unreachable."""

    online: bool


@dataclass
class UnreadChanged(Message):
    """The user's unread notification total after a mark in the inbox (the server's count)."""

    total: int
