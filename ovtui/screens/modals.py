"""Small modal screens: confirmation naming the objects, the keys help, a verb's form."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterable
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Collapsible,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)
from textual.worker import Worker

from ovtui.actions.base import Action, ActionError, Param, Result
from ovtui.actions.cloud_init import CI_NAMES
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
        # Text, not markup: a key such as "[" made "[b]  [[/b]" shown as it was written
        keys = Text("\n").join(Text.assemble((k.rjust(12), "bold"), "  ", d) for k, d in self.rows)
        with VerticalScroll(classes="dialog help"):
            yield Static("[b]Keys[/b] (escape closes)", classes="dialog-title")
            yield Static(keys)

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


# Collapsed sections of a form, so that it stays short: (title, the params in it, a flag
# param ticked when any of the section is filled in: ``vm start``'s run-once switch).
SECTIONS: tuple[tuple[str, frozenset[str], str | None], ...] = (
    ("cloud-init", CI_NAMES | {"cloud_init"}, "cloud_init"),
)
# A flag that would ask on the terminal (the TUI owns it): the form has a masked field instead,
# whose value reaches the verb as a private file in its other param (see ``with_secrets``).
SECRET_FLAGS = {"ci_password_prompt": "ci_password_file"}


@dataclasses.dataclass(frozen=True)
class Secret:
    """A value typed in a masked field; never shown, never in a repr."""

    value: str = dataclasses.field(repr=False)


def with_secrets(action: Action, params: dict[str, Any]) -> tuple[Action, dict[str, Any]]:
    """``action`` and ``params`` to run; a :class:`Secret` param goes to the verb as the path of
    a file (mode 600, in a private directory) that exists only while the verb runs."""
    secrets = {k: v for k, v in params.items() if isinstance(v, Secret)}
    if not secrets:
        return action, params
    plain = {k: v for k, v in params.items() if k not in secrets}
    inner = action.run

    def run(ctx: Any, target: Any, **kw: Any) -> Result:
        tmp = tempfile.mkdtemp(prefix="ovtui-")  # 0700
        try:
            for name, secret in secrets.items():
                path = os.path.join(tmp, name)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(secret.value)
                kw[name] = path
            return inner(ctx, target, **kw)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    return dataclasses.replace(action, run=run), plain


class VerbForm(WorkerFailures, ModalScreen[dict[str, Any] | None]):
    """A form built from an action's Params; object pickers are Selects fed by the engine.
    ``values`` pre-fills fields (a sub-tab verb's selected row); the params of a ``SECTIONS``
    entry sit in a collapsed section."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Run")]

    def __init__(
        self,
        action: Action,
        targets: list[Any],
        values: dict[str, Any] | None = None,
        about: str | None = None,
    ) -> None:
        super().__init__()
        self.action_ = action
        self.targets = targets
        self.prefill = {k: v for k, v in (values or {}).items() if v is not None}
        self.about = about  # the sub-object it acts on ("disk web1_Disk1"): engine text

    def compose(self) -> ComposeResult:
        a = self.action_
        names = _name_parts([getattr(t, "name", None) or t.id for t in self.targets[:5]])
        about = [" › ", self.about] if self.about else []
        with VerticalScroll(classes="dialog form"):
            yield Static(styled((a.label, "bold"), " ", *names, *about), classes="dialog-title")
            yield Static(message(a.help), classes="dialog-body")
            grouped = {n for _, names_, _ in SECTIONS for n in names_}
            for p in a.params:
                if p.name not in grouped:
                    yield from self._field(p)
            for title, members, _switch in SECTIONS:
                inside = [p for p in a.params if p.name in members]
                if inside:
                    with Collapsible(title=title, collapsed=True, id=f"section-{title}"):
                        for p in inside:
                            yield from self._field(p)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Run (ctrl+s)", variant="primary", id="run")
                yield Button("Cancel (esc)", id="cancel")

    def _field(self, p: Param) -> ComposeResult:
        label = p.help + (" (required)" if p.required else "")
        fid = f"p-{p.name}"
        if p.name in SECRET_FLAGS:
            yield Label(markup_escape(p.help.split(":")[0] + ": password (masked)"))
            yield Input(id=fid, password=True)
            return
        if p.kind == "flag":
            yield Checkbox(markup_escape(label), value=bool(self._start(p)), id=fid)
            return
        yield Label(markup_escape(label))
        start = self._start(p)
        if p.choices:
            opts = [(c, c) for c in p.choices]
            yield Select(opts, value=start if start in p.choices else Select.NULL, id=fid)
        elif p.kind in PICKERS and p.repeat:
            yield SelectionList[str](id=fid, classes="multi-pick")  # space ticks several
        elif p.kind in PICKERS:
            yield Select([], prompt="loading...", id=fid)
        else:
            value = "" if start is None else str(start)
            yield Input(value=value, id=fid, type="integer" if p.kind == "int" else "text")

    def _start(self, p: Param) -> Any:
        """What the field shows first: the pre-filled value, else the param's default."""
        return self.prefill.get(p.name, p.default)

    def on_mount(self) -> None:
        for p in self.action_.params:
            if p.kind in PICKERS and not p.choices:
                self._load_choices(p)
        self._first_focus().focus()

    def _first_focus(self) -> Any:
        """The field to fill in: a required empty one; with a pre-filled subject, the first
        empty text field (disk-resize: the size); else Run (enter runs with the defaults)."""
        params = [p for p in self.action_.params if p.name not in self.prefill]
        empty = [p for p in params if p.required and p.default is None]
        if not empty and self.prefill:
            empty = [p for p in params if p.kind not in ("flag", *PICKERS) and not p.choices]
            empty = [p for p in empty if p.default is None and not self._grouped(p)]
        if empty:
            return self.query_one(f"#p-{empty[0].name}")
        return self.query_one("#run", Button)

    @staticmethod
    def _grouped(p: Param) -> bool:
        return any(p.name in members for _, members, _ in SECTIONS)

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """enter in a text field runs, as the Run button does."""
        event.stop()
        self.action_submit()

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
        start = self._start(p)
        if start is not None and any(v == start for _, v in opts):
            w.value = start

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        secrets: dict[str, Secret] = {}
        for p in self.action_.params:
            w = self.query_one(f"#p-{p.name}")
            if p.name in SECRET_FLAGS:
                assert isinstance(w, Input)
                out[p.name] = False  # never the terminal's prompt under the TUI
                if w.value:
                    secrets[SECRET_FLAGS[p.name]] = Secret(w.value)
                continue
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
        out.update(secrets)  # the masked field wins over its file
        for _title, members, switch in SECTIONS:
            if switch in out and _filled(out, members - {switch}):
                out[switch] = True  # cloud-init fields filled in: a run once with them
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


def _filled(values: dict[str, Any], names: Iterable[str]) -> bool:
    return any(values.get(n) not in (None, "", [], False) for n in names)
