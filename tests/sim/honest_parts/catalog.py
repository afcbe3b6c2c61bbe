"""Effect checks of ovtui/sim/catalog_machine.py: tags and their assignment, quotas and their
limits, MAC pools, affinity groups and labels (``UPDATE tag`` and ``UPDATE cluster`` are
checked in tests/sim/test_sim_honest.py; the cluster's MAC pool and policy here too).

Each makes the change through the real SDK and reads the world back, or sees the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import wait_for

from .common import refused

GiB = 2**30


def _sys(conn: Any) -> Any:
    return conn.system_service()


def _dc(conn: Any) -> Any:
    return _sys(conn).data_centers_service().list(search="name=Default")[0]


def _dcs(conn: Any) -> Any:
    return _sys(conn).data_centers_service().data_center_service(_dc(conn).id)


def _cluster(conn: Any) -> Any:
    return _sys(conn).clusters_service().list(search="name=Default")[0]


def _vms_in(conn: Any, cluster: Any) -> list[Any]:
    return _sys(conn).vms_service().list(search=f"cluster={cluster.name}")


# ------------------------------------------------------------------ tags
def c_add_tag(sim: Any, conn: Any) -> None:
    ts = _sys(conn).tags_service()
    top = ts.add(T.Tag(name="prod", description="production"))
    child = ts.add(T.Tag(name="prod-web", parent=T.Tag(name="prod")))
    got = {t.name: t for t in ts.list()}
    assert got["prod-web"].parent.id == top.id and got["prod"].description == "production"
    assert child.id in {t.id for t in ts.list()}
    refused(lambda: ts.add(T.Tag(name="prod")), 409, "The specified Tag name already exists.")
    refused(lambda: ts.add(T.Tag(name="x", parent=T.Tag(name="nope"))), 404)
    # a tag cannot go below itself
    refused(
        lambda: ts.tag_service(top.id).update(T.Tag(parent=T.Tag(id=child.id))),
        409,
        "Operation canceled, recursive Tag hierarchy cannot be defined.",
    )


def c_remove_tag(sim: Any, conn: Any) -> None:
    ts = _sys(conn).tags_service()
    top = ts.add(T.Tag(name="gone"))
    ts.add(T.Tag(name="gone-child", parent=T.Tag(id=top.id)))
    vm = _sys(conn).vms_service().list()[0]
    vs = _sys(conn).vms_service().vm_service(vm.id)
    vs.tags_service().add(T.Tag(name="gone-child"))
    ts.tag_service(top.id).remove()
    names = {t.name for t in ts.list()}
    assert "gone" not in names and "gone-child" not in names  # the subtree goes
    assert vs.tags_service().list() == []


def _assign(conn: Any, svc: Any, search_coll: Any, name: str) -> None:
    _sys(conn).tags_service().add(T.Tag(name="blue"))
    svc.tags_service().add(T.Tag(name="blue"))
    svc.tags_service().add(T.Tag(name="blue"))  # already there: stays once
    assert [t.name for t in svc.tags_service().list()] == ["blue"]
    assert [o.name for o in search_coll.list(search="tag=blue")] == [name]
    refused(lambda: svc.tags_service().add(T.Tag(name="nosuch")), 404)


def c_add_vm_tag(sim: Any, conn: Any) -> None:
    vm = _sys(conn).vms_service().list()[0]
    vms = _sys(conn).vms_service()
    _assign(conn, vms.vm_service(vm.id), vms, vm.name)


def c_add_host_tag(sim: Any, conn: Any) -> None:
    host = _sys(conn).hosts_service().list()[0]
    hosts = _sys(conn).hosts_service()
    _assign(conn, hosts.host_service(host.id), hosts, host.name)


def _unassign(conn: Any, svc: Any, search_coll: Any) -> None:
    tag = _sys(conn).tags_service().add(T.Tag(name="red"))
    svc.tags_service().add(T.Tag(id=tag.id))
    svc.tags_service().tag_service(tag.id).remove()
    assert svc.tags_service().list() == []
    assert search_coll.list(search="tag=red") == []
    assert "red" in {t.name for t in _sys(conn).tags_service().list()}  # the tag stays


def c_remove_vm_tag(sim: Any, conn: Any) -> None:
    vm = _sys(conn).vms_service().list()[0]
    vms = _sys(conn).vms_service()
    _unassign(conn, vms.vm_service(vm.id), vms)


def c_remove_host_tag(sim: Any, conn: Any) -> None:
    host = _sys(conn).hosts_service().list()[0]
    hosts = _sys(conn).hosts_service()
    _unassign(conn, hosts.host_service(host.id), hosts)


# ------------------------------------------------------------------ quotas
def _quota(conn: Any, name: str = "q1") -> Any:
    qs = _dcs(conn).quotas_service()
    return qs.quota_service(qs.add(T.Quota(name=name, description="d")).id)


def c_add_quota(sim: Any, conn: Any) -> None:
    qs = _dcs(conn).quotas_service()
    q = qs.add(T.Quota(name="team-a", cluster_hard_limit_pct=10))
    got = qs.quota_service(q.id).get()
    assert (got.name, got.cluster_hard_limit_pct, got.data_center.id) == (
        "team-a",
        10,
        _dc(conn).id,
    )
    assert {x.name for x in qs.list()} == {"Default", "team-a"}
    refused(lambda: qs.add(T.Quota(name="team-a")), 409)
    refused(lambda: qs.add(T.Quota(name="bad name")), 400)


def c_update_quota(sim: Any, conn: Any) -> None:
    svc = _quota(conn)
    svc.update(T.Quota(name="q2", description="new"))
    assert (svc.get().name, svc.get().description) == ("q2", "new")
    default = next(q for q in _dcs(conn).quotas_service().list() if q.name == "Default")
    refused(
        lambda: _dcs(conn).quotas_service().quota_service(default.id).update(T.Quota(name="x")),
        409,
        "Cannot edit Quota. Default quota cannot be changed.",
    )


def c_remove_quota(sim: Any, conn: Any) -> None:
    svc = _quota(conn)
    qid = svc.get().id
    vm = _sys(conn).vms_service().list(search="cluster=Default and status=down")[0]
    vs = _sys(conn).vms_service().vm_service(vm.id)
    vs.update(T.Vm(quota=T.Quota(id=qid)))
    _dcs(conn).update(T.DataCenter(quota_mode=T.QuotaModeType.ENABLED))
    refused(svc.remove, 409)  # in use while enforced
    _dcs(conn).update(T.DataCenter(quota_mode=T.QuotaModeType.DISABLED))
    svc.remove()
    assert qid not in {q.id for q in _dcs(conn).quotas_service().list()}
    assert vs.get().quota is None


def c_add_cluster_limit(sim: Any, conn: Any) -> None:
    """A 2 GiB limit; a VM of the quota over it cannot start once the data center enforces."""
    svc = _quota(conn)
    lims = svc.quota_cluster_limits_service()
    lims.add(T.QuotaClusterLimit(memory_limit=2.0, vcpu_limit=-1))
    got = lims.list()
    assert [(x.memory_limit, x.memory_usage, x.cluster) for x in got] == [(2.0, 0.0, None)]
    cl = _cluster(conn)
    refused(lambda: lims.add(T.QuotaClusterLimit(cluster=T.Cluster(id=cl.id))), 409)
    vm = _sys(conn).vms_service().list(search=f"cluster={cl.name} and status=down")[0]
    vs = _sys(conn).vms_service().vm_service(vm.id)
    vs.update(T.Vm(quota=T.Quota(id=svc.get().id), memory=4 * GiB))
    _dcs(conn).update(T.DataCenter(quota_mode=T.QuotaModeType.ENABLED))
    refused(vs.start, 409, "Cannot run VM. Quota has insufficient cluster resources.")
    assert vs.get().status == T.VmStatus.DOWN
    vs.update(T.Vm(memory=1 * GiB))
    vs.start()
    wait_for(lambda: lims.list()[0].memory_usage == 1.0, what="the quota's usage")


def c_remove_cluster_limit(sim: Any, conn: Any) -> None:
    svc = _quota(conn)
    lims = svc.quota_cluster_limits_service()
    lim = lims.add(T.QuotaClusterLimit(memory_limit=2.0))
    lims.limit_service(lim.id).remove()
    assert lims.list() == []


def c_add_storage_limit(sim: Any, conn: Any) -> None:
    svc = _quota(conn)
    lims = svc.quota_storage_limits_service()
    sd = _sys(conn).storage_domains_service().list(search="datacenter=Default and type=data")[0]
    lims.add(T.QuotaStorageLimit(storage_domain=T.StorageDomain(id=sd.id), limit=100))
    got = lims.list()
    assert [(x.storage_domain.id, x.limit, x.usage) for x in got] == [(sd.id, 100, 0.0)]
    refused(lambda: lims.add(T.QuotaStorageLimit(limit=5)), 409)  # specific and general


def c_remove_storage_limit(sim: Any, conn: Any) -> None:
    svc = _quota(conn)
    lims = svc.quota_storage_limits_service()
    lim = lims.add(T.QuotaStorageLimit(limit=50))
    lims.limit_service(lim.id).remove()
    assert lims.list() == []


# ------------------------------------------------------------------ MAC pools
def _pool(conn: Any, name: str = "lab", lo: str = "02:00:00:00:00:00") -> Any:
    return (
        _sys(conn)
        .mac_pools_service()
        .add(T.MacPool(name=name, ranges=[T.Range(from_=lo, to=lo[:-2] + "ff")]))
    )


def c_add_mac_pool(sim: Any, conn: Any) -> None:
    mps = _sys(conn).mac_pools_service()
    pool = _pool(conn)
    got = mps.mac_pool_service(pool.id).get()
    assert (got.name, got.ranges[0].from_, got.allow_duplicates) == (
        "lab",
        "02:00:00:00:00:00",
        False,
    )
    refused(
        lambda: mps.add(T.MacPool(name="empty")),
        409,
        "Cannot add MAC Pool. MAC Pool must contain at least one MAC address range.",
    )
    refused(lambda: _pool(conn), 409)  # name in use
    _pool_macs(sim, conn)
    overlap = [
        T.Range(from_="04:00:00:00:00:00", to="04:00:00:00:00:ff"),
        T.Range(from_="04:00:00:00:00:10", to="04:00:00:00:01:00"),
    ]
    refused(
        lambda: mps.add(T.MacPool(name="ov", ranges=overlap)),
        409,
        "Cannot add MAC Pool. MAC pool cannot contain overlapping ranges.",
    )


def _pool_macs(sim: Any, conn: Any) -> None:
    """Called by c_add_mac_pool: a cluster's own pool hands out its free addresses, then
    refuses (MAC_POOL_NOT_ENOUGH_MAC_ADDRESSES)."""
    mps = _sys(conn).mac_pools_service()
    tiny = mps.add(
        T.MacPool(name="tiny", ranges=[T.Range(from_="0a:00:00:00:00:01", to="0a:00:00:00:00:02")])
    )
    cl = _cluster(conn)
    cs = _sys(conn).clusters_service().cluster_service(cl.id)
    cs.update(T.Cluster(mac_pool=T.MacPool(id=tiny.id)))
    vm = _sys(conn).vms_service().list(search=f"cluster={cl.name} and status=down")[0]
    nics = _sys(conn).vms_service().vm_service(vm.id).nics_service()
    prof = nics.list()[0].vnic_profile
    got = [nics.add(T.Nic(name=f"pool{i}", vnic_profile=prof)).mac.address for i in (1, 2)]
    assert got == ["0a:00:00:00:00:01", "0a:00:00:00:00:02"]
    refused(
        lambda: nics.add(T.Nic(name="pool3", vnic_profile=prof)),
        409,
        "Cannot add Interface. Not enough MAC addresses left in MAC Address Pool.",
    )
    # a freed address is handed out again
    nics.nic_service(next(n.id for n in nics.list() if n.name == "pool1")).remove()
    assert nics.add(T.Nic(name="pool4", vnic_profile=prof)).mac.address == "0a:00:00:00:00:01"


def c_update_mac_pool(sim: Any, conn: Any) -> None:
    svc = _sys(conn).mac_pools_service().mac_pool_service(_pool(conn).id)
    svc.update(T.MacPool(allow_duplicates=True, ranges=[T.Range(from_="06:00:00:00:00:00", to="06:00:00:00:0f:ff")]))  # fmt: skip
    got = svc.get()
    assert got.allow_duplicates is True and got.ranges[0].to == "06:00:00:00:0f:ff"
    default = next(p for p in _sys(conn).mac_pools_service().list() if p.default_pool)
    refused(
        lambda: _sys(conn).mac_pools_service().mac_pool_service(default.id).update(T.MacPool(default_pool=False)),
        409,
    )  # fmt: skip


def c_remove_mac_pool(sim: Any, conn: Any) -> None:
    mps = _sys(conn).mac_pools_service()
    pool = _pool(conn)
    cl = _cluster(conn)
    cs = _sys(conn).clusters_service().cluster_service(cl.id)
    cs.update(T.Cluster(mac_pool=T.MacPool(id=pool.id)))
    assert cs.get().mac_pool.id == pool.id
    refused(mps.mac_pool_service(pool.id).remove, 409)  # a cluster uses it
    default = next(p for p in mps.list() if p.default_pool)
    cs.update(T.Cluster(mac_pool=T.MacPool(id=default.id)))
    mps.mac_pool_service(pool.id).remove()
    assert pool.id not in {p.id for p in mps.list()}
    refused(
        mps.mac_pool_service(default.id).remove,
        409,
        "Cannot remove MAC Pool. Default MAC Pool cannot be removed.",
    )


# ------------------------------------------------------------------ affinity groups
def _groups(conn: Any) -> Any:
    return (
        _sys(conn).clusters_service().cluster_service(_cluster(conn).id).affinity_groups_service()
    )


def c_add_affinity_group(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    vms = _vms_in(conn, _cluster(conn))[:2]
    g = ags.add(
        T.AffinityGroup(
            name="together",
            vms_rule=T.AffinityRule(enabled=True, positive=True, enforcing=True),
            vms=[T.Vm(id=v.id) for v in vms],
        )
    )
    got = ags.group_service(g.id).get()
    assert (got.vms_rule.positive, got.vms_rule.enforcing) == (True, True)
    assert {v.id for v in ags.group_service(g.id).vms_service().list()} == {v.id for v in vms}
    refused(lambda: ags.add(T.AffinityGroup(name="together")), 409)
    other = _sys(conn).vms_service().list(search="cluster!=Default")
    if other:
        refused(lambda: ags.add(T.AffinityGroup(name="x", vms=[T.Vm(id=other[0].id)])), 409)


def _enforced(sim: Any, conn: Any) -> None:
    """Enforcing rules keep VMs where they say (called by c_update_affinity_group): two VMs
    bound to one host and kept apart from each other: the first runs there, the second is
    refused with the scheduler's reason."""
    cl = _cluster(conn)
    host = _sys(conn).hosts_service().list(search=f"cluster={cl.name} and status=up")[0]
    a, b = _sys(conn).vms_service().list(search=f"cluster={cl.name} and status=down")[:2]
    for v in (a, b):
        _sys(conn).vms_service().vm_service(v.id).update(T.Vm(memory=GiB // 4))
    _groups(conn).add(
        T.AffinityGroup(
            name="pinned-apart",
            vms=[T.Vm(id=a.id), T.Vm(id=b.id)],
            hosts=[T.Host(id=host.id)],
            vms_rule=T.AffinityRule(enabled=True, positive=False, enforcing=True),
            hosts_rule=T.AffinityRule(enabled=True, positive=True, enforcing=True),
        )
    )
    vs_a = _sys(conn).vms_service().vm_service(a.id)
    vs_a.start()
    wait_for(lambda: vs_a.get().host is not None, what="A placed")
    assert vs_a.get().host.id == host.id
    with pytest.raises(sdk.Error) as info:
        _sys(conn).vms_service().vm_service(b.id).start()
    assert info.value.code == 409
    assert (
        f"The host {host.name} did not satisfy internal filter VmAffinityGroups because it "
        "matched negative affinity rules pinned-apart." in info.value.fault.detail
    )


def c_update_affinity_group(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    g = ags.add(T.AffinityGroup(name="g1", positive=False, enforcing=False))
    host = _sys(conn).hosts_service().list(search="cluster=Default")[0]
    ags.group_service(g.id).update(
        T.AffinityGroup(
            name="g2",
            hosts=[T.Host(id=host.id)],
            hosts_rule=T.AffinityRule(enabled=True, positive=True, enforcing=False),
        )
    )
    got = ags.group_service(g.id).get()
    assert got.name == "g2" and [h.id for h in got.hosts] == [host.id]
    assert got.hosts_rule.positive is True
    _enforced(sim, conn)


def c_remove_affinity_group(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    g = ags.add(T.AffinityGroup(name="tmp"))
    ags.group_service(g.id).remove()
    assert g.id not in {x.id for x in ags.list()}


def c_add_group_vm(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    g = ags.add(T.AffinityGroup(name="m"))
    vm = _vms_in(conn, _cluster(conn))[0]
    ags.group_service(g.id).vms_service().add(T.Vm(id=vm.id))
    assert [v.id for v in ags.group_service(g.id).get().vms] == [vm.id]


def c_remove_group_vm(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    vm = _vms_in(conn, _cluster(conn))[0]
    g = ags.add(T.AffinityGroup(name="m", vms=[T.Vm(id=vm.id)]))
    ags.group_service(g.id).vms_service().vm_service(vm.id).remove()
    assert not ags.group_service(g.id).get().vms


def c_add_group_host(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    g = ags.add(T.AffinityGroup(name="h"))
    host = _sys(conn).hosts_service().list(search="cluster=Default")[0]
    ags.group_service(g.id).hosts_service().add(T.Host(id=host.id))
    assert [h.id for h in ags.group_service(g.id).hosts_service().list()] == [host.id]


def c_remove_group_host(sim: Any, conn: Any) -> None:
    ags = _groups(conn)
    host = _sys(conn).hosts_service().list(search="cluster=Default")[0]
    g = ags.add(T.AffinityGroup(name="h", hosts=[T.Host(id=host.id)]))
    ags.group_service(g.id).hosts_service().host_service(host.id).remove()
    assert not ags.group_service(g.id).get().hosts


# ------------------------------------------------------------------ affinity labels
def c_add_label(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    vm = _sys(conn).vms_service().list()[0]
    lab = als.add(T.AffinityLabel(name="fast", vms=[T.Vm(id=vm.id)]))
    assert [v.id for v in als.label_service(lab.id).get().vms] == [vm.id]
    got = _sys(conn).vms_service().vm_service(vm.id).affinity_labels_service().list()
    assert [x.name for x in got] == ["fast"]
    refused(lambda: als.add(T.AffinityLabel(name="fast")), 409)


def c_update_label(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    lab = als.add(T.AffinityLabel(name="slow"))
    als.label_service(lab.id).update(T.AffinityLabel(name="slower"))
    assert als.label_service(lab.id).get().name == "slower"


def c_remove_label(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    lab = als.add(T.AffinityLabel(name="tmp"))
    als.label_service(lab.id).remove()
    assert lab.id not in {x.id for x in als.list()}


def c_add_label_vm(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    lab = als.add(T.AffinityLabel(name="l"))
    vm = _sys(conn).vms_service().list()[0]
    als.label_service(lab.id).vms_service().add(T.Vm(id=vm.id))
    assert [v.id for v in als.label_service(lab.id).vms_service().list()] == [vm.id]


def c_remove_label_vm(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    vm = _sys(conn).vms_service().list()[0]
    lab = als.add(T.AffinityLabel(name="l", vms=[T.Vm(id=vm.id)]))
    als.label_service(lab.id).vms_service().vm_service(vm.id).remove()
    assert not als.label_service(lab.id).get().vms


def c_add_label_host(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    lab = als.add(T.AffinityLabel(name="l"))
    host = _sys(conn).hosts_service().list()[0]
    als.label_service(lab.id).hosts_service().add(T.Host(id=host.id))
    assert [h.id for h in als.label_service(lab.id).hosts_service().list()] == [host.id]


def c_remove_label_host(sim: Any, conn: Any) -> None:
    als = _sys(conn).affinity_labels_service()
    host = _sys(conn).hosts_service().list()[0]
    lab = als.add(T.AffinityLabel(name="l", hosts=[T.Host(id=host.id)]))
    als.label_service(lab.id).hosts_service().host_service(host.id).remove()
    assert not als.label_service(lab.id).get().hosts


CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ADD tag": c_add_tag,
    "REMOVE tag": c_remove_tag,
    "ADD vm.tag": c_add_vm_tag,
    "REMOVE vm.tag": c_remove_vm_tag,
    "ADD host.tag": c_add_host_tag,
    "REMOVE host.tag": c_remove_host_tag,
    "ADD data_center.quota": c_add_quota,
    "UPDATE data_center.quota": c_update_quota,
    "REMOVE data_center.quota": c_remove_quota,
    "ADD quota.quota_cluster_limit": c_add_cluster_limit,
    "REMOVE quota.quota_cluster_limit": c_remove_cluster_limit,
    "ADD quota.quota_storage_limit": c_add_storage_limit,
    "REMOVE quota.quota_storage_limit": c_remove_storage_limit,
    "ADD mac_pool": c_add_mac_pool,
    "UPDATE mac_pool": c_update_mac_pool,
    "REMOVE mac_pool": c_remove_mac_pool,
    "ADD cluster.affinity_group": c_add_affinity_group,
    "UPDATE cluster.affinity_group": c_update_affinity_group,
    "REMOVE cluster.affinity_group": c_remove_affinity_group,
    "ADD affinity_group.vm": c_add_group_vm,
    "REMOVE affinity_group.vm": c_remove_group_vm,
    "ADD affinity_group.host": c_add_group_host,
    "REMOVE affinity_group.host": c_remove_group_host,
    "ADD affinity_label": c_add_label,
    "UPDATE affinity_label": c_update_label,
    "REMOVE affinity_label": c_remove_label,
    "ADD affinity_label.vm": c_add_label_vm,
    "REMOVE affinity_label.vm": c_remove_label_vm,
    "ADD affinity_label.host": c_add_label_host,
    "REMOVE affinity_label.host": c_remove_label_host,
}
