"""One main tab: its title (query, page), an in-place message line and the keyed table."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from ovtui.actions.base import ActionError, ConnectError
from ovtui.actions.browse import PageResult, PathNotServed
from ovtui.actions.registry import NOUNS

from .columns import columns_for, row_cells
from .resource_table import ResourceTable
from .safe import styled
from .sorting import engine_field, with_sortby
from .status_line import StatusLine
from .workers import WorkerFailures


class ResourceView(WorkerFailures, Vertical):
    """A main tab. Engine I/O runs in a thread worker; ``_apply`` runs on the UI thread."""

    class Loaded(Message):
        def __init__(self, view: ResourceView, result: PageResult, rows: list) -> None:
            super().__init__()
            self.view, self.result, self.rows = view, result, rows

    class Failed(Message):
        def __init__(self, view: ResourceView, error: ActionError) -> None:
            super().__init__()
            self.view, self.error = view, error

    def __init__(self, noun: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.noun = noun
        self.search = ""
        self.page = 1
        self.advanced = False
        self.objects: dict[str, Any] = {}
        self.loaded_once = False
        self.failures = 0
        self.retry_at = 0.0
        self.in_flight = False
        self.generation = 0
        self.sort: tuple[str, bool] | None = None  # engine sort: (column key, descending)
        self.sort_unconfirmed = False  # no answer yet with this sortby
        self._title: Text | None = None  # the title shown (a refresh seldom changes it)

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), classes="view-title")
        yield StatusLine(classes="view-message")
        yield ResourceTable(id=f"table-{self.noun}")

    def on_mount(self) -> None:
        self.table.set_columns([(c.key, c.title) for c in columns_for(self.noun, self.advanced)])

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def title_text(self) -> Text:
        noun = NOUNS[self.noun]
        parts: list[Any] = [Text(noun.title, style="bold")]
        if self.search:
            parts.append(styled("search: ", (self.search, "italic")))
        sort = self.sort_text()
        if sort:
            head, _, rest = sort.partition(" (")
            parts.append(
                styled("sort: ", (head[len("sort: ") :], "bold"), f" ({rest}" if rest else "")
            )
        parts.append(Text(f"page {self.page}"))
        if self.loaded_once:
            parts.append(Text(f"{len(self.objects)} shown"))
        if self.table_marks():
            parts.append(Text(f"{self.table_marks()} marked"))
        return Text(" · ").join(parts)

    def sort_text(self) -> str:
        """``sort: Name ↑`` (plain text; ``(this page only)`` when the engine cannot)."""
        arrow = {False: "↑", True: "↓"}
        titles = {c.key: c.title for c in columns_for(self.noun, self.advanced)}
        if self.sort is not None:
            key, desc = self.sort
            return f"sort: {titles.get(key, key)} {arrow[desc]}"
        try:
            t = self.table
        except Exception:  # noqa: BLE001 - before compose
            return ""
        if t.sort_col is not None and t.sort_col < len(t.col_keys):
            key = t.col_keys[t.sort_col]
            return f"sort: {titles.get(key, key)} {arrow[t.sort_reverse]} (this page only)"
        return ""

    def current_sort(self) -> tuple[str, bool] | None:
        if self.sort is not None:
            return self.sort
        t = self.table
        if t.sort_col is not None and t.sort_col < len(t.col_keys):
            return (t.col_keys[t.sort_col], t.sort_reverse)
        return None

    def sort_column(self, key: str) -> None:
        """A header click: ascending, descending, then engine order."""
        cur = self.current_sort()
        if cur is not None and cur[0] == key:
            self.apply_sort(None if cur[1] else (key, True))
        else:
            self.apply_sort((key, False))

    def cycle_sort(self) -> None:
        """``o``: first column ascending, descending, next column..., engine order."""
        keys = self.table.col_keys
        cur = self.current_sort()
        if cur is None:
            new: tuple[str, bool] | None = (keys[0], False) if keys else None
        elif not cur[1]:
            new = (cur[0], True)
        else:
            i = keys.index(cur[0]) + 1 if cur[0] in keys else len(keys)
            new = (keys[i], False) if i < len(keys) else None
        self.apply_sort(new)

    def apply_sort(self, sort: tuple[str, bool] | None) -> None:
        """Sort by the engine (``sortby``, across pages) when it can; else on this page."""
        engine = sort is not None and self.engine_sortable(sort[0])
        had_engine = self.sort is not None
        self.sort = sort if engine else None
        self.sort_unconfirmed = engine
        t = self.table
        if sort is not None and not engine:
            t.set_sort(t.col_keys.index(sort[0]), sort[1])
        elif t.sort_col is not None:
            t.set_sort(None)
        if engine or had_engine:
            self.page = 1  # a new order starts at its first page
            self.reload()
        self.update_title()

    def engine_sortable(self, key: str) -> bool:
        if not NOUNS[self.noun].searchable or engine_field(self.noun, key) is None:
            return False
        return "sortby" not in self.search.lower().split()

    def query_text(self) -> str:
        """The engine search sent: the user's search plus the sort."""
        if self.sort is None:
            return self.search
        key, desc = self.sort
        return with_sortby(self.search, engine_field(self.noun, key), desc)

    def table_marks(self) -> int:
        try:
            return len(self.table.marks)
        except Exception:  # noqa: BLE001 - before compose
            return 0

    def update_title(self) -> None:
        # unchanged (most refreshes): not updated, as each update lays the screen out again
        title = self.title_text()
        if title != self._title:
            self._title = title
            self.query_one(".view-title", Static).update(title)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def set_query(self, search: str | None = None, page: int | None = None) -> None:
        if search is not None and search != self.search:
            self.search = search
            self.page = 1
            if "sortby" in search.lower().split():
                self.sort = None  # the user's own sortby wins
        if page is not None:
            self.page = max(1, page)
        self.update_title()
        self.reload()

    def toggle_advanced(self) -> None:
        self.advanced = not self.advanced
        self.table.set_columns([(c.key, c.title) for c in columns_for(self.noun, self.advanced)])
        self.reload()

    # ---------------------------------------------------------------- loading
    def reload(self) -> None:
        self.generation += 1
        self.in_flight = True
        self._load(self.noun, self.query_text(), self.page, self.advanced, self.generation)

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _load(self, noun: str, search: str, page: int, advanced: bool, gen: int) -> None:
        worker = get_current_worker()
        early = self.app.browser.take_prefetched(noun, search, page)
        if early is not None:
            result = early.result()  # read while the app started
        else:
            result = self.app.browser.page(noun, search, page, resolve=False)
        if worker.is_cancelled or gen != self.generation:
            return
        cols = columns_for(noun, advanced)
        rows = [(o.id, row_cells(noun, o, result.names, cols)) for o in result.objects]
        self.post_message(self.Loaded(self, result, rows))  # on screen before its names
        if not self.app.browser.resolve_names(result):
            return  # the cache had them all: no request
        if worker.is_cancelled or gen != self.generation:
            return
        rows = [(o.id, row_cells(noun, o, result.names, cols)) for o in result.objects]
        self.post_message(self.Loaded(self, result, rows))

    def worker_failed(self, worker: Worker, error: ActionError) -> None:
        """The page could not be read: a ``Failed`` message (the app's header hears it too)."""
        self.post_message(self.Failed(self, error))

    def on_resource_view_loaded(self, event: Loaded) -> None:
        if event.view is not self:
            return
        self.in_flight = False
        if event.result.search != self.query_text() or event.result.page != self.page:
            return  # an answer to an older query
        self.sort_unconfirmed = False
        self.objects = {o.id: o for o in event.result.objects}
        self.table.apply_rows(event.rows)
        self.failures, self.retry_at = 0, 0.0
        self.loaded_once = True
        if not event.rows:
            empty = "No match." if self.search else "Nothing here."
            if self.page > 1:
                empty = styled(f"No rows on page {self.page}: ", Text("[", "bold"), " goes back.")
            self.status.say(empty)
        elif self.status.has_class("shown") or self.status.has_class("error"):
            self.status.say("")  # (hidden already: not laid out again on every refresh)
        self.update_title()

    def on_resource_view_failed(self, event: Failed) -> None:
        if event.view is not self:
            return
        self.in_flight = False
        self.failures += 1
        refresh = getattr(self.app, "refresh_interval", 5.0) or 5.0
        delay = min(60.0, refresh * (2 ** min(self.failures - 1, 4)))
        self.retry_at = time.monotonic() + delay
        err = event.error
        if self.sort is not None and self.sort_unconfirmed and not isinstance(err, ConnectError):
            # the engine refused this sortby: sort the page here instead, and say so
            key, desc = self.sort
            self.sort, self.sort_unconfirmed = None, False
            self.failures, self.retry_at = 0, 0.0
            self.table.set_sort(self.table.col_keys.index(key), desc)
            self.app.notify(
                f"The engine cannot sort by {key} ({err.message}); sorted on this page only.",
                severity="warning",
            )
            self.update_title()
            self.reload()
            return
        if isinstance(err, PathNotServed):
            text = f"{err.message} This tab is not available on this engine."
        else:
            kept = " Showing what was last loaded." if self.objects else ""
            text = f"{err.message}{kept} Retrying in {delay:.0f}s."
        self.status.say(text, "error")

    def due(self) -> bool:
        return not self.in_flight and time.monotonic() >= self.retry_at

    def on_resource_table_sort_requested(self, event: ResourceTable.SortRequested) -> None:
        event.stop()
        self.sort_column(event.key)

    def on_resource_table_marks_changed(self, event: ResourceTable.MarksChanged) -> None:
        self.update_title()

    def selected_objects(self) -> list[Any]:
        return [self.objects[k] for k in self.table.selection() if k in self.objects]

    def highlighted(self) -> Any | None:
        key = self.table.current_key
        return self.objects.get(key) if key else None
