"""host upgrade / upgradecheck / reinstall against the simulator."""

from __future__ import annotations

from ovtui.actions import host_upgrade
from ovtui.sim.testing import write_config
from tests.support import make_ctx, run_cli

from .test_host_helpers import api_host, sval, whost


def _host(sim, available: bool) -> str:
    for h in sorted(sim.world.coll["hosts"].values(), key=lambda x: x.name):
        if sval(h) == "up" and bool(h.update_available) == available:
            return h.name
    raise AssertionError(f"no up host with update_available={available}")


def test_upgrade_ends_upgraded_and_back_up(make_sim) -> None:
    sim = make_sim(hosts=4, vms=30, speed=40)  # installing lasts 0.25 s
    name = _host(sim, True)
    ctx, rec = make_ctx(sim)
    res = host_upgrade.upgrade(ctx, api_host(ctx, name))
    assert res.ok, res.message
    assert res.message.endswith("upgraded") or "upgraded and rebooting" in res.message
    assert sval(whost(sim, name)) == "up"
    assert not whost(sim, name).update_available
    codes = [p.event.code for p in rec.items if p.event is not None]
    assert 840 in codes and (842 in codes or 888 in codes), rec.text()
    assert "installing" in sim.world.status_path(whost(sim, name).id)


def test_upgrade_with_reboot_says_rebooting(make_sim) -> None:
    sim = make_sim(hosts=4, vms=30, speed=120)
    name = _host(sim, True)
    ctx, rec = make_ctx(sim)
    res = host_upgrade.upgrade(ctx, api_host(ctx, name), reboot=True)
    assert "upgraded and rebooting" in res.message, rec.text()
    assert sval(whost(sim, name)) == "up"


def test_upgrade_up_to_date_exits_0(sim, tmp_path, capsys) -> None:
    name = _host(sim, False)
    code, _, err = run_cli(capsys, write_config(sim, tmp_path), "-y", "host", "-n", name, "upgrade")
    assert code == 0, err
    assert "up to date" in err
    assert sval(whost(sim, name)) == "up"


def test_upgrade_failure_exits_1(make_sim, tmp_path, capsys) -> None:
    sim = make_sim(hosts=4, vms=30, speed=120)
    name = _host(sim, True)
    sim.faults.fail_upgrade.add(name)
    code, _, err = run_cli(capsys, write_config(sim, tmp_path), "-y", "host", "-n", name, "upgrade")
    assert code == 1, err
    assert "failed" in err


def test_upgradecheck_reports(sim) -> None:
    ctx, rec = make_ctx(sim)
    name = _host(sim, False)
    res = host_upgrade.upgradecheck(ctx, api_host(ctx, name))
    assert res.ok and name in res.message, rec.text()


def test_reinstall_on_up_host_exits_1_with_engine_message(sim, tmp_path, capsys) -> None:
    name = _host(sim, False)
    code, _, err = run_cli(
        capsys, write_config(sim, tmp_path), "-y", "host", "-n", name, "reinstall"
    )
    assert code == 1
    assert "Cannot install Host. Please move Host to Maintenance mode first." in err


def test_upgrade_from_maintenance_ends_in_maintenance(make_sim) -> None:
    sim = make_sim(hosts=4, vms=30, speed=120)
    name = _host(sim, True)
    ctx, rec = make_ctx(sim)
    from ovtui.actions import host_maintenance

    host_maintenance.maintenance(ctx, api_host(ctx, name))
    res = host_upgrade.upgrade(ctx, api_host(ctx, name), check=False)
    assert "upgraded" in res.message and sval(whost(sim, name)) == "maintenance"


def test_upgrade_check_first_and_async(make_sim) -> None:
    sim = make_sim(hosts=4, vms=30, speed=120)
    ctx, rec = make_ctx(sim)
    res = host_upgrade.upgrade(ctx, api_host(ctx, "host01"), check=True)
    assert res.ok, res.message
    assert 885 in [p.event.code for p in rec.items if p.event is not None], rec.text()
    ctx.async_ = True
    with sim.world.lock:
        whost(sim, "host04").update_available = True  # host01's cluster peer
    res = host_upgrade.upgrade(ctx, api_host(ctx, "host04"))
    assert "accepted" in res.message
