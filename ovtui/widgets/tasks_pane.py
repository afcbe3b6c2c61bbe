"""The tasks pane: ovtui's own running actions (progress bar, last step) and the engine's jobs.

The pane owns its tasks: it starts one thread worker per target object, the workers post
typed messages (:class:`TaskProgress`, :class:`TaskEnded`) to the pane, and a worker that
raises ends its task as failed (:class:`~ovtui.widgets.workers.WorkerFailures`). ``TaskEnded``
bubbles on to the screen (which reloads its table) after the pane has shown it.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, ProgressBar, Static
from textual.worker import Worker

from ovtui.actions.base import Action, ActionContext, ActionError, Cancelled, Progress, Selector

from .safe import lines as safe_lines
from .safe import message, styled
from .workers import WorkerFailures

EndState = Literal["done", "failed", "cancelled"]


@dataclass
class Task:
    """One action on one object, run by a thread worker."""

    id: int
    label: str
    target: str
    cancel: threading.Event = field(default_factory=threading.Event)
    fraction: float | None = None
    step: str = "starting"
    state: str = "running"  # running, done, failed, cancelled
    started: float = field(default_factory=time.monotonic)
    total: int | None = None  # hosts of a rolling upgrade
    done_count: int = 0
    stage: str = ""  # the current host and step of a rolling upgrade
    subjects: dict[str, str] = field(default_factory=dict)  # VM/host -> its last line
    where: tuple[int, str | None] = (0, None)  # the screen and tab it was started from

    @property
    def running(self) -> bool:
        return self.state == "running"

    def apply(self, step: str, message: str, fraction: float | None, subject: str | None) -> None:
        """Take one progress report of the action (see ovtui.actions.base.Progress)."""
        if not self.running:
            return
        if step == "step":
            self.stage = message
        elif step == "host-done":
            self.done_count += 1
        if subject and step != "plan":
            self.subjects[subject] = message  # one live line per VM; the step line stays
        else:
            self.step = message or step
        if fraction is not None:
            self.fraction = fraction

    def stage_text(self) -> str:
        if self.total is None and not self.stage:
            return ""
        count = f"hosts {self.done_count}/{self.total} done" if self.total else ""
        return " · ".join(x for x in (count, self.stage if self.running else "") if x)


@dataclass
class TaskProgress(Message):
    """A progress report of a running task (from its worker)."""

    task: Task
    progress: Progress


@dataclass
class TaskEnded(Message):
    """A task's end: ``state`` and the line that says how (engine text)."""

    task: Task
    state: EndState
    text: str


STATE_STYLE = {"running": "", "done": "green", "failed": "red", "cancelled": "yellow"}
STATE_MARK = {"done": "✔ done", "failed": "✖ failed", "cancelled": "■ cancelled"}
SUBJECT_LINES = 8


class TaskRow(Vertical):
    """One task. Focus it and press ``c`` to stop waiting for it."""

    can_focus = True
    BINDINGS = [Binding("c", "cancel_task", "Stop waiting")]

    def __init__(self, task: Task) -> None:
        super().__init__(id=f"task-{task.id}", classes="task-row")
        self.task_ = task

    def compose(self) -> ComposeResult:
        yield Label(
            styled(self.task_.label, " ", (self.task_.target, "bold")), classes="task-label"
        )
        with Horizontal(classes="task-progress"):
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, classes="task-bar")
            yield Label("", classes="task-pct")
        yield Label("", classes="task-stage")
        yield Label("", classes="task-step")
        yield Label("", classes="task-subjects")

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        t = self.task_
        bar = self.query_one(ProgressBar)
        pct = self.query_one(".task-pct", Label)
        if t.running and t.fraction is None:
            bar.update(total=None)  # indeterminate: an animated bar, no number
            pct.update("…")
        else:
            frac = t.fraction if t.fraction is not None else (1.0 if t.state == "done" else 0.0)
            bar.update(total=100, progress=round(100 * frac))
            pct.update(f"{round(100 * frac)}%")
        stage = self.query_one(".task-stage", Label)
        stage.update(message(t.stage_text()))
        stage.display = bool(t.stage_text())
        style = STATE_STYLE.get(t.state, "")
        step = message(t.step)
        if not t.running:
            step = styled(Text(STATE_MARK.get(t.state, t.state), style="bold"), ": ", step)
        if style:
            step.stylize(style)
        self.query_one(".task-step", Label).update(step)
        subj = self.query_one(".task-subjects", Label)
        keep = t.running or t.state == "failed"  # a failure shows where each VM was
        lines = list(t.subjects.values())[-SUBJECT_LINES:] if keep else []
        # "migrating host01 -> host04": the task already names host01; narrow panes cut lines
        lines = [x.replace(f" {t.target} -> ", " -> ") for x in lines]
        subj.update(safe_lines(*(["  ", x] for x in lines)))
        subj.display = bool(lines)
        self.set_class(not t.running, "finished")
        self.set_class(t.state == "failed", "failed")

    def action_cancel_task(self) -> None:
        if self.task_.running:
            self.task_.cancel.set()
            self.task_.step = "stopping the wait (the engine's work goes on)"
            self.sync()


class TasksPane(WorkerFailures, VerticalScroll):
    """Shown with ``t``: ovtui's tasks (started by :meth:`start`) and the engine's jobs."""

    DEFAULT_CSS = """
    TasksPane {
        width: 45%;
        min-width: 30;
        border-left: solid $accent;
        padding: 0 1;
    }
    TasksPane .task-row {
        height: auto;
        layout: vertical;
        margin-bottom: 1;
    }
    TasksPane .task-row:focus {
        background: $boost;
    }
    TasksPane .task-row.finished {
        color: $text-muted;
    }
    TasksPane .task-progress {
        height: 1;
    }
    TasksPane .task-bar {
        height: 1;
        width: 1fr;
    }
    TasksPane .task-bar Bar {
        width: 1fr;
    }
    TasksPane .task-pct {
        width: 6;
        padding-left: 1;
    }
    TasksPane .task-stage {
        color: $text-accent;
    }
    TasksPane .task-step, TasksPane .task-subjects {
        color: $text-muted;
    }
    TasksPane .task-row.failed .task-step {
        color: $text-error;
    }
    """

    LONG_TASK = 10.0  # seconds: a task this long that ends elsewhere rings the bell
    # Finished tasks shown (the newest; running ones are always kept). Every task kept its
    # row (7 widgets) and its Task for the whole session: an ovtui left open all day with
    # verbs run from it grew without bound (benchmarks/memgrowth.py, docs/memory.md).
    KEEP_FINISHED = 50

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.bells = 0  # times the bell was rung for a task that ended elsewhere
        self.tasks: dict[int, Task] = {}
        self._ids = itertools.count(1)
        self._task_of: dict[Worker, Task] = {}
        self._jobs_in_flight = False

    def compose(self) -> ComposeResult:
        yield Static("[b]Tasks[/b] (focus a task, [b]c[/b] stops waiting)", classes="pane-title")
        yield Static("No actions yet.", id="tasks-empty")
        yield Static("", id="engine-jobs")

    def on_unmount(self) -> None:
        """The app is ending: every task stops waiting (the engine's work goes on)."""
        for task in self.tasks.values():
            task.cancel.set()

    # ------------------------------------------------------------------ ovtui's tasks
    def start(
        self, action: Action, targets: list[Any], params: dict[str, Any], total: int | None
    ) -> list[Task]:
        """One task per target object, each in its own thread worker (``total``: the hosts
        of a rolling upgrade, shown as "done / total")."""
        started = []
        for obj in targets:
            name = (getattr(obj, "name", None) or getattr(obj, "id", "")) if obj is not None else ""
            task = Task(next(self._ids), action.label, name, total=total, where=self._where())
            self.tasks[task.id] = task
            self.add_task(task)
            worker = self.run_worker(
                partial(self._perform, task, action, obj, params),
                name=f"task {task.id}: {action.label}",
                group="actions",
                thread=True,
                exit_on_error=False,
            )
            self._task_of[worker] = task
            started.append(task)
        return started

    def _perform(self, task: Task, action: Action, obj: Any, params: dict[str, Any]) -> None:
        """In the task's worker thread: run the action, post its progress and its end."""
        with self.app.pool.lease() as conn:  # type: ignore[attr-defined]
            ctx = ActionContext(  # no timeout: each wait uses the verb's own default
                connection=conn,
                report=lambda p: self.post_message(TaskProgress(task, p)),
                cancel=task.cancel,
                selector=Selector(id=getattr(obj, "id", None)) if obj is not None else Selector(),
                readonly=self.app.readonly,  # type: ignore[attr-defined]
            )
            result = action.perform(ctx, obj, params)
        ok = getattr(result, "ok", True)
        text = getattr(result, "message", "") or "done"
        self.post_message(TaskEnded(task, "done" if ok else "failed", text))

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        task = self._task_of.get(worker)
        if task is None:  # the jobs poll
            self._jobs_in_flight = False
            self.set_jobs(None, error.message)
            return
        state: EndState = "cancelled" if isinstance(error, Cancelled) else "failed"
        self.post_message(TaskEnded(task, state, " ".join(error.lines())))

    def on_task_progress(self, event: TaskProgress) -> None:
        event.stop()
        p = event.progress
        event.task.apply(p.step, p.message, p.fraction, p.subject)
        self.update_task(event.task)

    def on_task_ended(self, event: TaskEnded) -> None:
        """Show it here and in a notification; the message bubbles on to the screen."""
        task = event.task
        task.state, task.step = event.state, event.text
        if event.state == "done":
            task.fraction = 1.0
        self._task_of = {w: t for w, t in self._task_of.items() if t is not task}
        self.update_task(task)
        self._drop_old_finished()
        sev = {"done": "information", "failed": "error", "cancelled": "warning"}[event.state]
        took = time.monotonic() - task.started
        if took >= self.LONG_TASK and self._where() != task.where and event.state != "cancelled":
            # a long task ended while the operator is on another screen or tab: say so louder
            self.bells += 1
            self.app.bell()
            self.app.notify(
                f"{task.label} {task.target}: {event.text}",
                title=f"Task {event.state} after {took:.0f} s",
                severity=sev,
                timeout=15,
            )
            return
        self.app.notify(f"{task.label} {task.target}: {event.text}", severity=sev, timeout=6)

    def _where(self) -> tuple[int, str | None]:
        """Where the operator is: the screen shown (under any dialog: a verb's form or
        confirmation is not elsewhere) and its tab (main screen) if any."""
        from textual.screen import ModalScreen

        stack = self.app.screen_stack
        screen = next(
            (s for s in reversed(stack) if not isinstance(s, ModalScreen)), self.app.screen
        )
        return id(screen), getattr(screen, "current", None)

    def running(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.running]

    def add_task(self, task: Task) -> None:
        self.query_one("#tasks-empty").display = False
        self.mount(TaskRow(task), before=self.query_one("#engine-jobs"))

    def _drop_old_finished(self) -> None:
        """Forget the oldest finished tasks beyond KEEP_FINISHED: their rows and entries."""
        finished = [t.id for t in self.tasks.values() if not t.running]
        old = set(finished[: max(0, len(finished) - self.KEEP_FINISHED)])
        if not old:
            return
        for tid in old:
            del self.tasks[tid]
        for row in self.query(TaskRow):
            if row.task_.id in old:
                row.remove()

    def update_task(self, task: Task) -> None:
        for row in self.query(TaskRow):
            if row.task_.id == task.id:
                row.sync()

    # ------------------------------------------------------------------ the engine's jobs
    def poll_jobs(self) -> None:
        if self._jobs_in_flight:
            return
        self._jobs_in_flight = True
        self._fetch_jobs()

    @work(thread=True, exclusive=True, group="jobs", exit_on_error=False)
    def _fetch_jobs(self) -> None:
        jobs = self.app.browser.running_jobs()  # type: ignore[attr-defined]
        self.app.call_from_thread(self._got_jobs, jobs)

    def _got_jobs(self, jobs: list[Any]) -> None:
        self._jobs_in_flight = False
        self.set_jobs(jobs)

    def set_jobs(self, jobs: list[Any] | None, error: str | None = None) -> None:
        box = self.query_one("#engine-jobs", Static)
        if error:
            box.update(safe_lines(Text("Engine jobs", style="bold"), [(error, "red")]))
            return
        if not jobs:
            box.update("[b]Engine jobs[/b]\nnone running")
            return
        rows: list[Any] = [Text("Engine jobs", style="bold")]
        rows += [["• ", j.description or ""] for j in jobs[:20]]
        box.update(safe_lines(*rows))
