"""A DataTable keyed by object id, updated by diff so the cursor and marks stay on objects."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.widgets import DataTable

MARK = Text("●", style="bold yellow")
NO_MARK = Text(" ")  # every cell is a Text: a str cell would be read as markup

Row = tuple[str, tuple[Any, ...]]

# Cells are reused by value (see ResourceTable._by_value) in tables of this many rows or more:
# big pages are where a refresh changes many visible cells; a small table's few renders are
# not worth the cache's memory (up to VALUE_CACHE_SIZE renders, each a few Rich objects).
VALUE_CACHE_ROWS = 50
VALUE_CACHE_SIZE = 600


def _sort_value(cell: Any) -> Any:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    # numbers (with units) sort as numbers, the rest as text
    head = text.split(" ")[0].rstrip("%")
    try:
        num = float(head)
    except ValueError:
        return (1, 0.0, text.lower())
    unit = text.split(" ")[1] if " " in text else ""
    scale = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50}
    return (0, num * scale.get(unit, 1), text.lower())


def _value_key(datum: Any, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What a body cell's rendering depends on but its place: its text with its styles, and
    the look of ``key`` (column, styles, width, height, cursor, hover, pseudo-classes) less
    the row key and the row index. None: not cached by value (the header, not a Text)."""
    if not isinstance(datum, Text) or key[2] < 0:
        return None
    try:
        value = (datum.plain, tuple(datum.spans), datum.style, datum.justify, datum.overflow)
        return (value, datum.no_wrap, key[1], *key[3:])
    except TypeError:  # an unhashable style
        return None


def _width(cell: Any) -> int:
    return cell.cell_len if isinstance(cell, Text) else len(str(cell))


class ResourceTable(DataTable):
    """Rows keyed by object id; ``apply_rows`` diffs a fresh page into the table.

    ``space`` marks the highlighted row (a dot in the first column); marks are kept by key,
    so they follow the object across refreshes, sorts and pages.
    """

    BINDINGS = [
        Binding("space", "toggle_mark", "Mark", show=True),
    ]

    class MarksChanged(Message):
        def __init__(self, table: ResourceTable) -> None:
            super().__init__()
            self.table = table

    class SortRequested(Message):
        """A header was clicked; the view decides: engine sort or this page."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table, self.key = table, key

    def __init__(self, **kw: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kw)
        self.marks: set[str] = set()
        self.order: list[str] = []
        self.cells: dict[str, tuple[Any, ...]] = {}
        self.col_keys: list[str] = []
        self.sort_col: int | None = None
        self.sort_reverse = False
        self._raw: list[Row] = []
        # rendered cells by place and value (see _render_cell): a screenful of a page's
        # cells, with and without the cursor (DataTable's own cell cache is left as it is:
        # shrunk, keys answered more slowly while refreshing)
        self._cell_lines: LRUCache[tuple[Any, ...], tuple[Any, Any]] = LRUCache(2500)
        # rendered cells by value and look, whatever their place (see _by_value)
        self._value_lines: LRUCache[tuple[Any, ...], Any] = LRUCache(VALUE_CACHE_SIZE)
        self.value_hits = 0

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        """A body cell's lines, rendered again only when its value (the same object: an
        unchanged cell keeps the one it has) or its look changed. DataTable's own cache is
        keyed by its update count, so one changed cell of a refresh had every visible cell
        rendered again on the UI thread: keys typed meanwhile waited for it."""
        column_key = self._column_locations.get_key(column_index) if column_index >= 0 else None
        if column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if row_index == -1:  # the header: its label
            row_key, datum, height = self._header_row_key, self.columns[column_key].label, -1
        else:
            row_key = self._row_locations.get_key(row_index)
            row = self.rows.get(row_key) if row_key is not None else None
            if row_key is None or row is None:
                return super()._render_cell(
                    row_index, column_index, base_style, width, cursor, hover
                )
            datum, height = self._data[row_key].get(column_key), row.height
        key = (
            row_key,
            column_key,
            row_index,
            column_index,
            base_style,
            width,
            height,
            self.header_height,
            cursor,
            hover,
            self._show_hover_cursor,
            self.show_cursor,
            self._pseudo_class_state,
        )
        hit = self._cell_lines.get(key)
        if hit is not None and hit[0] is datum:
            return hit[1]
        by_value = self.row_count >= VALUE_CACHE_ROWS
        lines = self._by_value(datum, key, row_index, column_index) if by_value else None
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            vkey = _value_key(datum, key) if by_value else None
            if vkey is not None:
                self._value_lines[vkey] = lines
        self._cell_lines[key] = (datum, lines)
        return lines

    def _by_value(self, datum: Any, key: tuple[Any, ...], row: int, col: int) -> Any:
        """The lines of a cell with the same value and look rendered before (another row, an
        earlier refresh: a refresh changes CPU and memory cells, whose values recur), with
        this cell's place: Rich renders a cell in ~0.5 ms, and a refresh changed ~50
        visible cells, all on the UI thread while keys waited. The place is the only part
        of a rendered cell that depends on where it is (its ``row``/``column`` meta, for
        clicks), so it is set again; everything else of the look is in the key."""
        vkey = _value_key(datum, key)
        if vkey is None:
            return None
        lines = self._value_lines.get(vkey)
        if lines is None:
            return None
        self.value_hits += 1
        place = Style.from_meta({"row": row, "column": col})
        return [
            [Segment(seg.text, (seg.style or Style()) + place, seg.control) for seg in line]
            for line in lines
        ]

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._cell_lines.clear()
        self._value_lines.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        for name in ("_cell_lines", "_value_lines"):
            cells = getattr(self, name, None)  # (before __init__ ends)
            if cells is not None:
                cells.clear()

    def set_columns(self, cols: list[tuple[str, str]]) -> None:
        """(key, title) columns after the mark column; clears rows."""
        self.clear(columns=True)
        self.order, self.cells, self._raw = [], {}, []
        self.col_keys = [k for k, _ in cols]
        self.add_column(" ", key="_mark", width=1)
        for key, title in cols:
            self.add_column(title, key=key)

    @property
    def current_key(self) -> str | None:
        if not self.order or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        except Exception:  # noqa: BLE001 - empty or shrinking table
            return None

    def selection(self) -> list[str]:
        """Marked keys, or the highlighted one."""
        if self.marks:
            return [k for k in self.order if k in self.marks] or sorted(self.marks)
        key = self.current_key
        return [key] if key else []

    def _sorted(self, rows: list[Row]) -> list[Row]:
        if self.sort_col is None or self.sort_col >= len(self.col_keys):
            return rows
        i = self.sort_col
        return sorted(rows, key=lambda r: _sort_value(r[1][i]), reverse=self.sort_reverse)

    def apply_rows(self, rows: list[Row]) -> None:
        """Diff ``rows`` into the table: update changed cells, drop gone rows, add new ones.

        When the order of surviving rows changes the table is rebuilt; either way the cursor
        returns to the object it was on (or the same index when that object is gone).
        """
        self._raw = list(rows)
        rows = self._sorted(rows)
        new_order = [k for k, _ in rows]
        new_cells = dict(rows)
        cur_key, cur_row = self.current_key, self.cursor_row
        scroll_y = self.scroll_y
        surviving = [k for k in self.order if k in new_cells]
        if (
            surviving == [k for k in new_order if k in self.cells]
            and surviving == new_order[: len(surviving)]
        ):
            for k in self.order:
                if k not in new_cells:
                    self.remove_row(k)
            for k in surviving:
                old, new = self.cells[k], new_cells[k]
                for ci, (a, b) in enumerate(zip(old, new, strict=False)):
                    if a != b:
                        # widen only: the shrink path of DataTable rescans the column and
                        # can collapse it to the label's width
                        wider = _width(b) > _width(a)
                        self.update_cell(k, self.col_keys[ci], b, update_width=wider)
            for k in new_order[len(surviving) :]:
                self.add_row(self._mark_cell(k), *new_cells[k], key=k)
        else:
            self.clear()
            for k in new_order:
                self.add_row(self._mark_cell(k), *new_cells[k], key=k)
        self.order, self.cells = new_order, new_cells
        self._fit_columns()
        if cur_key in new_cells:
            self.move_cursor(row=self.get_row_index(cur_key), animate=False, scroll=False)
        elif new_order:
            self.move_cursor(row=min(max(cur_row, 0), len(new_order) - 1), animate=False)
        self.scroll_y = scroll_y

    def _fit_columns(self) -> None:
        """Column widths from this page's cells (DataTable's own auto width is lazy and can
        lag behind a diff; explicit widths keep the picture the same on every run). The
        table is laid out again only when a width changed (a refresh seldom changes one)."""
        changed = False
        for ci, key in enumerate(self.col_keys):
            col = self.columns.get(key)  # type: ignore[call-overload]
            if col is None:
                continue
            width = max([col.label.cell_len] + [_width(c[ci]) for c in self.cells.values()])
            width = min(width, 60)
            if col.width != width or col.auto_width:
                col.width, col.auto_width = width, False
                changed = True
        if changed:
            self._require_update_dimensions = True
        self.refresh()

    def _mark_cell(self, key: str) -> Text:
        return MARK if key in self.marks else NO_MARK

    def action_toggle_mark(self) -> None:
        key = self.current_key
        if key is None:
            return
        if key in self.marks:
            self.marks.discard(key)
        else:
            self.marks.add(key)
        self.update_cell(key, "_mark", self._mark_cell(key))
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)
        self.post_message(self.MarksChanged(self))

    def clear_marks(self) -> None:
        for key in list(self.marks):
            if key in self.cells:
                self.update_cell(key, "_mark", NO_MARK)
        self.marks.clear()
        self.post_message(self.MarksChanged(self))

    def sort_by(self, index: int) -> None:
        """Sort by column ``index`` (again: reverse, third time: engine order)."""
        if self.sort_col == index and not self.sort_reverse:
            self.sort_reverse = True
        elif self.sort_col == index:
            self.sort_col, self.sort_reverse = None, False
        else:
            self.sort_col, self.sort_reverse = index, False
        rows = self._raw
        self.order = []  # force a rebuild in the new order
        self.apply_rows(rows)

    def set_sort(self, col: int | None, reverse: bool = False) -> None:
        self.sort_col, self.sort_reverse = col, reverse
        rows = self._raw
        self.order = []
        self.apply_rows(rows)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if 0 < event.column_index <= len(self.col_keys):
            self.post_message(self.SortRequested(self, self.col_keys[event.column_index - 1]))
