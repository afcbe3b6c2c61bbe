"""The simulator's in-memory world: seeded generator and records.

Records are plain ``ovirtsdk4.types`` objects so that the SDK's own writers render them.
Sub-collections (nics, disks, snapshots, ...) are generated lazily per parent, from an RNG
seeded by (world seed, parent id, sub-collection name), so a 10,000-VM world is ready fast.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from ovirtsdk4 import types as T

API = "/ovirt-engine/api"
GiB = 1024**3
MiB = 1024**2

# kind -> top-level collection name
KIND_COLLECTION = {
    "vm": "vms",
    "host": "hosts",
    "cluster": "clusters",
    "datacenter": "datacenters",
    "storagedomain": "storagedomains",
    "template": "templates",
    "disk": "disks",
    "network": "networks",
    "vnicprofile": "vnicprofiles",
    "event": "events",
    "job": "jobs",
    "tag": "tags",
    "user": "users",
    "group": "groups",
    "operatingsystem": "operatingsystems",
}

VM_PREFIXES = ["web", "db", "app", "mail", "build", "cache", "proxy", "mon"]
GUEST_OS = [
    ("rhel_8x64", "Red Hat Enterprise Linux", "8.6", "linux"),
    ("rhel_9x64", "Red Hat Enterprise Linux", "9.2", "linux"),
    ("other_linux", "Debian GNU/Linux", "12", "linux"),
    ("windows_2019x64", "Windows Server 2019", "10.0.17763", "windows"),
]
APPS = [
    "kernel-5.14.0",
    "ovirt-guest-agent-1.0.16",
    "qemu-guest-agent-7.2",
    "openssh-8.7p1",
    "nginx-1.22",
]


def now_dt() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone()


def href(*parts: str) -> str:
    return "/".join([API, *parts])


def mk(cls: type, href: str | None = None, **kw: Any) -> Any:
    """Build an SDK object; SDK constructors do not take ``href``, so set it afterwards."""
    obj = cls(**kw)
    if href is not None:
        obj.href = href
    return obj


def ref(cls: type, coll: str, obj_id: str, **extra: Any) -> Any:
    """A reference object (``<vm href id/>``) of the given SDK type."""
    return mk(cls, id=obj_id, href=href(coll, obj_id), **extra)


class World:
    """All engine state. Mutate only while holding ``lock``."""

    def __init__(self, vms: int = 50, hosts: int = 4, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.rng = random.Random(seed)
        self.started = time.time()
        self.coll: dict[str, dict[str, Any]] = {name: {} for name in KIND_COLLECTION.values()}
        self.coll["affinitygroups"] = {}
        self.coll["permissions"] = {}
        self.coll["snapshots"] = {}
        self._subs: dict[tuple[str, str, str], list[Any]] = {}
        self.sub_generators: dict[tuple[str, str], Callable[[Any, random.Random], list[Any]]] = {
            ("vms", "nics"): self._gen_vm_nics,
            ("vms", "diskattachments"): self._gen_vm_disks,
            ("vms", "snapshots"): self._gen_vm_snapshots,
            ("vms", "applications"): self._gen_vm_apps,
            ("vms", "graphicsconsoles"): self._gen_vm_consoles,
            ("vms", "cdroms"): self._gen_vm_cdroms,
            ("vms", "permissions"): self._gen_permissions,
            ("hosts", "nics"): self._gen_host_nics,
            ("hosts", "devices"): self._gen_host_devices,
            ("hosts", "hooks"): self._gen_host_hooks,
            ("hosts", "networkattachments"): self._gen_host_netattach,
            ("hosts", "permissions"): self._gen_permissions,
            ("templates", "nics"): self._gen_template_nics,
            ("templates", "diskattachments"): self._gen_template_disks,
            ("clusters", "permissions"): self._gen_permissions,
            ("datacenters", "permissions"): self._gen_permissions,
            ("storagedomains", "permissions"): self._gen_permissions,
            ("networks", "permissions"): self._gen_permissions,
            ("users", "sshpublickeys"): lambda user, rng: [],
        }
        self.next_event_id = 1000
        self.status_log: dict[str, list[str]] = {}
        self.mac_counter = 0
        self.ip_counter = 10
        self.disks_complete = False
        self._generate(vms, hosts)

    # ----------------------------------------------------------------- helpers
    def new_id(self, rng: random.Random | None = None) -> str:
        r = rng or self.rng
        return str(uuid.UUID(int=r.getrandbits(128), version=4))

    def sub_rng(self, parent_id: str, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{parent_id}:{name}")

    def next_mac(self) -> str:
        self.mac_counter += 1
        n = self.mac_counter
        return (
            f"56:6f:{(n >> 24) & 255:02x}:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"
        )

    def next_ip(self) -> str:
        self.ip_counter += 1
        n = self.ip_counter
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def get(self, coll: str, obj_id: str) -> Any | None:
        return self.coll.get(coll, {}).get(obj_id)

    def log_status(self, obj_id: str, status: Any) -> None:
        """Record a status change of an object (the state machines call this)."""
        self.status_log.setdefault(obj_id, []).append(getattr(status, "value", str(status)))

    def status_path(self, obj_id: str) -> list[str]:
        """Every status the object went through since the world started, in order."""
        with self.lock:
            return list(self.status_log.get(obj_id, []))

    def find(self, kind: str, name: str) -> Any:
        """The object of ``kind`` (``vm``, ``host``...) named ``name``; KeyError if none."""
        coll = KIND_COLLECTION.get(kind, kind)
        if kind == "disk":
            self.all_disks()
        with self.lock:
            for obj in self.coll[coll].values():
                if getattr(obj, "name", None) == name:
                    return obj
        raise KeyError(f"no {kind} named {name!r}")

    def name_of(self, coll: str, obj_id: str | None) -> str | None:
        if obj_id is None:
            return None
        obj = self.get(coll, obj_id)
        return getattr(obj, "name", None) if obj else None

    def sub(self, coll: str, parent: Any, name: str) -> list[Any] | None:
        """Items of sub-collection ``name`` of ``parent`` (generated on first use)."""
        key = (coll, parent.id, name)
        items = self._subs.get(key)
        if items is None:
            gen = self.sub_generators.get((coll, name))
            if gen is None:
                return None
            items = gen(parent, self.sub_rng(parent.id, name))
            self._subs[key] = items
        return items

    def set_sub(self, coll: str, parent_id: str, name: str, items: list[Any]) -> None:
        self._subs[(coll, parent_id, name)] = items

    def drop_subs(self, coll: str, parent_id: str) -> None:
        for key in [k for k in self._subs if k[0] == coll and k[1] == parent_id]:
            del self._subs[key]

    def all_disks(self) -> dict[str, Any]:
        """Every disk; forces generation of every VM's and template's disks once."""
        with self.lock:
            if not self.disks_complete:
                for vm in list(self.coll["vms"].values()):
                    self.sub("vms", vm, "diskattachments")
                for tpl in list(self.coll["templates"].values()):
                    self.sub("templates", tpl, "diskattachments")
                self.disks_complete = True
            return self.coll["disks"]

    def vms_on_host(self, host_id: str) -> list[Any]:
        return [v for v in self.coll["vms"].values() if v.host is not None and v.host.id == host_id]

    def host_used_memory(self, host_id: str) -> int:
        return sum(v.memory or 0 for v in self.vms_on_host(host_id))

    def host_free_memory(self, host: Any) -> int:
        return (host.memory or 0) - self.host_used_memory(host.id) - 2 * GiB

    def cluster_dc(self, cluster_id: str) -> Any:
        cl = self.coll["clusters"][cluster_id]
        return self.coll["datacenters"][cl.data_center.id]

    # --------------------------------------------------------------- generator
    def _generate(self, n_vms: int, n_hosts: int) -> None:
        rng = self.rng
        n_dcs = max(2, n_hosts // 50)
        n_clusters = max(3, n_hosts // 20, n_dcs)
        created = now_dt() - dt.timedelta(days=400)
        self.os_types = [
            mk(
                T.OperatingSystemInfo,
                id=self.new_id(),
                name=o[0],
                description=o[1],
                href=None,
            )
            for o in GUEST_OS
        ]
        for os_info in self.os_types:
            os_info.href = href("operatingsystems", os_info.id)
            self.coll["operatingsystems"][os_info.id] = os_info

        admin_id = "fdfc627c-d875-11e0-90f0-83df133b58cc"
        self.coll["users"][admin_id] = mk(
            T.User,
            id=admin_id,
            href=href("users", admin_id),
            name="admin",
            user_name="admin@internal",
            principal="admin",
            namespace="*",
            domain=mk(T.Domain, name="internal-authz"),
            department="",
            last_name="",
            email="",
        )
        gid = self.new_id()
        self.coll["groups"][gid] = mk(
            T.Group, id=gid, href=href("groups", gid), name="Everyone", namespace="*"
        )
        for tname in ("production", "testing", "web"):
            tid = self.new_id()
            self.coll["tags"][tid] = mk(
                T.Tag, id=tid, href=href("tags", tid), name=tname, description=f"{tname} machines"
            )

        # data centers and their networks / storage
        dcs = []
        for i in range(n_dcs):
            dc_id = self.new_id()
            name = "Default" if i == 0 else f"dc{i + 1:02d}"
            dc = mk(
                T.DataCenter,
                id=dc_id,
                href=href("datacenters", dc_id),
                name=name,
                description=f"{name} data center",
                local=False,
                quota_mode=T.QuotaModeType.DISABLED,
                status=T.DataCenterStatus.UP,
                storage_format=T.StorageFormat.V5,
                version=mk(T.Version, major=4, minor=7),
                supported_versions=[mk(T.Version, major=4, minor=7)],
                mac_pool=mk(
                    T.MacPool,
                    id="58ca604b-017d-0374-0220-00000000014e",
                    href=href("macpools", "58ca604b-017d-0374-0220-00000000014e"),
                ),
            )
            self.coll["datacenters"][dc_id] = dc
            dcs.append(dc)
            for net_name, usages, vlan in (
                (
                    "ovirtmgmt",
                    [
                        T.NetworkUsage.MANAGEMENT,
                        T.NetworkUsage.VM,
                        T.NetworkUsage.DISPLAY,
                        T.NetworkUsage.MIGRATION,
                    ],
                    None,
                ),
                ("vmnet", [T.NetworkUsage.VM], 100 + i),
                ("storage", [], 200 + i),
            ):
                nid = self.new_id()
                net = mk(
                    T.Network,
                    id=nid,
                    href=href("networks", nid),
                    name=net_name,
                    description=f"{net_name} network"
                    if net_name != "ovirtmgmt"
                    else "Management Network",
                    comment="",
                    data_center=ref(T.DataCenter, "datacenters", dc_id),
                    mtu=0,
                    stp=False,
                    usages=usages,
                    vlan=mk(T.Vlan, id=vlan) if vlan else None,
                    required=net_name == "ovirtmgmt",
                )
                self.coll["networks"][nid] = net
                if T.NetworkUsage.VM in usages:
                    pid = self.new_id()
                    self.coll["vnicprofiles"][pid] = mk(
                        T.VnicProfile,
                        id=pid,
                        href=href("vnicprofiles", pid),
                        name=net_name,
                        network=ref(T.Network, "networks", nid),
                        pass_through=mk(T.VnicPassThrough, mode=T.VnicPassThroughMode.DISABLED),
                        port_mirroring=False,
                        network_filter=mk(
                            T.NetworkFilter,
                            id="d2370ab4-fee3-11e9-a310-8c1645ce738e",
                            href=href("networkfilters", "d2370ab4-fee3-11e9-a310-8c1645ce738e"),
                        ),
                    )
            for sd_type, sd_name, size_gib in (
                (T.StorageDomainType.DATA, f"{name.lower()}-data1", 2048),
                (T.StorageDomainType.DATA, f"{name.lower()}-data2", 4096),
                (T.StorageDomainType.ISO, f"{name.lower()}-iso", 200),
                (T.StorageDomainType.EXPORT, f"{name.lower()}-export", 1024),
            ):
                sid = self.new_id()
                used = int(size_gib * rng.uniform(0.2, 0.7))
                self._add_storage_domain(
                    sid,
                    sd_name,
                    dc_id,
                    type=sd_type,
                    master=sd_name.endswith("data1"),
                    available=(size_gib - used) * GiB,
                    used=used * GiB,
                    committed=int(used * 1.2) * GiB,
                    supports_discard=False,
                    storage_format=T.StorageFormat.V5
                    if sd_type == T.StorageDomainType.DATA
                    else T.StorageFormat.V1,
                    storage=mk(
                        T.HostStorage,
                        type=T.StorageType.NFS,
                        address="nfs.example.com",
                        path=f"/exports/{sd_name}",
                    ),
                )

        # clusters
        clusters = []
        for i in range(n_clusters):
            cid = self.new_id()
            dc = dcs[i % n_dcs]
            name = "Default" if i == 0 else f"cluster{i + 1:02d}"
            cl = mk(
                T.Cluster,
                id=cid,
                href=href("clusters", cid),
                name=name,
                description=f"{name} cluster",
                comment="",
                data_center=ref(T.DataCenter, "datacenters", dc.id),
                cpu=mk(
                    T.Cpu,
                    architecture=T.Architecture.X86_64,
                    type="Secure Intel Cascadelake Server Family",
                ),
                version=mk(T.Version, major=4, minor=7),
                ballooning_enabled=True,
                threads_as_cores=False,
                trusted_service=False,
                tunnel_migration=False,
                virt_service=True,
                gluster_service=False,
                ha_reservation=False,
                maintenance_reason_required=False,
                optional_reason=False,
                firewall_type=T.FirewallType.FIREWALLD,
                switch_type=T.SwitchType.LEGACY,
                log_max_memory_used_threshold=95,
                log_max_memory_used_threshold_type=T.LogMaxMemoryUsedThresholdType.PERCENTAGE,
                error_handling=mk(T.ErrorHandling, on_error=T.MigrateOnError.MIGRATE),
                fencing_policy=mk(T.FencingPolicy, enabled=True),
                ksm=mk(T.Ksm, enabled=False, merge_across_nodes=True),
                memory_policy=mk(T.MemoryPolicy, over_commit=mk(T.MemoryOverCommit, percent=100)),
                migration=mk(
                    T.MigrationOptions,
                    auto_converge=T.InheritableBoolean.INHERIT,
                    compressed=T.InheritableBoolean.INHERIT,
                ),
                required_rng_sources=[T.RngSource.URANDOM],
                scheduling_policy=mk(
                    T.SchedulingPolicy,
                    id="b4ed2332-a7ac-4d5f-9596-99a439cb2812",
                    href=href("schedulingpolicies", "b4ed2332-a7ac-4d5f-9596-99a439cb2812"),
                ),
                mac_pool=mk(
                    T.MacPool,
                    id="58ca604b-017d-0374-0220-00000000014e",
                    href=href("macpools", "58ca604b-017d-0374-0220-00000000014e"),
                ),
                custom_scheduling_policy_properties=[
                    mk(T.Property, name="HighUtilization", value="80")
                ],
            )
            self.coll["clusters"][cid] = cl
            clusters.append(cl)

        # templates: Blank plus a few real ones
        blank_id = "00000000-0000-0000-0000-000000000000"
        self.templates = [
            self._make_template(blank_id, "Blank", None, "Blank template", created, rng)
        ]
        for i, (os_name, _desc, _ver, _fam) in enumerate(GUEST_OS[:3]):
            tpl = self._make_template(
                self.new_id(),
                f"{os_name.split('_')[0]}-{['base', 'app', 'min'][i]}",
                clusters[i % len(clusters)],
                f"{os_name} golden image",
                created,
                rng,
                os_type=os_name,
            )
            self.templates.append(tpl)

        # hosts
        width = max(2, len(str(n_hosts)))
        for i in range(n_hosts):
            hid = self.new_id()
            cl = clusters[i % n_clusters]
            mem = (128 if n_hosts < 20 else rng.choice([256, 384, 512])) * GiB
            name = f"host{i + 1:0{width}d}"
            host = self.make_host(hid, name, f"{name}.example.com", cl, mem, i, rng)
            host.update_available = i % 3 == 0
            host._sim_boot = time.time() - rng.randint(3600, 90 * 86400)
            host._sim_has_updates = i % 3 != 2  # what upgradecheck will find
            self.coll["hosts"][hid] = host
        # one SPM per data center: its first up host
        for dc in dcs:
            for host in self.coll["hosts"].values():
                if self.cluster_dc(host.cluster.id).id == dc.id and host.status == T.HostStatus.UP:
                    host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
                    break

        # VMs
        hosts_by_cluster: dict[str, list[Any]] = {}
        for host in self.coll["hosts"].values():
            hosts_by_cluster.setdefault(host.cluster.id, []).append(host)
        free = {h.id: h.memory - 2 * GiB for h in self.coll["hosts"].values()}
        forced = [T.VmStatus.UP, T.VmStatus.DOWN, T.VmStatus.SUSPENDED, T.VmStatus.PAUSED]
        statuses = (
            [T.VmStatus.UP] * 58
            + [T.VmStatus.DOWN] * 34
            + [T.VmStatus.SUSPENDED] * 4
            + [T.VmStatus.PAUSED] * 4
        )
        counters: dict[str, int] = {}
        nw = max(2, len(str(n_vms // len(VM_PREFIXES) + 1)))
        for i in range(n_vms):
            prefix = VM_PREFIXES[i % len(VM_PREFIXES)]
            counters[prefix] = counters.get(prefix, 0) + 1
            name = f"{prefix}{counters[prefix]:0{nw}d}"
            cl = clusters[i % n_clusters]
            status = forced[i] if i < len(forced) else rng.choice(statuses)
            mem = rng.choice([1, 2, 2, 4, 4, 8]) * GiB
            host = None
            if status in (T.VmStatus.UP, T.VmStatus.PAUSED):
                cands = [
                    h
                    for h in hosts_by_cluster.get(cl.id, [])
                    if h.status == T.HostStatus.UP and free[h.id] >= mem
                ]
                if cands:
                    host = max(cands, key=lambda h: free[h.id])
                    free[host.id] -= mem
                else:
                    status = T.VmStatus.DOWN
            tpl = (
                self.templates[1 + i % (len(self.templates) - 1)]
                if len(self.templates) > 1 and i % 5
                else self.templates[0]
            )
            self._make_vm(name, cl, tpl, status, host, mem, created + dt.timedelta(hours=i), rng)

        # a few affinity groups per cluster
        for cl in clusters:
            agid = self.new_id()
            vms_in = [v for v in list(self.coll["vms"].values())[:200] if v.cluster.id == cl.id][:2]
            self.coll["affinitygroups"][agid] = mk(
                T.AffinityGroup,
                id=agid,
                href=href("clusters", cl.id, "affinitygroups", agid),
                name=f"{cl.name.lower()}-spread",
                description="keep replicas apart",
                cluster=ref(T.Cluster, "clusters", cl.id),
                enforcing=False,
                positive=False,
                priority=1.0,
                vms_rule=mk(T.AffinityRule, enabled=True, enforcing=False, positive=False),
                hosts_rule=mk(T.AffinityRule, enabled=False, enforcing=False, positive=False),
                vms=[ref(T.Vm, "vms", v.id) for v in vms_in],
            )

        # one iSCSI data domain per data center, appended after the file domains (its own
        # RNG, so the rest of the world is the same as without it)
        for dc in dcs:
            self._make_iscsi_domain(dc)

        self._generate_history(rng)

    def _make_iscsi_domain(self, dc: Any, n_luns: int = 2, lun_gib: int = 500) -> Any:
        """An active iSCSI data domain of ``dc`` on ``n_luns`` LUNs of one target."""
        rng = self.sub_rng(dc.id, "iscsi")
        sid = self.new_id(rng)
        vg_id = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
            for _ in range(38)
        )
        name = f"{dc.name.lower()}-iscsi1"
        target = f"iqn.2003-01.org.linux-iscsi.storage.x8664:{dc.name.lower()}"
        luns = []
        for k in range(n_luns):
            serial = uuid.UUID(int=rng.getrandbits(128)).hex
            lu = mk(
                T.LogicalUnit,
                id=f"36001405{serial[:25]}",
                address="iscsi.example.com",
                port=3260,
                portal="iscsi.example.com:3260,1",
                target=target,
                lun_mapping=k,
                paths=0,
                size=lun_gib * GiB,
                serial=f"SLIO-ORG_{name}_lun{k}_{serial[:8]}",
                vendor_id="LIO-ORG",
                product_id=f"lun{k}",
                volume_group_id=vg_id,
                storage_domain_id=sid,
                discard_max_size=0,
                discard_zeroes_data=False,
            )
            lu._sim_device_size = lu.size  # what the storage server reports
            luns.append(lu)
        total = n_luns * lun_gib
        used = int(total * rng.uniform(0.2, 0.5))
        sd = self._add_storage_domain(
            sid,
            name,
            dc.id,
            type=T.StorageDomainType.DATA,
            master=False,
            available=(total - used - 5) * GiB,
            used=(used + 5) * GiB,
            committed=int(used * 1.1) * GiB,
            supports_discard=True,
            storage_format=T.StorageFormat.V5,
            storage=mk(
                T.HostStorage,
                type=T.StorageType.ISCSI,
                volume_group=mk(T.VolumeGroup, id=vg_id, logical_units=luns),
            ),
        )
        sd._sim_seed_disks = False  # the generated VMs' disks stay on the file domains
        return sd

    def _add_storage_domain(self, sid: str, name: str, dc_id: str, **fields: Any) -> Any:
        """A storage domain of data center ``dc_id``, active there, with the settings every
        generated domain shares plus ``fields`` (type, space, storage...); added to the world."""
        sd = mk(
            T.StorageDomain,
            id=sid,
            href=href("storagedomains", sid),
            name=name,
            description="",
            comment="",
            block_size=512,
            backup=False,
            critical_space_action_blocker=5,
            warning_low_space_indicator=10,
            discard_after_delete=False,
            supports_discard_zeroes_data=False,
            wipe_after_delete=False,
            external_status=T.ExternalStatus.OK,
            data_centers=[ref(T.DataCenter, "datacenters", dc_id)],
            **fields,
        )
        sd._sim_dc_status = T.StorageDomainStatus.ACTIVE  # status within its data center
        self.coll["storagedomains"][sid] = sd
        return sd

    def make_host(
        self, hid: str, name: str, address: str, cl: Any, mem: int, serial: int, rng: random.Random
    ) -> Any:
        """A host record (not yet in the world); ``serial`` numbers its hardware and iSCSI name."""
        i = serial
        return mk(
            T.Host,
            id=hid,
            href=href("hosts", hid),
            name=name,
            comment="",
            description="",
            address=address,
            cluster=ref(T.Cluster, "clusters", cl.id),
            status=T.HostStatus.UP,
            type=T.HostType.RHEL,
            memory=mem,
            max_scheduling_memory=mem,
            port=54321,
            protocol=T.HostProtocol.STOMP,
            update_available=False,
            cpu=mk(
                T.Cpu,
                name="Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
                speed=2100.0,
                type="Secure Intel Cascadelake Server Family",
                topology=mk(T.CpuTopology, sockets=2, cores=20, threads=2),
            ),
            os=mk(
                T.OperatingSystem,
                type="RHEL",
                version=mk(T.Version, full_version="8.7 - 1.el8", major=8, minor=7),
            ),
            version=mk(
                T.Version,
                full_version="vdsm-4.50.3.4-1.el8",
                major=4,
                minor=50,
                build=3,
                revision=4,
            ),
            libvirt_version=mk(
                T.Version,
                full_version="libvirt-8.0.0-10.module+el8",
                major=8,
                minor=0,
                build=0,
                revision=0,
            ),
            hardware_information=mk(
                T.HardwareInformation,
                manufacturer="Dell Inc.",
                product_name="PowerEdge R640",
                serial_number=f"SN{i:06d}",
                family="PowerEdge",
                uuid=self.new_id(),
            ),
            kdump_status=T.KdumpStatus.DISABLED,
            ksm=mk(T.Ksm, enabled=False),
            se_linux=mk(T.SeLinux, mode=T.SeLinuxMode.ENFORCING),
            spm=mk(T.Spm, priority=5, status=T.SpmStatus.NONE),
            ssh=mk(
                T.Ssh,
                port=22,
                fingerprint="SHA256:" + uuid.UUID(int=rng.getrandbits(128)).hex[:43],
            ),
            summary=mk(T.VmSummary, active=0, migrating=0, total=0),
            transparent_huge_pages=mk(T.TransparentHugePages, enabled=True),
            iscsi=mk(T.IscsiDetails, initiator=f"iqn.1994-05.com.redhat:host{i + 1}"),
            power_management=mk(
                T.PowerManagement,
                enabled=False,
                automatic_pm_enabled=True,
                kdump_detection=True,
            ),
            certificate=mk(
                T.Certificate,
                organization="example.com",
                subject=f"O=example.com,CN={address}",
            ),
            device_passthrough=mk(T.HostDevicePassthrough, enabled=False),
            external_status=T.ExternalStatus.OK,
            auto_numa_status=T.AutoNumaStatus.UNKNOWN,
            numa_supported=False,
            vgpu_placement=T.VgpuPlacement.CONSOLIDATED,
        )

    def _vm_like(self, cls: type, os_type: str, sockets: int, **fields: Any) -> Any:
        """A VM or template record (``cls``): the settings both carry as the engine sets them
        (a ``sockets`` x 1 x 1 CPU, guest OS ``os_type``), plus ``fields``."""
        return mk(
            cls,
            comment="",
            type=T.VmType.SERVER,
            cpu=mk(
                T.Cpu,
                architecture=T.Architecture.X86_64,
                topology=mk(T.CpuTopology, sockets=sockets, cores=1, threads=1),
            ),
            cpu_shares=0,
            os=mk(T.OperatingSystem, type=os_type, boot=mk(T.Boot, devices=[T.BootDevice.HD])),
            bios=mk(T.Bios, type=T.BiosType.Q35_SEA_BIOS, boot_menu=mk(T.BootMenu, enabled=False)),
            delete_protected=False,
            display=mk(
                T.Display,
                type=T.DisplayType.VNC,
                monitors=1,
                allow_override=False,
                copy_paste_enabled=True,
                file_transfer_enabled=True,
                smartcard_enabled=False,
                single_qxl_pci=False,
            ),
            high_availability=mk(T.HighAvailability, enabled=False, priority=0),
            io=mk(T.Io, threads=1),
            migration=mk(
                T.MigrationOptions,
                auto_converge=T.InheritableBoolean.INHERIT,
                compressed=T.InheritableBoolean.INHERIT,
            ),
            migration_downtime=-1,
            multi_queues_enabled=True,
            origin="ovirt",
            placement_policy=mk(T.VmPlacementPolicy, affinity=T.VmAffinity.MIGRATABLE),
            sso=mk(T.Sso, methods=[mk(T.Method, id=T.SsoMethod.GUEST_AGENT)]),
            start_paused=False,
            stateless=False,
            storage_error_resume_behaviour=T.VmStorageErrorResumeBehaviour.AUTO_RESUME,
            time_zone=mk(T.TimeZone, name="Etc/GMT"),
            usb=mk(T.Usb, enabled=False),
            custom_properties=[],
            initialization=mk(T.Initialization),
            **fields,
        )

    def _make_template(
        self,
        tid: str,
        name: str,
        cl: Any,
        desc: str,
        created: dt.datetime,
        rng: random.Random,
        os_type: str = "other",
    ) -> Any:
        tpl = self._vm_like(
            T.Template,
            os_type,
            1,
            id=tid,
            href=href("templates", tid),
            name=name,
            description=desc,
            cluster=ref(T.Cluster, "clusters", cl.id) if cl else None,
            status=T.TemplateStatus.OK,
            memory=2 * GiB,
            creation_time=created,
            memory_policy=mk(T.MemoryPolicy, guaranteed=1 * GiB, max=8 * GiB, ballooning=True),
            version=mk(T.TemplateVersion, version_number=1, version_name="base"),
            large_icon=mk(
                T.Icon,
                id="9c4cd9ae-5fb2-4d41-a0f1-f7b9e0e0f5c0",
                href=href("icons", "9c4cd9ae-5fb2-4d41-a0f1-f7b9e0e0f5c0"),
            ),
            small_icon=mk(
                T.Icon,
                id="a8d6c2b4-1e4a-4bf1-9a9f-3e6f8e2b1d11",
                href=href("icons", "a8d6c2b4-1e4a-4bf1-9a9f-3e6f8e2b1d11"),
            ),
            cpu_profile=mk(
                T.CpuProfile,
                id="58ca604e-01a7-003f-01de-000000000250",
                href=href("cpuprofiles", "58ca604e-01a7-003f-01de-000000000250"),
            ),
        )
        self.coll["templates"][tid] = tpl
        return tpl

    def _make_vm(
        self,
        name: str,
        cl: Any,
        tpl: Any,
        status: Any,
        host: Any,
        mem: int,
        created: dt.datetime,
        rng: random.Random,
        vm_id: str | None = None,
    ) -> Any:
        vid = vm_id or self.new_id(rng)
        os_type, os_dist, os_ver, family = GUEST_OS[rng.randrange(len(GUEST_OS))]
        running = status not in (T.VmStatus.DOWN, T.VmStatus.IMAGE_LOCKED)
        vm = self._vm_like(
            T.Vm,
            os_type,
            rng.choice([1, 2, 4]),
            id=vid,
            href=href("vms", vid),
            name=name,
            description=f"{name} server",
            cluster=ref(T.Cluster, "clusters", cl.id),
            template=ref(T.Template, "templates", tpl.id),
            original_template=ref(T.Template, "templates", tpl.id),
            status=status,
            memory=mem,
            memory_policy=mk(T.MemoryPolicy, guaranteed=mem, max=mem * 4, ballooning=True),
            creation_time=created,
            next_run_configuration_exists=False,
            numa_tune_mode=T.NumaTuneMode.INTERLEAVE,
            custom_compatibility_version=mk(T.Version, major=4, minor=7),
            large_icon=tpl.large_icon,
            small_icon=tpl.small_icon,
            cpu_profile=tpl.cpu_profile,
            quota=mk(T.Quota, id="58ca604b-017d-0374-0220-00000000014f"),
            run_once=False,
            stop_reason="",
        )
        if host is not None:
            vm.host = ref(T.Host, "hosts", host.id)
            vm.placement_policy.hosts = None
        if running:
            vm.start_time = now_dt() - dt.timedelta(seconds=rng.randint(600, 30 * 86400))
            self.set_guest_info(vm, family, os_dist, os_ver)
            vm._sim_guest = (family, os_dist, os_ver)
        else:
            vm.stop_time = created + dt.timedelta(days=rng.randint(1, 300))
        vm._sim_guest = (family, os_dist, os_ver)
        self.coll["vms"][vid] = vm
        return vm

    def set_guest_info(
        self, vm: Any, family: str | None = None, dist: str | None = None, ver: str | None = None
    ) -> None:
        if family is None:
            family, dist, ver = getattr(
                vm, "_sim_guest", ("linux", "Red Hat Enterprise Linux", "9.2")
            )
        vm.fqdn = f"{vm.name}.example.com"
        vm.guest_time_zone = mk(T.TimeZone, name="UTC", utc_offset="+00:00")
        vm.guest_operating_system = mk(
            T.GuestOperatingSystem,
            architecture="x86_64",
            family="Linux" if family == "linux" else "Windows",
            distribution=dist,
            codename="",
            kernel=mk(
                T.Kernel,
                version=mk(
                    T.Version,
                    full_version="5.14.0-284.el9.x86_64",
                    major=5,
                    minor=14,
                    build=0,
                    revision=284,
                ),
            )
            if family == "linux"
            else None,
            version=mk(T.Version, full_version=ver, major=int(ver.split(".")[0])),
        )

    def clear_guest_info(self, vm: Any) -> None:
        vm.fqdn = None
        vm.guest_time_zone = None
        vm.guest_operating_system = None

    # ------------------------------------------------------ sub-collection gens
    def _gen_vm_nics(self, vm: Any, rng: random.Random) -> list[Any]:
        profiles = [
            p
            for p in self.coll["vnicprofiles"].values()
            if self.coll["networks"][p.network.id].data_center.id
            == self.cluster_dc(vm.cluster.id).id
        ]
        nics = []
        for n in range(1 + (rng.random() < 0.3)):
            nid = self.new_id(rng)
            mac = self.next_mac()
            nic = mk(
                T.Nic,
                id=nid,
                href=href("vms", vm.id, "nics", nid),
                name=f"nic{n + 1}",
                interface=T.NicInterface.VIRTIO,
                linked=True,
                plugged=True,
                mac=mk(T.Mac, address=mac),
                vm=ref(T.Vm, "vms", vm.id),
                vnic_profile=ref(T.VnicProfile, "vnicprofiles", profiles[n % len(profiles)].id)
                if profiles
                else None,
            )
            nic._sim_ip = self.next_ip()
            nics.append(nic)
        return nics

    def reported_devices(self, vm: Any, nic: Any | None = None) -> list[Any]:
        """Guest-reported NICs with IPs (only while the guest runs)."""
        if vm.status not in (
            T.VmStatus.UP,
            T.VmStatus.MIGRATING,
            T.VmStatus.REBOOT_IN_PROGRESS,
            T.VmStatus.POWERING_DOWN,
        ):
            return []
        out = []
        for n in self.sub("vms", vm, "nics") or []:
            if nic is not None and n.id != nic.id:
                continue
            rid = str(uuid.uuid5(uuid.NAMESPACE_OID, n.id))
            base = href("vms", vm.id, "nics", n.id) if nic is not None else href("vms", vm.id)
            out.append(
                mk(
                    T.ReportedDevice,
                    id=rid,
                    href=f"{base}/reporteddevices/{rid}",
                    name="eth" + n.name[3:] if n.name.startswith("nic") else n.name,
                    description="guest reported data",
                    type=T.ReportedDeviceType.NETWORK,
                    mac=mk(T.Mac, address=n.mac.address),
                    ips=[
                        mk(T.Ip, address=getattr(n, "_sim_ip", "10.0.0.1"), version=T.IpVersion.V4),
                        mk(
                            T.Ip,
                            address="fe80::546f:ff:fe00:" + n.mac.address[-5:].replace(":", ""),
                            version=T.IpVersion.V6,
                        ),
                    ],
                    vm=ref(T.Vm, "vms", vm.id),
                )
            )
        return out

    def _new_disk(
        self, rng: random.Random, alias: str, size: int, sd: Any, owner: str, bootable: bool
    ) -> Any:
        did = self.new_id(rng)
        disk = mk(
            T.Disk,
            id=did,
            href=href("disks", did),
            name=alias,
            alias=alias,
            description=f"{owner} disk",
            actual_size=int(size * rng.uniform(0.1, 0.8)),
            total_size=0,
            provisioned_size=size,
            backup=T.DiskBackup.NONE,
            content_type=T.DiskContentType.DATA,
            format=T.DiskFormat.COW,
            qcow_version=T.QcowVersion.QCOW2_V3,
            image_id=self.new_id(rng),
            propagate_errors=False,
            shareable=False,
            sparse=True,
            status=T.DiskStatus.OK,
            storage_type=T.DiskStorageType.IMAGE,
            wipe_after_delete=False,
            storage_domains=[ref(T.StorageDomain, "storagedomains", sd.id)] if sd else [],
            disk_profile=mk(
                T.DiskProfile,
                id="58ca604e-01a7-003f-01de-000000000251",
                href=href("diskprofiles", "58ca604e-01a7-003f-01de-000000000251"),
            ),
            quota=mk(
                T.Quota,
                id="58ca604b-017d-0374-0220-00000000014f",
                href=href("datacenters", "x", "quotas", "58ca604b-017d-0374-0220-00000000014f"),
            ),
        )
        disk._sim_bootable = bootable
        self.coll["disks"][did] = disk
        return disk

    def resize_lun(self, sd_name: str, lun_id: str, size: int) -> None:
        """Grow a LUN on the (simulated) storage server; ``refreshluns`` makes the engine see it."""
        with self.lock:
            sd = self.find("storagedomain", sd_name)
            vg = sd.storage.volume_group if sd.storage is not None else None
            for lu in (vg.logical_units if vg is not None else None) or []:
                if lu.id == lun_id:
                    lu._sim_device_size = size
                    return
            raise KeyError(f"no LUN {lun_id!r} in storage domain {sd_name!r}")

    def data_domains(self, dc_id: str) -> list[Any]:
        return [
            sd
            for sd in self.coll["storagedomains"].values()
            if sd.type == T.StorageDomainType.DATA
            and sd.data_centers
            and sd.data_centers[0].id == dc_id
        ]

    def _attachments(self, rng: random.Random, owner_coll: str, owner: Any, n: int) -> list[Any]:
        dc_id = (
            self.cluster_dc(owner.cluster.id).id
            if owner.cluster
            else next(iter(self.coll["datacenters"]))
        )
        sds = [sd for sd in self.data_domains(dc_id) if getattr(sd, "_sim_seed_disks", True)]
        out = []
        for k in range(n):
            sd = sds[rng.randrange(len(sds))] if sds else None
            size = (rng.choice([10, 20, 40, 100]) if k == 0 else rng.choice([50, 100, 500])) * GiB
            disk = self._new_disk(rng, f"{owner.name}_Disk{k + 1}", size, sd, owner.name, k == 0)
            owner_ref_cls = T.Vm if owner_coll == "vms" else T.Template
            att = mk(
                T.DiskAttachment,
                id=disk.id,
                href=href(owner_coll, owner.id, "diskattachments", disk.id),
                active=True,
                bootable=k == 0,
                interface=T.DiskInterface.VIRTIO_SCSI,
                logical_name=f"/dev/sd{'abcdefgh'[k]}"
                if owner_coll == "vms" and owner.status == T.VmStatus.UP
                else None,
                pass_discard=False,
                read_only=False,
                uses_scsi_reservation=False,
                disk=ref(T.Disk, "disks", disk.id),
            )
            if owner_coll == "vms":
                att.vm = ref(owner_ref_cls, owner_coll, owner.id)
            else:
                att.template = ref(owner_ref_cls, owner_coll, owner.id)
            disk._sim_owner = (owner_coll, owner.id)
            out.append(att)
        return out

    def _gen_vm_disks(self, vm: Any, rng: random.Random) -> list[Any]:
        return self._attachments(rng, "vms", vm, 1 + (rng.random() < 0.4))

    def _gen_template_disks(self, tpl: Any, rng: random.Random) -> list[Any]:
        if tpl.id == "00000000-0000-0000-0000-000000000000":
            return []
        return self._attachments(rng, "templates", tpl, 1)

    def _gen_template_nics(self, tpl: Any, rng: random.Random) -> list[Any]:
        if tpl.id == "00000000-0000-0000-0000-000000000000":
            return []
        nid = self.new_id(rng)
        dc_id = self.cluster_dc(tpl.cluster.id).id if tpl.cluster else None
        prof = next(
            (
                p
                for p in self.coll["vnicprofiles"].values()
                if self.coll["networks"][p.network.id].data_center.id == dc_id
            ),
            None,
        )
        return [
            mk(
                T.Nic,
                id=nid,
                href=href("templates", tpl.id, "nics", nid),
                name="nic1",
                interface=T.NicInterface.VIRTIO,
                linked=True,
                plugged=True,
                template=ref(T.Template, "templates", tpl.id),
                vnic_profile=ref(T.VnicProfile, "vnicprofiles", prof.id) if prof else None,
            )
        ]

    def new_snapshot(
        self, vm: Any, rng: random.Random, description: str, stype: Any, when: dt.datetime
    ) -> Any:
        sid = self.new_id(rng)
        snap = mk(
            T.Snapshot,
            id=sid,
            href=href("vms", vm.id, "snapshots", sid),
            description=description,
            date=when,
            persist_memorystate=False,
            snapshot_status=T.SnapshotStatus.OK,
            snapshot_type=stype,
            vm=ref(T.Vm, "vms", vm.id),
        )
        return snap

    def _gen_vm_snapshots(self, vm: Any, rng: random.Random) -> list[Any]:
        snaps = [self.new_snapshot(vm, rng, "Active VM", T.SnapshotType.ACTIVE, now_dt())]
        for k in range(rng.choice([0, 0, 1, 2])):
            snaps.append(
                self.new_snapshot(
                    vm,
                    rng,
                    f"before upgrade {k + 1}",
                    T.SnapshotType.REGULAR,
                    now_dt() - dt.timedelta(days=10 * (k + 1)),
                )
            )
        return snaps

    def _gen_vm_apps(self, vm: Any, rng: random.Random) -> list[Any]:
        out = []
        for a in rng.sample(APPS, 3):
            aid = str(uuid.uuid5(uuid.NAMESPACE_OID, vm.id + a))
            out.append(
                mk(
                    T.Application,
                    id=aid,
                    href=href("vms", vm.id, "applications", aid),
                    name=a,
                    vm=ref(T.Vm, "vms", vm.id),
                )
            )
        return out

    def _gen_vm_consoles(self, vm: Any, rng: random.Random) -> list[Any]:
        """VNC and SPICE, as a VM with the default "SPICE + VNC" graphics has them."""
        return [
            mk(
                T.GraphicsConsole,
                id=proto.value.encode().hex(),  # the engine's id: the protocol name in hex
                href=href("vms", vm.id, "graphicsconsoles", proto.value.encode().hex()),
                protocol=proto,
                vm=ref(T.Vm, "vms", vm.id),
            )
            for proto in (T.GraphicsType.VNC, T.GraphicsType.SPICE)
        ]

    def _gen_vm_cdroms(self, vm: Any, rng: random.Random) -> list[Any]:
        cid = "00000000-0000-0000-0000-000000000000"
        return [
            mk(T.Cdrom, id=cid, href=href("vms", vm.id, "cdroms", cid), vm=ref(T.Vm, "vms", vm.id))
        ]

    def _gen_permissions(self, obj: Any, rng: random.Random) -> list[Any]:
        pid = self.new_id(rng)
        user_id = next(iter(self.coll["users"]))
        return [
            mk(
                T.Permission,
                id=pid,
                href=href("permissions", pid),
                role=mk(
                    T.Role,
                    id="00000000-0000-0000-0000-000000000001",
                    href=href("roles", "00000000-0000-0000-0000-000000000001"),
                ),
                user=ref(T.User, "users", user_id),
            )
        ]

    def _gen_host_nics(self, host: Any, rng: random.Random) -> list[Any]:
        out = []
        dc_id = self.cluster_dc(host.cluster.id).id
        mgmt = next(
            (
                n
                for n in self.coll["networks"].values()
                if n.name == "ovirtmgmt" and n.data_center.id == dc_id
            ),
            None,
        )
        for k in range(4):
            nid = self.new_id(rng)
            nic = mk(
                T.HostNic,
                id=nid,
                href=href("hosts", host.id, "nics", nid),
                name=f"eno{k + 1}",
                boot_protocol=T.BootProtocol.STATIC if k == 0 else T.BootProtocol.NONE,
                bridged=k == 0,
                custom_configuration=False,
                host=ref(T.Host, "hosts", host.id),
                ip=mk(
                    T.Ip,
                    address=self.next_ip(),
                    netmask="255.255.0.0",
                    gateway="10.0.0.1",
                    version=T.IpVersion.V4,
                )
                if k == 0
                else mk(T.Ip, address="", version=T.IpVersion.V4),
                ipv6=mk(T.Ip, version=T.IpVersion.V6),
                ipv6_boot_protocol=T.BootProtocol.NONE,
                mac=mk(T.Mac, address=self.next_mac()),
                mtu=1500,
                speed=10_000_000_000 if k < 2 else 1_000_000_000,
                status=T.NicStatus.UP if k < 3 else T.NicStatus.DOWN,
                network=ref(T.Network, "networks", mgmt.id) if (k == 0 and mgmt) else None,
                properties=[],
            )
            out.append(nic)
        return out

    def _gen_host_netattach(self, host: Any, rng: random.Random) -> list[Any]:
        nics = self.sub("hosts", host, "nics") or []
        out = []
        for nic in nics:
            if nic.network is None:
                continue
            aid = self.new_id(rng)
            out.append(
                mk(
                    T.NetworkAttachment,
                    id=aid,
                    href=href("hosts", host.id, "networkattachments", aid),
                    host=ref(T.Host, "hosts", host.id),
                    host_nic=mk(T.HostNic, id=nic.id, href=nic.href),
                    network=nic.network,
                    in_sync=True,
                    ip_address_assignments=[
                        mk(
                            T.IpAddressAssignment,
                            assignment_method=T.BootProtocol.STATIC,
                            ip=nic.ip,
                        )
                    ],
                )
            )
        return out

    def _gen_host_devices(self, host: Any, rng: random.Random) -> list[Any]:
        out = []
        for k, (cap, name, product) in enumerate(
            [
                ("computer", "computer", None),
                ("pci", "pci_0000_00_00_0", "Sky Lake-E DMI3 Registers"),
                ("pci", "pci_0000_3b_00_0", "Ethernet Controller X710"),
                ("scsi", "scsi_0_0_0_0", None),
                ("usb_device", "usb_usb1", "xHCI Host Controller"),
            ]
        ):
            did = str(uuid.uuid5(uuid.NAMESPACE_OID, host.id + name))
            out.append(
                mk(
                    T.HostDevice,
                    id=did,
                    href=href("hosts", host.id, "devices", did),
                    name=name,
                    capability=cap,
                    product=mk(T.Product, name=product) if product else None,
                    vendor=mk(T.Vendor, name="Intel Corporation") if product else None,
                    host=ref(T.Host, "hosts", host.id),
                    iommu_group=k if cap == "pci" else None,
                    placeholder=False,
                )
            )
        return out

    def _gen_host_hooks(self, host: Any, rng: random.Random) -> list[Any]:
        out = []
        for ev, nm in (
            ("before_vm_start", "50_vhostmd"),
            ("after_vm_destroy", "50_vhostmd"),
            ("before_device_create", "50_vmfex"),
        ):
            hid = str(uuid.uuid5(uuid.NAMESPACE_OID, host.id + ev + nm))
            out.append(
                mk(
                    T.Hook,
                    id=hid,
                    href=href("hosts", host.id, "hooks", hid),
                    event_name=ev,
                    name=nm,
                    md5="9f2fd2e0d7e04a3c1f0c0e8e8f1cbb11",
                    host=ref(T.Host, "hosts", host.id),
                )
            )
        return out

    # ----------------------------------------------------------------- history
    def _generate_history(self, rng: random.Random) -> None:
        from ovtui.sim import events as ev

        vms = list(self.coll["vms"].values())[:300]
        hosts = list(self.coll["hosts"].values())
        base = time.time() - 3 * 86400
        for k in range(300):
            when = dt.datetime.fromtimestamp(base + k * 800, dt.UTC).astimezone()
            if vms and rng.random() < 0.7:
                vm = vms[rng.randrange(len(vms))]
                code = rng.choice([32, 33, 61, 153, 157, 62, 63])
                ev.emit(
                    self,
                    code,
                    vm=vm,
                    host=self.get("hosts", vm.host.id)
                    if vm.host
                    else (hosts[0] if hosts else None),
                    when=when,
                )
            elif hosts:
                host = hosts[rng.randrange(len(hosts))]
                ev.emit(self, rng.choice([13, 16, 600, 15, 884, 885]), host=host, when=when)
        for k, vm in enumerate(vms[:5]):
            job = ev.start_job(self, f"Launching VM {vm.name}", f"hist-{k}")
            ev.end_job(job, ok=k != 3)
        ev.emit(self, 30, user="admin@internal")


def iter_by_ids(objs: Iterable[Any]) -> dict[str, Any]:
    return {o.id: o for o in objs}
