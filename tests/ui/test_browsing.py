"""Browsing, driven by keys and the mouse against the demo server: My work, lists, the detail
view, `:wp`, the palette, themes, help and refresh. Every expectation is read back over HTTP.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static, Tab

from optui.demo import DemoServer
from optui.ui.markdown import MarkdownView
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.help import HelpScreen
from optui.ui.screens.my_work import MyWorkScreen
from optui.ui.screens.pickers import PickerScreen
from optui.ui.screens.projects import ProjectsScreen
from optui.ui.screens.work_packages import WorkPackagesScreen
from optui.ui.widgets.command_line import CommandLine
from optui.ui.widgets.filter_bar import FilterBar
from optui.ui.widgets.wp_table import GroupHeader, WorkPackageTable
from tests.conftest import TODAY, demo_client, read_json
from tests.ui.conftest import make_app, settle

OPEN = {"status": {"operator": "o", "values": []}}
ASSIGNED_TO_ME = {"assignee": {"operator": "=", "values": ["me"]}}
WATCHED_BY_ME = {"watcher": {"operator": "=", "values": ["me"]}}
BUG = {"type": {"operator": "=", "values": ["7"]}}
DEMO_PROJECT = "/api/v3/projects/1/work_packages"
DETAILED = 228
"""A user story with a description, comments, relations, "Customer" and "Story points"."""

ROW = re.compile(r"#(\d+)\s")
GROUP = re.compile(r" (.+) \((\d+)\)$")
PLAIN = re.compile(r"[A-Za-z][\w ,.'-]{10,}")

Line = int | tuple[str, int]
"""A table line as read off the screen: a work package id, or a group (label, count)."""


# reading the screen


def text_of(widget: Widget) -> str:
    return str(widget.render())


def toasts(pilot: Pilot[None]) -> list[str]:
    """The notifications on screen."""
    return [text_of(toast) for toast in pilot.app.screen.query("Toast")]


def table_of(pilot: Pilot[None]) -> WorkPackageTable:
    return pilot.app.screen.query_one(WorkPackageTable)


def drawn(table: WorkPackageTable) -> list[str]:
    """The table's lines as drawn: the header line, then every row in view."""
    height = table.scrollable_content_region.height
    return [table.render_line(y).text.rstrip() for y in range(height)]


def parse(text: str) -> Line | None:
    row = ROW.match(text)
    if row:
        return int(row.group(1))
    group = GROUP.match(text)
    return (group.group(1), int(group.group(2))) if group else None


def lines_in_view(table: WorkPackageTable) -> list[Line]:
    return [line for text in drawn(table)[1:] if (line := parse(text)) is not None]


def ids_in_view(table: WorkPackageTable) -> list[int]:
    return [line for line in lines_in_view(table) if isinstance(line, int)]


def row_text(table: WorkPackageTable, wp_id: int) -> str:
    found = [text for text in drawn(table)[1:] if parse(text) == wp_id]
    assert found, f"#{wp_id} is not on screen"
    return found[0]


async def every_line(pilot: Pilot[None], table: WorkPackageTable) -> list[Line]:
    """Every line of the table, read off the screen a page at a time (g, then pagedown)."""
    await pilot.press("g")
    seen: dict[int, Line] = {}
    for index in range(table.scroll_offset.y):
        # `g` may leave the first group's header just above the view (see the xfail test)
        entry = table.source.line(index)
        if isinstance(entry, GroupHeader):
            seen[index] = (entry.label, entry.count)
        elif entry is not None and entry.id is not None:
            seen[index] = entry.id
    for _ in range(50):
        top = table.scroll_offset.y
        for y, text in enumerate(drawn(table)[1:]):
            line = parse(text)
            if line is not None:
                seen[top + y] = line
        if table.cursor >= table.source.count - 1:
            break
        await pilot.press("pagedown")
    return [seen[index] for index in sorted(seen)]


def detail_text(screen: DetailScreen, selector: str) -> str:
    return text_of(screen.query_one(selector, Static))


def activity_of(screen: DetailScreen) -> str:
    """The activity timeline as shown: entry heads and rendered comments, in order."""
    parts: list[str] = []
    for widget in screen.query_one("#detail-activity").children:
        if isinstance(widget, MarkdownView):
            parts.append(markdown_text(widget))
        elif isinstance(widget, Static):
            parts.append(text_of(widget))
    return "\n".join(parts)


def markdown_text(view: MarkdownView) -> str:
    """Every visible leaf of a markdown view, in document order."""
    parts = [
        str(widget.visual) if isinstance(widget, Static) else str(widget.render())
        for widget in view.query("*")
        if widget.display and not widget.children and not isinstance(widget, Button)
    ]
    return "\n".join(part for part in parts if part)


# reading the server


def elements(demo: DemoServer, path: str, **params: Any) -> list[dict[str, Any]]:
    body = read_json(demo, path, pageSize=1000, **params)
    items = body["_embedded"]["elements"]
    assert len(items) == body["total"], "more than one page; the test expects one"
    return list(items)


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [int(item["id"]) for item in items]


def total(demo: DemoServer, path: str, filters: list[Any], **params: Any) -> int:
    return int(read_json(demo, path, filters=filters, pageSize=1, **params)["total"])


def saved_view(demo: DemoServer, name: str) -> list[int]:
    """The ids a saved view of the Demo project shows, from the query's own results link."""
    queries = elements(
        demo, "/api/v3/queries", filters=[{"project": {"operator": "=", "values": ["1"]}}]
    )
    (query,) = [q for q in queries if q["name"] == name]
    results = urlsplit(query["_links"]["results"]["href"])
    params = dict(parse_qsl(results.query))
    params["pageSize"] = "1000"
    return ids(read_json(demo, results.path, **params)["_embedded"]["elements"])


def patch_work_package(demo: DemoServer, wp_id: int, body: dict[str, Any]) -> None:
    path = f"/api/v3/work_packages/{wp_id}"
    with demo_client(demo) as client:
        lock = client.get(path).json()["lockVersion"]
        response = client.patch(path, json={"lockVersion": lock, **body})
    assert response.status_code == 200, response.text


# driving the app


async def command(pilot: Pilot[None], line: str) -> None:
    await pilot.press("colon", *line, "enter")
    await settle(pilot)


async def open_demo_project(pilot: Pilot[None], typed: bool = False) -> WorkPackagesScreen:
    """The Demo project's list: `:project demo-project` (completed with tab), or `p` and
    enter on the first project of the tree (fewer keys: every key costs a repaint)."""
    await settle(pilot)
    if typed:
        await pilot.press("colon", *"pro", "tab", *"demo", "tab")
        assert pilot.app.screen.query_one(CommandLine).value == "project demo-project"
        await pilot.press("enter")
        await settle(pilot)
    else:
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WorkPackagesScreen)
    assert screen.project is not None and screen.project.identifier == "demo-project"
    return screen


async def pick(pilot: Pilot[None], label: str) -> None:
    """In an open picker, move down to `label` and choose it with enter."""
    assert isinstance(pilot.app.screen, PickerScreen)
    options = pilot.app.screen.query_one(OptionList)
    for _ in range(options.option_count):
        option = options.highlighted_option
        if option is not None and str(option.prompt) == label:
            break
        await pilot.press("down")
    chosen = options.highlighted_option
    assert chosen is not None and str(chosen.prompt) == label
    await pilot.press("enter")
    await settle(pilot)


def title_of(screen: WorkPackagesScreen) -> str:
    return text_of(screen.query_one("#list-title", Static))


# 1. My work


def due_of(item: dict[str, Any]) -> str | None:
    """The due date; a milestone has one `date` instead of start and due dates."""
    return item.get("dueDate") or item.get("date")


async def test_my_work_groups_by_due_date_as_the_server_says(demo: DemoServer) -> None:
    assigned = elements(demo, "/api/v3/work_packages", filters=[OPEN, ASSIGNED_TO_ME])
    mine = set(ids(assigned))
    watched = [
        item
        for item in elements(demo, "/api/v3/work_packages", filters=[OPEN, WATCHED_BY_ME])
        if item["id"] not in mine
    ]
    assert TODAY.weekday() == 0  # a Monday: this week runs to TODAY + 6 days

    def bucket(item: dict[str, Any]) -> str:
        text = due_of(item)
        if not text:
            return "No date"
        due = dt.date.fromisoformat(text)
        if due < TODAY:
            return "Overdue"
        return "Due this week" if due <= TODAY + dt.timedelta(days=6) else "Later"

    groups: dict[str, list[dict[str, Any]]] = {
        "Overdue": [],
        "Due this week": [],
        "Later": [],
        "No date": [],
    }
    for item in assigned:
        groups[bucket(item)].append(item)
    expected: list[Line] = []
    for name, items in [*groups.items(), ("Watching", watched)]:
        assert items, f"the seed should fill {name!r}"
        if name != "Watching":
            items = sorted(items, key=lambda wp: (due_of(wp) or "9999", wp["id"]))
        expected += [(name, len(items)), *ids(items)]
    unread = read_json(
        demo,
        "/api/v3/notifications",
        filters=[{"readIAN": {"operator": "=", "values": ["f"]}}],
        pageSize=1,
    )["total"]

    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MyWorkScreen)
        table = table_of(pilot)
        assert await every_line(pilot, table) == expected
        summary = text_of(screen.query_one("#my-summary", Static))
        assert f"{len(assigned)} assigned, {len(watched)} watched" in summary
        assert f"{unread} unread notifications" in summary

        await pilot.press("g", "j", "j")  # the third overdue work package
        third = expected[3]  # after the "Overdue" line
        assert isinstance(third, int)
        assert table.highlighted is not None and table.highlighted.id == third
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        subject = read_json(demo, f"/api/v3/work_packages/{third}")["subject"]
        assert detail_text(detail, "#detail-header").splitlines()[0] == subject


async def test_g_shows_the_first_group_header(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        table = table_of(pilot)
        first = drawn(table)[1]
        assert GROUP.match(first) and first.startswith(" Overdue (")
        await pilot.press("pagedown", "pagedown", "g")
        assert table.cursor == 1  # the first work package, under its header
        assert drawn(table)[1] == first


# 2. :wp


async def go_to(pilot: Pilot[None], origin: str) -> Widget:
    await settle(pilot)
    if origin == "list":
        await open_demo_project(pilot)
    elif origin == "tree":
        await pilot.press("p")
        await settle(pilot)
    return pilot.app.screen


@pytest.mark.parametrize(
    ("origin", "kind"),
    [("my", MyWorkScreen), ("list", WorkPackagesScreen), ("tree", ProjectsScreen)],
)
async def test_wp_command_opens_the_detail_and_escape_goes_back(
    demo: DemoServer, origin: str, kind: type[Widget]
) -> None:
    subject = read_json(demo, "/api/v3/work_packages/42")["subject"]
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        before = await go_to(pilot, origin)
        assert isinstance(before, kind)
        await command(pilot, "wp 42")
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        header = detail_text(detail, "#detail-header")
        assert header.splitlines()[0] == subject
        assert "#42" in header and header.rstrip().endswith("/work_packages/42")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is before


async def test_wp_command_explains_a_bad_number_and_an_unknown_one(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        assert client.get("/api/v3/work_packages/999999").status_code == 404
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await command(pilot, "wp abc")
        assert isinstance(pilot.app.screen, MyWorkScreen)
        assert "'abc' is not a work package number." in toasts(pilot)

        await command(pilot, "wp 999999")
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        assert detail_text(detail, "#detail-header") == "Not found"
        notice = detail_text(detail, "#detail-notice")
        assert "does not exist or is not visible" in notice


# 3. Lists


async def test_project_list_shows_the_servers_open_work_packages(demo: DemoServer) -> None:
    expected_total = total(demo, DEMO_PROJECT, [OPEN])
    body = read_json(demo, DEMO_PROJECT, filters=[OPEN], sortBy=[["id", "desc"]], pageSize=100)
    first = ids(body["_embedded"]["elements"])
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot, typed=True)
        assert title_of(screen) == f"Demo project  {expected_total} work packages"
        shown = ids_in_view(screen.table)
        assert len(shown) > 20 and shown == first[: len(shown)]


async def test_search_by_subject_word_and_by_id(demo: DemoServer) -> None:
    def matching(text: str) -> list[int]:
        search = {"subjectOrId": {"operator": "**", "values": [text]}}
        return ids(elements(demo, DEMO_PROJECT, filters=[OPEN, search], sortBy=[["id", "desc"]]))

    by_word, by_id = matching("payment"), matching("81")
    assert 1 < len(by_word) < 30 and by_id == [81]
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        everything = ids_in_view(screen.table)

        await pilot.press("slash", *"payment", "enter")
        await settle(pilot)
        assert ids_in_view(screen.table) == by_word
        assert title_of(screen).endswith(f"{len(by_word)} work packages  · search: payment")

        await pilot.press("slash", "home", "ctrl+k", *"#81", "enter")
        await settle(pilot)
        assert ids_in_view(screen.table) == [81]

        await pilot.press("slash", "escape")  # clears the search
        await settle(pilot)
        assert ids_in_view(screen.table) == everything


async def test_filter_bar_narrows_to_my_bugs(demo: DemoServer) -> None:
    expected = ids(
        elements(demo, DEMO_PROJECT, filters=[OPEN, BUG, ASSIGNED_TO_ME], sortBy=[["id", "desc"]])
    )
    assert expected
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        await pilot.press("f")
        await settle(pilot)  # the values for completion come from the server
        await pilot.press("end", *"type:Bug assignee:me", "enter")
        await settle(pilot)
        assert ids_in_view(screen.table) == expected
        assert all(" Bug " in row_text(screen.table, i) for i in expected)
        assert all("Demo User" in row_text(screen.table, i) for i in expected)
        assert f"{len(expected)} work packages" in title_of(screen)


async def test_a_misspelt_filter_suggests_the_field_and_keeps_the_rows(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        before, title = ids_in_view(screen.table), title_of(screen)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("home", "ctrl+k", *"stauts:open", "enter")
        await settle(pilot)
        bar = screen.query_one(FilterBar)
        error = text_of(bar.query_one("#filter-error", Static))
        assert bar.display and "did you mean" in error.lower() and "status" in error
        assert bar.query_one("#filter-input", Input).value == "stauts:open"  # kept
        shown = ids_in_view(screen.table)  # fewer lines: the bar takes room
        assert len(shown) > 10 and shown == before[: len(shown)]
        assert title_of(screen) == title


def server_order(demo: DemoServer, column: str, direction: str) -> list[int]:
    return ids(elements(demo, DEMO_PROJECT, filters=[OPEN], sortBy=[[column, direction]]))


async def test_sort_picker_and_header_clicks_sort_by_subject(demo: DemoServer) -> None:
    ascending = server_order(demo, "subject", "asc")
    descending = server_order(demo, "subject", "desc")

    async def first_rows() -> list[int]:
        await settle(pilot)
        await pilot.press("g")  # the cursor stayed on its work package, further down
        shown = ids_in_view(table)
        assert len(shown) > 20
        return shown

    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        table = screen.table
        await pilot.press("s")
        await pick(pilot, "Subject")
        shown = await first_rows()
        assert shown == ascending[: len(shown)]
        assert "Subject ▲" in drawn(table)[0]

        header = drawn(table)[0]
        x = header.index("Subject") + 2
        await pilot.click(WorkPackageTable, offset=(x, 0))  # the same column: reversed
        shown = await first_rows()
        assert shown == descending[: len(shown)]
        assert "Subject ▼" in drawn(table)[0]
        await pilot.click(WorkPackageTable, offset=(x, 0))
        shown = await first_rows()
        assert shown == ascending[: len(shown)]

        await pilot.click(WorkPackageTable, offset=(header.index("ID") + 1, 0))
        shown = await first_rows()
        assert shown == server_order(demo, "id", "desc")[: len(shown)]


async def test_group_by_status_counts_match_the_server(demo: DemoServer) -> None:
    body = read_json(demo, DEMO_PROJECT, filters=[OPEN], groupBy="status", pageSize=1)
    expected = [(group["value"], group["count"]) for group in body["groups"]]
    assert len(expected) > 3
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        await pilot.press("b")
        await pick(pilot, "Status")
        assert "grouped by status" in title_of(screen)
        lines = await every_line(pilot, screen.table)
        assert [line for line in lines if isinstance(line, tuple)] == expected
        assert sum(isinstance(line, int) for line in lines) == body["total"]


async def test_saved_views_are_tabs_and_brackets_cycle_through_them(demo: DemoServer) -> None:
    bugs, tasks = saved_view(demo, "Bugs"), saved_view(demo, "My open tasks")
    everything = total(demo, DEMO_PROJECT, [OPEN])
    assert bugs and tasks
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        table = screen.table
        labels = [str(tab.label) for tab in screen.query(Tab)]
        assert labels[:3] == ["Open work packages", "Bugs", "★ My open tasks"]
        assert "Anna's notes" not in labels  # someone else's private view

        (tab,) = [t for t in screen.query(Tab) if str(t.label) == "Bugs"]
        await pilot.click(tab)
        await settle(pilot)
        assert title_of(screen) == f"Demo project · Bugs  {len(bugs)} work packages"
        assert ids_in_view(table) == bugs
        assert all(" Bug " in row_text(table, i) for i in bugs)

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert title_of(screen) == f"Demo project · My open tasks  {len(tasks)} work packages"
        assert ids_in_view(table) == tasks[: len(ids_in_view(table))]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert ids_in_view(table) == bugs
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert title_of(screen) == f"Demo project  {everything} work packages"


async def test_r_reloads_the_list_from_the_server(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        before = ids_in_view(screen.table)
        closed = before[2]
        patch_work_package(demo, closed, {"_links": {"status": {"href": "/api/v3/statuses/12"}}})
        await pilot.press("r")
        await settle(pilot)
        now = total(demo, DEMO_PROJECT, [OPEN])
        assert closed not in ids_in_view(screen.table)
        assert title_of(screen) == f"Demo project  {now} work packages"
        assert ids_in_view(screen.table)[:5] == [i for i in before if i != closed][:5]


async def test_escape_goes_back_to_where_the_list_was_opened(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await open_demo_project(pilot, typed=True)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyWorkScreen)

        await pilot.press("p")
        await settle(pilot)
        tree = pilot.app.screen
        assert isinstance(tree, ProjectsScreen)
        await pilot.press("enter")  # the selected project: Demo project
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, WorkPackagesScreen)
        assert opened.project is not None and opened.project.identifier == "demo-project"
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is tree


# 4. Detail


async def open_detail(pilot: Pilot[None], wp_id: int) -> DetailScreen:
    await settle(pilot)
    await command(pilot, f"wp {wp_id}")
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    return screen


def field_values(screen: DetailScreen) -> dict[str, str]:
    """The field list as label -> value, as drawn."""
    found: dict[str, str] = {}
    for line in detail_text(screen, "#detail-fields").splitlines():
        label, _, value = line.partition("  ")
        found[label.strip()] = value.strip()
    return found


async def test_detail_shows_schema_fields_description_activity_and_relations(
    demo: DemoServer,
) -> None:
    path = f"/api/v3/work_packages/{DETAILED}"
    work_package = read_json(demo, path)
    schema = read_json(demo, work_package["_links"]["schema"]["href"])
    custom = {  # label from the schema -> value as the screen writes it
        schema[key]["name"]: ("Yes" if value else "No") if isinstance(value, bool) else str(value)
        for key, value in work_package.items()
        if key.startswith("customField") and isinstance(value, str | int | float)
    }
    custom |= {
        schema[key]["name"]: link["title"]
        for key, link in work_package["_links"].items()
        if key.startswith("customField") and isinstance(link, dict) and link.get("href")
    }
    assert {"Customer", "Story points"} <= set(custom)
    comments = [
        activity["comment"]["raw"]
        for activity in elements(demo, f"{path}/activities")
        if activity["comment"]["raw"]
    ]
    relations = elements(
        demo,
        "/api/v3/relations",
        filters=[{"involved": {"operator": "=", "values": [str(DETAILED)]}}],
    )
    others = [
        link["title"]
        for relation in relations
        for link in (relation["_links"]["from"], relation["_links"]["to"])
        if link["href"] != path
    ]
    said = [  # a comment line without markdown: the same however it is rendered
        line for comment in comments for line in comment.splitlines() if PLAIN.fullmatch(line)
    ]
    assert said and others
    description = work_package["description"]["raw"]
    sentence = next(line for line in description.splitlines() if "**" in line)

    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_detail(pilot, DETAILED)
        assert detail_text(screen, "#detail-header").splitlines()[0] == work_package["subject"]
        fields = field_values(screen)
        for name, value in custom.items():
            assert fields.get(name) == value, name
        assert fields["Type"] == work_package["_links"]["type"]["title"]
        assert fields["Status"] == work_package["_links"]["status"]["title"]

        shown = markdown_text(screen.description)
        assert sentence.replace("**", "") in shown  # rendered: bold, without the markers
        assert "**" not in shown and "## Goal" not in shown and "Goal" in shown

        activity = activity_of(screen)
        assert said[0] in activity
        relations_text = detail_text(screen, "#detail-relations")
        assert all(title in relations_text for title in others)


async def test_comments_in_the_activity_are_rendered_as_markdown(demo: DemoServer) -> None:
    comments = [
        activity["comment"]["raw"]
        for activity in elements(demo, "/api/v3/work_packages/1/activities")
        if "```" in activity["comment"]["raw"]
    ]
    assert comments, "the seed should have a comment with a code block on #1"
    code = comments[0].split("```")[1].splitlines()[1]  # the line inside the fence
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_detail(pilot, 1)
        activity = activity_of(screen)
        assert code in activity
        assert "```" not in activity and "`" not in activity


async def test_y_copies_and_o_opens_the_web_url(
    demo: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo)
    copied: list[str] = []
    opened: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_detail(pilot, DETAILED)
        url = f"{demo.url}/work_packages/{DETAILED}"
        await pilot.press("y")
        await pilot.pause()
        assert copied == [url]
        assert f"Copied {url}" in toasts(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == [url]


# 5. Palette and themes


async def test_palette_opens_a_project_by_name(demo: DemoServer) -> None:
    expected = total(demo, "/api/v3/projects/2/work_packages", [OPEN])
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Scrum project")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, WorkPackagesScreen)
        assert screen.project is not None and screen.project.identifier == "your-scrum-project"
        assert title_of(screen) == f"Scrum project  {expected} work packages"


async def theme(pilot: Pilot[None], name: str) -> None:
    """`:theme <name>`, the command word completed with tab (every key costs a repaint)."""
    await pilot.press("colon", "t", "tab", *name)
    assert pilot.app.screen.query_one(CommandLine).value == f"theme {name}"
    await pilot.press("enter")
    await settle(pilot)


async def test_theme_command_switches_and_rejects_unknown_names(demo: DemoServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "optui-dark"
        await theme(pilot, "light")
        assert app.theme == "optui-light"
        await theme(pilot, "ansi")
        assert app.theme == "ansi-dark"
        await theme(pilot, "nope")
        assert app.theme == "ansi-dark"
        assert any(message.startswith("Unknown theme 'nope'") for message in toasts(pilot))


# 6. Help


async def help_text(pilot: Pilot[None]) -> str:
    await pilot.press("question_mark")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    text = text_of(screen.query_one("#help-body Static", Static))
    await pilot.press("escape")
    await pilot.pause()
    return text


async def test_help_lists_the_screens_keys_and_the_commands(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        mine = await help_text(pilot)
        assert "Keys: MyWork" in mine and "Search subject or id" not in mine
        await open_demo_project(pilot)
        listed = await help_text(pilot)
        assert "Keys: WorkPackages" in listed
        assert "Search subject or id" in listed and "Filter: status:open" in listed
        for text in (mine, listed):
            assert ":wp <id>" in text and ":project <identifier>" in text
            assert ":theme <name>" in text and ":quit, :q, :exit" in text


# 7. Refresh keeps the cursor


async def test_refresh_keeps_the_cursor_on_the_same_work_package(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        table = screen.table
        await pilot.press(*"jjjjj")
        chosen = table.highlighted
        assert chosen is not None and chosen.id == ids_in_view(table)[5]
        assert chosen.id is not None
        above = ids_in_view(table)[1]
        patch_work_package(demo, chosen.id, {"subject": "Renamed on the server"})
        patch_work_package(demo, above, {"_links": {"status": {"href": "/api/v3/statuses/12"}}})
        await pilot.press("r")
        await settle(pilot)
        assert above not in ids_in_view(table)  # a row above went away
        assert table.highlighted is not None and table.highlighted.id == chosen.id
        assert table.cursor == 4
        assert "Renamed on the server" in row_text(table, chosen.id)


# 8. Mouse


async def test_click_highlights_a_row_and_a_second_click_opens_it(demo: DemoServer) -> None:
    async with make_app(demo).run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_demo_project(pilot)
        target = ids_in_view(screen.table)[3]
        await pilot.click(WorkPackageTable, offset=(20, 4))  # line 0 is the header
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.table.highlighted is not None and screen.table.highlighted.id == target
        await pilot.click(WorkPackageTable, offset=(20, 4))
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen)
        subject = read_json(demo, f"/api/v3/work_packages/{target}")["subject"]
        assert detail_text(detail, "#detail-header").splitlines()[0] == subject


async def test_two_lists_and_two_boards_can_be_stacked(demo: DemoServer) -> None:
    """Screens that can be opened more than once carry no id (Textual wants ids unique)."""
    from optui.ui.screens.board import BoardScreen
    from optui.ui.screens.work_packages import WorkPackagesScreen

    async with make_app(demo).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for identifier in ("demo-project", "your-scrum-project"):
            await pilot.press("colon", *f"project {identifier}", "enter")
            await settle(pilot)
            await pilot.press("colon", *"board", "enter")
            await settle(pilot)
        stack = pilot.app.screen_stack
        assert sum(isinstance(s, WorkPackagesScreen) for s in stack) == 2
        boards = [s for s in stack if isinstance(s, BoardScreen)]
        assert [b.project.identifier for b in boards] == ["demo-project", "your-scrum-project"]
