"""Shared pieces of the ux tests: a frozen simulator (fixed seed and clock) for snapshots."""

from __future__ import annotations

import time as _time

import pytest

from ovtui.sim.clock import FrozenClock

FROZEN = 1_790_000_000.0
SIZE = (160, 45)


async def settle(pilot) -> None:
    """Let the tables recompute their column widths (done on idle) before the picture."""
    for _ in range(5):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


@pytest.fixture
def frozen_sim(make_sim, monkeypatch):
    # the TUI shows times in the local zone: UTC, whatever the machine
    monkeypatch.setenv("TZ", "UTC")
    _time.tzset()
    yield make_sim(vms=40, hosts=4, seed=7, speed=0.001, clock=FrozenClock(FROZEN))
    monkeypatch.delenv("TZ")
    _time.tzset()
