"""The running timer on disk, per profile: it survives quitting optui and restarting the machine.

One small JSON file (0600, in the profile's 0700 state directory), written atomically when a
timer starts and removed when it stops. The start is a wall-clock UTC time, so the elapsed
time is right after a reboot. Everything here blocks; call it from a thread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from optui import paths

FILE = "timer.json"


@dataclass(frozen=True, slots=True)
class RunningTimer:
    work_package_href: str
    label: str
    """`#42 Subject`, for the status bar."""
    started_at: str
    """ISO 8601, UTC."""
    server_href: str | None = None
    """The server's ongoing time entry, where the server runs timers."""
    activity_href: str | None = None

    def started(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.started_at)

    def elapsed_hours(self, now: dt.datetime) -> float:
        return max((now - self.started()).total_seconds(), 0.0) / 3600


def rounded_hours(hours: float, minutes: int) -> float:
    """Hours rounded up to whole `minutes` (at least one step, so a short timer books
    something); `minutes` <= 1 rounds to the nearest minute, at least one."""
    if minutes <= 1:
        return max(round(hours * 60), 1) / 60
    steps = max(math.ceil(hours * 60 / minutes - 1e-9), 1)
    return steps * minutes / 60


def elapsed_text(hours: float) -> str:
    total = int(hours * 3600)
    h, rest = divmod(total, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


class TimerStore:
    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE

    @classmethod
    def for_profile(cls, profile: str) -> TimerStore:
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in profile).strip(".")
        safe = safe or "default"
        return cls(paths.state_dir() / safe)

    def load(self) -> RunningTimer | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            timer = RunningTimer(**{k: data.get(k) for k in RunningTimer.__dataclass_fields__})
            timer.started()
        except (TypeError, ValueError):
            return None
        if not isinstance(timer.work_package_href, str) or not timer.work_package_href:
            return None
        return timer

    def save(self, timer: RunningTimer) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(timer), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
