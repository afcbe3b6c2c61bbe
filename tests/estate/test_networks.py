"""``network create / update / remove`` and ``vnicprofile list / create / remove`` headless
against the simulator: each changes what ``show`` / ``list`` then return; each refusal exits
1 with the engine's words."""

from __future__ import annotations

import json

from ovtui.sim.testing import write_config
from tests.support import run_cli, run_json


def _profiles(capsys, cfg) -> dict[str, str]:
    """vNIC profile name -> its network's id."""
    return {p["name"]: p["network"]["id"] for p in run_json(capsys, cfg, "vnicprofile", "list")}


def test_create_update_remove_a_network(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "network", "create", "--name", "app", "--dc", "Default",
        "--vlan", "300", "--mtu", "9000", "--description", "application tier",
    )  # fmt: skip
    assert code == 0, err
    assert "event 942: Finished adding Network app to Data Center: Default" in err
    net = json.loads(out)
    assert (net["vlan"]["id"], net["mtu"], net["usages"], net["required"]) == (
        300, 9000, ["vm"], True,
    )  # fmt: skip
    # a VM network gets its vNIC profile of the same name
    assert _profiles(capsys, cfg)["app"] == net["id"]

    code, _, err = run_cli(
        capsys, cfg, "network", "-i", net["id"], "update", "--mtu", "1500", "--vlan", "301",
        "--required", "no",
    )  # fmt: skip
    assert code == 0, err
    shown = run_json(capsys, cfg, "network", "-i", net["id"], "show")
    assert (shown["mtu"], shown["vlan"]["id"], shown["required"]) == (1500, 301, False)

    code, _, err = run_cli(capsys, cfg, "-y", "network", "-i", net["id"], "remove")
    assert code == 0, err
    assert "event 944: Finished Network app removal from Data Center: Default" in err
    assert "app" not in _profiles(capsys, cfg)  # its profile went with it
    assert run_cli(capsys, cfg, "network", "-i", net["id"], "show")[0] == 4


def test_non_vm_network_and_refusals(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "network", "create", "--name", "backup", "--dc", "Default",
        "--non-vm", "--not-required",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out).get("usages") in ([], None)
    assert "backup" not in _profiles(capsys, cfg)
    # a VLAN another network of the data center has (vmnet is VLAN 100 in Default)
    code, _, err = run_cli(
        capsys, cfg, "network", "create", "--name", "dup", "--dc", "Default", "--vlan", "100"
    )
    assert code == 1
    assert "The specified VLAN ID (100) is already in use." in err
    code, _, err = run_cli(capsys, cfg, "network", "create", "--name", "vmnet", "--dc", "Default")
    assert code == 1
    assert (
        "Cannot add Network. The name of the logical network 'vmnet' is already used by an "
        "existing logical network in the same data-center." in err
    )
    # the management network of a cluster, and a network VMs use
    mgmt = run_json(capsys, cfg, "network", "-s", "name=ovirtmgmt and datacenter=Default", "list")
    code, _, err = run_cli(capsys, cfg, "-y", "network", "-i", mgmt[0]["id"], "remove")
    assert code == 1
    assert "The Management Network ('ovirtmgmt') is mandatory and cannot be removed." in err
    vmnet = run_json(capsys, cfg, "network", "-s", "name=vmnet and datacenter=Default", "list")
    code, _, err = run_cli(capsys, cfg, "-y", "network", "-i", vmnet[0]["id"], "remove")
    assert code == 1
    assert "Cannot remove Network. This logical network is used by virtual machine" in err


def test_vnic_profiles(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "vnicprofile", "create", "--name", "mirror", "--network", "vmnet",
        "--dc", "dc02", "--port-mirroring",
    )  # fmt: skip
    assert code == 0, err
    assert "was added to network vmnet in Data Center: dc02" in err
    prof = run_json(capsys, cfg, "vnicprofile", "-n", "mirror", "show")
    assert prof["port_mirroring"] is True
    dc02_vmnet = run_json(capsys, cfg, "network", "-s", "name=vmnet and datacenter=dc02", "list")
    assert prof["network"]["id"] == dc02_vmnet[0]["id"]
    code, _, err = run_cli(capsys, cfg, "-y", "vnicprofile", "-n", "mirror", "remove")
    assert code == 0, err
    assert "mirror" not in _profiles(capsys, cfg)
    # a non-VM network takes none
    code, _, err = run_cli(
        capsys, cfg, "vnicprofile", "create", "--name", "x", "--network", "storage", "--dc", "dc02"
    )
    assert code == 1
    assert "VM network interface profiles cannot be added to a non-VM network." in err
    # one a VM's NIC uses stays
    vm_nics = run_json(capsys, cfg, "vm", "-n", "web01", "export", "nics")
    used = vm_nics[0]["vnic_profile"]["id"]
    code, _, err = run_cli(capsys, cfg, "-y", "vnicprofile", "-i", used, "remove")
    assert code == 1
    assert "This VM network interface profile is used by" in err
    assert run_json(capsys, cfg, "vnicprofile", "-i", used, "show")["id"] == used
