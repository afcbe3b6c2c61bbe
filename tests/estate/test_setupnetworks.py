"""``host setupnetworks`` (and ``host bond``, its shorthand), ``host add``, ``host
discoverdomain``, ``host fence`` headless against the simulator.

What the engine then reports (``host export nics`` / ``networkattachments``) shows each change;
an engine that answers OK and applies nothing (the simulator's ``setupnetworks_ignored``
fault) makes the verb fail with what differs; refusals exit 1 with the engine's words."""

from __future__ import annotations

import json

from ovtui.sim.faults import FaultInjector
from ovtui.sim.testing import connect, write_config
from tests.support import run_cli, run_json


def _nics(capsys, cfg, host: str) -> dict[str, dict]:
    return {n["name"]: n for n in run_json(capsys, cfg, "host", "-n", host, "export", "nics")}


def _on(capsys, cfg, host: str) -> dict[str, tuple[str, dict]]:
    """network name -> (the NIC it is on, its attachment), as the engine reports them."""
    nics = {n["id"]: n["name"] for n in _nics(capsys, cfg, host).values()}
    nets = {n["id"]: n["name"] for n in run_json(capsys, cfg, "network", "list")}
    atts = run_json(capsys, cfg, "host", "-n", host, "export", "networkattachments")
    return {nets[a["network"]["id"]]: (nics[a["host_nic"]["id"]], a) for a in atts}


def test_bond_with_a_static_network_then_undone(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--bond", "bond1",
        "--slave", "eno3", "--slave", "eno4", "--bond-option", "mode", "1",
        "--network", "vmnet", "--nic", "bond1", "--boot-protocol", "static",
        "--address", "192.168.50.2", "--netmask", "255.255.255.0", "--gateway", "192.168.50.1",
    )  # fmt: skip
    assert code == 0, err
    assert "bond bond1 over eno3, eno4; vmnet on bond1 (static 192.168.50.2): applied" in err
    assert "Network changes were saved on host host02" in err  # commit_on_success
    nics = _nics(capsys, cfg, "host02")
    slaves = sorted(nics[s["id"]]["name"] if "name" not in s else s["name"]
                    for s in nics["bond1"]["bonding"]["slaves"])  # fmt: skip
    assert slaves == ["eno3", "eno4"]
    assert {(o["name"], o["value"]) for o in nics["bond1"]["bonding"]["options"]} == {("mode", "1")}
    nic, att = _on(capsys, cfg, "host02")["vmnet"]
    ip = att["ip_address_assignments"][0]
    assert nic == "bond1" and ip["assignment_method"] == "static"
    assert (ip["ip"]["address"], ip["ip"]["netmask"]) == ("192.168.50.2", "255.255.255.0")

    # a bond that carries a network is not removed
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--remove-bond", "bond1"
    )
    assert code == 1
    assert "Cannot remove bond bond1, because it's used by Network Attachments" in err
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--detach", "vmnet",
        "--remove-bond", "bond1",
    )  # fmt: skip
    assert code == 0, err
    assert "bond1" not in _nics(capsys, cfg, "host02")
    assert "vmnet" not in _on(capsys, cfg, "host02")


def test_what_the_engine_did_not_apply_fails_saying_what_differs(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    sim.faults.setupnetworks_ignored.add("host02")
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--bond", "bond1",
        "--slave", "eno3", "--slave", "eno4", "--network", "vmnet", "--nic", "bond1",
    )  # fmt: skip
    assert code == 1
    assert "host host02: the engine answered OK but did not apply it:" in err
    assert "bond bond1 is missing" in err
    assert "network vmnet is on no interface (asked: bond1)" in err
    assert "applied" not in err.replace("did not apply", "")
    assert "bond1" not in _nics(capsys, cfg, "host02")
    # host bond is the same request, checked the same way
    sim.faults.setupnetworks_ignored.add("host03")
    code, _, err = run_cli(capsys, cfg, "host", "-n", "host03", "bond", "-i", "eno3", "-i", "eno4")
    assert code == 1
    assert "bond bond0 is missing" in err and "carries" not in err
    # the fault as --faults names it
    faults = FaultInjector("setupnetworks_ignored=h1+h2")
    assert faults.setupnetworks_ignored == {"h1", "h2"}


def test_dhcp_move_and_refusals(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    # a NIC that carries a network cannot become a slave
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--bond", "bond1",
        "--slave", "eno1", "--slave", "eno2",
    )  # fmt: skip
    assert code == 1
    assert (
        "Cannot setup Networks. Network Interface 'eno1' cannot become slave, there's network "
        "'ovirtmgmt' attached to it." in err
    )
    # a network of the data center that is not in the host's cluster
    assert run_cli(capsys, cfg, "network", "create", "--name", "lonely", "--dc", "dc02")[0] == 0
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--network", "lonely", "--nic", "eno3"
    )
    assert code == 1
    assert "Logical Network 'lonely' does not exist in Cluster." in err
    # storage on eno2 by DHCP, without saving it
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--network", "storage",
        "--nic", "eno2", "--boot-protocol", "dhcp", "--no-commit",
    )  # fmt: skip
    assert code == 0, err
    assert "not saved" in err
    nic, att = _on(capsys, cfg, "host02")["storage"]
    assert nic == "eno2"
    assert att["ip_address_assignments"][0]["assignment_method"] == "dhcp"
    assert _nics(capsys, cfg, "host02")["eno2"]["ip"]["address"]  # the DHCP server gave one
    code, _, err = run_cli(capsys, cfg, "host", "-n", "host02", "commitnetconfig")
    assert code == 0, err
    assert "Network changes were saved on host host02" in err
    # static without a netmask: said before sending (usage)
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host02", "setupnetworks", "--network", "storage",
        "--nic", "eno3", "--address", "10.9.9.9",
    )  # fmt: skip
    assert code == 2


def test_host_add_password_from_a_file_never_argv(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    pw = tmp_path / "root.pw"
    pw.write_text("s3cret\n")
    pw.chmod(0o600)
    code, _, err = run_cli(
        capsys, cfg, "host", "add", "--name", "h9", "--address", "h9.example.com",
        "--cluster", "cluster02", "--password", "s3cret",
    )  # fmt: skip
    assert code == 2  # there is no --password
    code, _, err = run_cli(
        capsys, cfg, "host", "add", "--name", "h9", "--address", "h9.example.com",
        "--cluster", "cluster02",
    )  # fmt: skip
    assert code == 2 and "never taken on the command line" in err
    code, _, err = run_cli(
        capsys, cfg, "host", "add", "--name", "h9", "--address", "h9.example.com",
        "--cluster", "cluster02", "--password-file", str(pw),
    )  # fmt: skip
    assert code == 0, err
    assert "host h9: installing" in err and "host h9 added to cluster cluster02; up" in err
    assert "s3cret" not in err
    shown = run_json(capsys, cfg, "host", "-n", "h9", "show")
    assert shown["status"] == "up" and "root_password" not in shown
    code, _, err = run_cli(
        capsys, cfg, "host", "add", "--name", "h10", "--address", "h10.example.com",
        "--ssh-key", "--no-activate",
    )  # fmt: skip
    assert code == 0, err
    assert run_json(capsys, cfg, "host", "-n", "h10", "show")["status"] == "maintenance"
    code, _, err = run_cli(
        capsys, cfg, "host", "add", "--name", "h9", "--address", "x", "--password-file", str(pw)
    )
    assert code == 1
    assert "Cannot add Host. Host with the same name already exists." in err


def test_discoverdomain_iscsi_targets(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    rows = run_json(capsys, cfg, "host", "-n", "host01", "discoverdomain", "--address",
                 "iscsi.example.com")  # fmt: skip
    targets = {r["target"] for r in rows}
    assert "iqn.2003-01.org.linux-iscsi.storage.x8664:default" in targets
    assert all(r["portal"] == "iscsi.example.com:3260,1" for r in rows)
    code, _, err = run_cli(
        capsys, cfg, "host", "-n", "host01", "discoverdomain", "--address", "nothing.example.com"
    )
    assert code == 1
    assert "Failed to discover iSCSI targets on nothing.example.com:3260." in err


def test_fence_where_power_management_is_configured(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(capsys, cfg, "host", "-n", "host04", "power-status")
    assert code == 1
    assert "Cannot fence Host, Host fence is disabled." in err
    conn = connect(sim)
    try:
        hosts = conn.system_service().hosts_service()
        h = hosts.list(search="name=host04")[0]
        from ovirtsdk4 import types as T

        hosts.host_service(h.id).update(T.Host(power_management=T.PowerManagement(enabled=True)))
    finally:
        conn.close()
    code, out, err = run_cli(capsys, cfg, "-o", "json", "host", "-n", "host04", "fence", "status")
    assert code == 0, err
    assert json.loads(out)["power"] == "on"
    code, _, err = run_cli(capsys, cfg, "-y", "host", "-n", "host04", "fence", "stop")
    assert code == 1
    assert "Host has to be in Maintenance mode in order to be stopped." in err
    assert run_cli(capsys, cfg, "-y", "host", "-n", "host04", "maintenance")[0] == 0
    code, _, err = run_cli(capsys, cfg, "-y", "host", "-n", "host04", "fence", "stop")
    assert code == 0, err
    assert "Host host04 was stopped by admin@internal." in err
    assert run_json(capsys, cfg, "host", "-n", "host04", "show")["status"] == "down"
    assert run_json(capsys, cfg, "host", "-n", "host04", "power-status")["power"] == "off"
    code, _, err = run_cli(capsys, cfg, "-y", "host", "-n", "host04", "fence", "start")
    assert code == 0, err
    assert run_json(capsys, cfg, "host", "-n", "host04", "show")["status"] == "maintenance"
