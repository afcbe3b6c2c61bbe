"""Building storage: add a storage domain (data / ISO / export on NFS, iSCSI, FCP, POSIX or
GlusterFS), import one that is on the storage already, attach it to a data center and detach
it, remove it (with or without formatting) or destroy it; floating disks (add, remove, copy).

The engine's paths: a new domain is ``locked`` while the host creates it, then
``unattached``. Attached to a data center it is ``locked``, then ``maintenance``, then
``activating`` and ``active``; the data center's first data domain becomes its master and
the data center goes ``up``. Detach needs ``maintenance``; the master detaches last and
leaves the data center ``uninitialized``. Remove needs ``unattached``. The storage server
keeps what was on it: a domain removed without format (or destroyed) can be imported back,
and a new domain refuses a path that still holds one (VDSM's StorageDomainNotEmpty).
"""

from __future__ import annotations

import copy
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import render, xmlcache
from ovtui.sim.httptypes import HttpError, Request, Response, conflict
from ovtui.sim.machine_base import (
    RUNNING,
    SDS,
    T_SD_STEP,
    Ctx,
    MachineBase,
    RouteParts,
    _engine_enum,
    _find_named,
    disk_action_target,
    parse_body,
)
from ovtui.sim.records import GiB, href, mk, new_disk, ref, set_private
from ovtui.sim.storage_server import visible_luns

DCS = T.DataCenterStatus
FILE_TYPES = {T.StorageType.NFS, T.StorageType.POSIXFS, T.StorageType.GLUSTERFS}
BLOCK_TYPES = {T.StorageType.ISCSI, T.StorageType.FCP}
STORAGE_WORD = {  # the job's wording per storage type (AddNFSStorageDomain, AddSANStorageDomain...)
    T.StorageType.NFS: "NFS",
    T.StorageType.POSIXFS: "Posix compliant FS",
    T.StorageType.GLUSTERFS: "GlusterFS",
    T.StorageType.ISCSI: "SAN",
    T.StorageType.FCP: "SAN",
}
NEW_DOMAIN_SIZE = 1024 * GiB  # what the simulated storage server offers a new file domain
T_DISK = 2.0  # engine seconds a new / copied floating disk stays locked


def say(world: Any, code: int, text: str, **kw: Any) -> T.Event:
    """An event with the engine's code and its text (AuditLogMessages) filled in."""
    event = ev.emit(world, code, **kw)
    event.description = text
    return event


def _server_key(storage: Any) -> tuple[str, ...]:
    """Where a domain lives on the storage server: (address, path) or its LUN ids."""
    if storage is None:
        return ()
    if storage.type in BLOCK_TYPES:
        vg = storage.volume_group
        luns = (vg.logical_units if vg is not None else None) or storage.logical_units or []
        return tuple(sorted(lu.id for lu in luns if lu.id))
    return (str(storage.address or ""), str(storage.path or ""))


class StorageAdmin(MachineBase):
    """Storage domain add / import / attach / detach / remove / destroy; floating disks."""

    def routes_storage_admin(self) -> RouteParts:
        return RouteParts(
            adders={
                ("storage_domain", None): self._sd_add,
                ("storage_domain", "data_center"): self._sd_attach,
                ("disk", None): self._disk_add,
            },
            removers={
                ("storage_domain", None): self._sd_remove,
                ("storage_domain", "data_center"): self._sd_detach,
                ("disk", None): self._disk_remove,
            },
            verbs={("disk", "copy"): self.disk_copy},
        )

    # ------------------------------------------------------------ helpers
    def _on_storage(self) -> dict[tuple[str, ...], dict[str, Any]]:
        """What the simulated storage servers hold outside the engine's database: domains
        removed without format or destroyed, by ``_server_key``."""
        w = self.world
        held: dict[tuple[str, ...], dict[str, Any]] | None = getattr(w, "_sim_on_storage", None)
        if held is None:
            held = {}
            w._sim_on_storage = held  # type: ignore[attr-defined]
        return held

    def _say(self, code: int, text: str, cid: str | None, **kw: Any) -> None:
        say(self.world, code, text, correlation_id=cid, **kw)

    def _dc_of(self, sd: Any) -> Any:
        return self.world.get("datacenters", sd.data_centers[0].id) if sd.data_centers else None

    def _attached(self, dc: Any) -> list[Any]:
        return [
            s
            for s in self.world.coll["storagedomains"].values()
            if s.data_centers and s.data_centers[0].id == dc.id
        ]

    def _set_top(self, sd: Any, status: Any) -> None:
        """An unattached domain's own status (top level); attached ones show none there."""
        sd.status = status
        if status is not None:
            self.world.log_status(sd.id, status)

    def _set_dc(self, dc: Any, status: Any) -> None:
        dc.status = status
        self.world.log_status(dc.id, status)

    def _up_host(self, host_ref: Any) -> Any:
        w = self.world
        host = _find_named(w, "hosts", host_ref)
        if host is None:
            raise HttpError(404, "Entity not found: Host")
        return host

    def _dc_up_hosts(self, dc: Any) -> list[Any]:
        return [
            h
            for h in self.world.coll["hosts"].values()
            if h.status == T.HostStatus.UP
            and self.world.get("clusters", h.cluster.id) is not None
            and self.world.coll["clusters"][h.cluster.id].data_center.id == dc.id
        ]

    # ------------------------------------------------------------ add / import
    def _sd_add(self, req: Request, node: Any) -> Response:
        """POST /storagedomains: AddNFSStorageDomain / AddSANStorageDomain / ... or, with
        ``<import>true</import>``, AddExisting*StorageDomain."""
        w = self.world
        cid = req.correlation_id
        sd_in = parse_body(req.body, T.StorageDomain)
        importing = bool(sd_in.import_)
        st = sd_in.storage
        missing = [
            f
            for f, ok in (
                ("host.id|name", sd_in.host is not None and (sd_in.host.id or sd_in.host.name)),
                ("type", sd_in.type is not None),
                ("storage.type", st is not None and st.type is not None),
            )
            if not ok
        ]
        if not importing and not sd_in.name:
            missing.insert(0, "name")
        if missing:
            raise HttpError(
                400,
                f"StorageDomain [{', '.join(missing)}] required for add",
                "Incomplete parameters",
            )
        assert st is not None
        action = "import" if importing else "add"
        host = self._up_host(sd_in.host)
        if host.status != T.HostStatus.UP:
            # AppErrors ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL
            raise conflict(
                f"Cannot {action} Storage. Operation can be performed only when Host status is Up."
            )
        if st.type in FILE_TYPES:
            if not st.path or (st.type != T.StorageType.POSIXFS and not st.address):
                need = (
                    "storage.path"
                    if st.type == T.StorageType.POSIXFS
                    else "storage.address, storage.path"
                )
                raise HttpError(
                    400, f"StorageDomain [{need}] required for add", "Incomplete parameters"
                )
        elif st.type in BLOCK_TYPES:
            if not self._block_luns(st):
                raise HttpError(
                    400,
                    "StorageDomain [storage.logical_units] required for add",
                    "Incomplete parameters",
                )
        else:
            raise conflict(f"Cannot {action} Storage. Storage Domain type is illegal.")
        key = _server_key(_normal_storage(st))
        held = self._on_storage().get(key)
        in_use = [
            s.name
            for s in w.coll["storagedomains"].values()
            if key and _server_key(s.storage) == key
        ]
        if st.type == T.StorageType.ISCSI:
            seen = visible_luns(w)
            unknown = [lu.id for lu in self._block_luns(st) if lu.id not in seen]
            if unknown:
                # VDSM PhysDevInitializationError, as the engine reports a failed VDS command
                raise conflict(
                    f"Error while executing action New {STORAGE_WORD[st.type]} Storage Domain: "
                    "Physical device initialization failed. Please check that the device is "
                    "empty and accessible by the host."
                )
            for lu in self._block_luns(st):  # the device's own size and address
                dev = seen[lu.id][0]
                lu.size, lu.target = dev.size, lu.target or dev.target
                lu.address, lu.port = lu.address or dev.address, lu.port or dev.port
        if st.type in BLOCK_TYPES:
            used = {
                lu.id: s.name
                for s in w.coll["storagedomains"].values()
                if s.storage is not None and s.storage.volume_group is not None
                for lu in s.storage.volume_group.logical_units or []
            }
            taken = [i for i in key if i in used]
            if taken:
                # AppErrors ACTION_TYPE_FAILED_LUNS_ALREADY_PART_OF_STORAGE_DOMAINS
                raise conflict(
                    f"Cannot {action} Storage. The following LUNs are already part of existing "
                    f"storage domains: {', '.join(taken)}."
                )
        elif in_use:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS
            raise conflict(
                f"Cannot {action} Storage. Storage connection {':'.join(key)} already exists for "
                f"{in_use[0]}."
            )
        if importing and held is None:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST
            raise conflict("Cannot import Storage. Storage Domain doesn't exist.")
        if not importing and held is not None:
            # VDSM StorageDomainNotEmpty, as the engine reports a failed VDS command
            raise conflict(
                f"Error while executing action New {STORAGE_WORD[st.type]} Storage Domain: "
                "Error in creating a Storage Domain. The selected storage path is not empty "
                "(probably contains another Storage Domain). Either remove the existing Storage "
                "Domain from this path, or change the Storage path)."
            )
        name = sd_in.name or (held["name"] if held else "")
        if any(s.name == name for s in w.coll["storagedomains"].values()):
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST
            raise conflict(f"Cannot {action} Storage. The Storage Domain name is already in use.")
        if held is not None:
            sd_type = held["type"]
            sid = held["id"]
            if sd_in.type is not None and sd_in.type != sd_type:
                raise conflict(f"Cannot {action} Storage. Storage Domain type is illegal.")
            del self._on_storage()[key]
        else:
            sd_type = sd_in.type
            sid = w.new_id()
        sd = self._new_domain(sid, name, sd_type, st, sd_in)
        word = STORAGE_WORD[st.type]
        verb = "Importing" if importing else "Adding"
        ctx = Ctx(None, cid)
        job = self._job(ctx, f"{verb} {word} Storage Domain {name}")
        self._set_top(sd, SDS.LOCKED)
        op = self._begin(sd)

        def made() -> None:
            self._set_top(sd, SDS.UNATTACHED)
            self._say(956, f"Storage Domain {name} was added by {ctx.user}", cid, sd=sd)
            ev.end_job(w, job)

        self._later(sd, op, T_SD_STEP * 2, made)
        body = render.document(render.entity(sd, "storage_domain"))
        return Response(201, body, headers={"Location": sd.href})

    @staticmethod
    def _block_luns(st: Any) -> list[Any]:
        vg = st.volume_group
        return list((vg.logical_units if vg is not None else None) or st.logical_units or [])

    def _new_domain(self, sid: str, name: str, sd_type: Any, st: Any, sd_in: Any) -> Any:
        w = self.world
        storage = _normal_storage(st)
        size = NEW_DOMAIN_SIZE
        if st.type in BLOCK_TYPES:
            size = sum(lu.size or 100 * GiB for lu in storage.volume_group.logical_units) or size
        sd = mk(
            T.StorageDomain,
            id=sid,
            href=href("storagedomains", sid),
            name=name,
            description=sd_in.description or "",
            comment=sd_in.comment or "",
            type=sd_type,
            master=False,
            block_size=512,
            backup=False,
            critical_space_action_blocker=5,
            warning_low_space_indicator=10,
            discard_after_delete=bool(sd_in.discard_after_delete),
            supports_discard=st.type in BLOCK_TYPES,
            supports_discard_zeroes_data=False,
            wipe_after_delete=bool(sd_in.wipe_after_delete),
            external_status=T.ExternalStatus.OK,
            available=size - 5 * GiB,
            used=5 * GiB,
            committed=0,
            storage_format=sd_in.storage_format
            or (T.StorageFormat.V5 if sd_type == T.StorageDomainType.DATA else T.StorageFormat.V1),
            storage=storage,
            data_centers=[],
        )
        set_private(sd, _sim_dc_status=None, _sim_seed_disks=False)
        w.coll["storagedomains"][sid] = sd
        return sd

    # ------------------------------------------------------------ attach / detach
    def _sd_attach(self, req: Request, node: Any) -> Response:
        """POST /datacenters/DC/storagedomains: AttachStorageDomainToPool, then activate."""
        w = self.world
        dc = node.parent
        cid = req.correlation_id
        sd_in = parse_body(req.body, T.StorageDomain)
        sd = _find_named(w, "storagedomains", sd_in)
        pre = "Cannot attach Storage."
        if sd is None:
            raise conflict(f"{pre} Storage Domain doesn't exist.")
        if sd.data_centers or sd.status != SDS.UNATTACHED:
            status = sd._sim_dc_status if sd.data_centers else sd.status
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2
            raise conflict(f"{pre} The relevant Storage Domain's status is {_engine_enum(status)}.")
        attached = self._attached(dc)
        initialized = any(s.type == T.StorageDomainType.DATA for s in attached)
        if not initialized and sd.type != T.StorageDomainType.DATA:
            # AppErrors ERROR_CANNOT_ADD_STORAGE_POOL_WITHOUT_DATA_DOMAIN (its two lines)
            raise conflict(
                "Cannot attach Storage Domain. -Please attach Data Domain to the Data Center first."
            )
        if not self._dc_up_hosts(dc):
            # AppErrors ACTION_TYPE_FAILED_NO_VDS_IN_POOL
            raise conflict(f"{pre} There is no active Host in the Data Center.")
        master = next((s for s in attached if s.master), None)
        if initialized and (master is None or master._sim_dc_status != SDS.ACTIVE):
            # AppErrors ACTION_TYPE_FAILED_MASTER_STORAGE_DOMAIN_NOT_ACTIVE (its two lines)
            raise conflict(
                "Failed to attach Storage due to an error on the Data Center master Storage "
                "Domain. -Please activate the master Storage Domain first."
            )
        for other in attached:
            if other.type == sd.type and sd.type in (
                T.StorageDomainType.ISO,
                T.StorageDomainType.EXPORT,
            ):
                word = "ISO" if sd.type == T.StorageDomainType.ISO else "Export"
                # AppErrors ERROR_CANNOT_ATTACH_MORE_THAN_ONE_ISO/EXPORT_DOMAIN
                raise conflict(
                    f"Cannot attach more than one {word} Storage Domain to the same Data Center. "
                    f"If you want to use a newly created Domain, detach the existing attached "
                    f"Domain and attach the new one."
                )
        becomes_master = sd.type == T.StorageDomainType.DATA and not initialized
        ctx = Ctx(None, cid)
        job = self._job(ctx, f"Attaching Storage Domain {sd.name} to Data Center {dc.name}")
        sd.data_centers = [ref(T.DataCenter, "datacenters", dc.id)]
        self._set_top(sd, None)
        op = self._begin(sd)

        def attached_done() -> None:
            self._say(
                962,
                f"Storage Domain {sd.name} was attached to Data Center {dc.name} by {ctx.user}",
                cid,
                sd=sd,
                dc=dc,
            )
            if becomes_master:
                sd.master = True

        def active() -> None:
            self.set_dc_status(sd, SDS.ACTIVE)
            if becomes_master:
                self._set_dc(dc, DCS.UP)
            self._say(
                966,
                f"Storage Domain {sd.name} (Data Center {dc.name}) was activated by {ctx.user}",
                cid,
                sd=sd,
                dc=dc,
            )
            xmlcache.touch(dc)
            ev.end_job(w, job)

        self._go_through(
            sd,
            op,
            [
                (SDS.LOCKED, T_SD_STEP),
                (SDS.MAINTENANCE, T_SD_STEP, attached_done),
                (SDS.ACTIVATING, T_SD_STEP),
            ],
            active,
            self.set_dc_status,
        )
        view = copy_view(sd, dc)
        body = render.document(
            render.entity(view, "storage_domain", actions_tag="attached_storage_domain")
        )
        return Response(201, body, headers={"Location": view.href})

    def _sd_detach(self, req: Request, node: Any) -> Response:
        """DELETE /datacenters/DC/storagedomains/SD: DetachStorageDomainFromPool."""
        w = self.world
        dc = node.parent
        sd = node.obj._sim_source
        cid = req.correlation_id
        pre = "Cannot detach Storage."
        if sd._sim_dc_status != SDS.MAINTENANCE:
            raise conflict(
                f"{pre} The relevant Storage Domain's status is {_engine_enum(sd._sim_dc_status)}."
            )
        others = [s for s in self._attached(dc) if s.id != sd.id]
        if sd.master and others:
            # AppErrors ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN (its two lines)
            raise conflict(
                "Cannot detach the master Storage Domain from the Data Center while there are "
                "other storage domains attached to it. -Please try to activate another Storage "
                "Domain in the Data Center."
            )
        if not sd.master and not any(s.master and s._sim_dc_status == SDS.ACTIVE for s in others):
            raise conflict(
                "Failed to detach Storage due to an error on the Data Center master Storage "
                "Domain. -Please activate the master Storage Domain first."
            )
        ctx = Ctx(None, cid)
        job = self._job(ctx, f"Detaching Storage Domain {sd.name} from Data Center {dc.name}")
        was_master = bool(sd.master)
        op = self._begin(sd)
        self.set_dc_status(sd, SDS.LOCKED)

        def detached() -> None:
            sd.data_centers = []
            sd.master = False
            sd._sim_dc_status = None
            self._set_top(sd, SDS.UNATTACHED)
            if was_master:
                self._set_dc(dc, DCS.UNINITIALIZED)
            self._say(
                964,
                f"Storage Domain {sd.name} was detached from Data Center {dc.name} by {ctx.user}",
                cid,
                sd=sd,
                dc=dc,
            )
            xmlcache.touch(dc)
            ev.end_job(w, job)

        self._later(sd, op, T_SD_STEP, detached)
        return Response(200, b"")

    # ------------------------------------------------------------ remove / destroy
    def _sd_remove(self, req: Request, node: Any) -> Response:
        """DELETE /storagedomains/SD?host=H[&format=true]: RemoveStorageDomain; with
        ``destroy=true`` ForceRemoveStorageDomain (the database entry only)."""
        w = self.world
        sd = node.obj
        cid = req.correlation_id
        if req.flag("destroy"):
            return self._sd_destroy(sd, cid)
        host_word = req.params.get("host")
        if not host_word:
            raise HttpError(
                400, "Storage domain [host.id|name] required for remove", "Incomplete parameters"
            )
        host = self._up_host(
            T.Host(name=host_word) if not _looks_id(host_word) else T.Host(id=host_word)
        )
        if host.status != T.HostStatus.UP:
            # AppErrors CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP
            raise conflict(f"Cannot remove Storage. Host {host.name} is not up.")
        if sd.data_centers:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL (its two lines)
            raise conflict(
                "Cannot remove Storage. The relevant Storage Domain is inaccessible. -Please "
                "handle Storage Domain issues and retry the operation."
            )
        if sd.status != SDS.UNATTACHED:
            raise conflict(
                "Cannot remove Storage. The relevant Storage Domain's status is "
                f"{_engine_enum(sd.status)}."
            )
        fmt = req.flag("format")
        job = ev.start_job(w, f"Removing Storage Domain {sd.name}", cid)
        self._forget(sd, keep_on_storage=not fmt)
        self._say(960, f"Storage Domain {sd.name} was removed by admin@internal", cid, sd=sd)
        ev.end_job(w, job)
        return Response(200, b"")

    def _sd_destroy(self, sd: Any, cid: str | None) -> Response:
        w = self.world
        if sd.data_centers and sd._sim_dc_status == SDS.ACTIVE:
            raise conflict(
                "Cannot destroy Storage. The relevant Storage Domain's status is Active."
            )
        dc = self._dc_of(sd)
        job = ev.start_job(w, f"Destroying Storage Domain {sd.name}", cid)
        if dc is not None and sd.master:
            self._set_dc(dc, DCS.UNINITIALIZED)
            xmlcache.touch(dc)
        self._forget(sd, keep_on_storage=True)
        self._say(
            981,
            f"Storage Domain {sd.name} was forcibly removed by admin@internal",
            cid,
            sd=sd,
            dc=dc,
        )
        ev.end_job(w, job)
        return Response(200, b"")

    def _forget(self, sd: Any, keep_on_storage: bool) -> None:
        """Drop the domain from the engine (and its disks); the storage keeps it unless formatted."""
        w = self.world
        self._begin(sd)  # what was scheduled for it is void
        for did in [
            d.id
            for d in w.all_disks().values()
            if any(s.id == sd.id for s in d.storage_domains or [])
        ]:
            w.coll["disks"].pop(did, None)
        del w.coll["storagedomains"][sd.id]
        key = _server_key(sd.storage)
        if keep_on_storage and key:
            self._on_storage()[key] = {"id": sd.id, "name": sd.name, "type": sd.type}

    # ------------------------------------------------------------ master rules
    def check_deactivate(self, sd: Any) -> None:
        """What ``sd_deactivate`` adds for the data center's last active data domain (its
        master): every running VM of the data center lives on it
        (ACTION_TYPE_FAILED_DETECTED_ACTIVE_VMS), and the other domains must go first
        (ERROR_CANNOT_DEACTIVATE_MASTER_WITH_NON_DATA_DOMAINS)."""
        w = self.world
        dc = self._dc_of(sd)
        if dc is None or not sd.master:
            return
        others = [s for s in self._attached(dc) if s.id != sd.id]
        if any(
            s.type == T.StorageDomainType.DATA and s._sim_dc_status == SDS.ACTIVE for s in others
        ):
            return  # the master role moves (reconstruct)
        clusters = {c.id for c in w.coll["clusters"].values() if c.data_center.id == dc.id}
        if any(v.status in RUNNING and v.cluster.id in clusters for v in w.coll["vms"].values()):
            raise conflict(
                'Cannot deactivate Storage. VMs in a state other than "Down" or "Suspended" '
                "were detected. -Please ensure all VMs associated with this Storage Domain are "
                "stopped and in the Down or Suspended state first."
            )
        if any(s._sim_dc_status == SDS.ACTIVE for s in others):
            raise conflict(
                "Cannot deactivate a Master Storage Domain while there are active non-data "
                "domains in the Data Center. -Please deactivate all the non-data domains first."
            )

    def after_deactivate(self, sd: Any) -> None:
        """The master in maintenance: the role moves to another active data domain, or the
        data center goes to maintenance with it."""
        dc = self._dc_of(sd)
        if dc is None or not sd.master:
            return
        nxt = next(
            (
                s
                for s in self._attached(dc)
                if s.id != sd.id
                and s.type == T.StorageDomainType.DATA
                and s._sim_dc_status == SDS.ACTIVE
            ),
            None,
        )
        if nxt is not None:
            sd.master = False
            nxt.master = True
        else:
            self._set_dc(dc, DCS.MAINTENANCE)
        xmlcache.touch(dc)

    def after_activate(self, sd: Any) -> None:
        dc = self._dc_of(sd)
        if dc is not None and sd.master and dc.status != DCS.UP:
            self._set_dc(dc, DCS.UP)
            xmlcache.touch(dc)

    # ------------------------------------------------------------ floating disks
    def _disk_add(self, req: Request, node: Any) -> Response:
        """POST /disks: AddDisk of a floating disk on a data domain (locked, then ok)."""
        w = self.world
        cid = req.correlation_id
        d_in = parse_body(req.body, T.Disk)
        if d_in.lun_storage is not None:
            raise conflict(
                "Cannot add Virtual Disk. Action is unsupported for the specified disk type (Lun)."
            )
        missing = [
            f
            for f, ok in (
                ("provisioned_size", d_in.provisioned_size),
                ("format", d_in.format is not None),
                ("storage_domains.id|name", d_in.storage_domains),
            )
            if not ok
        ]
        if missing:
            raise HttpError(
                400, f"Disk [{', '.join(missing)}] required for add", "Incomplete parameters"
            )
        assert d_in.storage_domains is not None and d_in.provisioned_size is not None
        sd = _find_named(w, "storagedomains", d_in.storage_domains[0])
        if sd is None:
            raise HttpError(404, "Entity not found: StorageDomain")
        self._check_disk_target(sd, "add")
        alias = d_in.alias or d_in.name or "disk"
        disk = new_disk(w, w.rng, alias, d_in.provisioned_size, sd, "floating", False)
        disk.description = d_in.description or ""
        disk.actual_size = 0
        disk.format = d_in.format
        disk.sparse = True if d_in.sparse is None else d_in.sparse
        if d_in.wipe_after_delete is not None:
            disk.wipe_after_delete = d_in.wipe_after_delete
        if d_in.shareable is not None:
            disk.shareable = d_in.shareable
        if d_in.content_type is not None:
            disk.content_type = d_in.content_type
        set_private(disk, _sim_owner=("", ""), _sim_image=bytearray())
        job = ev.start_job(w, f"Adding Disk {alias}", cid)
        self._say(
            2020, f"Add-Disk operation of '{alias}' was initiated by admin@internal.", cid, sd=sd
        )
        self.set_status(disk, T.DiskStatus.LOCKED)
        op = self._begin(disk)

        def made() -> None:
            self.set_status(disk, T.DiskStatus.OK)
            self._say(2021, f"The disk '{alias}' was successfully added.", cid, sd=sd)
            ev.end_job(w, job)

        self._later(disk, op, T_DISK, made)
        body = render.document(render.entity(disk, "disk"))
        return Response(201, body, headers={"Location": disk.href})

    def _check_disk_target(self, sd: Any, action: str) -> None:
        if sd.type != T.StorageDomainType.DATA:
            raise conflict(f"Cannot {action} Virtual Disk. Storage Domain type is illegal.")
        if sd._sim_dc_status != SDS.ACTIVE:
            status = sd._sim_dc_status if sd.data_centers else (sd.status or SDS.UNATTACHED)
            raise conflict(
                f"Cannot {action} Virtual Disk. The relevant Storage Domain's status is "
                f"{_engine_enum(status)}."
            )

    def _disk_remove(self, req: Request, node: Any) -> Response:
        """DELETE /disks/ID: RemoveDisk; a disk attached to a running VM is refused."""
        w = self.world
        disk = node.obj
        cid = req.correlation_id
        if disk.status == T.DiskStatus.LOCKED:
            raise conflict("Cannot remove Virtual Disk: Disk is locked. Please try again later.")
        transfer = getattr(disk, "_sim_transfer", None)
        if transfer is not None:
            raise conflict(f"Cannot remove Virtual Disk. Disk {disk.alias} is being transferred.")
        owner = getattr(disk, "_sim_owner", ("", ""))
        vm = w.get("vms", owner[1]) if owner[0] == "vms" else None
        if vm is not None and vm.status != T.VmStatus.DOWN:
            # AppErrors ACTION_TYPE_FAILED_VM_IS_NOT_DOWN
            raise conflict("Cannot remove Virtual Disk. At least one of the VMs is not down.")
        if owner[0] == "templates":
            raise conflict("Cannot remove Virtual Disk. The disk is part of a template.")
        sd = (
            _find_named(w, "storagedomains", disk.storage_domains[0])
            if disk.storage_domains
            else None
        )
        job = ev.start_job(w, f"Removing Disk {disk.alias}", cid)
        if vm is not None:
            atts = w.sub("vms", vm, "diskattachments") or []
            atts[:] = [a for a in atts if a.disk is None or a.disk.id != disk.id]
            xmlcache.touch(vm)
        w.coll["disks"].pop(disk.id, None)
        self._begin(disk)
        self._say(
            2014,
            f"Disk {disk.alias} was successfully removed from domain "
            f"{sd.name if sd is not None else ''} (User admin@internal).",
            cid,
            sd=sd,
        )
        ev.end_job(w, job)
        return Response(200, b"")

    def disk_copy(self, disk: Any, ctx: Ctx) -> None:
        """POST /disks/ID/copy: a new disk (``disk.alias`` or "<alias>_copy") on the target
        domain, locked while the image is copied (job progress)."""
        w = self.world
        target = disk_action_target(w, disk, ctx, "copy")
        if disk.storage_type == T.DiskStorageType.LUN:
            raise conflict(
                "Cannot copy Virtual Disk. Action is unsupported for the specified disk type (Lun)."
            )
        self._check_disk_target(target, "copy")
        d_in = ctx.action.disk
        alias = (d_in.alias or d_in.name) if d_in is not None else None
        alias = alias or f"{disk.alias}_copy"
        copy_ = new_disk(w, w.rng, alias, disk.provisioned_size or GiB, target, "floating", False)
        copy_.format = disk.format
        copy_.sparse = disk.sparse
        copy_.actual_size = disk.actual_size
        copy_.description = disk.description
        set_private(
            copy_,
            _sim_owner=("", ""),
            _sim_image=bytearray(getattr(disk, "_sim_image", b"") or b""),
        )
        job = self._job(ctx, f"Copying Disk {disk.alias} to domain {target.name}", ["Copying"])
        self._say(
            2004,
            f"User {ctx.user} is copying disk {disk.alias} to domain {target.name}.",
            ctx.cid,
            sd=target,
        )
        self.set_status(copy_, T.DiskStatus.LOCKED)
        self.set_status(disk, T.DiskStatus.LOCKED)
        op = self._begin(copy_)
        steps = 4

        def step(k: int) -> None:
            ev.progress_job(w, job, int(100 * k / steps))
            if k < steps:
                self._later(copy_, op, T_DISK / steps, lambda: step(k + 1))
                return
            self.set_status(copy_, T.DiskStatus.OK)
            if w.get("disks", disk.id) is not None:
                self.set_status(disk, T.DiskStatus.OK)
            self._say(
                2006,
                f"User {ctx.user} finished copying disk {disk.alias} to domain {target.name}.",
                ctx.cid,
                sd=target,
            )
            ev.end_job(w, job)

        self._later(copy_, op, T_DISK / steps, lambda: step(1))


def copy_view(sd: Any, dc: Any) -> Any:
    """``sd`` as ``/datacenters/DC/storagedomains/SD`` shows it (see routes.dc_sd)."""
    view = copy.copy(sd)
    view.href = href("datacenters", dc.id, "storagedomains", sd.id)
    view.status = sd._sim_dc_status
    view.data_center = ref(T.DataCenter, "datacenters", dc.id)
    return view


def _normal_storage(st: Any) -> Any:
    """The domain's ``<storage>`` as the engine reports it: block LUNs under a volume group."""
    if st.type in BLOCK_TYPES:
        luns = StorageAdmin._block_luns(st)
        vg_id = "vg-" + "-".join(sorted(lu.id for lu in luns if lu.id))[:32]
        return mk(
            T.HostStorage,
            type=st.type,
            volume_group=mk(
                T.VolumeGroup,
                id=vg_id,
                logical_units=[
                    mk(
                        T.LogicalUnit,
                        id=lu.id,
                        address=lu.address,
                        port=lu.port or (3260 if st.type == T.StorageType.ISCSI else None),
                        target=lu.target,
                        size=lu.size or 100 * GiB,
                        volume_group_id=vg_id,
                    )
                    for lu in luns
                ],
            ),
        )
    return mk(
        T.HostStorage,
        type=st.type,
        address=st.address,
        path=st.path,
        vfs_type=st.vfs_type,
        mount_options=st.mount_options,
        nfs_version=st.nfs_version,
    )


def _looks_id(word: str) -> bool:
    return len(word) == 36 and word.count("-") == 4
