"""What a dangerous host or cluster verb will do, computed before its confirmation.

Plain functions over an :class:`ActionContext` (no textual): the confirmation dialog runs them
in a thread worker. They reuse the actions' own planning (``plan_for_host``, the rolling
upgrade's ``--dry-run``) so the dialog says what the verb itself would check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ovtui.actions.base import Action, ActionContext
from ovtui.actions.host_common import get_host
from ovtui.actions.placement import GIB, Plan, plan_for_host, vms_on_host
from ovtui.actions.waiters import status_of

HOST_PLAN_VERBS = frozenset({"maintenance", "upgrade", "restart", "reinstall", "remove"})


@dataclass
class Preview:
    """Lines for the dialog; ``blocked`` says why it cannot go (empty: it can)."""

    lines: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    total: int | None = None  # hosts of a rolling upgrade, for the task's "done / total"

    @property
    def ok(self) -> bool:
        return not self.blocked


def needs_preview(action: Action) -> bool:
    return (action.noun == "host" and action.verb in HOST_PLAN_VERBS) or (
        action.noun == "cluster" and action.verb == "upgrade"
    )


def preview(ctx: ActionContext, action: Action, targets: list[Any], params: dict) -> Preview:
    if action.noun == "cluster":
        return cluster_upgrade_preview(ctx, targets[0], params)
    out = Preview()
    for t in targets:
        host_preview(ctx, get_host(ctx, t), action.verb, params, out)
    return out


def _plan_lines(plan: Plan, out: Preview, indent: str = "   ") -> None:
    for p in plan.placements:
        mem = f"{p.memory / GIB:.1f} GiB"
        if p.destination:
            out.lines.append(f"{indent}{p.vm} ({mem}) -> {p.destination}")
        else:
            out.lines.append(f"{indent}{p.vm} ({mem}) CANNOT MOVE: {p.reason}")
    if not plan.ok:
        by_reason: dict[str, list[str]] = {}
        for p in plan.stuck:
            by_reason.setdefault(p.reason, []).append(p.vm)
        n = len(plan.placements)
        out.blocked.append(f"{plan.host}: {len(plan.stuck)} of {n} VM(s) cannot move:")
        out.blocked += [f"  {why}: {', '.join(vms)}" for why, vms in by_reason.items()]


def host_preview(ctx: ActionContext, host: Any, verb: str, params: dict, out: Preview) -> None:
    """Append what ``host VERB`` does to ``host``'s VMs to ``out``."""
    st = status_of(host)
    head = f"{host.name} ({st})"
    if verb in ("maintenance", "upgrade"):
        if verb == "upgrade" and not host.update_available and not params.get("check"):
            out.lines.append(f"{head}: no update known; nothing moves (tick Check to look first).")
            return
        if st == "maintenance":
            out.lines.append(f"{head}: already in maintenance; no VM moves.")
            return
        plan = plan_for_host(ctx, host)
        if not plan.placements:
            out.lines.append(f"{head}: runs no VMs; nothing to migrate.")
            return
        out.lines.append(f"{head}: {len(plan.placements)} VM(s) will move:")
        _plan_lines(plan, out)
        return
    vms = sorted(v.name for v in vms_on_host(ctx, host))
    if verb == "restart":
        if not vms:
            out.lines.append(f"{head}: runs no VMs.")
        elif params.get("force"):
            out.lines.append(f"{head}: the restart KILLS its VMs: {', '.join(vms)}.")
        else:
            out.lines.append(f"{head}: runs {len(vms)} VM(s): {', '.join(vms)}.")
            out.blocked.append(
                f"{host.name} runs {len(vms)} VM(s) a restart would kill: {', '.join(vms)}."
                " Put it into maintenance first (their VMs move), or force to kill them."
            )
        return
    # reinstall, remove: the engine wants the host in maintenance (it says so itself)
    note = "" if st == "maintenance" else f"; not in maintenance: the engine will refuse the {verb}"
    moving = f", running VMs: {', '.join(vms)}" if vms else ", no VMs"
    out.lines.append(f"{head}{moving}{note}.")


def cluster_upgrade_preview(ctx: ActionContext, cluster: Any, params: dict) -> Preview:
    """The rolling upgrade's own ``--dry-run``: host order, each host's VMs and destinations."""
    from ovtui.actions import clusters

    res = clusters.upgrade(ctx, cluster, hosts=params.get("hosts"), dry_run=True)
    rows = list(res.data or [])
    out = Preview(total=len(rows))
    order = ", ".join(r["host"] for r in rows) or "no hosts"
    out.lines.append(f"Order, one host at a time: {order}")
    if params.get("resume"):
        out.lines.append("Continuing the stopped run: hosts already done are skipped.")
    out.lines.append("Each: upgrade check, maintenance, upgrade, activate, wait healthy.")
    for i, r in enumerate(rows, 1):
        upd = "updates available" if r["update_available"] else "update unknown until checked"
        vms = r["vms"]
        moves = f"{len(vms)} VM(s) move" if vms else "no VMs"
        out.lines.append(f"{i}. {r['host']} ({r['status']}, {upd}): {moves}")
        for v in vms:
            mem = f"{v['memory'] / GIB:.1f} GiB"
            if v.get("destination"):
                out.lines.append(f"   {v['vm']} ({mem}) -> {v['destination']}")
            else:
                out.lines.append(f"   {v['vm']} ({mem}) CANNOT MOVE: {v.get('reason', '')}")
                out.blocked.append(f"{r['host']}: {v['vm']} cannot move: {v.get('reason', '')}")
    return out
