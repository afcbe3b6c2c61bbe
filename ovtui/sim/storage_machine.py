"""The storage machine: storage domains in a data center (activate, maintenance, LUN
refresh), the master domain, and copies of VMs / templates to an export domain."""

from __future__ import annotations

import copy
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import xmlcache
from ovtui.sim.httptypes import conflict
from ovtui.sim.image_machine import GlanceMachine, ImageTransferMachine
from ovtui.sim.machine_base import (
    SDS,
    T_ADD_VM,
    T_SD_STEP,
    VS,
    Ctx,
    MachineBase,
    _engine_enum,
    _find_named,
)
from ovtui.sim.records import href, ref
from ovtui.sim.storage_admin import StorageAdmin

BLOCK_STORAGE = {T.StorageType.ISCSI, T.StorageType.FCP}


class StorageMachine(StorageAdmin, ImageTransferMachine, GlanceMachine, MachineBase):
    """Storage domain verbs and exports (building storage: ``storage_admin``; disk images and the Glance
    provider: ``image_machine``)."""

    def dc_set_master(self, dc: T.DataCenter, ctx: Ctx) -> None:
        """SwitchMasterStorageDomain (POST /datacenters/ID/setmaster)."""
        w = self.world
        r = ctx.action.storage_domain
        sd = _find_named(w, "storagedomains", r) if r is not None else None
        pre = "Cannot switch master storage domain."
        if sd is None or not sd.data_centers or sd.data_centers[0].id != dc.id:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST
            raise conflict(f"{pre} Storage Domain doesn't exist.")
        if sd.master:
            raise conflict(f"{pre} The storage domain is already the master storage domain.")
        if sd.type != T.StorageDomainType.DATA:
            raise conflict(f"{pre} Storage Domain type is illegal.")
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"{pre} The relevant Storage Domain's status is {_engine_enum(sd._sim_dc_status)}."
            )
        self._job(ctx, f"Switching master storage domain to {sd.name} in Data Center {dc.name}")
        for other in w.coll["storagedomains"].values():
            if other.data_centers and other.data_centers[0].id == dc.id:
                other.master = other.id == sd.id
        ev.end_job(self.world, ctx.job)

    def _export_target(self, ctx: Ctx, what: str) -> Any:
        w = self.world
        r = ctx.action.storage_domain
        sd = _find_named(w, "storagedomains", r) if r is not None else None
        if sd is None:
            raise conflict(f"Cannot export {what}. Storage Domain doesn't exist.")
        if sd.type != T.StorageDomainType.EXPORT:
            # AppErrors ACTION_TYPE_FAILED_SPECIFY_DOMAIN_IS_NOT_EXPORT_DOMAIN
            raise conflict(
                f"Cannot export {what}. The specified domain '{sd.name}' is not an export domain."
            )
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"Cannot export {what}. The relevant Storage Domain's status is "
                f"{_engine_enum(sd._sim_dc_status)}."
            )
        return sd

    def _export(self, obj: Any, kind: str, ctx: Ctx) -> None:
        """Copy a VM / template to an export domain: listed under /storagedomains/ID/vms
        (or /templates) once the copy is done; ``exclusive`` overwrites an earlier copy."""
        w = self.world
        what = "VM" if kind == "vms" else "Template"
        sd = self._export_target(ctx, what)
        exported = sd.__dict__.setdefault("_sim_exported", {"vms": {}, "templates": {}})
        if obj.id in exported[kind] and not ctx.action.exclusive:
            raise conflict(f"Cannot export {what}. {what} with the same identifier already exists.")
        self._job(ctx, f"Exporting {what} {obj.name} To Export Domain {sd.name}")
        copy_ = copy.deepcopy(obj)
        copy_.href = href("storagedomains", sd.id, kind, obj.id)
        copy_.storage_domain = ref(T.StorageDomain, "storagedomains", sd.id)
        copy_.host = None
        for attr in [k for k in vars(copy_) if k.startswith("_sim")]:
            delattr(copy_, attr)
        job, cid = ctx.job, ctx.cid
        locked = VS.IMAGE_LOCKED if kind == "vms" else T.TemplateStatus.LOCKED
        before = obj.status
        op = self._begin(obj)
        self.set_status(obj, locked)

        def done() -> None:
            if getattr(obj, "_sim_op", 0) == op:
                self.set_status(obj, before)
            exported[kind][obj.id] = copy_
            if kind == "vms":
                ev.emit(w, 131, vm=obj, correlation_id=cid, extra=sd.name)
            ev.end_job(self.world, job)

        self.after(T_ADD_VM, done)

    def vm_export(self, vm: T.Vm, ctx: Ctx) -> None:
        if vm.status != VS.DOWN:
            # AppErrors ACTION_TYPE_FAILED_VM_IS_NOT_DOWN
            raise conflict("Cannot export VM. At least one of the VMs is not down.")
        self._export(vm, "vms", ctx)

    def template_export(self, tpl: T.Template, ctx: Ctx) -> None:
        if tpl.status == T.TemplateStatus.LOCKED:
            raise conflict("Cannot export Template. Template is locked. Please try again later.")
        self._export(tpl, "templates", ctx)

    # -------------------------------------------------------------- storage
    def sd_deactivate(self, view: Any, ctx: Ctx) -> None:
        sd = view._sim_source
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"Cannot deactivate Storage Domain. The Storage Domain's status is {sd._sim_dc_status.value}."
            )
        self.check_deactivate(sd)
        dc = self.world.get("datacenters", view.data_center.id)
        dc_name = dc.name if dc is not None else None
        self._job(ctx, f"Deactivating Storage Domain {sd.name} in Data Center {dc_name}")
        op = self._begin(sd)
        job = ctx.job

        def done() -> None:
            self.set_dc_status(sd, SDS.MAINTENANCE)
            self.after_deactivate(sd)
            ev.emit(self.world, 968, sd=sd, dc=dc, correlation_id=ctx.cid, user=ctx.user)
            ev.end_job(self.world, job)

        self._go_through(
            sd,
            op,
            [(SDS.LOCKED, T_SD_STEP), (SDS.PREPARING_FOR_MAINTENANCE, T_SD_STEP)],
            done,
            self.set_dc_status,
        )

    def sd_activate(self, view: Any, ctx: Ctx) -> None:
        sd = view._sim_source
        if sd._sim_dc_status not in (SDS.MAINTENANCE, SDS.INACTIVE, SDS.UNKNOWN):
            raise conflict(
                f"Cannot activate Storage Domain. The Storage Domain's status is {sd._sim_dc_status.value}."
            )
        dc = self.world.get("datacenters", view.data_center.id)
        dc_name = dc.name if dc is not None else None
        self._job(ctx, f"Activating Storage Domain {sd.name} in Data Center {dc_name}")
        op = self._begin(sd)
        self.set_dc_status(sd, SDS.ACTIVATING)
        job = ctx.job

        def done() -> None:
            self.set_dc_status(sd, SDS.ACTIVE)
            self.after_activate(sd)
            ev.emit(self.world, 966, sd=sd, dc=dc, correlation_id=ctx.cid, user=ctx.user)
            ev.end_job(self.world, job)

        self._later(sd, op, T_SD_STEP * 2, done)

    def sd_refresh_luns(self, obj: Any, ctx: Ctx) -> None:
        """refreshluns, validated as RefreshLunsSizeCommand does (action "update", type
        "Storage Domain"); synchronous like the engine's command: sizes are re-read from
        the storage server (``LogicalUnit._sim_device_size``), event 1022."""
        w = self.world
        sd = getattr(obj, "_sim_source", obj)
        status = getattr(sd, "_sim_dc_status", None)
        if status != SDS.ACTIVE:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2
            raise conflict(
                "Cannot update Storage Domain. The relevant Storage Domain's status is "
                f"{_engine_enum(status or SDS.UNKNOWN)}."
            )
        storage = sd.storage
        if storage is None or storage.type not in BLOCK_STORAGE:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL
            raise conflict("Cannot update Storage Domain. Storage Domain type is illegal.")
        luns = {lu.id: lu for lu in (storage.volume_group.logical_units or [])}
        wanted = [lu.id for lu in (ctx.action.logical_units or []) if lu.id]
        unknown = [i for i in wanted if i not in luns]
        if unknown:
            # ACTION_TYPE_FAILED_LUNS_NOT_PART_OF_STORAGE_DOMAIN (wording not checked)
            raise conflict(
                "Cannot update Storage Domain. The following LUNs are not part of the "
                f"Storage Domain: {', '.join(unknown)}."
            )
        self._job(ctx, f"Refreshing LUNs of Storage Domain {sd.name}")
        grown = 0
        for lun_id in wanted:
            lu = luns[lun_id]
            size = getattr(lu, "_sim_device_size", lu.size)
            if size and lu.size and size > lu.size:
                grown += size - lu.size
            lu.size = size
        xmlcache.touch(sd)  # its LUNs are nested in it
        if grown:
            sd.available = (sd.available or 0) + grown
        ev.emit(
            w,
            1022,
            sd=sd,
            dc=w.get("datacenters", sd.data_centers[0].id) if sd.data_centers else None,
            correlation_id=ctx.cid,
            user=ctx.user,
            extra=", ".join(wanted) or "no LUNs",
        )
        ev.end_job(self.world, ctx.job)
