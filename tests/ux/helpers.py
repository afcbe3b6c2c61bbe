"""Shared pieces of the ux tests: a frozen simulator (fixed seed and clock) for snapshots."""

from __future__ import annotations

FROZEN = 1_790_000_000.0
SIZE = (160, 45)


async def settle(pilot, timeout: float = 20.0) -> None:
    """Let the tables recompute their column widths (DataTable does it on idle) before the
    picture: until no table has an update pending (a loaded machine needs more than a few
    pauses: a header drawn with the widths of before its rows came), then a few more."""
    import time

    from textual.widgets import DataTable

    deadline = time.monotonic() + timeout
    for n in range(1000):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        pending = [
            t
            for t in pilot.app.screen.query(DataTable)
            if t._require_update_dimensions or t._new_rows or t._updated_cells
        ]
        if (not pending and n >= 4) or time.monotonic() > deadline:
            break
    for _ in range(3):  # the repaint after the last update
        await pilot.pause()
