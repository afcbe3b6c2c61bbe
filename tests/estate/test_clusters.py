"""``cluster create / update / remove`` and ``cluster network-attach / network-update /
network-detach`` headless against the simulator: each changes what ``show`` / ``export``
then return; each refusal exits 1 with the engine's words."""

from __future__ import annotations

from ovtui.sim.testing import write_config
from tests.support import run_cli, run_json


def _usages(capsys, cfg, cluster: str) -> dict[str, tuple[list[str], bool]]:
    nets = run_json(capsys, cfg, "cluster", "-n", cluster, "export", "networks")
    return {n["name"]: (sorted(n.get("usages") or []), n.get("required")) for n in nets}


def test_create_update_remove_a_cluster(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "cluster", "create", "--name", "web", "--dc", "dc02",
        "--cpu-type", "AMD EPYC", "--memory-overcommit", "150",
        "--migration-policy", "post_copy", "--firewall-type", "iptables",
    )  # fmt: skip
    assert code == 0, err
    assert "event 809: Cluster web was added by admin@internal" in err
    shown = run_json(capsys, cfg, "cluster", "-n", "web", "show")
    assert shown["cpu"]["type"] == "AMD EPYC"
    assert shown["memory_policy"]["over_commit"]["percent"] == 150
    assert shown["firewall_type"] == "iptables"
    assert shown["migration"]["policy"]["id"] == "a7aeedb2-8d66-4e51-bb22-32595027ce71"
    dc02 = run_json(capsys, cfg, "datacenter", "-n", "dc02", "show")
    assert shown["data_center"]["id"] == dc02["id"]
    # the data center's management network is attached with every role
    roles, required = _usages(capsys, cfg, "web")["ovirtmgmt"]
    assert {"management", "display", "migration", "default_route"} <= set(roles) and required

    code, _, err = run_cli(
        capsys, cfg, "cluster", "-n", "web", "update", "--description", "front",
        "--cpu-type", "Secure AMD EPYC",
    )  # fmt: skip
    assert code == 0, err
    shown = run_json(capsys, cfg, "cluster", "-n", "web", "show")
    assert (shown["description"], shown["cpu"]["type"]) == ("front", "Secure AMD EPYC")

    code, _, err = run_cli(capsys, cfg, "-y", "cluster", "-n", "web", "remove")
    assert code == 0, err
    assert "event 813: Host cluster web was removed by admin@internal" in err
    code, _, _ = run_cli(capsys, cfg, "cluster", "-n", "web", "show")
    assert code == 4


def test_cpu_types_and_versions_are_the_engines(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "cluster", "create", "--name", "c", "--dc", "Default", "--cpu-type", "Z80"
    )
    assert code == 2
    assert "The engine has no CPU type 'Z80' at compatibility version 4.7." in err
    assert "AMD EPYC" in err  # the engine's list, from its cluster levels
    code, _, err = run_cli(capsys, cfg, "cluster", "create", "--name", "c")
    assert code == 2  # --datacenter is required


def test_remove_is_refused_while_the_cluster_has_hosts(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(capsys, cfg, "-y", "cluster", "-n", "Default", "remove")
    assert code == 1
    assert "Cannot remove Cluster. Cluster contains one or more Hosts" in err
    assert "Cannot remove Cluster. One or more VMs are still assigned to the Cluster" in err
    assert run_json(capsys, cfg, "cluster", "-n", "Default", "show")["name"] == "Default"
    code, _, err = run_cli(capsys, cfg, "cluster", "create", "--name", "Default", "--dc", "dc02")
    assert code == 1
    assert "Cannot create Cluster. Cluster name is already in use." in err


def test_network_attach_roles_update_detach(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    assert run_cli(capsys, cfg, "cluster", "create", "--name", "lab", "--dc", "dc02")[0] == 0
    code, _, err = run_cli(
        capsys, cfg, "cluster", "-n", "lab", "network-attach", "--network", "vmnet",
        "--role", "migration", "--role", "display", "--not-required",
    )  # fmt: skip
    assert code == 0, err
    assert "Network vmnet attached to Cluster lab" in err
    nets = _usages(capsys, cfg, "lab")
    assert {"migration", "display"} <= set(nets["vmnet"][0]) and nets["vmnet"][1] is False
    # the roles moved from the management network
    assert not {"migration", "display"} & set(nets["ovirtmgmt"][0])

    code, _, err = run_cli(
        capsys, cfg, "cluster", "-n", "lab", "network-update", "--network", "vmnet",
        "--required", "yes", "--role", "default_route",
    )  # fmt: skip
    assert code == 0, err
    nets = _usages(capsys, cfg, "lab")
    assert "default_route" in nets["vmnet"][0] and nets["vmnet"][1] is True

    code, _, err = run_cli(
        capsys, cfg, "cluster", "-n", "lab", "network-attach", "--network", "vmnet"
    )
    assert code == 1
    assert "Logical Network is already attached to Cluster." in err

    code, _, err = run_cli(
        capsys, cfg, "-y", "cluster", "-n", "lab", "network-detach", "--network", "ovirtmgmt"
    )
    assert code == 1
    assert "The Management Network ('ovirtmgmt') is mandatory and cannot be removed." in err

    code, _, err = run_cli(
        capsys, cfg, "-y", "cluster", "-n", "lab", "network-detach", "--network", "vmnet"
    )
    assert code == 0, err
    assert "Network vmnet detached from Cluster lab" in err
    assert list(_usages(capsys, cfg, "lab")) == ["ovirtmgmt"]


def test_cluster_version_is_raised(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "datacenter", "create", "--name", "dc46", "--version", "4.6"
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, cfg, "cluster", "create", "--name", "old", "--dc", "dc46", "--version", "4.6",
        "--cpu-type", "AMD EPYC",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run_cli(capsys, cfg, "cluster", "-n", "old", "update", "--version", "4.7")
    assert code == 0, err
    shown = run_json(capsys, cfg, "cluster", "-n", "old", "show")
    assert (shown["version"]["major"], shown["version"]["minor"]) == (4, 7)
