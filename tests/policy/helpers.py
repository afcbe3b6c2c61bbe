"""Helpers of the policy tests: what a user (or the engine's guest) does, through the real SDK."""

from __future__ import annotations

from typing import Any

from ovtui.sim.testing import connect

WRITES = ("POST", "PUT", "DELETE")


def engine_writes(sim: Any, since: int) -> list[tuple[str, str]]:
    """API requests that could change the engine, received after ``sim.requests[since]``."""
    return [
        (m, p)
        for m, p in sim.requests.snapshot()[since:]
        if m in WRITES and p.startswith("/ovirt-engine/api")
    ]


def first_vm(sim: Any, status: str) -> Any:
    """A VM of the engine in ``status`` (lowest name), read through the SDK."""
    conn = connect(sim)
    try:
        vms = [v for v in conn.system_service().vms_service().list() if v.status.value == status]
    finally:
        conn.close()
    assert vms, f"the simulator has no VM {status}"
    return min(vms, key=lambda v: v.name)


class Guest:
    """The installer inside a VM: once the VM runs the installer kernel, it powers it off."""

    def __init__(self, sim: Any, vm_id: str, kernel: str) -> None:
        self.conn = connect(sim)
        self.svc = self.conn.system_service().vms_service().vm_service(vm_id)
        self.kernel = kernel

    def installer_running(self) -> bool:
        vm = self.svc.get()
        return vm.status.value == "up" and (vm.os.kernel or "") == self.kernel

    def power_off(self) -> None:
        self.svc.stop()

    def close(self) -> None:
        self.conn.close()
