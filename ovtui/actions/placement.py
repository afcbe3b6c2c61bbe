"""Preflight of host maintenance: where can each running VM of a host go?

:func:`compute_plan` is pure (plain data in, :class:`Plan` out) so the TUI confirmation, the
``--dry-run`` output, ``host maintenance``/``upgrade`` and the rolling cluster upgrade all
agree. :func:`plan_for_host` reads the engine and calls it.

The rule: candidates are the *up* hosts of the same cluster; VMs are placed largest first,
each on the candidate with the most free memory left that can hold it (first fit over hosts
ordered by free memory). A VM pinned to the host (placement affinity ``pinned`` or
``user_migratable``, or pinned to a host list that offers no other up host) cannot move.
This predicts the engine scheduler; the engine still makes the real choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, EngineRefused
from .errors import engine_errors
from .selectors import quote
from .waiters import status_of

GIB = 1024**3
# VM statuses that mean "runs on this host and must leave before maintenance".
RUNNING = frozenset(
    {
        "up",
        "powering_up",
        "wait_for_launch",
        "paused",
        "migrating",
        "reboot_in_progress",
        "powering_down",
        "restoring_state",
        "saving_state",
        "not_responding",
        "unknown",
    }
)


@dataclass(frozen=True)
class VmNeed:
    """A running VM to place: memory in bytes; ``allowed`` host ids (None: any)."""

    id: str
    name: str
    memory: int
    pinned: bool = False
    allowed: frozenset[str] | None = None


@dataclass(frozen=True)
class HostRoom:
    """A candidate destination: free memory in bytes for scheduling."""

    id: str
    name: str
    free: int


@dataclass(frozen=True)
class Placement:
    vm: str
    vm_id: str
    memory: int
    destination: str | None  # host name, None when the VM cannot move
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"vm": self.vm, "memory": self.memory, "destination": self.destination}
        if self.reason:
            d["reason"] = self.reason
        return d


@dataclass
class Plan:
    """Where each VM of ``host`` goes; ``ok`` when all of them can go somewhere."""

    host: str
    host_id: str
    placements: list[Placement] = field(default_factory=list)
    candidates: list[HostRoom] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.destination for p in self.placements)

    @property
    def stuck(self) -> list[Placement]:
        return [p for p in self.placements if not p.destination]

    def destination_of(self, vm_id: str) -> str | None:
        for p in self.placements:
            if p.vm_id == vm_id:
                return p.destination
        return None

    def as_data(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.placements]

    def lines(self) -> list[str]:
        """Human lines, one per VM, for confirmations and progress."""
        if not self.placements:
            return [f"{self.host} runs no VMs: nothing to migrate."]
        out = []
        for p in self.placements:
            mem = f"{p.memory / GIB:.1f} GiB"
            if p.destination:
                out.append(f"{p.vm} ({mem}) -> {p.destination}")
            else:
                out.append(f"{p.vm} ({mem}) cannot move: {p.reason}")
        return out

    def report(self, ctx: ActionContext) -> None:
        """Report each of :meth:`lines` as a ``plan`` progress step about the host."""
        for line in self.lines():
            ctx.progress("plan", line, subject=self.host)

    def summary(self) -> str:
        n = len(self.placements)
        if self.ok:
            return f"{self.host}: {n} VM(s) can move to other hosts of the cluster."
        by_reason: dict[str, list[str]] = {}
        for p in self.stuck:
            by_reason.setdefault(p.reason or "no room", []).append(p.vm)
        groups = "; ".join(f"{', '.join(vms)} ({reason})" for reason, vms in by_reason.items())
        return f"{self.host}: {len(self.stuck)} of {n} VM(s) cannot move: {groups}."

    def refuse_unless_ok(self) -> None:
        if not self.ok:
            raise EngineRefused(
                self.summary(),
                "Free memory on other hosts of the cluster, migrate or stop those VMs, "
                "or use --force to let the engine try anyway.",
            )


def compute_plan(host_name: str, host_id: str, vms: list[VmNeed], rooms: list[HostRoom]) -> Plan:
    """Place ``vms`` on ``rooms`` (largest VM first, most free host first). Pure."""
    free = {r.id: r.free for r in rooms}
    names = {r.id: r.name for r in rooms}
    plan = Plan(host=host_name, host_id=host_id, candidates=list(rooms))
    for vm in sorted(vms, key=lambda v: (-v.memory, v.name)):
        if vm.pinned:
            plan.placements.append(
                Placement(vm.name, vm.id, vm.memory, None, f"pinned to {host_name}")
            )
            continue
        options = [h for h in free if vm.allowed is None or h in vm.allowed]
        if not options:
            why = "no other up host in the cluster" if not free else "no allowed host is up"
            plan.placements.append(Placement(vm.name, vm.id, vm.memory, None, why))
            continue
        options.sort(key=lambda h: (-free[h], names[h]))
        dest = next((h for h in options if free[h] >= vm.memory), None)
        if dest is None:
            best = free[options[0]]
            plan.placements.append(
                Placement(
                    vm.name,
                    vm.id,
                    vm.memory,
                    None,
                    f"needs {vm.memory / GIB:.1f} GiB, most free elsewhere {best / GIB:.1f} GiB",
                )
            )
            continue
        free[dest] -= vm.memory
        plan.placements.append(Placement(vm.name, vm.id, vm.memory, names[dest]))
    plan.placements.sort(key=lambda p: p.vm)
    return plan


def vms_on_host(ctx: ActionContext, host: types.Host) -> list[types.Vm]:
    """The VMs running on ``host`` (engine search ``host=NAME``, checked by host id)."""
    with engine_errors(f"listing the VMs of {host.name}"):
        found = ctx.system.vms_service().list(search=f"host={quote(host.name)}")
    return [
        v for v in found if v.host is not None and v.host.id == host.id and status_of(v) in RUNNING
    ]


def host_free_memory(host: types.Host, used: int, overcommit: float = 1.0) -> int:
    """Memory the scheduler can still give on ``host``: the lower of the engine's
    ``max_scheduling_memory`` and physical memory (times the cluster's overcommit) less the
    memory of the VMs running there. Taking both keeps the estimate safe with engines that
    refresh ``max_scheduling_memory`` late."""
    estimates = []
    if host.max_scheduling_memory is not None:
        estimates.append(int(host.max_scheduling_memory))
    if host.memory:
        estimates.append(int(host.memory * overcommit) - used)
    return max(0, min(estimates)) if estimates else 0


def _vm_need(vm: types.Vm, host_id: str) -> VmNeed:
    pp = vm.placement_policy
    pinned = False
    allowed: frozenset[str] | None = None
    if pp is not None:
        affinity = getattr(pp.affinity, "value", pp.affinity)
        hosts = frozenset(h.id for h in (pp.hosts or []) if h.id)
        if affinity in ("pinned", "user_migratable"):
            pinned = True
        if hosts:
            allowed = hosts - {host_id}
    return VmNeed(vm.id, vm.name, int(vm.memory or 0), pinned, allowed)


def plan_for_host(ctx: ActionContext, host: types.Host, vms: list[types.Vm] | None = None) -> Plan:
    """Read the engine and compute where the running VMs of ``host`` would go.

    Four requests whatever the cluster size: the host's VMs, the cluster, its hosts, its VMs."""
    if vms is None:
        vms = vms_on_host(ctx, host)
    cluster = _cluster(ctx, host)
    cname = quote(cluster.name) if cluster is not None else "*"
    with engine_errors(f"listing the hosts and VMs of the cluster of {host.name}"):
        peers = ctx.system.hosts_service().list(search=f"cluster={cname}")
        cluster_vms = ctx.system.vms_service().list(search=f"cluster={cname}")
    used: dict[str, int] = {}
    for v in cluster_vms:
        if v.host is not None and status_of(v) in RUNNING:
            used[v.host.id] = used.get(v.host.id, 0) + int(v.memory or 0)
    policy = getattr(cluster, "memory_policy", None)
    pct = getattr(getattr(policy, "over_commit", None), "percent", None)
    overcommit = pct / 100.0 if pct else 1.0
    cluster_id = cluster.id if cluster is not None else None
    rooms = [
        HostRoom(h.id, h.name, host_free_memory(h, used.get(h.id, 0), overcommit))
        for h in peers
        if h.id != host.id
        and status_of(h) == "up"
        and (cluster_id is None or (h.cluster is not None and h.cluster.id == cluster_id))
    ]
    needs = [_vm_need(v, host.id) for v in vms]
    return compute_plan(host.name, host.id, needs, rooms)


def _cluster(ctx: ActionContext, host: types.Host) -> types.Cluster | None:
    if host.cluster is None:
        return None
    with engine_errors("reading the cluster"):
        return ctx.system.clusters_service().cluster_service(host.cluster.id).get()
