"""The tasks pane: ovtui's own running actions (progress bar, last step) and the engine's jobs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, ProgressBar, Static


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

    @property
    def running(self) -> bool:
        return self.state == "running"


STATE_STYLE = {"running": "", "done": "green", "failed": "red", "cancelled": "yellow"}


class TaskRow(Horizontal):
    """One task. Focus it and press ``c`` to stop waiting for it."""

    can_focus = True
    BINDINGS = [Binding("c", "cancel_task", "Stop waiting")]

    def __init__(self, task: Task) -> None:
        super().__init__(id=f"task-{task.id}", classes="task-row")
        self.task_ = task

    def compose(self) -> ComposeResult:
        yield Label(f"{self.task_.label} [b]{self.task_.target}[/b]", classes="task-label")
        yield ProgressBar(total=100, show_eta=False, classes="task-bar")
        yield Label("", classes="task-step")

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        t = self.task_
        bar = self.query_one(ProgressBar)
        if t.fraction is not None:
            bar.update(total=100, progress=round(100 * t.fraction))
        elif t.state != "running":
            bar.update(total=100, progress=100)
        else:
            bar.update(total=None)
        style = STATE_STYLE.get(t.state, "")
        step = t.step.replace("[", "\\[")
        self.query_one(".task-step", Label).update(f"[{style}]{step}[/]" if style else step)
        self.set_class(not t.running, "finished")

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
            box.update(f"[b]Engine jobs[/b]\n[red]{error}[/red]")
            return
        if not jobs:
            box.update("[b]Engine jobs[/b]\nnone running")
            return
        lines = ["[b]Engine jobs[/b]"]
        for j in jobs[:20]:
            desc = (j.description or "").replace("[", "\\[")
            lines.append(f"• {desc}")
        box.update("\n".join(lines))
