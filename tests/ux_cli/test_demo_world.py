"""The demo's first impression: the world ``ovtui demo`` opens on (sim/demo_life.py), and plan
headings that count truthfully."""

from __future__ import annotations

from ovtui.actions import registry
from ovtui.actions.placement import plan_for_host
from ovtui.sim.demo_life import DEMO_HOSTS, DEMO_VMS, demo_simulator
from ovtui.sim.testing import connect
from tests.support import make_ctx


def test_demo_world_is_alive_and_every_cluster_can_move_its_vms():
    sim = demo_simulator(speed=1.0)
    try:
        conn = connect(sim)
        system = conn.system_service()
        hosts = system.hosts_service().list()
        assert len(hosts) == DEMO_HOSTS
        assert len(system.vms_service().list()) == DEMO_VMS
        by_cluster: dict[str, list] = {}
        for h in hosts:
            by_cluster.setdefault(h.cluster.id, []).append(h)
        assert len(by_cluster) == len(system.clusters_service().list())
        assert all(len(hs) >= 2 for hs in by_cluster.values())
        assert any(h.update_available for h in hosts)  # upgrade has something to do
        ctx, _ = make_ctx(sim)
        for h in hosts:  # maintenance anywhere: every VM has somewhere to go
            plan = plan_for_host(ctx, h)
            assert plan.ok and not plan.stuck, (h.name, plan.summary())
        # when it opens: a migration under way, its engine job running, events about it
        migrating = system.vms_service().list(search="status=migrating")
        assert len(migrating) == 1
        jobs = [j for j in system.jobs_service().list() if j.status.value == "started"]
        assert any("Migrating VM" in (j.description or "") for j in jobs)
        events = system.events_service().list(max=20)
        assert any(e.code == 62 and migrating[0].name in (e.description or "") for e in events), [
            e.description for e in events
        ]
        conn.close()
    finally:
        sim.demo_life.stop()
        sim.stop()


def _room(sim, name: str, free: int) -> None:
    """The engine says host ``name`` can take ``free`` more bytes of VMs."""
    from ovtui.sim import xmlcache

    with sim.world.lock:
        (h,) = [h for h in sim.world.coll["hosts"].values() if h.name == name]
        h.max_scheduling_memory = free
        xmlcache.touch(h)


def test_plan_heading_counts_truthfully(make_sim):
    sim = make_sim(vms=50, hosts=6, seed=0)
    ctx, _ = make_ctx(sim)
    action = registry.get("host", "maintenance")
    hosts = ctx.system.hosts_service().list(search="name=host03")
    preview = action.preview(ctx, hosts, {})
    n = len(plan_for_host(ctx, hosts[0]).placements)
    assert preview.lines[0] == f"host03 (up): {n} VMs will move:"
    # the other host of the cluster has room for the smallest VM only: say how many can go
    smallest = min(p.memory for p in plan_for_host(ctx, hosts[0]).placements)
    _room(sim, "host06", smallest + 2**29)
    preview = action.preview(ctx, hosts, {})
    plan = plan_for_host(ctx, hosts[0])
    movable = n - len(plan.stuck)
    assert 0 < movable < n
    assert preview.lines[0] == f"host03 (up): {movable} of {n} VMs can move:"
    assert not preview.ok and f"{len(plan.stuck)} of {n} VMs cannot move" in preview.blocked[0]
    _room(sim, "host06", 0)
    preview = action.preview(ctx, hosts, {})
    assert preview.lines[0] == f"host03 (up): none of the {n} VMs can move:"
