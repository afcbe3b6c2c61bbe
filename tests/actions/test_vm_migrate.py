"""migrate / cancelmigration / migrating against the simulator with the real SDK."""

from __future__ import annotations

import threading

import pytest
from ovirtsdk4 import types

from ovtui.actions import vm_migrate
from ovtui.actions.base import EngineRefused
from ovtui.actions.vm_common import host_id_of
from ovtui.sim import events as sim_events
from ovtui.sim.testing import wait_for, write_config
from tests.support import make_ctx, run_cli

from .test_vm_helpers import api_vm, vm_named, wstatus


def other_up_host(ctx, vm):
    hosts = [
        h
        for h in ctx.system.hosts_service().list()
        if h.status.value == "up" and h.cluster.id == vm.cluster.id and h.id != host_id_of(vm)
    ]
    assert hosts, "the simulator world has a second up host in the VM's cluster"
    return hosts[0]


def force_down(sim, name):
    """The VM dies under the engine (qemu killed): down, on no host.

    ``_begin`` bumps the VM's operation counter so the simulator's pending migration ticks
    are dropped (a world edit alone would let them bring the VM up on the destination).
    """
    with sim.world.lock:
        vm = sim.world.find("vm", name)
        host = sim.world.get("hosts", vm.host.id) if vm.host else None
        sim.machines._begin(vm)
        vm.status = types.VmStatus.DOWN
        vm.host = None
        # what the engine logs, without our correlation id
        sim_events.emit(sim.world, 65, vm=vm, host=host, extra="Exit message: qemu-kvm killed.")


def migratable(sim, n=0):
    """The name of an up VM whose cluster has another up host."""
    with sim.world.lock:
        hosts = [h for h in sim.world.coll["hosts"].values() if h.status.value == "up"]
        vms = sorted(
            (
                v
                for v in sim.world.coll["vms"].values()
                if v.status.value == "up"
                and any(h.cluster.id == v.cluster.id and h.id != v.host.id for h in hosts)
                and not (
                    v.placement_policy
                    and v.placement_policy.affinity
                    and v.placement_policy.affinity.value == "pinned"
                )
            ),
            key=lambda v: v.name,
        )
    assert len(vms) > n, "the simulator world has a migratable VM"
    return vms[n].name


def test_migrate_reports_increasing_percent_and_ends_on_other_host(make_sim):
    sim = make_sim(speed=10)  # eight progress steps of 100 ms each
    ctx, rec = make_ctx(sim)
    vm = api_vm(ctx, migratable(sim))
    dest = other_up_host(ctx, vm)
    res = vm_migrate.migrate(ctx, vm, host=dest.name)
    assert res.ok, res.message
    assert res.data.status.value == "up"
    assert host_id_of(res.data) == dest.id != host_id_of(vm)
    pct = rec.fractions("migrating")
    assert len(pct) >= 2, rec.text()
    assert pct == sorted(pct) and len(set(pct)) == len(pct), pct
    assert sim.world.status_path(vm.id)[-2:] == ["migrating", "up"]


def test_migrate_engine_choice(sim):
    ctx, rec = make_ctx(sim)
    vm = api_vm(ctx, migratable(sim, 1))
    res = vm_migrate.migrate(ctx, vm)
    assert res.data.status.value == "up"
    assert host_id_of(res.data) != host_id_of(vm)


def test_vm_down_during_migration_ends_with_reason(sim):
    ctx, rec = make_ctx(sim)
    name = migratable(sim)
    vm = api_vm(ctx, name)
    rec.when(lambda p: p.status == "migrating", lambda p: force_down(sim, name))
    with pytest.raises(EngineRefused, match="went down during the migration"):
        vm_migrate.migrate(ctx, vm, host=other_up_host(ctx, vm).name)


def test_migrate_down_vm_refused_before_sending(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "down")
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "migrate")
    assert code == 1
    assert "Cannot migrate VM. VM is not running." in err
    assert "accepted" not in err


def test_migrate_to_own_host_refused(sim):
    ctx, rec = make_ctx(sim)
    vm = api_vm(ctx, migratable(sim))
    own = ctx.system.hosts_service().host_service(host_id_of(vm)).get()
    with pytest.raises(EngineRefused, match="already running on host"):
        vm_migrate.migrate(ctx, vm, host=own.name)


def test_migrating_lists_progress_and_cancel(make_sim):
    sim = make_sim(speed=10)
    ctx, rec = make_ctx(sim)
    name = migratable(sim)
    vm = api_vm(ctx, name)
    seen: dict = {}

    def look(_p):
        ctx2, _ = make_ctx(sim)
        seen["rows"] = vm_migrate.migrating(ctx2).data
        seen["cancel"] = vm_migrate.cancelmigration(ctx2, vm)

    rec.when(lambda p: p.step == "migrating", look)
    with pytest.raises(EngineRefused):
        vm_migrate.migrate(ctx, vm, host=other_up_host(ctx, vm).name)
    rows = [r for r in seen["rows"] if r["name"] == name]
    assert rows and rows[0]["status"] == "migrating" and rows[0]["progress"] is not None
    assert seen["cancel"].data.status.value == "up"
    assert host_id_of(seen["cancel"].data) == host_id_of(vm)
    assert wstatus(sim, name) == "up"


def test_migrating_follow_until_none(make_sim):
    sim = make_sim(speed=10)
    ctx, rec = make_ctx(sim, async_=True)
    name = migratable(sim)
    vm_migrate.migrate(ctx, api_vm(ctx, name))
    ctx2, rec2 = make_ctx(sim)
    res = vm_migrate.migrating(ctx2, follow=True, pause=0.02)
    assert [v.name for v in res.data] == [name]
    assert any(p.step == "migrating" for p in rec2.items)
    assert wstatus(sim, name) == "up"


def test_cli_migrate_vm_dies_exit_1_with_reason(make_sim, tmp_path, capsys):
    sim = make_sim(speed=10)
    cfg = write_config(sim, tmp_path)
    name = migratable(sim)

    def killer():
        wait_for(lambda: wstatus(sim, name) == "migrating", timeout=20, what="migrating")
        force_down(sim, name)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "migrate")
    t.join(5)
    assert code == 1, err
    assert f"VM {name} went down during the migration: Migration failed" in err
    assert "qemu-kvm killed" in err
    assert "Traceback" not in err


def test_engine_refusal_keeps_its_words(sim, tmp_path, capsys):
    """A host of another cluster passes the preflight; the engine's 409 reaches stderr."""
    cfg = write_config(sim, tmp_path)
    ctx, _ = make_ctx(sim)
    vm = api_vm(ctx, migratable(sim))
    foreign = next(
        h
        for h in ctx.system.hosts_service().list()
        if h.cluster.id != vm.cluster.id and h.status.value == "up"
    )
    code, out, err = run_cli(capsys, cfg, "vm", "-i", vm.id, "migrate", "--host", foreign.name)
    assert code == 1
    assert "Cannot migrate VM. There is no host that satisfies current scheduling" in err
    assert wstatus(sim, vm.name) == "up"
