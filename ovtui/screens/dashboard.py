"""The dashboard (key ``0``): inventory cards by status, global utilisation with live charts,
the most loaded clusters and hosts. The data comes from ``actions/dashboard.py`` in a fixed
number of requests (docs/dashboard.md); a card's line opens its tab pre-searched.

One instance lives for the session (installed on the app), so its charts keep their points
between visits; it samples at the refresh interval while it is shown.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from ovtui.actions.base import ActionError
from ovtui.actions.browse import MAIN_TABS
from ovtui.actions.dashboard import Card, Dashboard, Loaded, Usage, fetch_dashboard
from ovtui.widgets.charts import Chart, bar
from ovtui.widgets.columns import human_bytes, percent
from ovtui.widgets.footer import Footer
from ovtui.widgets.header import DASHBOARD, EngineHeader, tab_bar
from ovtui.widgets.safe import cell
from ovtui.widgets.status_line import StatusLine
from ovtui.widgets.workers import WorkerFailures

from .answers import answer
from .main import SHORT, TINY

MARK = {"up": ("▲", "green"), "warn": ("■", "yellow"), "down": ("▼", "red")}


class CardLink(Static, can_focus=True):
    """A line of a card: ``enter`` or a click opens ``noun``'s tab with ``search``."""

    DEFAULT_CSS = """
    CardLink { height: 1; padding: 0 0; }
    CardLink:focus { background: $accent; color: $text; }
    CardLink:hover { background: $boost; }
    """

    BINDINGS = [Binding("enter", "open", "Open", show=False)]

    def __init__(self, noun: str, search: str, text: Text, **kw: Any) -> None:
        super().__init__(text, **kw)
        self.noun = noun
        self.search = search

    def set(self, search: str, text: Text) -> None:
        self.search = search
        self.update(text)

    def action_open(self) -> None:
        self.app.goto_tab(self.noun, self.search)

    def on_click(self) -> None:
        self.action_open()


class InventoryCard(Vertical):
    DEFAULT_CSS = """
    InventoryCard {
        height: 8;
        border: round $primary-muted;
        padding: 0 1;
        border-title-color: $text-accent;
    }
    """

    def __init__(self, noun: str, title: str) -> None:
        super().__init__(id=f"card-{noun}")
        self.noun = noun
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield CardLink(self.noun, "", Text("…", style="bold"), classes="card-total")
        for i in range(4):
            yield CardLink(self.noun, "", Text(""), id=f"{self.id}-b{i}", classes="hidden")
        yield Static("", classes="card-note")

    def show(self, card: Card) -> None:
        total = "?" if card.total is None else str(card.total)
        self.query_one(".card-total", CardLink).set(
            "", Text.assemble((total, "bold"), (" total", "dim"))
        )
        for i in range(4):
            link = self.query_one(f"#{self.id}-b{i}", CardLink)
            if i < len(card.buckets):
                b = card.buckets[i]
                mark, style = MARK.get(b.style, ("·", ""))
                link.set(
                    b.search,
                    Text.assemble(
                        (f"{mark} ", style if b.count else "dim"),
                        (b.text, "bold" if b.count else "dim"),
                        (f" {b.label}", "" if b.count else "dim"),
                    ),
                )
                link.remove_class("hidden")
            else:
                link.add_class("hidden")
        self.query_one(".card-note", Static).update(Text(card.note, style="dim"))


class DashboardScreen(WorkerFailures, Screen):
    """``1``..``9`` main tabs; ``enter`` on a card line opens its tab pre-searched; ``enter`` on
    a loaded cluster or host opens it; ``ctrl+r`` now; ``escape`` back to the tabs."""

    BINDINGS = [
        *[
            Binding(str(i + 1), f"tab('{n}')", SHORT[n], show=False)
            for i, n in enumerate(MAIN_TABS[:9])  # 1..9; Pools (the 10th) by :pools
        ],
        Binding("0", "reload", "Dashboard", show=False),
        Binding("escape", "back", "Tabs"),
        Binding("colon", "bar('command')", "Cmd", show=False),
        Binding("slash", "bar('search')", "Search", show=False),
        Binding("ctrl+r", "reload", "Refresh"),
        Binding("p", "app.pause", "Pause"),
        Binding("down,right", "app.focus_next", "Next", show=False),
        Binding("up,left", "app.focus_previous", "Prev", show=False),
        Binding("question_mark", "app.help", "Keys"),
        Binding("q", "app.quit", "Quit"),
    ]

    DEFAULT_CSS = """
    DashboardScreen #dash-body { height: 1fr; }
    DashboardScreen #dash-cards { grid-size: 6; grid-gutter: 0 1; height: auto; padding: 0 1; }
    DashboardScreen #dash-cards.narrow { grid-size: 3; }
    DashboardScreen #dash-usage { height: auto; padding: 0 1; }
    DashboardScreen .usage { width: 1fr; height: auto; border: round $primary-muted;
        border-title-color: $text-accent; }
    DashboardScreen .usage-line { height: 1; padding: 0 1; }
    DashboardScreen .usage Chart { height: 4; }
    DashboardScreen #dash-loaded { height: auto; padding: 0 1; }
    DashboardScreen .loaded { width: 1fr; height: auto; border: round $primary-muted;
        border-title-color: $text-accent; }
    DashboardScreen .loaded DataTable { height: auto; max-height: 8; }
    DashboardScreen #dash-notes { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        self.fetches = 0  # answers shown
        self.failures = 0
        self.in_flight = False
        self._ready = False  # mounted: an answer that comes before waits (_pending)
        self._pending: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield EngineHeader(id="header")
        yield Static("", id="tabbar")
        yield StatusLine(id="dash-message", classes="view-message")
        with VerticalScroll(id="dash-body"):
            with Grid(id="dash-cards"):
                for noun, title in (
                    ("datacenter", "Data Centers"),
                    ("cluster", "Clusters"),
                    ("host", "Hosts"),
                    ("storagedomain", "Storage Domains"),
                    ("vm", "Virtual Machines"),
                    ("event", "Events"),
                ):
                    yield InventoryCard(noun, title)
            with Horizontal(id="dash-usage"):
                for key, title in (("cpu", "CPU"), ("memory", "Memory"), ("storage", "Storage")):
                    with Vertical(classes="usage", id=f"usage-{key}") as v:
                        v.border_title = f"{title} utilisation"
                        yield Static("", classes="usage-line", id=f"usage-{key}-line")
                        yield Chart(title, headline=False, id=f"chart-{key}")
            with Horizontal(id="dash-loaded"):
                with Vertical(classes="loaded") as v:
                    v.border_title = "Most loaded clusters"
                    yield DataTable(id="top-clusters", cursor_type="row")
                with Vertical(classes="loaded") as v:
                    v.border_title = "Most loaded hosts"
                    yield DataTable(id="top-hosts", cursor_type="row")
            yield Static("", id="dash-notes")
        yield Footer()

    def on_mount(self) -> None:
        for tid, first in (("#top-clusters", "Cluster"), ("#top-hosts", "Host")):
            t = self.query_one(tid, DataTable)
            t.add_column(first, key="name")
            t.add_column("", key="detail")
            t.add_column("CPU", key="cpu")
            t.add_column("Memory", key="memory")
        self._layout()
        self.query_one(".card-total", CardLink).focus()
        self._ready = True
        if self._pending is not None:
            self.show(self._pending)

    def on_screen_resume(self) -> None:
        self._layout()
        self.reload()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        if not self.query("#dash-cards"):
            return  # not composed yet
        narrow = bool(self.size.width) and self.size.width < 120
        self.query_one("#dash-cards", Grid).set_class(narrow, "narrow")
        self.query_one("#tabbar", Static).update(self.tabbar_text())

    def tabbar_text(self) -> str:
        """``0 Dashboard`` (current) and every main tab, fitted to the width (header.tab_bar:
        at 80 columns all eleven, Pools too)."""
        return tab_bar(MAIN_TABS, DASHBOARD, self.size.width, SHORT, TINY)

    # ------------------------------------------------------------------ data
    def tick(self) -> None:
        """The app's refresh: one sample."""
        self.reload()

    def reload(self) -> None:
        if self.in_flight:
            return
        self.in_flight = True
        self._fetch()

    @work(thread=True, exclusive=True, group="dash", exit_on_error=False)
    def _fetch(self) -> None:
        browser = self.app.browser
        with browser.pool.lease() as conn:
            data = fetch_dashboard(conn)
        answer(self, self.show, data)

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        if worker.group != "dash":
            super().worker_failed(worker, error)
            return
        self.in_flight = False
        self.failures += 1
        when = time.strftime("%H:%M:%S")
        self.query_one("#dash-message", StatusLine).say(
            f"Dashboard not refreshed at {when}: {error.message.rstrip('.')}. Showing what"
            " was last loaded; the next refresh tries again (ctrl+r now).",
            "error",
        )

    def show(self, data: Dashboard) -> None:
        """On the UI thread: the new figures, one more point on each chart."""
        self.in_flight = False
        if not self._ready:
            self._pending = data
            return
        self._pending = None
        self.data = data
        self.fetches += 1
        self.app.conn_state = "connected"
        self.app.last_ok = time.time()
        self.query_one("#dash-message", StatusLine).say("")
        for card in data.cards:
            self.query_one(f"#card-{card.noun}", InventoryCard).show(card)
        for key, u in data.usage.items():
            self._usage(key, u)
        self._loaded("#top-clusters", data.clusters)
        self._loaded("#top-hosts", data.hosts)
        stamp = time.strftime("%H:%M:%S", time.localtime(data.fetched_at))
        notes = [f"As of {stamp} (engine time)."] + data.notes
        self.query_one("#dash-notes", Static).update(Text(" ".join(notes)))

    def _usage(self, key: str, u: Usage) -> None:
        line = self.query_one(f"#usage-{key}-line", Static)
        chart = self.query_one(f"#chart-{key}", Chart)
        if u.unit == "cores":
            detail = f"{u.used:.1f} of {u.total:.0f} cores"
        else:
            detail = f"{human_bytes(int(u.used))} of {human_bytes(int(u.total))}"
        pct = "n/a" if u.percent is None else f"{u.percent:.1f}%"
        width = max(8, line.size.width - len(pct) - len(detail) - 6)
        line.update(Text.assemble(bar(u.percent, min(width, 30)), f" {pct}  ", (detail, "dim")))
        chart.add(u.percent)

    def _loaded(self, tid: str, rows: list[Loaded]) -> None:
        t = self.query_one(tid, DataTable)
        t.clear()
        for r in rows:
            t.add_row(
                cell(r.name),
                cell(r.detail),
                percent(r.cpu),
                percent(r.memory),
                key=f"{r.kind}:{r.id}",
            )
        self._rows = getattr(self, "_rows", {})
        self._rows.update({f"{r.kind}:{r.id}": r for r in rows})

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        row = getattr(self, "_rows", {}).get(event.row_key.value)
        if row is not None and row.obj is not None:
            self.app.open_object(row.kind, row.obj)

    # ------------------------------------------------------------------ keys
    def action_tab(self, noun: str) -> None:
        self.app.goto_tab(noun)

    def action_back(self) -> None:
        self.app.goto_tab(self.app.main_screen().current if self.app.main_screen() else "vm")

    def action_bar(self, mode: str) -> None:
        """``:`` and ``/`` work here as on the tabs: back to them, with the bar open (typed
        ``:quotas`` must never reach ``q``, which quits)."""
        self.action_back()
        main = self.app.main_screen()
        if main is not None:
            main.action_command() if mode == "command" else main.action_search()

    def action_reload(self) -> None:
        self.reload()
