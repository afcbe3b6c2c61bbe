"""``host maintenance`` and ``host activate``, plus the helpers the upgrades reuse.

Maintenance shows where each VM will go (the preflight plan), refuses before anything changes
when the cluster cannot take them, then follows each VM migrating off (destination and the
``migration.progress`` statistic) until the host is in maintenance. When the engine gives up
on a VM (event 65 VM_MIGRATION_FAILED, 17 VDS_MAINTENANCE_FAILED) it fails naming the VM and
the engine's words.
"""

from __future__ import annotations

import re
from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, Param, Result
from .declare import verb
from .errors import engine_errors
from .host_common import EventScan, get_host, host_service
from .placement import Plan, plan_for_host, vms_on_host
from .plans import host_plan
from .waiters import send_action, status_of, wait_for, wait_for_status

MAINTENANCE_TIMEOUT = 1800.0
ACTIVATE_TIMEOUT = 900.0
# Host statuses an activation does not come back from by itself.
ACTIVATE_FAILED = ("non_operational", "non_responsive", "install_failed", "error", "down")
EV_MAINTENANCE_FAILED = 17
EV_MIGRATION_FAILED = 65
EV_MIGRATION_STARTED = 62
_DESTINATION = re.compile(r"Destination: ([^,)]+)")


def migration_progress(ctx: ActionContext, vm_id: str) -> int | None:
    """The ``migration.progress`` statistic of a VM (0..100), None when not served."""
    svc = ctx.system.vms_service().vm_service(vm_id).statistics_service()
    try:
        stats = svc.list()
    except Exception:  # noqa: BLE001 - a missing statistic must not stop the maintenance
        return None
    for st in stats:
        if st.name == "migration.progress" and st.values:
            datum = st.values[0].datum
            return None if datum is None else int(float(datum))
    return None


class MigrationTracker:
    """Follows the VMs leaving a host: reports each migration and notes engine failures."""

    def __init__(
        self, ctx: ActionContext, host: types.Host, vms: list[types.Vm], plan: Plan
    ) -> None:
        self.ctx = ctx
        self.host = host
        self.plan = plan
        self.names = {v.id: v.name for v in vms}
        self.host_names = {c.id: c.name for c in plan.candidates}
        self.landed: dict[str, str] = {}  # vm id -> destination host name
        self.last_pct: dict[str, int | None] = {}
        self.failure: str | None = None
        self.seen_preparing = False
        self.destinations: dict[str, str] = {}  # vm id -> destination named by event 62
        self.correlation_id: str | None = None  # events with it are reported by the follower
        self.scan = EventScan(
            ctx, (EV_MAINTENANCE_FAILED, EV_MIGRATION_FAILED, EV_MIGRATION_STARTED)
        )

    def _host_name(self, hid: str) -> str:
        if hid not in self.host_names:
            try:
                self.host_names[hid] = self.ctx.system.hosts_service().host_service(hid).get().name
            except Exception:  # noqa: BLE001
                self.host_names[hid] = hid
        return self.host_names[hid]

    def _fraction(self) -> float:
        """VMs landed plus the percent of those in flight, over all VMs to move."""
        if not self.names:
            return 1.0
        flying = sum(
            (pct or 0) / 100 for vm_id, pct in self.last_pct.items() if vm_id not in self.landed
        )
        return (len(self.landed) + flying) / len(self.names)

    def poll(self, host_obj: types.Host) -> None:
        status = status_of(host_obj)
        if status == "preparing_for_maintenance":
            self.seen_preparing = True
        vms = self.ctx.system.vms_service()
        for vm_id, name in self.names.items():
            if vm_id in self.landed:
                continue
            with engine_errors(f"reading VM {name}"):
                vm = vms.vm_service(vm_id).get()
            vstat = status_of(vm)
            on = vm.host.id if vm.host is not None else None
            planned = (
                self.destinations.get(vm_id) or self.plan.destination_of(vm_id) or "another host"
            )
            if on and on != self.host.id and vstat not in ("migrating", "down"):
                dest = self._host_name(on)
                self.landed[vm_id] = dest
                self.ctx.progress(
                    "migrated",
                    f"{name}: {vstat} on {dest}",
                    fraction=self._fraction(),
                    subject=name,
                )
            elif vstat == "migrating":
                pct = migration_progress(self.ctx, vm_id)
                if self.last_pct.get(vm_id, -1) != pct:
                    self.last_pct[vm_id] = pct
                    shown = f" {pct}%" if pct is not None else ""
                    self.ctx.progress(
                        "migrating",
                        f"{name}: migrating {self.host.name} -> {planned}{shown}",
                        fraction=self._fraction(),
                        subject=name,
                    )
            elif vstat in ("down", "unknown", "not_responding"):
                self.ctx.progress("vm-status", f"{name}: {vstat}", level="warning", subject=name)
        for info, ev in self.scan.poll(host_ids=[self.host.id], vm_ids=list(self.names)):
            if info.code == EV_MIGRATION_STARTED:
                m = _DESTINATION.search(info.description)
                if m and ev.vm is not None:
                    self.destinations[ev.vm.id] = m.group(1).strip()
                continue
            if ev.correlation_id != self.correlation_id or self.correlation_id is None:
                self.ctx.progress("event", info.description, event=info, level="error")
            if info.code == EV_MIGRATION_FAILED and ev.vm is not None:
                vm_name = self.names.get(ev.vm.id, ev.vm.name or ev.vm.id)
                self.failure = f"{vm_name} cannot move off {self.host.name}: {info.description}"
            elif self.failure is None:
                self.failure = self._stuck_message(info.description)

    def _stuck_message(self, reason: str) -> str:
        left = [n for i, n in self.names.items() if i not in self.landed]
        who = f" VM(s) still on it: {', '.join(sorted(left))}." if left else ""
        return f"{self.host.name} did not enter maintenance: {reason}{who}"

    def fail(self, host_obj: types.Host) -> str | None:
        if self.failure:
            return self.failure
        if self.seen_preparing and status_of(host_obj) == "up":
            return self._stuck_message("the engine put it back to up")
        return None


def enter_maintenance(
    ctx: ActionContext,
    host: types.Host | str,
    *,
    reason: str | None = None,
    force: bool = False,
    plan: Plan | None = None,
) -> types.Host:
    """Preflight, deactivate, follow the VMs leaving; returns the host in maintenance
    (right after the engine accepted when ``ctx.async_``). Already in maintenance: no-op."""
    host = get_host(ctx, host)
    if status_of(host) == "maintenance":
        ctx.progress("status", f"host {host.name}: already in maintenance", status="maintenance")
        return host
    vms = vms_on_host(ctx, host)
    if plan is None:
        plan = plan_for_host(ctx, host, vms)
        plan.report(ctx)
    if not force:
        plan.refuse_unless_ok()
    hs = host_service(ctx, host)
    tracker = MigrationTracker(ctx, host, vms, plan)
    kw = {"reason": reason} if reason else {}
    tracker.correlation_id, follower = send_action(
        ctx, hs, "deactivate", what=f"host {host.name}", verb="maintenance", **kw
    )
    if ctx.async_:
        return get_host(ctx, host)
    final = wait_for(
        ctx,
        hs.get,
        lambda h: status_of(h) == "maintenance",
        what=f"host {host.name}",
        wanted="maintenance",
        fail=tracker.fail,
        timeout=ctx.timeout_for(MAINTENANCE_TIMEOUT),
        follower=follower,
        on_poll=tracker.poll,
    )
    tracker.poll(final)  # report VMs that landed between the last two polls
    return final


def activate_host(
    ctx: ActionContext, host: types.Host | str, *, skip_if_up: bool = True
) -> types.Host:
    """Activate a host and wait until it is up (or the engine accepted, when async)."""
    host = get_host(ctx, host)
    if skip_if_up and status_of(host) == "up":
        ctx.progress("status", f"host {host.name}: already up", status="up")
        return host
    hs = host_service(ctx, host)
    _, follower = send_action(ctx, hs, "activate", what=f"host {host.name}")
    if ctx.async_:
        return get_host(ctx, host)
    return wait_for_status(
        ctx,
        hs,
        ("up",),
        what=f"host {host.name}",
        failed=ACTIVATE_FAILED,
        timeout=ctx.timeout_for(ACTIVATE_TIMEOUT),
        follower=follower,
    )


@verb(
    "host",
    "maintenance",
    "Put the host into maintenance; its VMs migrate to other hosts of the cluster.",
    params=(
        Param("reason", ("-r", "--reason"), "Reason recorded by the engine"),
        Param("dry_run", ("--dry-run",), "Print where each VM would go; change nothing", "flag"),
        Param("force", ("--force",), "Skip the placement preflight; let the engine try", "flag"),
    ),
    mutating=True,
    dangerous=True,
    waits=True,
    plan=host_plan("maintenance"),
    wait=MAINTENANCE_TIMEOUT,
    key="M",
    aliases=("deactivate",),
)
def maintenance(
    ctx: ActionContext,
    target: Any,
    reason: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> Result:
    """Put the host into maintenance, following each VM as it migrates off."""
    host = get_host(ctx, target)
    if dry_run:
        plan = plan_for_host(ctx, host)
        plan.report(ctx)
        return Result(plan.ok, plan.summary() + " (dry run: nothing changed)", plan.as_data())
    if status_of(host) == "maintenance":
        # Let the engine say it in its own words (exit 1).
        hs = host_service(ctx, host)
        send_action(ctx, hs, "deactivate", what=f"host {host.name}", verb="maintenance")
    final = enter_maintenance(ctx, host, reason=reason, force=force)
    if ctx.async_:
        return Result(True, f"host {host.name}: maintenance accepted", final)
    return Result(True, f"host {host.name} is in maintenance", final)


@verb(
    "host",
    "activate",
    "Activate the host (maintenance -> up).",
    mutating=True,
    waits=True,
    wait=ACTIVATE_TIMEOUT,
    key="A",
)
def activate(ctx: ActionContext, target: Any) -> Result:
    """Activate the host and wait until it is up."""
    host = get_host(ctx, target)
    final = activate_host(ctx, host, skip_if_up=False)  # on an up host: the engine's words
    if ctx.async_:
        return Result(True, f"host {host.name}: activate accepted", final)
    return Result(True, f"host {host.name} is up", final)
