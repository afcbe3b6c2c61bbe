"""Migration verbs: migrate, cancelmigration, migrating.

Progress comes from the VM statistic ``migration.progress`` (0..100); the migration is over
when the VM is up on a host other than the one it started from. The VM going down, or coming
back up on its source host, ends the action with the engine's reason.
"""

from __future__ import annotations

import time
from typing import Any

from .base import ActionContext, EngineRefused, Param, Result, WaitTimeout
from .declare import verb
from .errors import engine_errors
from .vm_common import (
    TIMEOUTS,
    accepted_only,
    check_cluster_has_room,
    check_host_fits,
    fetch_vm,
    find_host,
    finished,
    host_id_of,
    migration_progress,
    name_of,
    send,
    vms_service,
    wait_vm,
    with_reason,
)
from .waiters import status_of


def _host_names(ctx: ActionContext) -> dict[str, str]:
    with engine_errors("listing hosts"):
        return {h.id: h.name for h in ctx.system.hosts_service().list()}


def preflight_migrate(ctx: ActionContext, vm: Any, host_name: str | None) -> Any:
    """Refuse early: the VM must be up, the destination up, elsewhere, with room for it."""
    status = status_of(vm)
    if status == "migrating":
        raise EngineRefused(
            f"Cannot migrate VM. VM {vm.name} is already being migrated.",
            "Wait for it, or cancel it with: cancelmigration",
        )
    if status != "up":
        raise EngineRefused("Cannot migrate VM. VM is not running.", f"VM {vm.name} is {status}.")
    if host_name:
        host = find_host(ctx, host_name)
        if host.id == host_id_of(vm):
            raise EngineRefused(
                f"Cannot migrate VM. VM {vm.name} is already running on host {host.name}.",
                "Pick another host, or let the engine choose (no --host).",
            )
        check_host_fits(ctx, vm, host, "migrate")
        return host
    check_cluster_has_room(ctx, vm, "migrate", exclude=host_id_of(vm))
    return None


@verb(
    "vm",
    "migrate",
    "Live-migrate the VM to another host (named, or chosen by the engine)",
    params=(Param("host", ("--host",), "destination host (default: the engine chooses)", "host"),),
    target="many",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["migrate"],
    key="m",
)
def migrate(ctx: ActionContext, target: Any, host: str | None = None) -> Result:
    """up -> migrating (migration.progress 0..100) -> up on another host."""
    from ovirtsdk4 import types

    vm = fetch_vm(ctx, target)
    dest = preflight_migrate(ctx, vm, host)
    source = host_id_of(vm)
    kw: dict[str, Any] = {"host": types.Host(id=dest.id)} if dest is not None else {}
    _, follower = send(ctx, vm, "migrate", "migrate", **kw)
    if ctx.async_:
        return accepted_only(ctx, vm, "migrate")

    best: list[float] = [-1.0]

    def on_poll(obj: Any) -> None:
        if status_of(obj) != "migrating":
            return
        pct = migration_progress(ctx, obj)
        if pct is not None and pct > best[0]:
            best[0] = pct
            ctx.progress("migrating", f"VM {vm.name}: migrating", fraction=pct / 100)

    def done(obj: Any, seen: set[str]) -> bool:
        return status_of(obj) == "up" and host_id_of(obj) not in (None, source)

    def fail(obj: Any, seen: set[str]) -> str | None:
        st = status_of(obj)
        if st in ("down", "not_responding", "unknown", "paused"):
            return with_reason(f"VM {vm.name} went {st} during the migration", follower, vm.name)
        if st == "up" and "migrating" in seen and host_id_of(obj) == source:
            return with_reason(f"Migration of VM {vm.name} failed; it stays on its host", follower)
        failed = [e for e in follower.seen if e.code == 65]  # VM_MIGRATION_FAILED
        if failed and st != "migrating":
            return failed[-1].description
        return None

    final = wait_vm(
        ctx, vm, wanted={"up"}, verb="migrate", follower=follower, done=done, fail=fail,
        on_poll=on_poll,
    )  # fmt: skip
    names = _host_names(ctx)
    return finished(
        ctx,
        vm,
        f"VM {vm.name} migrated from {names.get(source or '', source)}"
        f" to {names.get(host_id_of(final) or '', host_id_of(final))}",
        final,
    )


@verb("vm", "cancelmigration", "Cancel the VM's running migration", target="many",
      mutating=True, dangerous=True, waits=True, wait=TIMEOUTS["cancelmigration"], key="M")  # fmt: skip
def cancelmigration(ctx: ActionContext, target: Any) -> Result:
    """migrating -> up on the source host."""
    vm = fetch_vm(ctx, target)
    if status_of(vm) != "migrating":
        raise EngineRefused(
            "Cannot cancel migration for non migrating VM.",
            f"VM {vm.name} is {status_of(vm)}.",
        )
    _, follower = send(ctx, vm, "cancel_migration", "cancelmigration")
    if ctx.async_:
        return accepted_only(ctx, vm, "cancelmigration")
    final = wait_vm(
        ctx, vm, wanted={"up"}, verb="cancelmigration", follower=follower,
        failed={"down", "not_responding", "paused"},
    )  # fmt: skip
    return finished(ctx, vm, f"Migration of VM {vm.name} cancelled; it is up", final)


COLUMNS = ("name", "status", "host", "progress", "id")


def migrating_rows(ctx: ActionContext) -> list[dict[str, Any]]:
    """Every migrating VM with its source host and progress."""
    with engine_errors("listing migrating VMs"):
        vms = [v for v in vms_service(ctx).list(search="status=migrating")]
    vms = [v for v in vms if status_of(v) == "migrating"]
    names = _host_names(ctx) if vms else {}
    rows = []
    for v in vms:
        pct = migration_progress(ctx, v)
        rows.append(
            {
                "name": v.name,
                "id": v.id,
                "status": status_of(v),
                "host": names.get(host_id_of(v) or "", host_id_of(v)),
                "progress": None if pct is None else int(pct),
            }
        )
    return rows


@verb(
    "vm",
    "migrating",
    "Every migrating VM and its progress",
    params=(
        Param("follow", ("--follow",), "keep watching until no VM migrates", "flag"),
        Param("pause", ("--pause",), "seconds between two looks with --follow", "float", 2.0),
    ),
    target="none",
    key="G",
)
def migrating(
    ctx: ActionContext, target: Any = None, follow: bool = False, pause: float = 2.0
) -> Result:
    """One look, or with --follow a look every --pause seconds until none is left."""
    rows = migrating_rows(ctx)
    if not follow:
        return Result(ok=True, message=f"{len(rows)} VM(s) migrating", data=rows, columns=COLUMNS)
    limit = ctx.timeout_for(TIMEOUTS["migrating"])
    deadline = time.monotonic() + limit
    seen: dict[str, dict[str, Any]] = {}
    while rows:
        for r in rows:
            seen[r["id"]] = r
            pct = r["progress"]
            ctx.progress(
                "migrating",
                f"VM {r['name']} from {r['host']}: migrating"
                + (" (no progress yet)" if pct is None else ""),
                fraction=None if pct is None else pct / 100,
                subject=r["name"],
            )
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"Timed out after {limit:g} s with VMs still migrating.")
        ctx.sleep(max(0.05, float(pause or 0)))
        rows = migrating_rows(ctx)
    final = []
    for vid, r in seen.items():
        try:
            final.append(fetch_vm(ctx, vid))
        except Exception:
            r["status"] = "gone"
    ctx.progress("done", f"No VM migrating any more (followed {len(seen)})", fraction=1.0)
    return Result(ok=True, message="No VM is migrating", data=final or [])


__all__ = ["migrate", "cancelmigration", "migrating", "name_of"]
