"""The smaller host verbs against the simulator: restart, refresh, spm, bond, reinstall."""

from __future__ import annotations

import pytest

from ovtui.actions import host_maintenance, hosts
from ovtui.actions.base import EngineRefused
from ovtui.sim.testing import connect, write_config
from tests.support import make_ctx, run_cli

from .test_host_helpers import api_host, running_vms_on, sval, whost


def _host(sim, busy: bool) -> str:
    for h in sorted(sim.world.coll["hosts"].values(), key=lambda x: x.name):
        if sval(h) == "up" and bool(running_vms_on(sim, h)) == busy:
            return h.name
    pytest.skip(f"no up host with busy={busy}")


def test_restart_refuses_while_vms_run_then_goes_round_trip(make_sim) -> None:
    # the reboot lasts 0.2 s: at speed 120 (50 ms) a loaded machine's poll could miss it,
    # and the verb, which waits to see the host leave and come back, waited its 60 s out
    sim = make_sim(hosts=4, vms=20, speed=30)
    ctx, rec = make_ctx(sim)
    name = _host(sim, True)
    with pytest.raises(EngineRefused) as exc:
        hosts.restart(ctx, api_host(ctx, name))
    assert running_vms_on(sim, whost(sim, name))[0].name in exc.value.message
    host_maintenance.maintenance(ctx, api_host(ctx, name))
    rec.items.clear()
    res = hosts.restart(ctx, api_host(ctx, name))
    assert sval(res.data) == "maintenance", rec.text()
    assert sim.world.status_path(whost(sim, name).id)[-2:] == ["reboot", "maintenance"]


def test_reinstall_in_maintenance_and_activate(make_sim) -> None:
    sim = make_sim(hosts=4, vms=20, speed=40)  # installing lasts 0.25 s
    ctx, rec = make_ctx(sim)
    name = _host(sim, True)
    host_maintenance.maintenance(ctx, api_host(ctx, name))
    res = hosts.reinstall(ctx, api_host(ctx, name), activate=True)
    assert sval(res.data) == "up" and "installing" in sim.world.status_path(whost(sim, name).id)


def test_refresh_and_spm(sim) -> None:
    ctx, _ = make_ctx(sim)
    name = "host02"
    assert hosts.refresh(ctx, api_host(ctx, name)).ok
    res = hosts.spm(ctx, api_host(ctx, name))
    assert res.data.spm.status.value == "spm"


def test_bond_from_a_yaml_template(sim, tmp_path, capsys) -> None:
    name = "host02"
    tpl = tmp_path / "bond.yaml"
    tpl.write_text(
        "interfaces: [eno3, ${second:eno4}]\noptions: {mode: 4, miimon: 100}\nmtu: 9000\n"
    )
    code, _, err = run_cli(
        capsys,
        write_config(sim, tmp_path),
        "host",
        "-n",
        name,
        "bond",
        "-T",
        str(tpl),
        "-b",
        "bond1",
    )
    assert code == 0, err
    assert "bond1 over eno3, eno4 carries ovirtmgmt" in err
    conn = connect(sim)
    try:
        host = conn.system_service().hosts_service().list(search=f"name={name}")[0]
        nics = conn.system_service().hosts_service().host_service(host.id).nics_service().list()
    finally:
        conn.close()
    bond = next(n for n in nics if n.name == "bond1")
    assert sorted(s.name for s in bond.bonding.slaves) == ["eno3", "eno4"]


def test_bond_needs_interfaces(sim, tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, write_config(sim, tmp_path), "host", "-n", "host01", "bond")
    assert code == 2 and "-i IFACE" in err
