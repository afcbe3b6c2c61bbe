"""The helpers every test package shares, in one place (``from tests.support import ...``).

- ``Recorder`` / ``make_ctx``: an action's context on the simulator, collecting its Progress.
- ``run_cli``: ``ovtui run -c CFG ...`` in process, with its exit code and output.
- ``asynctest`` / ``wait_until``: a Textual pilot test, waiting for a condition (never a sleep).

The fixtures built on them are in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ovtui.actions.base import ActionContext, Progress
from ovtui.cli import main as cli_main
from ovtui.sim import Simulator
from ovtui.sim.testing import connect

if TYPE_CHECKING:
    from textual.pilot import Pilot


class Recorder:
    """Collects the Progress reports of an action (called from its thread);
    ``when(pred, fn)`` runs ``fn(p)`` once, on the first report that matches."""

    def __init__(self) -> None:
        self.items: list[Progress] = []
        self._hooks: list[list[Any]] = []
        self.lock = threading.Lock()

    def __call__(self, p: Progress) -> None:
        with self.lock:
            self.items.append(p)
        for hook in self._hooks:
            if not hook[2] and hook[0](p):
                hook[2] = True
                hook[1](p)

    def when(self, pred: Callable[[Progress], bool], fn: Callable[[Progress], Any]) -> None:
        self._hooks.append([pred, fn, False])

    def statuses(self) -> list[str]:
        return [p.status for p in self.items if p.step == "status" and p.status]

    def steps(self) -> list[str]:
        return [p.step for p in self.items]

    def messages(self, step: str | None = None) -> list[str]:
        return [p.message for p in self.items if step in (None, p.step)]

    def fractions(self, step: str | None = None) -> list[float]:
        return [
            p.fraction for p in self.items if p.fraction is not None and (step in (None, p.step))
        ]

    def text(self) -> str:
        return "\n".join(f"{p.step}: {p.message}" for p in self.items)


def make_ctx(sim: Simulator, **kw: Any) -> tuple[ActionContext, Recorder]:
    """A context on ``sim`` (polls every 20 ms, waits at most 60 s unless ``kw`` says)."""
    rec = Recorder()
    kw.setdefault("poll_interval", 0.02)
    kw.setdefault("timeout", 60.0)
    return ActionContext(connection=connect(sim), report=rec, **kw), rec


def run_cli(
    capsys: pytest.CaptureFixture[str], cfg: Path | str, *args: str
) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``ovtui run -c CFG ARGS...``."""
    capsys.readouterr()
    code = cli_main(["run", "-c", str(cfg), *args])
    out, err = capsys.readouterr()
    return code, out, err


def json_from(run: Callable[..., tuple[int, str, str]], *args: str) -> Any:
    """The parsed output of ``run("-o", "json", *args)`` (a ``run_cli`` runner), which must
    exit 0 (else the test fails with its stderr)."""
    code, out, err = run("-o", "json", *args)
    assert code == 0, err
    return json.loads(out)


def run_json(capsys: pytest.CaptureFixture[str], cfg: Path | str, *args: str) -> Any:
    """The parsed output of ``ovtui run -c CFG -o json ARGS...``, which must exit 0."""
    return json_from(lambda *a: run_cli(capsys, cfg, *a), *args)


def parse_outcome(
    parse: Callable[[list[str]], Any], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    """What a parse of ``argv`` gives a user: the values (or argparse's exit code, for -h or
    a usage error) and what it printed on stdout and stderr."""
    try:
        result: object = vars(parse(argv))
    except SystemExit as exc:
        result = ("exit", exc.code)
    out = capsys.readouterr()
    return result, out.out, out.err


def two_engine_config(path: Path, a: Simulator, b: Simulator) -> Path:
    """A config file at ``path`` (mode 600): engine ``a`` as the default profile, engine
    ``b`` as profile ``lab``."""
    path.write_text(
        f"[api]\nurl = {a.url}\nusername = {a.username}\npassword = {a.password}\n\n"
        f"[profile:lab]\nurl = {b.url}\nusername = {b.username}\npassword = {b.password}\n"
    )
    os.chmod(path, 0o600)
    return path


def asynctest(fn: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """Run an async test function with asyncio.run (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        return asyncio.run(fn(*args, **kw))

    return wrapper


async def wait_until(
    pilot: Pilot[Any], cond: Callable[[], Any], timeout: float = 20.0, what: str = ""
) -> Any:
    """Let the app run until ``cond()`` is truthy (its value is returned); fail after
    ``timeout`` seconds. ``cond`` may raise while widgets are not mounted yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = cond()
        except Exception:  # noqa: BLE001 - widgets may not be mounted yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or cond}")
        await pilot.pause(0.05)
