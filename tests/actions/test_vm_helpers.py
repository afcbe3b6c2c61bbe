"""Shared helpers of the VM verb tests (imported by the test_vm_*.py modules; no tests here).

Synchronisation is by the actions' own progress reports (a callback can act on the simulator
at the exact step) or by polling a condition with a deadline, never by sleeping blindly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ovtui.actions.base import ActionContext, Progress
from ovtui.sim.testing import (
    connect,
    write_config,  # noqa: F401 - shared by tests
)

from .cli_helpers import run_cli  # noqa: F401 - shared by tests


class Recorder:
    """Collects Progress; ``when(pred, fn)`` runs ``fn(p)`` once on the first matching report."""

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

    def fractions(self, step: str | None = None) -> list[float]:
        return [
            p.fraction for p in self.items if p.fraction is not None and (step in (None, p.step))
        ]

    def text(self) -> str:
        return "\n".join(f"{p.step}: {p.message}" for p in self.items)


def make_ctx(sim: Any, **kw: Any) -> tuple[ActionContext, Recorder]:
    rec = Recorder()
    kw.setdefault("poll_interval", 0.02)
    kw.setdefault("timeout", 60.0)
    ctx = ActionContext(connection=connect(sim), report=rec, **kw)
    return ctx, rec


def world_vms(sim: Any, status: str) -> list[Any]:
    with sim.world.lock:
        return [
            v
            for v in sim.world.coll["vms"].values()
            if getattr(v.status, "value", v.status) == status
        ]


def vm_named(sim: Any, status: str, n: int = 0) -> str:
    vms = sorted(world_vms(sim, status), key=lambda v: v.name)
    assert len(vms) > n, f"the simulator world has no {n + 1} VM(s) {status}"
    return vms[n].name


def api_vm(ctx: ActionContext, name: str) -> Any:
    found = [v for v in ctx.system.vms_service().list(search=f"name={name}") if v.name == name]
    assert found, name
    return found[0]


def wstatus(sim: Any, name: str) -> str:
    vm = sim.world.find("vm", name)
    return getattr(vm.status, "value", vm.status)


def in_order(seen: list[str], wanted: list[str]) -> bool:
    """``wanted`` appears in ``seen`` as a subsequence."""
    it = iter(seen)
    return all(any(s == w for s in it) for w in wanted)
