"""One editor per schema field type, built at run time from the form's schema.

Every editor shows its label (with `*` when required), an input suited to the field's kind and a
line for the server's validation message. Editors report changes with `FieldEditor.Changed`
carrying the API property name and the value in the form's terms (see `optui.api.schema.Value`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from optui.api import ApiError
from optui.api.dates import DateInputError, parse_date
from optui.api.durations import DurationError, format_iso, hours_to_iso, parse_human
from optui.api.schema import AllowedValue, FieldSpec, Value
from optui.ui.markdown import MarkdownView
from optui.ui.safe import clean, one_line

NO_VALUE = "\N{EN DASH}"
Search = Callable[[str, str], Awaitable[Sequence[AllowedValue]]]
"""(options href, typed text) -> matching allowed values."""


class FieldEditor(Vertical):
    """Label, input and message line of one field."""

    @dataclass
    class Changed(Message):
        editor: FieldEditor
        name: str
        value: Value

    def __init__(self, spec: FieldSpec, value: Value, titles: dict[str, str]) -> None:
        super().__init__(classes="field-editor", id=f"field-{spec.name}")
        self.spec = spec
        self.initial = value
        self.titles = titles
        mark = " *" if spec.required else ""
        self.label = Static(
            Content.assemble(Content(clean(spec.label)), Content.styled(mark, "bold $error")),
            classes="field-label",
        )
        self.message = Static(classes="field-message")
        self.hint = ""
        self.local_error = ""
        """What is wrong with the typed text (not sent); survives the server's checks."""

    def compose(self) -> ComposeResult:
        yield self.label
        yield from self.compose_input()
        yield self.message

    def compose_input(self) -> ComposeResult:
        yield Static(Content(clean(self.display_text(self.initial))), classes="field-readonly")

    def on_mount(self) -> None:
        self.message.display = False

    def display_text(self, value: Value) -> str:
        if isinstance(value, list):
            return ", ".join(self.titles.get(v, v) for v in value) or NO_VALUE
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if value is None or value == "":
            return NO_VALUE
        if isinstance(value, str) and value in self.titles:
            return self.titles[value]
        return str(value)

    def changed(self, value: Value) -> None:
        self.post_message(self.Changed(self, self.spec.name, value))

    def show_errors(self, messages: Sequence[str]) -> None:
        """The server's (or the editor's own) messages under the input; none hides the line."""
        shown = [self.local_error, *messages] if self.local_error else list(messages)
        text = " ".join(shown) or self.hint
        self.message.update(Content(clean(text)))
        self.message.display = bool(text)
        self.set_class(bool(shown), "-invalid")

    def focus_input(self, *, at_end: bool = True) -> None:
        for child in self.children:
            if child.can_focus:
                child.focus()
                if at_end and isinstance(child, Input):
                    child.cursor_position = len(child.value)
                return


class ReadOnlyEditor(FieldEditor):
    """Shown, not editable (the schema says so, or optui has no editor for the type)."""


class TextEditor(FieldEditor):
    """String, URL and numbers: one line, checked as typed."""

    def compose_input(self) -> ComposeResult:
        kind = self.spec.kind
        text = "" if self.initial is None else str(self.initial)
        if kind == "duration" and isinstance(self.initial, str):
            text = format_iso(self.initial)
        placeholder = {
            "integer": "a whole number",
            "float": "a number",
            "percentage": "0 to 100",
            "duration": "2h 30m, 1.5h or 1:30",
            "date": "2025-03-04, t, +3d, next monday",
            "url": "https://…",
        }.get(kind, "")
        self.shown = clean(text)  # server text may hold escapes: they never reach the terminal
        yield Input(
            self.shown,
            placeholder=placeholder,
            select_on_focus=False,
            max_length=self.spec.max_length or 0,
            classes="field-input",
        )

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.shown and self.shown != str(self.initial or ""):
            self.changed(self.initial)  # untouched: the server's own value, controls and all
            return
        try:
            value = self.convert(event.value)
        except ValueError as error:
            self.local_error = str(error)
            self.show_errors([])
            return
        self.local_error = ""
        self.show_errors([])
        self.changed(value)

    def convert(self, text: str) -> Value:
        """The field's value for the typed text (ValueError with a sentence when invalid)."""
        raw = text.strip()
        kind = self.spec.kind
        if kind in ("integer", "percentage"):
            if not raw:
                return None
            try:
                number = int(raw)
            except ValueError:
                raise ValueError(f"{self.spec.label} must be a whole number.") from None
            if kind == "percentage" and not 0 <= number <= 100:
                raise ValueError("Enter a percentage from 0 to 100.")
            return number
        if kind == "float":
            if not raw:
                return None
            try:
                return float(raw.replace(",", "."))
            except ValueError:
                raise ValueError(f"{self.spec.label} must be a number.") from None
        if kind == "duration":
            if not raw:
                return None
            try:
                return hours_to_iso(parse_human(raw))
            except DurationError as error:
                raise ValueError(str(error)) from None
        if kind == "date":
            try:
                day = parse_date(raw, self.today())
            except DateInputError as error:
                raise ValueError(str(error)) from None
            if day is not None and raw != day.isoformat():
                self.hint = f"= {day.isoformat()} ({day:%A})"
            else:
                self.hint = ""
            return None if day is None else day.isoformat()
        if kind == "url" and raw and not raw.startswith(("http://", "https://")):
            raise ValueError("Enter an address starting with https:// or http://.")
        return text if kind != "url" else raw or None

    def today(self) -> dt.date:
        today = getattr(self.app, "today", None)
        return today() if callable(today) else dt.date.today()


class MarkdownEditor(FieldEditor):
    """Formattable text: a multi-line editor for markdown; ctrl+r shows a preview."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "preview",
            "Preview",
            id="field.preview",
            tooltip="Show or hide how the markdown will look",
        ),
    ]

    def compose_input(self) -> ComposeResult:
        text = "" if self.initial is None else str(self.initial)
        self.shown = clean(text)  # server text may hold escapes: they never reach the terminal
        yield TextArea(self.shown, soft_wrap=True, show_line_numbers=False, classes="field-text")
        preview = MarkdownView(placeholder="(empty)", classes="field-preview")
        preview.display = False
        yield preview

    async def action_preview(self) -> None:
        preview = self.query_one(MarkdownView)
        preview.display = not preview.display
        if preview.display:
            await preview.show(self.query_one(TextArea).text)

    @on(TextArea.Changed)
    def typed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        self.changed(self.initial if text == self.shown else text)


class BooleanEditor(FieldEditor):
    def compose_input(self) -> ComposeResult:
        yield Checkbox("", bool(self.initial), classes="field-input")

    @on(Checkbox.Changed)
    def toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.changed(event.value)


class SelectEditor(FieldEditor):
    """A link with its allowed values inline: a select (blank = none when not required)."""

    def compose_input(self) -> ComposeResult:
        options = [(Content(clean(v.title)), v.href) for v in self.spec.options if v.href]
        current = self.initial if isinstance(self.initial, str) else None
        known = {href for _, href in options}
        if current is not None and current not in known:
            options.insert(0, (Content(clean(self.titles.get(current, current))), current))
        yield Select(
            options,
            value=current if current is not None else Select.NULL,
            # a required field with no value yet starts blank: nothing is chosen for the user
            allow_blank=current is None or not self.spec.required,
            prompt="(choose)" if self.spec.required else "(none)",
            classes="field-input",
        )

    @on(Select.Changed)
    def chosen(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        self.changed(None if value is Select.NULL else str(value))


class MultiSelectEditor(FieldEditor):
    """Several values from an inline list (multi-value list and version custom fields)."""

    def compose_input(self) -> ComposeResult:
        chosen = set(self.initial) if isinstance(self.initial, list) else set()
        selections = [
            Selection(Content(clean(v.title)), v.href, v.href in chosen)
            for v in self.spec.options
            if v.href
        ]
        yield SelectionList[str](*selections, classes="field-input")

    @on(SelectionList.SelectedChanged)
    def chosen(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.changed(list(event.selection_list.selected))


class SearchEditor(FieldEditor):
    """A link whose allowed values come from a collection: type to search the server."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "results",
            "Results",
            show=False,
            id="field.results",
            tooltip="Move into the search results",
        ),
    ]

    def __init__(
        self, spec: FieldSpec, value: Value, titles: dict[str, str], search: Search
    ) -> None:
        super().__init__(spec, value, titles)
        self.search = search
        self.selected: list[str] = (
            list(value) if isinstance(value, list) else [value] if isinstance(value, str) else []
        )

    def compose_input(self) -> ComposeResult:
        yield Static(Content(clean(self.chosen_text())), classes="field-chosen")
        yield Input(
            placeholder="type to search; enter picks, del clears",
            select_on_focus=False,
            classes="field-input",
        )
        results = OptionList(classes="field-results")
        results.display = False
        yield results

    def chosen_text(self) -> str:
        if not self.selected:
            return "(none)"
        return ", ".join(one_line(self.titles.get(h, h)) for h in self.selected)

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        self.run_search(event.value)

    @work(exclusive=True, group="field-search", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        if self.spec.options_href is None:
            return
        try:
            found = await self.search(self.spec.options_href, text.strip())
        except ApiError as error:  # shown at the field; the form stays usable
            self.show_errors([f"Could not search: {error}"])
            return
        results = self.query_one(OptionList)
        results.clear_options()
        for value in found:
            if value.href:
                self.titles[value.href] = value.title
                results.add_option(Option(Content(clean(value.title)), id=value.href))
        results.display = bool(found)

    def action_results(self) -> None:
        results = self.query_one(OptionList)
        if results.display:
            results.focus()
            if results.highlighted is None and results.option_count:
                results.highlighted = 0

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        href = event.option.id
        if href is None:
            return
        if self.spec.multi:
            if href in self.selected:
                self.selected.remove(href)
            else:
                self.selected.append(href)
            self.changed(list(self.selected))
        else:
            self.selected = [href]
            self.changed(href)
        self.query_one(".field-chosen", Static).update(Content(clean(self.chosen_text())))
        self.query_one(OptionList).display = False
        self.query_one(Input).value = ""

    def on_key(self, event: Any) -> None:
        if event.key == "delete" and self.query_one(Input).has_focus and not self.spec.required:
            self.selected = []
            self.changed([] if self.spec.multi else None)
            self.query_one(".field-chosen", Static).update(Content("(none)"))


def editor_for(
    spec: FieldSpec, value: Value, titles: dict[str, str], search: Search
) -> FieldEditor:
    """The editor for a field of the form."""
    if not spec.writable or spec.kind == "readonly":
        return ReadOnlyEditor(spec, value, titles)
    if spec.kind == "markdown":
        return MarkdownEditor(spec, value, titles)
    if spec.kind == "boolean":
        return BooleanEditor(spec, value, titles)
    if spec.kind == "select":
        return SelectEditor(spec, value, titles)
    if spec.kind == "multiselect":
        return MultiSelectEditor(spec, value, titles)
    if spec.kind in ("search", "multisearch"):
        return SearchEditor(spec, value, titles, search)
    return TextEditor(spec, value, titles)
