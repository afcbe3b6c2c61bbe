"""A table of any listable noun that is not a main tab (``:tags``, ``:quotas``, ``:macpools``,
``:affinity``, ``:policies``, ``:users``...): the rows its ``list`` verb gives, as the main
tabs show theirs; ``enter`` opens the detail screen (the noun's ``show``), the noun's verbs
are in the footer and act on the highlighted row; ``escape`` goes back.

The rows come from the action layer (the same verb ``ovtui run NOUN list`` runs), read in a
thread worker; engine text reaches the table only through ``widgets.safe``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, get_current_worker

from ovtui.actions import registry
from ovtui.actions.base import ActionContext, ActionError, ReadOnlyRefused, Selector
from ovtui.actions.nouns import NOUNS
from ovtui.actions.selectors import one
from ovtui.render import cell as render_cell
from ovtui.render import dig
from ovtui.widgets.footer import Footer
from ovtui.widgets.resource_table import ResourceTable
from ovtui.widgets.safe import cell, styled
from ovtui.widgets.status_line import StatusLine
from ovtui.widgets.workers import WorkerFailures

from .modals import ConfirmScreen, VerbForm
from .verbs import VerbHost, verb_bindings

RELOAD_EVERY = 5.0  # seconds; a verb's task runs on the main screen, this table polls


def listable(noun: str) -> bool:
    """A noun whose ``list`` verb can fill a table."""
    return registry.get(noun, "list") is not None


def table_nouns(main_tabs: tuple[str, ...]) -> list[str]:
    """The listable nouns that are not main tabs, by title (the palette's ``table ...``)."""
    names = [n for n in NOUNS if n not in main_tabs and listable(n)]
    return sorted(names, key=lambda n: NOUNS[n].title)


def open_noun_table(app: Any, noun: str) -> None:
    app.push_screen(NounTableScreen(noun))


TITLES = {"vcpus": "vCPUs", "vms": "VMs", "vms_rule": "VMs rule", "id": "ID"}


def _title(key: str) -> str:
    if key in TITLES:
        return TITLES[key]
    return key.replace("_", " ").replace(".", " ").strip().capitalize()


def _row_object(item: Any) -> Any:
    """A row as an object with ``id`` and ``name`` (a summary row is a dict)."""
    return SimpleNamespace(**item) if isinstance(item, dict) else item


class NounTableScreen(WorkerFailures, VerbHost, Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "reload", "Refresh"),
        Binding("question_mark", "app.help", "Keys"),
        Binding("q", "app.quit", "Quit"),
        *verb_bindings(),
    ]

    def __init__(self, noun: str, name_filter: str = "") -> None:
        super().__init__()
        self.noun = noun
        self.name_filter = name_filter
        self.objects: dict[str, Any] = {}
        self.columns: tuple[str, ...] = ()
        self.loaded_once = False
        self.in_flight = False

    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), classes="view-title", id="noun-title")
        yield StatusLine(classes="view-message", id="noun-message")
        yield ResourceTable(id=f"nountable-{self.noun}")
        yield Footer()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def _title_text(self) -> Text:
        parts: list[Any] = [Text(NOUNS[self.noun].title, style="bold")]
        if self.name_filter:
            parts.append(styled("name: ", (self.name_filter, "italic")))
        if self.loaded_once:
            parts.append(Text(f"{len(self.objects)} shown"))
        parts.append(Text("(escape: back)", style="dim"))
        return Text(" · ").join(parts)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()
        self.set_interval(RELOAD_EVERY, self._tick)

    def _tick(self) -> None:
        if not self.in_flight and self.is_current:
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.in_flight = True
        self._load(self.noun, self.name_filter)

    def action_reload(self) -> None:
        self.reload()

    def _ctx(self, conn: Any, selector: Selector | None = None) -> ActionContext:
        app: Any = self.app
        return ActionContext(
            connection=conn, selector=selector or Selector(), readonly=bool(app.readonly)
        )

    @work(thread=True, exclusive=True, group="noun-table", exit_on_error=False)
    def _load(self, noun: str, name_filter: str) -> None:
        worker = get_current_worker()
        app: Any = self.app
        action = registry.get(noun, "list")
        if action is None:
            raise ActionError(f"{NOUNS[noun].plural} cannot be listed.")
        params = {p.name: p.default for p in action.params}
        with app.pool.lease() as conn:
            ctx = self._ctx(conn, Selector(name=name_filter or None))
            result = action.perform(ctx, None, params)
            items = list(result.data or [])
        if worker.is_cancelled:
            return
        cols = tuple(result.columns or NOUNS[noun].columns)
        objs = [_row_object(i) for i in items]
        rows = []
        for n, obj in enumerate(objs):
            key = str(getattr(obj, "id", None) or n)
            values = [render_cell(dig(obj, c), c, result.names) for c in cols]
            rows.append((key, tuple(cell(v) for v in values), obj))
        self.app.call_from_thread(self._apply, cols, rows)

    def _apply(self, cols: tuple[str, ...], rows: list[tuple[str, tuple[Text, ...], Any]]) -> None:
        self.in_flight = False
        if cols != self.columns:
            self.columns = cols
            self.table.set_columns([(c, _title(c)) for c in cols])
        self.objects = {key: obj for key, _cells, obj in rows}
        self.table.apply_rows([(key, cells) for key, cells, _obj in rows])
        self.loaded_once = True
        msg = self.query_one("#noun-message", StatusLine)
        msg.say("" if rows else "Nothing here.")
        self.query_one("#noun-title", Static).update(self._title_text())

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        self.in_flight = False
        self.query_one("#noun-message", StatusLine).say(error.message, "error")

    # ------------------------------------------------------------------ detail
    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        obj = self.objects.get(event.row_key.value or "")
        if obj is not None:
            self._show(self.noun, obj)

    @work(thread=True, group="noun-detail", exit_on_error=False)
    def _show(self, noun: str, obj: Any) -> None:
        """The noun's ``show`` of the row (a summary row becomes the engine's object)."""
        app: Any = self.app
        full = obj
        action = registry.get(noun, "show")
        if action is not None and getattr(obj, "id", None):
            with app.pool.lease() as conn:
                ctx = self._ctx(conn, Selector(id=obj.id))
                target = None if action.target == "none" else one(ctx, NOUNS[noun], ctx.selector)
                params = {p.name: p.default for p in action.params}
                full = action.perform(ctx, target, params).data
        if isinstance(full, SimpleNamespace):
            raise ActionError(f"{NOUNS[noun].name} {getattr(obj, 'name', '')} has no detail view.")
        self.app.call_from_thread(self._push_detail, noun, full)

    def _push_detail(self, noun: str, obj: Any) -> None:
        from .detail import DetailScreen

        self.app.push_screen(DetailScreen(noun, obj))

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ verbs
    def verb_noun(self) -> str:
        return self.noun

    def verb_targets(self) -> list[Any]:
        return [self.objects[k] for k in self.table.selection() if k in self.objects]

    def clear_marks(self) -> None:
        self.table.clear_marks()

    def action_verb(self, noun: str, verb: str, with_form: bool | None = None) -> None:
        """A verb that names its object after the verb (``quota remove NAME``, target
        "none") acts on the highlighted row: the task's selector is the row's id."""
        action = registry.get(noun, verb)
        subject = (
            action is not None
            and action.target == "none"
            and any(not p.flags[0].startswith("-") and p.nargs == "?" for p in action.params)
        )
        rows = self.verb_targets() if noun == self.noun else []
        if action is None or not subject or len(rows) != 1:
            super().action_verb(noun, verb, with_form)
            return
        app: Any = self.app
        try:
            action.check_allowed(app.readonly)
        except ReadOnlyRefused as refused:
            app.notify(refused.message, severity="warning")
            return
        row = rows[0]
        name = getattr(row, "name", None) or row.id

        def run(params: dict[str, Any]) -> None:
            app.start_action(action, [row], params, total=None)
            self.set_timer(1.0, self.reload)

        def got_params(params: dict[str, Any] | None) -> None:
            if params is None:
                return
            if not action.needs_confirmation(params):
                run(params)
                return
            app.push_screen(
                ConfirmScreen(f"{action.label} {name}?", [name]),
                lambda ok: run(params) if ok else None,
            )

        flags = [p for p in action.params if p.flags[0].startswith("-")]
        if (with_form if with_form is not None else bool(flags)) and flags:
            app.push_screen(VerbForm(action, [row]), got_params)
        else:
            got_params({p.name: p.default for p in action.params if p.default is not None})
