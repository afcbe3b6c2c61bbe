"""Adds, updates and removes: POST to a collection, PUT and DELETE of an entity, validated
as the engine's commands validate them."""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, render, routes, xmlcache
from ovtui.sim import vm_life as vl
from ovtui.sim.host_machine import HostMachine
from ovtui.sim.httptypes import HttpError, Response, bad_request, conflict
from ovtui.sim.machine_base import (
    HS,
    RUNNING,
    T_ADD_VM,
    T_INSTALL,
    T_SUSPEND,
    VS,
    _find_named,
    _type_word,
    parse_body,
)
from ovtui.sim.records import GiB, href, mk, ref, set_private
from ovtui.sim.vm_life import cold_fields, keep_init_secret

# RemoveVdsCommand.statusLegalForRemove
REMOVABLE_HOST = {
    HS.NON_RESPONSIVE,
    HS.MAINTENANCE,
    HS.DOWN,
    HS.UNASSIGNED,
    HS.INSTALL_FAILED,
    HS.PENDING_APPROVAL,
    HS.NON_OPERATIONAL,
    HS.INSTALLING_OS,
}

# what a PUT never changes (the engine's mappers ignore them: identity, state, runtime data)
READ_ONLY = frozenset(
    {
        "id",
        "href",
        "status",
        "status_detail",
        "actions",
        "statistics",
        "summary",
        "start_time",
        "stop_time",
        "creation_time",
        "run_once",
        "next_run_configuration_exists",
        "guest_operating_system",
        "guest_time_zone",
        "fqdn",
        "external_status",
        "spm",
        "update_available",
        "version",
        "master",
        "available",
        "used",
        "committed",
        "actual_size",
        "total_size",
        "image_id",
        "snapshot_status",
        "snapshot_type",
    }
)
DISK_FIXED = frozenset({"provisioned_size", "storage_domains", "storage_type", "lun_storage"})

# SDK reference types -> the top-level collection their id / name is looked up in
REF_COLLECTIONS: dict[type, str] = {
    T.Cluster: "clusters",
    T.Host: "hosts",
    T.DataCenter: "datacenters",
    T.StorageDomain: "storagedomains",
    T.Template: "templates",
    T.Vm: "vms",
    T.Network: "networks",
    T.VnicProfile: "vnicprofiles",
    T.Tag: "tags",
    T.User: "users",
    T.Group: "groups",
    T.Quota: "quotas",  # a VM's quota (sim/catalog_machine)
}


def _cpus(topo: Any) -> int:
    return (topo.sockets or 1) * (topo.cores or 1) * (topo.threads or 1)


def _set_attrs(obj: Any) -> list[tuple[str, Any]]:
    """The attributes a parsed SDK object has set (its private ``_name`` slots)."""
    return [
        (k[1:], v)
        for k, v in vars(obj).items()
        if k.startswith("_") and not k.startswith("_sim") and v is not None
    ]


class Crud(HostMachine):
    """Add / update / remove handlers (a new host is installed by the host machine)."""

    # ------------------------------------------------------ add / update / rm
    def _add_vm(self, req: Any, node: Any) -> Any:
        w = self.world
        cid = req.correlation_id
        vm_in = parse_body(req.body, T.Vm)
        if not vm_in.name:
            raise bad_request("Cannot add VM. Required parameter 'name' is missing.")
        if any(v.name == vm_in.name for v in w.coll["vms"].values()):
            raise conflict(
                "Cannot add VM. The VM name is already in use, please choose a unique name and try again."
            )
        cl = _find_named(w, "clusters", vm_in.cluster)
        if cl is None:
            raise bad_request("Cannot add VM. Cluster was not specified or does not exist.")
        tpl = (
            _find_named(w, "templates", vm_in.template)
            or w.coll["templates"]["00000000-0000-0000-0000-000000000000"]
        )
        mem = vm_in.memory or tpl.memory or 2 * GiB
        vm = records.make_vm(
            w, vm_in.name, cl, tpl, VS.IMAGE_LOCKED, None, mem, self.world.now(), w.rng
        )
        w.log_status(vm.id, VS.IMAGE_LOCKED)
        vm.description = vm_in.description if vm_in.description is not None else ""
        vm.comment = vm_in.comment or ""
        if vm_in.os is not None and vm_in.os.type:
            vm.os.type = vm_in.os.type
        if vm_in.cpu is not None and vm_in.cpu.topology is not None:
            vm.cpu.topology = vm_in.cpu.topology
        vl.set_creation_fields(vm, vm_in)
        if vm_in.initialization is not None:
            vm.initialization = vm_in.initialization
            keep_init_secret(vm)
        vm.stop_time = None
        self._copy_template_devices(vm, tpl)
        job = ev.start_job(
            w,
            f"Creating VM {vm.name} from Template {tpl.name} in Cluster {cl.name}",
            cid,
            ["Copying disks"],
        )
        ev.emit(w, 37, vm=vm, correlation_id=cid)
        op = self._begin(vm)

        def created() -> None:
            self.set_status(vm, VS.DOWN)
            vm.stop_time = self.world.now()
            ev.emit(w, 53, vm=vm, correlation_id=cid)
            ev.emit(w, 34, vm=vm, correlation_id=cid)
            ev.end_job(self.world, job)

        self._later(vm, op, T_ADD_VM, created)
        body = render.document(render.entity(vm, "vm"))
        return Response(201, body, headers={"Location": vm.href})

    def _add_snapshot(self, req: Any, node: Any) -> Any:
        w = self.world
        cid = req.correlation_id
        vm = node.parent
        snap_in = parse_body(req.body, T.Snapshot)
        snaps = w.sub_items("vms", vm, "snapshots")
        snap = records.new_snapshot(
            w, vm, w.rng, snap_in.description or "", T.SnapshotType.REGULAR, self.world.now()
        )
        snap.snapshot_status = T.SnapshotStatus.LOCKED
        snap.persist_memorystate = bool(snap_in.persist_memorystate)
        set_private(snap, _sim_memory=vm.memory)  # the configuration a preview brings back
        snaps.append(snap)
        job = ev.start_job(w, f"Creating VM Snapshot {snap.description} for VM {vm.name}", cid)
        ev.emit(w, 2000, vm=vm, correlation_id=cid, extra=snap.description)

        def ok() -> None:
            snap.snapshot_status = T.SnapshotStatus.OK
            ev.end_job(self.world, job)

        self.after(T_SUSPEND, ok)
        return Response(
            201,
            render.document(render.entity(snap, "snapshot")),
            headers={"Location": snap.href},
        )

    def _add_host(self, req: Any) -> Any:
        """POST /hosts: installing -> (VDS_INSTALL 504) -> up, or maintenance with activate=false.

        ``root_password`` is required unless SSH public-key authentication is asked for; it is
        never stored, so never rendered back.
        """
        w = self.world
        cid = req.correlation_id
        host_in = parse_body(req.body, T.Host)
        missing = [a for a in ("name", "address") if not getattr(host_in, a)]
        if missing:
            raise HttpError(
                400, f"Host [{', '.join(missing)}] required for add", "Incomplete parameters"
            )
        if any(h.name == host_in.name for h in w.coll["hosts"].values()):
            # AppErrors VDS_TRY_CREATE_WITH_EXISTING_PARAMS
            raise conflict("Cannot add Host. Host with the same name already exists.")
        if host_in.cluster is not None:
            cl = _find_named(w, "clusters", host_in.cluster)
            if cl is None:
                what = host_in.cluster.name or host_in.cluster.id
                key = "name" if host_in.cluster.name else "id"
                raise HttpError(404, f"Entity not found: Cluster: {key}={what}")
        else:  # the engine puts it into the Default cluster
            cl = next((c for c in w.coll["clusters"].values() if c.name == "Default"), None)
            if cl is None:
                raise HttpError(404, "Entity not found: Cluster: name=Default")
        ssh = host_in.ssh
        publickey = (
            ssh is not None and ssh.authentication_method == T.SshAuthenticationMethod.PUBLICKEY
        )
        if not host_in.root_password and not publickey:
            # AppErrors VDS_CANNOT_INSTALL_EMPTY_PASSWORD
            raise conflict("Cannot install Host with empty password.")
        activate = req.params.get("activate", "true").lower() != "false"
        hosts_added = getattr(w, "hosts_added", 0) + 1
        setattr(w, "hosts_added", hosts_added)  # noqa: B010 (not a declared RecordStore field)
        host = records.make_host(
            w,
            w.new_id(),
            host_in.name,
            host_in.address,
            cl,
            128 * GiB,
            1000 + hosts_added,
            w.rng,
        )
        host.description = host_in.description or ""
        host.comment = host_in.comment or ""
        if host_in.port:
            host.port = host_in.port
        self.set_status(host, HS.INSTALLING)
        host.update_available = False
        set_private(host, _sim_has_updates=False, _sim_boot=self.world.clock.time())
        w.coll["hosts"][host.id] = host
        job = ev.start_job(
            w,
            f"Adding new Host {host.name} to Cluster {cl.name}",
            cid,
            [f"Installing Host {host.name}"],
        )
        ev.emit(w, 42, host=host, correlation_id=cid)
        op = self._begin(host)

        def installed() -> None:
            ev.emit(w, 504, host=host, correlation_id=cid)
            ev.progress_job(self.world, job, 80)
            self._bring_back(host, cid, job, activate)

        self._later(host, op, T_INSTALL, installed)
        body = render.document(render.entity(host, "host"))
        return Response(201, body, headers={"Location": host.href})

    def _copy_template_devices(self, vm: Any, tpl: Any) -> None:
        """A new VM gets the template's NICs and copies of its disks (none for Blank)."""
        w = self.world
        template_nics = w.sub("templates", tpl, "nics") or []
        nics = records.copied_nics(w, template_nics, vm.id, keep_state=False)
        w.set_sub("vms", vm.id, "nics", nics)
        n_disks = len(w.sub("templates", tpl, "diskattachments") or [])
        w.set_sub(
            "vms", vm.id, "diskattachments", records.disk_attachments(w, w.rng, "vms", vm, n_disks)
        )
        w.set_sub(
            "vms",
            vm.id,
            "snapshots",
            [
                records.new_snapshot(
                    w, vm, w.rng, "Active VM", T.SnapshotType.ACTIVE, self.world.now()
                )
            ],
        )

    def _add_nic(self, req: Any, vm: Any) -> Any:
        w = self.world
        nic_in = parse_body(req.body, T.Nic)
        nics = w.sub_items("vms", vm, "nics")
        name = nic_in.name or f"nic{len(nics) + 1}"
        if any(n.name == name for n in nics):
            raise conflict("Cannot add Interface. The VM Network Interface name is already in use.")
        profile = None
        if nic_in.vnic_profile is not None:
            profile = _find_named(w, "vnicprofiles", nic_in.vnic_profile)
            if profile is None:
                raise bad_request("Entity not found: vnic_profile")
        nid = w.new_id()
        nic = mk(
            T.Nic,
            id=nid,
            href=href("vms", vm.id, "nics", nid),
            name=name,
            interface=nic_in.interface or T.NicInterface.VIRTIO,
            linked=True if nic_in.linked is None else nic_in.linked,
            plugged=True if nic_in.plugged is None else nic_in.plugged,
            mac=mk(
                T.Mac,
                address=nic_in.mac.address
                if nic_in.mac is not None and nic_in.mac.address
                else w.mac_for_vm(vm.id),
            ),
            vm=ref(T.Vm, "vms", vm.id),
            vnic_profile=ref(T.VnicProfile, "vnicprofiles", profile.id) if profile else None,
        )
        set_private(nic, _sim_ip=w.next_ip())
        nics.append(nic)
        return Response(
            201, render.document(render.entity(nic, "nic")), headers={"Location": nic.href}
        )

    def _add_disk(self, req: Any, vm: Any) -> Any:
        w = self.world
        att_in = parse_body(req.body, T.DiskAttachment)
        atts = w.sub_items("vms", vm, "diskattachments")
        d_in = att_in.disk
        if d_in is None:
            raise bad_request("Cannot add Virtual Disk. Required parameter 'disk' is missing.")
        if d_in.id and not d_in.provisioned_size:
            disk = w.all_disks().get(d_in.id)
            if disk is None:
                raise bad_request("Entity not found: disk")
        elif d_in.lun_storage is not None:
            disk = self._new_lun_disk(d_in, vm, len(atts))
        else:
            sd = None
            if d_in.storage_domains:
                sd = _find_named(w, "storagedomains", d_in.storage_domains[0])
                if sd is None:
                    raise bad_request("Entity not found: storage_domain")
            else:
                sds = w.data_domains(w.cluster_dc(vm.cluster.id).id)
                sd = sds[0] if sds else None
            alias = d_in.alias or d_in.name or f"{vm.name}_Disk{len(atts) + 1}"
            disk = records.new_disk(
                w, w.rng, alias, d_in.provisioned_size or GiB, sd, vm.name, bool(att_in.bootable)
            )
            disk.actual_size = 0
            if d_in.format is not None:
                disk.format = d_in.format
            if d_in.sparse is not None:
                disk.sparse = d_in.sparse
            if d_in.description is not None:
                disk.description = d_in.description
            self.set_status(disk, T.DiskStatus.LOCKED)

            def ok() -> None:
                self.set_status(disk, T.DiskStatus.OK)

            self.after(T_SUSPEND, ok)
        set_private(disk, _sim_owner=("vms", vm.id))
        att = mk(
            T.DiskAttachment,
            id=disk.id,
            href=href("vms", vm.id, "diskattachments", disk.id),
            active=True if att_in.active is None else att_in.active,
            bootable=bool(att_in.bootable),
            interface=att_in.interface or T.DiskInterface.VIRTIO_SCSI,
            pass_discard=False,
            read_only=bool(att_in.read_only),
            uses_scsi_reservation=False,
            disk=ref(T.Disk, "disks", disk.id),
            vm=ref(T.Vm, "vms", vm.id),
        )
        atts.append(att)
        return Response(
            201,
            render.document(render.entity(att, "disk_attachment")),
            headers={"Location": att.href},
        )

    def _new_lun_disk(self, d_in: Any, vm: Any, n: int) -> Any:
        """A direct LUN disk: no image, no storage domain, the LUN's size."""
        w = self.world
        lun = d_in.lun_storage
        luns = lun.logical_units or []
        if lun.type is None or not luns or not luns[0].id:
            raise bad_request("HostStorage [type, logicalUnits.id] required for add")
        did = w.new_id()
        alias = d_in.alias or d_in.name or f"{vm.name}_Disk{n + 1}"
        size = luns[0].size or 0
        disk = mk(
            T.Disk,
            id=did,
            href=href("disks", did),
            name=alias,
            alias=alias,
            description=d_in.description or "",
            provisioned_size=size,
            actual_size=size,
            total_size=size,
            shareable=bool(d_in.shareable),
            propagate_errors=False,
            wipe_after_delete=False,
            status=T.DiskStatus.OK,
            storage_type=T.DiskStorageType.LUN,
            content_type=T.DiskContentType.DATA,
            lun_storage=mk(
                T.HostStorage,
                type=lun.type,
                logical_units=[
                    mk(
                        T.LogicalUnit,
                        id=lu.id,
                        address=lu.address,
                        port=lu.port,
                        target=lu.target,
                        size=lu.size,
                    )
                    for lu in luns
                ],
            ),
            storage_domains=[],
        )
        w.coll["disks"][did] = disk
        return disk

    # ---------------------------------------------------------------- updates
    def _merge(self, dst: Any, src: Any, skip: frozenset[str] = frozenset()) -> None:
        """Apply every attribute the request set on ``dst`` as the engine's mappers do:
        nested structures merge, lists replace, references to other objects are resolved
        (by id or name; 404 when there is none) and stored as references with their id."""
        for name, val in _set_attrs(src):
            if name in skip or name in READ_ONLY:
                continue
            if not isinstance(getattr(type(dst), name, None), property):
                continue
            cur = getattr(dst, name)
            if isinstance(val, list):
                setattr(dst, name, [self._resolved(v) for v in val])
            elif type(val) in REF_COLLECTIONS:
                setattr(dst, name, self._resolved(val))
            elif hasattr(val, "__dict__") and not hasattr(val, "value"):  # a structure
                if cur is None:
                    cur = type(val)()
                    setattr(dst, name, cur)
                self._merge(cur, val)
            else:
                setattr(dst, name, val)

    def _resolved(self, val: Any) -> Any:
        """A reference (``<host><name>h1</name></host>``) as a reference with id and href."""
        coll = REF_COLLECTIONS.get(type(val))
        if coll is None or not (val.id or val.name):
            return val
        obj = _find_named(self.world, coll, val)
        if obj is None:
            key, what = ("id", val.id) if val.id else ("name", val.name)
            raise HttpError(404, f"Entity not found: {type(val).__name__}: {key}={what}")
        return ref(type(val), coll, obj.id)

    def _updated(self, node: Any) -> Any:
        return Response(200, render.document(routes.render_entity(self.world, node)))

    def _update_plain(self, req: Any, node: Any) -> Any:
        """PUT of an object with no state machine: every field the request sets is applied."""
        obj = getattr(node.obj, "_sim_source", node.obj)
        obj_in = parse_body(req.body, xmlcache.sdk_type(obj))
        if obj_in.name and obj_in.name != getattr(obj, "name", None):
            coll = routes.collection_of(node.tag)
            if coll and any(o.name == obj_in.name for o in self.world.coll[coll].values()):
                word = _type_word(node.tag)
                raise conflict(
                    f"Cannot edit {word}. The {word} name is already in use, please choose a "
                    "unique name and try again."
                )
        self._merge(obj, obj_in)
        return self._updated(node)

    def _update_vm(self, req: Any, node: Any) -> Any:
        vm = node.obj
        vm_in = parse_body(req.body, T.Vm)
        if vm_in.name and vm_in.name != vm.name:
            if vm.status != VS.DOWN:
                raise conflict("Cannot edit VM. Renaming a running VM is not supported.")
            if any(v.name == vm_in.name for v in self.world.coll["vms"].values()):
                raise conflict(
                    "Cannot edit VM. The VM name is already in use, please choose a unique name and try again."
                )
        if vm_in.cluster is not None and (vm_in.cluster.id or vm_in.cluster.name):
            cl = self._resolved(vm_in.cluster)
            if cl.id != vm.cluster.id and vm.status != VS.DOWN:
                raise conflict("Cannot edit VM. VM must be in status Down to change its Cluster.")
        if vm.status in RUNNING:
            cold = cold_fields(vm, vm_in)
            if cold and req.flag("next_run"):
                # the engine keeps them as the next run configuration, applied at the next
                # start (here: when the VM goes down); the rest applies now
                pending = getattr(vm, "_sim_next_run", None) or T.Vm()
                self._merge(pending, vm_in)
                set_private(vm, _sim_next_run=pending)
                vm.next_run_configuration_exists = True
                return self._updated(node)
            if cold:
                # AppErrors VM_CANNOT_UPDATE_ILLEGAL_FIELD
                raise conflict(
                    "There was an attempt to change VM values while the VM is not down. Please"
                    " shut down the VM in order to modify these properties."
                )
            self._hot_set(vm, vm_in, req.correlation_id)
        self._merge(vm, vm_in)
        if vm_in.memory is not None and vm.memory_policy is not None:
            vm.memory_policy.guaranteed = min(vm.memory_policy.guaranteed or vm.memory, vm.memory)
        if vm_in.initialization is not None:
            keep_init_secret(vm)
        ev.emit(self.world, 35, vm=vm, correlation_id=req.correlation_id)
        return self._updated(node)

    def _hot_set(self, vm: Any, vm_in: Any, cid: str | None) -> None:
        """Memory and CPU sockets of a running VM: hot plugged (HOT_SET_MEMORY 2039,
        HOT_SET_NUMBER_OF_CPUS 2033); memory only grows while the VM runs."""
        w = self.world
        if vm_in.memory is not None and vm_in.memory != vm.memory:
            if vm_in.memory < (vm.memory or 0):
                # AppErrors ACTION_TYPE_FAILED_MEMORY_HOT_UNPLUG_NOT_SUPPORTED... (the simulator
                # has no memory devices to unplug)
                raise conflict(
                    "Cannot edit VM. Memory hot unplug is not supported for current"
                    " compatibility version (4.7) and architecture (x86_64)."
                )
            vl.emit_text(
                w, 2039,
                f"Hotset memory: changed the amount of memory on VM {vm.name} from"
                f" {(vm.memory or 0) // 2**20} to {vm_in.memory // 2**20}",
                vm=vm, correlation_id=cid,
            )  # fmt: skip
        topo = vm_in.cpu.topology if vm_in.cpu is not None else None
        if topo is not None and topo.sockets and topo.sockets != vm.cpu.topology.sockets:
            before = _cpus(vm.cpu.topology)
            after = topo.sockets * (vm.cpu.topology.cores or 1) * (vm.cpu.topology.threads or 1)
            vl.emit_text(
                w, 2033,
                f"Hotplug CPU: changed the number of CPUs on VM {vm.name} from {before} to {after}",
                vm=vm, correlation_id=cid,
            )  # fmt: skip

    def _update_host(self, req: Any, node: Any) -> Any:
        """PUT /hosts/ID; a new cluster goes through ChangeVDSCluster, which validates the
        host's status (VDS_STATUS_NOT_VALID_FOR_UPDATE) as the engine's REST layer does."""
        host = node.obj
        host_in = parse_body(req.body, T.Host)
        if host_in.cluster is not None and (host_in.cluster.id or host_in.cluster.name):
            cl = self._resolved(host_in.cluster)
            if cl.id != host.cluster.id:
                if host.status not in (HS.MAINTENANCE, HS.PENDING_APPROVAL):
                    raise conflict(
                        "Cannot edit Host. Host parameters cannot be modified while Host is "
                        "operational. Please switch Host to Maintenance mode first."
                    )
                host.cluster = cl
        if host_in.name and host_in.name != host.name:
            if any(h.name == host_in.name for h in self.world.coll["hosts"].values()):
                raise conflict(
                    "Cannot edit Host. The Host name is already in use, please choose a "
                    "unique name and try again."
                )
        self._merge(host, host_in, skip=frozenset({"cluster", "root_password"}))
        ev.emit(self.world, 43, host=host, correlation_id=req.correlation_id)
        return self._updated(node)

    def _apply_disk(self, disk: Any, d_in: Any, cid: str | None) -> None:
        """A disk update: the size only grows (UpdateDisk / extend), the rest is applied."""
        size = d_in.provisioned_size
        if size is not None and size != disk.provisioned_size:
            if disk.storage_type == T.DiskStorageType.LUN:
                raise conflict(
                    "Cannot edit Virtual Disk. Action is unsupported for the specified disk type (Lun)."
                )
            if size < (disk.provisioned_size or 0):
                # AppErrors ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL
                raise conflict(
                    "Cannot edit Virtual Disk. New disk size must be larger than the current disk size."
                )
            if disk.status != T.DiskStatus.OK:
                raise conflict("Cannot edit Virtual Disk: Disk is locked. Please try again later.")
            self.set_status(disk, T.DiskStatus.LOCKED)
            job = ev.start_job(self.world, f"Extending disk {disk.alias}", cid)

            def extended() -> None:
                disk.provisioned_size = size
                self.set_status(disk, T.DiskStatus.OK)
                ev.emit(
                    self.world,
                    371,
                    correlation_id=cid,
                    extra=f"'{disk.alias}' was successfully updated to {size // GiB}",
                )
                ev.end_job(self.world, job)

            self.after(T_SUSPEND, extended)
        self._merge(disk, d_in, skip=DISK_FIXED)
        if d_in.alias and not d_in.name:
            disk.name = d_in.alias
        elif d_in.name and not d_in.alias:
            disk.alias = d_in.name

    def _update_disk(self, req: Any, node: Any) -> Any:
        self._apply_disk(node.obj, parse_body(req.body, T.Disk), req.correlation_id)
        return self._updated(node)

    def _update_disk_attachment(self, req: Any, node: Any) -> Any:
        att = node.obj
        att_in = parse_body(req.body, T.DiskAttachment)
        if att_in.disk is not None:
            disk = self.world.all_disks().get(att.disk.id)
            if disk is not None:
                self._apply_disk(disk, att_in.disk, req.correlation_id)
        self._merge(att, att_in, skip=frozenset({"disk", "vm", "template"}))
        return self._updated(node)

    # ---------------------------------------------------------------- removes
    def _remove_vm(self, req: Any, node: Any) -> Any:
        w = self.world
        cid = req.correlation_id
        vm = node.obj
        if vm.status != VS.DOWN:
            raise conflict(
                "Cannot remove VM. VM is running."
                if vm.status in RUNNING
                else "Cannot remove VM: VM is locked. Please try again in a few minutes."
            )
        if vm.delete_protected:
            raise conflict("Cannot remove VM. VM is delete protected.")
        detach = req.flag("detach_only")
        for att in w.sub("vms", vm, "diskattachments") or []:
            disk = w.get("disks", att.disk.id)
            if disk is None:
                continue
            if detach:
                set_private(disk, _sim_owner=("", ""))
            else:
                del w.coll["disks"][disk.id]
        self._begin(vm)
        job = ev.start_job(w, f"Removing VM {vm.name} from system", cid)
        ev.emit(w, 113, vm=vm, correlation_id=cid)
        del w.coll["vms"][vm.id]
        w.drop_subs("vms", vm.id)
        ev.end_job(self.world, job)
        return Response(200, b"")

    def _remove_snapshot(self, req: Any, node: Any) -> Any:
        w = self.world
        cid = req.correlation_id
        snap = node.obj
        if snap.snapshot_type == T.SnapshotType.ACTIVE:
            raise conflict("Cannot remove Snapshot. The active snapshot of a VM cannot be removed.")
        snaps = w.sub_items("vms", node.parent, "snapshots")
        job = ev.start_job(w, f"Removing Snapshot {snap.description} of VM {node.parent.name}", cid)
        ev.emit(w, 2001, vm=node.parent, correlation_id=cid, extra=snap.description)
        snaps.remove(snap)
        ev.end_job(self.world, job)
        return Response(200, b"")

    def _remove_event(self, req: Any, node: Any) -> Any:
        self.world.coll["events"].pop(node.obj.id, None)
        return Response(200, b"")

    def _remove_vm_nic(self, req: Any, node: Any) -> Any:
        vm, nic = node.parent, node.obj
        if vm.status in RUNNING and nic.plugged:
            # AppErrors ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_DEVICE
            raise conflict(
                "Cannot remove Interface. Cannot remove an active device. Please deactivate the device first."
            )
        self.world.sub_items("vms", vm, "nics").remove(nic)
        return Response(200, b"")

    def _remove_disk_attachment(self, req: Any, node: Any) -> Any:
        """Detach the disk (it stays, floating), or remove it too with ``detach_only=false``."""
        w = self.world
        vm, att = node.parent, node.obj
        if vm.status in RUNNING and att.active:
            raise conflict(
                "Cannot remove Virtual Disk. Disk is active, please deactivate it first."
            )
        w.sub_items("vms", vm, "diskattachments").remove(att)
        disk = w.get("disks", att.disk.id)
        if disk is not None:
            if req.params.get("detach_only", "true").lower() == "false":
                del w.coll["disks"][disk.id]
            else:
                set_private(disk, _sim_owner=("", ""))
        return Response(200, b"")

    def _remove_ssh_key(self, req: Any, node: Any) -> Any:
        self.world.sub_items("users", node.parent, "sshpublickeys").remove(node.obj)
        return Response(200, b"")

    # ------------------------------------------------------------- more adds
    def _add_event(self, req: Any, node: Any) -> Any:
        """POST /events: an external (custom) event, as AddExternalEventCommand records it."""
        w = self.world
        e_in = parse_body(req.body, T.Event)
        missing = [
            label
            for label, val in (
                ("origin", e_in.origin),
                ("severity", e_in.severity),
                ("customId", e_in.custom_id),
                ("description", e_in.description),
            )
            if val is None or val == ""
        ]
        if missing:
            raise HttpError(
                400, f"Event [{', '.join(missing)}] required for add", "Incomplete parameters"
            )
        if e_in.origin.strip().lower() == "ovirt":
            # AppErrors ACTION_TYPE_FAILED_EXTERNAL_EVENT_ILLEGAL_ORIGIN
            raise conflict("Cannot add External Event. Illegal Origin for External Event : oVirt")
        code = {
            T.LogSeverity.WARNING: 9802,
            T.LogSeverity.ERROR: 9803,
            T.LogSeverity.ALERT: 9804,
        }.get(e_in.severity, 9801)
        refs = {}
        for attr, coll, kw in (
            ("vm", "vms", "vm"),
            ("host", "hosts", "host"),
            ("storage_domain", "storagedomains", "sd"),
            ("cluster", "clusters", "cluster"),
            ("data_center", "datacenters", "dc"),
            ("template", "templates", "template"),
        ):
            r = getattr(e_in, attr)
            if r is not None and (r.id or r.name):
                obj = _find_named(w, coll, r)
                if obj is None:
                    key, what = ("id", r.id) if r.id else ("name", r.name)
                    raise HttpError(404, f"Entity not found: {type(r).__name__}: {key}={what}")
                refs[kw] = obj
        event = ev.emit(
            w,
            code,
            correlation_id=req.correlation_id,
            severity=e_in.severity,
            extra=e_in.description,
            **refs,
        )
        event.description = e_in.description
        event.origin = e_in.origin
        event.custom_id = e_in.custom_id
        if e_in.flood_rate is not None:
            event.flood_rate = e_in.flood_rate
        if e_in.custom_data is not None:
            event.custom_data = e_in.custom_data
        return Response(
            201, render.document(render.entity(event, "event")), headers={"Location": event.href}
        )

    def _add_ssh_key(self, req: Any, node: Any) -> Any:
        w = self.world
        key_in = parse_body(req.body, T.SshPublicKey)
        content = (key_in.content or "").strip()
        parts = content.split()
        if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
            # AppErrors ACTION_TYPE_FAILED_INVALID_PUBLIC_SSH_KEY
            raise bad_request("Cannot add User Profile. The given SSH public key is invalid.")
        user = node.parent
        kid = w.new_id()
        key = mk(
            T.SshPublicKey,
            id=kid,
            href=href("users", user.id, "sshpublickeys", kid),
            content=content,
            user=ref(T.User, "users", user.id),
        )
        w.sub_items("users", user, "sshpublickeys").append(key)
        return Response(
            201,
            render.document(render.entity(key, "ssh_public_key")),
            headers={"Location": key.href},
        )

    def _remove_host(self, req: Any, host: Any) -> Any:
        """DELETE /hosts/ID, as RemoveVdsCommand validates it (event 44 USER_REMOVE_VDS)."""
        w = self.world
        cid = req.correlation_id
        if host.status not in REMOVABLE_HOST:
            # AppErrors VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL
            raise conflict(
                "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first."
            )
        if w.vms_on_host(host.id):
            # AppErrors VDS_CANNOT_REMOVE_VDS_DETECTED_RUNNING_VM
            raise conflict("Cannot remove Host. One or more VMs are still running on this Host.")
        self._begin(host)  # drops any pending transition of this host
        job = ev.start_job(w, f"Removing Host {host.name}", cid)
        ev.emit(w, 44, host=host, correlation_id=cid, user="admin@internal")
        for vm in w.coll["vms"].values():
            pp = vm.placement_policy
            if pp is not None and pp.hosts:
                pp.hosts = [h for h in pp.hosts if h.id != host.id] or None
                xmlcache.touch(vm)
        del w.coll["hosts"][host.id]
        w.drop_subs("hosts", host.id)
        ev.end_job(self.world, job)
        return Response(200, b"")
