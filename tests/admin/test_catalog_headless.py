"""Issue 13, headless: tags, quotas, MAC pools, affinity and scheduling policies through
``ovtui run``, against the simulator; every effect is read back with ``show``/``list``."""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.testing import connect, wait_for
from tests.support import json_from


# ------------------------------------------------------------------ tags
def test_tag_two_vms_and_search_by_tag_returns_exactly_them(cli: Any) -> None:
    assert cli("tag", "create", "--name", "prod")[0] == 0
    code, out, err = cli("tag", "create", "--name", "web", "--parent", "prod")
    # "web" is a seeded tag already: the engine refuses a second one by that name
    assert code == 1 and "The specified Tag name already exists." in err
    assert cli("tag", "create", "--name", "frontend", "--parent", "prod")[0] == 0
    tags = {t["name"]: t for t in json_from(cli, "tag", "list")}
    assert tags["frontend"]["parent"]["id"] == tags["prod"]["id"]
    code, out, err = cli("tag", "list")
    row = next(line for line in out.splitlines() if line.startswith("frontend"))
    assert "prod" in row  # the parent by name in the table

    vms = [v["name"] for v in json_from(cli, "vm", "list")][:3]
    for name in vms[:2]:
        code, out, err = cli("vm", "-n", name, "tag-assign", "--tag", "frontend")
        assert code == 0, err
        assert f"tag frontend assigned to VM {name}" in err
    listed = {v["name"] for v in json_from(cli, "vm", "-s", "tag=frontend", "list")}
    assert listed == set(vms[:2])
    # a tag matches what is tagged below it too, as the engine's tag search does
    assert {v["name"] for v in json_from(cli, "vm", "-s", "tag=prod", "list")} == set(vms[:2])

    code, out, err = cli("vm", "-n", vms[0], "tag-unassign", "--tag", "frontend")
    assert code == 0, err
    assert {v["name"] for v in json_from(cli, "vm", "-s", "tag=frontend", "list")} == {vms[1]}
    code, out, err = cli("vm", "-n", vms[0], "tag-unassign", "--tag", "frontend")
    assert code == 4 and "does not have tag frontend" in err


def test_tag_update_moves_and_remove_takes_the_subtree(cli: Any) -> None:
    cli("tag", "create", "--name", "a")
    cli("tag", "create", "--name", "b", "--parent", "a")
    code, out, err = cli("tag", "-n", "a", "update", "--parent", "b")
    assert code == 1 and "recursive Tag hierarchy cannot be defined" in err
    assert cli("tag", "update", "b", "--name", "b2", "--parent", "root")[0] == 0
    tags = {t["name"]: t for t in json_from(cli, "tag", "list")}
    assert "b" not in tags and tags["b2"]["parent"]["id"] == "0" * 8 + "-0000-0000-0000-" + "0" * 12
    cli("tag", "update", "b2", "--parent", "a")
    host = json_from(cli, "host", "list")[0]["name"]
    assert cli("host", "-n", host, "tag-assign", "--tag", "b2")[0] == 0
    assert [h["name"] for h in json_from(cli, "host", "-s", "tag=a", "list")] == [host]
    assert cli("tag", "-n", "a", "remove")[0] == 0
    names = {t["name"] for t in json_from(cli, "tag", "list")}
    assert not {"a", "b2"} & names
    assert json_from(cli, "host", "-s", "tag=b2", "list") == []


# ------------------------------------------------------------------ quotas
def test_enforced_quota_of_2_gib_refuses_a_start_with_the_engine_words(sim: Any, cli: Any) -> None:
    code, out, err = cli(
        "quota", "create", "--name", "small", "--dc", "Default", "--memory-gib", "2"
    )
    assert code == 0, err
    assert "memory 0/2 GiB" in err
    row = next(q for q in json_from(cli, "quota", "list") if q["name"] == "small")
    assert (row["data_center"], row["memory"], row["vcpus"]) == (
        "Default",
        "0/2 GiB",
        "0/unlimited",
    )

    conn = connect(sim)
    try:
        vm = conn.system_service().vms_service().list(search="cluster=Default and status=down")[0]
        conn.system_service().vms_service().vm_service(vm.id).update(T.Vm(memory=3 * 2**30))
    finally:
        conn.close()
    assert cli("quota", "assign", "small", "--vm", vm.name)[0] == 0
    assert cli("quota", "mode", "enforced", "--dc", "Default")[0] == 0
    assert json_from(cli, "dc", "-n", "Default", "show")["quota_mode"] == "enabled"

    code, out, err = cli("vm", "-n", vm.name, "start")
    assert code == 1
    assert "Cannot run VM. Quota has insufficient cluster resources." in err
    assert json_from(cli, "vm", "-n", vm.name, "show")["status"] == "down"

    # within the limit it starts, and the quota shows what it consumes
    conn = connect(sim)
    try:
        conn.system_service().vms_service().vm_service(vm.id).update(T.Vm(memory=2**30))
    finally:
        conn.close()
    code, out, err = cli("vm", "-n", vm.name, "start")
    assert code == 0, err
    shown = json_from(cli, "quota", "-n", "small", "show")
    assert shown["quota_cluster_limits"][0]["memory_usage"] == 1.0
    assert shown["quota_cluster_limits"][0]["memory_limit"] == 2.0


def test_quota_update_and_remove(cli: Any) -> None:
    assert cli("quota", "create", "--name", "q1", "--dc", "Default")[0] == 0
    code, out, err = cli(
        "quota", "-n", "q1", "update", "--name", "q2", "--vcpus", "8",
        "--storage-gib", "100", "--cluster", "Default",
    )  # fmt: skip
    assert code == 0, err
    row = next(q for q in json_from(cli, "quota", "list", "--dc", "Default") if q["name"] == "q2")
    assert row["vcpus"] == "Default: 0/8" and row["storage"] == "0/100 GiB"
    code, out, err = cli("quota", "-n", "Default", "update", "--description", "x")
    assert code == 4 and "2 quotas match name Default" in err  # one per data center
    code, out, err = cli(
        "quota", "-n", "Default", "update", "--dc", "Default", "--description", "x"
    )
    assert code == 1 and "Default quota cannot be changed." in err
    assert cli("quota", "remove", "q2")[0] == 0
    assert "q2" not in {q["name"] for q in json_from(cli, "quota", "list")}
    code, out, err = cli("quota", "-n", "nosuch", "show")
    assert code == 4


# ------------------------------------------------------------------ MAC pools
def test_macpool_create_update_assign_remove(cli: Any) -> None:
    code, out, err = cli(
        "macpool", "create", "--name", "lab", "--range", "02:00:00:00:00:00-02:00:00:00:00:ff"
    )
    assert code == 0, err
    pool = json_from(cli, "macpool", "-n", "lab", "show")
    assert pool["ranges"][0]["from_"] == "02:00:00:00:00:00" and not pool["allow_duplicates"]
    code, out, err = cli(
        "macpool", "update", "lab", "--duplicates", "allow",
        "--range", "02:00:00:00:00:00-02:00:00:00:0f:ff",
    )  # fmt: skip
    assert code == 0, err
    pool = json_from(cli, "macpool", "-n", "lab", "show")
    assert pool["allow_duplicates"] is True and pool["ranges"][0]["to"] == "02:00:00:00:0f:ff"
    assert cli("macpool", "assign", "lab", "--cluster", "Default")[0] == 0
    row = next(p for p in json_from(cli, "macpool", "list") if p["name"] == "lab")
    assert row["clusters"] == "Default"
    code, out, err = cli("macpool", "remove", "lab")
    assert code == 1 and "are using this MAC Pool" in err
    code, out, err = cli("macpool", "remove", "Default")
    assert code == 1 and "Default MAC Pool cannot be removed." in err
    assert cli("macpool", "assign", "Default", "--cluster", "Default")[0] == 0
    assert cli("macpool", "remove", "lab")[0] == 0
    assert [p["name"] for p in json_from(cli, "macpool", "list")] == ["Default"]


# ------------------------------------------------------------------ affinity
def test_affinity_group_in_a_cluster(cli: Any) -> None:
    vms = [v["name"] for v in json_from(cli, "vm", "-s", "cluster=Default", "list")][:2]
    host = json_from(cli, "host", "-s", "cluster=Default", "list")[0]["name"]
    code, out, err = cli(
        "affinitygroup", "create", "--name", "apart", "--cluster", "Default",
        "--vms-rule", "negative", "--enforcing", "yes", "--vm", vms[0], "--vm", vms[1],
    )  # fmt: skip
    assert code == 0, err
    row = next(g for g in json_from(cli, "affinitygroup", "list") if g["name"] == "apart")
    assert row["vms_rule"] == "negative, enforcing" and row["vms"] == ", ".join(vms)
    code, out, err = cli(
        "affinitygroup", "-n", "apart", "update", "--host", host, "--hosts-rule", "positive"
    )
    assert code == 0, err
    shown = json_from(cli, "affinitygroup", "show", "apart", "--cluster", "Default")
    assert shown["hosts_rule"]["positive"] is True and len(shown["hosts"]) == 1
    code, out, err = cli("affinitygroup", "create", "--name", "apart", "--cluster", "Default")
    assert code == 1 and "Affinity Group name already exists." in err
    assert cli("affinitygroup", "remove", "apart")[0] == 0
    assert "apart" not in {g["name"] for g in json_from(cli, "affinity", "list")}


def test_affinity_label_on_vms_and_hosts(cli: Any) -> None:
    vm = json_from(cli, "vm", "list")[0]["name"]
    host = json_from(cli, "host", "list")[0]["name"]
    code, out, err = cli("affinitylabel", "create", "--name", "nvme", "--vm", vm, "--host", host)
    assert code == 0, err
    assert f"VMs {vm}, hosts {host}" in err
    code, out, err = cli("affinitylabel", "list")
    assert any(line.startswith("nvme") and vm in line for line in out.splitlines())
    assert cli("affinitylabel", "update", "nvme", "--name", "nvme2", "--vm", "")[0] == 0
    label = json_from(cli, "affinitylabel", "-n", "nvme2", "show")
    assert label.get("vms") in (None, []) and len(label["hosts"]) == 1
    assert cli("affinitylabel", "remove", "nvme2")[0] == 0
    assert "nvme2" not in {x["name"] for x in json_from(cli, "affinitylabel", "list")}


# ------------------------------------------------------------------ scheduling
def test_scheduling_policies_with_their_modules_and_a_clusters_policy(cli: Any) -> None:
    rows = json_from(cli, "schedulingpolicy", "list")
    assert {r["name"] for r in rows} == {
        "none",
        "evenly_distributed",
        "power_saving",
        "vm_evenly_distributed",
        "cluster_maintenance",
    }
    ps = next(r for r in rows if r["name"] == "power_saving")
    assert ps["balance"] == "OptimalForPowerSaving"
    assert "Memory" in ps["filters"] and "OptimalForCpuPowerSaving×2" in ps["weights"]
    shown = json_from(cli, "schedulingpolicy", "-n", "cluster_maintenance", "show")
    assert shown["filters"][0]["name"] == "ClusterInMaintenance"

    code, out, err = cli(
        "schedulingpolicy", "-n", "power_saving", "assign", "--cluster", "Default",
        "--property", "HighUtilization=70", "--property", "LowUtilization=10",
    )  # fmt: skip
    assert code == 0, err
    row = json_from(cli, "schedulingpolicy", "clusters", "--cluster", "Default")[0]
    assert row["policy"] == "power_saving"
    assert row["properties"] == "HighUtilization=70, LowUtilization=10"
    code, out, err = cli(
        "schedulingpolicy", "-n", "none", "assign", "--cluster", "Default", "--property", "Bogus=1"
    )
    assert code == 1 and "Parameters are invalid." in err
    assert json_from(cli, "schedulingpolicy", "clusters", "--cluster", "Default")[0]["policy"] == (
        "power_saving"
    )
    # a new policy without --property brings its own defaults
    assert cli("schedulingpolicy", "-n", "vm_evenly_distributed", "assign", "--cluster", "Default")[0] == 0  # fmt: skip
    row = json_from(cli, "schedulingpolicy", "clusters", "--cluster", "Default")[0]
    assert "HighVmCount=10" in row["properties"]


def test_vm_start_without_quota_in_an_enforced_dc_uses_the_default_quota(
    sim: Any, cli: Any
) -> None:
    """The Default quota is unlimited: enforcement alone refuses nothing."""
    assert cli("quota", "mode", "enforced", "--dc", "Default")[0] == 0
    vm = json_from(cli, "vm", "-s", "cluster=Default and status=down", "list")[0]["name"]
    code, out, err = cli("vm", "-n", vm, "start")
    assert code == 0, err
    wait_for(lambda: json_from(cli, "vm", "-n", vm, "show")["status"] == "up", what="VM up")


def test_an_enforcing_negative_group_refuses_the_second_vm_on_the_same_host(
    sim: Any, cli: Any
) -> None:
    host = json_from(cli, "host", "-s", "cluster=Default and status=up", "list")[0]["name"]
    vms = [v["name"] for v in json_from(cli, "vm", "-s", "cluster=Default and status=down", "list")]
    a, b = vms[:2]
    conn = connect(sim)
    try:  # small VMs: memory is not what keeps them off the host
        for v in conn.system_service().vms_service().list(search=f"name={a} or name={b}"):
            conn.system_service().vms_service().vm_service(v.id).update(T.Vm(memory=2**28))
    finally:
        conn.close()
    code, out, err = cli(
        "affinitygroup", "create", "--name", "apart", "--cluster", "Default",
        "--vms-rule", "negative", "--hosts-rule", "positive", "--enforcing", "yes",
        "--vm", a, "--vm", b, "--host", host,
    )  # fmt: skip
    assert code == 0, err
    assert cli("vm", "-n", a, "start")[0] == 0
    assert json_from(cli, "vm", "-n", a, "show")["host"]["id"] == json_from(cli, "host", "-n", host, "show")["id"]  # fmt: skip
    code, out, err = cli("vm", "-n", b, "start")
    assert code == 1
    assert (
        f"The host {host} did not satisfy internal filter VmAffinityGroups because it matched "
        "negative affinity rules apart." in err
    )
