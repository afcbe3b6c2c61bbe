"""Floating disks (the Disks tab): ``disk create`` on a data domain, ``update`` (name,
description, a larger size, flags), ``remove``, ``move`` and ``copy`` to another storage
domain, each followed until the engine has done it (the disk locked, then ok; the job's
progress as a fraction). Uploads and downloads are in :mod:`.disk_transfer`.

TUI keys on the Disks tab: c create, U update, D remove, O move, Y copy.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .vm_create import parse_size
from .vm_disks import DISK_WAIT, move_disk, wait_disk
from .vm_writes import add_once
from .waiters import send_action, wait_gone
from .writes import done

DISK_COLUMNS = ("name", "provisioned_size", "status", "format", "storage_domains", "id")
SD = Param(
    "storagedomain", ("--storagedomain", "--sd"), "the (data) storage domain", "storagedomain",
    required=True,
)  # fmt: skip


def disk_service(ctx: ActionContext, did: str) -> Any:
    return ctx.system.disks_service().disk_service(did)


def fetch_disk(ctx: ActionContext, target: Any) -> types.Disk:
    did = target if isinstance(target, str) else target.id
    with engine_errors("reading the disk"):
        disk: types.Disk = disk_service(ctx, did).get()
    return disk


def _result(ctx: ActionContext, disk: Any, message: str) -> Result:
    return done(ctx, message, disk, columns=DISK_COLUMNS)


@verb(
    "disk",
    "create",
    "Create a floating disk on a data storage domain",
    params=(
        Param("name", ("--name",), "name (alias) of the disk", "text", required=True),
        Param("size", ("--size",), "its size: 10G, 512M (a number alone is MiB)", "text",
              required=True),
        SD,
        Param("format", ("--format",), "cow (thin, qcow2) or raw", "choice", "cow",
              choices=("cow", "raw")),
        Param("preallocated", ("--preallocated",), "not sparse (fully allocated)", "flag"),
        Param("description", ("--description",), "description", "text"),
        Param("shareable", ("--shareable",), "several VMs may attach it", "flag"),
    ),
    target="none",
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="c",
)  # fmt: skip
def create(ctx: ActionContext, target: Any, **p: Any) -> Result:
    """The disk is locked while the engine creates it; waits until it is ok."""
    if not p.get("name") or not p.get("size") or not p.get("storagedomain"):
        raise UsageError("disk create needs --name, --size and --storagedomain.")
    spec = types.Disk(
        name=p["name"],
        alias=p["name"],
        provisioned_size=parse_size(p["size"], "size"),
        format=types.DiskFormat(p.get("format") or "cow"),
        sparse=not p.get("preallocated"),
        description=p.get("description"),
        shareable=bool(p.get("shareable")) or None,
        storage_domains=[types.StorageDomain(name=p["storagedomain"])],
    )
    svc = ctx.system.disks_service()
    label = f"create disk {p['name']}"

    def find() -> Any | None:
        found = [d for d in svc.list(search=f"name={p['name']}") if d.name == p["name"]]
        return found[0] if found else None

    disk, cid, follower = add_once(ctx, svc, spec, label, find)
    if ctx.async_:
        return Result(True, f"{label}: accepted", disk, columns=DISK_COLUMNS)
    disk = wait_disk(ctx, disk.id, label, follower, cid)
    return _result(ctx, disk, f"disk {disk.name} is ok")


@verb(
    "disk",
    "update",
    "Change a disk: name, description, a larger size, wipe after delete, shareable",
    params=(
        Param("new_name", ("--new-name",), "a new name (alias)", "text"),
        Param("description", ("--description",), "description", "text"),
        Param("size", ("--size",), "a larger size: 20G, or +10G to add", "text"),
        Param("wipe", ("--wipe-after-delete",), "yes or no", "choice", choices=("yes", "no")),
        Param("shareable", ("--shareable",), "yes or no", "choice", choices=("yes", "no")),
    ),
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="U",
)  # fmt: skip
def update(ctx: ActionContext, target: Any, **p: Any) -> Result:
    """The engine grows a disk (never shrinks it: it says so); the rest is applied at once."""
    disk = fetch_disk(ctx, target)
    spec = types.Disk()
    if p.get("new_name"):
        spec.name = spec.alias = p["new_name"]
    if p.get("description") is not None:
        spec.description = p["description"]
    new_size = None
    if p.get("size"):
        grow = str(p["size"]).strip()
        new_size = (
            (disk.provisioned_size or 0) + parse_size(grow[1:], "size")
            if grow.startswith("+")
            else parse_size(grow, "size")
        )
        spec.provisioned_size = new_size
    if p.get("wipe"):
        spec.wipe_after_delete = p["wipe"] == "yes"
    if p.get("shareable"):
        spec.shareable = p["shareable"] == "yes"
    if not any(p.get(k) for k in ("new_name", "size", "wipe", "shareable")) and (
        p.get("description") is None
    ):
        raise UsageError("Say what to change: --new-name, --description, --size, ...")
    what = f"disk {disk.name}"
    cid, follower = send_action(ctx, disk_service(ctx, disk.id), "update", what=what, disk=spec)
    if ctx.async_ or new_size is None:
        return _result(ctx, fetch_disk(ctx, disk.id), f"{what} updated")
    final = wait_disk(
        ctx, disk.id, f"resize {what}", follower, cid, lambda d: d.provisioned_size == new_size
    )
    return _result(ctx, final, f"{what} is {new_size / 2**30:g} GiB")


@verb(
    "disk",
    "remove",
    "Remove a disk and its data",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=DISK_WAIT,
    key="D",
)
def remove(ctx: ActionContext, target: Any) -> Result:
    disk = fetch_disk(ctx, target)
    what = f"disk {disk.name}"
    svc = disk_service(ctx, disk.id)
    _, follower = send_action(ctx, svc, "remove", what=what, verb="remove")
    if not ctx.async_:
        wait_gone(
            ctx, svc, what=what, timeout=ctx.timeout_for(DISK_WAIT), follower=follower,
            timed_out=f"{what} is still listed after its removal.",
        )  # fmt: skip
    message = f"{what} removed"
    ctx.progress("done", message, fraction=1.0)
    return Result(True, message, {"name": disk.name, "id": disk.id})


@verb(
    "disk",
    "move",
    "Move a disk to another storage domain (the engine's job progress)",
    params=(SD,),
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="O",
)
def move(ctx: ActionContext, target: Any, storagedomain: str | None = None) -> Result:
    if not storagedomain:
        raise UsageError("disk move needs --storagedomain NAME.")
    disk = fetch_disk(ctx, target)
    what = f"disk {disk.name}"
    final = move_disk(ctx, disk.id, storagedomain, what)
    if final is None:
        return _result(ctx, disk, f"move {what}: accepted")
    return _result(ctx, final, f"{what} moved to {storagedomain}")


@verb(
    "disk",
    "copy",
    "Copy a disk to a storage domain, as a new disk",
    params=(SD, Param("name", ("--name",), "the copy's name (default: NAME_copy)", "text")),
    mutating=True,
    waits=True,
    wait=DISK_WAIT,
    key="Y",
)
def copy(
    ctx: ActionContext, target: Any, storagedomain: str | None = None, name: str | None = None
) -> Result:
    if not storagedomain:
        raise UsageError("disk copy needs --storagedomain NAME.")
    disk = fetch_disk(ctx, target)
    new_name = name or f"{disk.name}_copy"
    what = f"disk {disk.name}"
    svc = ctx.system.disks_service()
    with engine_errors("listing disks"):
        before = {d.id for d in svc.list(search=f"name={new_name}")}
    cid, follower = send_action(
        ctx, disk_service(ctx, disk.id), "copy", what=what,
        storage_domain=types.StorageDomain(name=storagedomain),
        disk=types.Disk(alias=new_name, name=new_name),
    )  # fmt: skip
    if ctx.async_:
        return _result(ctx, disk, f"copy {what}: accepted")
    with engine_errors("listing disks"):
        made = [d for d in svc.list(search=f"name={new_name}") if d.id not in before]
    if not made:
        raise EngineRefused(f"copy {what}: the engine shows no disk {new_name} after the copy.")
    final = wait_disk(ctx, made[0].id, f"copy {what} to {storagedomain}", follower, cid)
    return _result(ctx, final, f"{what} copied to {storagedomain} as {final.name}")
