"""Floating disks headless: ``disk create / update / move / copy / remove`` against the
simulator; each exits 0 and the engine then shows it; its refusals exit 1 in its words."""

from __future__ import annotations

import json

from ovtui.sim.testing import write_config
from tests.support import run_cli

GiB = 2**30


def _disk(capsys, cfg, name):
    code, out, err = run_cli(capsys, cfg, "-o", "json", "disk", "-n", name, "show")
    assert code == 0, err
    return json.loads(out)


def _sd_id(sim, name):
    with sim.world.lock:
        return next(s.id for s in sim.world.coll["storagedomains"].values() if s.name == name)


def test_floating_disk_create_update_move_copy_remove(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "disk", "create", "--name", "scratch", "--size", "2G",
        "--sd", "default-data1", "--format", "raw",
    )  # fmt: skip
    assert code == 0, err
    assert "create disk scratch: ok" in err
    d = _disk(capsys, cfg, "scratch")
    assert sim.world.status_path(d["id"]) == ["locked", "ok"]
    assert d["provisioned_size"] == 2 * GiB and d["format"] == "raw" and d["status"] == "ok"
    assert d["storage_domains"][0]["id"] == _sd_id(sim, "default-data1")

    code, _, err = run_cli(
        capsys, cfg, "disk", "-n", "scratch", "update", "--size", "+1G", "--description", "tmp"
    )
    assert code == 0, err
    d = _disk(capsys, cfg, "scratch")
    assert d["provisioned_size"] == 3 * GiB and d["description"] == "tmp"
    code, _, err = run_cli(capsys, cfg, "disk", "-n", "scratch", "update", "--size", "1G")
    assert code == 1
    assert "New disk size must be larger than the current disk size." in err

    code, _, err = run_cli(capsys, cfg, "disk", "-n", "scratch", "move", "--sd", "default-data2")
    assert code == 0, err
    assert _disk(capsys, cfg, "scratch")["storage_domains"][0]["id"] == _sd_id(sim, "default-data2")

    code, _, err = run_cli(
        capsys, cfg, "disk", "-n", "scratch", "copy", "--sd", "default-data1", "--name", "scratch2"
    )
    assert code == 0, err
    assert "event 2006: User admin@internal finished copying disk scratch" in err
    copy = _disk(capsys, cfg, "scratch2")
    assert copy["provisioned_size"] == 3 * GiB and copy["id"] != d["id"]
    assert copy["storage_domains"][0]["id"] == _sd_id(sim, "default-data1")
    assert _disk(capsys, cfg, "scratch")["status"] == "ok"

    code, _, err = run_cli(capsys, cfg, "-y", "disk", "-n", "scratch2", "remove")
    assert code == 0, err
    code, _, _ = run_cli(capsys, cfg, "disk", "-n", "scratch2", "show")
    assert code == 4


def test_disk_create_refusals(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(
        capsys, cfg, "disk", "create", "--name", "x", "--size", "1G", "--sd", "default-export"
    )
    assert code == 1 and "Cannot add Virtual Disk. Storage Domain type is illegal." in err
    code, _, err = run_cli(capsys, cfg, "disk", "create", "--name", "x", "--size", "1G")
    assert code == 2
