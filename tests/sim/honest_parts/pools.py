"""Effect checks of ovtui/sim/pool_machine.py: VM pools added, edited, removed, and a VM
allocated from a pool. Each makes the change through the real SDK and reads the world back,
or sees the engine's refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.testing import wait_for

from .common import refused

VS = T.VmStatus


def _sys(conn: Any) -> Any:
    return conn.system_service()


def _template(conn: Any) -> Any:
    """A non-Blank template of the Default cluster."""
    tpls = _sys(conn).templates_service().list(search="cluster=Default")
    return next(t for t in tpls if t.name != "Blank")


def _pool_vms(conn: Any, pool: Any) -> list[Any]:
    return sorted(_sys(conn).vms_service().list(search=f"pool={pool.name}"), key=lambda v: v.name)


def new_pool(conn: Any, name: str = "pool", size: int = 2, **kw: Any) -> Any:
    """A pool added through the engine, once its VMs are down (their disks copied)."""
    pools = _sys(conn).vm_pools_service()
    pool = pools.add(
        T.VmPool(
            name=name, cluster=T.Cluster(name="Default"),
            template=T.Template(name=_template(conn).name), size=size, **kw,
        )
    )  # fmt: skip
    wait_for(
        lambda: all(v.status != VS.IMAGE_LOCKED for v in _pool_vms(conn, pool)),
        what="the pool's VMs made",
    )
    return pools.pool_service(pool.id).get()


def c_pool_add(sim: Any, conn: Any) -> None:
    tpl = _template(conn)
    pool = new_pool(conn, "desk-??", size=3)
    assert pool.size == 3 and pool.template.id == tpl.id
    vms = _pool_vms(conn, pool)
    assert [v.name for v in vms] == ["desk-01", "desk-02", "desk-03"]
    assert all(v.vm_pool.id == pool.id and v.template.id == tpl.id for v in vms)
    assert all(v.status == VS.DOWN and v.stateless for v in vms)
    assert {v.cpu.topology.sockets for v in vms} == {tpl.cpu.topology.sockets}  # as made
    assert pool.id in [p.id for p in _sys(conn).vm_pools_service().list(search="name=desk-*")]
    pools = _sys(conn).vm_pools_service()
    blank = T.Template(name="Blank")
    refused(
        lambda: pools.add(T.VmPool(name="b", cluster=T.Cluster(name="Default"), template=blank)),
        409,
        "VM-Pool must be based on  non-blank Template.",
    )
    refused(
        lambda: pools.add(
            T.VmPool(
                name="desk-??", cluster=T.Cluster(name="Default"), template=T.Template(id=tpl.id)
            )
        ),
        409,
        "Cannot create VM-Pool. The VM-Pool name is already in use, please choose a unique name"
        " and try again.",
    )
    refused(
        lambda: pools.add(
            T.VmPool(
                name="p2",
                cluster=T.Cluster(name="Default"),
                template=T.Template(id=tpl.id),
                size=1,
                prestarted_vms=2,
            )  # fmt: skip
        ),
        409,
        "Cannot create VM-Pool. Number of Prestarted VMs cannot exceed the number of VMs in the"
        " Pool.",
    )


def c_pool_update(sim: Any, conn: Any) -> None:
    pool = new_pool(conn, "grow", size=2)
    svc = _sys(conn).vm_pools_service().pool_service(pool.id)
    got = svc.update(T.VmPool(size=4, description="four now", max_user_vms=2))
    assert got.size == 4
    wait_for(lambda: len(_pool_vms(conn, pool)) == 4, what="two more VMs")
    assert [v.name for v in _pool_vms(conn, pool)] == ["grow-1", "grow-2", "grow-3", "grow-4"]
    after = svc.get()
    assert (after.size, after.description, after.max_user_vms) == (4, "four now", 2)
    refused(lambda: svc.update(T.VmPool(size=3)), 409, "Cannot decrease VMs from VM-Pool.")
    refused(lambda: svc.update(T.VmPool(name="other")), 409, "Cannot change VM-Pool name.")
    refused(lambda: svc.update(T.VmPool(stateful=True)), 409,
            "Cannot change VM-Pool stateful option.")  # fmt: skip
    assert svc.get().size == 4 and len(_pool_vms(conn, pool)) == 4


def c_pool_remove(sim: Any, conn: Any) -> None:
    pool = new_pool(conn, "gone", size=2, prestarted_vms=1)
    wait_for(lambda: any(v.status == VS.UP for v in _pool_vms(conn, pool)), what="prestarted")
    disks = {
        a.disk.id
        for v in _pool_vms(conn, pool)
        for a in _sys(conn).vms_service().vm_service(v.id).disk_attachments_service().list()
    }
    pools = _sys(conn).vm_pools_service()
    pools.pool_service(pool.id).remove()  # a running VM is stopped first, not a refusal
    wait_for(lambda: pool.id not in [p.id for p in pools.list()], timeout=20, what="pool gone")
    assert _sys(conn).vms_service().list(search="name=gone-*") == []
    left = {d.id for d in _sys(conn).disks_service().list()}
    assert disks and not disks & left
    codes = [e.code for e in _sys(conn).events_service().list(search="type=321 or type=304")]
    assert 321 in codes and 304 in codes


def c_pool_allocate(sim: Any, conn: Any) -> None:
    pool = new_pool(conn, "alloc", size=1)
    svc = _sys(conn).vm_pools_service().pool_service(pool.id)
    (vm,) = _pool_vms(conn, pool)
    svc.allocate_vm(headers={"Correlation-Id": "alloc-1"})
    vms = _sys(conn).vms_service()
    wait_for(lambda: vms.vm_service(vm.id).get().status == VS.UP, what="allocated VM up")
    perms = vms.vm_service(vm.id).permissions_service().list()
    assert any(p.role.id == "00000000-0000-0000-0001-000000000001" for p in perms)
    events = _sys(conn).events_service().list(search="correlation_id=alloc-1")
    assert {316, 318} <= {e.code for e in events}
    assert any(e.vm is not None and e.vm.id == vm.id for e in events if e.code == 316)
    refused(
        svc.allocate_vm,
        409,
        "Cannot allocate and run VM from VM-Pool. There are no available VMs in the VM-Pool.",
    )


CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ADD vm_pool": c_pool_add,
    "UPDATE vm_pool": c_pool_update,
    "REMOVE vm_pool": c_pool_remove,
    "ACTION vm_pool allocatevm": c_pool_allocate,
}
