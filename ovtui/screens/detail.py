"""The detail screen of one object: General, webadmin's sub-tabs (loaded when shown), XML."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import Worker

from ovtui.actions.base import ActionError
from ovtui.actions.browse import SUBTABS, PathNotServed, xml_of
from ovtui.actions.registry import NOUNS
from ovtui.textsafe import visible
from ovtui.widgets.charts import StatsCharts
from ovtui.widgets.columns import (
    columns_for,
    generic_cells,
    row_cells,
    status_text,
)
from ovtui.widgets.footer import Footer
from ovtui.widgets.general import all_rows, general_rows, wanted_refs
from ovtui.widgets.safe import cell, cells, message, styled
from ovtui.widgets.status_line import StatusLine
from ovtui.widgets.workers import WorkerFailures

from .answers import answer
from .subtab_verbs import SubtabTasks, SubtabVerbs, subtab_columns
from .verbs import VerbHost, verb_bindings

# what a refresh of the object follows: the Statistics sub-tab's charts (charts.StatsCharts)
STATS_FOLLOW = {"host": "statistics,nics.statistics", "vm": "statistics"}


class DetailScreen(WorkerFailures, SubtabVerbs, VerbHost, Screen):
    """``escape`` goes back; ``enter`` on a sub-tab row that is an object opens it; a sub-tab's
    own verbs (disk-resize on Disks) are on while it is shown (subtab_verbs.py)."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        # q gets out from any depth, as on every other screen (not shown: the footer is full)
        Binding("q", "app.quit", "Quit", show=False),
        Binding("right_square_bracket", "subtab(1)", "Next tab"),
        Binding("left_square_bracket", "subtab(-1)", "Prev tab"),
        Binding("x", "xml", "XML"),
        Binding("a", "all_attributes", "All attrs"),
        Binding("ctrl+r", "reload", "Reload"),
        Binding("t", "tasks", "Tasks"),
        Binding("question_mark", "app.help", "Keys"),
        *verb_bindings(),
    ]

    def __init__(self, noun: str, obj: Any) -> None:
        super().__init__()
        self.noun = noun
        self.obj = obj
        self.loaded: set[str] = set()
        self.sub_objects: dict[str, dict[str, Any]] = {}
        self.reload_failures = 0
        self.show_all = False  # General: every attribute (a) or webadmin's curated rows
        self.refs: dict[str, dict[str, Any]] = {}  # linked objects fetched for their names

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="detail-title")
        yield StatusLine(id="detail-message", classes="view-message")
        with TabbedContent(id="detail-tabs"):
            with TabPane("General", id="tab-general"):
                yield DataTable(id="general", cursor_type="row", show_header=False)
            for i, (title, _key, _jump) in enumerate(SUBTABS.get(self.noun, [])):
                with TabPane(title, id=f"tab-{i}"):
                    if _key == "statistics" and self.noun in STATS_FOLLOW:
                        yield StatsCharts(self.noun, id="stats-charts")
                    yield StatusLine(classes="view-message")
                    yield DataTable(id=f"sub-{i}", cursor_type="row")
            with TabPane("XML", id="tab-xml"):
                with VerticalScroll():
                    yield Static("", id="xml", markup=False)
        yield SubtabTasks(id="detail-tasks")
        yield Footer()

    def _title(self) -> Text:
        noun = NOUNS[self.noun]
        name = getattr(self.obj, "name", None) or self.obj.id
        st = getattr(self.obj, "status", None)
        return styled(
            Text(noun.title, style="bold"),
            " › ",
            (name, "bold"),
            Text(" · ") + cell(status_text(st)) if st is not None else None,
            Text("  (escape: back)", style="dim"),
        )

    def on_mount(self) -> None:
        if self not in self.app.screen_stack:
            # escape pressed before the screen was shown (a loaded machine, keys typed
            # ahead): it was popped and its widgets removed before this ran; querying them
            # raised NoMatches and ended the TUI (found by benchmarks/memgrowth.py)
            return
        self._fill_general()
        self.query_one("#general", DataTable).focus()
        self._sample()
        if self.app.browser and wanted_refs(self.noun, self.obj, self.app.browser.cached_names()):
            self._resolve_refs()

    def _fill_general(self) -> None:
        t = self.query_one("#general", DataTable)
        if not t.columns:
            t.add_column("Attribute", key="k")
            t.add_column("Value", key="v")
        t.clear()
        names = self.app.browser.cached_names() if self.app.browser else {}
        if self.show_all:
            rows = all_rows(self.obj, names)
        else:
            rows = general_rows(self.obj, names, self.noun, self.refs)
        for k, v in rows:
            t.add_row(*cells((k, v)))
        self.query_one("#detail-title", Static).update(self._title())

    # ------------------------------------------------------------------ sub-tabs on demand
    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        pane_id = event.pane.id or ""
        self.refresh_bindings()  # the footer shows this sub-tab's verbs
        if pane_id == "tab-xml":
            self.query_one("#xml", Static).update(
                Text("\n".join(visible(x) for x in xml_of(self.obj).split("\n")))
            )
        elif pane_id.startswith("tab-") and pane_id[4:].isdigit():
            i = int(pane_id[4:])
            if pane_id not in self.loaded:
                self._load_sub(i)
            # the table of the pane shown now, not the event's: a tab already left (``]]``
            # typed fast) taking the focus would make TabbedContent show it again
            active = self.query_one(TabbedContent).active
            if active.startswith("tab-") and active[4:].isdigit():
                self.query_one(f"#sub-{active[4:]}", DataTable).focus()

    def _load_sub(self, i: int) -> None:
        self.loaded.add(f"tab-{i}")
        title, key, jump = SUBTABS[self.noun][i]
        self._message(i, f"Loading {title}...")
        self.run_worker(
            partial(self._fetch_sub, i, key, jump),
            name=f"sub-tab {i}",  # worker_failed reads the tab from it
            group="sub",
            thread=True,
            exit_on_error=False,
        )

    def _fetch_sub(self, i: int, key: str, jump: str | None) -> None:
        """In a worker thread."""
        rows = self.app.browser.subtab(self.noun, self.obj, key)
        names = self.app.browser.names()
        answer(self, self._fill_sub, i, jump, rows, names)

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        """A sub-tab or the object could not be loaded: said on this screen, in its place."""
        if self not in self.app.screen_stack:
            return  # closed while the worker ran (see answers.py)
        if worker.group == "obj":
            self._refetch_failed(error)
        elif worker.group == "sub":
            self._sub_failed(int(worker.name.rpartition(" ")[2]), error)
        else:
            super().worker_failed(worker, error)

    def _sub_failed(self, i: int, exc: ActionError) -> None:
        self.loaded.discard(f"tab-{i}")
        extra = "" if isinstance(exc, PathNotServed) else " (ctrl+r retries)"
        self._message(i, message(f"{exc.message}{extra}", style="red"))

    def _message(self, i: int, text: str | Text) -> None:
        self.query_one(f"#tab-{i} StatusLine", StatusLine).say(text)

    def _fill_sub(self, i: int, jump: str | None, rows: list[Any], names: dict) -> None:
        t = self.query_one(f"#sub-{i}", DataTable)
        was = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value if t.row_count else None
        t.clear(columns=True)
        objs: dict[str, Any] = {}
        cols = columns_for(jump) if jump else subtab_columns(self.noun, SUBTABS[self.noun][i][1])
        if cols:
            for c in cols:
                t.add_column(c.title, key=c.key)
        else:
            for title in ("Name", "Value/Status", "Description"):
                t.add_column(title)
        for n, r in enumerate(rows):
            key = getattr(r, "id", None) or f"row{n}"
            if key in objs:
                key = f"{key}-{n}"
            objs[key] = r
            row = row_cells(jump or "", r, names, cols) if cols else cells(generic_cells(r))
            t.add_row(*row, key=key)
        self.sub_objects[f"sub-{i}"] = objs
        if was in objs:  # a reload keeps the row the operator was on
            t.move_cursor(row=t.get_row_index(was))
        self._message(i, "" if rows else "Nothing here.")

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        tid = event.data_table.id or ""
        if not tid.startswith("sub-"):
            return
        i = int(tid[4:])
        jump = SUBTABS[self.noun][i][2]
        obj = self.sub_objects.get(tid, {}).get(event.row_key.value)
        if jump and obj is not None:
            self.app.push_screen(DetailScreen(jump, obj))

    # ------------------------------------------------------------------ actions
    def action_subtab(self, delta: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [p.id for p in self.query(TabPane)]
        i = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(i + delta) % len(ids)]

    def action_xml(self) -> None:
        self.query_one(TabbedContent).active = "tab-xml"

    def action_tasks(self) -> None:
        """The tasks pane lives on the main screen: go there with it shown."""
        main = self.app.main_screen()
        if main is None:
            return
        while self.app.screen is not main:
            self.app.pop_screen()
        main.show_tasks()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.refresh_object()
        active = self.query_one(TabbedContent).active
        if active.startswith("tab-") and active[4:].isdigit():
            self._load_sub(int(active[4:]))

    def refresh_object(self) -> None:
        self._refetch()

    @work(thread=True, exclusive=True, group="obj", exit_on_error=False)
    def _refetch(self) -> None:
        follow = STATS_FOLLOW.get(self.noun)
        answer(self, self._set_obj, self.app.browser.get(self.noun, self.obj.id, follow=follow))

    def _refetch_failed(self, exc: ActionError) -> None:
        """Say it on the screen and keep what is shown; the next refresh tries again."""
        self.reload_failures += 1
        when = time.strftime("%H:%M:%S")
        self.set_message(
            f"Reload failed at {when}: {exc.message.rstrip('.')}. Showing what was last"
            " loaded; the next refresh tries again (ctrl+r now)."
        )

    def set_message(self, text: str) -> None:
        self.query_one("#detail-message", StatusLine).say(text, "error")

    def _set_obj(self, obj: Any) -> None:
        self.obj = obj
        self.reload_failures = 0
        self.set_message("")
        self._fill_general()
        self._sample()

    # ------------------------------------------------------------------ General / Statistics
    def _sample(self) -> None:
        """One point on the Statistics sub-tab's charts (a host or a VM, each refresh)."""
        for charts in self.query(StatsCharts):
            charts.sample(self.obj)

    def action_all_attributes(self) -> None:
        """``a``: General shows every attribute, or the curated rows again."""
        self.show_all = not self.show_all
        self._fill_general()
        self.query_one(TabbedContent).active = "tab-general"

    @work(thread=True, exclusive=True, group="refs", exit_on_error=False)
    def _resolve_refs(self) -> None:
        """Names of linked objects the names cache lacks (a VM's template): one GET each."""
        refs: dict[str, dict[str, Any]] = {}
        for kind, rid in wanted_refs(self.noun, self.obj, self.app.browser.cached_names()):
            try:
                refs.setdefault(kind, {})[rid] = self.app.browser.get(kind, rid)
            except ActionError:
                continue  # the id stays shown
        answer(self, self._set_refs, refs)

    def _set_refs(self, refs: dict[str, dict[str, Any]]) -> None:
        self.refs = refs
        self._fill_general()

    # VerbHost
    def verb_noun(self) -> str:
        return self.noun

    def verb_targets(self) -> list[Any]:
        return [self.obj]
