"""A refresh that changes one cell renders that cell again, not every visible cell (issue 14:
key-to-screen latency while refreshing: the UI thread was busy re-rendering the whole table),
and the screen still shows every change (a new value, a mark, the cursor's row)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from ovtui.widgets.resource_table import ResourceTable
from tests.support import asynctest, wait_until


def count_renders() -> list[int]:
    """Counts DataTable's own (uncached) cell renders."""
    calls = [0]
    original = DataTable._render_cell

    def counted(self: Any, *args: Any, **kw: Any) -> Any:
        calls[0] += 1
        return original(self, *args, **kw)

    DataTable._render_cell = counted  # type: ignore[method-assign]
    return calls


def rows(n: int, changed: dict[tuple[int, int], str] | None = None) -> list[Any]:
    changed = changed or {}
    return [
        (f"id{i}", tuple(Text(changed.get((i, c), f"r{i}c{c}")) for c in range(5)))
        for i in range(n)
    ]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable(id="t")


def screen_text(app: App[None]) -> str:
    return app.export_screenshot()


@asynctest
async def test_a_refresh_renders_only_the_changed_cells_and_shows_them():
    original = DataTable._render_cell
    calls = count_renders()
    try:
        app = TableApp()
        async with app.run_test(size=(100, 30)) as pilot:
            table = app.query_one(ResourceTable)
            table.set_columns([(f"c{c}", f"C{c}") for c in range(5)])
            table.apply_rows(rows(60))
            await wait_until(pilot, lambda: "r20c4" in screen_text(app), what="first rows")
            await pilot.pause(0.1)
            calls[0] = 0
            table.apply_rows(rows(60, {(3, 2): "NEW3", (10, 4): "OTH10"}))
            await wait_until(pilot, lambda: "NEW3" in screen_text(app), what="the change")
            assert "OTH10" in screen_text(app)
            assert "r3c2" not in screen_text(app)
            # the two changed cells (as wide as before): not the ~27 x 6 visible ones
            assert calls[0] <= 4, calls[0]
            # a wider value: its column is laid out again, the other columns are not
            calls[0] = 0
            table.apply_rows(rows(60, {(3, 2): "A-MUCH-WIDER-VALUE", (10, 4): "OTH10"}))
            await wait_until(pilot, lambda: "A-MUCH-WIDER-VALUE" in screen_text(app), what="wider")
            assert "OTH10" in screen_text(app)
            assert calls[0] <= 40, calls[0]
            # a mark and a cursor move still show
            await pilot.press("space")
            await wait_until(pilot, lambda: "●" in screen_text(app), what="the mark")
            assert table.cursor_row == 1
    finally:
        DataTable._render_cell = original  # type: ignore[method-assign]
