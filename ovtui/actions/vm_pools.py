"""VM pools (webadmin's Pools tab): ``vmpool create/update/remove/allocate`` beside the read
verbs every noun has (``list``, ``show``, ``export``), and ``vm allocate --pool P``.

A pool is N VMs the engine makes from one template (never Blank); a user takes one with
``allocate`` (the engine's ``allocatevm``: a free VM of the pool, run for them). The engine
grows a pool (a larger ``--size`` adds VMs) but never shrinks it; removing a pool stops its
running VMs and removes them with it. See docs/pools.md.
"""

from __future__ import annotations

import time
from typing import Any

import ovirtsdk4

from ..textsafe import visible
from .base import ActionContext, EngineRefused, NoMatch, Param, Result, UsageError, WaitTimeout
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .vm_writes import add_once
from .waiters import EventFollower, send_action, span, status_of, wait_gone

POOL_WAIT = 1800.0  # the engine copies each VM's disks from the template
ALLOCATE_WAIT = 600.0  # the allocated VM starts
POOL_VM_COLUMNS = ("name", "status", "host", "template", "id")


def _pools(ctx: ActionContext) -> Any:
    return ctx.system.vm_pools_service()


def pool_vms(ctx: ActionContext, pool: Any) -> list[Any]:
    """The pool's VMs (the engine's ``Vms: pool=NAME`` search), by name."""
    with engine_errors(f"listing the VMs of pool {visible(pool.name)}"):
        vms = ctx.system.vms_service().list(search=f"pool={quote(pool.name)}")
    mine = [v for v in vms if v.vm_pool is None or v.vm_pool.id == pool.id]
    return sorted(mine, key=lambda v: v.name or "")


def _named(ctx: ActionContext, coll: str, kind: str, name: str) -> Any:
    """The cluster / template named ``name`` (or with that id); NoMatch otherwise."""
    svc = getattr(ctx.system, coll)()
    with engine_errors(f"looking up {kind} {name}"):
        found = [o for o in svc.list(search=f"name={quote(name)}") if name in (o.name, o.id)]
    if not found:
        raise NoMatch(f"No {kind} named {name!r}.", f"List them with: ovtui run {kind} list")
    if kind == "template":  # versions share the name: the base version
        found.sort(key=lambda t: t.version.version_number if t.version else 1)
    return found[0]


def wait_made(ctx: ActionContext, pool: Any, size: int, follower: EventFollower) -> list[Any]:
    """Poll until the pool has ``size`` VMs and none is still image_locked (its disks copied)."""
    limit = ctx.timeout_for(POOL_WAIT)
    deadline = time.monotonic() + limit
    what = f"pool {visible(pool.name)}"
    ctx.progress("wait", f"{what}: waiting up to {span(limit)} for its {size} VMs")
    last = -1
    while True:
        ctx.check_cancelled()
        follower.poll()
        vms = pool_vms(ctx, pool)
        made = [v for v in vms if status_of(v) not in (None, "image_locked")]
        if len(made) != last:
            ctx.progress("status", f"{what}: {len(made)} of {size} VMs made",
                         fraction=len(made) / size if size else 1.0)  # fmt: skip
            last = len(made)
        if len(vms) >= size and len(made) == len(vms):
            return vms
        if time.monotonic() >= deadline:
            raise WaitTimeout(
                f"Timed out after {limit:g} s waiting for {what}: {len(made)} of {size} VMs made.",
                "The engine goes on making them; look again with: ovtui run vmpool -n NAME show",
            )
        ctx.sleep(ctx.poll_interval)


def _int(params: dict[str, Any], name: str, flag: str, low: int) -> int | None:
    value = params.get(name)
    if value is not None and value < low:
        raise UsageError(f"{flag} must be {low} or more.")
    return value


COMMON_PARAMS = (
    Param("prestarted", ("--prestarted",), "VMs kept running, ready to be allocated", "int"),
    Param("max_user_vms", ("--max-user-vms",), "VMs one user may take from the pool", "int"),
    Param("description", ("--description",), "description", "text"),
    Param("comment", ("--comment",), "comment", "text"),
)


@verb(
    "vmpool",
    "create",
    "Make a pool of VMs from a template",
    params=(
        Param("name", ("--name",), "pool name; a ?? mask numbers its VMs (desk-?? gives "
              "desk-01...), else NAME-1, NAME-2...", "text", required=True),
        Param("template", ("--from-template",), "the template its VMs are made from (not Blank)",
              "template", required=True),
        Param("cluster", ("--cluster",), "cluster (default: the template's)", "cluster"),
        Param("size", ("--size",), "number of VMs (default 1)", "int", 1),
        *COMMON_PARAMS,
        Param("type", ("--type",), "automatic: a VM goes back to the pool when it stops; "
              "manual: it stays the user's", "choice", choices=("automatic", "manual")),
        Param("stateful", ("--stateful",), "VMs keep their changes across runs (default: "
              "stateless)", "flag"),
    ),
    target="none",
    mutating=True,
    waits=True,
    wait=POOL_WAIT,
    key="c",
)  # fmt: skip
def create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    """The engine makes the VMs from the template (each locked while its disks are copied);
    this waits until they are all made, then starts the prestarted ones."""
    from ovirtsdk4 import types

    name = params["name"]
    size = _int(params, "size", "--size", 1) or 1
    tpl = _named(ctx, "templates_service", "template", params["template"])
    cluster = params.get("cluster")
    if cluster:
        cl_ref = types.Cluster(id=_named(ctx, "clusters_service", "cluster", cluster).id)
    elif tpl.cluster is not None and tpl.cluster.id:
        cl_ref = types.Cluster(id=tpl.cluster.id)
    else:
        raise UsageError(f"Template {visible(tpl.name)} has no cluster: give --cluster.")
    spec = types.VmPool(
        name=name,
        template=types.Template(id=tpl.id),
        cluster=cl_ref,
        size=size,
        prestarted_vms=_int(params, "prestarted", "--prestarted", 0),
        max_user_vms=_int(params, "max_user_vms", "--max-user-vms", 1),
        description=params.get("description"),
        comment=params.get("comment"),
        type=types.VmPoolType(params["type"]) if params.get("type") else None,
        stateful=True if params.get("stateful") else None,
    )
    svc = _pools(ctx)

    def find() -> Any | None:
        found = [p for p in svc.list(search=f"name={quote(name)}") if p.name == name]
        return found[0] if found else None

    label = f"create pool {name} of {size} VMs from template {tpl.name}"
    pool, _, follower = add_once(ctx, svc, spec, label, find)
    if ctx.async_:
        return Result(ok=True, message=f"{label}: accepted", data=pool)
    vms = wait_made(ctx, pool, size, follower)
    with engine_errors(f"reading pool {name}"):
        pool = svc.pool_service(pool.id).get()
    message = f"pool {name}: {len(vms)} VMs made from template {tpl.name}"
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=pool)


@verb(
    "vmpool",
    "update",
    "Change a pool: more VMs (--size), prestarted VMs, VMs per user, description",
    params=(
        Param("size", ("--size",), "number of VMs (the engine only adds: never fewer)", "int"),
        *COMMON_PARAMS,
        Param("template", ("--from-template",), "a new template for its VMs (at their next run)",
              "template"),
    ),
    target="one",
    mutating=True,
    waits=True,
    wait=POOL_WAIT,
    key="U",
)  # fmt: skip
def update(ctx: ActionContext, target: Any, **params: Any) -> Result:
    """A larger size makes the new VMs (this waits for them); a smaller one the engine refuses."""
    from ovirtsdk4 import types

    tpl = None
    if params.get("template"):
        tpl = _named(ctx, "templates_service", "template", params["template"])
    spec = types.VmPool(
        size=_int(params, "size", "--size", 1),
        prestarted_vms=_int(params, "prestarted", "--prestarted", 0),
        max_user_vms=_int(params, "max_user_vms", "--max-user-vms", 1),
        description=params.get("description"),
        comment=params.get("comment"),
        template=types.Template(id=tpl.id) if tpl is not None else None,
    )
    name = visible(target.name)
    svc = _pools(ctx).pool_service(target.id)
    _, follower = send_action(ctx, svc, "update", what=f"pool {name}", pool=spec)
    with engine_errors(f"reading pool {name}"):
        pool = svc.get()
    if spec.size is not None and spec.size > (target.size or 0) and not ctx.async_:
        wait_made(ctx, pool, spec.size, follower)
        with engine_errors(f"reading pool {name}"):
            pool = svc.get()
    message = f"pool {name} updated: {pool.size} VMs"
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=pool)


@verb("vmpool", "remove", "Remove a pool and its VMs (running ones are stopped first)",
      target="many", mutating=True, dangerous=True, waits=True, wait=900.0, key="D")  # fmt: skip
def remove(ctx: ActionContext, target: Any) -> Result:
    """The engine stops the pool's running VMs, then removes the VMs and the pool."""
    name = visible(target.name)
    svc = _pools(ctx).pool_service(target.id)
    count = len(pool_vms(ctx, target))
    _, follower = send_action(ctx, svc, "remove", what=f"pool {name}")
    if not ctx.async_:
        limit = ctx.timeout_for(900.0)

        def left(_: Any) -> None:
            vms = pool_vms(ctx, target)
            running = [v for v in vms if status_of(v) != "down"]
            ctx.progress("status", f"pool {name}: {len(vms)} VMs left, {len(running)} running")

        wait_gone(
            ctx, svc, what=f"pool {name}", timeout=limit, follower=follower, on_poll=left,
            timed_out=f"Timed out after {limit:g} s waiting for pool {name} to go.",
        )  # fmt: skip
    message = f"pool {name} removed with its {count} VMs"
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=target)


def allocate_from(ctx: ActionContext, pool: Any) -> Result:
    """``allocatevm`` on ``pool``; the VM the engine took (from the events of the request's
    correlation id), then its wait until up."""
    name = visible(pool.name)
    svc = _pools(ctx).pool_service(pool.id)
    cid, follower = send_action(ctx, svc, "allocate_vm", what=f"a VM from pool {name}",
                                verb="allocate")  # fmt: skip
    vm = _allocated_vm(ctx, cid, pool)
    if vm is None:
        raise EngineRefused(
            f"allocate a VM from pool {name}: the engine accepted it but names no VM.",
            f"Look at the pool's VMs: ovtui run vm list -s 'pool={pool.name}'",
        )
    vms = ctx.system.vms_service()
    vm_name = visible(vm.name)
    ctx.progress("allocated", f"pool {name} gave VM {vm_name}", subject=vm.name)
    if ctx.async_:
        return Result(ok=True, message=f"VM {vm_name} allocated from pool {name}", data=vm)
    from .waiters import wait_for_status

    vm = wait_for_status(
        ctx, vms.vm_service(vm.id), ("up",), what=f"VM {vm_name}", failed=("down",),
        timeout=ctx.timeout_for(ALLOCATE_WAIT), follower=follower,
    )  # fmt: skip
    message = f"VM {vm_name} allocated from pool {name} and up"
    ctx.progress("done", message, fraction=1.0, status="up")
    return Result(ok=True, message=message, data=vm, columns=POOL_VM_COLUMNS)


def _allocated_vm(ctx: ActionContext, cid: str, pool: Any) -> Any | None:
    """The VM of the allocation: the engine's event for the request (USER_ATTACH_USER_TO_VM_
    FROM_POOL, 316) names it. Read a few times: an engine may log it a moment late."""
    for attempt in range(5):
        try:
            events = ctx.system.events_service().list(search=f"correlation_id={cid}")
        except ovirtsdk4.Error:
            events = []
        for ev in sorted(events, key=lambda e: int(e.id)):
            if ev.vm is not None and ev.vm.id:
                try:
                    vm = ctx.system.vms_service().vm_service(ev.vm.id).get()
                except ovirtsdk4.Error:
                    continue
                if vm.vm_pool is not None and vm.vm_pool.id == pool.id:
                    return vm
        if attempt < 4:
            ctx.sleep(ctx.poll_interval)
    return None


@verb("vmpool", "allocate", "Take a VM from the pool and run it (the engine's allocatevm)",
      target="one", mutating=True, waits=True, wait=ALLOCATE_WAIT, key="A")  # fmt: skip
def allocate(ctx: ActionContext, target: Any) -> Result:
    """A free VM of the pool (a prestarted one first) is given to you and run; refused when no
    VM is free or you already have the pool's --max-user-vms."""
    return allocate_from(ctx, target)


@verb(
    "vm",
    "allocate",
    "Take a VM from a pool and run it (same as: vmpool -n POOL allocate)",
    params=(Param("pool", ("--pool",), "the pool to take it from", "text", required=True),),
    target="none",
    mutating=True,
    waits=True,
    wait=ALLOCATE_WAIT,
)
def vm_allocate(ctx: ActionContext, target: Any = None, pool: str = "") -> Result:
    svc = _pools(ctx)
    with engine_errors(f"looking up pool {pool}"):
        found = [p for p in svc.list(search=f"name={quote(pool)}") if pool in (p.name, p.id)]
    if not found:
        raise NoMatch(f"No VM pool named {pool!r}.", "List them with: ovtui run vmpool list")
    return allocate_from(ctx, found[0])


def pool_vm_rows(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    """The Pools tab's Virtual Machines sub-tab: ``Vms: pool=NAME``."""
    return list(system.vms_service().list(search=f"pool={quote(obj.name)}", max=limit))


def pool_event_rows(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    """The Pools tab's Events sub-tab: the engine's events about the pool ("VM Pool NAME ...";
    the engine's event search has no pool field)."""
    text = f"*VM Pool {obj.name}*".replace('"', '\\"')
    return list(system.events_service().list(search=f'message="{text}"', max=limit))


__all__ = ["allocate", "create", "pool_event_rows", "pool_vm_rows", "pool_vms", "remove", "update"]
