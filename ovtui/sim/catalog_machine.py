"""The engine's catalog objects: tags (a tree, assigned to VMs and hosts), quotas of a data
center (cluster and storage limits, their consumption, enforcement at VM start), MAC pools
(a cluster's pool), affinity groups of a cluster, affinity labels, and the engine's predefined
scheduling policies (a cluster's policy and its properties).

Validations and wordings are the engine's (AppErrors.properties; the commands named at each
refusal). Records live in ``world.coll`` (``tags``, ``quotas``, ``macpools``,
``affinitygroups``, ``affinitylabels``, ``schedulingpolicies``); what a VM or host is tagged
with is its ``_sim_tags`` (tag ids), a quota's limits its ``_sim_cluster_limits`` /
``_sim_storage_limits``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ovirtsdk4 import types as T

from ovtui.sim import render, routes, xmlcache
from ovtui.sim.httptypes import HttpError, Response, bad_request, conflict
from ovtui.sim.machine_base import RUNNING, MachineBase, RouteParts, _find_named, parse_body
from ovtui.sim.records import DEFAULT_MAC_POOL_ID, GiB, href, mk, ref, set_private
from ovtui.sim.store import RecordStore

if TYPE_CHECKING:
    from ovtui.sim.httptypes import Request
    from ovtui.sim.routes import Node

ROOT_TAG = "00000000-0000-0000-0000-000000000000"
DEFAULT_MAC_POOL = DEFAULT_MAC_POOL_ID
# the seeded VMs' and disks' quota (sim/records): the Default quota of their data center
SEEDED_QUOTA = "58ca604b-017d-0374-0220-00000000014f"
_NAME = re.compile(r"^[\w.-]+$")  # VALIDATION_TAGS_INVALID_TAG_NAME / AFFINITY_LABEL_BAD_NAME

# ------------------------------------------------------------------ scheduling policies
# InternalClusterPolicies.java and the @SchedulingUnit annotations of bll/scheduling/policyunits
UNITS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # name: (guid, type, description, parameters)
    "CPU": ("6d636bf6-a35c-4f9d-b68d-0731f720cddc", "filter", "Filters out hosts with less CPUs than VM's CPUs", ()),
    "CPUOverloaded": ("98842bc5-4094-4b83-8224-7b50f86a94c9", "filter", "Filters out CPU overloaded hosts.", ("HighUtilization", "CpuOverCommitDurationMinutes")),
    "Emulated-Machine": ("58894b5b-d55d-4f85-8f82-5bf217e640b0", "filter", "Runs VMs only on hosts with a proper emulated machine support", ()),
    "HA": ("e659c871-0bf1-4ccc-b748-f28f5d08dffd", "filter", "Runs the hosted engine VM only on hosts with a positive score", ()),
    "Swap": ("43b9e654-337f-4b0d-a896-cbb22ce5a7fc", "filter", "Filters out hosts that are swapping", ("MaximumAllowedSwapUsage",)),
    "Memory": ("c9ddbb34-0e1d-4061-a8d7-b0893fa80932", "filter", "Filters out hosts that have insufficient memory to run the VM", ()),
    "NUMA": ("fcbfe4b1-b83e-4428-b9d3-b3d348b93be6", "filter", "Filters out hosts that have incompatible NUMA nodes.", ()),
    "HugePages": ("23e07b34-66dd-4735-bc45-bcddded02c05", "filter", "Filters out hosts that do not have enough free huge pages", ()),
    "Migration": ("e659c871-0bf1-4ccc-b748-f28f5d08ddda", "filter", "Prevent migration to the same host.", ()),
    "VmAffinityGroups": ("84e6ddee-ab0d-42dd-82f0-c297779db566", "filter", "Enables Affinity Groups hard enforcement for VMs", ()),
    "VmToHostsAffinityGroups": ("e69808a9-8a41-40f1-94ba-dd5d385d82d8", "filter", "Enables Affinity Groups hard enforcement for VMs to hosts", ()),
    "Network": ("72163d1c-9468-4480-99d9-0888664eb143", "filter", "Filters out hosts that are missing networks required by VM NICs, or missing cluster's display network", ()),
    "HostedEngineSpares": ("53bff075-8306-446f-a53b-9c872a29d197", "filter", "Reserve space for starting the hosted engine VM on different hosts in case the current one crashes.", ("HeSparesCount",)),
    "Migration-Tsc-Frequency": ("47ea3cd0-8a2f-438d-9f63-49534178882a", "filter", "High-Performance VMs can only be migrated to hosts with the same TSC frequency", ()),
    "Host-hooks": ("aae8c702-4756-4934-b84c-8daf59efc134", "filter", "Runs VMs only on hosts with a hooks required by VM's configuration", ()),
    "ClusterInMaintenance": ("0bd8fef9-bcb4-4250-9998-410f01608d9b", "filter", "Prevents any VM start except for highly available VMs", ()),
    "OptimalForCpuEvenDistribution": ("7db4ab05-81ab-42e8-868a-aee2df483edb", "weight", "Gives hosts with lower CPU usage, lower weight", ()),
    "OptimalForMemoryEvenDistribution": ("4134247a-9c58-4b9a-8593-530bb9e37c59", "weight", "Gives hosts with higher available memory, lower weight", ()),
    "PreferredHosts": ("591cdb81-ba67-45b4-9642-e28f61a97d57", "weight", "Prioritize preferred hosts during VM startup.", ()),
    "HA weight": ("98e92667-6161-41fb-b3fa-34f820ccbc4b", "weight", "Weights hosts according to their HA score", ()),
    "OptimalForHaReservation": ("7f262d70-6cac-11e3-981f-0800200c9a66", "weight", "Weights hosts according to their HA score regardless of hosted engine", ("ScaleDown",)),
    "VmAffinityGroups weight": ("84e6ddee-ab0d-42dd-82f0-c297779db567", "weight", "Enables Affinity Groups soft enforcement for VMs", ()),
    "VmToHostsAffinityGroups weight": ("427aed70-dae3-48ba-8fe9-a902a9d563c8", "weight", "Enables Affinity Groups soft enforcement for VMs to hosts", ()),
    "CPU for high performance VMs": ("71931e14-f0e6-4f91-a7c8-d494a26e3a09", "weight", "Prefers hosts that have more or equal number of sockets, cores and threads.", ()),
    "CPU and NUMA pinning compatibility": ("1b14ac11-20e9-4593-a149-2eb83c60a330", "weight", "Prefers hosts where CPU pinning is compatible with NUMA node pinning", ()),
    "OptimalForCpuPowerSaving": ("736999d0-1023-46a4-9a75-1316ed50e15b", "weight", "Gives hosts with higher CPU usage, lower weight", ()),
    "OptimalForMemoryPowerSaving": ("9dfe6086-646d-43b8-8eef-4d94de8472c8", "weight", "Gives hosts with lower available memory, lower weight", ()),
    "OptimalForEvenGuestDistribution": ("3ba8c988-f779-42c0-90ce-caa8243edee7", "weight", "", ("SpmVmGrace",)),
    "None": ("38440000-8cf0-14bd-c43e-10b96e4ef00a", "load_balancing", "No load balancing operation", ()),
    "OptimalForEvenDistribution": ("7db4ab05-81ab-42e8-868a-aee2df483ed2", "load_balancing", "Load balancing VMs in cluster according to hosts CPU load, striving cluster's hosts CPU load to be under 'HighUtilization'", ("HighUtilization", "LowMemoryLimitForOverUtilized", "HighMemoryLimitForUnderUtilized", "CpuOverCommitDurationMinutes", "VcpuToPhysicalCpuRatio")),
    "OptimalForPowerSaving": ("736999d0-1023-46a4-9a75-1316ed50e151", "load_balancing", "Load balancing VMs in cluster according to hosts CPU load, striving cluster's hosts CPU load to be over 'LowUtilization' and under 'HighUtilization'", ("HighUtilization", "LowMemoryLimitForOverUtilized", "HighMemoryLimitForUnderUtilized", "CpuOverCommitDurationMinutes", "LowUtilization", "EnableAutomaticHostPowerManagement", "HostsInReserve")),
    "OptimalForEvenGuestDistribution balance": ("d58c8e32-44e1-418f-9222-52cd887bf9e0", "load_balancing", "", ("SpmVmGrace", "HighVmCount", "MigrationThreshold")),
}  # fmt: skip

_FILTERS = (
    "CPU", "CPUOverloaded", "Emulated-Machine", "HA", "Swap", "Memory", "NUMA", "HugePages",
    "Migration", "VmAffinityGroups", "VmToHostsAffinityGroups", "Network", "HostedEngineSpares",
    "Migration-Tsc-Frequency", "Host-hooks",
)  # fmt: skip
_COMMON_WEIGHTS = (
    (99, "PreferredHosts"), (1, "HA weight"), (1, "OptimalForHaReservation"),
    (1, "VmAffinityGroups weight"), (20, "VmToHostsAffinityGroups weight"),
    (4, "CPU for high performance VMs"), (5, "CPU and NUMA pinning compatibility"),
)  # fmt: skip
_EVEN = ((2, "OptimalForCpuEvenDistribution"), (1, "OptimalForMemoryEvenDistribution"))
# id -> (name, balance unit, filters, weights, default properties)
POLICIES: dict[str, tuple[str, str, tuple[str, ...], tuple[tuple[int, str], ...], dict[str, str]]] = {
    "b4ed2332-a7ac-4d5f-9596-99a439cb2812": (
        "none", "None", _FILTERS, _EVEN + _COMMON_WEIGHTS,
        {"CpuOverCommitDurationMinutes": "2", "HighUtilization": "80"},
    ),
    "7677771e-5eab-422e-83fa-dc04080d21b7": (
        "cluster_maintenance", "None", ("ClusterInMaintenance", *_FILTERS), _EVEN + _COMMON_WEIGHTS,
        {"CpuOverCommitDurationMinutes": "2", "HighUtilization": "80"},
    ),
    "20d25257-b4bd-4589-92a6-c4c5c5d3fd1a": (
        "evenly_distributed", "OptimalForEvenDistribution", _FILTERS, _EVEN + _COMMON_WEIGHTS,
        {"HeSparesCount": "0", "CpuOverCommitDurationMinutes": "2", "HighUtilization": "80",
         "VcpuToPhysicalCpuRatio": "0"},
    ),
    "5a2b0939-7d46-4b73-a469-e9c2c7fc6a53": (
        "power_saving", "OptimalForPowerSaving", _FILTERS,
        ((2, "OptimalForCpuPowerSaving"), (1, "OptimalForMemoryPowerSaving"), *_COMMON_WEIGHTS),
        {"HeSparesCount": "0", "CpuOverCommitDurationMinutes": "2", "HighUtilization": "80",
         "LowUtilization": "20"},
    ),
    "8d5d7bec-68de-4a67-b53e-0ac54686d579": (
        "vm_evenly_distributed", "OptimalForEvenGuestDistribution balance", _FILTERS,
        ((2, "OptimalForEvenGuestDistribution"), *_COMMON_WEIGHTS),
        {"HeSparesCount": "0", "CpuOverCommitDurationMinutes": "2", "HighUtilization": "80",
         "HighVmCount": "10", "MigrationThreshold": "5", "SpmVmGrace": "5"},
    ),
}  # fmt: skip


def _unit_name(key: str) -> str:
    """A unit's engine name (two units share a name: ``HA`` filter and ``HA`` weight)."""
    return key.removesuffix(" weight").removesuffix(" balance")


def _unit_ref(key: str) -> T.SchedulingPolicyUnit:
    uid = UNITS[key][0]
    return mk(T.SchedulingPolicyUnit, id=uid, href=href("schedulingpolicyunits", uid))


def policy_units(pid: str, kind: str) -> list[Any]:
    """The filters, weights or balances of a predefined policy, as the API lists them."""
    if pid not in POLICIES:
        return []
    name, balance, filters, weights, _props = POLICIES[pid]
    base = href("schedulingpolicies", pid)
    pol = mk(T.SchedulingPolicy, id=pid, href=base)
    if kind == "filters":
        return [
            mk(
                T.Filter,
                id=UNITS[f][0],
                href=f"{base}/filters/{UNITS[f][0]}",
                name=_unit_name(f),
                scheduling_policy_unit=_unit_ref(f),
            )
            for f in filters
        ]
    if kind == "weights":
        return [
            mk(
                T.Weight,
                id=UNITS[u][0],
                href=f"{base}/weights/{UNITS[u][0]}",
                name=_unit_name(u),
                factor=factor,
                scheduling_policy=pol,
                scheduling_policy_unit=_unit_ref(u),
            )
            for factor, u in weights
        ]
    uid = UNITS[balance][0]
    return [
        mk(
            T.Balance,
            id=uid,
            href=f"{base}/balances/{uid}",
            name=_unit_name(balance),
            scheduling_policy=pol,
            scheduling_policy_unit=_unit_ref(balance),
        )
    ]


def policy_parameters(pid: str) -> set[str]:
    """The property names a cluster with this policy may set (its units' parameters)."""
    _name, balance, filters, weights, props = POLICIES[pid]
    keys = [balance, *filters, *(u for _f, u in weights)]
    return {p for k in keys for p in UNITS[k][3]} | set(props)


# ------------------------------------------------------------------ seeding
def _fixed_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "ovtui-sim:" + ":".join(parts)))


def seed_catalog(world: RecordStore) -> None:
    """The engine's own catalog objects (no RNG drawn: the rest of the world is unchanged):
    the Default MAC pool, the predefined scheduling policies and their units, each data
    center's Default quota, and a few affinity labels."""
    for name in ("quotas", "macpools", "affinitylabels", "schedulingpolicies", "schedulingpolicyunits"):  # fmt: skip
        world.coll.setdefault(name, {})
    world.coll["macpools"][DEFAULT_MAC_POOL] = mk(
        T.MacPool,
        id=DEFAULT_MAC_POOL,
        href=href("macpools", DEFAULT_MAC_POOL),
        name="Default",
        description="Default MAC pool",
        allow_duplicates=False,
        default_pool=True,
        ranges=[mk(T.Range, from_="56:6f:00:00:00:00", to="56:6f:ff:ff:ff:ff")],
    )
    for key, (uid, kind, desc, params) in UNITS.items():
        world.coll["schedulingpolicyunits"][uid] = mk(
            T.SchedulingPolicyUnit,
            id=uid,
            href=href("schedulingpolicyunits", uid),
            name=_unit_name(key),
            description=desc or None,
            type=T.PolicyUnitType(kind),
            internal=True,
            enabled=True,
            properties=[mk(T.Property, name=p, value="") for p in params] or None,
        )
    for pid, (name, _b, _f, _w, props) in POLICIES.items():
        world.coll["schedulingpolicies"][pid] = mk(
            T.SchedulingPolicy,
            id=pid,
            href=href("schedulingpolicies", pid),
            name=name,
            locked=True,
            default_policy=name == "none",
            properties=[mk(T.Property, name=k, value=v) for k, v in props.items()],
        )
    for i, dc in enumerate(world.coll["datacenters"].values()):
        qid = SEEDED_QUOTA if i == 0 else _fixed_id("quota", dc.id)
        quota = mk(
            T.Quota,
            id=qid,
            href=href("datacenters", dc.id, "quotas", qid),
            name="Default",
            description="Default unlimited quota",
            data_center=ref(T.DataCenter, "datacenters", dc.id),
            cluster_hard_limit_pct=20,
            cluster_soft_limit_pct=80,
            storage_hard_limit_pct=20,
            storage_soft_limit_pct=80,
        )
        set_private(
            quota,
            _sim_default=True,
            _sim_cluster_limits=[mk(T.QuotaClusterLimit, memory_limit=-1.0, vcpu_limit=-1)],
            _sim_storage_limits=[mk(T.QuotaStorageLimit, limit=-1)],
        )
        world.coll["quotas"][qid] = quota
    for tag in world.coll["tags"].values():
        if tag.parent is None:
            tag.parent = ref(T.Tag, "tags", ROOT_TAG)  # every tag is below the root tag
    for name in ("gpu", "ssd"):
        lid = _fixed_id("affinitylabel", name)
        world.coll["affinitylabels"][lid] = mk(
            T.AffinityLabel,
            id=lid,
            href=href("affinitylabels", lid),
            name=name,
            read_only=False,
            has_implicit_affinity_group=False,
            vms=[],
            hosts=[],
        )


# ------------------------------------------------------------------ views (reads)
def tag_ids_with_children(world: RecordStore, tag_ids: set[str]) -> set[str]:
    """The tags and every tag below them (a search by tag matches the subtree, as the
    engine's tag search does)."""
    out = set(tag_ids)
    grew = True
    while grew:
        grew = False
        for t in world.coll["tags"].values():
            if t.id not in out and t.parent is not None and t.parent.id in out:
                out.add(t.id)
                grew = True
    return out


def assigned_tags(world: RecordStore, obj: Any, coll: str, attr: str) -> list[T.Tag]:
    """``/vms/ID/tags``: the tags on the object, each with the object's reference."""
    out = []
    for tid in getattr(obj, "_sim_tags", ()):
        tag = world.get("tags", tid)
        if tag is None:
            continue
        view = mk(
            T.Tag,
            id=tag.id,
            href=href(coll, obj.id, "tags", tag.id),
            name=tag.name,
            description=tag.description,
            parent=tag.parent,
        )
        setattr(view, attr, ref(T.Vm if attr == "vm" else T.Host, coll, obj.id))
        set_private(view, _sim_source=tag)
        out.append(view)
    return out


def quotas_of(world: RecordStore, dc: Any) -> list[T.Quota]:
    return [q for q in world.coll["quotas"].values() if q.data_center.id == dc.id]


def _quota_vms(world: RecordStore, quota: Any) -> list[Any]:
    """The running VMs that consume ``quota`` (a VM without one consumes its data center's
    Default quota)."""
    dc_id = quota.data_center.id
    out = []
    for vm in world.coll["vms"].values():
        if vm.status not in RUNNING or vm.cluster is None:
            continue
        if world.cluster_dc(vm.cluster.id).id != dc_id:
            continue
        qid = _own_quota(world, vm)
        if qid == quota.id or (qid is None and getattr(quota, "_sim_default", False)):
            out.append(vm)
    return out


def _own_quota(world: RecordStore, vm: Any) -> str | None:
    """The id of the quota the VM names, None when that is a Default quota (the engine's
    fallback: each data center's Default quota)."""
    qid = vm.quota.id if vm.quota is not None and vm.quota.id else None
    if qid is None or qid == SEEDED_QUOTA:
        return None
    quota = world.get("quotas", qid)
    if quota is not None and getattr(quota, "_sim_default", False):
        return None
    return str(qid)


def _vcpus(vm: Any) -> int:
    topo = vm.cpu.topology if vm.cpu is not None and vm.cpu.topology is not None else None
    if topo is None:
        return 1
    return (topo.sockets or 1) * (topo.cores or 1) * (topo.threads or 1)


def cluster_limits(world: RecordStore, quota: Any) -> list[T.QuotaClusterLimit]:
    """A quota's cluster limits with their usage now (GiB of memory, vCPUs)."""
    vms = _quota_vms(world, quota)
    out = []
    for lim in getattr(quota, "_sim_cluster_limits", []):
        cid = lim.cluster.id if lim.cluster is not None else None
        mine = [v for v in vms if cid is None or v.cluster.id == cid]
        lid = cid or quota.id
        out.append(
            mk(
                T.QuotaClusterLimit,
                id=lid,
                href=f"{quota.href}/quotaclusterlimits/{lid}",
                cluster=lim.cluster,
                memory_limit=lim.memory_limit,
                memory_usage=round(sum(v.memory or 0 for v in mine) / GiB, 3),
                vcpu_limit=lim.vcpu_limit,
                vcpu_usage=sum(_vcpus(v) for v in mine),
                quota=mk(T.Quota, id=quota.id, href=quota.href),
            )
        )
    return out


def _quota_disks_gib(world: RecordStore, quota: Any, sd_id: str | None) -> float:
    """GiB of the disks on the quota's data center's domains that consume it (a disk
    naming a Default quota consumes its data center's)."""
    dc_id = quota.data_center.id
    is_default = getattr(quota, "_sim_default", False)
    total = 0
    for d in world.all_disks().values():
        sds = [s.id for s in d.storage_domains or []]
        if not sds or (sd_id is not None and sd_id not in sds):
            continue
        sd = world.get("storagedomains", sds[0])
        if sd is None or not sd.data_centers or sd.data_centers[0].id != dc_id:
            continue
        qid = d.quota.id if d.quota is not None else None
        own = world.get("quotas", qid) if qid else None
        default = qid in (None, SEEDED_QUOTA) or bool(getattr(own, "_sim_default", False))
        if qid == quota.id or (default and is_default):
            total += d.provisioned_size or 0
    return round(total / GiB, 3)


def storage_limits(world: RecordStore, quota: Any) -> list[T.QuotaStorageLimit]:
    out = []
    for lim in getattr(quota, "_sim_storage_limits", []):
        sid = lim.storage_domain.id if lim.storage_domain is not None else None
        lid = sid or quota.id
        out.append(
            mk(
                T.QuotaStorageLimit,
                id=lid,
                href=f"{quota.href}/quotastoragelimits/{lid}",
                storage_domain=lim.storage_domain,
                limit=lim.limit,
                usage=_quota_disks_gib(world, quota, sid),
                quota=mk(T.Quota, id=quota.id, href=quota.href),
            )
        )
    return out


def check_quota(world: RecordStore, vm: Any) -> None:
    """VM start in a data center that enforces quotas: refused when the VM's quota (its data
    center's Default quota when it has none) would go over its memory or vCPU limit for the
    VM's cluster (QuotaManager; ACTION_TYPE_FAILED_QUOTA_CLUSTER_LIMIT_EXCEEDED)."""
    if vm.cluster is None:
        return
    dc = world.cluster_dc(vm.cluster.id)
    if dc.quota_mode != T.QuotaModeType.ENABLED:
        return
    qid = _own_quota(world, vm)
    if qid is not None:
        quota = world.get("quotas", qid)
        if quota is None or quota.data_center.id != dc.id:
            raise conflict("Cannot run VM. Quota is not valid.")
    else:
        quota = next((q for q in quotas_of(world, dc) if getattr(q, "_sim_default", False)), None)
        if quota is None:
            raise conflict("Cannot run VM. Quota is not valid.")
    limits = cluster_limits(world, quota)
    lim = next((x for x in limits if x.cluster is not None and x.cluster.id == vm.cluster.id), None)
    lim = lim or next((x for x in limits if x.cluster is None), None)
    if lim is None:
        raise conflict("Cannot run VM. Quota is not defined for the cluster.")
    grace = 1 + (quota.cluster_hard_limit_pct or 0) / 100
    mem_limit = lim.memory_limit if lim.memory_limit is not None else -1
    if mem_limit >= 0 and (lim.memory_usage or 0) + (vm.memory or 0) / GiB > mem_limit * grace:
        raise conflict("Cannot run VM. Quota has insufficient cluster resources.")
    cpu_limit = lim.vcpu_limit if lim.vcpu_limit is not None else -1
    if cpu_limit >= 0 and (lim.vcpu_usage or 0) + _vcpus(vm) > cpu_limit * grace:
        raise conflict("Cannot run VM. Quota has insufficient cluster resources.")


def affinity_refusal(world: RecordStore, vm: Any, host: Any) -> str | None:
    """Why the enforcing affinity groups of ``vm`` keep it off ``host`` (the engine's
    VmAffinityGroups / VmToHostsAffinityGroups filters), as the scheduler's reason
    (SCHEDULING_HOST_FILTERED_REASON_WITH_DETAIL); None when they let it run there."""
    failed: dict[tuple[str, str], list[str]] = {}
    for g in world.coll["affinitygroups"].values():
        if g.cluster is None or vm.cluster is None or g.cluster.id != vm.cluster.id:
            continue
        if all(r.id != vm.id for r in g.vms or []):
            continue
        rule = g.vms_rule
        if rule is not None and rule.enabled and rule.enforcing:
            others = {
                o.host.id
                for r in g.vms or []
                if r.id != vm.id
                and (o := world.get("vms", r.id)) is not None
                and o.status in RUNNING
                and o.host is not None
            }
            if rule.positive and others and host.id not in others:
                failed.setdefault(("VmAffinityGroups", "positive"), []).append(g.name)
            if not rule.positive and host.id in others:
                failed.setdefault(("VmAffinityGroups", "negative"), []).append(g.name)
        hrule = g.hosts_rule
        if hrule is not None and hrule.enabled and hrule.enforcing and g.hosts:
            listed = any(h.id == host.id for h in g.hosts)
            if hrule.positive and not listed:
                failed.setdefault(("VmToHostsAffinityGroups", "positive"), []).append(g.name)
            if not hrule.positive and listed:
                failed.setdefault(("VmToHostsAffinityGroups", "negative"), []).append(g.name)
    if not failed:
        return None
    (unit, kind), groups = next(iter(failed.items()))
    what = "it did not match positive" if kind == "positive" else "it matched negative"
    return (
        f"The host {host.name} did not satisfy internal filter {unit} because {what} "
        f"affinity rules {', '.join(groups)}."
    )


def _mac_int(text: str) -> int:
    parts = text.strip().split(":")
    if len(parts) != 6 or not all(re.fullmatch(r"[0-9A-Fa-f]{2}", p) for p in parts):
        raise ValueError(text)
    return int("".join(parts), 16)


def _used_macs(world: RecordStore, vm_id: str) -> set[int]:
    """Every VM NIC's MAC. Only a cluster with its own pool asks, and then every VM's NICs
    are made; not those of ``vm_id`` when it has none yet (a VM being created)."""
    used: set[int] = set()
    for vm in list(world.coll["vms"].values()):
        nics = (
            world.sub("vms", vm, "nics") if vm.id != vm_id else world.made_sub("vms", vm_id, "nics")
        )
        for nic in nics or []:
            if nic.mac is not None and nic.mac.address:
                try:
                    used.add(_mac_int(nic.mac.address))
                except ValueError:
                    pass
    return used


def _mac_text(n: int) -> str:
    text = f"{n:012x}"
    return ":".join(text[i : i + 2] for i in range(0, 12, 2))


def mac_for_vm(world: RecordStore, vm_id: str) -> str:
    """A MAC for a new NIC of VM ``vm_id``, from its cluster's MAC pool: the simulator's own
    sequence for the Default pool (whose range covers it), else the next free address of
    the pool's ranges after the last one handed out, wrapping once to the start
    (MAC_POOL_NOT_ENOUGH_MAC_ADDRESSES when none is free)."""
    vm = world.get("vms", vm_id)
    cl = world.get("clusters", vm.cluster.id) if vm is not None and vm.cluster else None
    pool = world.get("macpools", cl.mac_pool.id) if cl is not None and cl.mac_pool else None
    if pool is None or pool.default_pool:
        return world.next_mac()
    used = _used_macs(world, vm_id)
    spans = [(_mac_int(r.from_), _mac_int(r.to)) for r in pool.ranges or []]
    cursor = getattr(pool, "_sim_cursor", None)
    # from the cursor on, then once more from the start of every range
    for lo, hi, after in [(lo, hi, True) for lo, hi in spans] + [(lo, hi, False) for lo, hi in spans]:  # fmt: skip
        n = max(lo, cursor) if after and cursor is not None else lo
        while n <= hi:
            if n not in used:
                set_private(pool, _sim_cursor=n + 1)
                return _mac_text(n)
            n += 1
    raise conflict("Cannot add Interface. Not enough MAC addresses left in MAC Address Pool.")


def _label_refs(world: RecordStore, obj: Any, attr: str) -> list[Any]:
    return [
        world.get("affinitylabels", lab.id)
        for lab in world.coll["affinitylabels"].values()
        if any(r.id == obj.id for r in getattr(lab, attr) or [])
    ]


def labels_of(world: RecordStore, obj: Any, attr: str) -> list[Any]:
    """``/vms/ID/affinitylabels`` (attr ``vms``) and ``/hosts/ID/affinitylabels``."""
    return [x for x in _label_refs(world, obj, attr) if x is not None]


def group_hosts(world: RecordStore, group: Any) -> list[Any]:
    return [h for r in group.hosts or [] if (h := world.get("hosts", r.id)) is not None]


def label_members(world: RecordStore, label: Any, coll: str) -> list[Any]:
    return [o for r in getattr(label, coll) or [] if (o := world.get(coll, r.id)) is not None]


# (entity element, rel) -> (child element, items): merged into ``routes.CHILDREN``
CHILDREN: dict[tuple[str, str], tuple[str, Callable[[RecordStore, Any], list[Any]]]] = {
    ("vm", "tags"): ("tag", lambda w, o: assigned_tags(w, o, "vms", "vm")),
    ("host", "tags"): ("tag", lambda w, o: assigned_tags(w, o, "hosts", "host")),
    ("data_center", "quotas"): ("quota", quotas_of),
    ("quota", "quotaclusterlimits"): ("quota_cluster_limit", cluster_limits),
    ("quota", "quotastoragelimits"): ("quota_storage_limit", storage_limits),
    ("affinity_group", "hosts"): ("host", group_hosts),
    ("affinity_label", "vms"): ("vm", lambda w, o: label_members(w, o, "vms")),
    ("affinity_label", "hosts"): ("host", lambda w, o: label_members(w, o, "hosts")),
    ("vm", "affinitylabels"): ("affinity_label", lambda w, o: labels_of(w, o, "vms")),
    ("host", "affinitylabels"): ("affinity_label", lambda w, o: labels_of(w, o, "hosts")),
    ("scheduling_policy", "filters"): ("filter", lambda w, o: policy_units(o.id, "filters")),
    ("scheduling_policy", "weights"): ("weight", lambda w, o: policy_units(o.id, "weights")),
    ("scheduling_policy", "balances"): ("balance", lambda w, o: policy_units(o.id, "balances")),
}


def _register_children() -> None:
    """Add these sub-collections to the API tree (``routes.CHILDREN``); routes does not
    import this module (it would be a cycle through machine_base)."""
    clash = set(routes.CHILDREN) & set(CHILDREN)
    if clash:
        raise RuntimeError(f"catalog_machine redeclares sub-collections {sorted(clash)}")
    routes.CHILDREN.update(CHILDREN)


_register_children()


# ------------------------------------------------------------------ the machine
class CatalogMachine(MachineBase):
    """Adds, updates and removes of the catalog objects."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # new NICs take their MAC from their cluster's pool (crud, records.copied_nics)
        self.world.mac_allocator = lambda vm_id: mac_for_vm(self.world, vm_id)

    if TYPE_CHECKING:  # Crud's and EstateMachine's, through Machines' bases

        def _update_plain(self, req: Request, node: Node) -> Response: ...
        def check_cluster_update(self, cl: Any, cl_in: Any) -> None: ...

    def routes_catalog(self) -> RouteParts:
        return RouteParts(
            adders={
                ("tag", None): self._add_tag,
                ("tag", "vm"): self._assign_tag,
                ("tag", "host"): self._assign_tag,
                ("quota", "data_center"): self._add_quota,
                ("quota_cluster_limit", "quota"): self._add_cluster_limit,
                ("quota_storage_limit", "quota"): self._add_storage_limit,
                ("mac_pool", None): self._add_mac_pool,
                ("affinity_group", "cluster"): self._add_affinity_group,
                ("vm", "affinity_group"): self._group_add_member,
                ("host", "affinity_group"): self._group_add_member,
                ("affinity_label", None): self._add_label,
                ("vm", "affinity_label"): self._label_add_member,
                ("host", "affinity_label"): self._label_add_member,
            },
            updaters={
                ("tag", None): self._update_tag,
                ("cluster", None): self._update_cluster,
                ("quota", "data_center"): self._update_quota,
                ("mac_pool", None): self._update_mac_pool,
                ("affinity_group", "cluster"): self._update_affinity_group,
                ("affinity_label", None): self._update_label,
            },
            removers={
                ("tag", None): self._remove_tag,
                ("tag", "vm"): self._unassign_tag,
                ("tag", "host"): self._unassign_tag,
                ("quota", "data_center"): self._remove_quota,
                ("quota_cluster_limit", "quota"): self._remove_limit,
                ("quota_storage_limit", "quota"): self._remove_limit,
                ("mac_pool", None): self._remove_mac_pool,
                ("affinity_group", "cluster"): self._remove_affinity_group,
                ("vm", "affinity_group"): self._group_remove_member,
                ("host", "affinity_group"): self._group_remove_member,
                ("affinity_label", None): self._remove_label,
                ("vm", "affinity_label"): self._label_remove_member,
                ("host", "affinity_label"): self._label_remove_member,
            },
        )

    # ------------------------------------------------------------ helpers
    def _created(self, obj: Any, tag: str) -> Response:
        return Response(
            201, render.document(render.entity(obj, tag)), headers={"Location": obj.href}
        )

    def _ok(self, obj: Any, tag: str) -> Response:
        return Response(200, render.document(render.entity(obj, tag)))

    def _unique(self, coll: str, name: str, what: str, action: str, skip: Any = None) -> None:
        if any(o.name == name and o is not skip for o in self.world.coll[coll].values()):
            raise conflict(
                f"Cannot {action} {what}. The {what} name is already in use, please choose a "
                "unique name and try again."
            )

    # ------------------------------------------------------------ tags
    def _tag_parent(self, parent: Any) -> str:
        """The parent tag's id (the root tag when none is given); 404 as the engine says."""
        if parent is None or not (parent.id or parent.name):
            return ROOT_TAG
        if parent.id == ROOT_TAG or parent.name == "root":
            return ROOT_TAG
        found = _find_named(self.world, "tags", parent)
        if found is None:
            key, what = ("id", parent.id) if parent.id else ("name", parent.name)
            raise HttpError(404, f"Entity not found: Tag: {key}={what}")
        return str(found.id)

    def _check_tag_name(self, name: str | None, action: str, skip: Any = None) -> None:
        if not name:
            raise bad_request(f"Tag [name] required for {action}")
        if not _NAME.match(name):
            raise bad_request(
                "Invalid tag name. Only letters, numbers, '-', and '_' are valid characters."
            )
        if any(t.name == name and t is not skip for t in self.world.coll["tags"].values()):
            # AddTagCommand / UpdateTagCommand: TAGS_SPECIFY_TAG_IS_IN_USE
            raise conflict("The specified Tag name already exists.")

    def _add_tag(self, req: Request, node: Node) -> Response:
        t_in = parse_body(req.body, T.Tag)
        self._check_tag_name(t_in.name, "add")
        pid = self._tag_parent(t_in.parent)
        tid = self.world.new_id()
        tag = mk(
            T.Tag,
            id=tid,
            href=href("tags", tid),
            name=t_in.name,
            description=t_in.description,
            parent=ref(T.Tag, "tags", pid),
        )
        self.world.coll["tags"][tid] = tag
        return self._created(tag, "tag")

    def _update_tag(self, req: Request, node: Node) -> Response:
        tag = node.obj
        t_in = parse_body(req.body, T.Tag)
        if t_in.name and t_in.name != tag.name:
            self._check_tag_name(t_in.name, "update", skip=tag)
            tag.name = t_in.name
        if t_in.description is not None:
            tag.description = t_in.description
        if t_in.parent is not None and (t_in.parent.id or t_in.parent.name):
            pid = self._tag_parent(t_in.parent)
            if pid in tag_ids_with_children(self.world, {tag.id}):
                # TAGS_SPECIFIED_TAG_CANNOT_BE_THE_PARENT_OF_ITSELF
                raise conflict("Operation canceled, recursive Tag hierarchy cannot be defined.")
            tag.parent = ref(T.Tag, "tags", pid)
        return self._ok(tag, "tag")

    def _remove_tag(self, req: Request, node: Node) -> Response:
        """RemoveTagCommand: the tag and the tags below it go, and so do their assignments."""
        w = self.world
        gone = tag_ids_with_children(w, {node.obj.id})
        for tid in gone:
            w.coll["tags"].pop(tid, None)
        for coll in ("vms", "hosts"):
            for obj in w.coll[coll].values():
                have = getattr(obj, "_sim_tags", None)
                if have and gone & set(have):
                    set_private(obj, _sim_tags=[t for t in have if t not in gone])
        return Response(200, b"")

    def _assign_tag(self, req: Request, node: Node) -> Response:
        """POST /vms/ID/tags (AttachVmsToTag), /hosts/ID/tags (AttachVdsToTag); a tag
        already there stays once (the engine logs it and succeeds)."""
        t_in = parse_body(req.body, T.Tag)
        if not (t_in.id or t_in.name):
            raise bad_request("Tag [id|name] required for add")
        tag = _find_named(self.world, "tags", t_in)
        if tag is None:
            key, what = ("id", t_in.id) if t_in.id else ("name", t_in.name)
            raise HttpError(404, f"Entity not found: Tag: {key}={what}")
        obj = node.parent
        have = list(getattr(obj, "_sim_tags", ()))
        if tag.id not in have:
            have.append(tag.id)
        set_private(obj, _sim_tags=have)
        coll, attr = ("vms", "vm") if node.parent_tag == "vm" else ("hosts", "host")
        view = next(t for t in assigned_tags(self.world, obj, coll, attr) if t.id == tag.id)
        return self._created(view, "tag")

    def _unassign_tag(self, req: Request, node: Node) -> Response:
        obj = node.parent
        set_private(obj, _sim_tags=[t for t in getattr(obj, "_sim_tags", ()) if t != node.obj.id])
        return Response(200, b"")

    # ------------------------------------------------------------ quotas
    def _check_pcts(self, q_in: Any, action: str) -> None:
        for attr in (
            "cluster_hard_limit_pct",
            "cluster_soft_limit_pct",
            "storage_hard_limit_pct",
            "storage_soft_limit_pct",
        ):
            val = getattr(q_in, attr)
            if val is not None and not 0 <= val <= 100:
                raise bad_request(f"Cannot {action} Quota. Quota is not valid.")

    def _add_quota(self, req: Request, node: Node) -> Response:
        """AddQuotaCommand: a quota of the data center, without limits until some are added."""
        dc = node.parent
        q_in = parse_body(req.body, T.Quota)
        if not q_in.name:
            raise bad_request("Quota [name] required for add")
        if not _NAME.match(q_in.name):
            # VALIDATION_QUOTA_NAME_INVALID
            raise bad_request(
                "Quota name must be formed of 'a-z', 'A-Z', '0-9', '_' or '-' characters"
            )
        if any(q.name == q_in.name for q in quotas_of(self.world, dc)):
            raise conflict(
                "Cannot add Quota. The Quota name is already in use, please choose a unique "
                "name and try again."
            )
        self._check_pcts(q_in, "add")
        qid = self.world.new_id()
        quota = mk(
            T.Quota,
            id=qid,
            href=href("datacenters", dc.id, "quotas", qid),
            name=q_in.name,
            description=q_in.description,
            data_center=ref(T.DataCenter, "datacenters", dc.id),
            cluster_hard_limit_pct=q_in.cluster_hard_limit_pct or 0,
            cluster_soft_limit_pct=q_in.cluster_soft_limit_pct or 0,
            storage_hard_limit_pct=q_in.storage_hard_limit_pct or 0,
            storage_soft_limit_pct=q_in.storage_soft_limit_pct or 0,
        )
        set_private(quota, _sim_cluster_limits=[], _sim_storage_limits=[])
        self.world.coll["quotas"][qid] = quota
        return self._created(quota, "quota")

    def _default_quota_refusal(self, quota: Any, action: str) -> None:
        if getattr(quota, "_sim_default", False):
            # ACTION_TYPE_FAILED_QUOTA_DEFAULT_CANNOT_BE_CHANGED
            raise conflict(f"Cannot {action} Quota. Default quota cannot be changed.")

    def _update_quota(self, req: Request, node: Node) -> Response:
        quota = node.obj
        self._default_quota_refusal(quota, "edit")
        q_in = parse_body(req.body, T.Quota)
        if q_in.name and q_in.name != quota.name:
            if not _NAME.match(q_in.name):
                raise bad_request(
                    "Quota name must be formed of 'a-z', 'A-Z', '0-9', '_' or '-' characters"
                )
            if any(q.name == q_in.name for q in quotas_of(self.world, node.parent)):
                raise conflict(
                    "Cannot edit Quota. The Quota name is already in use, please choose a "
                    "unique name and try again."
                )
            quota.name = q_in.name
        self._check_pcts(q_in, "edit")
        for attr in (
            "description",
            "cluster_hard_limit_pct",
            "cluster_soft_limit_pct",
            "storage_hard_limit_pct",
            "storage_soft_limit_pct",
        ):
            val = getattr(q_in, attr)
            if val is not None:
                setattr(quota, attr, val)
        return self._ok(quota, "quota")

    def _remove_quota(self, req: Request, node: Node) -> Response:
        """RemoveQuotaCommand: not the Default one; not one a VM or disk uses while the data
        center enforces quotas."""
        w = self.world
        quota = node.obj
        if getattr(quota, "_sim_default", False):
            raise conflict("Cannot remove Quota. Default quota cannot be changed.")
        dc = node.parent
        used = any(
            v.quota is not None and v.quota.id == quota.id for v in w.coll["vms"].values()
        ) or any(d.quota is not None and d.quota.id == quota.id for d in w.all_disks().values())
        if used and dc.quota_mode == T.QuotaModeType.ENABLED:
            raise conflict(
                "Cannot remove Quota. Quota is still in use by a VM or a disk and Data "
                "Center's Quota enforcement is enabled."
            )
        for vm in w.coll["vms"].values():
            if vm.quota is not None and vm.quota.id == quota.id:
                vm.quota = None  # back on the Default quota, as the engine moves them
        del w.coll["quotas"][quota.id]
        return Response(200, b"")

    def _limit_kind_clash(self, limits: list[Any], attr: str, specific: bool) -> None:
        has_general = any(getattr(x, attr) is None for x in limits)
        has_specific = any(getattr(x, attr) is not None for x in limits)
        if (specific and has_general) or (not specific and has_specific):
            # ACTION_TYPE_FAILED_QUOTA_LIMIT_IS_SPECIFIC_AND_GENERAL
            raise conflict(
                "Cannot edit Quota. Limitation can not be configured as specific and general "
                "for the same Quota. Please choose whether the limitation should be enforced on "
                "the Data Center (global) or for specific storage domain or cluster."
            )

    def _add_cluster_limit(self, req: Request, node: Node) -> Response:
        w = self.world
        quota = node.parent
        self._default_quota_refusal(quota, "edit")
        l_in = parse_body(req.body, T.QuotaClusterLimit)
        cl = None
        if l_in.cluster is not None and (l_in.cluster.id or l_in.cluster.name):
            cl = _find_named(w, "clusters", l_in.cluster)
            if cl is None or cl.data_center.id != quota.data_center.id:
                raise conflict("Cannot edit Quota. Quota is not defined for the cluster.")
        for val in (l_in.memory_limit, l_in.vcpu_limit):
            if val is not None and val < 0 and val != -1:
                raise bad_request("Cannot edit Quota. Quota is not valid.")
        limits: list[Any] = quota._sim_cluster_limits
        self._limit_kind_clash(limits, "cluster", cl is not None)
        limits[:] = [
            x
            for x in limits
            if (x.cluster.id if x.cluster is not None else None) != (cl.id if cl else None)
        ]
        limits.append(
            mk(
                T.QuotaClusterLimit,
                cluster=ref(T.Cluster, "clusters", cl.id) if cl is not None else None,
                memory_limit=l_in.memory_limit if l_in.memory_limit is not None else -1.0,
                vcpu_limit=l_in.vcpu_limit if l_in.vcpu_limit is not None else -1,
            )
        )
        lid = cl.id if cl is not None else quota.id
        view = next(x for x in cluster_limits(w, quota) if x.id == lid)
        return self._created(view, "quota_cluster_limit")

    def _add_storage_limit(self, req: Request, node: Node) -> Response:
        w = self.world
        quota = node.parent
        self._default_quota_refusal(quota, "edit")
        l_in = parse_body(req.body, T.QuotaStorageLimit)
        sd = None
        if l_in.storage_domain is not None and (l_in.storage_domain.id or l_in.storage_domain.name):
            sd = _find_named(w, "storagedomains", l_in.storage_domain)
            if sd is None or not sd.data_centers or sd.data_centers[0].id != quota.data_center.id:
                raise conflict("Cannot edit Quota. Quota is not defined for the storage domain.")
        if l_in.limit is not None and l_in.limit < 0 and l_in.limit != -1:
            raise bad_request("Cannot edit Quota. Quota is not valid.")
        limits: list[Any] = quota._sim_storage_limits
        self._limit_kind_clash(limits, "storage_domain", sd is not None)
        sid = sd.id if sd is not None else None
        limits[:] = [
            x for x in limits if (x.storage_domain.id if x.storage_domain else None) != sid
        ]
        limits.append(
            mk(
                T.QuotaStorageLimit,
                storage_domain=ref(T.StorageDomain, "storagedomains", sid) if sid else None,
                limit=l_in.limit if l_in.limit is not None else -1,
            )
        )
        view = next(x for x in storage_limits(w, quota) if x.id == (sid or quota.id))
        return self._created(view, "quota_storage_limit")

    def _remove_limit(self, req: Request, node: Node) -> Response:
        quota = node.parent
        self._default_quota_refusal(quota, "edit")
        lid = node.obj.id
        if node.tag == "quota_cluster_limit":
            quota._sim_cluster_limits[:] = [
                x
                for x in quota._sim_cluster_limits
                if (x.cluster.id if x.cluster is not None else quota.id) != lid
            ]
        else:
            quota._sim_storage_limits[:] = [
                x
                for x in quota._sim_storage_limits
                if (x.storage_domain.id if x.storage_domain is not None else quota.id) != lid
            ]
        return Response(200, b"")

    # ------------------------------------------------------------ MAC pools
    def _ranges(self, ranges: list[Any] | None, action: str) -> list[T.Range]:
        pre = f"Cannot {action} MAC Pool."
        if not ranges:
            raise conflict(f"{pre} MAC Pool must contain at least one MAC address range.")
        out: list[T.Range] = []
        spans: list[tuple[int, int]] = []
        for r in ranges:
            try:
                lo, hi = _mac_int(r.from_ or ""), _mac_int(r.to or "")
            except ValueError as exc:
                raise bad_request(f"{pre} Invalid MAC address range: {exc}.") from None
            if lo > hi:
                raise bad_request(f"{pre} Invalid MAC address range: {r.from_}-{r.to}.")
            if any(lo <= b and a <= hi for a, b in spans):
                raise conflict(f"{pre} MAC pool cannot contain overlapping ranges.")
            spans.append((lo, hi))
            out.append(mk(T.Range, from_=r.from_.lower(), to=r.to.lower()))
        return out

    def _add_mac_pool(self, req: Request, node: Node) -> Response:
        p_in = parse_body(req.body, T.MacPool)
        if not p_in.name:
            raise bad_request("MacPool [name] required for add")
        if p_in.default_pool:
            raise conflict("Cannot add MAC Pool. Setting default MAC Pool is not supported.")
        self._unique("macpools", p_in.name, "MAC Pool", "add")
        ranges = self._ranges(p_in.ranges, "add")
        pid = self.world.new_id()
        pool = mk(
            T.MacPool,
            id=pid,
            href=href("macpools", pid),
            name=p_in.name,
            description=p_in.description,
            allow_duplicates=bool(p_in.allow_duplicates),
            default_pool=False,
            ranges=ranges,
        )
        self.world.coll["macpools"][pid] = pool
        return self._created(pool, "mac_pool")

    def _update_mac_pool(self, req: Request, node: Node) -> Response:
        pool = node.obj
        p_in = parse_body(req.body, T.MacPool)
        if p_in.default_pool is not None and p_in.default_pool != pool.default_pool:
            raise conflict("Cannot edit MAC Pool. Changing default MAC Pool is not supported.")
        if p_in.name and p_in.name != pool.name:
            self._unique("macpools", p_in.name, "MAC Pool", "edit", skip=pool)
            pool.name = p_in.name
        if p_in.ranges is not None:
            pool.ranges = self._ranges(p_in.ranges, "edit")
        if p_in.description is not None:
            pool.description = p_in.description
        if p_in.allow_duplicates is not None:
            pool.allow_duplicates = p_in.allow_duplicates
        xmlcache.touch(pool)
        return self._ok(pool, "mac_pool")

    def _remove_mac_pool(self, req: Request, node: Node) -> Response:
        pool = node.obj
        if pool.default_pool:
            raise conflict("Cannot remove MAC Pool. Default MAC Pool cannot be removed.")
        using = [
            c.name
            for c in self.world.coll["clusters"].values()
            if c.mac_pool is not None and c.mac_pool.id == pool.id
        ]
        if using:
            # ACTION_TYPE_FAILED_CANNOT_REMOVE_STILL_USED_MAC_POOL
            raise conflict(
                f"Cannot remove MAC Pool. Several Clusters ({len(using)}) are using this MAC "
                f"Pool: {', '.join(using)} - Please remove it from all Clusters that are using "
                "it and try again."
            )
        del self.world.coll["macpools"][pool.id]
        return Response(200, b"")

    # ------------------------------------------------------------ cluster policy, MAC pool
    def _update_cluster(self, req: Request, node: Node) -> Response:
        """PUT /clusters/ID: the MAC pool and the scheduling policy must exist (looked up by
        id or name); a new policy brings its default properties unless some are given, and
        only its units' parameters are accepted."""
        w = self.world
        cl = node.obj
        c_in = parse_body(req.body, T.Cluster)
        self.check_cluster_update(cl, c_in)  # UpdateCluster's own refusals (sim/estate_machine)
        if c_in.name and c_in.name != cl.name:
            # checked before anything changes (the plain update checks it again)
            self._unique("clusters", c_in.name, "Cluster", "edit")
        # everything is checked before anything changes
        new_pool = None
        pool = c_in.mac_pool
        if pool is not None and (pool.id or pool.name):
            new_pool = _find_named(w, "macpools", pool)
            if new_pool is None:
                raise conflict("Cannot edit Cluster. MAC Pool does not exist.")
        new_policy = None
        pol = c_in.scheduling_policy
        if pol is not None and (pol.id or pol.name):
            new_policy = _find_named(w, "schedulingpolicies", pol)
            if new_policy is None:
                raise HttpError(
                    404,
                    f"Entity not found: SchedulingPolicy: "
                    f"{'id=' + pol.id if pol.id else 'name=' + str(pol.name)}",
                )
        pid = (
            new_policy.id
            if new_policy is not None
            else (cl.scheduling_policy.id if cl.scheduling_policy is not None else None)
        )
        props = c_in.custom_scheduling_policy_properties
        if props is not None:
            allowed = policy_parameters(pid) if pid in POLICIES else set()
            if any(p.name not in allowed for p in props):
                # ACTION_TYPE_FAILED_CLUSTER_POLICY_PARAMETERS_INVALID
                raise conflict("Cannot edit Cluster. Parameters are invalid.")
        elif new_policy is not None and (
            cl.scheduling_policy is None or new_policy.id != cl.scheduling_policy.id
        ):
            props = new_policy.properties or []  # a new policy brings its defaults
        if new_pool is not None:
            cl.mac_pool = ref(T.MacPool, "macpools", new_pool.id)
        if new_policy is not None:
            cl.scheduling_policy = ref(T.SchedulingPolicy, "schedulingpolicies", new_policy.id)
        if props is not None:
            cl.custom_scheduling_policy_properties = [
                mk(T.Property, name=p.name, value=p.value) for p in props
            ]
        if c_in.version is not None and c_in.version.major is not None:
            # checked above; the plain merge keeps "version" read-only (a host's, a DC's)
            cl.version = mk(T.Version, major=c_in.version.major, minor=c_in.version.minor)
        c_in.mac_pool = c_in.scheduling_policy = None
        c_in.custom_scheduling_policy_properties = None
        req.body = _writer_body(c_in)
        return self._update_plain(req, node)

    # ------------------------------------------------------------ affinity groups
    def _members(
        self, refs: list[Any] | None, coll: str, cluster_id: str, action: str
    ) -> list[Any]:
        out: list[Any] = []
        word = "VM" if coll == "vms" else "Host"
        for r in refs or []:
            obj = _find_named(self.world, coll, r)
            if obj is None:
                key, what = ("id", r.id) if r.id else ("name", r.name)
                raise HttpError(404, f"Entity not found: {word}: {key}={what}")
            if obj.cluster is None or obj.cluster.id != cluster_id:
                # ACTION_TYPE_FAILED_ENTITY_NOT_IN_AFFINITY_GROUP_CLUSTER
                raise conflict(
                    f"Cannot {action} Affinity Group. Provided {word} resides in another Cluster."
                )
            if all(o.id != obj.id for o in out):
                out.append(ref(T.Vm if coll == "vms" else T.Host, coll, obj.id))
        return out

    def _rule(self, r_in: Any, cur: Any) -> T.AffinityRule:
        base = cur or mk(T.AffinityRule, enabled=False, enforcing=False, positive=False)
        if r_in is None:
            return base
        return mk(
            T.AffinityRule,
            enabled=r_in.enabled if r_in.enabled is not None else (base.enabled or True),
            enforcing=r_in.enforcing if r_in.enforcing is not None else base.enforcing,
            positive=r_in.positive if r_in.positive is not None else base.positive,
        )

    def _group_name_ok(
        self, name: str | None, cluster_id: str, action: str, skip: Any = None
    ) -> None:
        if not name:
            raise bad_request(f"AffinityGroup [name] required for {action}")
        if len(name) > 255:
            raise bad_request(f"Cannot {action} Affinity Group. Name field input is too long.")
        if not _NAME.match(name):
            raise bad_request(f"Cannot {action} Affinity Group. Name field is invalid.")
        if any(
            g.name == name and g.cluster.id == cluster_id and g is not skip
            for g in self.world.coll["affinitygroups"].values()
        ):
            raise conflict(f"Cannot {action} Affinity Group. Affinity Group name already exists.")

    def _add_affinity_group(self, req: Request, node: Node) -> Response:
        cl = node.parent
        g_in = parse_body(req.body, T.AffinityGroup)
        self._group_name_ok(g_in.name, cl.id, "add")
        vms_rule = self._rule(g_in.vms_rule, None)
        if g_in.vms_rule is None:
            # the 4.1 fields: positive / enforcing describe the VM rule
            vms_rule = mk(
                T.AffinityRule,
                enabled=g_in.positive is not None,
                enforcing=bool(g_in.enforcing),
                positive=bool(g_in.positive),
            )
        gid = self.world.new_id()
        group = mk(
            T.AffinityGroup,
            id=gid,
            href=href("clusters", cl.id, "affinitygroups", gid),
            name=g_in.name,
            description=g_in.description,
            cluster=ref(T.Cluster, "clusters", cl.id),
            priority=g_in.priority if g_in.priority is not None else 1.0,
            vms_rule=vms_rule,
            hosts_rule=self._rule(g_in.hosts_rule, None),
            vms=self._members(g_in.vms, "vms", cl.id, "add"),
            hosts=self._members(g_in.hosts, "hosts", cl.id, "add"),
        )
        _sync_legacy(group)
        self.world.coll["affinitygroups"][gid] = group
        return self._created(group, "affinity_group")

    def _update_affinity_group(self, req: Request, node: Node) -> Response:
        group = node.obj
        cl = node.parent
        g_in = parse_body(req.body, T.AffinityGroup)
        if g_in.name and g_in.name != group.name:
            self._group_name_ok(g_in.name, cl.id, "edit", skip=group)
            group.name = g_in.name
        if g_in.description is not None:
            group.description = g_in.description
        if g_in.priority is not None:
            group.priority = g_in.priority
        if g_in.vms_rule is not None:
            group.vms_rule = self._rule(g_in.vms_rule, group.vms_rule)
        elif g_in.positive is not None or g_in.enforcing is not None:
            cur = group.vms_rule
            group.vms_rule = mk(
                T.AffinityRule,
                enabled=True,
                positive=g_in.positive if g_in.positive is not None else cur.positive,
                enforcing=g_in.enforcing if g_in.enforcing is not None else cur.enforcing,
            )
        if g_in.hosts_rule is not None:
            group.hosts_rule = self._rule(g_in.hosts_rule, group.hosts_rule)
        if g_in.vms is not None:
            group.vms = self._members(g_in.vms, "vms", cl.id, "edit")
        if g_in.hosts is not None:
            group.hosts = self._members(g_in.hosts, "hosts", cl.id, "edit")
        _sync_legacy(group)
        xmlcache.touch(group)
        return self._ok(group, "affinity_group")

    def _remove_affinity_group(self, req: Request, node: Node) -> Response:
        del self.world.coll["affinitygroups"][node.obj.id]
        return Response(200, b"")

    def _group_add_member(self, req: Request, node: Node) -> Response:
        group = node.parent
        coll, cls = ("vms", T.Vm) if node.tag == "vm" else ("hosts", T.Host)
        r_in = parse_body(req.body, cls)
        refs = self._members([r_in], coll, group.cluster.id, "edit")
        have = list(getattr(group, coll) or [])
        if all(r.id != refs[0].id for r in have):
            have.append(refs[0])
        setattr(group, coll, have)
        xmlcache.touch(group)
        obj = self.world.get(coll, refs[0].id)
        return self._created(obj, node.tag)

    def _group_remove_member(self, req: Request, node: Node) -> Response:
        group = node.parent
        coll = "vms" if node.tag == "vm" else "hosts"
        setattr(group, coll, [r for r in getattr(group, coll) or [] if r.id != node.obj.id])
        xmlcache.touch(group)
        return Response(200, b"")

    # ------------------------------------------------------------ affinity labels
    def _label_name_ok(self, name: str | None, action: str, skip: Any = None) -> None:
        if not name:
            raise bad_request(f"AffinityLabel [name] required for {action}")
        if not _NAME.match(name):
            raise bad_request(
                "The name for affinity label is invalid. Only letters, numbers, '-', and '_' "
                "are valid characters."
            )
        if any(
            x.name == name and x is not skip for x in self.world.coll["affinitylabels"].values()
        ):
            raise conflict("Cannot add affinity label with a conflicting NAME.")

    def _label_members(self, refs: list[Any] | None, coll: str) -> list[Any]:
        out: list[Any] = []
        cls = T.Vm if coll == "vms" else T.Host
        for r in refs or []:
            obj = _find_named(self.world, coll, r)
            if obj is None:
                key, what = ("id", r.id) if r.id else ("name", r.name)
                raise HttpError(404, f"Entity not found: {cls.__name__}: {key}={what}")
            if all(o.id != obj.id for o in out):
                out.append(ref(cls, coll, obj.id))
        return out

    def _add_label(self, req: Request, node: Node) -> Response:
        l_in = parse_body(req.body, T.AffinityLabel)
        self._label_name_ok(l_in.name, "add")
        lid = self.world.new_id()
        label = mk(
            T.AffinityLabel,
            id=lid,
            href=href("affinitylabels", lid),
            name=l_in.name,
            read_only=False,
            has_implicit_affinity_group=bool(l_in.has_implicit_affinity_group),
            vms=self._label_members(l_in.vms, "vms"),
            hosts=self._label_members(l_in.hosts, "hosts"),
        )
        self.world.coll["affinitylabels"][lid] = label
        return self._created(label, "affinity_label")

    def _update_label(self, req: Request, node: Node) -> Response:
        label = _writable_label(node.obj)
        l_in = parse_body(req.body, T.AffinityLabel)
        if l_in.name and l_in.name != label.name:
            self._label_name_ok(l_in.name, "edit", skip=label)
            label.name = l_in.name
        if l_in.vms is not None:
            label.vms = self._label_members(l_in.vms, "vms")
        if l_in.hosts is not None:
            label.hosts = self._label_members(l_in.hosts, "hosts")
        if l_in.has_implicit_affinity_group is not None:
            label.has_implicit_affinity_group = l_in.has_implicit_affinity_group
        xmlcache.touch(label)
        return self._ok(label, "affinity_label")

    def _remove_label(self, req: Request, node: Node) -> Response:
        label = _writable_label(node.obj)
        del self.world.coll["affinitylabels"][label.id]
        return Response(200, b"")

    def _label_add_member(self, req: Request, node: Node) -> Response:
        label = _writable_label(node.parent)
        coll, cls = ("vms", T.Vm) if node.tag == "vm" else ("hosts", T.Host)
        refs = self._label_members([parse_body(req.body, cls)], coll)
        have = list(getattr(label, coll) or [])
        if all(r.id != refs[0].id for r in have):
            have.append(refs[0])
        setattr(label, coll, have)
        xmlcache.touch(label)
        return self._created(self.world.get(coll, refs[0].id), node.tag)

    def _label_remove_member(self, req: Request, node: Node) -> Response:
        label = _writable_label(node.parent)
        coll = "vms" if node.tag == "vm" else "hosts"
        setattr(label, coll, [r for r in getattr(label, coll) or [] if r.id != node.obj.id])
        xmlcache.touch(label)
        return Response(200, b"")


def _writable_label(label: Any) -> Any:
    """``label``, unless it is read-only: then the engine refuses any change to it (409)."""
    if label.read_only:
        raise conflict("Cannot change read-only affinity label.")
    return label


def _sync_legacy(group: Any) -> None:
    """The 4.1 fields ``positive`` / ``enforcing`` mirror the VM rule (the engine's mapper)."""
    rule = group.vms_rule
    group.enforcing = bool(rule.enforcing) if rule is not None else False
    group.positive = bool(rule.positive) if rule is not None and rule.enabled else None


def _writer_body(obj: Any) -> bytes:
    """``obj`` as the request body the plain updater parses (what was not consumed here)."""
    return render.write_plain(obj, "cluster").encode("utf-8")


__all__ = [
    "CatalogMachine",
    "POLICIES",
    "affinity_refusal",
    "check_quota",
    "cluster_limits",
    "policy_units",
    "seed_catalog",
    "storage_limits",
]
