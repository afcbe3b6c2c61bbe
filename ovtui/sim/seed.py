"""The seeded world generator: data centers, clusters, hosts, VMs, storage, history.

The same seed gives the same world (names, statuses, ids): the tests and the TUI snapshots
depend on it. Sub-collections are generated on first use (``SUB_GENERATORS``, registered in
the store by ``install_sub_generators``), each from its own RNG.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import uuid
from collections.abc import Callable
from functools import partial
from itertools import islice
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim.catalog_machine import seed_catalog
from ovtui.sim.pool_machine import seed_pools
from ovtui.sim.records import (
    DEFAULT_MAC_POOL_ID,
    GUEST_OS,
    GiB,
    add_storage_domain,
    disk_attachments,
    href,
    make_cluster,
    make_host,
    make_template,
    make_vm,
    mk,
    new_snapshot,
    ref,
    set_private,
)
from ovtui.sim.store import RecordStore

VM_PREFIXES = ["web", "db", "app", "mail", "build", "cache", "proxy", "mon"]
APPS = [
    "kernel-5.14.0",
    "ovirt-guest-agent-1.0.16",
    "qemu-guest-agent-7.2",
    "openssh-8.7p1",
    "nginx-1.22",
]


FREEZE_VMS = 1000


def populate(world: RecordStore, n_vms: int, n_hosts: int, empty: bool = False) -> None:
    rng = world.rng
    n_dcs = max(2, n_hosts // 50)
    n_clusters = max(3, n_hosts // 20, n_dcs)
    created = world.now() - dt.timedelta(days=400)
    os_types = [
        mk(
            T.OperatingSystemInfo,
            id=world.new_id(),
            name=o[0],
            description=o[1],
            href=None,
        )
        for o in GUEST_OS
    ]
    for os_info in os_types:
        os_info.href = href("operatingsystems", os_info.id)
        world.coll["operatingsystems"][os_info.id] = os_info

    admin_id = "fdfc627c-d875-11e0-90f0-83df133b58cc"
    world.coll["users"][admin_id] = mk(
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
    gid = world.new_id()
    world.coll["groups"][gid] = mk(
        T.Group, id=gid, href=href("groups", gid), name="Everyone", namespace="*"
    )
    for tname in ("production", "testing", "web"):
        tid = world.new_id()
        world.coll["tags"][tid] = mk(
            T.Tag, id=tid, href=href("tags", tid), name=tname, description=f"{tname} machines"
        )

    if empty:  # an engine just installed: its users, OS types and the Blank template only
        blank = "00000000-0000-0000-0000-000000000000"
        make_template(world, blank, "Blank", None, "Blank template", created, rng)
        return

    # data centers and their networks / storage
    dcs = []
    for i in range(n_dcs):
        dc_id = world.new_id()
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
            mac_pool=ref(T.MacPool, "macpools", DEFAULT_MAC_POOL_ID),
        )
        world.coll["datacenters"][dc_id] = dc
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
            nid = world.new_id()
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
            world.coll["networks"][nid] = net
            if T.NetworkUsage.VM in usages:
                pid = world.new_id()
                world.coll["vnicprofiles"][pid] = mk(
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
            sid = world.new_id()
            used = int(size_gib * rng.uniform(0.2, 0.7))
            add_storage_domain(
                world,
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
        cid = world.new_id()
        dc = dcs[i % n_dcs]
        name = "Default" if i == 0 else f"cluster{i + 1:02d}"
        cl = make_cluster(
            cid,
            name,
            dc.id,
            description=f"{name} cluster",
            properties=[mk(T.Property, name="HighUtilization", value="80")],
        )
        world.coll["clusters"][cid] = cl
        clusters.append(cl)

    # templates: Blank plus a few real ones
    blank_id = "00000000-0000-0000-0000-000000000000"
    templates = [make_template(world, blank_id, "Blank", None, "Blank template", created, rng)]
    for i, (os_name, _desc, _ver, _fam) in enumerate(GUEST_OS[:3]):
        tpl = make_template(
            world,
            world.new_id(),
            f"{os_name.split('_')[0]}-{['base', 'app', 'min'][i]}",
            clusters[i % len(clusters)],
            f"{os_name} golden image",
            created,
            rng,
            os_type=os_name,
        )
        templates.append(tpl)

    # hosts
    width = max(2, len(str(n_hosts)))
    for i in range(n_hosts):
        hid = world.new_id()
        cl = clusters[i % n_clusters]
        mem = (128 if n_hosts < 20 else rng.choice([256, 384, 512])) * GiB
        name = f"host{i + 1:0{width}d}"
        host = make_host(world, hid, name, f"{name}.example.com", cl, mem, i, rng)
        host.update_available = i % 3 == 0
        set_private(
            host,
            _sim_boot=world.clock.time() - rng.randint(3600, 90 * 86400),
            _sim_has_updates=i % 3 != 2,  # what upgradecheck will find
        )
        world.coll["hosts"][hid] = host
    # one SPM per data center: its first up host
    for dc in dcs:
        for host in world.coll["hosts"].values():
            if world.cluster_dc(host.cluster.id).id == dc.id and host.status == T.HostStatus.UP:
                host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
                break

    # VMs
    hosts_by_cluster: dict[str, list[T.Host]] = {}
    for host in world.coll["hosts"].values():
        hosts_by_cluster.setdefault(host.cluster.id, []).append(host)
    free = {h.id: h.memory - 2 * GiB for h in world.coll["hosts"].values()}
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
        vm_host = None
        if status in (T.VmStatus.UP, T.VmStatus.PAUSED):
            cands = [
                h
                for h in hosts_by_cluster.get(cl.id, [])
                if h.status == T.HostStatus.UP and free[h.id] >= mem
            ]
            if cands:
                vm_host = max(cands, key=lambda h: free[h.id])
                free[vm_host.id] -= mem
            else:
                status = T.VmStatus.DOWN
        tpl = (
            templates[1 + i % (len(templates) - 1)]
            if len(templates) > 1 and i % 5
            else templates[0]
        )
        make_vm(world, name, cl, tpl, status, vm_host, mem, created + dt.timedelta(hours=i), rng)

    # a few affinity groups per cluster
    for cl in clusters:
        agid = world.new_id()
        vms_in = [v for v in islice(world.coll["vms"].values(), 200) if v.cluster.id == cl.id][:2]
        world.coll["affinitygroups"][agid] = mk(
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
        make_iscsi_domain(world, dc)

    generate_history(world, rng)
    seed_catalog(world)  # the engine's own MAC pool, policies, quotas (no RNG drawn)
    seed_pools(world)  # a VM pool with no VMs yet (sim/pool_machine; no RNG drawn)
    if n_vms >= FREEZE_VMS:
        # a large world's records live as long as the process: out of the cyclic GC's
        # passes, which over 100,000 VMs' objects took seconds of the first requests
        gc.freeze()


def make_iscsi_domain(
    world: RecordStore, dc: T.DataCenter, n_luns: int = 2, lun_gib: int = 500
) -> T.StorageDomain:
    """An active iSCSI data domain of ``dc`` on ``n_luns`` LUNs of one target."""
    rng = world.sub_rng(dc.id, "iscsi")
    sid = world.new_id(rng)
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
        set_private(lu, _sim_device_size=lu.size)  # what the storage server reports
        luns.append(lu)
    total = n_luns * lun_gib
    used = int(total * rng.uniform(0.2, 0.5))
    sd = add_storage_domain(
        world,
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
    set_private(sd, _sim_seed_disks=False)  # the generated VMs' disks stay on the file domains
    return sd


def gen_vm_nics(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.Nic]:
    profiles = [
        p
        for p in world.coll["vnicprofiles"].values()
        if world.coll["networks"][p.network.id].data_center.id == world.cluster_dc(vm.cluster.id).id
    ]
    nics = []
    for n in range(1 + (rng.random() < 0.3)):
        nid = world.new_id(rng)
        mac = world.next_mac()
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
        set_private(nic, _sim_ip=world.next_ip())
        nics.append(nic)
    return nics


def gen_vm_disks(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.DiskAttachment]:
    return disk_attachments(world, rng, "vms", vm, 1 + (rng.random() < 0.4))


def gen_template_disks(
    world: RecordStore, tpl: T.Template, rng: random.Random
) -> list[T.DiskAttachment]:
    if tpl.id == "00000000-0000-0000-0000-000000000000":
        return []
    return disk_attachments(world, rng, "templates", tpl, 1)


def gen_template_nics(world: RecordStore, tpl: T.Template, rng: random.Random) -> list[T.Nic]:
    if tpl.id == "00000000-0000-0000-0000-000000000000":
        return []
    nid = world.new_id(rng)
    dc_id = world.cluster_dc(tpl.cluster.id).id if tpl.cluster else None
    prof = next(
        (
            p
            for p in world.coll["vnicprofiles"].values()
            if world.coll["networks"][p.network.id].data_center.id == dc_id
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


def gen_vm_snapshots(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.Snapshot]:
    snaps = [new_snapshot(world, vm, rng, "Active VM", T.SnapshotType.ACTIVE, world.now())]
    for k in range(rng.choice([0, 0, 1, 2])):
        snaps.append(
            new_snapshot(
                world,
                vm,
                rng,
                f"before upgrade {k + 1}",
                T.SnapshotType.REGULAR,
                world.now() - dt.timedelta(days=10 * (k + 1)),
            )
        )
    return snaps


def gen_vm_apps(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.Application]:
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


def gen_vm_consoles(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.GraphicsConsole]:
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


def gen_vm_cdroms(world: RecordStore, vm: T.Vm, rng: random.Random) -> list[T.Cdrom]:
    cid = "00000000-0000-0000-0000-000000000000"
    return [mk(T.Cdrom, id=cid, href=href("vms", vm.id, "cdroms", cid), vm=ref(T.Vm, "vms", vm.id))]


def gen_permissions(world: RecordStore, obj: Any, rng: random.Random) -> list[T.Permission]:
    pid = world.new_id(rng)
    user_id = next(iter(world.coll["users"]))
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


def gen_host_nics(world: RecordStore, host: T.Host, rng: random.Random) -> list[T.HostNic]:
    out = []
    dc_id = world.cluster_dc(host.cluster.id).id
    mgmt = next(
        (
            n
            for n in world.coll["networks"].values()
            if n.name == "ovirtmgmt" and n.data_center.id == dc_id
        ),
        None,
    )
    for k in range(4):
        nid = world.new_id(rng)
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
                address=world.next_ip(),
                netmask="255.255.0.0",
                gateway="10.0.0.1",
                version=T.IpVersion.V4,
            )
            if k == 0
            else mk(T.Ip, address="", version=T.IpVersion.V4),
            ipv6=mk(T.Ip, version=T.IpVersion.V6),
            ipv6_boot_protocol=T.BootProtocol.NONE,
            mac=mk(T.Mac, address=world.next_mac()),
            mtu=1500,
            speed=10_000_000_000 if k < 2 else 1_000_000_000,
            status=T.NicStatus.UP if k < 3 else T.NicStatus.DOWN,
            network=ref(T.Network, "networks", mgmt.id) if (k == 0 and mgmt) else None,
            properties=[],
        )
        out.append(nic)
    return out


def gen_host_netattach(
    world: RecordStore, host: T.Host, rng: random.Random
) -> list[T.NetworkAttachment]:
    nics = world.sub("hosts", host, "nics") or []
    out = []
    for nic in nics:
        if nic.network is None:
            continue
        aid = world.new_id(rng)
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


def gen_host_devices(world: RecordStore, host: T.Host, rng: random.Random) -> list[T.HostDevice]:
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


def gen_host_hooks(world: RecordStore, host: T.Host, rng: random.Random) -> list[T.Hook]:
    out = []
    for event, nm in (
        ("before_vm_start", "50_vhostmd"),
        ("after_vm_destroy", "50_vhostmd"),
        ("before_device_create", "50_vmfex"),
    ):
        hid = str(uuid.uuid5(uuid.NAMESPACE_OID, host.id + event + nm))
        out.append(
            mk(
                T.Hook,
                id=hid,
                href=href("hosts", host.id, "hooks", hid),
                event_name=event,
                name=nm,
                md5="9f2fd2e0d7e04a3c1f0c0e8e8f1cbb11",
                host=ref(T.Host, "hosts", host.id),
            )
        )
    return out


def generate_history(world: RecordStore, rng: random.Random) -> None:
    vms = list(islice(world.coll["vms"].values(), 300))
    hosts = list(world.coll["hosts"].values())
    base = world.clock.time() - 3 * 86400
    for k in range(300):
        when = dt.datetime.fromtimestamp(base + k * 800, dt.UTC).astimezone()
        if vms and rng.random() < 0.7:
            vm = vms[rng.randrange(len(vms))]
            code = rng.choice([32, 33, 61, 153, 157, 62, 63])
            ev.emit(
                world,
                code,
                vm=vm,
                host=world.get("hosts", vm.host.id) if vm.host else (hosts[0] if hosts else None),
                when=when,
            )
        elif hosts:
            host = hosts[rng.randrange(len(hosts))]
            ev.emit(world, rng.choice([13, 16, 600, 15, 884, 885]), host=host, when=when)
    for k, vm in enumerate(vms[:5]):
        job = ev.start_job(world, f"Launching VM {vm.name}", f"hist-{k}")
        ev.end_job(world, job, ok=k != 3)
    ev.emit(world, 30, user="admin@internal")


Generator = Callable[[RecordStore, Any, random.Random], list[Any]]
SUB_GENERATORS: dict[tuple[str, str], Generator] = {
    ("vms", "nics"): gen_vm_nics,
    ("vms", "diskattachments"): gen_vm_disks,
    ("vms", "snapshots"): gen_vm_snapshots,
    ("vms", "applications"): gen_vm_apps,
    ("vms", "graphicsconsoles"): gen_vm_consoles,
    ("vms", "cdroms"): gen_vm_cdroms,
    ("vms", "permissions"): gen_permissions,
    ("hosts", "nics"): gen_host_nics,
    ("hosts", "devices"): gen_host_devices,
    ("hosts", "hooks"): gen_host_hooks,
    ("hosts", "networkattachments"): gen_host_netattach,
    ("hosts", "permissions"): gen_permissions,
    ("templates", "nics"): gen_template_nics,
    ("templates", "diskattachments"): gen_template_disks,
    ("clusters", "permissions"): gen_permissions,
    ("datacenters", "permissions"): gen_permissions,
    ("storagedomains", "permissions"): gen_permissions,
    ("networks", "permissions"): gen_permissions,
    ("users", "sshpublickeys"): lambda world, user, rng: [],
}


def install_sub_generators(world: RecordStore) -> None:
    """Register the sub-collection generators in ``world`` (as ``(parent, rng) -> items``)."""
    for key, gen in SUB_GENERATORS.items():
        world.sub_generators[key] = partial(gen, world)
