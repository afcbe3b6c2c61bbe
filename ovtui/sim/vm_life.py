"""The rest of a VM's life: NIC hot plug, disk moves, snapshot preview / commit / undo /
restore, clones, and templates made from VMs (issue 11).

Validations and their 409 wordings follow the engine's commands (AppErrors.properties):
``RestoreAllSnapshotsCommand`` (commit / undo), ``TryBackToAllSnapshotsOfVmCommand``
(preview), ``ActivateDeactivateVmNicCommand``, ``MoveDiskCommand``, ``AddVmTemplateCommand``,
``RemoveVmTemplateCommand``; the events are the AuditLogType codes with their messages.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, render
from ovtui.sim.httptypes import HttpError, Response, bad_request, conflict
from ovtui.sim.machine_base import (
    RUNNING,
    T_ADD_VM,
    T_SUSPEND,
    VS,
    Ctx,
    MachineBase,
    _find_named,
    disk_action_target,
    parse_body,
)
from ovtui.sim.records import GiB, href, mk, ref, set_private

BLANK_ID = "00000000-0000-0000-0000-000000000000"
T_MOVE_STEPS = 4  # a disk move reports its progress in this many steps
T_SNAPSHOT_OP = 2.0  # engine seconds a preview / commit / undo keeps the VM locked


# fields of a running VM the engine changes at once (the rest waits for the next run, or is
# refused: VM_CANNOT_UPDATE_ILLEGAL_FIELD); memory and CPU sockets are hot plugged
LIVE_FIELDS = frozenset(
    {"name", "description", "comment", "memory", "high_availability", "delete_protected",
     "cluster", "id", "href"}
)  # fmt: skip
# fields of a new VM the simulator keeps as given (beyond name, cluster, template, memory...)
CREATE_FIELDS = (
    "time_zone", "soundcard_enabled", "bios", "type", "high_availability", "custom_properties",
    "memory_policy", "display", "instance_type", "comment", "delete_protected", "boot_menu",
    "cpu",
)  # fmt: skip


def _set(obj: Any) -> dict[str, Any]:
    """The attributes a parsed SDK object has set."""
    return {
        k[1:]: v
        for k, v in vars(obj).items()
        if k.startswith("_") and not k.startswith("_sim") and v is not None
    }


def _differs(cur: Any, new: Any) -> bool:
    if hasattr(new, "__dict__") and not hasattr(new, "value") and not isinstance(new, list):
        if cur is None:
            return True
        return any(_differs(getattr(cur, k, None), v) for k, v in _set(new).items())
    if isinstance(new, list):
        return (
            True
            if not isinstance(cur, list) or len(cur) != len(new)
            else any(_differs(c, n) for c, n in zip(cur, new, strict=True))
        )
    return bool(cur != new)


def cold_fields(vm: Any, vm_in: Any) -> list[str]:
    """What a PUT would change on a running VM that the engine only applies at the next run."""
    out = []
    for name, value in _set(vm_in).items():
        if name in LIVE_FIELDS:
            continue
        if name == "cpu":
            topo = value.topology
            for part in ("cores", "threads"):
                new = getattr(topo, part, None) if topo is not None else None
                if new is not None and new != getattr(vm.cpu.topology, part, None):
                    out.append(f"cpu.topology.{part}")
            continue
        if name == "os":  # the OS type may change any time; boot settings only when down
            out += [
                f"os.{k}" for k, v in _set(value).items()
                if k != "type" and _differs(getattr(vm.os, k, None), v)
            ]  # fmt: skip
            continue
        if _differs(getattr(vm, name, None), value):
            out.append(name)
    return out


def set_creation_fields(vm: Any, vm_in: Any) -> None:
    """The part of a new VM's body the simulator keeps as it came. Whole values replace the
    record's (a record's nested structures may be shared with its prototype)."""
    for name in CREATE_FIELDS:
        value = getattr(vm_in, name, None)
        if value is None:
            continue
        if name == "cpu":
            if value.architecture is not None:
                topo = vm.cpu.topology if vm.cpu is not None else None
                vm.cpu = T.Cpu(architecture=value.architecture, topology=topo)
            continue
        setattr(vm, name, value)
    if vm_in.os is not None and vm_in.os.boot is not None:
        vm.os = T.OperatingSystem(type=vm.os.type, boot=vm_in.os.boot)


def keep_init_secret(vm: Any) -> None:
    """The engine never gives a cloud-init root password back: kept aside, not rendered."""
    init = vm.initialization
    if init is not None and init.root_password:
        set_private(vm, _sim_root_password=init.root_password)
        init.root_password = None


def apply_next_run(vm: Any, merge: Any) -> None:
    """The next run configuration becomes the VM's own (when it goes down)."""
    pending = getattr(vm, "_sim_next_run", None)
    if pending is not None:
        merge(vm, pending)
        set_private(vm, _sim_next_run=None)
        vm.next_run_configuration_exists = False


def emit_text(world: Any, code: int, text: str, **kw: Any) -> Any:
    """An event with the engine's code and its message already filled in."""
    event = ev.emit(world, code, **kw)
    event.description = text
    return event


class VmLifeMachine(MachineBase):
    """Handlers for the VM's devices, snapshots, clones and templates."""

    # ------------------------------------------------------------- NIC plug
    def nic_activate(self, nic: Any, ctx: Ctx) -> None:
        self._nic_plug(nic, ctx, True)

    def nic_deactivate(self, nic: Any, ctx: Ctx) -> None:
        self._nic_plug(nic, ctx, False)

    def _nic_plug(self, nic: Any, ctx: Ctx, plug: bool) -> None:
        """ActivateDeactivateVmNic: a hot (un)plug on a running VM, a flag on a down one."""
        vm: T.Vm | None = self.world.get("vms", nic.vm.id)
        assert vm is not None  # a NIC's VM exists
        verb = "activate" if plug else "deactivate"
        if vm.status not in (VS.DOWN, VS.UP) and vm.status in RUNNING:
            raise conflict(
                f"Cannot {verb} Interface. VM {vm.name} must be in status Down, Up or Paused."
            )
        if bool(nic.plugged) == plug:
            state = "plugged" if plug else "unplugged"
            raise conflict(f"Cannot {verb} Interface. The Network Interface is already {state}.")
        self._job(ctx, f"{'Plugging' if plug else 'Unplugging'} VM network interface {nic.name}")
        nic.plugged = plug
        kind = getattr(nic.interface, "value", nic.interface) or "virtio"
        text = (
            f"Network Interface {nic.name} ({kind}) was plugged to VM {vm.name}. (User: {ctx.user})"
            if plug
            else f"Network Interface {nic.name} ({kind}) was unplugged from VM {vm.name}."
            f" (User: {ctx.user})"
        )
        emit_text(self.world, 1012 if plug else 1014, text, vm=vm, correlation_id=ctx.cid)
        ev.end_job(self.world, ctx.job)

    # ------------------------------------------------------------ disk move
    def disk_move(self, disk: Any, ctx: Ctx) -> None:
        """MoveDisk: locked while the image is copied (job progress), then on the target."""
        w = self.world
        target = disk_action_target(w, disk, ctx, "move")
        current = {s.id for s in disk.storage_domains or []}
        if target.id in current:
            raise conflict(
                "Cannot move Virtual Disk. The source and target storage domains are the same."
            )
        owner = getattr(disk, "_sim_owner", ("", ""))
        vm = w.get("vms", owner[1]) if owner[0] == "vms" else None
        job = self._job(ctx, f"Moving Disk {disk.alias} to domain {target.name}", ["Copying"])
        emit_text(
            w,
            2008,
            f"User {ctx.user} moving disk {disk.alias} to domain {target.name}.",
            vm=vm,
            sd=target,
            correlation_id=ctx.cid,
        )
        self.set_status(disk, T.DiskStatus.LOCKED)

        def step(k: int) -> None:
            ev.progress_job(w, job, int(100 * k / T_MOVE_STEPS))
            if k < T_MOVE_STEPS:
                self.after(T_SUSPEND / T_MOVE_STEPS, lambda: step(k + 1))
                return
            disk.storage_domains = [ref(T.StorageDomain, "storagedomains", target.id)]
            self.set_status(disk, T.DiskStatus.OK)
            emit_text(
                w,
                2010,
                f"User {ctx.user} finished moving disk {disk.alias} to domain {target.name}.",
                vm=vm,
                sd=target,
                correlation_id=ctx.cid,
            )
            ev.end_job(w, job)

        self.after(T_SUSPEND / T_MOVE_STEPS, lambda: step(1))

    # ------------------------------------------------------------ snapshots
    @staticmethod
    def _check_previewable(vm: T.Vm, snap: T.Snapshot, snaps: list[T.Snapshot]) -> None:
        """The engine's refusals shared by snapshot preview and restore."""
        if snap.snapshot_type == T.SnapshotType.ACTIVE:
            raise conflict("Cannot preview Active VM snapshot.")
        if any(s.snapshot_type == T.SnapshotType.PREVIEW for s in snaps):
            raise conflict("Cannot preview Snapshot. VM is previewing a Snapshot.")
        if vm.status != VS.DOWN:
            raise conflict("Cannot preview Snapshot. At least one of the VMs is not down.")

    def _snaps(self, vm: Any) -> list[Any]:
        return self.world.sub_items("vms", vm, "snapshots")

    def _locked_for(self, vm: Any, ctx: Ctx, then: Any) -> None:
        """The VM is image_locked while the engine restores its images, then down."""
        op = self._begin(vm)
        self.set_status(vm, VS.IMAGE_LOCKED)
        job = ctx.job

        def done() -> None:
            self.set_status(vm, VS.DOWN)
            then()
            ev.end_job(self.world, job)

        self._later(vm, op, T_SNAPSHOT_OP, done)

    def vm_preview_snapshot(self, vm: Any, ctx: Ctx) -> None:
        """TryBackToAllSnapshotsOfVm: the chosen snapshot in_preview, the VM's current state
        kept as 'Active VM before the preview'."""
        snaps = self._snaps(vm)
        wanted = ctx.action.snapshot
        snap = next((s for s in snaps if wanted is not None and s.id == wanted.id), None)
        if snap is None:
            raise conflict("Cannot preview Snapshot. VM's Snapshot does not exist.")
        self._check_previewable(vm, snap, snaps)
        if snap.snapshot_status != T.SnapshotStatus.OK:
            raise conflict("Cannot preview Snapshot: Snapshot is locked. Please try again later.")
        self._job(ctx, f"Previewing Snapshot {snap.description} of VM {vm.name}")
        w = self.world
        emit_text(
            w,
            46,
            f"Snapshot-Preview {snap.description} for VM {vm.name} was initiated by {ctx.user}.",
            vm=vm,
            correlation_id=ctx.cid,
        )
        before = records.new_snapshot(
            w, vm, w.rng, "Active VM before the preview", T.SnapshotType.PREVIEW, w.now()
        )
        set_private(before, _sim_memory=vm.memory)
        snaps.append(before)
        snap.snapshot_status = T.SnapshotStatus.IN_PREVIEW
        set_private(snap, _sim_restore_memory=bool(ctx.action.restore_memory))

        def previewed() -> None:
            if getattr(snap, "_sim_memory", None):
                vm.memory = snap._sim_memory
            emit_text(
                w,
                71,
                f"Snapshot-Preview {snap.description} for VM {vm.name} has been completed.",
                vm=vm,
                correlation_id=ctx.cid,
            )

        self._locked_for(vm, ctx, previewed)

    def _in_preview(self, vm: Any, verb: str) -> tuple[Any, Any]:
        """The snapshot in preview and the 'before the preview' one; 409 as the engine's
        RestoreAllSnapshots says it when there is none."""
        snaps = self._snaps(vm)
        previewed = next(
            (s for s in snaps if s.snapshot_status == T.SnapshotStatus.IN_PREVIEW), None
        )
        before = next((s for s in snaps if s.snapshot_type == T.SnapshotType.PREVIEW), None)
        if previewed is None or before is None:
            raise conflict("Cannot revert to Snapshot. VM's Snapshot does not exist.")
        if vm.status != VS.DOWN:
            raise conflict(f"Cannot revert to Snapshot. VM {vm.name} is not down.")
        return previewed, before

    def vm_commit_snapshot(self, vm: Any, ctx: Ctx) -> None:
        """Keep the previewed state: the snapshots taken after it, and the state before the
        preview, are gone."""
        previewed, before = self._in_preview(vm, "commit")
        self._restore(vm, ctx, previewed, before)

    def _restore(self, vm: Any, ctx: Ctx, previewed: Any, before: Any) -> None:
        w = self.world
        snaps = self._snaps(vm)
        self._job(ctx, f"Restoring VM {vm.name} from Snapshot {previewed.description}")
        emit_text(
            w, 47, f"VM {vm.name} restored from Snapshot by {ctx.user}.", vm=vm,
            correlation_id=ctx.cid,
        )  # fmt: skip
        newer = [
            s
            for s in snaps
            if s.snapshot_type == T.SnapshotType.REGULAR and s.date and s.date > previewed.date
        ]
        for s in [before, *newer]:
            snaps.remove(s)
        previewed.snapshot_status = T.SnapshotStatus.OK

        def restored() -> None:
            emit_text(
                w, 100, f"VM {vm.name} restoring from Snapshot has been completed.", vm=vm,
                correlation_id=ctx.cid,
            )  # fmt: skip

        self._locked_for(vm, ctx, restored)

    def vm_undo_snapshot(self, vm: Any, ctx: Ctx) -> None:
        """Back to the state before the preview; the previewed snapshot stays, ok."""
        previewed, before = self._in_preview(vm, "undo")
        w = self.world
        self._job(ctx, f"Undoing the preview of VM {vm.name}")
        emit_text(
            w, 650, f"Undoing a Snapshot-Preview for VM {vm.name} was initialized by {ctx.user}.",
            vm=vm, correlation_id=ctx.cid,
        )  # fmt: skip
        self._snaps(vm).remove(before)
        previewed.snapshot_status = T.SnapshotStatus.OK
        memory = getattr(before, "_sim_memory", None)

        def undone() -> None:
            if memory:
                vm.memory = memory
            emit_text(
                w, 651, f"Undoing a Snapshot-Preview for VM {vm.name} has been completed.",
                vm=vm, correlation_id=ctx.cid,
            )  # fmt: skip

        self._locked_for(vm, ctx, undone)

    def snapshot_restore(self, snap: Any, ctx: Ctx) -> None:
        """POST .../snapshots/ID/restore: preview and commit in one."""
        vm: T.Vm | None = self.world.get("vms", snap.vm.id)
        assert vm is not None  # a snapshot's VM exists
        snaps = self._snaps(vm)
        self._check_previewable(vm, snap, snaps)
        w = self.world
        before = records.new_snapshot(
            w, vm, w.rng, "Active VM before the preview", T.SnapshotType.PREVIEW, w.now()
        )
        snaps.append(before)
        if getattr(snap, "_sim_memory", None):
            vm.memory = snap._sim_memory
        self._restore(vm, ctx, snap, before)

    # ---------------------------------------------------------------- clone
    def vm_clone(self, vm: Any, ctx: Ctx) -> None:
        """CloneVm: a new VM with copies of the source's disks (image_locked while copied)."""
        w = self.world
        spec = ctx.action.vm
        name = spec.name if spec is not None else None
        if not name:
            raise bad_request("Action [vm.name] required for clone")
        if vm.status == VS.IMAGE_LOCKED:
            raise conflict("Cannot add VM: VM is locked. Please try again in a few minutes.")
        if any(v.name == name for v in w.coll["vms"].values()):
            raise conflict(
                "Cannot add VM. The VM name is already in use, please choose a unique name and"
                " try again."
            )
        sd = None
        if ctx.action.storage_domain is not None:
            sd = _find_named(w, "storagedomains", ctx.action.storage_domain)
            if sd is None:
                raise bad_request("Entity not found: storage_domain")
        cl: T.Cluster | None = w.get("clusters", vm.cluster.id)
        assert cl is not None  # a VM's cluster exists
        tpl = w.get("templates", vm.template.id) if vm.template else None
        tpl = tpl or w.coll["templates"][BLANK_ID]
        new = records.make_vm(w, name, cl, tpl, VS.IMAGE_LOCKED, None, vm.memory, w.now(), w.rng)
        w.log_status(new.id, VS.IMAGE_LOCKED)
        new.description = vm.description
        new.os.type = vm.os.type
        new.cpu.topology = mk(
            T.CpuTopology,
            sockets=vm.cpu.topology.sockets,
            cores=vm.cpu.topology.cores,
            threads=vm.cpu.topology.threads,
        )
        new.stop_time = None
        self._copy_devices(vm, new, sd)
        job = self._job(ctx, f"Cloning VM {vm.name} to VM {name}", ["Copying disks"])
        ev.emit(w, 37, vm=new, correlation_id=ctx.cid, user=ctx.user)
        op = self._begin(new)

        def cloned() -> None:
            self.set_status(new, VS.DOWN)
            new.stop_time = w.now()
            ev.emit(w, 53, vm=new, correlation_id=ctx.cid)
            ev.end_job(w, job)

        self._later(new, op, T_ADD_VM, cloned)

    def _copy_devices(self, src: Any, new: Any, sd: Any) -> None:
        """The clone's NICs (new MACs) and copies of the source's disks (on ``sd`` if given)."""
        w = self.world
        nics = records.copied_nics(w, w.sub("vms", src, "nics") or [], new.id, keep_state=True)
        w.set_sub("vms", new.id, "nics", nics)
        atts = []
        for i, a in enumerate(w.sub("vms", src, "diskattachments") or [], start=1):
            old = w.all_disks().get(a.disk.id)
            if old is None or old.storage_type == T.DiskStorageType.LUN:
                continue  # a direct LUN is not copied
            where = sd or _find_named(w, "storagedomains", (old.storage_domains or [None])[0])
            disk = records.new_disk(
                w, w.rng, f"{new.name}_Disk{i}", old.provisioned_size or GiB, where, new.name,
                bool(a.bootable),
            )  # fmt: skip
            set_private(disk, _sim_owner=("vms", new.id))
            atts.append(
                mk(
                    T.DiskAttachment,
                    id=disk.id,
                    href=href("vms", new.id, "diskattachments", disk.id),
                    active=True,
                    bootable=bool(a.bootable),
                    interface=a.interface,
                    pass_discard=False,
                    read_only=False,
                    uses_scsi_reservation=False,
                    disk=ref(T.Disk, "disks", disk.id),
                    vm=ref(T.Vm, "vms", new.id),
                )
            )
        w.set_sub("vms", new.id, "diskattachments", atts)
        w.set_sub(
            "vms",
            new.id,
            "snapshots",
            [records.new_snapshot(w, new, w.rng, "Active VM", T.SnapshotType.ACTIVE, w.now())],
        )

    # ------------------------------------------------------------- templates
    def _add_template(self, req: Any, node: Any) -> Any:
        """AddVmTemplate: from a down VM; a new version of a base template when asked."""
        w = self.world
        cid = req.correlation_id
        t_in = parse_body(req.body, T.Template)
        if not t_in.name:
            raise HttpError(400, "Template [name] required for add", "Incomplete parameters")
        vm = _find_named(w, "vms", t_in.vm)
        if vm is None:
            raise HttpError(400, "Template [vm.id|name] required for add", "Incomplete parameters")
        if vm.status != VS.DOWN:
            raise conflict(
                "Cannot add Template. VM is locked or still running, try again once VM is in the"
                " Down state."
            )
        version = t_in.version
        base = _find_named(w, "templates", version.base_template) if version else None
        if version is not None and version.base_template is not None:
            if base is None:
                raise conflict("Cannot add Template. The relevant Template doesn't exist.")
            if base.id == BLANK_ID:
                raise conflict("Blank template can't have sub-templates.")
            base_of = base.version.base_template if base.version is not None else None
            if base_of is not None and base_of.id != base.id:
                raise conflict(
                    "Cannot add Template. Only the first template version can be selected as the"
                    " base template."
                )
        elif any(t.name == t_in.name for t in w.coll["templates"].values()):
            raise conflict(
                "Cannot add Template. The Template name is already in use, please choose a unique"
                " name and try again."
            )
        cl = w.get("clusters", vm.cluster.id)
        tid = w.new_id()
        tpl = records.make_template(
            w, tid, t_in.name, cl, t_in.description or "", w.now(), w.rng, vm.os.type or "other"
        )
        tpl.memory = vm.memory
        tpl.comment = t_in.comment or ""
        tpl.cpu.topology = mk(
            T.CpuTopology,
            sockets=vm.cpu.topology.sockets,
            cores=vm.cpu.topology.cores,
            threads=vm.cpu.topology.threads,
        )
        if base is not None:
            number = 1 + max(
                (t.version.version_number or 1)
                for t in w.coll["templates"].values()
                if t.id == base.id or (t.version and t.version.base_template
                                       and t.version.base_template.id == base.id)
            )  # fmt: skip
            tpl.version = mk(
                T.TemplateVersion,
                version_number=number,
                version_name=version.version_name or "",
                base_template=ref(T.Template, "templates", base.id),
            )
            tpl.name = base.name  # versions share the base template's name
        else:
            tpl.version = mk(
                T.TemplateVersion,
                version_number=1,
                version_name=(version.version_name if version else None) or "base",
                base_template=ref(T.Template, "templates", tid),
            )
        set_private(tpl, _sim_sealed=bool(req.flag("seal")) or bool(getattr(t_in, "seal", False)))
        tpl.status = T.TemplateStatus.LOCKED
        n_disks = len([a for a in w.sub("vms", vm, "diskattachments") or [] if a.disk is not None])
        w.set_sub(
            "templates", tid, "diskattachments",
            records.disk_attachments(w, w.rng, "templates", tpl, n_disks),
        )  # fmt: skip
        job = ev.start_job(w, f"Creating Template {tpl.name} from VM {vm.name}", cid)
        emit_text(
            w, 48,
            f"Creation of Template {tpl.name} from VM {vm.name} was initiated by admin@internal.",
            vm=vm, template=tpl, correlation_id=cid,
        )  # fmt: skip
        op = self._begin(vm)
        self.set_status(vm, VS.IMAGE_LOCKED)

        def made() -> None:
            tpl.status = T.TemplateStatus.OK
            self.set_status(vm, VS.DOWN)
            emit_text(
                w, 51, f"Creation of Template {tpl.name} from VM {vm.name} has been completed.",
                vm=vm, template=tpl, correlation_id=cid,
            )  # fmt: skip
            ev.end_job(w, job)

        self._later(vm, op, T_ADD_VM, made)
        body = render.document(render.entity(tpl, "template"))
        return Response(201, body, headers={"Location": tpl.href})

    def _remove_template(self, req: Any, node: Any) -> Any:
        """RemoveVmTemplate: never Blank, never while VMs use it or versions are based on it."""
        w = self.world
        tpl = node.obj
        if tpl.id == BLANK_ID:
            raise conflict("Cannot remove Template. Removing Blank Template is not allowed.")
        if tpl.status == T.TemplateStatus.LOCKED:
            raise conflict("Cannot remove Template: Template is locked. Please try again later.")
        users = sorted(
            v.name
            for v in w.coll["vms"].values()
            if v.template is not None and v.template.id == tpl.id
        )
        if users:
            raise conflict(
                f"Cannot delete Template. Template is being used by the following VMs: "
                f"{', '.join(users)}."
            )
        versions = sorted(
            f"{t.name}/{t.version.version_name}"
            for t in w.coll["templates"].values()
            if t.id != tpl.id and t.version is not None and t.version.base_template is not None
            and t.version.base_template.id == tpl.id
        )  # fmt: skip
        if versions:
            raise conflict(
                "Cannot delete Base Template that has Template Versions, please first remove all"
                f" Template Versions for this Template: {', '.join(versions)}."
            )
        job = ev.start_job(w, f"Removing Template {tpl.name}", req.correlation_id)
        emit_text(
            w, 50, f"Removal of Template {tpl.name} was initiated by admin@internal.",
            template=tpl, correlation_id=req.correlation_id,
        )  # fmt: skip
        for att in w.sub("templates", tpl, "diskattachments") or []:
            w.coll["disks"].pop(att.disk.id, None)
        del w.coll["templates"][tpl.id]
        w.drop_subs("templates", tpl.id)
        ev.end_job(w, job)
        return Response(200, b"")
