"""Host verbs. Maintenance/activate live in host_maintenance, upgrades in host_upgrade (the
registry imports each of them).

TUI keys (upper case, clear of the global keys and the lower-case VM keys):
M maintenance, A activate, K upgradecheck, U upgrade, I reinstall, R restart, F refresh,
P spm, B bond, D remove.
"""

from __future__ import annotations

import getpass
import sys
import threading
from pathlib import Path
from typing import Any

from ovirtsdk4 import types

from ..safefile import read_regular
from . import datacenters as dc
from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .host_common import EventScan, get_host, host_service
from .host_networks import Attach, BondSpec, Change, as_list, bond_options, setup_networks
from .placement import plan_for_host, vms_on_host
from .plans import host_plan
from .selectors import quote
from .vm_writes import add_once
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
    """Build a bond from interfaces and attach networks to it (default ovirtmgmt): a
    shorthand for ``host setupnetworks``, read back and compared the same way."""
    slaves = as_list(interfaces)
    if len(slaves) < 1:
        raise UsageError("A bond needs interfaces: -i IFACE (repeat), or interfaces: in -T.")
    nets = as_list(networks) or ["ovirtmgmt"]
    name = bond or "bond0"
    change = Change(
        attach=[Attach(n, name) for n in nets],
        bonds=[BondSpec(name, slaves, bond_options(options), int(mtu) if mtu else None)],
    )
    res = setup_networks(ctx, target, change, verb_name="bond")
    host = get_host(ctx, target)
    res.message = f"host {host.name}: {name} over {', '.join(slaves)} carries {', '.join(nets)}"
    res.data = host
    res.columns = None
    res.root = None
    return res


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


# ------------------------------------------------------------------ host add
ADD_TIMEOUT = 3600.0
EV_HOST_ADDED = 42


def _root_password(password_file: str | None, password_prompt: bool) -> str | None:
    """The root password from a file (never the command line) or the terminal's prompt."""
    if password_file:
        raw = read_regular(Path(password_file), 64 * 1024, "root password file")
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise UsageError(f"root password file {password_file} is not UTF-8 text.") from None
    if password_prompt:
        if threading.current_thread() is not threading.main_thread():
            # the TUI runs verbs in worker threads: its screen owns the terminal
            raise UsageError(
                "--password-prompt asks on the terminal, which the TUI is using.",
                "Give a password file (--password-file FILE) or --ssh-key.",
            )
        if not sys.stdin.isatty():
            raise UsageError(
                "--password-prompt needs a terminal.", "Give --password-file FILE instead."
            )
        return getpass.getpass("root password of the new host: ")
    return None


@verb(
    "host",
    "add",
    "Add a host to a cluster (root password from a file or prompt, or the engine's SSH key)",
    params=(
        Param("name", ("--name",), "name of the host in the engine", "text", required=True),
        Param("address", ("--address",), "its address (FQDN or IP)", "text", required=True),
        Param("cluster", ("--cluster",), "its cluster (default: Default)", "cluster"),
        Param("password_file", ("--password-file",), "file holding the root password", "file"),
        Param("password_prompt", ("--password-prompt",), "ask the root password", "flag"),
        Param(
            "ssh_key",
            ("--ssh-key",),
            "log in with the engine's public SSH key (installed on the host beforehand)",
            "flag",
        ),
        Param("port", ("--ssh-port",), "SSH port", "int"),
        Param("description", ("--description",), "description", "text"),
        Param("no_activate", ("--no-activate",), "leave it in maintenance once installed", "flag"),
    ),
    target="none",
    mutating=True,
    waits=True,
    wait=ADD_TIMEOUT,
    key="c",
    aliases=("create",),
)
def add(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    address: str | None = None,
    cluster: str | None = None,
    password_file: str | None = None,
    password_prompt: bool = False,
    ssh_key: bool = False,
    port: int | None = None,
    description: str | None = None,
    no_activate: bool = False,
) -> Result:
    """The engine installs it (installing), then it comes up (or stays in maintenance);
    hosted engine deployment is off."""
    if not name or not address:
        raise UsageError("host add needs --name NAME and --address ADDRESS.")
    password = _root_password(password_file, password_prompt)
    if password is None and not ssh_key:
        raise UsageError(
            "host add needs the root password (--password-file FILE or --password-prompt) or"
            " --ssh-key.",
            "A password is never taken on the command line.",
        )
    cl = dc.by_name(ctx, "cluster", cluster) if cluster else None
    spec = types.Host(
        name=name,
        address=address,
        description=description,
        cluster=types.Cluster(id=cl.id) if cl is not None else None,
        root_password=password,
        port=None,
        ssh=types.Ssh(
            port=port,
            authentication_method=types.SshAuthenticationMethod.PUBLICKEY
            if ssh_key and password is None
            else types.SshAuthenticationMethod.PASSWORD,
        ),
    )
    hosts = ctx.system.hosts_service()

    def find() -> Any | None:
        found = hosts.list(search=f"name={quote(name)}")
        return found[0] if found else None

    added, cid, follower = add_once(
        ctx, hosts, spec, f"add host {name}", find,
        activate=not no_activate, deploy_hosted_engine=False,
    )  # fmt: skip
    if ctx.async_:
        return Result(True, f"host {name}: add accepted (installing)", added)
    wanted = "maintenance" if no_activate else "up"
    scan = {"installing": False}

    def on_poll(h: types.Host) -> None:
        if status_of(h) == "installing":
            scan["installing"] = True

    def fail(h: types.Host) -> str | None:
        if status_of(h) in ("install_failed", "non_operational", "non_responsive"):
            why = follower.last_error()
            return f"host {name} went {status_of(h)}" + (f": {why}" if why else ".")
        return None

    final = wait_for(
        ctx,
        host_service(ctx, added).get,
        lambda h: status_of(h) == wanted,
        what=f"host {name}",
        wanted=wanted,
        fail=fail,
        timeout=ctx.timeout_for(ADD_TIMEOUT),
        follower=follower,
        on_poll=on_poll,
    )
    where = final.cluster.id if final.cluster is not None else "?"
    cl_name = cl.name if cl is not None else dc.get_obj(ctx, "cluster", where).name
    msg = f"host {name} added to cluster {cl_name}; {wanted}"
    ctx.progress("done", msg, fraction=1.0)
    return Result(True, msg, final)


# ------------------------------------------------------------------ iSCSI discovery
@verb(
    "host",
    "discoverdomain",
    "Discover from the host: with --address the iSCSI targets of a portal; without, the"
    " storage domains its storage holds that the engine does not know (to import)",
    params=(
        Param("address", ("--address",), "an iSCSI portal's address", "text"),
        Param("port", ("--port",), "its port", "int", 3260),
        Param("username", ("--username",), "CHAP user name", "text"),
        Param("password_file", ("--password-file",), "file holding the CHAP password", "file"),
    ),
    aliases=("iscsi-discover", "discover-iscsi"),
)
def discoverdomain(
    ctx: ActionContext,
    target: Any,
    address: str | None = None,
    port: int = 3260,
    username: str | None = None,
    password_file: str | None = None,
) -> Result:
    """ovirtcmd's discoverdomain (unregistered storage domains) and, with --address, iSCSI
    discovery: what the portal offers (target, portal), which storagedomain add
    --storage-type iscsi takes a target from."""
    host = get_host(ctx, target)
    hs = host_service(ctx, host)
    if not address:
        with engine_errors(f"discovering unregistered storage domains from host {host.name}"):
            domains = hs.unregistered_storage_domains_discover()
        msg = f"host {host.name}: {len(domains or [])} storage domain(s) the engine does not know"
        ctx.progress("done", msg, fraction=1.0)
        return Result(True, msg, list(domains or []), columns=("name", "type", "id"),
                      root="storage_domains")  # fmt: skip
    chap = _root_password(password_file, False) if password_file else None
    iscsi = types.IscsiDetails(address=address, port=int(port), username=username, password=chap)
    with engine_errors(f"discovering iSCSI targets from host {host.name} on {address}:{port}"):
        found = hs.discover_iscsi(iscsi=iscsi)
    rows = [
        {"target": t.target, "portal": t.portal or f"{t.address}:{t.port}", "address": t.address,
         "port": t.port}
        for t in found or []
    ]  # fmt: skip
    msg = f"host {host.name}: {len(rows)} iSCSI target(s) on {address}:{port}"
    ctx.progress("done", msg, fraction=1.0)
    return Result(True, msg, rows, columns=("target", "portal"))


# ------------------------------------------------------------------ power management
FENCE_TIMEOUT = 900.0


def _fence(ctx: ActionContext, target: Any, how: str) -> Result:
    host = get_host(ctx, target)
    hs = host_service(ctx, host)
    if how == "status":
        with engine_errors(f"fence status of host {host.name}"):
            pm = hs.fence(fence_type="status")
        state = dc.enum_value(getattr(pm, "status", None)) or "unknown"
        return Result(True, f"host {host.name}: power {state}", {"host": host.name, "power": state})
    _, follower = send_action(ctx, hs, "fence", what=f"host {host.name}", verb=how,
                              fence_type=how)  # fmt: skip
    if ctx.async_:
        return Result(True, f"host {host.name}: {how} accepted", get_host(ctx, host))
    wanted = "down" if how == "stop" else "maintenance"
    left = {"rebooting": how == "stop"}

    def on_poll(h: types.Host) -> None:
        if status_of(h) != "down":
            left["rebooting"] = True

    final = wait_for(
        ctx,
        hs.get,
        lambda h: left["rebooting"] and status_of(h) in (wanted, "up"),
        what=f"host {host.name}",
        wanted=wanted,
        timeout=ctx.timeout_for(FENCE_TIMEOUT),
        follower=follower,
        on_poll=on_poll,
    )
    msg = f"host {host.name}: {'stopped' if how == 'stop' else 'started'}; {status_of(final)}"
    ctx.progress("done", msg, fraction=1.0)
    return Result(True, msg, final)


@verb(
    "host",
    "fence",
    "Power management: status, start or stop the host (where it is configured)",
    params=(
        Param(
            "how",
            ("how",),
            "status, start or stop",
            "choice",
            "status",
            choices=("status", "start", "stop"),
            nargs="?",
        ),
    ),  # fmt: skip
    mutating=True,
    waits=True,
    wait=FENCE_TIMEOUT,
)
def fence(ctx: ActionContext, target: Any, how: str = "status") -> Result:
    """stop needs the host in maintenance (the engine refuses otherwise: no VM is killed, so
    it does not ask first); start brings it back to maintenance."""
    return _fence(ctx, target, how or "status")


@verb("host", "power-status", "Power management status of the host (fence status)")
def power_status(ctx: ActionContext, target: Any) -> Result:
    return _fence(ctx, target, "status")
