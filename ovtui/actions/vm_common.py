"""Helpers shared by the VM verbs: services, statistics, host preflight, status waits.

Nothing here registers a verb; ``vms.py`` and the ``vm_*.py`` modules do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import ovirtsdk4

from .base import DEFAULT_WAIT, ActionContext, EngineRefused, NoMatch, Result
from .errors import engine_errors
from .nouns import NOUNS
from .selectors import quote
from .waiters import EventFollower, send_action, status_of, wait_for

VM = NOUNS["vm"]

# Per-verb default waits in seconds (engine time; the simulator runs faster).
TIMEOUTS = {
    "start": 600.0,
    "shutdown": 600.0,
    "stop": 300.0,
    "suspend": 900.0,
    "reboot": 600.0,
    "reset": 300.0,
    "migrate": 1800.0,
    "cancelmigration": 300.0,
    "create": 1800.0,
    "remove": 900.0,
    "snapshot": 1800.0,
    "autoinstall": 7200.0,
    "migrating": 3600.0,
}

RUNNING = {
    "up",
    "powering_up",
    "wait_for_launch",
    "powering_down",
    "reboot_in_progress",
    "migrating",
    "paused",
    "saving_state",
    "restoring_state",
    "not_responding",
    "unknown",
}


def vm_id(target: Any) -> str:
    return target if isinstance(target, str) else target.id


def vms_service(ctx: ActionContext) -> Any:
    return ctx.system.vms_service()


def vm_service(ctx: ActionContext, target: Any) -> Any:
    return vms_service(ctx).vm_service(vm_id(target))


def fetch_vm(ctx: ActionContext, target: Any) -> Any:
    with engine_errors(f"reading VM {name_of(target)}"):
        return vm_service(ctx, target).get()


def name_of(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    return getattr(obj, "name", None) or getattr(obj, "id", None) or "?"


def host_id_of(vm: Any) -> str | None:
    host = getattr(vm, "host", None)
    return getattr(host, "id", None) if host is not None else None


def statistics(service: Any) -> dict[str, float]:
    """``{name: first datum}`` of an entity's statistics (a VM or host service)."""
    out: dict[str, float] = {}
    for st in service.statistics_service().list():
        vals = list(st.values or [])
        if vals and vals[0].datum is not None:
            out[st.name] = float(vals[0].datum)
    return out


def migration_progress(ctx: ActionContext, target: Any) -> float | None:
    """The VM's ``migration.progress`` statistic (0..100), or None when the engine has none."""
    try:
        return statistics(vm_service(ctx, target)).get("migration.progress")
    except ovirtsdk4.Error:
        return None


def mib(n: float | int | None) -> str:
    return "?" if n is None else f"{int(n) // (1024 * 1024)} MiB"


# --- hosts ---------------------------------------------------------------------------------


def find_host(ctx: ActionContext, name: str) -> Any:
    hosts = ctx.system.hosts_service()
    with engine_errors(f"looking up host {name}"):
        found = [h for h in hosts.list(search=f"name={quote(name)}") if (h.name or "") == name]
        if not found:
            found = [h for h in hosts.list() if (h.name or "").lower() == name.lower()]
    if not found:
        raise NoMatch(f"No host named {name}.", "List the hosts with: ovtui run host list")
    return found[0]


def host_free_memory(ctx: ActionContext, host: Any) -> float | None:
    """Memory the scheduler can still give on ``host`` (bytes), or None if unknown."""
    msm = getattr(host, "max_scheduling_memory", None)
    if msm is not None:
        return float(msm)
    try:
        stats = statistics(ctx.system.hosts_service().host_service(host.id))
    except ovirtsdk4.Error:
        return None
    return stats.get("memory.free")


def check_host_fits(ctx: ActionContext, vm: Any, host: Any, doing: str) -> None:
    """Refuse (EngineRefused) unless ``host`` is up and has the memory ``vm`` needs."""
    status = status_of(host)
    if status != "up":
        raise EngineRefused(
            f"Cannot {doing} VM {vm.name} on host {host.name}: the host is {status}, not up.",
            "Pick a host that is up, or let the engine choose (no --host).",
        )
    need = getattr(vm, "memory", None)
    free = host_free_memory(ctx, host)
    if need and free is not None and free < need:
        raise EngineRefused(
            f"Cannot {doing} VM {vm.name} on host {host.name}: it needs {mib(need)},"
            f" the host has {mib(free)} free.",
            "Pick another host, or free memory on this one.",
        )


def _user_level(ctx: ActionContext) -> bool:
    """The connection sends ``Filter: true`` (``[api] filter``): the engine shows this user
    only the objects they have permissions on."""
    headers = getattr(ctx.connection, "_headers", None) or {}
    return str(headers.get("Filter", "")).lower() == "true"


def check_cluster_has_room(ctx: ActionContext, vm: Any, doing: str, exclude: str | None) -> None:
    """With the engine choosing: refuse unless some up host of the VM's cluster fits the VM."""
    cluster_id = getattr(getattr(vm, "cluster", None), "id", None)
    with engine_errors("listing hosts"):
        hosts = [
            h
            for h in ctx.system.hosts_service().list(search="status=up")
            if status_of(h) == "up"
            and h.id != exclude
            and (cluster_id is None or getattr(h.cluster, "id", None) == cluster_id)
        ]
    if not hosts and _user_level(ctx):
        return  # the user-level API shows a user no hosts: the engine decides (docs/admin.md)
    if not hosts:
        where = " other than its current one" if exclude else ""
        raise EngineRefused(f"Cannot {doing} VM {vm.name}: no host{where} of its cluster is up.")
    need = getattr(vm, "memory", None)
    if not need:
        return
    best: float | None = None
    for h in hosts:
        free = host_free_memory(ctx, h)
        if free is None or free >= need:
            return
        best = free if best is None else max(best, free)
    raise EngineRefused(
        f"Cannot {doing} VM {vm.name}: it needs {mib(need)}; the up hosts of its cluster"
        f" have at most {mib(best)} free."
    )


# --- waits ---------------------------------------------------------------------------------


def with_reason(text: str, follower: EventFollower | None, vm_name: str | None = None) -> str:
    """``text`` with the engine's reason: an error event of this request, else (a VM dying
    is not stamped with our correlation id) the VM's newest error or warning event."""
    err = follower.last_error() if follower is not None else None
    if err is None and follower is not None and vm_name:
        err = vm_problem_event(follower, vm_name)
    return f"{text}: {err}" if err else f"{text}."


def vm_problem_event(follower: EventFollower, vm_name: str) -> str | None:
    since = min((e.id for e in follower.seen), default=follower.last_id + 1) - 1
    try:
        events = follower.ctx.system.events_service().list(
            from_=since, search=f"vm.name={quote(vm_name)}", max=20
        )
    except ovirtsdk4.Error:
        return None
    seen = {e.id for e in follower.seen}
    for ev in sorted(events, key=lambda e: int(e.id), reverse=True):
        sev = getattr(ev.severity, "value", ev.severity)
        if int(ev.id) not in seen and sev in ("error", "alert", "warning"):
            return ev.description
    return None


def wait_vm(
    ctx: ActionContext,
    target: Any,
    *,
    wanted: Iterable[str],
    verb: str,
    via: Iterable[str] = (),
    failed: Iterable[str] = (),
    follower: EventFollower | None = None,
    done: Callable[[Any, set[str]], bool] | None = None,
    fail: Callable[[Any, set[str]], str | None] | None = None,
    on_poll: Callable[[Any], None] | None = None,
    settle: float | None = None,
    confirm: Callable[[], bool] | None = None,
    timeout: float | None = None,
) -> Any:
    """Poll the VM until its status is in ``wanted``; report each status on the way.

    ``via``: transit statuses; when given, ``wanted`` only counts after one of them was seen,
    or when ``confirm()`` says so (the engine's job finished), or after the VM sat in
    ``wanted`` for ``settle`` seconds (a fast engine may pass them between two polls).
    ``failed``: statuses that end the wait with the engine's last error event as reason, once
    the VM has left its first status. ``done``/``fail`` see the VM and the statuses seen.
    """
    wanted_set, via_set, failed_set = set(wanted), set(via), set(failed)
    seen: set[str] = set()
    first: list[str | None] = []
    since: list[float] = []  # when the VM was first seen in a wanted status without a via

    def observe(vm: Any) -> None:
        status = status_of(vm)
        if not first:
            first.append(status)
        if status:
            seen.add(status)
        if on_poll is not None:
            on_poll(vm)

    def until(vm: Any) -> bool:
        if done is not None:
            return done(vm, seen)
        if status_of(vm) not in wanted_set:
            since.clear()
            return False
        if not via_set or seen & via_set or (confirm is not None and confirm()):
            return True
        if not since:
            since.append(time.monotonic())
        return settle is not None and time.monotonic() - since[0] >= settle

    def failing(vm: Any) -> str | None:
        reason = fail(vm, seen) if fail is not None else None
        status = status_of(vm)
        if reason is None and status in failed_set and (len(seen) > 1 or status != first[0]):
            reason = with_reason(f"VM {name_of(target)} went {status}", follower)
        return reason

    return wait_for(
        ctx,
        vm_service(ctx, target).get,
        until,
        what=f"VM {name_of(target)}",
        wanted=" or ".join(sorted(wanted_set)),
        goal=verb_goal(verb, wanted_set),
        fail=failing,
        timeout=timeout
        if timeout is not None
        else ctx.timeout_for(TIMEOUTS.get(verb, DEFAULT_WAIT)),
        follower=follower,
        on_poll=observe,
        hint="The engine may still be working on it; check the VM, or give a longer timeout.",
    )


def verb_goal(verb: str, wanted: set[str]) -> str:
    return f"be {' or '.join(sorted(wanted))}" if verb != "migrate" else "be up on another host"


def reference_names(ctx: ActionContext, vm: Any) -> dict[str, str]:
    """Names of the VM's host and cluster, so tables show names rather than ids."""
    names: dict[str, str] = {}
    for attr, coll, ent in (
        ("host", "hosts_service", "host_service"),
        ("cluster", "clusters_service", "cluster_service"),
    ):
        ref = getattr(vm, attr, None)
        if ref is not None and ref.id:
            try:
                names[ref.id] = getattr(getattr(ctx.system, coll)(), ent)(ref.id).get().name
            except ovirtsdk4.Error:
                pass
    return names


def finished(ctx: ActionContext, target: Any, message: str, vm: Any | None = None) -> Result:
    vm = vm if vm is not None else fetch_vm(ctx, target)
    ctx.progress("done", message, fraction=1.0, status=status_of(vm))
    return Result(ok=True, message=message, data=vm, names=reference_names(ctx, vm) or None)


def accepted_only(ctx: ActionContext, target: Any, verb: str) -> Result:
    vm = fetch_vm(ctx, target)
    return Result(ok=True, message=f"{verb} VM {name_of(vm)}: accepted by the engine", data=vm)


def send(
    ctx: ActionContext, vm: Any, method: str, verb: str, /, **kw: Any
) -> tuple[str, EventFollower]:
    """``send_action`` on the VM, then name the engine's job for it (``/jobs`` by correlation
    id) so the user sees what the engine is doing, e.g. "Launching VM web1"."""
    cid, follower = send_action(
        ctx, vm_service(ctx, vm), method, what=f"VM {vm.name}", verb=verb, **kw
    )
    report_job(ctx, cid)
    return cid, follower


def report_job(ctx: ActionContext, cid: str) -> None:
    try:
        jobs = ctx.system.jobs_service().list(search=f"correlation_id={cid}")
    except ovirtsdk4.Error:
        return  # an engine without job search: the events tell the story
    for job in jobs:
        ctx.progress("job", f"engine job: {job.description} ({status_of(job)})")


def job_finished(ctx: ActionContext, cid: str) -> bool:
    """Whether the engine's job for correlation id ``cid`` has finished."""
    try:
        jobs = ctx.system.jobs_service().list(search=f"correlation_id={cid}")
    except ovirtsdk4.Error:
        return False
    return bool(jobs) and all(status_of(j) == "finished" for j in jobs)
