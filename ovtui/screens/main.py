"""The main screen: header, tab bar, the nine main tabs, search/command bar, events and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from ovtui.actions.base import Action
from ovtui.actions.browse import MAIN_TABS
from ovtui.actions.registry import NOUNS, resolve_noun
from ovtui.widgets.events_pane import EventsPane
from ovtui.widgets.footer import Footer
from ovtui.widgets.header import EngineHeader, tab_bar
from ovtui.widgets.resource_view import ResourceView
from ovtui.widgets.search_bar import SearchBar
from ovtui.widgets.tasks_pane import Task, TaskEnded, TasksPane

from .verbs import VerbHost, verb_bindings

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from ovtui.search_complete import Vocabulary

SHORT = {
    "datacenter": "DCs",
    "cluster": "Clusters",
    "host": "Hosts",
    "vm": "VMs",
    "storagedomain": "Storage",
    "event": "Events",
    "template": "Templates",
    "disk": "Disks",
    "network": "Networks",
    "vmpool": "Pools",
}


TINY = {
    "datacenter": "DC",
    "cluster": "Clu",
    "host": "Hosts",
    "vm": "VMs",
    "storagedomain": "Stor",
    "event": "Events",
    "template": "Tpl",
    "disk": "Disks",
    "network": "Nets",
    "vmpool": "Pools",
}


# the screen's actions that work on the shown tab's view (see MainScreen.check_action)
ON_VIEW = frozenset({"search", "page", "sort", "reload", "advanced", "escape", "verb"})


class MainScreen(VerbHost, Screen):
    DEFAULT_CSS = """
    MainScreen #bar-hint { height: 1; padding: 0 1; background: $boost; }
    """

    BINDINGS = [
        *[
            Binding(str(i + 1), f"tab('{n}')", SHORT[n], show=False)
            for i, n in enumerate(MAIN_TABS[:9])  # 1..9; Pools (the 10th) by :pools
        ],
        Binding("0", "app.show_dashboard", "Dashboard", show=False),
        Binding("slash", "search", "Search"),
        Binding("colon", "command", "Cmd", show=False),
        Binding("right_square_bracket", "page(1)", "Next pg"),
        Binding("left_square_bracket", "page(-1)", "Prev pg"),
        Binding("o", "sort", "Sort"),
        Binding("e", "toggle_events", "Events"),
        Binding("t", "toggle_tasks", "Tasks"),
        Binding("p", "app.pause", "Pause"),
        Binding("ctrl+r", "reload", "Refresh", show=False),
        Binding("a", "advanced", "Advanced", show=False),
        Binding("escape", "escape", "Back", show=False),
        Binding("question_mark", "app.help", "Keys"),
        Binding("q", "app.quit", "Quit"),
        *verb_bindings(),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current = "vm"
        self.bar_mode = "search"
        self._tags: list[str] = []
        self._tags_asked = False
        self._mounting: dict[str, AwaitMount] = {}  # views being mounted (show_tab)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that work on the shown tab's table wait, shown but off, while the view of
        a tab shown for the first time is being mounted (keys typed ahead of it)."""
        allowed = super().check_action(action, parameters)
        if allowed and action in ON_VIEW and self.current in self._mounting:
            return None
        return allowed

    def compose(self) -> ComposeResult:
        yield EngineHeader(id="header")
        yield Static("", id="tabbar")
        with Horizontal(id="body"):
            with Vertical(id="main-col"):
                with ContentSwitcher(initial=f"view-{self.current}", id="views"):
                    # the other tabs' views are made when first shown (show_tab): the
                    # first screen is drawn sooner without them (issue 14)
                    yield ResourceView(self.current, id=f"view-{self.current}")
                yield EventsPane(id="events-pane", classes="hidden")
            yield TasksPane(id="tasks-pane", classes="hidden")
        yield Static("", id="bar-hint", classes="hidden")
        yield SearchBar(id="command-bar", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.show_tab(self.current)

    def on_resize(self) -> None:
        self.query_one("#tabbar", Static).update(self.tabbar_text())

    # ------------------------------------------------------------------ tabs
    @property
    def view(self) -> ResourceView:
        return self.query_one(f"#view-{self.current}", ResourceView)

    def tabbar_text(self) -> str:
        """``0 Dashboard`` and every main tab, with the labels the width allows."""
        return tab_bar(MAIN_TABS, self.current, self.size.width, SHORT, TINY)

    def show_tab(self, noun: str, search: str | None = None) -> None:
        verbs_change = noun != self.current
        self.current = noun
        mounting = self._ensure_view(noun)
        self.query_one("#views", ContentSwitcher).current = f"view-{noun}"
        self.query_one("#tabbar", Static).update(self.tabbar_text())
        if mounting is not None:
            self.call_next(self._show_mounted, mounting, noun, search)
        else:
            self._show_view(self.view, search)
        if verbs_change:
            self.refresh_bindings()  # the footer shows this noun's verb keys

    def _ensure_view(self, noun: str) -> AwaitMount | None:
        """The tab's view, mounted (hidden until shown) the first time it is asked for;
        the mount to wait for before its table can be used, or None when it was there."""
        if noun in self._mounting:
            return self._mounting[noun]
        try:
            self.query_one(f"#view-{noun}", ResourceView)
            return None
        except NoMatches:
            view = ResourceView(noun, id=f"view-{noun}")
            view.display = False  # the switcher shows it
            mounting = self._mounting[noun] = self.query_one("#views", ContentSwitcher).mount(view)
            return mounting

    async def _show_mounted(self, mounting: AwaitMount, noun: str, search: str | None) -> None:
        await mounting
        self._mounting.pop(noun, None)
        self.refresh_bindings()  # the table's keys are on again
        if self.current == noun:
            self._show_view(self.view, search)
        else:  # another tab was asked for meanwhile: this one loads when shown
            view = self.query_one(f"#view-{noun}", ResourceView)
            if search is not None:
                view.search = search

    def _show_view(self, view: ResourceView, search: str | None) -> None:
        if search is not None and search != view.search:
            view.set_query(search=search)
        elif not view.loaded_once or view.due():
            view.reload()
        view.table.focus()

    def action_tab(self, noun: str) -> None:
        self.show_tab(noun)

    def action_page(self, delta: int) -> None:
        view = self.view
        if delta < 0 and view.page == 1:
            return
        if delta > 0 and view.loaded_once and len(view.objects) < self.app.browser.page_size:
            self.notify("This is the last page.")
            return
        view.set_query(page=view.page + delta)

    def action_sort(self) -> None:
        """``o`` cycles: first column ascending, descending, next column..., engine order."""
        view = self.view
        view.cycle_sort()
        sort = view.sort_text()
        self.notify(f"Sorted: {sort[6:]}" if sort else "Engine order", timeout=2)

    def action_reload(self) -> None:
        self.view.reload()

    def action_advanced(self) -> None:
        if self.current == "event":
            self.view.toggle_advanced()

    def action_escape(self) -> None:
        bar = self.query_one("#command-bar", SearchBar)
        if not bar.has_class("hidden"):
            self._hide_bar()
        elif self.view.table.marks:
            self.clear_marks()

    def clear_marks(self) -> None:
        self.view.table.clear_marks()

    # ------------------------------------------------------------------ search and command bar
    def action_search(self) -> None:
        self._show_bar(
            "search",
            self.view.search,
            f"search {NOUNS[self.current].plural} (engine syntax, enter applies, escape cancels)",
        )

    def action_command(self) -> None:
        self._show_bar("command", "", ":TAB [search]   e.g. vms web*   hosts status=maintenance")

    def _show_bar(self, mode: str, value: str, placeholder: str) -> None:
        self.bar_mode = mode
        bar = self.query_one("#command-bar", SearchBar)
        bar.placeholder = placeholder
        bar.remove_class("hidden")
        bar.open(mode, self.current, value, self.vocabulary(), list(self.app.bookmarks()))
        bar.border_title = "/" if mode == "search" else ":"
        bar.focus()
        self._fetch_tags()

    def vocabulary(self) -> Vocabulary:
        """The values the bar completes: names ovtui has seen, the tab's rows, tags."""
        from ovtui.search_complete import Vocabulary

        names: dict[str, list[str]] = {}
        for kind, objs in self.app.browser.cached_names().items():
            names[kind] = [o.name for o in objs.values() if getattr(o, "name", None)]
        rows = [o.name for o in self.view.objects.values() if getattr(o, "name", None)]
        names[self.current] = sorted(set(names.get(self.current, []) + rows))
        names["tag"] = list(self._tags)
        return Vocabulary(names)

    @work(thread=True, exclusive=True, group="tags", exit_on_error=False)
    def _fetch_tags(self) -> None:
        """The engine's tags, once a session, for completing ``tag=``."""
        if self._tags_asked:
            return
        self._tags_asked = True
        from ovtui.actions.dashboard import tag_names

        with self.app.browser.pool.lease() as conn:
            tags = tag_names(conn)
        self.app.call_from_thread(self._set_tags, tags)

    def _set_tags(self, tags: list[str]) -> None:
        self._tags = tags
        bar = self.query_one("#command-bar", SearchBar)
        if not bar.has_class("hidden"):
            bar.vocab.names["tag"] = list(tags)

    def _hide_bar(self) -> None:
        bar = self.query_one("#command-bar", SearchBar)
        bar.add_class("hidden")
        self.query_one("#bar-hint", Static).add_class("hidden")
        if self.current not in self._mounting:
            self.view.table.focus()

    @on(Input.Submitted, "#command-bar")
    def _bar_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.query_one("#command-bar", SearchBar).remember(text)
        self._hide_bar()
        if self.bar_mode == "search":
            if self.current in self._mounting:
                self.show_tab(self.current, text)  # applied once the view is mounted
            else:
                self.view.set_query(search=text)
            return
        self.run_command(text)

    def run_command(self, text: str) -> None:
        """``:vms web*`` switches tab with a search; ``:bookmark NAME`` opens a bookmark."""
        text = text.lstrip(":").strip()
        if not text:
            return
        word, _, rest = text.partition(" ")
        if word in ("q", "quit"):
            self.app.exit()
            return
        if word in ("dashboard", "dash"):
            self.app.show_dashboard()
            return
        noun = resolve_noun(word)
        from .noun_table import NounTableScreen, listable

        if noun is not None and noun.name not in MAIN_TABS and listable(noun.name):
            self.app.push_screen(NounTableScreen(noun.name, rest.strip()))  # :tags, :quotas...
            return
        if noun is None or noun.name not in MAIN_TABS:
            bm = self.app.bookmarks().get(text)
            if bm:
                self.open_bookmark(bm)
                return
            self.notify(
                f"Unknown tab {word!r}: try vms, hosts, clusters, dcs, storage, events, templates, disks, networks, pools.",
                severity="warning",
            )
            return
        self.show_tab(noun.name, rest.strip())

    def open_bookmark(self, spec: str) -> None:
        """A bookmark is ``TAB: search``."""
        tab, _, search = spec.partition(":")
        noun = resolve_noun(tab.strip())
        if noun is None:
            self.notify(f"Bookmark {spec!r} names no tab.", severity="warning")
            return
        self.show_tab(noun.name, search.strip())

    # ------------------------------------------------------------------ panes
    def action_toggle_events(self) -> None:
        pane = self.query_one(EventsPane)
        pane.toggle_class("hidden")
        if not pane.has_class("hidden"):
            pane.poll()

    def show_tasks(self) -> None:
        if self.query_one(TasksPane).has_class("hidden"):
            self.action_toggle_tasks()

    def action_toggle_tasks(self) -> None:
        pane = self.query_one(TasksPane)
        pane.toggle_class("hidden")
        if not pane.has_class("hidden"):
            pane.poll_jobs()

    # ------------------------------------------------------------------ tasks
    @property
    def tasks(self) -> dict[int, Task]:
        return self.query_one(TasksPane).tasks

    def start_action(
        self, action: Action, targets: list[Any], params: dict[str, Any], total: int | None
    ) -> None:
        pane = self.query_one(TasksPane)
        pane.start(action, targets, params, total)
        if pane.has_class("hidden"):
            self.notify(
                f"{action.label}: {len(targets)} task(s) started (t shows them).", timeout=3
            )

    def on_task_ended(self, event: TaskEnded) -> None:
        """A verb changed something: the table shows it (unless a load is under way)."""
        if self.current in self._mounting:
            return  # the view loads once it is mounted
        if self.view.due():
            self.view.reload()

    # ------------------------------------------------------------------ detail
    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        table_id = event.data_table.id or ""
        if not table_id.startswith("table-"):
            return
        noun = table_id[len("table-") :]
        view = self.query_one(f"#view-{noun}", ResourceView)
        obj = view.objects.get(event.row_key.value)
        if obj is not None:
            from .detail import DetailScreen

            self.app.push_screen(DetailScreen(noun, obj))

    # ------------------------------------------------------------------ VerbHost
    def verb_noun(self) -> str:
        return self.current

    def verb_targets(self) -> list[Any]:
        return self.view.selected_objects()

    def tick(self) -> None:
        """A refresh: the visible table, and the panes that are shown."""
        try:
            view = self.view
            events = self.query_one(EventsPane)
            tasks = self.query_one(TasksPane)
        except NoMatches:
            return  # the screen is being taken down (the app's exit): nothing to refresh
        if view.due():
            view.reload()
        if not events.has_class("hidden"):
            events.poll()
        if not tasks.has_class("hidden"):
            tasks.poll_jobs()
