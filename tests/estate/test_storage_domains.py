"""``storagedomain add / attach / detach / remove / import / destroy`` headless against the
simulator: each exits 0 and the engine then shows the step, with the domain's statuses as
progress; the engine's refusals exit 1 with its words."""

from __future__ import annotations

import json

from ovtui.sim.testing import write_config
from tests.support import run_cli


def _sd(sim, name):
    with sim.world.lock:
        return next((s for s in sim.world.coll["storagedomains"].values() if s.name == name), None)


def _statuses(err: str, what: str) -> list[str]:
    """The statuses the verb reported for ``what`` (its ``what: status`` lines), in order."""
    out = []
    for line in err.splitlines():
        line = line.strip()
        if line.startswith(f"{what}: ") and " " not in line[len(what) + 2 :]:
            word = line[len(what) + 2 :]
            if word.isalpha() or "_" in word:
                out.append(word)
    return out


def test_nfs_domain_add_attach_detach_remove_import(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    # add: locked while the host creates it, then unattached
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "storagedomain", "add", "--name", "nfs-lab",
        "--address", "nfs.example.com", "--path", "/exports/lab",
    )  # fmt: skip
    assert code == 0, err
    assert "event 956: Storage Domain nfs-lab was added by admin@internal" in err
    assert json.loads(out)["status"] == "unattached"
    sd = _sd(sim, "nfs-lab")
    assert sim.world.status_path(sd.id) == ["locked", "unattached"]
    assert _statuses(err, "storage domain nfs-lab")[-1] == "unattached", err

    # attach: locked, maintenance, activating, active in Default
    code, out, err = run_cli(capsys, cfg, "sd", "-n", "nfs-lab", "attach", "--dc", "Default")
    assert code == 0, err
    seen = _statuses(err, "storage domain nfs-lab in data center Default")
    assert seen[-1] == "active" and seen[0] in ("locked", "maintenance", "activating"), err
    assert sim.world.status_path(sd.id)[2:] == ["locked", "maintenance", "activating", "active"]
    assert "was attached to Data Center Default" in err
    code, out, _ = run_cli(capsys, cfg, "-o", "json", "sd", "-n", "nfs-lab", "show")
    assert json.loads(out)["status"] == "active"

    # an attached domain is not removed: the engine's words, exit 1
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "nfs-lab", "remove")
    assert code == 1
    assert "Cannot remove Storage. The relevant Storage Domain is inaccessible." in err
    assert _sd(sim, "nfs-lab") is not None

    # detach: maintenance first, then unattached
    code, out, err = run_cli(capsys, cfg, "-y", "-o", "json", "sd", "-n", "nfs-lab", "detach")
    assert code == 0, err
    assert json.loads(out)["status"] == "unattached"
    path = sim.world.status_path(sd.id)
    assert path[-3:] == ["maintenance", "locked", "unattached"], path
    assert "was detached from Data Center Default" in err

    # remove without format: gone from the engine, still on the storage
    code, out, err = run_cli(capsys, cfg, "-y", "sd", "-n", "nfs-lab", "remove")
    assert code == 0, err
    assert _sd(sim, "nfs-lab") is None
    code, out, _ = run_cli(capsys, cfg, "-o", "json", "sd", "list")
    assert "nfs-lab" not in [s["name"] for s in json.loads(out)]

    # import it back: the same domain (same id), under a name of our choice
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "storagedomain", "import", "--name", "nfs-lab2",
        "--address", "nfs.example.com", "--path", "/exports/lab",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["id"] == sd.id and json.loads(out)["status"] == "unattached"

    # remove with format: nothing left to import
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "nfs-lab2", "remove", "--format")
    assert code == 0, err
    code, _, err = run_cli(
        capsys, cfg, "storagedomain", "import", "--address", "nfs.example.com",
        "--path", "/exports/lab",
    )  # fmt: skip
    assert code == 1
    assert "Cannot import Storage. Storage Domain doesn't exist." in err


def test_iscsi_domain_on_discovered_luns_and_destroy(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    # what the host's discovery finds on the portal: the seeded domain's target and a spare
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "host", "-n", "host01", "discoverdomain",
        "--address", "iscsi.example.com",
    )  # fmt: skip
    assert code == 0, err
    target = "iqn.2003-01.org.linux-iscsi.storage.x8664:spare"
    assert target in out
    # the LUNs the host sees there, free ones
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "sd", "luns", "--host", "host01", "--target", target, "--free"
    )
    assert code == 0, err
    free = json.loads(out)
    assert len(free) == 4 and {lu["size"] for lu in free} == {100 * 2**30}
    lun1, lun2 = free[0]["id"], free[1]["id"]
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "sd", "add", "--name", "san-lab", "--storage-type", "iscsi",
        "--address", "iscsi.example.com", "--target", target, "--lun", lun1, "--lun", lun2,
        "--dc", "Default",
    )  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    assert got["status"] == "active" and got["storage"]["type"] == "iscsi"
    luns = got["storage"]["volume_group"]["logical_units"]
    assert sorted(lu["id"] for lu in luns) == sorted([lun1, lun2])
    assert {lu["target"] for lu in luns} == {target}
    assert {lu["size"] for lu in luns} == {100 * 2**30}
    # the host now sees them used by the new domain
    code, out, _ = run_cli(capsys, cfg, "-o", "json", "sd", "luns", "--target", target)
    used = {lu["id"]: lu.get("storage_domain_id") for lu in json.loads(out)}
    assert used[lun1] == got["id"] and used[lun2] == got["id"]
    # a LUN the storage does not have: VDSM's words through the engine
    code, _, err = run_cli(
        capsys, cfg, "sd", "add", "--name", "san-x", "--storage-type", "iscsi",
        "--address", "iscsi.example.com", "--target", target, "--lun", "36001405nothere",
    )  # fmt: skip
    assert code == 1 and "Physical device initialization failed." in err
    # a LUN of an existing domain is refused, naming it
    code, _, err = run_cli(
        capsys, cfg, "sd", "add", "--name", "san-2", "--storage-type", "iscsi",
        "--address", "iscsi.example.com", "--target", target,
        "--lun", lun2,
    )  # fmt: skip
    assert code == 1
    assert f"The following LUNs are already part of existing storage domains: {lun2}." in err
    # destroy is refused while active, then the engine forgets it
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "san-lab", "destroy")
    assert (
        code == 1
        and "Cannot destroy Storage. The relevant Storage Domain's status is Active." in err
    )
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "san-lab", "deactivate")
    assert code == 0, err
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "san-lab", "destroy")
    assert code == 0, err
    assert "was forcibly removed" in err
    assert _sd(sim, "san-lab") is None


def test_usage_errors_say_what_is_missing(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(capsys, cfg, "sd", "add", "--name", "x", "--address", "nfs.example.com")
    assert code == 2 and "A nfs domain needs --address and --path." in err
    code, _, err = run_cli(capsys, cfg, "sd", "add", "--name", "x", "--storage-type", "fcp")
    assert code == 2 and "needs --lun" in err
    assert _sd(sim, "x") is None


def test_update_then_the_engine_shows_it(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "sd", "-n", "default-data2", "update", "--new-name",
        "bulk", "--description", "the big one", "--warning-low-space", "15",
    )  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    assert (got["name"], got["description"], got["warning_low_space_indicator"]) == (
        "bulk",
        "the big one",
        15,
    )
    assert _sd(sim, "bulk") is not None and _sd(sim, "default-data2") is None
    code, _, err = run_cli(capsys, cfg, "sd", "-n", "bulk", "update")
    assert code == 2 and "Say what to change" in err


def test_the_master_role_moves_when_the_master_goes_to_maintenance(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    master = _sd(sim, "default-data1")
    assert master.master
    code, _, err = run_cli(capsys, cfg, "-y", "sd", "-n", "default-data1", "deactivate")
    assert code == 0, err
    with sim.world.lock:
        masters = [
            s.name
            for s in sim.world.coll["storagedomains"].values()
            if s.master and s.data_centers and s.data_centers[0].id == master.data_centers[0].id
        ]
    assert len(masters) == 1 and masters[0] != "default-data1"
    code, out, _ = run_cli(capsys, cfg, "-o", "json", "dc", "-n", "Default", "show")
    assert json.loads(out)["status"] == "up"  # another active data domain holds the role
