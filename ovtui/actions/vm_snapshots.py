"""VM snapshots: ``snapshot-create``, ``snapshot-list``, ``snapshot-remove``,
``snapshot-preview``, ``snapshot-commit``, ``snapshot-undo``, ``snapshot-restore``.

The registry holds one level of verbs per noun, so the snapshot verbs are hyphenated rather
than nested (``ovtui run vm -n web1 snapshot-create --description before-upgrade``).
"""

from __future__ import annotations

import time
from typing import Any

import ovirtsdk4

from .base import ActionContext, EngineRefused, NoMatch, Param, ReplyLost, Result, WaitTimeout
from .declare import verb
from .errors import engine_errors
from .vm_common import TIMEOUTS, fetch_vm, finished, job_finished, vm_service, wait_vm
from .waiters import EventFollower, read_back, send_action

SNAPSHOT_COLUMNS = (
    "description",
    "snapshot_type",
    "snapshot_status",
    "date",
    "persist_memorystate",
    "id",
)


def _snap_status(snap: Any) -> str | None:
    st = getattr(snap, "snapshot_status", None)
    return getattr(st, "value", st)


def _snapshots(ctx: ActionContext, vm: Any) -> list[Any]:
    with engine_errors(f"listing the snapshots of VM {vm.name}"):
        return list(vm_service(ctx, vm).snapshots_service().list())


def _find_snapshot(ctx: ActionContext, vm: Any, which: str) -> Any:
    snaps = _snapshots(ctx, vm)
    found = [s for s in snaps if s.id == which] or [s for s in snaps if s.description == which]
    if not found:
        raise NoMatch(f"VM {vm.name} has no snapshot with id or description {which!r}.")
    if len(found) > 1:
        raise NoMatch(
            f"VM {vm.name} has {len(found)} snapshots described {which!r}.",
            "Name it by id (see snapshot-list).",
        )
    return found[0]


def _wait_snapshot(
    ctx: ActionContext,
    service: Any,
    what: str,
    follower: EventFollower,
    *,
    gone: bool,
) -> Any:
    """Wait until the snapshot is ``ok`` (created) or no longer exists (removed)."""
    limit = ctx.timeout_for(TIMEOUTS["snapshot"])
    deadline = time.monotonic() + limit
    last = None
    while True:
        ctx.check_cancelled()
        follower.poll()
        try:
            snap = service.get()
        except ovirtsdk4.NotFoundError:
            if gone:
                return None
            raise EngineRefused(f"{what} disappeared: the engine could not make it.") from None
        except ovirtsdk4.Error as exc:
            with engine_errors(f"reading {what}"):
                raise exc
        st = _snap_status(snap)
        if st != last:
            ctx.progress("status", f"{what}: {st}", status=st)
            last = st
        if not gone and st == "ok":
            return snap
        if time.monotonic() >= deadline:
            goal = "be removed" if gone else "be ok"
            raise WaitTimeout(
                f"Timed out after {limit:g} s waiting for {what} to {goal} (last status: {last})."
            )
        ctx.sleep(ctx.poll_interval)


@verb(
    "vm",
    "snapshot-create",
    "Take a snapshot of the VM",
    params=(
        Param("description", ("--description",), "snapshot description", "text", "ovtui"),
        Param("memory", ("--memory",), "save the memory state too (running VM)", "flag"),
    ),
    target="many",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["snapshot"],
    key="K",
    subtab="snapshots",
)
def snapshot_create(
    ctx: ActionContext, target: Any, description: str = "ovtui", memory: bool = False
) -> Result:
    """The snapshot is ``locked`` while the engine takes it, then ``ok``."""
    from ovirtsdk4 import types

    from .base import new_correlation_id

    vm = fetch_vm(ctx, target)
    snaps = vm_service(ctx, vm).snapshots_service()
    cid = new_correlation_id("snapshot")
    follower = EventFollower(ctx, cid)
    spec = types.Snapshot(description=description or "ovtui", persist_memorystate=bool(memory))
    before = {s.id for s in _snapshots(ctx, vm)}  # to tell a new one if the reply is lost
    label = f"snapshot VM {vm.name}"
    try:
        with engine_errors(label):
            snap = snaps.add(spec, headers={"Correlation-Id": cid})
    except ReplyLost as lost:
        new: list[Any] = []

        def find() -> str | None:
            new[:] = [
                s for s in snaps.list() if s.id not in before and s.description == spec.description
            ]
            return f"snapshot {spec.description!r}, id {new[0].id}" if new else None

        found = read_back(ctx, lost, label, cid, follower, find)
        if not new and not find():
            raise EngineRefused(
                f"{label}: the engine took the request ({found}) but shows no new snapshot"
                f" {spec.description!r}.",
                f"See what it has: ovtui run vm -i {vm.id} snapshot-list",
            ) from None
        snap = new[0]
    what = f"snapshot {snap.description!r} of VM {vm.name}"
    ctx.progress("accepted", f"{what}: accepted by the engine (id {snap.id})")
    if ctx.async_:
        return Result(ok=True, message=f"{what}: accepted", data=snap)
    final = _wait_snapshot(ctx, snaps.snapshot_service(snap.id), what, follower, gone=False)
    ctx.progress("done", f"{what} is ok", fraction=1.0)
    return Result(ok=True, message=f"{what} taken (id {snap.id})", data=final)


@verb("vm", "snapshot-list", "List the VM's snapshots", target="one", key="k")
def snapshot_list(ctx: ActionContext, target: Any) -> Result:
    vm = fetch_vm(ctx, target)
    snaps = _snapshots(ctx, vm)
    return Result(
        ok=True,
        message=f"{len(snaps)} snapshot(s) of VM {vm.name}",
        data=snaps,
        columns=SNAPSHOT_COLUMNS,
        root="snapshots",
    )


@verb(
    "vm",
    "snapshot-remove",
    "Remove one snapshot of the VM",
    params=(Param("snapshot", ("snapshot",), "snapshot id or description", "text"),),
    target="one",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=TIMEOUTS["snapshot"],
    key="F",
    subtab="snapshots",
    subject="snapshot",
)
def snapshot_remove(ctx: ActionContext, target: Any, snapshot: str | None = None) -> Result:
    """Merges the snapshot's data into its child and forgets it."""
    vm = fetch_vm(ctx, target)
    if not snapshot:
        from .base import UsageError

        raise UsageError("Say which snapshot: its id or description (see snapshot-list).")
    snap = _find_snapshot(ctx, vm, snapshot)
    stype = getattr(getattr(snap, "snapshot_type", None), "value", None)
    if stype == "active":
        raise EngineRefused("Cannot remove the active snapshot (the VM's current state).")
    svc = vm_service(ctx, vm).snapshots_service().snapshot_service(snap.id)
    what = f"snapshot {snap.description!r} of VM {vm.name}"
    _, follower = send_action(ctx, svc, "remove", what=what, verb="remove")
    if ctx.async_:
        return Result(ok=True, message=f"remove {what}: accepted", data=snap)
    _wait_snapshot(ctx, svc, what, follower, gone=True)
    ctx.progress("done", f"{what} removed", fraction=1.0)
    return Result(ok=True, message=f"{what} removed", data=snap)


SNAPSHOT = Param("snapshot", ("snapshot",), "snapshot id or description", "text")


def _restore_wait(
    ctx: ActionContext, vm: Any, cid: str, follower: EventFollower, what: str
) -> Result:
    """The VM is image_locked while the engine restores its images, then down."""
    if ctx.async_:
        return Result(ok=True, message=f"{what}: accepted", data=vm)
    wait_vm(
        ctx, vm, wanted={"down"}, verb="snapshot", via={"image_locked"}, follower=follower,
        confirm=lambda: job_finished(ctx, cid), settle=5.0,
    )  # fmt: skip
    return finished(ctx, vm, what)


def _need(snapshot: str | None) -> str:
    if not snapshot:
        from .base import UsageError

        raise UsageError("Say which snapshot: its id or description (see snapshot-list).")
    return snapshot


@verb(
    "vm",
    "snapshot-preview",
    "Preview a snapshot: the down VM runs from it until commit or undo",
    params=(SNAPSHOT, Param("memory", ("--memory",), "restore the saved memory too", "flag")),
    target="one",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["snapshot"],
    key="W",
    subtab="snapshots",
    subject="snapshot",
)
def snapshot_preview(
    ctx: ActionContext, target: Any, snapshot: str | None = None, memory: bool = False
) -> Result:
    from ovirtsdk4 import types

    vm = fetch_vm(ctx, target)
    snap = _find_snapshot(ctx, vm, _need(snapshot))
    cid, follower = send_action(
        ctx, vm_service(ctx, vm), "preview_snapshot", what=f"VM {vm.name}", verb="preview",
        snapshot=types.Snapshot(id=snap.id), restore_memory=bool(memory),
    )  # fmt: skip
    return _restore_wait(
        ctx, vm, cid, follower, f"VM {vm.name} previews snapshot {snap.description!r}"
    )


@verb("vm", "snapshot-commit", "Keep the previewed snapshot (later snapshots are dropped)",
      target="one", mutating=True, dangerous=True, waits=True, wait=TIMEOUTS["snapshot"],
      key="Y", subtab="snapshots")  # fmt: skip
def snapshot_commit(ctx: ActionContext, target: Any) -> Result:
    vm = fetch_vm(ctx, target)
    cid, follower = send_action(
        ctx, vm_service(ctx, vm), "commit_snapshot", what=f"VM {vm.name}", verb="commit"
    )
    return _restore_wait(ctx, vm, cid, follower, f"VM {vm.name}: the previewed snapshot is kept")


@verb("vm", "snapshot-undo", "Leave the preview: back to the state before it", target="one",
      mutating=True, waits=True, wait=TIMEOUTS["snapshot"], key="J",
      subtab="snapshots")  # fmt: skip
def snapshot_undo(ctx: ActionContext, target: Any) -> Result:
    vm = fetch_vm(ctx, target)
    cid, follower = send_action(
        ctx, vm_service(ctx, vm), "undo_snapshot", what=f"VM {vm.name}", verb="undo"
    )
    return _restore_wait(ctx, vm, cid, follower, f"VM {vm.name} is back to before the preview")


@verb("vm", "snapshot-restore", "Restore the down VM to a snapshot (preview and commit)",
      params=(SNAPSHOT,), target="one", mutating=True, dangerous=True, waits=True,
      wait=TIMEOUTS["snapshot"], key="B", subtab="snapshots", subject="snapshot")  # fmt: skip
def snapshot_restore(ctx: ActionContext, target: Any, snapshot: str | None = None) -> Result:
    vm = fetch_vm(ctx, target)
    snap = _find_snapshot(ctx, vm, _need(snapshot))
    svc = vm_service(ctx, vm).snapshots_service().snapshot_service(snap.id)
    cid, follower = send_action(ctx, svc, "restore", what=f"VM {vm.name}", verb="restore")
    return _restore_wait(
        ctx, vm, cid, follower, f"VM {vm.name} restored to snapshot {snap.description!r}"
    )
