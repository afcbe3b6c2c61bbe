"""``datacenter create / update / remove`` headless against the simulator: each changes what
``show`` / ``export`` then return; each refusal exits 1 with the engine's words."""

from __future__ import annotations

import json

from ovirtsdk4 import types as T

from ovtui.sim.testing import write_config
from tests.support import run_cli


def _show(capsys, cfg, noun: str, name: str) -> dict:
    code, out, err = run_cli(capsys, cfg, "-o", "json", noun, "-n", name, "show")
    assert code == 0, err
    return json.loads(out)


def test_create_update_remove_a_data_center(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "datacenter", "create", "--name", "lab",
        "--storage-type", "local", "--version", "4.6", "--quota-mode", "audit",
        "--description", "the lab",
    )  # fmt: skip
    assert code == 0, err
    assert "event 950: Data Center lab, Compatibility Version 4.6 and Quota Type AUDIT" in err
    assert "engine job: Adding new Data Center lab (finished)" in err
    shown = _show(capsys, cfg, "datacenter", "lab")
    assert (shown["status"], shown["local"], shown["quota_mode"]) == (
        "uninitialized",
        True,
        "audit",
    )
    assert (shown["version"]["major"], shown["version"]["minor"]) == (4, 6)
    # its management network came with it
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "datacenter", "-n", "lab", "export", "networks"
    )
    assert code == 0, err
    assert [n["name"] for n in json.loads(out)] == ["ovirtmgmt"]

    code, _, err = run_cli(
        capsys, cfg, "datacenter", "-n", "lab", "update", "--name", "lab2", "--version", "4.7",
        "--storage-type", "shared",
    )  # fmt: skip
    assert code == 0, err
    shown = _show(capsys, cfg, "datacenter", "lab2")
    assert (shown["local"], shown["version"]["minor"]) == (False, 7)

    # the engine never lowers a compatibility version
    code, _, err = run_cli(capsys, cfg, "datacenter", "-n", "lab2", "update", "--version", "4.5")
    assert code == 1
    assert "Cannot decrease data center compatibility version." in err

    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "lab2", "remove")
    assert code == 0, err
    assert "event 954: Data Center lab2 was removed by admin@internal" in err
    code, _, err = run_cli(capsys, cfg, "datacenter", "-n", "lab2", "show")
    assert code == 4


def test_refusals_in_the_engines_words(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(capsys, cfg, "datacenter", "create", "--name", "Default")
    assert code == 1
    assert "Cannot create Data Center. The Data Center name is already in use." in err
    # a data center whose master domain is active
    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "Default", "remove")
    assert code == 1
    assert "Cannot remove an active Data Center." in err
    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "Default", "remove", "--force")
    assert code == 1
    assert "Cannot remove an active Data Center." in err
    assert _show(capsys, cfg, "datacenter", "Default")["status"] == "up"
    # a version the engine does not have: said before anything is sent (usage, exit 2)
    code, _, err = run_cli(capsys, cfg, "datacenter", "create", "--name", "x", "--version", "3.6")
    assert code == 2


def test_remove_with_every_domain_in_maintenance_needs_force_for_several(
    sim, tmp_path, capsys
) -> None:
    """RemoveStoragePool: domains in maintenance, not active; several only with --force,
    and --force only with every host of the data center in maintenance."""
    cfg = write_config(sim, tmp_path)
    # the storage side (sim/storage_admin) is set by hand: every domain of dc02 in maintenance
    with sim.world.lock:
        dc = sim.world.find("datacenter", "dc02")
        for sd in sim.world.coll["storagedomains"].values():
            if sd.data_centers and sd.data_centers[0].id == dc.id:
                sd._sim_dc_status = T.StorageDomainStatus.MAINTENANCE
        dc.status = T.DataCenterStatus.MAINTENANCE
    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "dc02", "remove")
    assert code == 1
    assert "Cannot remove Data Center when more than one Storage Domain is attached." in err
    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "dc02", "remove", "--force")
    assert code == 1
    assert (
        "Cannot remove Data Center while there are Hosts that are not in Maintenance mode." in err
    )


def test_lost_replies_are_read_back_and_nothing_is_sent_twice(sim, tmp_path, capsys) -> None:
    """The engine does each write and the reply is lost: the verb reads back what the engine
    did (the object by name, the job of its correlation id) and ends done, sent once."""
    cfg = write_config(sim, tmp_path)
    sim.faults.apply_spec("lost_reply_rate=1")
    mark = len(sim.requests.snapshot())
    code, _, err = run_cli(capsys, cfg, "datacenter", "create", "--name", "lost")
    assert code == 0, err
    assert "the reply was lost" in err and "the engine has it" in err
    code, _, err = run_cli(capsys, cfg, "datacenter", "-n", "lost", "update", "--description", "d")
    assert code == 0, err
    code, _, err = run_cli(capsys, cfg, "-y", "datacenter", "-n", "lost", "remove")
    assert code == 0, err
    sim.faults.apply_spec("lost_reply_rate=0")
    writes = [
        (r[0], r[1].split("/api/")[1].split("/")[0])
        for r in sim.requests.snapshot()[mark:]
        if r[0] in ("POST", "PUT", "DELETE") and "/api/" in r[1]
    ]
    assert writes == [("POST", "datacenters"), ("PUT", "datacenters"), ("DELETE", "datacenters")]
    assert run_cli(capsys, cfg, "datacenter", "-n", "lost", "show")[0] == 4
