"""The maintenance preflight: the pure placement rule and its reading of the engine."""

from __future__ import annotations

from ovtui.actions import host_maintenance
from ovtui.actions.placement import GIB, HostRoom, VmNeed, compute_plan, plan_for_host
from tests.support import make_ctx

from .test_host_helpers import api_host, cluster_of, running_vms_on, sval, whost


def test_first_fit_largest_vm_on_most_free_host() -> None:
    vms = [VmNeed("a", "small", 2 * GIB), VmNeed("b", "big", 8 * GIB), VmNeed("c", "mid", 4 * GIB)]
    rooms = [HostRoom("h2", "h2", 10 * GIB), HostRoom("h3", "h3", 7 * GIB)]
    plan = compute_plan("h1", "h1", vms, rooms)
    assert plan.ok
    dest = {p.vm: p.destination for p in plan.placements}
    assert dest == {"big": "h2", "mid": "h3", "small": "h3"}
    assert plan.as_data()[0] == {"vm": "big", "memory": 8 * GIB, "destination": "h2"}


def test_lack_of_memory_and_pinned_vms_cannot_move() -> None:
    vms = [
        VmNeed("a", "web1", 8 * GIB),
        VmNeed("b", "db1", 2 * GIB, pinned=True),
        VmNeed("c", "app1", 2 * GIB),
    ]
    plan = compute_plan("h1", "h1", vms, [HostRoom("h2", "h2", 3 * GIB)])
    assert not plan.ok
    stuck = {p.vm: p.reason for p in plan.stuck}
    assert set(stuck) == {"web1", "db1"}
    assert "pinned" in stuck["db1"] and "8.0 GiB" in stuck["web1"]
    assert "web1" in plan.summary() and "db1" in plan.summary()


def test_no_other_up_host() -> None:
    plan = compute_plan("h1", "h1", [VmNeed("a", "web1", GIB)], [])
    assert not plan.ok and "no other up host" in plan.stuck[0].reason


def test_dry_run_reads_the_engine_and_changes_nothing(sim) -> None:
    ctx, rec = make_ctx(sim)
    name = next(
        h.name
        for h in sim.world.coll["hosts"].values()
        if running_vms_on(sim, h) and sval(h) == "up"
    )
    running = {v.name for v in running_vms_on(sim, whost(sim, name))}
    res = host_maintenance.maintenance(ctx, api_host(ctx, name), dry_run=True)
    assert res.ok, res.message
    assert {d["vm"] for d in res.data} == running
    peers = {h.name for h in cluster_of(sim, name)} - {name}
    assert all(d["destination"] in peers for d in res.data)
    assert sval(whost(sim, name)) == "up"
    assert "accepted" not in rec.steps()
    assert len(rec.messages("plan")) == len(running)


def test_plan_for_host_counts_vms_already_on_peers(sim) -> None:
    ctx, _ = make_ctx(sim)
    name = next(h.name for h in sim.world.coll["hosts"].values() if running_vms_on(sim, h))
    host = api_host(ctx, name)
    plan = plan_for_host(ctx, host)
    for room in plan.candidates:
        w = whost(sim, room.name)
        used = sum(v.memory for v in running_vms_on(sim, w))
        assert room.free <= w.memory - used


def test_pinned_vm_in_the_engine_cannot_move(sim) -> None:
    from ovirtsdk4 import types

    from ovtui.actions.base import EngineRefused

    ctx, rec = make_ctx(sim)
    name = next(h.name for h in sim.world.coll["hosts"].values() if running_vms_on(sim, h))
    vm = running_vms_on(sim, whost(sim, name))[0]
    with sim.world.lock:
        vm.placement_policy = types.VmPlacementPolicy(affinity=types.VmAffinity.PINNED)
    plan = plan_for_host(ctx, api_host(ctx, name))
    assert [p.vm for p in plan.stuck] == [vm.name] and "pinned" in plan.stuck[0].reason
    try:
        host_maintenance.maintenance(ctx, api_host(ctx, name))
    except EngineRefused as exc:
        assert vm.name in exc.message and "pinned" in exc.message
    else:
        raise AssertionError("maintenance went on with a pinned VM")
    assert "accepted" not in rec.steps() and sval(whost(sim, name)) == "up"
