"""Verbs on a sub-object, on the detail screen's sub-tab (docs/tui-subtabs.md).

A verb declared with ``subtab="vm_disks", subject="disk"`` has its key on (and in the footer,
first) only while the detail screen shows that sub-tab; its form starts with the selected row
as its ``disk``. The tasks it starts run in the main screen's tasks pane like any verb's, and
are also shown here, in a strip under the tabs; when one ends, its sub-tab loads again and the
object is fetched again (the General tab), without leaving the screen.
"""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, TabbedContent

from ovtui.actions.base import Action
from ovtui.actions.browse import SUBTABS
from ovtui.widgets.columns import Column, enum, fmt_time
from ovtui.widgets.tasks_pane import Task, TaskRow

WATCH_EVERY = 0.25  # seconds between two looks at the tasks started here (in memory)
STRIP_TASKS = 2  # the strip shows the last few tasks started from this screen


def _yes(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


# Columns of the sub-tabs whose rows are no main-tab type (the rest show name/status/text):
# what a sub-tab verb changes must be seen (a snapshot's status, a NIC's plugged state).
SUBTAB_COLUMNS: dict[tuple[str, str], list[Column]] = {
    ("vm", "snapshots"): [
        Column("description", "Description", lambda o, n: o.description or ""),
        Column("type", "Type", lambda o, n: enum(o.snapshot_type)),
        Column("status", "Status", lambda o, n: enum(o.snapshot_status)),
        Column("date", "Date", lambda o, n: fmt_time(o.date)),
        Column("memory", "Memory", lambda o, n: _yes(o.persist_memorystate)),
    ],
    ("vm", "nics"): [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("interface", "Interface", lambda o, n: enum(o.interface)),
        Column("mac", "MAC", lambda o, n: o.mac.address if o.mac is not None else ""),
        Column("plugged", "Plugged", lambda o, n: _yes(o.plugged)),
        Column("linked", "Linked", lambda o, n: _yes(o.linked)),
    ],
}


def subtab_columns(noun: str, key: str) -> list[Column]:
    return SUBTAB_COLUMNS.get((noun, key), [])


class SubtabTasks(VerticalScroll):
    """The tasks started from this detail screen, as the tasks pane draws them."""

    DEFAULT_CSS = """
    SubtabTasks {
        display: none;
        height: auto;
        max-height: 9;
        border-top: solid $accent;
        padding: 0 1;
    }
    SubtabTasks.shown {
        display: block;
    }
    SubtabTasks .task-row {
        height: auto;
    }
    SubtabTasks .task-row.finished {
        color: $text-muted;
    }
    SubtabTasks .task-progress, SubtabTasks .task-bar {
        height: 1;
    }
    SubtabTasks .task-bar {
        width: 1fr;
    }
    SubtabTasks .task-bar Bar {
        width: 1fr;
    }
    SubtabTasks .task-pct {
        width: 6;
        padding-left: 1;
    }
    SubtabTasks .task-step, SubtabTasks .task-subjects {
        color: $text-muted;
    }
    SubtabTasks .task-row.failed .task-step {
        color: $text-error;
    }
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.rows: list[TaskRow] = []  # shown (the ones being removed are not here)

    def add(self, task: Task) -> None:
        row = TaskRow(task)
        self.rows.append(row)
        for old in self.rows[:-STRIP_TASKS]:
            old.remove()
        self.rows = self.rows[-STRIP_TASKS:]
        self.mount(row)
        self.add_class("shown")
        self.call_after_refresh(self.scroll_end, animate=False)

    def sync(self) -> None:
        for row in self.rows:
            if row.is_mounted:  # composed: its bar and lines are there
                row.sync()


class SubtabVerbs:
    """Mixin for the detail screen, listed before :class:`~.verbs.VerbHost`. The screen has
    ``noun``, ``sub_objects`` (``sub-I`` -> row key -> object), ``loaded``, ``_load_sub(i)``,
    ``refresh_object()`` and a :class:`SubtabTasks` in its compose."""

    noun: str
    sub_objects: dict[str, dict[str, Any]]
    loaded: set[str]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.watched: list[tuple[Task, int | None]] = []  # running tasks, their sub-tab
        self._watch_timer: Timer | None = None

    # ------------------------------------------------------------------ which sub-tab
    def shown_subtab(self) -> int | None:
        """The index (in SUBTABS) of the sub-tab shown, or None (General, XML)."""
        active = self.query_one(TabbedContent).active  # type: ignore[attr-defined]
        return int(active[4:]) if active.startswith("tab-") and active[4:].isdigit() else None

    def subtab_index(self, key: str | None) -> int | None:
        for i, (_title, k, _jump) in enumerate(SUBTABS.get(self.noun, [])):
            if k == key:
                return i
        return None

    # ------------------------------------------------------------------ VerbHost
    def verb_subtab(self) -> str | None:
        i = self.shown_subtab()
        return None if i is None else SUBTABS[self.noun][i][1]

    def verb_subject(self, action: Action) -> Any | None:
        """The highlighted row of the verb's sub-tab, when that sub-tab is shown."""
        i = self.shown_subtab()
        if action.subject is None or i is None or action.subtab != self.verb_subtab():
            return None
        table = self.query_one(f"#sub-{i}", DataTable)  # type: ignore[attr-defined]
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.sub_objects.get(f"sub-{i}", {}).get(key)

    def verb_started(self, action: Action, tasks: list[Task]) -> None:
        """Show the tasks here too; reload their sub-tab (or the shown one) when they end."""
        i = self.subtab_index(action.subtab)
        if i is None:
            i = self.shown_subtab()
        strip = self.query_one(SubtabTasks)  # type: ignore[attr-defined]
        for task in tasks:
            self.watched.append((task, i))
            strip.add(task)
        if self.watched and self._watch_timer is None:
            self._watch_timer = self.set_interval(WATCH_EVERY, self._watch_tasks)  # type: ignore[attr-defined]

    def _watch_tasks(self) -> None:
        self.query_one(SubtabTasks).sync()  # type: ignore[attr-defined]
        ended = [(t, i) for t, i in self.watched if not t.running]
        if not ended:
            return
        self.watched = [(t, i) for t, i in self.watched if t.running]
        self.refresh_object()  # type: ignore[attr-defined]
        for i in sorted({i for _, i in ended if i is not None}):
            if f"tab-{i}" in self.loaded:
                self._load_sub(i)  # type: ignore[attr-defined]
        if not self.watched and self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
