"""A refresh's changed cells reuse renders of the same value (``ResourceTable._by_value``):
CPU and memory values recur across rows and refreshes, and Rich rendering each changed cell
again on the UI thread (~0.5 ms a cell, ~50 a refresh at 10,000 VMs) kept keys waiting.
What is reused must be exactly what DataTable itself renders there, its click place included."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.support import asynctest, wait_until

from .helpers import loaded, make_app


@asynctest
async def test_cells_reused_by_value_render_exactly_as_datatable_does(make_sim):
    sim = make_sim(vms=150, hosts=4, seed=0)
    app = make_app(sim, refresh=0.5)
    async with app.run_test(size=(160, 45)) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        gen = m.view.generation
        await wait_until(pilot, lambda: m.view.generation > gen + 3, what="a few refreshes")
        await wait_until(pilot, lambda: not m.view.in_flight, what="a refresh applied")
        table._cell_lines.clear()  # by place: gone; by value: kept
        hits = table.value_hits
        style = table.rich_style
        for row in range(min(table.row_count, 30)):
            for col in range(len(table.columns)):
                width = table.ordered_columns[col].get_render_width(table)
                for cursor in (False, True):
                    ours = table._render_cell(row, col, style, width, cursor)
                    theirs = DataTable._render_cell(table, row, col, style, width, cursor)
                    assert ours == theirs, (row, col, cursor)
        assert table.value_hits - hits > 50, "few cells were found by value"
