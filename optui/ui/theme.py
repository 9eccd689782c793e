"""optui's colour themes: dark (default), light, and ANSI (the terminal's own 16 colours).

Textual honours NO_COLOR by itself. The ANSI theme builds on Textual's `ansi-dark`, which
keeps the terminal's palette instead of true colours.
"""

from __future__ import annotations

from textual.theme import Theme

OPTUI_DARK = Theme(
    name="optui-dark",
    primary="#3D8FD1",
    secondary="#5FB3B3",
    accent="#F0A04B",
    warning="#E5C07B",
    error="#E06C75",
    success="#98C379",
    background="#16181D",
    surface="#1E2128",
    panel="#262A33",
    dark=True,
)
OPTUI_LIGHT = Theme(
    name="optui-light",
    primary="#1A67A3",
    secondary="#2F7E7E",
    accent="#B85C00",
    warning="#8A6D00",
    error="#B3261E",
    success="#2E7D32",
    background="#FAFAF7",
    surface="#FFFFFF",
    panel="#ECEDEA",
    dark=False,
)
THEMES = (OPTUI_DARK, OPTUI_LIGHT)
THEME_ALIASES = {"dark": "optui-dark", "light": "optui-light", "ansi": "ansi-dark"}
"""What users type (`:theme ansi`) and the Textual theme it means."""


def theme_name(name: str | None) -> str:
    """The Textual theme for a configured or typed name; the dark theme when unknown."""
    if not name:
        return OPTUI_DARK.name
    if name in THEME_ALIASES:
        return THEME_ALIASES[name]
    known = {theme.name for theme in THEMES} | {"ansi-dark", "ansi-light"}
    return name if name in known else OPTUI_DARK.name
