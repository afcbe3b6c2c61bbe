"""Builders of engine records (``ovirtsdk4.types`` objects) with the fields an engine sets.

The seeded generator (``ovtui.sim.seed``) and the state machines (adding a VM, a host, a disk,
a snapshot) build records here, so a VM created through the API looks like a generated one.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ovirtsdk4 import Struct
from ovirtsdk4 import types as T

from ovtui.sim import xmlcache

if TYPE_CHECKING:
    from ovtui.sim.store import RecordStore

API = "/ovirt-engine/api"
GiB = 1024**3
MiB = 1024**2

GUEST_OS = [
    ("rhel_8x64", "Red Hat Enterprise Linux", "8.6", "linux"),
    ("rhel_9x64", "Red Hat Enterprise Linux", "9.2", "linux"),
    ("other_linux", "Debian GNU/Linux", "12", "linux"),
    ("windows_2019x64", "Windows Server 2019", "10.0.17763", "windows"),
]


def href(*parts: str) -> str:
    return "/".join([API, *parts])


_BLANKS: dict[type, Any] = {}  # SDK type -> its lean subclass
S = TypeVar("S", bound=Struct)
V = TypeVar("V", T.Vm, T.Template)


def mk(cls: type[S], href: str | None = None, **kw: Any) -> S:
    """Build an SDK object, as ``cls(**kw)`` with ``href`` set (the constructors do not take
    it). Fast and small: an instance of ``cls``'s lean subclass (``xmlcache.lean_class``:
    same name, its unset attributes None at class level, so the object holds only what is
    set), then ``kw`` set through the same properties the constructor uses (a 10,000-VM
    world builds ~300,000 of these; four in five of their attributes are None)."""
    lean: Any = _BLANKS.get(cls)
    if lean is None:
        lean = _BLANKS[cls] = xmlcache.lean_class(cls)
    obj: S = lean.__new__(lean)
    for name, value in kw.items():
        setattr(obj, name, value)
    if href is not None:
        obj.href = href
    return obj


def set_private(obj: Struct, **fields: Any) -> None:
    """Attach the simulator's own ``_sim_...`` fields to an SDK record: what the engine
    knows but does not serve (a storage domain's status within its data center, a job's
    correlation id...). The SDK types do not declare them, hence this one untyped door."""
    for name, value in fields.items():
        setattr(obj, name, value)


# (key, nested plan or None, is a list): the structures inside a prototype record to copy
Plan = list[tuple[str, Any, bool]]


def _plan(obj: Struct) -> Plan:
    out: Plan = []
    for key, value in vars(obj).items():
        if isinstance(value, Struct):
            out.append((key, _plan(value), False))
        elif isinstance(value, list):
            subs = [_plan(x) if isinstance(x, Struct) else None for x in value]
            out.append((key, subs, True))
    return out


def _clone(obj: S, plan: Plan) -> S:
    """A deep copy of SDK structure ``obj`` laid out as ``plan`` (enums, strings, numbers and
    dates are immutable and shared)."""
    new = obj.__class__.__new__(obj.__class__)
    attrs = obj.__dict__.copy()
    for key, sub, is_list in plan:
        value = attrs[key]
        if is_list:
            attrs[key] = [x if p is None else _clone(x, p) for x, p in zip(value, sub, strict=True)]
        else:
            attrs[key] = _clone(value, sub)
    new.__dict__.update(attrs)
    return new


_VM_LIKE: dict[type, tuple[Struct, Plan]] = {}


def ref(cls: type[S], coll: str, obj_id: str, **extra: Any) -> S:
    """A reference object (``<vm href id/>``) of the given SDK type."""
    return mk(cls, id=obj_id, href=href(coll, obj_id), **extra)


DEFAULT_CPU_TYPE = "Secure Intel Cascadelake Server Family"
NONE_POLICY_ID = "b4ed2332-a7ac-4d5f-9596-99a439cb2812"  # the "none" scheduling policy
DEFAULT_MAC_POOL_ID = "58ca604b-017d-0374-0220-00000000014e"


def make_cluster(
    cid: str,
    name: str,
    dc_id: str,
    *,
    description: str,
    comment: str = "",
    cpu_type: str | None = None,
    version: tuple[int, int] = (4, 7),
    migration_policy_id: str | None = None,
    properties: list[Any] | None = None,
) -> T.Cluster:
    """A cluster of data center ``dc_id`` with the engine's defaults for a new cluster (the
    seeded ones and ``POST /clusters``)."""
    migration = mk(
        T.MigrationOptions,
        auto_converge=T.InheritableBoolean.INHERIT,
        compressed=T.InheritableBoolean.INHERIT,
    )
    if migration_policy_id is not None:
        migration.policy = mk(T.MigrationPolicy, id=migration_policy_id)
    return mk(
        T.Cluster,
        id=cid,
        href=href("clusters", cid),
        name=name,
        description=description,
        comment=comment,
        data_center=ref(T.DataCenter, "datacenters", dc_id),
        cpu=mk(T.Cpu, architecture=T.Architecture.X86_64, type=cpu_type or DEFAULT_CPU_TYPE),
        version=mk(T.Version, major=version[0], minor=version[1]),
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
        migration=migration,
        required_rng_sources=[T.RngSource.URANDOM],
        scheduling_policy=ref(T.SchedulingPolicy, "schedulingpolicies", NONE_POLICY_ID),
        mac_pool=ref(T.MacPool, "macpools", DEFAULT_MAC_POOL_ID),
        custom_scheduling_policy_properties=properties,
    )


def add_storage_domain(
    world: RecordStore, sid: str, name: str, dc_id: str, **fields: Any
) -> T.StorageDomain:
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
    set_private(sd, _sim_dc_status=T.StorageDomainStatus.ACTIVE)  # within its data center
    world.coll["storagedomains"][sid] = sd
    return sd


def make_host(
    world: RecordStore,
    hid: str,
    name: str,
    address: str,
    cl: T.Cluster,
    mem: int,
    serial: int,
    rng: random.Random,
) -> T.Host:
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
            uuid=world.new_id(),
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


def _vm_like_prototype(cls: type[V]) -> V:
    return mk(
        cls,
        comment="",
        type=T.VmType.SERVER,
        cpu=mk(
            T.Cpu,
            architecture=T.Architecture.X86_64,
            topology=mk(T.CpuTopology, sockets=1, cores=1, threads=1),
        ),
        cpu_shares=0,
        os=mk(T.OperatingSystem, type="other", boot=mk(T.Boot, devices=[T.BootDevice.HD])),
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
    )


def vm_like(cls: type[V], os_type: str, sockets: int, **fields: Any) -> V:
    """A VM or template record (``cls``): the settings both carry as the engine sets them
    (a ``sockets`` x 1 x 1 CPU, guest OS ``os_type``), plus ``fields``. A copy of one
    prototype per type: the same record as building each part, at a tenth of the cost."""
    proto = _VM_LIKE.get(cls)
    if proto is None:
        made = _vm_like_prototype(cls)
        proto = _VM_LIKE[cls] = (made, _plan(made))
    obj = cast(V, _clone(*proto))
    obj.os.type = os_type
    obj.cpu.topology.sockets = sockets
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


def make_template(
    world: RecordStore,
    tid: str,
    name: str,
    cl: T.Cluster | None,
    desc: str,
    created: dt.datetime,
    rng: random.Random,
    os_type: str = "other",
) -> T.Template:
    tpl = vm_like(
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
    world.coll["templates"][tid] = tpl
    return tpl


def make_vm(
    world: RecordStore,
    name: str,
    cl: T.Cluster,
    tpl: T.Template,
    status: T.VmStatus,
    host: T.Host | None,
    mem: int,
    created: dt.datetime,
    rng: random.Random,
    vm_id: str | None = None,
) -> T.Vm:
    vid = vm_id or world.new_id(rng)
    os_type, os_dist, os_ver, family = GUEST_OS[rng.randrange(len(GUEST_OS))]
    running = status not in (T.VmStatus.DOWN, T.VmStatus.IMAGE_LOCKED)
    vm = vm_like(
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
        vm.start_time = world.now() - dt.timedelta(seconds=rng.randint(600, 30 * 86400))
        set_guest_info(vm, family, os_dist, os_ver)
        set_private(vm, _sim_guest=(family, os_dist, os_ver))
    else:
        vm.stop_time = created + dt.timedelta(days=rng.randint(1, 300))
    set_private(vm, _sim_guest=(family, os_dist, os_ver))
    world.coll["vms"][vid] = vm
    return vm


def set_guest_info(
    vm: T.Vm, family: str | None = None, dist: str | None = None, ver: str | None = None
) -> None:
    if family is None or ver is None:
        family, dist, ver = getattr(vm, "_sim_guest", ("linux", "Red Hat Enterprise Linux", "9.2"))
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


def clear_guest_info(vm: T.Vm) -> None:
    vm.fqdn = None
    vm.guest_time_zone = None
    vm.guest_operating_system = None


def reported_devices(
    world: RecordStore, vm: T.Vm, nic: T.Nic | None = None
) -> list[T.ReportedDevice]:
    """Guest-reported NICs with IPs (only while the guest runs)."""
    if vm.status not in (
        T.VmStatus.UP,
        T.VmStatus.MIGRATING,
        T.VmStatus.REBOOT_IN_PROGRESS,
        T.VmStatus.POWERING_DOWN,
    ):
        return []
    out = []
    for n in world.sub("vms", vm, "nics") or []:
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


def new_disk(
    world: RecordStore,
    rng: random.Random,
    alias: str,
    size: int,
    sd: T.StorageDomain | None,
    owner: str,
    bootable: bool,
) -> T.Disk:
    did = world.new_id(rng)
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
        image_id=world.new_id(rng),
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
    set_private(disk, _sim_bootable=bootable)
    world.coll["disks"][did] = disk
    return disk


def copied_nics(world: RecordStore, nics: list[T.Nic], vm_id: str, keep_state: bool) -> list[T.Nic]:
    """Copies of ``nics`` (a template's or a VM's) for VM ``vm_id``: new ids, MACs and guest
    addresses; linked/plugged as the source's (a clone) or both on (a VM from a template)."""
    out = []
    for src in nics:
        nid = world.new_id()
        nic = mk(
            T.Nic,
            id=nid,
            href=href("vms", vm_id, "nics", nid),
            name=src.name,
            interface=src.interface,
            linked=src.linked if keep_state else True,
            plugged=src.plugged if keep_state else True,
            mac=mk(T.Mac, address=world.mac_for_vm(vm_id)),
            vm=ref(T.Vm, "vms", vm_id),
            vnic_profile=src.vnic_profile,
        )
        set_private(nic, _sim_ip=world.next_ip())
        out.append(nic)
    return out


def disk_attachments(
    world: RecordStore, rng: random.Random, owner_coll: str, owner: T.Vm | T.Template, n: int
) -> list[T.DiskAttachment]:
    dc_id = (
        world.cluster_dc(owner.cluster.id).id
        if owner.cluster
        else next(iter(world.coll["datacenters"]))
    )
    sds = [sd for sd in world.data_domains(dc_id) if getattr(sd, "_sim_seed_disks", True)]
    out = []
    for k in range(n):
        sd = sds[rng.randrange(len(sds))] if sds else None
        size = (rng.choice([10, 20, 40, 100]) if k == 0 else rng.choice([50, 100, 500])) * GiB
        disk = new_disk(world, rng, f"{owner.name}_Disk{k + 1}", size, sd, owner.name, k == 0)
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
        set_private(disk, _sim_owner=(owner_coll, owner.id))
        out.append(att)
    return out


def new_snapshot(
    world: RecordStore,
    vm: T.Vm,
    rng: random.Random,
    description: str,
    stype: T.SnapshotType,
    when: dt.datetime,
) -> T.Snapshot:
    sid = world.new_id(rng)
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
