"""`host remove` and `storagedomain refresh` through the CLI, in-process, against the simulator."""

from __future__ import annotations

from pathlib import Path

from ovirtsdk4 import types as T

from ovtui.sim.testing import connect, wait_for, write_config
from tests.support import run_cli

MAINT_FIRST = (
    "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first."
)


def _run(capsys, cfg: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, cfg, "-y", *args)


def _host_names(sim) -> set[str]:
    with sim.world.lock:
        return {h.name for h in sim.world.coll["hosts"].values()}


def test_host_remove_in_maintenance_removes_it(make_sim, tmp_path, capsys) -> None:
    sim = make_sim(vms=6, hosts=4)
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    host = hosts.list(search="status=up")[-1]
    svc = hosts.host_service(host.id)
    svc.deactivate()
    wait_for(lambda: svc.get().status == T.HostStatus.MAINTENANCE, timeout=20, what="maintenance")
    conn.close()
    code, out, err = _run(capsys, write_config(sim, tmp_path), "host", "-n", host.name, "remove")
    assert code == 0, (out, err)
    assert host.name not in _host_names(sim)
    with sim.world.lock:
        codes = [e.code for e in sim.world.coll["events"].values()]
    assert 44 in codes


def test_host_remove_of_an_up_host_fails_with_the_engine_message(
    make_sim, tmp_path, capsys
) -> None:
    sim = make_sim(vms=6, hosts=4)
    with sim.world.lock:
        name = next(h.name for h in sim.world.coll["hosts"].values() if h.status == T.HostStatus.UP)
    code, out, err = _run(capsys, write_config(sim, tmp_path), "host", "-n", name, "remove")
    assert code == 1, (out, err)
    assert MAINT_FIRST in err
    assert name in _host_names(sim)


def test_storagedomain_refresh_on_iscsi(sim, tmp_path, capsys) -> None:
    with sim.world.lock:
        sd = sim.world.find("storagedomain", "default-iscsi1")
        lun = sd.storage.volume_group.logical_units[1]
        old = lun.size
    sim.world.resize_lun("default-iscsi1", lun.id, old + 50 * 2**30)
    code, out, err = _run(
        capsys, write_config(sim, tmp_path), "storagedomain", "-n", "default-iscsi1", "refresh"
    )
    assert code == 0, (out, err)
    assert "2 LUN(s) refreshed" in out + err
    with sim.world.lock:
        assert lun.size == old + 50 * 2**30
        codes = [e.code for e in sim.world.coll["events"].values()]
    assert 1022 in codes


def test_storagedomain_refresh_on_nfs_fails_clearly(sim, tmp_path, capsys) -> None:
    code, out, err = _run(
        capsys, write_config(sim, tmp_path), "storagedomain", "-n", "default-data1", "refresh"
    )
    assert code == 1, (out, err)
    assert "not supported for nfs storage domain default-data1" in err
    assert "Only iSCSI and FCP domains can refresh LUNs." in err
