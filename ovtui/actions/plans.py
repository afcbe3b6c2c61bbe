"""What a host verb will do to the host's VMs, computed before its confirmation.

``host_plan(verb)`` is the ``plan`` of the host verbs that move or stop VMs (maintenance,
upgrade, restart, reinstall, remove); it reuses the verbs' own placement (``plan_for_host``)
so the question says what the verb itself will check. Reads only.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, Preview
from .declare import Planner
from .host_common import get_host
from .placement import GIB, plan_for_host, vms_on_host
from .placement import Plan as Placement
from .waiters import status_of


def host_plan(verb: str) -> Planner:
    """The ``plan`` of ``host VERB``: one section per host."""

    def plan(ctx: ActionContext, targets: list[Any], params: dict[str, Any]) -> Preview:
        out = Preview()
        for t in targets:
            host_preview(ctx, get_host(ctx, t), verb, params, out)
        return out

    return plan


def placement_lines(placement: Placement, out: Preview, indent: str = "   ") -> None:
    """Each VM and where it goes; what cannot move goes to ``out.blocked`` by reason."""
    for p in placement.placements:
        mem = f"{p.memory / GIB:.1f} GiB"
        if p.destination:
            out.lines.append(f"{indent}{p.vm} ({mem}) -> {p.destination}")
        else:
            out.lines.append(f"{indent}{p.vm} ({mem}) CANNOT MOVE: {p.reason}")
    if not placement.ok:
        by_reason: dict[str, list[str]] = {}
        for p in placement.stuck:
            by_reason.setdefault(p.reason, []).append(p.vm)
        n = len(placement.placements)
        out.blocked.append(f"{placement.host}: {len(placement.stuck)} of {_vms(n)} cannot move:")
        out.blocked += [f"  {why}: {', '.join(vms)}" for why, vms in by_reason.items()]


def _vms(n: int) -> str:
    return f"{n} VM" if n == 1 else f"{n} VMs"


def move_heading(placement: Placement) -> str:
    """The plan's heading, counting truthfully: "9 VMs will move:" only when all can;
    "3 of 9 VMs can move:" when some cannot; "none of the 9 VMs can move:" when none can."""
    n = len(placement.placements)
    movable = n - len(placement.stuck)
    if movable == n:
        return f"{_vms(n)} will move:" if n != 1 else "1 VM will move:"
    if movable == 0:
        return f"none of the {_vms(n)} can move:" if n != 1 else "its 1 VM cannot move:"
    return f"{movable} of {_vms(n)} can move:"


def host_preview(
    ctx: ActionContext, host: types.Host, verb: str, params: dict[str, Any], out: Preview
) -> None:
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
        placement = plan_for_host(ctx, host)
        if not placement.placements:
            out.lines.append(f"{head}: runs no VMs; nothing to migrate.")
            return
        out.lines.append(f"{head}: {move_heading(placement)}")
        placement_lines(placement, out)
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
