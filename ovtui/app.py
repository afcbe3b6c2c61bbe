"""The ovtui Textual application: connection, refresh clock, header state, screens."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import Worker

from ovtui.actions.base import Action, ActionError
from ovtui.actions.browse import Browser, ConnectionPool, PathNotServed, make_browser, take_early
from ovtui.textsafe import visible

from .screens.main import MainScreen
from .widgets.resource_view import ResourceView
from .widgets.safe import MESSAGE
from .widgets.tasks_pane import Task
from .widgets.workers import WorkerFailures


def _palette_commands() -> Any:
    """The command palette's provider, imported when the palette first opens (issue 14)."""
    from .screens.palette import OvtuiCommands

    return OvtuiCommands


def _on_connect_screen(app: App) -> bool:
    connect = sys.modules.get("ovtui.screens.connect")  # imported only when shown
    return connect is not None and isinstance(app.screen, connect.ConnectScreen)


class OvtuiApp(WorkerFailures, App):
    """``OvtuiApp(profile, readonly=False, demo=None)``; ``live=False`` freezes clocks (tests)."""

    CSS_PATH = "ovtui.tcss"
    TITLE = "ovtui"
    COMMANDS = {_palette_commands}
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Palette", show=True),
        # Ctrl-C ends ovtui wherever the focus is (Textual's default only says how to quit)
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+e", "switch_engine", "Engines", show=False),  # ovtui/engines.py
    ]
    ENABLE_COMMAND_PALETTE = True
    CLOSE_WAIT = 1.0  # seconds the logout may take at exit

    # the header's state (widgets/header.py draws it when one changes)
    conn_state: reactive[str] = reactive("connecting")
    last_ok: reactive[float | None] = reactive(None)
    paused: reactive[bool] = reactive(False)
    engine_info: reactive[str] = reactive("")
    readonly: reactive[bool] = reactive(False)

    def __init__(
        self,
        profile: Any = None,
        readonly: bool = False,
        demo: Any = None,
        live: bool = True,
        debug: bool = False,
    ) -> None:
        super().__init__()
        self.debug_log = debug
        self.profile = profile
        self.readonly = readonly or bool(getattr(profile, "readonly", False))
        self.demo = demo
        self._own_demo = False
        self.live = live
        self.paused = not live
        self.refresh_interval = float(getattr(profile, "refresh", 5.0) or 5.0)
        self.pool: ConnectionPool | None = None
        self.browser: Browser = None  # type: ignore[assignment]
        self._system_worker: Worker | None = None
        self._system_due = False
        self._start_early()

    # ------------------------------------------------------------------ start / stop
    def _start_early(self) -> None:
        """Login and the VMs tab's first page start now, on a thread, while Textual starts
        (issue 14); the tab takes that page when it first asks for it."""
        if self.profile is None or not getattr(self.profile, "url", "") or self.demo is not None:
            return
        early = take_early(self.profile)  # begun by the command line, before the imports
        if early is None:
            self._make_browser(self.profile)
            self.browser.prefetch("vm", "", 1)
        else:
            self.pool, self.browser = early.pool, early
            self._browser_profile = self.profile

    def _make_browser(self, profile: Any) -> None:
        self.browser = make_browser(profile, self.debug_log)
        self.pool = self.browser.pool
        self._browser_profile = profile

    def on_mount(self) -> None:
        if self.profile is None or not getattr(self.profile, "url", ""):
            from .screens.connect import ConnectScreen

            self.push_screen(ConnectScreen())
            return
        self._open(self.profile)

    def _open(self, profile: Any) -> None:
        self.profile = profile
        self.readonly = self.readonly or bool(getattr(profile, "readonly", False))
        self.refresh_interval = float(getattr(profile, "refresh", 5.0) or 5.0)
        if self.pool is None or getattr(self, "_browser_profile", None) is not profile:
            self._make_browser(profile)
        self.switch_screen(MainScreen()) if self.screen_stack and _on_connect_screen(
            self
        ) else self.push_screen(MainScreen())
        if self.demo is not None or getattr(profile, "start", "vms") == "dashboard":
            self.show_dashboard()
        # the engine's name for the header is asked once the first page has come (or
        # failed): the first rows do not wait behind it (issue 14)
        self._system_due = True
        if self.live:
            self.set_interval(self.refresh_interval, self._tick, name="refresh")

    def start_demo(self) -> None:
        self._start_demo()

    @work(thread=True, exclusive=True, group="demo")
    def _start_demo(self) -> None:
        from ovtui.config import Profile
        from ovtui.sim.demo_life import demo_simulator

        sim = demo_simulator()  # as ovtui demo: life under way
        self.demo, self._own_demo = sim, True
        profile = Profile(name="demo", url=sim.url, username=sim.username, password=sim.password)
        self.call_from_thread(self._open, profile)

    def on_unmount(self) -> None:
        """Stop waiting for tasks; close the connections (a logout) and the app's own demo
        engine in a helper thread given ``CLOSE_WAIT`` seconds: an engine that stopped
        answering must not hold the terminal."""
        from ovtui.engines import close_other_engines

        close_other_engines(self)  # ctrl+e: the engines not shown (their tasks, their logout)
        for t in self.tasks.values():
            t.cancel.set()
        pool, demo = self.pool, (self.demo if self._own_demo else None)
        if pool is None and demo is None:
            return

        def close() -> None:
            try:
                if pool is not None:
                    pool.close()
            finally:
                if demo is not None:
                    demo.stop()

        closer = threading.Thread(target=close, name="ovtui-close", daemon=True)
        closer.start()
        closer.join(self.CLOSE_WAIT)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages carry engine text (fault details,
        names), so none is read as markup (``markup`` is ignored), controls are shown
        escaped and a long one is cut."""
        super().notify(
            visible(str(message), MESSAGE),
            title=visible(str(title), 200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # ------------------------------------------------------------------ header state
    def _ask_system(self) -> None:
        """The engine's name and version for the header, one request at a time."""
        self._system_due = False
        if self.engine_info or (self._system_worker and not self._system_worker.is_finished):
            return
        self._system_worker = self._fetch_system()

    @work(thread=True, exclusive=True, group="system", exit_on_error=False)
    def _fetch_system(self) -> None:
        info = self.browser.system().product_info
        if info is not None:
            ver = info.version.full_version if info.version else ""
            text = f"{info.name or 'engine'} {ver}".strip()
            self.call_from_thread(setattr, self, "engine_info", text)

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        if worker.group != "system":
            super().worker_failed(worker, error)
        elif isinstance(error, PathNotServed):
            # an engine that does not serve the API root: say so once, do not ask again
            self.engine_info = "version unknown (API root not served)"
        # else: asked again after the next successful load

    def on_resource_view_loaded(self, event: ResourceView.Loaded) -> None:
        self.conn_state = "connected"
        self.last_ok = time.time()
        self._ask_system()

    def on_resource_view_failed(self, event: ResourceView.Failed) -> None:
        from ovtui.actions.base import ConnectError

        if self._system_due:
            self._ask_system()  # once, as when the page comes
        if isinstance(event.error, ConnectError):
            self.conn_state = "error"
        elif not isinstance(event.error, PathNotServed):
            self.conn_state = "connected"

    # ------------------------------------------------------------------ refresh
    def _tick(self) -> None:
        if self.paused:
            return
        screen = self.screen
        tick = getattr(screen, "tick", None)
        if tick is not None:
            tick()
        elif hasattr(screen, "refresh_object"):
            screen.refresh_object()

    def action_pause(self) -> None:
        if not self.live:
            return
        self.paused = not self.paused
        self.notify(
            "Live refresh paused (p resumes)." if self.paused else "Live refresh on.", timeout=2
        )

    # ------------------------------------------------------------------ navigation helpers
    def main_screen(self) -> MainScreen | None:
        for s in self.screen_stack:
            if isinstance(s, MainScreen):
                return s
        return None

    def goto_tab(self, noun: str, search: str | None = None) -> None:
        main = self.main_screen()
        if main is None:
            return
        while self.screen is not main:
            self.pop_screen()
        main.show_tab(noun, search)

    def show_dashboard(self) -> None:
        """The dashboard (key ``0``): one instance for the session, so its charts keep
        their points between visits."""
        from .screens.dashboard import DashboardScreen

        name = f"dashboard:{getattr(self.profile, 'name', 'default')}"  # one per engine
        if not self.is_screen_installed(name):
            self.install_screen(DashboardScreen(), name=name)
        if self.screen is self.get_screen(name):
            return
        main = self.main_screen()
        while main is not None and self.screen is not main:
            self.pop_screen()
        self.push_screen(name)

    def action_switch_engine(self) -> None:
        from ovtui.engines import switch_engine

        switch_engine(self)

    def action_show_dashboard(self) -> None:
        self.show_dashboard()

    def goto_bookmark(self, spec: str) -> None:
        main = self.main_screen()
        if main is not None:
            while self.screen is not main:
                self.pop_screen()
            main.open_bookmark(spec)

    def bookmarks(self) -> dict[str, str]:
        return dict(getattr(self.profile, "bookmarks", None) or {})

    def open_object(self, noun: str, obj: Any) -> None:
        from .screens.detail import DetailScreen

        self.push_screen(DetailScreen(noun, obj))

    def run_verb_from_palette(self, noun: str, verb: str, form: bool) -> None:
        screen: Any = self.screen
        if isinstance(screen, MainScreen) and screen.current != noun:
            screen.show_tab(noun)
        if hasattr(screen, "action_verb"):
            screen.action_verb(noun, verb, form)

    def action_help(self) -> None:
        """The keys of the current screen: its own and the app's first, then the widget's."""
        from textual.screen import Screen

        from .screens.modals import HelpScreen

        first: list[tuple[str, str]] = []
        rest: list[tuple[str, str]] = []
        for ab in self.screen.active_bindings.values():
            b = ab.binding
            row = (b.key_display or self.get_key_display(b), b.description or b.action)
            (first if isinstance(ab.node, Screen | App) else rest).append(row)
        first += [
            ("enter", "open the highlighted object (detail with sub-tabs)"),
            ("click", "a column header sorts; a tab in the bar switches"),
        ]
        self.push_screen(HelpScreen(first + [("", "")] + rest))

    # ------------------------------------------------------------------ actions (verbs)
    def start_action(
        self,
        action: Action,
        targets: list[Any],
        params: dict[str, Any],
        total: int | None = None,
    ) -> None:
        """Run ``action`` on each target as a task of the main screen's tasks pane."""
        main = self.main_screen()
        if main is not None:
            main.start_action(action, targets, params, total)

    @property
    def tasks(self) -> dict[int, Task]:
        """ovtui's tasks by id (the tasks pane's)."""
        main = self.main_screen()
        return main.tasks if main is not None else {}

    def running_tasks(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.running]
