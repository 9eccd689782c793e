"""Untrusted markdown (descriptions, comments) shown safely and in bounded steps.

Server text is cleaned with `safe.clean()`, parsed with HTML off (tags stay visible as text) and
rendered as `Content`, never markup. Only http(s) links are links; the rest show as plain text.
A long text renders one step at a time, so no step keeps the event loop busy for long.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Label, Markdown, Static
from textual.widgets._markdown import (  # table classes are not exported; textual is pinned
    MarkdownTable,
    MarkdownTableCellContents,
    MarkdownTableContent,
)
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

from optui.api.mentions import as_text
from optui.ui.safe import clean

__all__ = ["LINK_SCHEMES", "MarkdownView"]

LINK_SCHEMES = ("http", "https")
"""The only URL schemes a link may open; links with any other scheme show as plain text."""

STEP_CHARS = 20_000
"""Most characters rendered per step."""

STEP_COST = 400
"""Most work per step, in rough milliseconds of parsing and mounting (see `_split`)."""

_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""Characters left as they are when a clicked link is percent-encoded again."""

_TASK_BOX = re.compile(r"\[([ xX])\](?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_TABLE_DELIMITER = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")


def _opens(url: str) -> bool:
    """Whether a link may be handed to the browser: http(s) with a host, nothing else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def _task_boxes(state: StateCore) -> None:
    """Show GitHub task list items (`- [ ]`, `- [x]`) as ☐ and ☑."""
    tokens = state.tokens
    for index in range(2, len(tokens)):
        token = tokens[index]
        if (
            token.type != "inline"
            or not token.children
            or tokens[index - 1].type != "paragraph_open"
            or tokens[index - 2].type != "list_item_open"
        ):
            continue
        first = token.children[0]
        if first.type == "text" and (match := _TASK_BOX.match(first.content)):
            box = "☐" if match[1] == " " else "☑"
            first.content = f"{box} {first.content[match.end() :]}"


def _unsafe_links_to_text(state: StateCore) -> None:
    """Turn links and images that could not open (not http(s)) into their plain text."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        opened: list[bool] = []  # per open link: was it kept
        for child in token.children:
            if child.type == "link_open":
                opened.append(_opens(str(child.attrs.get("href", ""))))
                if opened[-1]:
                    children.append(child)
            elif child.type == "link_close":
                if opened.pop() if opened else True:
                    children.append(child)
            elif child.type == "image" and not _opens(str(child.attrs.get("src", ""))):
                children.append(Token("text", "", 0, content=f"🖼 {child.content}".rstrip()))
            else:
                children.append(child)
        token.children = children


def _fence_languages(state: StateCore) -> None:
    """Keep only the first word of a fence's info string: the language, for label and colours."""
    for token in state.tokens:
        if token.type == "fence":
            words = token.info.split(maxsplit=1)
            token.info = words[0][:40] if words else ""


def _parser() -> MarkdownIt:
    """GitHub-like markdown with raw HTML off, so tags show as the text they are."""
    parser = MarkdownIt("gfm-like", {"html": False})
    parser.core.ruler.push("optui_task_boxes", _task_boxes)
    parser.core.ruler.push("optui_unsafe_links", _unsafe_links_to_text)
    parser.core.ruler.push("optui_fence_languages", _fence_languages)
    return parser


@dataclass(frozen=True, slots=True)
class _Resume:
    """The fence or table a step was cut inside of, reopened at the start of the next step."""

    fence: str = ""
    """The fence's opening line (its marker and language)."""
    table: str = ""
    """The table's header and delimiter rows."""

    @property
    def opening(self) -> str:
        return f"{self.fence or self.table}\n" if self.fence or self.table else ""


def _closes_fence(opening: str, line: str) -> bool:
    """Whether `line` closes the fence `opening` opened: same character, at least as many."""
    opened, closing = _FENCE.fullmatch(opening), _FENCE.fullmatch(line)
    return bool(
        opened
        and closing
        and closing[1][0] == opened[1][0]
        and len(closing[1]) >= len(opened[1])
        and not closing[2].strip()
    )


def _split(text: str, resume: _Resume) -> tuple[str, str, _Resume]:
    """The markdown of the next step of `text`, the rest, and what the rest must reopen.

    Cuts after a blank line where one is near the limit, else after a line, else inside an
    overlong line. Costs are rough milliseconds to mount: a list item is a handful of widgets,
    a table cell a grid cell, a paragraph one widget, code and continued lines almost nothing.
    """
    fence, table = resume.fence, resume.table
    previous = ""
    cost = 0.0
    after_blank: tuple[int, _Resume] | None = None
    after_line: tuple[int, _Resume] | None = None
    start = 0
    broke_on_cost = False
    while start < len(text):
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end + 1
        if stop > STEP_CHARS:
            break
        line = text[start:stop].rstrip("\n")
        blank = not line.strip()
        if fence:
            cost += 0.5
            if _closes_fence(fence, line):
                fence = ""
        elif (match := _FENCE.fullmatch(line)) and not (match[1][0] == "`" and "`" in match[2]):
            fence, cost = line.strip(), cost + 2
        elif blank:
            table = ""
        elif table or ("|" in previous and _TABLE_DELIMITER.fullmatch(line)):
            table = table or f"{previous}\n{line}"
            cost += 2.6 * max(1, line.strip().strip("|").count("|") + 1)
        elif _LIST_ITEM.match(line):
            cost += 10
        else:
            cost += 0.1 if previous.strip() else 2
        if cost > STEP_COST and start > 0:
            broke_on_cost = True
            break
        start, previous = stop, line
        after_line = (start, _Resume(fence, table))
        if blank and not fence:
            after_blank = (start, _Resume())
    else:
        return resume.opening + text, "", _Resume()
    if after_blank and after_line and after_blank[0] >= after_line[0] // 2:
        cut, next_resume = after_blank
    elif after_line and (broke_on_cost or after_line[0] >= STEP_CHARS // 4):
        cut, next_resume = after_line
    else:  # inside an overlong line: at a space near the limit, or hard at the limit
        space = text.rfind(" ", max(start, STEP_CHARS // 2), STEP_CHARS)
        cut, next_resume = (space + 1 if space >= 0 else STEP_CHARS), _Resume(fence, table)
    return resume.opening + text[:cut], text[cut:], next_resume


class _Fence(MarkdownFence):
    """A code block that wraps long lines and shows its language above the code."""

    DEFAULT_CSS = """
    _Fence {
        overflow: hidden hidden;
        & > .-language { padding: 0 2; color: $text-muted; }
        & > #code-content { width: 1fr; text-wrap: wrap; }  /* Textual scrolls it sideways */
        &.-labelled > #code-content { padding: 0 2 1 2; }
    }
    """

    def __init__(self, markdown: Markdown, token: Token, code: str) -> None:
        super().__init__(markdown, token, code)
        self._highlighted_for = self._theme_key()

    def _theme_key(self) -> tuple[bool, bool]:
        return self.app.native_ansi_color, self.app.current_theme.dark

    def notify_style_update(self) -> None:
        """Highlight again only when the theme changed (Textual does it on every style update)."""
        if self._theme_key() != self._highlighted_for:
            self._highlighted_for = self._theme_key()
            super().notify_style_update()
        else:
            super(MarkdownFence, self).notify_style_update()

    def compose(self) -> ComposeResult:
        if self.lexer:
            self.add_class("-labelled")
            yield Label(Content(self.lexer), classes="-language")
        yield from super().compose()


class _TableContent(MarkdownTableContent):
    """Table cells whose tooltips are `Content`: a `str` tooltip would be parsed as markup."""

    def compose(self) -> ComposeResult:
        for header in self.headers:
            yield MarkdownTableCellContents(header, classes="header").with_tooltip(header)
        for row_number, row in enumerate(self.rows, 1):
            for cell_number, cell in enumerate(row, 1):
                yield MarkdownTableCellContents(
                    cell, classes=f"row{row_number} cell", name=f"cell{row_number}.{cell_number}"
                ).with_tooltip(cell)
            self.last_row = row_number


class _Table(MarkdownTable):
    """A table built from `_TableContent`."""

    def compose(self) -> ComposeResult:
        headers, rows = self._get_headers_and_rows()
        yield _TableContent(headers, rows)


class _SafeMarkdown(Markdown):
    """Textual's Markdown with HTML off, our link rules, and the block classes above."""

    def __init__(self) -> None:
        super().__init__(parser_factory=_parser, open_links=False)

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        if block_name in ("fence", "code_block"):
            return _Fence
        if block_name == "table_open":
            return _Table
        return super().get_block_class(block_name)


class MarkdownView(Widget):
    """Shows untrusted markdown safely; a long text one step at a time behind a button."""

    DEFAULT_CSS = """
    MarkdownView {
        height: auto;
        layout: vertical;
        & > .-placeholder { color: $text-muted; padding: 0 2; }
        & > .-more { margin: 0 2 1 2; }
    }
    """

    def __init__(
        self,
        text: str | None = "",
        *,
        placeholder: str = "No description.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text or ""
        self._rest = ""
        self._resume = _Resume()
        self._generation = 0
        self._shown_generation = -1
        self._render_lock = asyncio.Lock()
        self._placeholder = Static(Content(placeholder), classes="-placeholder")
        self._more = Button("", classes="-more", compact=True, flat=True)

    @property
    def text(self) -> str:
        """The text last given, before cleaning ("" for None)."""
        return self._text

    @property
    def remaining(self) -> int:
        """Characters not shown yet (0 when everything is on screen)."""
        return len(self._rest)

    def compose(self) -> ComposeResult:
        yield self._placeholder
        yield self._more

    def on_mount(self) -> None:
        self._more.display = False
        self.run_worker(self._show_latest(), group="markdown-view", exclusive=True)

    async def show(self, text: str | None) -> None:
        """Replace what is shown with `text` (its first step; the rest waits for the button)."""
        self._text = text or ""
        self._generation += 1
        if self.is_mounted:  # else on_mount shows it
            await self._replace_content(self._generation)

    async def _show_latest(self) -> None:
        await self._replace_content(self._generation)

    async def _replace_content(self, generation: int) -> None:
        async with self._render_lock:
            if generation != self._generation or generation == self._shown_generation:
                return  # a newer text came in while we waited, or this one is on screen
            self._shown_generation = generation
            await self.query_children(".-step").remove()
            cleaned = clean(as_text(self._text))  # mention tags read as `@Name`
            self._rest = cleaned if cleaned.strip() else ""
            self._resume = _Resume()
            self._placeholder.display = not self._rest
            await self._show_step()

    async def _show_step(self) -> None:
        """Render the next step of the rest, then say how much is left."""
        if self._rest:
            step, self._rest, self._resume = _split(self._rest, self._resume)
            markdown = _SafeMarkdown()
            markdown.add_class("-step")
            await self.mount(markdown, before=self._more)
            await markdown.update(step)
        kilobytes = max(1, round(len(self._rest) / 1024))
        self._more.label = Content(f"Show more ({kilobytes} KB left)")
        self._more.display = bool(self._rest)

    @on(Button.Pressed, ".-more")
    def show_more(self, event: Button.Pressed) -> None:
        event.stop()
        self.run_worker(self._show_more(self._generation), group="markdown-view-more")

    async def _show_more(self, generation: int) -> None:
        async with self._render_lock:
            if generation == self._generation:
                await self._show_step()

    @on(Markdown.LinkClicked)
    def open_link(self, event: Markdown.LinkClicked) -> None:
        """Open http(s) links in the browser; any other scheme or a relative link does nothing."""
        event.stop()
        url = quote(event.href, safe=_URL_SAFE)  # LinkClicked decoded it: spaces, controls…
        if _opens(url):
            self.app.open_url(url)
