"""``host setupnetworks``: attach / move / detach networks on a host's NICs and bonds (with
their IP configuration: none, dhcp, static), make, change and remove bonds, in one request
with the engine's connectivity check and ``commit_on_success``.

What the engine answers is not taken for what it did: after the call the host's NICs and
network attachments are read back and compared with what was asked. When they differ (an
engine that answered OK and did not apply it) the verb fails (exit 1) naming each difference.
``host bond`` is a shorthand for it (:mod:`.hosts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ovirtsdk4 import types

from . import datacenters as dc
from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .host_common import get_host, host_service
from .waiters import send_action

BOOT_PROTOCOLS = ("none", "dhcp", "static")
NIC_COLUMNS = ("name", "status", "bonding.slaves", "network", "boot_protocol", "ip.address", "id")
SETUP_WAIT = 180.0


@dataclass
class BondSpec:
    name: str
    slaves: list[str] = field(default_factory=list)
    options: list[types.Option] = field(default_factory=list)
    mtu: int | None = None


@dataclass
class Attach:
    network: str
    nic: str
    boot: str | None = None  # none / dhcp / static; None: leave the address as it is
    address: str | None = None
    netmask: str | None = None
    gateway: str | None = None


@dataclass
class Change:
    """What one setupnetworks call asks for."""

    attach: list[Attach] = field(default_factory=list)
    detach: list[str] = field(default_factory=list)
    bonds: list[BondSpec] = field(default_factory=list)
    remove_bonds: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"bond {b.name} over {', '.join(b.slaves)}" for b in self.bonds]
        parts += [f"remove bond {b}" for b in self.remove_bonds]
        for a in self.attach:
            ip = f" ({a.boot}{' ' + a.address if a.address else ''})" if a.boot else ""
            parts.append(f"{a.network} on {a.nic}{ip}")
        parts += [f"detach {n}" for n in self.detach]
        return "; ".join(parts)


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return [str(v) for v in value]


def bond_options(options: Any) -> list[types.Option]:
    """Bonding options from ``-o NAME VALUE`` pairs or a template mapping / list."""
    if not options:
        return []
    if isinstance(options, str):  # a form's field: "mode=4, miimon=100" or "mode 4"
        options = [p.strip().replace(" ", "=", 1) for p in options.split(",") if p.strip()]
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


def _networks_by_id(ctx: ActionContext) -> dict[str, Any]:
    with engine_errors("listing networks"):
        return {n.id: n for n in ctx.system.networks_service().list()}


def host_network_state(ctx: ActionContext, host: Any) -> tuple[list[Any], list[Any]]:
    """The host's NICs and network attachments, as the engine reports them now."""
    hs = host_service(ctx, host)
    with engine_errors(f"reading the network interfaces of host {host.name}"):
        return list(hs.nics_service().list()), list(hs.network_attachments_service().list())


def differences(
    change: Change, nics: list[Any], atts: list[Any], nets: dict[str, Any]
) -> list[str]:
    """What the host shows that is not what ``change`` asked for (empty: all applied)."""
    by_name = {n.name: n for n in nics}
    by_id = {n.id: n for n in nics}
    net_name = {i: n.name for i, n in nets.items()}
    on: dict[str, tuple[str, Any]] = {}
    for a in atts:
        nid = str(getattr(a.network, "id", "?"))
        name = net_name.get(nid, nid)
        nic = by_id.get(str(getattr(a.host_nic, "id", "")))
        on[name] = (nic.name if nic is not None else "?", a)
    out: list[str] = []
    for b in change.bonds:
        got = by_name.get(b.name)
        if got is None or got.bonding is None:
            out.append(f"bond {b.name} is missing")
            continue
        slaves = sorted(s.name or by_id.get(s.id, s).name for s in got.bonding.slaves or [])
        if slaves != sorted(b.slaves):
            out.append(f"bond {b.name} is over {', '.join(slaves) or 'nothing'}")
        want = {o.name: o.value for o in b.options}
        have = {o.name: o.value for o in got.bonding.options or []}
        for k, v in want.items():
            if have.get(k) != v:
                out.append(f"bond {b.name} option {k} is {have.get(k)}, not {v}")
    for name in change.remove_bonds:
        if name in by_name:
            out.append(f"bond {name} is still there")
    for a in change.attach:
        where = on.get(a.network)
        if where is None:
            out.append(f"network {a.network} is on no interface (asked: {a.nic})")
            continue
        if where[0] != a.nic:
            out.append(f"network {a.network} is on {where[0]} (asked: {a.nic})")
            continue
        if a.boot:
            ips = where[1].ip_address_assignments or []
            got_boot = dc.enum_value(ips[0].assignment_method) if ips else None
            if got_boot != a.boot:
                out.append(f"network {a.network} boot protocol is {got_boot} (asked: {a.boot})")
            elif a.boot == "static":
                ip = ips[0].ip
                addr = getattr(ip, "address", None)
                mask = getattr(ip, "netmask", None)
                if addr != a.address or (a.netmask and mask != a.netmask):
                    out.append(
                        f"network {a.network} address is {addr}/{mask} (asked: "
                        f"{a.address}/{a.netmask})"
                    )
    for name in change.detach:
        if name in on:
            out.append(f"network {name} is still on {on[name][0]}")
    return out


def setup_networks(
    ctx: ActionContext,
    target: Any,
    change: Change,
    *,
    commit: bool = True,
    check_connectivity: bool = True,
    connectivity_timeout: int | None = None,
    verb_name: str = "setupnetworks",
) -> Result:
    """Send ``change`` in one setupnetworks request, follow its job, read back and compare."""
    host = get_host(ctx, target)
    nets = _networks_by_id(ctx)
    _nics, atts = host_network_state(ctx, host)
    removed = []
    for name in change.detach:
        att = next(
            (a for a in atts if getattr(nets.get(str(getattr(a.network, "id", ""))), "name", None)
             == name),
            None,
        )  # fmt: skip
        if att is None:
            raise UsageError(f"Network {name} is not on host {host.name}.")
        removed.append(types.NetworkAttachment(id=att.id))
    modified = []
    for a in change.attach:
        att = types.NetworkAttachment(
            network=types.Network(name=a.network), host_nic=types.HostNic(name=a.nic)
        )
        if a.boot == "static" and not (a.address and a.netmask):
            raise UsageError(f"Network {a.network}: static needs --address and --netmask.")
        if a.boot:
            ip = (
                types.Ip(address=a.address, netmask=a.netmask, gateway=a.gateway)
                if a.boot == "static"
                else None
            )
            att.ip_address_assignments = [
                types.IpAddressAssignment(assignment_method=types.BootProtocol(a.boot), ip=ip)
            ]
        modified.append(att)
    bonds = [
        types.HostNic(
            name=b.name,
            mtu=b.mtu,
            bonding=types.Bonding(
                options=b.options or None, slaves=[types.HostNic(name=s) for s in b.slaves]
            ),
        )
        for b in change.bonds
    ]
    what = f"host {host.name}"
    ctx.progress("plan", f"{what}: {change.describe()}")
    kw: dict[str, Any] = {
        "modified_bonds": bonds or None,
        "removed_bonds": [types.HostNic(name=b) for b in change.remove_bonds] or None,
        "modified_network_attachments": modified or None,
        "removed_network_attachments": removed or None,
        "check_connectivity": check_connectivity,
        "commit_on_success": commit,
    }
    if connectivity_timeout is not None:
        kw["connectivity_timeout"] = connectivity_timeout
    cid, follower = send_action(
        ctx, host_service(ctx, host), "setup_networks", what=what, verb=verb_name, **kw
    )
    dc.follow_job(ctx, cid, follower, f"{verb_name} {what}")
    nics, atts = host_network_state(ctx, host)
    bad = differences(change, nics, atts, _networks_by_id(ctx))
    if bad:
        raise EngineRefused(
            f"{what}: the engine answered OK but did not apply it: {'; '.join(bad)}.",
            f"See what it has: ovtui run host -n {host.name} export nics",
        )
    saved = "" if commit else " (not saved: run host commitnetconfig to keep it after a reboot)"
    msg = f"{what}: {change.describe()}: applied{saved}"
    ctx.progress("done", msg, fraction=1.0)
    return Result(True, msg, nics, columns=NIC_COLUMNS, root="host_nics")


SETUP_OPTIONS = (
    Param("no_commit", ("--no-commit",), "do not save it on the host (commitnetconfig later)",
          "flag"),
    Param("no_check", ("--no-check",), "skip the engine's connectivity check", "flag"),
    Param("connectivity_timeout", ("--connectivity-timeout",), "seconds of the connectivity check",
          "int"),
)  # fmt: skip


@verb(
    "host",
    "setupnetworks",
    "Attach/detach networks on a NIC or bond (IP none/dhcp/static), make or remove bonds",
    params=(
        Param(
            "networks", ("--network",), "network to attach or move (repeat)", "network", repeat=True
        ),
        Param("nic", ("--nic",), "the NIC or bond the networks go on", "text"),
        Param(
            "boot_protocol",
            ("--boot-protocol",),
            "IPv4 of the network",
            "choice",
            choices=BOOT_PROTOCOLS,
        ),
        Param("address", ("--address",), "static address", "text"),
        Param("netmask", ("--netmask",), "static netmask", "text"),
        Param("gateway", ("--gateway",), "static gateway", "text"),
        Param(
            "detach", ("--detach",), "network to take off the host (repeat)", "text", repeat=True
        ),
        Param("bond", ("--bond",), "bond to make or change (with --slave)", "text"),
        Param("slaves", ("--slave",), "interface of the bond (repeat)", "text", repeat=True),
        Param(
            "options",
            ("--bond-option",),
            "bonding option NAME VALUE (repeat)",
            repeat=True,
            nargs=2,
            metavar=("NAME", "VALUE"),
        ),
        Param("mtu", ("--mtu",), "MTU of the bond", "int"),
        Param("remove_bonds", ("--remove-bond",), "bond to remove (repeat)", "text", repeat=True),
        *SETUP_OPTIONS,
    ),  # fmt: skip
    mutating=True,
    waits=True,
    wait=SETUP_WAIT,
    key="W",
    aliases=("setup-networks",),
)
def setupnetworks(
    ctx: ActionContext,
    target: Any,
    networks: Any = None,
    nic: str | None = None,
    boot_protocol: str | None = None,
    address: str | None = None,
    netmask: str | None = None,
    gateway: str | None = None,
    detach: Any = None,
    bond: str | None = None,
    slaves: Any = None,
    options: Any = None,
    mtu: int | None = None,
    remove_bonds: Any = None,
    no_commit: bool = False,
    no_check: bool = False,
    connectivity_timeout: int | None = None,
) -> Result:
    """One request; what the host shows afterwards is compared with what was asked."""
    nets = as_list(networks)
    if nets and not nic:
        raise UsageError("--network needs --nic NIC (the interface or bond it goes on).")
    if (boot_protocol or address) and len(nets) != 1:
        raise UsageError("--boot-protocol and --address go with exactly one --network.")
    if address and not boot_protocol:
        boot_protocol = "static"
    change = Change(
        attach=[Attach(n, nic or "", boot_protocol, address, netmask, gateway) for n in nets],
        detach=as_list(detach),
        remove_bonds=as_list(remove_bonds),
    )
    if bond:
        members = as_list(slaves)
        if len(members) < 2:
            raise UsageError("A bond needs two interfaces or more: --slave IFACE (repeat).")
        change.bonds.append(BondSpec(bond, members, bond_options(options), mtu))
    elif slaves or options:
        raise UsageError("--slave and --bond-option go with --bond NAME.")
    if not (change.attach or change.detach or change.bonds or change.remove_bonds):
        raise UsageError(
            "Nothing to set up: give --network NET --nic NIC, --detach NET, --bond NAME --slave "
            "IFACE..., or --remove-bond NAME."
        )
    return setup_networks(
        ctx,
        target,
        change,
        commit=not no_commit,
        check_connectivity=not no_check,
        connectivity_timeout=connectivity_timeout,
    )


@verb(
    "host",
    "commitnetconfig",
    "Save the host's network configuration (after setupnetworks --no-commit)",
    mutating=True,
)
def commitnetconfig(ctx: ActionContext, target: Any) -> Result:
    host = get_host(ctx, target)
    cid, follower = send_action(
        ctx, host_service(ctx, host), "commit_net_config", what=f"host {host.name}",
        verb="commitnetconfig",
    )  # fmt: skip
    dc.follow_job(ctx, cid, follower, f"commitnetconfig host {host.name}")
    follower.poll()
    return Result(True, f"host {host.name}: network configuration saved", host)


# ------------------------------------------------------------------ the TUI's sub-tab
def nic_rows(system: Any, noun_name: str, obj: Any, limit: int) -> list[tuple[str, str, str]]:
    """A host's Network Interfaces sub-tab: one row per NIC and bond (name, status, what is
    on it): a bond's slaves and options, a slave's bond, each network with its boot protocol
    and address, as the engine reports them."""
    hs = system.hosts_service().host_service(obj.id)
    nics = list(hs.nics_service().list())
    atts = list(hs.network_attachments_service().list())
    nets = {n.id: n.name for n in system.networks_service().list()}
    by_id = {n.id: n for n in nics}
    bond_of = {s.id: b.name for b in nics if b.bonding is not None for s in b.bonding.slaves or []}
    carried: dict[str, list[str]] = {}
    for a in atts:
        nic_id = getattr(a.host_nic, "id", None)
        name = nets.get(getattr(a.network, "id", ""), "?")
        ips = a.ip_address_assignments or []
        how = dc.enum_value(ips[0].assignment_method) if ips else None
        addr = getattr(ips[0].ip, "address", None) if ips and ips[0].ip is not None else None
        mask = getattr(ips[0].ip, "netmask", None) if ips and ips[0].ip is not None else None
        ip = f" {addr}/{mask}" if addr and mask else (f" {addr}" if addr else "")
        carried.setdefault(str(nic_id), []).append(f"{name} ({how or 'none'}{ip})")
    rows = []
    for n in sorted(nics, key=lambda n: (n.bonding is None, n.name or "")):
        parts = []
        if n.bonding is not None:
            slaves = [
                s.name or getattr(by_id.get(s.id), "name", s.id) for s in n.bonding.slaves or []
            ]
            opts = " ".join(f"{o.name}={o.value}" for o in n.bonding.options or [])
            parts.append(f"bond of {', '.join(slaves)}" + (f" ({opts})" if opts else ""))
        if n.id in bond_of:
            parts.append(f"in {bond_of[n.id]}")
        if carried.get(n.id):
            parts.append("carries " + ", ".join(carried[n.id]))
        rows.append((n.name or n.id, dc.enum_value(n.status) or "", "; ".join(parts)))
    return rows
