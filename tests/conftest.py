"""Shared fixtures: an embedded oVirt engine simulator (logic in ovtui.sim.testing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ovtui.sim import Simulator
from ovtui.sim import testing as simtesting


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulator (default world, speed=60) serving on a free port."""
    yield from simtesting.sim_fixture()


@pytest.fixture
def make_sim() -> Iterator[Callable[..., Simulator]]:
    """Factory: ``make_sim(vms=..., hosts=..., speed=..., seed=...)``; all stopped at teardown."""
    yield from simtesting.make_sim_fixture()
