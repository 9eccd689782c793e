"""Mentions: `@Name` for people, the server's mention tag on the wire."""

from __future__ import annotations

from optui.api.mentions import as_text, matching, mention_query, to_editor, to_markdown
from optui.api.models import User

TAG = (
    '<mention class="mention" data-id="4" data-type="user" data-text="@Chen Wei">'
    "@Chen Wei</mention>"
)


def user(uid: int, name: str, login: str) -> User:
    return User(href=f"/api/v3/users/{uid}", id=uid, name=name, login=login, email=None)


def test_round_trip_through_the_editor() -> None:
    raw = f"Ask {TAG} and user#7 about it"
    text, people = to_editor(raw)
    assert text == "Ask @Chen Wei and user#7 about it"
    assert people == {"@Chen Wei": 4}
    assert to_markdown(text, people) == raw


def test_only_whole_names_become_tags_and_a_removed_name_is_plain() -> None:
    assert to_markdown("@Chen Weiss and @Chen Wei", {"@Chen Wei": 4}) == f"@Chen Weiss and {TAG}"
    people = {"@Chen Wei": 4, "@Chen": 9}  # the longer name wins where both fit
    assert to_markdown("@Chen Wei, @Chen", people) == (
        f'{TAG}, <mention class="mention" data-id="9" data-type="user" data-text="@Chen">'
        "@Chen</mention>"
    )
    assert to_markdown("no one here", people) == "no one here"


def test_names_with_markup_or_quotes_are_escaped_in_the_tag() -> None:
    name = '@O"Brien <b>'
    tagged = to_markdown(f"hi {name}", {name: 3})
    assert 'data-text="@O&quot;Brien &lt;b&gt;"' in tagged and "<b>" not in tagged
    assert to_editor(tagged) == (f"hi {name}", {name: 3})


def test_reading_shows_the_name_and_tolerates_other_attribute_orders() -> None:
    raw = (
        '<mention data-type="user" data-id="2" class="mention">@Anna</mention> <mention>x</mention>'
    )
    assert as_text(raw) == "@Anna x"
    assert to_editor(raw)[1] == {"@Anna": 2}


def test_the_name_being_typed_is_found_before_the_cursor() -> None:
    assert mention_query("Hello @an") == "an"
    assert mention_query("@") == ""
    assert mention_query("(@chen") == "chen"
    assert mention_query("mail me at a@b") is None
    assert mention_query("@chen wei") is None


def test_matching_uses_word_starts_of_name_and_login() -> None:
    people = [user(1, "Demo User", "demo"), user(5, "Emma Larsen", "elarsen")]
    assert [u.id for u in matching(people, "em")] == [5]
    assert [u.id for u in matching(people, "LARS")] == [5]
    assert [u.id for u in matching(people, "elar")] == [5]
    assert [u.id for u in matching(people, "")] == [1, 5]
