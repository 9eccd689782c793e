"""MarkdownView: untrusted descriptions render safely, open only http(s) links, and page."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Markdown, Static

from optui.ui.markdown import LINK_SCHEMES, MarkdownView

MIB = 1 << 20


class ViewApp(App[None]):
    """One MarkdownView in a scroll container, as the detail screen has it."""

    def __init__(self, initial: str | None = "") -> None:
        super().__init__()
        self.initial = initial
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield MarkdownView(self.initial)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)  # never a real browser in tests

    @property
    def view(self) -> MarkdownView:
        return self.query_one(MarkdownView)


def leaf_text(widget: Widget) -> str:
    """The text a leaf widget draws: its content, never re-parsed."""
    if isinstance(widget, Static):
        return str(widget.visual)
    return str(widget.render()) if not widget.children else ""


def shown_text(view: MarkdownView) -> str:
    """Every visible leaf's text (not the button's), in document order, one per line."""
    parts = [
        leaf_text(widget)
        for widget in view.query("*")
        if widget.display and not isinstance(widget, Button)
    ]
    return "\n".join(part for part in parts if part)


def link_spans(widget: Static) -> int:
    """How many clickable spans a block draws (links are the only ones it should have)."""
    visual = widget.visual
    assert isinstance(visual, Content)
    return sum("@click" in str(span.style) for span in visual.spans)


async def rendered(pilot: Pilot[None]) -> None:
    """Wait for the view's render workers, then let the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def showing(text: str | None) -> str:
    """Render `text` in a fresh app and return what it shows (for the one-look tests)."""
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        return shown_text(app.view)


async def show_everything(pilot: Pilot[None], view: MarkdownView) -> int:
    """Press "Show more" until nothing is left; returns the number of presses."""
    presses = 0
    while view.remaining and presses < 100:
        view.query_one(Button).press()
        await rendered(pilot)
        presses += 1
    return presses


async def test_markup_in_the_text_is_shown_literally_and_never_acts() -> None:
    text = (
        "[bold red]x[/] then [@click=app.quit]quit[/] and [/oops]\n\n"
        "| [b]h[/b] | [/c] |\n|---|---|\n| [@click=app.quit]cell[/] | 2 |\n"
    )
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        shown = shown_text(app.view)
        assert "[bold red]x[/] then [@click=app.quit]quit[/] and [/oops]" in shown
        assert "[b]h[/b]" in shown and "[@click=app.quit]cell[/]" in shown
        paragraph = app.view.query_one("MarkdownParagraph", Static)
        await pilot.click(paragraph, offset=(len("[bold red]x[/] then [@"), 0))
        await pilot.pause()
        assert app.is_running
        # A str tooltip would be parsed as markup on hover ("[/c]" is a MarkupError).
        tooltips = [cell.tooltip for cell in app.view.query("MarkdownTableCellContents")]
        assert tooltips and all(isinstance(tip, Content) for tip in tooltips)
        assert "[/c]" in [str(tip) for tip in tooltips]


async def test_escape_sequences_and_controls_are_removed() -> None:
    shown = await showing(
        "before\x1b[2J clear \x1b]52;c;aGk=\x07 osc\x9b31m eight\x07bit \u202eevil\u202c after"
    )
    assert "before clear osc eightbit evil after" in shown  # markdown folds runs of spaces
    for leftover in ("\x1b", "\x07", "\x9b", "\u202e", "52;c", "aGk="):
        assert leftover not in shown


async def test_raw_html_stays_visible_as_text() -> None:
    shown = await showing(
        "<script>alert(1)</script>\n\nInline <b>hi</b> and <img src=x onerror=alert(1)>.\n\n"
        "<div>\nblock\n</div>\n\n&lt;escaped&gt;"
    )
    assert "<script>alert(1)</script>" in shown
    assert "Inline <b>hi</b> and <img src=x onerror=alert(1)>." in shown
    assert "<div> block </div>" in shown  # one paragraph: soft breaks become spaces
    assert "<escaped>" in shown


async def test_blocks_render_headings_lists_tasks_quotes_tables_and_emphasis() -> None:
    app = ViewApp(
        "# Heading\n\n- [ ] open task\n- [x] done task\n- [X] also done\n- plain item\n\n"
        "1. first\n2. second\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Some *em*, **strong**, `code` and ~~gone~~ text."
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        shown = shown_text(app.view)
        names = {type(widget).__name__ for widget in app.view.query("*")}
    lines = shown.splitlines()
    assert "Heading" in lines
    assert "☐ open task" in lines and "☑ done task" in lines and "☑ also done" in lines
    assert "plain item" in lines and "[ ]" not in shown
    assert "1." in shown and "first" in lines and "second" in lines
    assert "quoted" in lines
    assert [line for line in lines if line in ("a", "b", "1", "2")] == ["a", "b", "1", "2"]
    assert "Some em, strong, code and gone text." in lines
    assert {"MarkdownH1", "MarkdownBulletList", "MarkdownOrderedList"} <= names
    assert {"MarkdownBlockQuote", "MarkdownTableCellContents"} <= names


async def test_code_blocks_are_verbatim_with_their_language() -> None:
    code = 'def f(x):\n    return "<b>[bold]x[/]</b>"  # **not bold**\n\n\tindented'
    app = ViewApp(f"Intro\n\n```python title=x\n{code}\n```\n\n~~~\nplain fence\n~~~\n")
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        blocks = [leaf_text(label) for label in app.view.query("#code-content")]
        languages = [leaf_text(label) for label in app.view.query(".-language")]
    assert blocks == [code, "plain fence"]
    assert languages == ["python"]  # the rest of the info string is not a language


async def test_right_to_left_text_and_emoji_sequences_are_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    flag = "\U0001f3f3\ufe0f\u200d\U0001f308"
    shown = await showing(f"שלום עולם {family} مرحبا {flag} end")
    assert f"שלום עולם {family} مرحبا {flag} end" in shown


async def test_an_https_link_opens_when_clicked() -> None:
    app = ViewApp("[the site](https://example.com/a?b=1#c)")
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        paragraph = app.view.query_one("MarkdownParagraph", Static)
        assert leaf_text(paragraph) == "the site"
        assert link_spans(paragraph) == 1
        await pilot.click(paragraph, offset=(2, 0))
        await pilot.pause()
        assert app.opened == ["https://example.com/a?b=1#c"]


@pytest.mark.parametrize(
    "markdown",
    [
        "[js](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[file](file:///etc/passwd)",
        "[data](data:text/html,<script>alert(1)</script>)",
        "[mail](mailto:a@example.com)",
        "[relative](/api/v3/work_packages/1)",
        "[anchor](#top)",
        "![image](/attachments/1/content)",
        "![image](data:image/png;base64,AAAA)",
    ],
)
async def test_other_links_are_plain_text_and_never_open(markdown: str) -> None:
    app = ViewApp(markdown)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        paragraph = app.view.query_one("MarkdownParagraph", Static)
        assert link_spans(paragraph) == 0
        for column in range(0, len(leaf_text(paragraph)), 2):
            await pilot.click(paragraph, offset=(column, 0))
        await pilot.pause()
        assert app.opened == []


@pytest.mark.parametrize(
    ("href", "opens"),
    [
        ("https://example.com/x", True),
        ("HTTP://example.com", True),
        ("https://example.com/a b", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,hi", False),
        ("/relative/path", False),
        ("//example.com/no-scheme", False),
        ("https:no-host", False),
        ("ftp://example.com/", False),
    ],
)
async def test_a_link_message_opens_only_http_and_https(href: str, opens: bool) -> None:
    app = ViewApp("Some text")
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        markdown = app.view.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, href))
        await pilot.pause()
        await pilot.pause()
        assert len(app.opened) == (1 if opens else 0)
        if opens:
            assert app.opened[0].lower().startswith(LINK_SCHEMES)
            assert " " not in app.opened[0]


async def test_a_huge_text_shows_one_step_and_the_button_shows_the_next() -> None:
    paragraphs = [f"Paragraph {number} " + "lorem ipsum " * 40 for number in range(3000)]
    text = "\n\n".join(paragraphs)[:MIB]
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        view = app.view
        first = shown_text(view)
        assert first.startswith("Paragraph 0 lorem")
        assert len(first) < 25_000  # one step, not the whole mebibyte
        assert view.remaining > MIB - 25_000
        assert len(view.query("MarkdownBlock")) < 400  # mounting cost is per block
        more = view.query_one(Button)
        assert more.display
        label = str(more.label)
        assert label.startswith("Show more (") and label.endswith(" KB left)")
        kilobytes = int(label.removeprefix("Show more (").split()[0])
        assert abs(kilobytes - view.remaining / 1024) < 1

        more.focus()
        await pilot.press("enter")
        await rendered(pilot)
        second = shown_text(view)
        assert second.startswith(first) and len(second) > len(first) + 10_000
        shown_paragraphs = [line for line in second.splitlines() if line.startswith("Paragraph")]
        assert shown_paragraphs == [
            paragraph.rstrip() for paragraph in paragraphs[: len(shown_paragraphs)]
        ]
        assert str(more.label) != label


async def test_the_last_step_hides_the_button() -> None:
    text = "\n\n".join(f"Block {number} " + "word " * 20 for number in range(300))
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        assert await show_everything(pilot, app.view) >= 1
        assert not app.view.query_one(Button).display
        assert shown_text(app.view).splitlines()[-1] == f"Block 299 {'word ' * 20}".rstrip()


async def test_a_code_block_cut_between_steps_stays_code() -> None:
    code_lines = [f"line_{number} = [bold]{number}[/]  # keep" for number in range(2000)]
    text = "```python\n" + "\n".join(code_lines) + "\n```\n\nAfter the code."
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        await show_everything(pilot, app.view)
        blocks = [leaf_text(label) for label in app.view.query("#code-content")]
        assert len(blocks) > 1  # it did take several steps
        assert "\n".join(blocks).splitlines() == code_lines
        assert [leaf_text(label) for label in app.view.query(".-language")] == ["python"] * len(
            blocks
        )
        assert shown_text(app.view).endswith("After the code.")


async def test_a_table_cut_between_steps_keeps_its_header() -> None:
    rows = [f"| {number} | cell {number} | more |" for number in range(400)]
    text = "| No | Name | Note |\n|---|---|---|\n" + "\n".join(rows)
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        app.view.query_one(Button).press()
        await rendered(pilot)
        tables = app.view.query("MarkdownTableContent")
        assert len(tables) == 2
        for table in tables:
            headers = [leaf_text(cell) for cell in table.query(".header")]
            assert headers == ["No", "Name", "Note"]
        assert "| 1 |" not in shown_text(app.view)


async def test_very_long_lines_wrap_inside_the_view() -> None:
    long_word = "x" * 30_000
    text = f"{long_word}\n\n```\n{'y' * 5_000}\n```\n\n" + "word " * 3_000
    app = ViewApp(text)
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        assert await show_everything(pilot, app.view) >= 1  # 30,000 characters on one line
        scroll = app.query_one(VerticalScroll)
        assert scroll.max_scroll_x == 0
        assert all(widget.size.width <= 100 for widget in app.view.query("*"))
        shown = shown_text(app.view)
        assert shown.count("x") == 30_000 and "y" * 5_000 in shown
        code = app.view.query_one("#code-content", Static)
        assert code.size.height >= 5_000 // code.size.width  # wrapped, not cut off


@pytest.mark.parametrize("text", ["", None, "   \n\n\t  ", "\x1b[2J\x07"])
async def test_empty_text_shows_the_placeholder(text: str | None) -> None:
    shown = await showing(text)
    assert shown == "No description."


async def test_show_replaces_the_content_and_the_last_call_wins() -> None:
    app = ViewApp("first text")
    async with app.run_test(size=(100, 40)) as pilot:
        await rendered(pilot)
        view = app.view
        await asyncio.gather(view.show("second text"), view.show("third text"))
        await rendered(pilot)
        assert shown_text(view) == "third text"
        assert view.text == "third text"
        await view.show("")
        await rendered(pilot)
        assert shown_text(view) == "No description."
        assert not view.query_one(Button).display
