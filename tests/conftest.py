"""Shared fixtures: an embedded oVirt engine simulator (logic in ovtui.sim.testing).

The helpers every test package shares (Recorder, make_ctx, run_cli, asynctest, wait_until)
are in tests/support.py."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable, Iterator

import pytest

from ovtui.sim import Simulator
from ovtui.sim import testing as simtesting


def pytest_configure(config: pytest.Config) -> None:
    """Headless output fits the terminal (COLUMNS, else 120 when stdout is no tty): pin it, so
    a table test reads the same in a narrow terminal, in CI and in an xdist worker (which
    inherits COLUMNS=80). Tests that need another width set their own."""
    os.environ["COLUMNS"] = "120"
    # the search/command history (ovtui/history.py) of tests never lands in the user's own
    # state dir
    state = tempfile.mkdtemp(prefix="ovtui-test-state-")
    os.environ["XDG_STATE_HOME"] = state
    # The Ctrl-C tests send SIGINT to child processes, which inherit the disposition: a suite
    # started in the background by a non-interactive shell (`pytest &`, nohup) ignores SIGINT,
    # and so would every child. Start them as from a terminal.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulator (default world, speed=60) serving on a free port."""
    yield from simtesting.sim_fixture()


@pytest.fixture
def make_sim() -> Iterator[Callable[..., Simulator]]:
    """Factory: ``make_sim(vms=..., hosts=..., speed=..., seed=...)``; all stopped at teardown."""
    yield from simtesting.make_sim_fixture()
