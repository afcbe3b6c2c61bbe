"""A VM's disks: ``disk-add`` (new on a storage domain, or an existing disk attached),
``disk-detach``, ``disk-remove``, ``disk-resize`` (grow only: the engine refuses otherwise),
``disk-move`` (to another storage domain, with the engine's job progress),
``disk-activate`` / ``disk-deactivate``."""

from __future__ import annotations

import time
from typing import Any

from .base import ActionContext, EngineRefused, Param, Result, UsageError, WaitTimeout
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .vm_common import fetch_vm, vm_service
from .vm_create import parse_size
from .vm_writes import add_once, by_name_or_id
from .waiters import EventFollower, jobs_of, send_action, span, status_of

DISK_WAIT = 3600.0
INTERFACES = ("virtio_scsi", "virtio", "ide", "sata", "spapr_vscsi")
DISK = Param("disk", ("disk",), "the disk: its name (alias) or id", "text")
DISK_COLUMNS = ("name", "provisioned_size", "status", "storage_domains", "format", "id")


def _attachments(ctx: ActionContext, vm: Any) -> list[Any]:
    with engine_errors(f"listing the disks of VM {vm.name}"):
        return list(vm_service(ctx, vm).disk_attachments_service().list())


def _disk(ctx: ActionContext, did: str) -> Any:
    with engine_errors("reading a disk"):
        return ctx.system.disks_service().disk_service(did).get()


def _attached(ctx: ActionContext, vm: Any, which: str | None) -> tuple[Any, Any]:
    """(attachment, disk) of the VM's disk named ``which`` (alias or id)."""
    if not which:
        raise UsageError(
            "Say which disk: its name or id (ovtui run vm -n VM export diskattachments)."
        )
    atts = _attachments(ctx, vm)
    disks = [_disk(ctx, a.disk.id) for a in atts if a.disk is not None]
    disk = by_name_or_id(disks, which, "disk", f"VM {vm.name}")
    att = next(a for a in atts if a.disk is not None and a.disk.id == disk.id)
    return att, disk


def _vm_disks(ctx: ActionContext, vm: Any) -> list[Any]:
    return [_disk(ctx, a.disk.id) for a in _attachments(ctx, vm) if a.disk is not None]


def _done(ctx: ActionContext, vm: Any, message: str) -> Result:
    ctx.progress("done", message, fraction=1.0)
    return Result(
        ok=True, message=message, data=_vm_disks(ctx, vm), columns=DISK_COLUMNS, root="disks"
    )


def wait_disk(
    ctx: ActionContext,
    did: str,
    what: str,
    follower: EventFollower,
    cid: str | None = None,
    done: Any = None,
) -> Any:
    """Until the disk is ``ok`` (and ``done(disk)``); the engine's job progress as fraction."""
    limit = ctx.timeout_for(DISK_WAIT)
    deadline = time.monotonic() + limit
    ctx.progress("wait", f"{what}: waiting up to {span(limit)}")
    last, last_pct = None, None
    while True:
        ctx.check_cancelled()
        follower.poll()
        disk = _disk(ctx, did)
        st = status_of(disk)
        if st != last:
            ctx.progress("status", f"{what}: {st}", status=st)
            last = st
        pct = _job_percent(ctx, cid)
        if pct is not None and pct != last_pct and st != "ok":
            ctx.progress("progress", f"{what}: {pct}%", fraction=pct / 100)
            last_pct = pct
        if st == "ok" and (done is None or done(disk)):
            return disk
        if st == "illegal":
            raise EngineRefused(f"{what}: the disk became illegal.")
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"Timed out after {limit:g} s waiting for {what} (last: {st}).")
        ctx.sleep(ctx.poll_interval)


def _job_percent(ctx: ActionContext, cid: str | None) -> int | None:
    """The progress of the running step of the engine's job for ``cid`` (None if unknown)."""
    try:
        jobs = jobs_of(ctx, cid) or []
        for job in jobs:
            steps = ctx.system.jobs_service().job_service(job.id).steps_service().list()
            running = [s for s in steps if status_of(s) == "started" and s.progress is not None]
            if running:
                return int(running[0].progress)
    except Exception:  # noqa: BLE001 - progress is a nicety; the disk's status decides
        return None
    return None


@verb(
    "vm",
    "disk-add",
    "Add a disk to the VM: a new one on a storage domain, or --attach an existing one",
    params=(
        Param("size", ("--size",), "size of a new disk: GiB units as 10G, 512M", "text"),
        Param("storagedomain", ("--storagedomain", "--sd"), "storage domain of a new disk",
              "storagedomain"),
        Param("name", ("--name",), "name (alias) of the new disk", "text"),
        Param("format", ("--format",), "cow (thin, qcow2) or raw", "choice", "cow",
              choices=("cow", "raw")),
        Param("preallocated", ("--preallocated",), "not sparse (raw, fully allocated)", "flag"),
        Param("interface", ("--interface",), "disk interface", "choice", "virtio_scsi",
              choices=INTERFACES),
        Param("bootable", ("--bootable",), "the VM boots from it", "flag"),
        Param("attach", ("--attach",), "attach this existing disk (name or id) instead", "text"),
    ),
    target="one",
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="A",
    subtab="vm_disks",
)  # fmt: skip
def disk_add(ctx: ActionContext, target: Any, **params: Any) -> Result:
    """A new disk is locked while the engine creates it; waits until it is ok."""
    from ovirtsdk4 import types

    vm = fetch_vm(ctx, target)
    atts = _attachments(ctx, vm)
    interface = types.DiskInterface(params.get("interface") or "virtio_scsi")
    if params.get("attach"):
        disk = _find_disk(ctx, params["attach"])
        spec = types.DiskAttachment(
            disk=types.Disk(id=disk.id), interface=interface, active=True,
            bootable=bool(params.get("bootable")),
        )  # fmt: skip
        label = f"attach disk {disk.name} to VM {vm.name}"
    else:
        if not params.get("size") or not params.get("storagedomain"):
            raise UsageError("disk-add needs --size and --storagedomain (or --attach DISK).")
        name = params.get("name") or f"{vm.name}_Disk{len(atts) + 1}"
        spec = types.DiskAttachment(
            disk=types.Disk(
                name=name,
                provisioned_size=parse_size(params["size"], "size"),
                format=types.DiskFormat(params.get("format") or "cow"),
                sparse=not params.get("preallocated"),
                storage_domains=[types.StorageDomain(name=params["storagedomain"])],
            ),
            interface=interface,
            bootable=bool(params.get("bootable")),
            active=True,
        )
        label = f"add disk {name} to VM {vm.name}"
    before = {a.id for a in atts}
    svc = vm_service(ctx, vm).disk_attachments_service()

    def find() -> Any | None:
        new = [a for a in svc.list() if a.id not in before]
        return new[0] if new else None

    att, cid, follower = add_once(ctx, svc, spec, label, find)
    if not ctx.async_:
        wait_disk(ctx, att.disk.id, label, follower, cid)
    return _done(ctx, vm, f"{label}: done")


def _find_disk(ctx: ActionContext, which: str) -> Any:
    disks = ctx.system.disks_service()
    with engine_errors(f"looking up disk {which}"):
        found = [d for d in disks.list(search=f"name={quote(which)}") if d.name == which]
        if not found:
            try:
                found = [disks.disk_service(which).get()]
            except Exception:  # noqa: BLE001 - not an id either
                found = []
    if len(found) != 1:
        from .base import NoMatch

        raise NoMatch(f"{len(found) or 'No'} disk(s) named {which!r}.", "Name it by id.")
    return found[0]


def _remove(ctx: ActionContext, target: Any, disk: str | None, detach_only: bool) -> Result:
    vm = fetch_vm(ctx, target)
    att, d = _attached(ctx, vm, disk)
    svc = vm_service(ctx, vm).disk_attachments_service().attachment_service(att.id)
    word = "detach" if detach_only else "remove"
    send_action(
        ctx, svc, "remove", what=f"disk {d.name} of VM {vm.name}", verb=word,
        detach_only=detach_only,
    )  # fmt: skip
    kept = " (the disk stays, floating)" if detach_only else ""
    return _done(ctx, vm, f"disk {d.name} {word}ed from VM {vm.name}{kept}")


@verb("vm", "disk-detach", "Detach a disk from the VM (the disk stays)", params=(DISK,),
      target="one", mutating=True, key="d", subtab="vm_disks", subject="disk")  # fmt: skip
def disk_detach(ctx: ActionContext, target: Any, disk: str | None = None) -> Result:
    return _remove(ctx, target, disk, True)


@verb("vm", "disk-remove", "Remove a disk of the VM and its data", params=(DISK,),
      target="one", mutating=True, dangerous=True, key="r", subtab="vm_disks", subject="disk")  # fmt: skip
def disk_remove(ctx: ActionContext, target: Any, disk: str | None = None) -> Result:
    return _remove(ctx, target, disk, False)


@verb(
    "vm",
    "disk-resize",
    "Grow a disk of the VM (the engine refuses to shrink one)",
    params=(DISK, Param("size", ("--size",), "the new size: 20G, or +10G to add", "text")),
    target="one",
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="E",
    subtab="vm_disks",
    subject="disk",
)
def disk_resize(
    ctx: ActionContext, target: Any, disk: str | None = None, size: str | None = None
) -> Result:
    """The new size goes to the engine as asked: it says itself when it is smaller."""
    from ovirtsdk4 import types

    if not size:
        raise UsageError("disk-resize needs --size (20G, or +10G).")
    vm = fetch_vm(ctx, target)
    att, d = _attached(ctx, vm, disk)
    grow = str(size).strip()
    new = (d.provisioned_size or 0) + parse_size(grow[1:], "size") if grow.startswith("+") else (
        parse_size(grow, "size")
    )  # fmt: skip
    svc = vm_service(ctx, vm).disk_attachments_service().attachment_service(att.id)
    what = f"disk {d.name} of VM {vm.name}"
    cid, follower = send_action(
        ctx, svc, "update", what=what, verb="resize",
        disk_attachment=types.DiskAttachment(disk=types.Disk(provisioned_size=new)),
    )  # fmt: skip
    if not ctx.async_:
        wait_disk(ctx, d.id, f"resize {what}", follower, cid, lambda x: x.provisioned_size == new)
    return _done(ctx, vm, f"{what} is {new / 2**30:g} GiB")


@verb(
    "vm",
    "disk-move",
    "Move a disk of the VM to another storage domain",
    params=(
        DISK,
        Param("storagedomain", ("--storagedomain", "--sd"), "the storage domain to move it to",
              "storagedomain", required=True),
    ),
    target="one",
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="O",
    subtab="vm_disks",
    subject="disk",
)  # fmt: skip
def disk_move(
    ctx: ActionContext, target: Any, disk: str | None = None, storagedomain: str | None = None
) -> Result:
    if not storagedomain:
        raise UsageError("disk-move needs --storagedomain NAME.")
    vm = fetch_vm(ctx, target)
    _, d = _attached(ctx, vm, disk)
    what = f"disk {d.name} of VM {vm.name}"
    move_disk(ctx, d.id, storagedomain, what)
    return _done(ctx, vm, f"{what} moved to {storagedomain}")


def move_disk(ctx: ActionContext, did: str, storagedomain: str, what: str) -> Any | None:
    """Send the move of disk ``did`` to the storage domain named ``storagedomain`` once;
    unless async (then None), wait until the disk is ok there and return it."""
    from ovirtsdk4 import types

    cid, follower = send_action(
        ctx,
        ctx.system.disks_service().disk_service(did),
        "move",
        what=what,
        storage_domain=types.StorageDomain(name=storagedomain),
    )
    if ctx.async_:
        return None
    target_id = sd_id(ctx, storagedomain)

    def there(x: Any) -> bool:
        return any(s.id == target_id for s in x.storage_domains or [])

    return wait_disk(ctx, did, f"move {what} to {storagedomain}", follower, cid, there)


def sd_id(ctx: ActionContext, name: str) -> str | None:
    """The id of the storage domain named ``name``; None when the engine has none."""
    with engine_errors(f"looking up storage domain {name}"):
        found = [
            s for s in ctx.system.storage_domains_service().list(search=f"name={quote(name)}")
            if s.name == name
        ]  # fmt: skip
    return found[0].id if found else None


def _activate(ctx: ActionContext, target: Any, disk: str | None, active: bool) -> Result:
    from ovirtsdk4 import types

    vm = fetch_vm(ctx, target)
    att, d = _attached(ctx, vm, disk)
    svc = vm_service(ctx, vm).disk_attachments_service().attachment_service(att.id)
    word = "activate" if active else "deactivate"
    send_action(
        ctx, svc, "update", what=f"disk {d.name} of VM {vm.name}", verb=word,
        disk_attachment=types.DiskAttachment(active=active),
    )  # fmt: skip
    return _done(ctx, vm, f"disk {d.name} of VM {vm.name} {word}d")


@verb("vm", "disk-activate", "Activate (hot plug) a disk of the VM", params=(DISK,),
      target="one", mutating=True, key="i", subtab="vm_disks", subject="disk")  # fmt: skip
def disk_activate(ctx: ActionContext, target: Any, disk: str | None = None) -> Result:
    return _activate(ctx, target, disk, True)


@verb("vm", "disk-deactivate", "Deactivate (hot unplug) a disk of the VM", params=(DISK,),
      target="one", mutating=True, key="u", subtab="vm_disks", subject="disk")  # fmt: skip
def disk_deactivate(ctx: ActionContext, target: Any, disk: str | None = None) -> Result:
    return _activate(ctx, target, disk, False)
