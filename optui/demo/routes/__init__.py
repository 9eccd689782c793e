"""Route modules of the demo server; each exposes `routes(demo) -> list[Route]`."""

from __future__ import annotations

import importlib

from starlette.routing import BaseRoute

from optui.demo.model import Demo

MODULES = [
    "core",
    "projects",
    "queries",
    "grids",
    "notifications",
    "time_entries",
    "render_text",
    "work_packages",
    "activities",
    "days",
]
"""Route modules in order; a module's specific paths must come before another's catch-alls."""


def all_routes(demo: Demo) -> list[BaseRoute]:
    result: list[BaseRoute] = []
    for name in MODULES:
        module = importlib.import_module(f"optui.demo.routes.{name}")
        result.extend(module.routes(demo))
    return result
