"""The only way server text reaches a widget: escapes and controls removed, never markup.

Textual's `Content` strips only a few control codes and lets ESC through, and many widgets parse
a bare `str` as markup, so every server string goes through `clean()`, `plain()` or `cell()`.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    # OSC, DCS, SOS, PM, APC up to their terminator (an unterminated one: up to the line's end)
    r"|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x9d\x98\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit OSC, DCS…
    r"|\x1b.?",  # any other escape, or a lone ESC
    re.DOTALL,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # keeps \t \n


def clean(text: str | None) -> str:
    """Drop escape sequences, C0/C1 controls (not tab or newline) and bidi overrides."""
    if not text:
        return ""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
"""Zero-width spaces and joiners, variation selectors and skin-tone modifiers: terminals
disagree on how wide the text around them is, so one-line cells (aligned in columns) go without
them; the emoji of a sequence stand apart, each as wide as everyone agrees it is."""


def one_line(text: str | None) -> str:
    """`clean()` folded onto one line (tree labels and table cells show one line)."""
    return " ".join(_ZERO_WIDTH.sub("", clean(text)).split())


def plain(text: str | None) -> Content:
    """For Static, Label and update(): never parsed as markup."""
    return Content(clean(text))


def cell(text: str | None, style: str = "") -> Text:
    """For DataTable cells, Tree labels and options, which would parse a bare str as markup."""
    return Text(one_line(text), style=style, no_wrap=True, overflow="ellipsis")
