"""Fixtures of the ux tests: a frozen simulator (fixed seed and clock) for snapshots."""

from __future__ import annotations

import time as _time

import pytest

from ovtui.sim.clock import FrozenClock

from .helpers import FROZEN


@pytest.fixture
def frozen_sim(make_sim, monkeypatch):
    # the TUI shows times in the local zone: UTC, whatever the machine
    monkeypatch.setenv("TZ", "UTC")
    _time.tzset()
    yield make_sim(vms=40, hosts=4, seed=7, speed=0.001, clock=FrozenClock(FROZEN))
    monkeypatch.delenv("TZ")
    _time.tzset()
