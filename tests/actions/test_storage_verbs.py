"""storagedomain deactivate / activate / refresh against the simulator."""

from __future__ import annotations

from ovtui.actions import storage
from ovtui.sim.testing import write_config
from tests.support import make_ctx, run_cli

from .test_host_helpers import sval
from .test_vm_helpers import in_order


def _active_data_domain(sim):
    with sim.world.lock:
        for sd in sorted(sim.world.coll["storagedomains"].values(), key=lambda s: s.name):
            if getattr(sd.type, "value", sd.type) == "data" and sd.data_centers:
                return sd
    raise AssertionError("no attached data domain")


def test_deactivate_then_activate_follow_status_paths(make_sim) -> None:
    sim = make_sim(vms=10, speed=5)  # each storage step lasts 0.3 s: no status slips by
    ctx, rec = make_ctx(sim)
    sd = _active_data_domain(sim)
    target = ctx.system.storage_domains_service().storage_domain_service(sd.id).get()
    res = storage.deactivate(ctx, target)
    assert res.ok and sval(res.data) == "maintenance", rec.text()
    path = sim.world.status_path(sd.id)
    assert in_order(path, ["locked", "preparing_for_maintenance", "maintenance"]), path
    assert rec.statuses()[-1] == "maintenance", rec.text()
    rec.items.clear()
    res = storage.activate(ctx, target)
    assert sval(res.data) == "active"
    path = sim.world.status_path(sd.id)
    assert in_order(path, ["maintenance", "activating", "active"]), path
    assert rec.statuses()[-1] == "active", rec.text()


def test_refresh_on_a_file_domain_is_not_supported(sim, tmp_path, capsys) -> None:
    with sim.world.lock:
        nfs = next(
            s
            for s in sim.world.coll["storagedomains"].values()
            if getattr(s.storage.type, "value", s.storage.type) == "nfs"
        )
    code, _, err = run_cli(capsys, write_config(sim, tmp_path), "sd", "-n", nfs.name, "refresh")
    assert code == 1 and "not supported for nfs" in err
