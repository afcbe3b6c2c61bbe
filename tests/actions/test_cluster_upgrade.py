"""Rolling cluster upgrade against the simulator: all hosts, no VM down, stop and continue."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ovtui.actions import clusters
from ovtui.actions.base import EngineRefused
from ovtui.sim.testing import write_config
from tests.support import make_ctx, run_cli

from .test_host_helpers import VmWatch, cluster_of, running_vms_on, sval, whost


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _four_host_cluster(make_sim):
    """hosts are dealt round robin over 3 clusters: 12 hosts give host01/04/07/10 together."""
    sim = make_sim(hosts=12, vms=60, speed=300)
    hosts = cluster_of(sim, "host01")
    assert [h.name for h in hosts] == ["host01", "host04", "host07", "host10"]
    with sim.world.lock:
        for h in hosts:
            h.update_available = True
    vms = sorted({v.name for h in hosts for v in running_vms_on(sim, h)})
    assert vms, "the cluster runs VMs"
    cluster = next(c for c in sim.world.coll["clusters"].values() if c.id == hosts[0].cluster.id)
    return sim, hosts, vms, cluster


def _api_cluster(ctx, name):
    return next(c for c in ctx.system.clusters_service().list() if c.name == name)


def test_rolling_upgrade_all_four_no_vm_down(make_sim) -> None:
    sim, hosts, vms, cluster = _four_host_cluster(make_sim)
    ctx, rec = make_ctx(sim, timeout=120)
    with VmWatch(sim, vms) as watch:
        res = clusters.upgrade(ctx, _api_cluster(ctx, cluster.name))
    assert res.ok, res.message
    assert [r["host"] for r in res.data] == [h.name for h in hosts]
    assert all(r["outcome"].startswith("upgraded") for r in res.data), res.data
    assert watch.polls > 10 and not watch.bad, watch.bad[:5]
    for h in hosts:
        assert sval(whost(sim, h.name)) == "up" and not whost(sim, h.name).update_available
    fracs = [p.fraction for p in rec.items if p.step == "step"]
    assert fracs == sorted(fracs) and fracs[0] == 0.0
    steps = [p.message for p in rec.items if p.step == "step"]
    assert "host host07: maintenance" in steps and "host host07: healthy" in steps


def test_dry_run_changes_nothing(make_sim) -> None:
    sim, hosts, _, cluster = _four_host_cluster(make_sim)
    ctx, _ = make_ctx(sim)
    res = clusters.upgrade(ctx, _api_cluster(ctx, cluster.name), dry_run=True)
    assert [r["host"] for r in res.data] == [h.name for h in hosts]
    assert all(sval(whost(sim, h.name)) == "up" for h in hosts)


def test_failure_on_third_host_stops_then_continue_finishes(make_sim, tmp_path, capsys) -> None:
    sim, hosts, vms, cluster = _four_host_cluster(make_sim)
    sim.faults.fail_upgrade.add("host07")
    ctx, rec = make_ctx(sim, timeout=120)
    with pytest.raises(EngineRefused) as exc:
        clusters.upgrade(ctx, _api_cluster(ctx, cluster.name))
    assert exc.value.exit_code == 1
    msg = exc.value.message
    assert "host07" in msg and "step upgrade" in msg and "--continue" in (exc.value.hint or "")
    for name in ("host01", "host04"):
        assert sval(whost(sim, name)) == "up" and not whost(sim, name).update_available
    assert sval(whost(sim, "host07")) == "maintenance"
    assert whost(sim, "host10").update_available and sval(whost(sim, "host10")) == "up"
    path = clusters.state_path(ctx.connection.url, cluster.id)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["stopped"]["host"] == "host07"

    code, _, err = run_cli(
        capsys,
        write_config(sim, tmp_path),
        "-y",
        "cluster",
        "-n",
        cluster.name,
        "upgrade",
        "--continue",
    )
    assert code == 0, err
    assert "resuming at host host07" in err
    for h in hosts:
        assert sval(whost(sim, h.name)) == "up" and not whost(sim, h.name).update_available
    assert not path.exists()


def test_continue_without_a_stopped_run_is_a_usage_error(make_sim, tmp_path, capsys) -> None:
    sim, _, _, cluster = _four_host_cluster(make_sim)
    code, _, err = run_cli(
        capsys,
        write_config(sim, tmp_path),
        "-y",
        "cluster",
        "-n",
        cluster.name,
        "upgrade",
        "--continue",
    )
    assert code == 2 and "Nothing to continue" in err


def test_hosts_subset_and_a_host_kept_in_maintenance(make_sim) -> None:
    """--hosts picks and orders; a host in maintenance at the start is not activated."""
    from ovtui.actions import host_maintenance

    sim, _, _, cluster = _four_host_cluster(make_sim)
    ctx, rec = make_ctx(sim, timeout=120)
    h10 = ctx.system.hosts_service().list(search="name=host10")[0]
    host_maintenance.maintenance(ctx, h10)
    res = clusters.upgrade(ctx, _api_cluster(ctx, cluster.name), hosts="host10,host07")
    assert [r["host"] for r in res.data] == ["host10", "host07"]
    assert sval(whost(sim, "host10")) == "maintenance"
    assert not whost(sim, "host10").update_available
    assert sval(whost(sim, "host07")) == "up" and not whost(sim, "host07").update_available
    assert whost(sim, "host01").update_available, "not in --hosts: untouched"
