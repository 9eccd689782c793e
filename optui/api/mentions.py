"""User mentions in OpenProject's markdown.

The web UI writes a mention as an inline tag, which the server reads to notify the user:
`<mention class="mention" data-id="4" data-type="user" data-text="@Chen Wei">@Chen Wei</mention>`.
People should not type or read that: in an editor a mention is just `@Chen Wei`, and a map from
that text to the user id turns it back into the tag when the comment is sent.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from optui.api.models import User

_TAG = re.compile(r"<mention\b([^>]*)>(.*?)</mention>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def _attributes(raw: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(raw)}


def to_editor(raw: str) -> tuple[str, dict[str, int]]:
    """Markdown as a person edits it (tags become `@Name`), and the user id of each mention."""
    people: dict[str, int] = {}

    def plain(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        text = html.unescape(match.group(2)).strip() or attributes.get("data-text", "")
        if (
            attributes.get("data-type", "user") == "user"
            and attributes.get("data-id", "").isdigit()
        ):
            people[text] = int(attributes["data-id"])
        return text

    return _TAG.sub(plain, raw), people


def as_text(raw: str) -> str:
    """Markdown for reading: each mention tag shown as the text inside it (`@Name`)."""
    return to_editor(raw)[0]


def to_markdown(text: str, people: Mapping[str, int]) -> str:
    """Turn each `@Name` of `people` that is still in `text` into a mention tag."""
    names = sorted((name for name in people if name.startswith("@") and len(name) > 1), key=len)
    if not names:
        return text
    alternatives = "|".join(re.escape(name) for name in reversed(names))  # longest first
    pattern = re.compile(f"(?:{alternatives})(?!\\w)")

    def tag(match: re.Match[str]) -> str:
        name = match.group(0)
        shown = html.escape(name, quote=True)
        return (
            f'<mention class="mention" data-id="{people[name]}" data-type="user" '
            f'data-text="{shown}">{shown}</mention>'
        )

    return pattern.sub(tag, text)


def mention_query(line: str) -> str | None:
    """The partial name after an `@` that ends `line` (the text before the cursor), if any."""
    match = re.search(r"(?:^|[\s(])@([^\s@]{0,40})$", line)
    return match.group(1) if match else None


def matching(people: Sequence[User], query: str) -> list[User]:
    """People whose name (any word of it) or login starts with `query`, ignoring case."""
    wanted = query.casefold().strip()
    found = []
    for user in people:
        words = [*user.name.casefold().split(), (user.login or "").casefold()]
        if not wanted or any(word.startswith(wanted) for word in words if word):
            found.append(user)
    return found
