"""Helpers of the VM's-life tests: VMs of the seeded world (``ovtui run`` in process is
``tests.support.run_cli``)."""

from __future__ import annotations

from typing import Any


def vm_named(sim: Any, status: str, n: int = 0) -> str:
    """The name of the n-th VM (by name) of the simulator's world in ``status``."""
    with sim.world.lock:
        vms = sorted(
            (
                v
                for v in sim.world.coll["vms"].values()
                if getattr(v.status, "value", None) == status
            ),
            key=lambda v: v.name,
        )
    assert len(vms) > n, f"the simulator world has no {n + 1} VM(s) {status}"
    return str(vms[n].name)
