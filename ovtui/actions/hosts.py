"""Host verbs. Maintenance/activate live in host_maintenance, upgrades in host_upgrade (the
registry imports each of them).

TUI keys (upper case, clear of the global keys and the lower-case VM keys):
M maintenance, A activate, K upgradecheck, U upgrade, I reinstall, R restart, F refresh,
P spm, B bond, D remove.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .host_common import EventScan, get_host, host_service
from .placement import plan_for_host, vms_on_host
from .plans import host_plan
from .waiters import send_action, status_of, wait_for, wait_gone

INSTALL_TIMEOUT = 3600.0
RESTART_TIMEOUT = 1800.0
SPM_TIMEOUT = 300.0
REMOVE_TIMEOUT = 300.0
EV_INSTALL_DONE, EV_INSTALL_FAILED = 504, 505

__all__ = ["plan_for_host"]


@verb(
    "host",
    "reinstall",
    "Reinstall the host (it must be in maintenance).",
    params=(Param("activate", ("--activate",), "Activate the host once installed", "flag"),),
    mutating=True,
    dangerous=True,
    waits=True,
    plan=host_plan("reinstall"),
    wait=INSTALL_TIMEOUT,
    key="I",
    aliases=("install",),
)
def reinstall(ctx: ActionContext, target: Any, activate: bool = False) -> Result:
    """Reinstall the host; the engine refuses unless it is in maintenance."""
    host = get_host(ctx, target)
    hs = host_service(ctx, host)
    scan = EventScan(ctx, (EV_INSTALL_DONE, EV_INSTALL_FAILED))
    ssh = types.Ssh(authentication_method=types.SshAuthenticationMethod.PUBLICKEY)
    cid, follower = send_action(
        ctx, hs, "install", what=f"host {host.name}", verb="reinstall", activate=activate, ssh=ssh
    )
    if ctx.async_:
        return Result(True, f"host {host.name}: reinstall accepted", get_host(ctx, host))
    wanted = "up" if activate else "maintenance"
    state: dict[str, Any] = {"installing": False, "done": False, "failed": None}

    def on_poll(h: types.Host) -> None:
        if status_of(h) == "installing":
            state["installing"] = True
        for info, _ev in scan.poll(host_ids=[host.id], correlation_id=cid):
            if info.code == EV_INSTALL_FAILED:
                state["failed"] = info.description
            else:
                state["done"] = True

    def fail(h: types.Host) -> str | None:
        if state["failed"]:
            return f"host {host.name}: reinstall failed: {state['failed']}"
        if status_of(h) == "install_failed":
            return f"host {host.name}: reinstall failed (install_failed)."
        return None

    final = wait_for(
        ctx,
        hs.get,
        lambda h: (state["installing"] or state["done"]) and status_of(h) == wanted,
        what=f"host {host.name}",
        wanted=wanted,
        fail=fail,
        timeout=ctx.timeout_for(INSTALL_TIMEOUT),
        follower=follower,
        on_poll=on_poll,
    )
    return Result(True, f"host {host.name} reinstalled; {wanted}", final)


@verb(
    "host",
    "restart",
    "Restart the host (fence restart) and wait until it is back.",
    params=(Param("force", ("--force",), "Restart even with VMs running on it", "flag"),),
    mutating=True,
    dangerous=True,
    waits=True,
    plan=host_plan("restart"),
    wait=RESTART_TIMEOUT,
    key="R",
)
def restart(ctx: ActionContext, target: Any, force: bool = False) -> Result:
    """Restart the host and wait for it to come back to the status it had.

    A restart kills the VMs running there, so it refuses while there are any (--force)."""
    host = get_host(ctx, target)
    running = vms_on_host(ctx, host)
    if running and not force:
        names = ", ".join(sorted(v.name for v in running))
        raise EngineRefused(
            f"host {host.name} runs {len(running)} VM(s) a restart would kill: {names}.",
            f"Put it into maintenance first (ovtui run host -n {host.name} maintenance),"
            " or use --force.",
        )
    start = status_of(host)
    hs = host_service(ctx, host)
    _, follower = send_action(
        ctx, hs, "fence", what=f"host {host.name}", verb="restart", fence_type="restart"
    )
    if ctx.async_:
        return Result(True, f"host {host.name}: restart accepted", get_host(ctx, host))
    state = {"left": False}

    def on_poll(h: types.Host) -> None:
        if status_of(h) != start:
            state["left"] = True

    final = wait_for(
        ctx,
        hs.get,
        lambda h: state["left"] and status_of(h) == start,
        what=f"host {host.name}",
        wanted=f"back {start}",
        fail=lambda h: "the host went install_failed" if status_of(h) == "install_failed" else None,
        timeout=ctx.timeout_for(RESTART_TIMEOUT),
        follower=follower,
        on_poll=on_poll,
    )
    return Result(True, f"host {host.name} restarted; {start}", final)


@verb(
    "host",
    "refresh",
    "Refresh the host's capabilities.",
    mutating=True,
    key="F",
)
def refresh(ctx: ActionContext, target: Any) -> Result:
    """Ask the engine to refresh the host capabilities."""
    host = get_host(ctx, target)
    send_action(ctx, host_service(ctx, host), "refresh", what=f"host {host.name}")
    return Result(True, f"host {host.name}: capabilities refreshed", get_host(ctx, host))


def _spm_status(h: types.Host) -> str | None:
    st = getattr(h.spm, "status", None) if h.spm is not None else None
    return getattr(st, "value", st)


@verb(
    "host",
    "spm",
    "Force the engine to select this host as SPM.",
    mutating=True,
    waits=True,
    wait=SPM_TIMEOUT,
    key="P",
    aliases=("select-spm",),
)
def spm(ctx: ActionContext, target: Any) -> Result:
    """Select the host as storage pool manager and wait until it is."""
    host = get_host(ctx, target)
    hs = host_service(ctx, host)
    _, follower = send_action(ctx, hs, "force_select_spm", what=f"host {host.name}", verb="spm")
    if ctx.async_:
        return Result(True, f"host {host.name}: SPM selection accepted", get_host(ctx, host))
    final = wait_for(
        ctx,
        hs.get,
        lambda h: _spm_status(h) == "spm",
        what=f"SPM role of host {host.name}",
        wanted="spm",
        timeout=ctx.timeout_for(SPM_TIMEOUT),
        follower=follower,
    )
    return Result(True, f"host {host.name} is the SPM", final)


def _options(options: Any) -> list[types.Option]:
    """Bonding options from ``-o NAME VALUE`` pairs or a template mapping / list."""
    if not options:
        return []
    if isinstance(options, dict):
        pairs = list(options.items())
    else:
        pairs = []
        for item in options:
            if isinstance(item, dict):
                pairs.extend(item.items())
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((item[0], item[1]))
            elif isinstance(item, str) and "=" in item:
                name, value = item.split("=", 1)
                pairs.append((name, value))
            else:
                raise UsageError(f"Bonding option {item!r} is not NAME VALUE.")
    return [types.Option(name=str(k), value=str(v)) for k, v in pairs]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return [str(v) for v in value]


@verb(
    "host",
    "bond",
    "Create or change a bond with networks on it (host setupnetworks).",
    params=(
        Param("interfaces", ("-i", "--interface"), "Slave interface (repeat)", repeat=True),
        Param("mtu", ("-m", "--mtu"), "MTU of the bond", "int"),
        Param(
            "options",
            ("-o", "--option"),
            "Bonding option NAME VALUE (repeat), e.g. -o mode 4",
            repeat=True,
            nargs=2,
            metavar=("NAME", "VALUE"),
        ),
        Param("bond", ("-b", "--bond"), "Bond name", default="bond0"),
        Param("networks", ("-n", "--network"), "Network on the bond (repeat)", repeat=True),
    ),
    mutating=True,
    waits=True,
    key="B",
)
def bond(
    ctx: ActionContext,
    target: Any,
    interfaces: Any = None,
    mtu: int | None = None,
    options: Any = None,
    bond: str | None = "bond0",
    networks: Any = None,
) -> Result:
    """Build a bond from interfaces and attach networks to it (default ovirtmgmt)."""
    slaves = _as_list(interfaces)
    if len(slaves) < 1:
        raise UsageError("A bond needs interfaces: -i IFACE (repeat), or interfaces: in -T.")
    nets = _as_list(networks) or ["ovirtmgmt"]
    host = get_host(ctx, target)
    name = bond or "bond0"
    nic = types.HostNic(
        name=name,
        mtu=int(mtu) if mtu else None,
        bonding=types.Bonding(
            options=_options(options) or None,
            slaves=[types.HostNic(name=s) for s in slaves],
        ),
    )
    attachments = [
        types.NetworkAttachment(network=types.Network(name=n), host_nic=types.HostNic(name=name))
        for n in nets
    ]
    hs = host_service(ctx, host)
    send_action(
        ctx,
        hs,
        "setup_networks",
        what=f"host {host.name}",
        verb="bond",
        modified_bonds=[nic],
        modified_network_attachments=attachments,
        check_connectivity=True,
        commit_on_success=True,
    )
    return Result(
        True,
        f"host {host.name}: {name} over {', '.join(slaves)} carries {', '.join(nets)}",
        get_host(ctx, host),
    )


@verb(
    "host",
    "remove",
    "Remove the host from the engine (it must be in maintenance).",
    params=(Param("force", ("--force",), "Force removal", "flag"),),
    mutating=True,
    dangerous=True,
    waits=True,
    plan=host_plan("remove"),
    wait=REMOVE_TIMEOUT,
    key="D",
)
def remove(ctx: ActionContext, target: Any, force: bool = False) -> Result:
    """Remove the host and wait until the engine no longer has it."""
    host = get_host(ctx, target)
    hs = host_service(ctx, host)
    kw: dict[str, Any] = {"force": True} if force else {}
    send_action(ctx, hs, "remove", what=f"host {host.name}", **kw)
    if ctx.async_:
        return Result(True, f"host {host.name}: removal accepted", host)
    limit = ctx.timeout_for(REMOVE_TIMEOUT)
    wait_gone(
        ctx,
        hs,
        what=f"host {host.name}",
        timeout=limit,
        timed_out=f"Timed out after {limit:g} s waiting for {host.name} to go.",
    )
    ctx.progress("done", f"host {host.name} removed", fraction=1.0)
    return Result(True, f"host {host.name} removed", host)
