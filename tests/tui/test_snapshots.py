"""Snapshot tests: each main tab and one detail screen per entity type, seed and clocks fixed.

The simulator runs on a ``FrozenClock`` so event times, uptimes and statistics are the same
on every run; the app runs with ``live=False`` (no refresh timer, no header clock).
"""
# ruff: noqa: B023

from __future__ import annotations

import time as _time

import pytest

from ovtui.actions.browse import MAIN_TABS
from ovtui.screens.detail import DetailScreen
from ovtui.sim.clock import FrozenClock
from tests.support import wait_until

from .helpers import loaded, make_app

SIZE = (160, 45)


async def settle(pilot) -> None:
    """Let the tables recompute their column widths (done on idle) before the picture."""
    for _ in range(5):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


FROZEN = 1_790_000_000.0


@pytest.fixture
def frozen_sim(make_sim, monkeypatch):
    # the TUI shows times in the local zone: UTC, whatever the machine
    monkeypatch.setenv("TZ", "UTC")
    _time.tzset()
    yield make_sim(vms=40, hosts=4, seed=7, speed=0.001, clock=FrozenClock(FROZEN))
    monkeypatch.delenv("TZ")
    _time.tzset()


@pytest.mark.parametrize("noun", MAIN_TABS)
def test_main_tab(snap_compare, frozen_sim, noun):
    app = make_app(frozen_sim, live=False)

    async def run_before(pilot):
        m = await loaded(pilot, app, noun)
        await wait_until(pilot, lambda: app.engine_info, what="engine info")
        m.view.table.focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("noun", [n for n in MAIN_TABS if n != "event"])
def test_detail(snap_compare, frozen_sim, noun):
    app = make_app(frozen_sim, live=False)

    async def run_before(pilot):
        await loaded(pilot, app, noun)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_main_at_80x24(snap_compare, frozen_sim):
    app = make_app(frozen_sim, live=False)

    async def run_before(pilot):
        await loaded(pilot, app, "vm")
        await wait_until(pilot, lambda: app.engine_info, what="engine info")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
