"""Where optui keeps its files (platformdirs); functions only, no I/O at import."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "optui"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def demo_data_dir() -> Path:
    """The persisted data of `optui --demo`."""
    return data_dir() / "demo"
