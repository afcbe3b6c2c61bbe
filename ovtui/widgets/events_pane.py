"""The events pane: follows the engine's new events with ``from=`` (the last id seen)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker

from ovtui.actions.base import ActionError
from ovtui.actions.browse import PathNotServed

from .columns import STATUS_STYLE, enum, fmt_time
from .safe import cell
from .status_line import StatusLine
from .workers import WorkerFailures


class EventsPane(WorkerFailures, Vertical):
    """Newest events at the top; polls only while shown."""

    MAX_ROWS = 200

    class Got(Message):
        def __init__(self, events: list[Any]) -> None:
            super().__init__()
            self.events = events

    class Failed(Message):
        def __init__(self, error: ActionError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.last_id: int | None = None
        self.in_flight = False
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("[b]Events[/b] (following)", classes="pane-title")
        yield StatusLine(classes="view-message")
        table = DataTable(cursor_type="row", id="events-table")
        yield table

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        t.add_column("Severity", key="sev")
        t.add_column("Time", key="time")
        t.add_column("Message", key="msg")

    def poll(self) -> None:
        if self.in_flight:
            return
        self.in_flight = True
        self._fetch(self.last_id)

    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def _fetch(self, last_id: int | None) -> None:
        self.post_message(self.Got(self.app.browser.events_since(last_id)))

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        self.post_message(self.Failed(error))

    def on_events_pane_got(self, event: Got) -> None:
        event.stop()
        self.in_flight = False
        self._message("")
        table = self.query_one(DataTable)
        for e in event.events:
            eid = int(e.id)
            if self.last_id is not None and eid <= self.last_id:
                continue
            key = str(eid)
            if key in table.rows:
                continue
            sev = enum(e.severity)
            table.add_row(
                Text(sev, style=STATUS_STYLE.get(sev, "")),
                Text(fmt_time(e.time)),
                cell(e.description or ""),
                key=key,
            )
            self.last_id = max(self.last_id or 0, eid)
            self.count += 1
        # newest first
        if event.events:
            table.sort("time", key=lambda t: t.plain, reverse=True)
            while table.row_count > self.MAX_ROWS:
                oldest = min(table.rows, key=lambda k: int(k.value))
                table.remove_row(oldest)

    def on_events_pane_failed(self, event: Failed) -> None:
        event.stop()
        self.in_flight = False
        if isinstance(event.error, PathNotServed):
            self._message(
                "This engine does not serve /events (404): there are no events to follow here.",
            )
        else:
            self._message(f"{event.error.message} Retrying.")

    def _message(self, text: str) -> None:
        self.query_one(StatusLine).say(text, "error")
