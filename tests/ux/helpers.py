"""Shared pieces of the ux tests: a frozen simulator (fixed seed and clock) for snapshots."""

from __future__ import annotations

FROZEN = 1_790_000_000.0
SIZE = (160, 45)


async def settle(pilot) -> None:
    """Let the tables recompute their column widths (done on idle) before the picture."""
    for _ in range(5):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
