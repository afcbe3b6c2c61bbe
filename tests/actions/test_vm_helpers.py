"""Shared helpers of the VM verb tests (imported by the test_vm_*.py modules; no tests here).

Synchronisation is by the actions' own progress reports (a callback can act on the simulator
at the exact step) or by polling a condition with a deadline, never by sleeping blindly.
"""

from __future__ import annotations

from typing import Any

from ovtui.actions.base import ActionContext


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
