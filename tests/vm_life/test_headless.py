"""Issue 11, acceptance 1: each verb of the VM's life, headless against the simulator, changes
what ``vm show``/``export`` then return; each refusal exits 1 in the engine's words."""

from __future__ import annotations

from typing import Any

from tests.support import json_from

from .helpers import vm_named

GIB = 2**30


def _disks(cli: Any, vm: str) -> dict[str, Any]:
    out = {}
    for att in json_from(cli, "vm", "-n", vm, "export", "diskattachments"):
        disk = json_from(cli, "disk", "-i", att["disk"]["id"], "show")
        out[disk["name"]] = disk
    return out


def test_update_memory_of_a_down_vm(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    code, _, err = cli("vm", "-n", name, "update", "--memory", "6G", "--description", "bigger")
    assert code == 0, err
    vm = json_from(cli, "vm", "-n", name, "show")
    assert (int(vm["memory"]), vm["description"]) == (6 * GIB, "bigger")


def test_running_vm_hot_plugs_memory_refuses_os_or_keeps_it_for_next_run(
    sim: Any, cli: Any
) -> None:
    name = vm_named(sim, "up")
    before = json_from(cli, "vm", "-n", name, "show")
    code, _, err = cli(
        "vm", "-n", name, "update", "--memory", str(int(before["memory"]) * 2 // 2**20)
    )
    assert code == 0, err
    assert "hot plugged memory" in err
    assert int(json_from(cli, "vm", "-n", name, "show")["memory"]) == int(before["memory"]) * 2
    code, _, err = cli("vm", "-n", name, "update", "--timezone", "Asia/Tokyo")
    assert code == 1
    assert "There was an attempt to change VM values while the VM is not down." in err
    code, _, err = cli("vm", "-n", name, "update", "--timezone", "Asia/Tokyo", "--next-run")
    assert code == 0, err
    assert "at the next run (next_run): timezone" in err
    vm = json_from(cli, "vm", "-n", name, "show")
    assert (
        vm["next_run_configuration_exists"] is True
        and (vm.get("time_zone") or {}).get("name") != "Asia/Tokyo"
    )


def test_nic_add_then_unplug_and_remove(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "up")
    net = json_from(cli, "network", "list")[0]["name"]
    code, _, err = cli("vm", "-n", name, "nic-add", "--network", net, "--name", "eth9")
    assert code == 0, err
    nics = {n["name"]: n for n in json_from(cli, "vm", "-n", name, "export", "nics")}
    assert nics["eth9"]["plugged"] is True
    code, _, err = cli("vm", "-n", name, "nic-remove", "eth9", "-y")
    assert code == 1
    assert "Cannot remove Interface" in err
    assert cli("vm", "-n", name, "nic-unplug", "eth9")[0] == 0
    assert cli("vm", "-n", name, "nic-remove", "eth9", "-y")[0] == 0
    assert "eth9" not in {n["name"] for n in json_from(cli, "vm", "-n", name, "export", "nics")}


def test_disk_add_grow_shrink_refused_move_and_remove(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    sds = [s["name"] for s in json_from(cli, "storagedomain", "list") if s["type"] == "data"]
    code, _, err = cli(
        "vm", "-n", name, "disk-add", "--size", "2G", "--storagedomain", sds[0], "--name", "d9"
    )
    assert code == 0, err
    assert int(_disks(cli, name)["d9"]["provisioned_size"]) == 2 * GIB
    code, _, err = cli("vm", "-n", name, "disk-resize", "d9", "--size", "+3G")
    assert code == 0, err
    assert int(_disks(cli, name)["d9"]["provisioned_size"]) == 5 * GIB
    code, _, err = cli("vm", "-n", name, "disk-resize", "d9", "--size", "1G")
    assert code == 1
    assert "New disk size must be larger than the current disk size." in err
    other = next(s for s in sds[1:])
    code, _, err = cli("vm", "-n", name, "disk-move", "d9", "--storagedomain", other)
    assert code == 0, err
    assert "%" in err  # the engine's job progress
    sd_id = json_from(cli, "storagedomain", "-n", other, "show")["id"]
    assert _disks(cli, name)["d9"]["storage_domains"][0]["id"] == sd_id
    assert cli("vm", "-n", name, "disk-remove", "d9", "-y")[0] == 0
    assert "d9" not in _disks(cli, name)


def test_active_disk_of_a_running_vm_is_not_removed(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "up")
    disk = next(iter(_disks(cli, name)))
    code, _, err = cli("vm", "-n", name, "disk-remove", disk, "-y")
    assert code == 1
    assert "Disk is active, please deactivate it first." in err
    assert disk in _disks(cli, name)


def test_snapshot_preview_commit_and_commit_without_preview(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    code, _, err = cli("vm", "-n", name, "snapshot-commit", "-y")
    assert code == 1
    assert "Cannot revert to Snapshot. VM's Snapshot does not exist." in err
    assert cli("vm", "-n", name, "snapshot-create", "--description", "pre-upgrade")[0] == 0
    code, out, err = cli("vm", "-n", name, "snapshot-list")
    assert "pre-upgrade" in out  # the description column
    code, _, err = cli("vm", "-n", name, "snapshot-preview", "pre-upgrade")
    assert code == 0, err
    snaps = {s["description"]: s for s in json_from(cli, "vm", "-n", name, "snapshot-list")}
    assert snaps["pre-upgrade"]["snapshot_status"] == "in_preview"
    assert "Active VM before the preview" in snaps
    code, _, err = cli("vm", "-n", name, "snapshot-commit", "-y")
    assert code == 0, err
    snaps = {s["description"]: s for s in json_from(cli, "vm", "-n", name, "snapshot-list")}
    assert snaps["pre-upgrade"]["snapshot_status"] == "ok"
    assert "Active VM before the preview" not in snaps


def test_clone_and_template_create_update_remove(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    code, _, err = cli("vm", "-n", name, "clone", "--name", "the-clone")
    assert code == 0, err
    assert json_from(cli, "vm", "-n", "the-clone", "show")["status"] == "down"
    code, _, err = cli("template", "create", "--vm", name, "--name", "golden", "--seal")
    assert code == 0, err
    code, _, err = cli("template", "create", "--vm", name, "--version-of", "golden",
                       "--version-name", "v2")  # fmt: skip
    assert code == 0, err
    versions = sorted(
        t["version"]["version_number"]
        for t in json_from(cli, "template", "-s", "name=golden", "list")
    )
    assert versions == [1, 2]
    by_version = {
        t["version"]["version_number"]: t["id"]
        for t in json_from(cli, "template", "-s", "name=golden", "list")
    }
    # a VM made from a chosen version of the template, and from the latest
    for wanted, number in (("2", 2), ("latest", 2), ("1", 1)):
        vm_name = f"from-golden-{wanted}"
        code, _, err = cli("vm", "create", "--name", vm_name, "--cluster", "Default",
                           "--from-template", "golden", "--template-version", wanted)  # fmt: skip
        assert code == 0, err
        assert json_from(cli, "vm", "-n", vm_name, "show")["template"]["id"] == by_version[number]
        assert cli("vm", "-n", vm_name, "remove", "-y")[0] == 0
    code, _, err = cli("vm", "create", "--name", "nope", "--cluster", "Default",
                       "--from-template", "golden", "--template-version", "7")  # fmt: skip
    assert code == 4 and "Template 'golden' has no version 7 (it has 1, 2)." in err
    code, _, err = cli("template", "-n", "Blank", "remove", "-y")
    assert code == 1 and "Removing Blank Template is not allowed." in err
    code, _, err = cli("vm", "-n", "the-clone", "remove", "-y")
    assert code == 0, err


def test_template_update(sim: Any, cli: Any) -> None:
    name = next(t["name"] for t in json_from(cli, "template", "list") if t["name"] != "Blank")
    code, _, err = cli("template", "-n", name, "update", "--description", "new words")
    assert code == 0, err
    assert json_from(cli, "template", "-n", name, "show")["description"] == "new words"
