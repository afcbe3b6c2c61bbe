"""Small modal screens: confirmation naming the objects, the keys help, a verb's form."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static
from textual.worker import Worker

from ovtui.actions.base import Action, ActionError, Param
from ovtui.widgets.safe import LINE, cell, markup_escape, message, styled
from ovtui.widgets.workers import WorkerFailures

from .answers import answer


def _name_parts(names: list[str]) -> list[str]:
    """Object names for ``styled``: each one engine text, cut on its own, comma-separated."""
    out: list[str] = []
    for i, n in enumerate(names):
        out += [", ", n] if i else [n]
    return out


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no for a dangerous verb: the action's question, then every object it will act on."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, names: list[str]) -> None:
        super().__init__()
        self.question = question
        self.names = names

    def compose(self) -> ComposeResult:
        more = f" and {len(self.names) - 20} more" if len(self.names) > 20 else ""
        with Vertical(classes="dialog"):
            yield Static(styled((self.question, "bold")), classes="dialog-title")
            yield Static(
                styled(*_name_parts(self.names[:20]), more, limit=LINE), classes="dialog-body"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class HelpScreen(ModalScreen[None]):
    """``?``: the keys of the screen it was opened on."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        lines = [f"[b]{markup_escape(k):>12}[/b]  {markup_escape(d)}" for k, d in self.rows]
        with VerticalScroll(classes="dialog help"):
            yield Static("[b]Keys[/b] (escape closes)", classes="dialog-title")
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)


# Param kinds that pick an engine object: (noun, search to offer)
PICKERS = {
    "host": "host",
    "cluster": "cluster",
    "template": "template",
    "storagedomain": "storagedomain",
    "network": "network",
}


class VerbForm(WorkerFailures, ModalScreen[dict[str, Any] | None]):
    """A form built from an action's Params; object pickers are Selects fed by the engine."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Run")]

    def __init__(self, action: Action, targets: list[Any]) -> None:
        super().__init__()
        self.action_ = action
        self.targets = targets

    def compose(self) -> ComposeResult:
        a = self.action_
        names = _name_parts([getattr(t, "name", None) or t.id for t in self.targets[:5]])
        with VerticalScroll(classes="dialog form"):
            yield Static(styled((a.label, "bold"), " ", *names), classes="dialog-title")
            yield Static(message(a.help), classes="dialog-body")
            for p in a.params:
                yield from self._field(p)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Run (ctrl+s)", variant="primary", id="run")
                yield Button("Cancel (esc)", id="cancel")

    def _field(self, p: Param) -> ComposeResult:
        label = p.help + (" (required)" if p.required else "")
        fid = f"p-{p.name}"
        if p.kind == "flag":
            yield Checkbox(markup_escape(label), value=bool(p.default), id=fid)
            return
        yield Label(markup_escape(label))
        if p.choices:
            opts = [(c, c) for c in p.choices]
            yield Select(opts, value=p.default if p.default in p.choices else Select.NULL, id=fid)
        elif p.kind in PICKERS and p.repeat:
            yield SelectionList[str](id=fid, classes="multi-pick")  # space ticks several
        elif p.kind in PICKERS:
            yield Select([], prompt="loading...", id=fid)
        else:
            value = "" if p.default is None else str(p.default)
            yield Input(value=value, id=fid, type="integer" if p.kind == "int" else "text")

    def on_mount(self) -> None:
        for p in self.action_.params:
            if p.kind in PICKERS and not p.choices:
                self._load_choices(p)
        # enter runs with the defaults unless something must be filled in
        if any(p.required for p in self.action_.params):
            self.query("Input, Select, Checkbox").first().focus()
        else:
            self.query_one("#run", Button).focus()

    def _load_choices(self, p: Param) -> None:
        self.run_worker(
            partial(self._choices_of, p),
            name=p.name,  # worker_failed reads the field from it
            group="form",
            thread=True,
            exit_on_error=False,
        )

    def _choices_of(self, p: Param) -> None:
        """In a worker thread."""
        opts = self.app.browser.choices(p.kind, self.targets[0] if self.targets else None)
        answer(self, self._set_choices, p, opts)

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        """A picker could not be filled: said, and the picker shows it has nothing."""
        if self not in self.app.screen_stack:
            return
        p = next(p for p in self.action_.params if p.name == worker.name)
        self.app.notify(f"Cannot list {p.kind}s: {error.message}", severity="error")
        self._set_choices(p, [])

    def _set_choices(self, p: Param, opts: list[tuple[str, str]]) -> None:
        w = self.query_one(f"#p-{p.name}")
        if isinstance(w, SelectionList):
            w.clear_options()
            w.add_options([(cell(label), value) for label, value in opts])
            if not opts:
                w.border_title = f"no {p.kind}s"
            return
        assert isinstance(w, Select)
        w.set_options([(cell(label), value) for label, value in opts])
        if p.required:
            w.prompt = "(pick one)"
        elif p.kind == "host":
            w.prompt = "(let the engine choose)"
        else:
            w.prompt = "(none)"
        if p.default is not None and any(v == p.default for _, v in opts):
            w.value = p.default

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in self.action_.params:
            w = self.query_one(f"#p-{p.name}")
            if isinstance(w, Checkbox):
                out[p.name] = w.value
            elif isinstance(w, SelectionList):
                out[p.name] = list(w.selected) or None
            elif isinstance(w, Select):
                out[p.name] = None if w.is_blank() else w.value
            elif isinstance(w, Input):
                v = w.value.strip()
                if p.kind == "int":
                    out[p.name] = int(v) if v else p.default
                else:
                    out[p.name] = v or p.default
            if p.repeat and out.get(p.name) is not None and not isinstance(out[p.name], list):
                out[p.name] = [out[p.name]]
        return out

    def action_submit(self) -> None:
        vals = self.values()
        missing = [
            p.name for p in self.action_.params if p.required and vals.get(p.name) in (None, "")
        ]
        if missing:
            self.notify(f"Required: {', '.join(missing)}", severity="warning")
            return
        self.dismiss(vals)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            self.action_submit()
        else:
            self.dismiss(None)
