"""Confirmation of a verb with a plan (``Action.plan``: the VMs it moves): computed, then shown.

The plan is read from the engine in a thread worker while the dialog says "computing plan...".
When the plan says the VMs cannot all move, only Cancel is offered (and Force when the verb
has a ``force`` option). The dialog dismisses with ``(answer, preview)``; answer is ``"yes"``,
``"force"`` or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker

from ovtui.actions.base import ActionError, Preview
from ovtui.widgets.safe import lines, message, styled
from ovtui.widgets.workers import WorkerFailures

from .answers import answer

Answer = tuple[str | None, Preview | None]


def _names(names: list[str]) -> list[str]:
    out: list[str] = []
    for i, n in enumerate(names):
        out += [", ", n] if i else [n]
    return out


class PlanConfirmScreen(WorkerFailures, ModalScreen[Answer]):
    """``y`` yes (once the plan allows it), ``f`` force (when blocked and offered), ``n`` no."""

    BINDINGS = [
        Binding("y", "answer('yes')", "Yes"),
        Binding("f", "answer('force')", "Force"),
        Binding("n,escape", "answer(None)", "No"),
    ]

    def __init__(
        self, question: str, names: list[str], compute: Callable[[], Preview], can_force: bool
    ) -> None:
        super().__init__()
        self.question = question
        self.names = names
        self.compute = compute
        self.can_force = can_force
        self.preview: Preview | None = None
        self.error: str | None = None
        self.state = "computing"  # computing, ok, blocked, unknown

    def compose(self) -> ComposeResult:
        more = f" and {len(self.names) - 20} more" if len(self.names) > 20 else ""
        with Vertical(classes="dialog plan-dialog"):
            yield Static(styled((self.question, "bold")), classes="dialog-title")
            yield Static(styled(*_names(self.names[:20]), more), classes="dialog-body")
            with VerticalScroll(id="plan-scroll"):
                yield Static("computing plan...", id="plan-body", markup=False)
            yield Static("", id="plan-verdict")
            with Horizontal(classes="dialog-buttons", id="plan-buttons"):
                yield Button("Cancel (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
        self._compute()

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _compute(self) -> None:
        answer(self, self._show, self.compute(), None)

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        """Say it; the verb checks again anyway."""
        if self in self.app.screen_stack:
            self._show(None, " ".join(error.lines()))

    def _show(self, preview: Preview | None, error: str | None) -> None:
        self.preview, self.error = preview, error
        body = self.query_one("#plan-body", Static)
        verdict = self.query_one("#plan-verdict", Static)
        buttons = self.query_one("#plan-buttons", Horizontal)
        if preview is None:
            self.state = "unknown"
            body.update(message(f"Could not compute the plan: {error}"))
            verdict.update(Text("The verb checks again before it changes anything.", "yellow"))
            verdict.add_class("shown")
            buttons.mount(Button("Run anyway (y)", variant="error", id="yes"), before=0)
            return
        body.update(lines(*preview.lines) if preview.lines else Text("Nothing to move."))
        if preview.ok:
            self.state = "ok"
            buttons.mount(Button("Yes (y)", variant="error", id="yes"), before=0)
            return
        self.state = "blocked"
        verdict.update(
            lines(
                Text("Cannot go as planned:", style="bold red"),
                *([(b, "red")] for b in preview.blocked),
            )
        )
        verdict.add_class("shown")
        if self.can_force:
            buttons.mount(Button("Force (f)", variant="error", id="force"))

    def plan_text(self) -> str:
        """The dialog's text as shown (for tests and screen readers)."""
        parts = [str(w.render()) for w in self.query(Static)]
        return "\n".join(parts)

    def action_answer(self, answer: str | None) -> None:
        if answer == "yes" and self.state not in ("ok", "unknown"):
            return
        if answer == "force" and not (self.state == "blocked" and self.can_force):
            return
        self.dismiss((answer, self.preview))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer({"yes": "yes", "force": "force"}.get(event.button.id or ""))
