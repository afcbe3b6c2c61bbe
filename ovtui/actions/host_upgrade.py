"""``host upgradecheck`` and ``host upgrade``.

The upgrade follows the engine's events to the end: 840 HOST_UPGRADE_STARTED, then 842
FINISHED, 888 FINISHED_AND_WILL_BE_REBOOTED or 841 FAILED, and says which of *up to date*,
*upgraded*, *upgraded and rebooting* or *failed* it was. An up host is first put into
maintenance by ovtui itself (preflight plan, VMs followed as they leave) and activated again
at the end, so the host ends in the state it started in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, Param, Result
from .declare import verb
from .host_common import EventScan, get_host, host_service
from .host_maintenance import activate_host, enter_maintenance
from .placement import plan_for_host
from .plans import host_plan
from .waiters import send_action, status_of, wait_for

UPGRADE_TIMEOUT = 3600.0
CHECK_TIMEOUT = 900.0
EV_CHECK_DONE, EV_CHECK_FAILED = 885, 839
EV_UPDATES_AVAILABLE = (843, 844)
EV_UPGRADE_STARTED, EV_UPGRADE_DONE, EV_UPGRADE_FAILED, EV_UPGRADE_REBOOT = 840, 842, 841, 888

UP_TO_DATE = "up to date"
UPGRADED = "upgraded"
REBOOTING = "upgraded and rebooting"
FAILED = "failed"


@dataclass
class UpgradeOutcome:
    outcome: str  # one of UP_TO_DATE, UPGRADED, REBOOTING (FAILED raises)
    host: types.Host


def run_upgrade_check(ctx: ActionContext, host: types.Host | str) -> types.Host:
    """Ask the engine to check for updates; wait for the check's end (885/839/843/844).
    Returns the host as it is afterwards (``update_available`` set)."""
    host = get_host(ctx, host)
    hs = host_service(ctx, host)
    scan = EventScan(ctx, (EV_CHECK_DONE, EV_CHECK_FAILED, *EV_UPDATES_AVAILABLE))
    cid, _ = send_action(ctx, hs, "upgrade_check", what=f"host {host.name}", verb="upgradecheck")
    if ctx.async_:
        return host
    state: dict[str, Any] = {"done": False, "failed": None}

    def on_poll(_h: types.Host) -> None:
        for info, _ev in scan.poll(host_ids=[host.id], correlation_id=cid):
            level = "error" if info.code == EV_CHECK_FAILED else "info"
            ctx.progress("event", info.description, event=info, level=level)
            state["done"] = True
            if info.code == EV_CHECK_FAILED:
                state["failed"] = info.description

    wait_for(
        ctx,
        hs.get,
        lambda _h: state["done"],
        what=f"upgrade check of host {host.name}",
        wanted="finished",
        fail=lambda _h: state["failed"],
        timeout=ctx.timeout_for(CHECK_TIMEOUT),
        on_poll=on_poll,
    )
    return get_host(ctx, host)


def upgrade_host(
    ctx: ActionContext,
    host: types.Host | str,
    *,
    reboot: bool = False,
    check: bool = False,
    force: bool = False,
    restore: bool = True,
) -> UpgradeOutcome:
    """The whole upgrade of one host; raises EngineRefused when it fails.

    ``restore``: activate the host again when it started up (the rolling upgrade does that
    step itself, to report it)."""
    host = get_host(ctx, host)
    start = status_of(host)
    if check:
        host = run_upgrade_check(ctx, host)
    if not host.update_available:
        ctx.progress("done", f"host {host.name}: {UP_TO_DATE}", fraction=1.0)
        return UpgradeOutcome(UP_TO_DATE, host)
    if start == "up":
        host = enter_maintenance(ctx, host, force=force)
        if ctx.async_:
            return UpgradeOutcome("accepted", host)
    outcome, host = upgrade_and_follow(ctx, host, reboot)
    if ctx.async_:
        return UpgradeOutcome("accepted", host)
    if restore and start == "up" and status_of(host) != "up":
        host = activate_host(ctx, host)
    return UpgradeOutcome(outcome, host)


def upgrade_and_follow(
    ctx: ActionContext, host: types.Host, reboot: bool
) -> tuple[str, types.Host]:
    hs = host_service(ctx, host)
    scan = EventScan(
        ctx, (EV_UPGRADE_STARTED, EV_UPGRADE_DONE, EV_UPGRADE_FAILED, EV_UPGRADE_REBOOT)
    )
    kw: dict[str, Any] = {"reboot": True} if reboot else {}
    cid, _ = send_action(ctx, hs, "upgrade", what=f"host {host.name}", **kw)
    if ctx.async_:
        return "accepted", get_host(ctx, host)
    seen: dict[int, str] = {}
    state = {"installing": False}

    def on_poll(h: types.Host) -> None:
        if status_of(h) in ("installing", "reboot"):
            state["installing"] = True
        for info, _ev in scan.poll(host_ids=[host.id], correlation_id=cid):
            seen[info.code or 0] = info.description
            level = "error" if info.code == EV_UPGRADE_FAILED else "info"
            frac = {EV_UPGRADE_STARTED: 0.1, EV_UPGRADE_REBOOT: 0.8, EV_UPGRADE_DONE: 1.0}
            ctx.progress(
                "event",
                info.description,
                event=info,
                level=level,
                fraction=frac.get(info.code or 0),
            )

    def done(h: types.Host) -> bool:
        settled = status_of(h) in ("maintenance", "up")
        if EV_UPGRADE_FAILED in seen:
            return False
        if EV_UPGRADE_DONE in seen or EV_UPGRADE_REBOOT in seen:
            return settled
        # An engine that logs no upgrade events: installing came and went, no update left.
        return settled and state["installing"] and not h.update_available

    def fail(h: types.Host) -> str | None:
        if EV_UPGRADE_FAILED in seen:
            return f"host {host.name}: upgrade {FAILED}: {seen[EV_UPGRADE_FAILED]}"
        if status_of(h) == "install_failed":
            return f"host {host.name}: upgrade {FAILED}: the host went install_failed."
        return None

    final = wait_for(
        ctx,
        hs.get,
        done,
        what=f"host {host.name}",
        wanted="upgraded",
        fail=fail,
        timeout=ctx.timeout_for(UPGRADE_TIMEOUT),
        on_poll=on_poll,
    )
    return (REBOOTING if EV_UPGRADE_REBOOT in seen else UPGRADED), final


@verb(
    "host",
    "upgradecheck",
    "Ask the engine to check the host for available updates.",
    mutating=True,
    waits=True,
    wait=CHECK_TIMEOUT,
    key="K",
    aliases=("upgrade-check",),
)
def upgradecheck(ctx: ActionContext, target: Any) -> Result:
    """Check for updates and say whether some are available."""
    host = run_upgrade_check(ctx, target)
    if ctx.async_:
        return Result(True, f"host {host.name}: upgrade check accepted", host)
    if host.update_available:
        return Result(True, f"host {host.name}: updates are available", host)
    return Result(True, f"host {host.name}: {UP_TO_DATE}", host)


@verb(
    "host",
    "upgrade",
    "Upgrade the host (maintenance first when up; back to its starting state after).",
    params=(
        Param("reboot", ("-b", "--reboot"), "Reboot the host after the upgrade", "flag"),
        Param(
            "check",
            ("-r", "--check", "--refresh"),
            "Run an upgrade check first (refresh the upgrade status, ovirtcmd's -r)",
            "flag",
        ),
        Param("dry_run", ("--dry-run",), "Print the migration plan; change nothing", "flag"),
        Param("force", ("--force",), "Skip the placement preflight", "flag"),
    ),
    mutating=True,
    dangerous=True,
    waits=True,
    plan=host_plan("upgrade"),
    wait=UPGRADE_TIMEOUT,
    key="U",
)
def upgrade(
    ctx: ActionContext,
    target: Any,
    reboot: bool = False,
    check: bool = False,
    dry_run: bool = False,
    force: bool = False,
) -> Result:
    """Upgrade the host and say: up to date, upgraded, upgraded and rebooting (or fail)."""
    host = get_host(ctx, target)
    if dry_run:
        plan = plan_for_host(ctx, host)
        plan.report(ctx)
        avail = "updates available" if host.update_available else "no update known"
        return Result(plan.ok, f"{plan.summary()} {host.name}: {avail} (dry run)", plan.as_data())
    res = upgrade_host(ctx, host, reboot=reboot, check=check, force=force)
    if res.outcome == "accepted":
        return Result(True, f"host {host.name}: upgrade accepted", res.host)
    return Result(True, f"host {host.name}: {res.outcome}", res.host)
