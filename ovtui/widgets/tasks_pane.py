"""The tasks pane: ovtui's own running actions (progress bar, last step) and the engine's jobs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, ProgressBar, Static

from .safe import lines as safe_lines
from .safe import message, styled


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


class TasksPane(VerticalScroll):
    """Shown with ``t``. Rows are added by the app as actions start."""

    def compose(self) -> ComposeResult:
        yield Static("[b]Tasks[/b] (focus a task, [b]c[/b] stops waiting)", classes="pane-title")
        yield Static("No actions yet.", id="tasks-empty")
        yield Static("", id="engine-jobs")

    def add_task(self, task: Task) -> None:
        self.query_one("#tasks-empty").display = False
        self.mount(TaskRow(task), before=self.query_one("#engine-jobs"))

    def update_task(self, task: Task) -> None:
        for row in self.query(TaskRow):
            if row.task_.id == task.id:
                row.sync()

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
