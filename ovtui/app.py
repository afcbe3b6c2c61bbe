"""The ovtui Textual application: connection, refresh clock, header state, task runner."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ovtui.actions.base import Action, ActionContext, ActionError, Progress, Selector
from ovtui.actions.browse import Browser, ConnectionPool, make_browser, take_early
from ovtui.actions.errors import translate
from ovtui.textsafe import visible

from .screens.connect import ConnectScreen
from .screens.main import MainScreen
from .screens.modals import HelpScreen
from .screens.palette import OvtuiCommands
from .widgets.resource_view import ResourceView
from .widgets.safe import LINE, MESSAGE
from .widgets.tasks_pane import Task, TasksPane


class TaskProgress(Message):
    def __init__(self, task: Task, progress: Progress | None, end: str | None = None) -> None:
        super().__init__()
        self.task_, self.progress, self.end = task, progress, end


class OvtuiApp(App):
    """``OvtuiApp(profile, readonly=False, demo=None)``; ``live=False`` freezes clocks (tests)."""

    CSS_PATH = "ovtui.tcss"
    TITLE = "ovtui"
    COMMANDS = {OvtuiCommands}
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Palette", show=True),
        # Ctrl-C ends ovtui wherever the focus is (Textual's default only says how to quit)
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]
    ENABLE_COMMAND_PALETTE = True
    CLOSE_WAIT = 1.0  # seconds the logout may take at exit

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
        self.engine_info = ""
        self.conn_state = "connecting"
        self.last_ok: float | None = None
        self.tasks: dict[int, Task] = {}
        self._task_ids = itertools.count(1)
        self._jobs_in_flight = False
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
            self.push_screen(ConnectScreen())
            return
        self._open(self.profile)

    def _open(self, profile: Any) -> None:
        self.profile = profile
        self.readonly = self.readonly or bool(getattr(profile, "readonly", False))
        self.refresh_interval = float(getattr(profile, "refresh", 5.0) or 5.0)
        if self.pool is None or getattr(self, "_browser_profile", None) is not profile:
            self._make_browser(profile)
        self.switch_screen(MainScreen()) if self.screen_stack and isinstance(
            self.screen, ConnectScreen
        ) else self.push_screen(MainScreen())
        self.update_header()
        self._fetch_system()
        if self.live:
            self.set_interval(self.refresh_interval, self._tick, name="refresh")
            self.set_interval(1.0, self.update_header, name="clock")

    def start_demo(self) -> None:
        self._start_demo()

    @work(thread=True, exclusive=True, group="demo")
    def _start_demo(self) -> None:
        from ovtui.config import Profile
        from ovtui.sim import Simulator

        sim = Simulator(vms=50, hosts=4, speed=1.0, seed=0).start()
        self.demo, self._own_demo = sim, True
        profile = Profile(name="demo", url=sim.url, username=sim.username, password=sim.password)
        self.call_from_thread(self._open, profile)

    def on_unmount(self) -> None:
        """Stop waiting for tasks; close the connections (a logout) and the app's own demo
        engine in a helper thread given ``CLOSE_WAIT`` seconds: an engine that stopped
        answering must not hold the terminal."""
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

    # ------------------------------------------------------------------ header
    def update_header(self) -> None:
        main = self.main_screen()
        if main is None or not main.is_mounted:
            return
        header = main.query_one("#header", Static)
        p = self.profile
        name = getattr(p, "name", "") or ""
        engine = getattr(p, "engine_label", None) or getattr(p, "url", "")
        if name and name != "default":
            engine = name  # the profile's name says which engine; stable in snapshots
        # Content, not markup: the parts are plain text with ovtui's styles; the engine's
        # product name/version and the profile are shown as they are (controls escaped)
        state = {
            "connected": ("● connected", "green"),
            "connecting": ("○ connecting", "yellow"),
            "error": ("✖ engine unreachable", "red"),
        }.get(self.conn_state, (visible(self.conn_state), ""))
        if not self.live:
            last = "refresh off"
        elif self.last_ok is None:
            last = "not refreshed yet"
        else:
            last = "refreshed " + time.strftime("%H:%M:%S", time.localtime(self.last_ok))
        live: Any = (
            ("paused", "yellow")
            if self.paused and self.live
            else (f"every {self.refresh_interval:g}s" if self.live else "")
        )
        parts: list[Any] = [
            Content.assemble(("ovtui", "bold"), " ", visible(engine, LINE)),
            state,
            last,
            live,
            visible(getattr(p, "username", "") or "", LINE),
            visible(self.engine_info, LINE),  # the engine's product name and version
        ]
        pieces: list[Any] = []
        for x in parts:
            if x:
                pieces += [" · ", x] if pieces else [x]
        if self.readonly:
            pieces += [" · ", ("read-only", "yellow")]
        if self.demo is not None:
            pieces += [" · ", ("demo", "magenta")]
        header.update(Content.assemble(*pieces))

    @work(thread=True, exclusive=True, group="system")
    def _fetch_system(self) -> None:
        from ovtui.actions.browse import PathNotServed

        try:
            api = self.browser.system()
        except PathNotServed:
            # an engine that does not serve the API root: say so once, do not ask again
            self.engine_info = "version unknown (API root not served)"
            self.call_from_thread(self.update_header)
            return
        except ActionError:
            return  # asked again after the next successful load
        info = api.product_info
        if info is not None:
            ver = info.version.full_version if info.version else ""
            self.engine_info = f"{info.name or 'engine'} {ver}".strip()
        self.call_from_thread(self.update_header)

    def on_resource_view_loaded(self, event: ResourceView.Loaded) -> None:
        self.conn_state = "connected"
        self.last_ok = time.time()
        if not self.engine_info:
            self._fetch_system()
        self.update_header()

    def on_resource_view_failed(self, event: ResourceView.Failed) -> None:
        from ovtui.actions.base import ConnectError
        from ovtui.actions.browse import PathNotServed

        if isinstance(event.error, ConnectError):
            self.conn_state = "error"
        elif not isinstance(event.error, PathNotServed):
            self.conn_state = "connected"
        self.update_header()

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
        self.update_header()

    def poll_jobs(self) -> None:
        if self._jobs_in_flight or self.browser is None:
            return
        self._jobs_in_flight = True
        self._fetch_jobs()

    @work(thread=True, exclusive=True, group="jobs")
    def _fetch_jobs(self) -> None:
        try:
            jobs, err = self.browser.running_jobs(), None
        except ActionError as exc:
            jobs, err = None, exc.message
        except Exception as exc:  # noqa: BLE001
            jobs, err = None, str(exc)
        self.call_from_thread(self._set_jobs, jobs, err)

    def _set_jobs(self, jobs: list[Any] | None, err: str | None) -> None:
        self._jobs_in_flight = False
        main = self.main_screen()
        if main is not None:
            main.query_one(TasksPane).set_jobs(jobs, err)

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
        """One task per target object, each in its own thread worker (``total``: the hosts
        of a rolling upgrade, shown as "done / total")."""
        main = self.main_screen()
        for obj in targets:
            name = (getattr(obj, "name", None) or getattr(obj, "id", "")) if obj is not None else ""
            task = Task(next(self._task_ids), action.label, name, total=total)
            self.tasks[task.id] = task
            if main is not None:
                main.query_one(TasksPane).add_task(task)
            self._run_task(task, action, obj, params)
        if main is not None:
            pane = main.query_one(TasksPane)
            if pane.has_class("hidden"):
                self.notify(
                    f"{action.label}: {len(targets)} task(s) started (t shows them).", timeout=3
                )

    @work(thread=True, group="actions")
    def _run_task(self, task: Task, action: Action, obj: Any, params: dict[str, Any]) -> None:
        def report(p: Progress) -> None:
            self.post_message(TaskProgress(task, p))

        try:
            with self.pool.lease() as conn:  # type: ignore[union-attr]
                ctx = ActionContext(  # no timeout: each wait uses the verb's own default
                    connection=conn,
                    report=report,
                    cancel=task.cancel,
                    selector=Selector(id=getattr(obj, "id", None))
                    if obj is not None
                    else Selector(),
                    readonly=self.readonly,
                )
                result = action.perform(ctx, obj, params)
        except ActionError as exc:
            from ovtui.actions.base import Cancelled

            state = "cancelled" if isinstance(exc, Cancelled) else "failed"
            self.post_message(TaskProgress(task, None, end=f"{state}:" + " ".join(exc.lines())))
            return
        except Exception as exc:  # noqa: BLE001 - a bug in a verb must not take the TUI down
            err = translate(exc)
            self.post_message(TaskProgress(task, None, end="failed:" + err.message))
            return
        ok = getattr(result, "ok", True)
        msg = getattr(result, "message", "") or "done"
        self.post_message(TaskProgress(task, None, end=("done:" if ok else "failed:") + msg))

    def on_task_progress(self, event: TaskProgress) -> None:
        task = event.task_
        if event.progress is not None:
            p = event.progress
            task.apply(p.step, p.message, p.fraction, p.subject)
        if event.end is not None:
            state, _, msg = event.end.partition(":")
            task.state = state
            task.step = msg
            if state == "done":
                task.fraction = 1.0
            sev = {"done": "information", "failed": "error", "cancelled": "warning"}[state]
            self.notify(f"{task.label} {task.target}: {msg}", severity=sev, timeout=6)
            main = self.main_screen()
            if main is not None and main.view.due():
                main.view.reload()
        main = self.main_screen()
        if main is not None:
            main.query_one(TasksPane).update_task(task)

    def running_tasks(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.running]
