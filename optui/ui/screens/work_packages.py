"""The work package list of a project (subprojects included) or of every project.

Saved views are tabs; `/` searches subject or id on the server; `f` opens the filter bar;
`s` and a click on a column header sort; `b` groups. Long lists load page by page as they
scroll; grouped lists load whole (ceil(N/1000) requests) so that every group is complete.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static, Tab, Tabs

from optui.api import ApiError, InvalidInput, NotFound
from optui.api.browsing import ListPage, ListSpec
from optui.api.models import Project, SavedView, WorkPackage
from optui.ui.messages import ApiFailed, ConnectionChanged
from optui.ui.safe import clean, one_line
from optui.ui.screens.pickers import Choice, PickerScreen
from optui.ui.screens.wp_actions import WorkPackageActions
from optui.ui.widgets.filter_bar import FilterBar
from optui.ui.widgets.wp_table import COLUMNS, RowSource, WorkPackageTable, grouped_lines

LabelOf = Callable[[WorkPackage], "str | None"]
GROUPS: dict[str, tuple[str, LabelOf]] = {
    "status": ("Status", lambda wp: wp.status),
    "type": ("Type", lambda wp: wp.type),
    "assignee": ("Assignee", lambda wp: wp.assignee),
    "version": ("Version", lambda wp: wp.version),
    "priority": ("Priority", lambda wp: wp.priority),
    "project": ("Project", lambda wp: wp.project),
}
DEFAULT_TAB = "view-default"


class WorkPackagesScreen(WorkPackageActions):
    """A list of work packages with saved views, search, filters, sorting and grouping."""

    AUTO_FOCUS = "#wp-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            id="list.search",
            tooltip="Search subject or id",
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="list.filter",
            tooltip="Filter: status:open assignee:me type:Bug updatedAt:>t-7",
        ),
        Binding("s", "sort", "Sort", id="list.sort", tooltip="Sort by a column"),
        Binding("b", "group", "Group", id="list.group", tooltip="Group by a field"),
        Binding(
            "left_square_bracket",
            "view(-1)",
            "Prev view",
            key_display="[",
            id="list.previous-view",
            tooltip="Previous saved view",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "view(1)",
            "Next view",
            key_display="]",
            id="list.next-view",
            tooltip="Next saved view",
            show=False,
        ),
        Binding("n", "new", "New", id="list.new", tooltip="Create a work package here"),
        Binding("B", "board", "Board", id="list.board", tooltip="This project's board"),
        Binding("r", "refresh", "Refresh", id="list.refresh", tooltip="Reload from the server"),
        Binding("escape", "back", "Back", id="list.back", tooltip="Back"),
    ]

    def __init__(self, project: Project | None) -> None:
        super().__init__(classes="work-packages")  # no id: several lists may be stacked
        self.project = project
        title = project.name if project else "All projects"
        self.base = ListSpec.for_project(project.href, title) if project else ListSpec(title=title)
        self.spec = self.base
        self.search_text = ""
        self.views: dict[str, SavedView] = {}
        self.title_line = Static(id="list-title")
        self.tabs = Tabs(Tab("Open work packages", id=DEFAULT_TAB), id="list-views")
        self.search = Input(
            placeholder="search subject or #id, enter to apply, esc to clear",
            id="list-search",
            select_on_focus=False,
        )
        self.search.display = False  # hidden before mounting, so it never takes focus
        self.filter_bar = FilterBar()
        self.table = WorkPackageTable(id="wp-table", today=None)
        self.message_line = Static(id="list-message")
        self._loaded = False
        self._shown: ListSpec | None = None
        """The list whose rows are on screen (None before the first, or after a failure)."""

    def compose_body(self) -> ComposeResult:
        yield self.title_line
        yield self.tabs
        yield self.filter_bar
        yield self.search
        yield self.table
        yield self.message_line

    def on_mount(self) -> None:
        self.message_line.display = False
        self.table.today = self.optui.today()
        self.filter_bar.catalog_source = self.services.filter_catalog
        self._show_title(None)
        self.table.focus()
        self.load()
        self.load_views()
        self.set_interval(self.optui.refresh_seconds, self.refresh_quietly)

    # loading

    def _show_title(self, total: int | None) -> None:
        parts = [Content.styled(one_line(self.spec.title), "bold")]
        if total is not None:
            parts.append(Content(f"  {total} work package{'s' if total != 1 else ''}"))
        if self.spec.group_by:
            parts.append(Content(f"  · grouped by {GROUPS[self.spec.group_by][0].lower()}"))
        if self.search_text:
            parts.append(Content(f"  · search: {one_line(self.search_text)}"))
        self.title_line.update(Content.assemble(*parts))

    def _effective_spec(self) -> ListSpec:
        spec = self.spec
        if self.search_text:
            search = {"subjectOrId": {"operator": "**", "values": [self.search_text]}}
            spec = spec.with_filters([*spec.filters, search])
        if spec.group_by:
            # the server sorts by the group first, so each group's rows are contiguous
            sort = ((spec.group_by, "asc"), *[p for p in spec.sort_by if p[0] != spec.group_by])
            spec = ListSpec(spec.path, spec.filters_json, sort, spec.group_by, spec.title)
        return spec

    @work(exclusive=True, group="list-load", exit_on_error=False)
    async def load(self, force: bool = False) -> None:
        spec = self._effective_spec()
        keep = self.table.highlighted.href if self.table.highlighted else None
        other = spec != self._shown  # another list than the rows on screen (a view, a filter)
        if not self._loaded:
            self.table.loading = True
        try:
            if spec.group_by:
                everything = (
                    await self.services.all_pages(spec)
                    if not force
                    else (await self._reload_all(spec))
                )
                self._show_grouped(everything, spec, keep)
            else:
                if other:
                    cached = await self.services.cached_page(spec)
                    if cached is not None:  # paint the last known rows, then revalidate
                        self.table.show_source(
                            RowSource(
                                total=cached.total,
                                page_size=cached.page_size,
                                pages={1: cached.items},
                            )
                        )
                        self._shown = spec
                        self.table.loading = False
                first = await self.services.page(spec, 1, force=force)
                source = RowSource(
                    total=first.total, page_size=first.page_size, pages={1: first.items}
                )
                self.table.show_source(source, keep=keep)
                self._show_title(first.total)
            self._loaded = True
            self._shown = spec
            self.say("")
        except InvalidInput as error:
            if error.is_bad_query:
                self.filter_bar.show_error(str(error))
            else:
                self._failed(spec, error)
        except NotFound:
            self.say("This project does not exist or is not visible to you.")
        except ApiError as error:
            self._failed(spec, error)
        finally:
            self.table.loading = False

    def _failed(self, spec: ListSpec, error: ApiError) -> None:
        self.post_message(ApiFailed(error))
        if spec != self._shown:  # never leave another list's rows under this one's title
            self._shown = None
            self.table.show_failure(f"Not loaded: {error} r tries again.")

    async def _reload_all(self, spec: ListSpec) -> ListPage:
        self.services.invalidate_list(spec)
        return await self.services.all_pages(spec)

    def _show_grouped(self, page: ListPage, spec: ListSpec, keep: str | None) -> None:
        label_of = GROUPS[spec.group_by or "status"][1]
        runs: list[tuple[str, list[WorkPackage]]] = []
        for item in page.items:
            label = label_of(item) or "(none)"
            if not runs or runs[-1][0] != label:
                runs.append((label, []))
            runs[-1][1].append(item)
        source = RowSource(total=len(page.items), lines=grouped_lines(runs))
        self.table.show_source(source, keep=keep)
        self._show_title(page.total)

    @on(WorkPackageTable.PageNeeded)
    def fetch_page(self, event: WorkPackageTable.PageNeeded) -> None:
        self.load_page(event.offset)

    @work(group="list-pages", exit_on_error=False)
    async def load_page(self, offset: int) -> None:
        spec = self._effective_spec()
        try:
            page = await self.services.page(spec, offset, self.table.source.page_size)
        except ApiError as error:
            self.table.forget_request(offset)
            self.post_message(ApiFailed(error))
            return
        if spec == self._effective_spec():  # the list may have changed meanwhile
            self.table.add_page(offset, page.items, page.total)

    @work(exclusive=True, group="list-views", exit_on_error=False)
    async def load_views(self) -> None:
        try:
            views = await self.services.saved_views(self.project.id if self.project else None)
        except ApiError:
            return  # the list works without saved views
        for view in views:
            tab_id = f"view-{view.id}"
            if tab_id not in self.views:
                self.views[tab_id] = view
                label = ("★ " if view.starred else "") + one_line(view.name)
                self.tabs.add_tab(Tab(Content(clean(label)), id=tab_id))

    def refresh_quietly(self) -> None:
        """Reload quietly; the cursor stays on the same work package, focus is not moved."""
        if self.is_current and self._loaded and not self.search.has_focus:
            self.load(force=True)

    def say(self, text: str) -> None:
        self.message_line.update(Content(clean(text)))
        self.message_line.display = bool(text)

    # views, search, filters, sorting, grouping

    @on(Tabs.TabActivated)
    def switch_view(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or DEFAULT_TAB
        view = self.views.get(tab_id)
        if view is None:
            self.spec = self.base
        else:
            self.spec = ListSpec(
                self.base.path,
                json.dumps(list(view.filters)),
                view.sort_by or self.base.sort_by,
                view.group_by if view.group_by in GROUPS else None,
                f"{self.base.title} · {view.name}",
            )
        self.filter_bar.set_filters(self.spec.filters)
        if self.is_mounted:
            self.load()

    def action_view(self, step: int) -> None:
        if step < 0:
            self.tabs.action_previous_tab()
        else:
            self.tabs.action_next_tab()

    def action_search(self) -> None:
        self.search.display = True
        self.search.value = self.search_text
        self.search.focus()

    @on(Input.Submitted, "#list-search")
    def apply_search(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_text = event.value.strip().lstrip("#")
        self.search.display = bool(self.search_text)
        self.table.focus()
        self.load()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.search.has_focus:
            event.stop()
            self.search.value = ""
            self.search.display = False
            self.table.focus()
            if self.search_text:
                self.search_text = ""
                self.load()

    def action_filter(self) -> None:
        self.filter_bar.open(self.spec.filters)

    @on(FilterBar.Applied)
    def apply_filters(self, event: FilterBar.Applied) -> None:
        self.spec = self.spec.with_filters(event.filters)
        self.table.focus()
        self.load()

    @on(FilterBar.Closed)
    def filter_closed(self) -> None:
        self.table.focus()

    def action_sort(self) -> None:
        choices = [Choice(c.sort, c.label) for c in COLUMNS if c.sort]
        self.app.push_screen(PickerScreen("Sort by", choices), self._sort_chosen)

    def _sort_chosen(self, column: str | None) -> None:
        if column is not None:
            self._sort_by(column)

    @on(WorkPackageTable.SortRequested)
    def sort_from_header(self, event: WorkPackageTable.SortRequested) -> None:
        if event.column.sort:
            self._sort_by(event.column.sort)

    def _sort_by(self, column: str) -> None:
        current = self.spec.sort_by[0] if self.spec.sort_by else ("id", "desc")
        direction = "asc" if current == (column, "desc") else "desc"
        if current[0] != column:
            direction = "desc" if column in ("id", "updatedAt", "priority") else "asc"
        self.spec = self.spec.with_sort(column, direction)
        self.table.sort_column = column
        self.table.sort_descending = direction == "desc"
        self.load()

    def action_group(self) -> None:
        choices = [Choice("none", "No grouping")] + [
            Choice(key, label) for key, (label, _) in GROUPS.items()
        ]
        self.app.push_screen(PickerScreen("Group by", choices), self._group_chosen)

    def _group_chosen(self, key: str | None) -> None:
        if key is not None:
            self.spec = self.spec.with_group(None if key == "none" else key)
            self.load()

    # actions on the selected work package

    def selected_work_package(self) -> WorkPackage | None:
        return self.table.highlighted

    def after_quick_edit(self, saved: WorkPackage) -> None:
        self.load(force=True)

    def action_new(self) -> None:
        self.optui.new_work_package(self.project)

    def action_board(self) -> None:
        if self.project is None:
            self.notify("A board belongs to one project: open one first.", markup=False)
            return
        self.optui.open_board(project=self.project)

    # opening

    @on(WorkPackageTable.Opened)
    def open_work_package(self, event: WorkPackageTable.Opened) -> None:
        self.optui.open_work_package(event.work_package.href)

    def action_refresh(self) -> None:
        self.load(force=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(ConnectionChanged)
    def reload_when_back(self, event: ConnectionChanged) -> None:
        if event.online:
            self.load(force=True)
