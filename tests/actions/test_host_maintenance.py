"""host maintenance / activate against the simulator: VMs leave, named in the progress."""

from __future__ import annotations

import pytest

from ovtui.actions import host_maintenance
from ovtui.actions.base import EngineRefused
from ovtui.actions.placement import GIB
from ovtui.sim.testing import write_config
from tests.support import make_ctx, run_cli

from .test_host_helpers import api_host, cluster_of, running_vms_on, sval, whost


def _busy_host(sim) -> str:
    """An up host running VMs whose cluster has another up host."""
    for h in sorted(sim.world.coll["hosts"].values(), key=lambda x: x.name):
        peers = [p for p in cluster_of(sim, h.name) if p.id != h.id and sval(p) == "up"]
        if sval(h) == "up" and running_vms_on(sim, h) and peers:
            return h.name
    pytest.skip("no busy host with an up peer in this world")


def test_maintenance_moves_every_vm_and_names_each(make_sim) -> None:
    sim = make_sim(hosts=4, vms=40, speed=30)  # slow enough to see migrations in flight
    ctx, rec = make_ctx(sim)
    name = _busy_host(sim)
    moving = {v.name for v in running_vms_on(sim, whost(sim, name))}
    res = host_maintenance.maintenance(ctx, api_host(ctx, name), reason="patching")
    assert res.ok, res.message
    assert sval(res.data) == "maintenance" and sval(whost(sim, name)) == "maintenance"
    assert not running_vms_on(sim, whost(sim, name))
    for vm in moving:
        w = sim.world.find("vm", vm)
        assert sval(w) == "up" and w.host.id != whost(sim, name).id, vm
        said = " ".join(p.message for p in rec.items if p.subject == vm)
        assert vm in said and "up on" in said, rec.text()
    assert "preparing_for_maintenance" in sim.world.status_path(whost(sim, name).id)
    flying = [p.message for p in rec.items if p.step == "migrating"]
    assert any(f"{name} -> host" in m and m.endswith("%") for m in flying), rec.text()
    # and back
    res = host_maintenance.activate(ctx, api_host(ctx, name))
    assert sval(res.data) == "up"


def test_maintenance_refused_when_others_lack_memory(make_sim, tmp_path, capsys) -> None:
    sim = make_sim(hosts=4, vms=40, speed=120)
    name = _busy_host(sim)
    with sim.world.lock:
        for p in cluster_of(sim, name):
            if p.name != name:
                p.memory = p.max_scheduling_memory = GIB
    moving = sorted(v.name for v in running_vms_on(sim, whost(sim, name)))
    ctx, rec = make_ctx(sim)
    with pytest.raises(EngineRefused) as exc:
        host_maintenance.maintenance(ctx, api_host(ctx, name))
    for vm in moving:
        assert vm in exc.value.message
    assert "accepted" not in rec.steps()
    assert sval(whost(sim, name)) == "up"
    code, _, err = run_cli(
        capsys, write_config(sim, tmp_path), "-y", "host", "-n", name, "maintenance"
    )
    assert code == 1, err
    assert moving[0] in err and "cannot move" in err


def test_dry_run_cli_prints_the_plan(sim, tmp_path, capsys) -> None:
    name = _busy_host(sim)
    code, out, err = run_cli(
        capsys,
        write_config(sim, tmp_path),
        "-o",
        "json",
        "-y",
        "host",
        "-n",
        name,
        "maintenance",
        "--dry-run",
    )
    assert code == 0, err
    assert '"destination"' in out
    assert sval(whost(sim, name)) == "up"


def test_engine_failing_a_vm_names_it(make_sim) -> None:
    """--force skips the preflight: the engine itself cannot place the VMs (event 17)."""
    sim = make_sim(hosts=4, vms=40, speed=120)
    name = _busy_host(sim)
    with sim.world.lock:
        for p in cluster_of(sim, name):
            if p.name != name:
                p.memory = p.max_scheduling_memory = GIB
    stuck = sorted(v.name for v in running_vms_on(sim, whost(sim, name)))
    ctx, rec = make_ctx(sim, timeout=20)
    with pytest.raises(EngineRefused) as exc:
        host_maintenance.maintenance(ctx, api_host(ctx, name), force=True)
    assert any(vm in exc.value.message for vm in stuck), exc.value.message
    assert "accepted" in rec.steps()


def test_cancel_stops_waiting_not_the_engine(make_sim) -> None:
    from ovtui.actions.base import Cancelled

    sim = make_sim(hosts=4, vms=40, speed=30)
    name = _busy_host(sim)
    ctx, rec = make_ctx(sim)
    inner = ctx.report

    def report(p):
        inner(p)
        if p.step == "accepted":
            ctx.cancel.set()

    ctx.report = report
    with pytest.raises(Cancelled) as exc:
        host_maintenance.maintenance(ctx, api_host(ctx, name))
    assert exc.value.exit_code == 130
    assert sval(whost(sim, name)) in ("preparing_for_maintenance", "maintenance")
