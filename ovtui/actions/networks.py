"""Logical networks and vNIC profiles: ``network create/update/remove``, ``vnicprofile
list/create/remove``. Sent once, the engine's job followed, the result read back and compared
with what was asked (see :mod:`.datacenters`).

A VM network gets a vNIC profile of its own name from the engine; ``--non-vm`` makes a
network for hosts only (storage, migration), which takes no vNIC profiles.

TUI keys on the Networks tab: c create, U update, D remove.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from . import datacenters as dc
from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .nouns import NOUNS
from .selectors import entity_service
from .writes import done

NET_COLUMNS = ("name", "data_center", "vlan.id", "mtu", "usages", "required", "id")
PROFILE_COLUMNS = ("name", "network", "port_mirroring", "description", "id")


def _state(net: Any) -> dict[str, Any]:
    usages = {dc.enum_value(u) for u in net.usages or []}
    return {
        "name": net.name,
        "description": net.description,
        "comment": net.comment,
        "vlan": net.vlan.id if net.vlan is not None else None,
        "mtu": net.mtu,
        "vm": "vm" in usages,
        "required": net.required,
    }


def _done(ctx: ActionContext, obj: Any, message: str, columns: tuple[str, ...]) -> Result:
    return done(ctx, message, obj, columns=columns)


NET_FIELDS = (
    Param("description", ("--description",), "description", "text"),
    Param("comment", ("--comment",), "comment", "text"),
    Param("vlan", ("--vlan",), "VLAN tag (0-4094)", "int"),
    Param("mtu", ("--mtu",), "MTU (0: the default, 1500)", "int"),
)


@verb(
    "network",
    "create",
    "Create a logical network in a data center (VLAN, MTU, VM network or not, required)",
    params=(
        Param("name", ("--name",), "name of the new network", "text", required=True),
        Param(
            "datacenter", ("--datacenter", "--dc"), "its data center", "datacenter", required=True
        ),
        *NET_FIELDS,
        Param("non_vm", ("--non-vm",), "not a VM network (hosts only: storage, migration)", "flag"),
        Param(
            "not_required",
            ("--not-required",),
            "hosts may be up without it (default: required)",
            "flag",
        ),
    ),
    target="none",
    mutating=True,
    key="c",
    aliases=("add",),
)
def network_create(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    datacenter: str | None = None,
    description: str | None = None,
    comment: str | None = None,
    vlan: int | None = None,
    mtu: int | None = None,
    non_vm: bool = False,
    not_required: bool = False,
) -> Result:
    """A VM network gets a vNIC profile of its name."""
    if not name or not datacenter:
        raise UsageError("network create needs --name NAME and --datacenter DC.")
    the_dc = dc.by_name(ctx, "datacenter", datacenter)
    spec = types.Network(
        name=name,
        data_center=types.DataCenter(id=the_dc.id),
        description=description,
        comment=comment,
        vlan=types.Vlan(id=int(vlan)) if vlan is not None else None,
        mtu=int(mtu) if mtu is not None else None,
        usages=[] if non_vm else [types.NetworkUsage.VM],
        required=not not_required,
    )

    def find() -> Any | None:
        return next(
            (
                n
                for n in ctx.system.networks_service().list()
                if n.name == name and getattr(n.data_center, "id", None) == the_dc.id
            ),
            None,
        )

    net = dc.create(ctx, "network", spec, f"create network {name}", find)
    asked = {
        "name": name,
        "description": description,
        "vlan": vlan,
        "mtu": mtu,
        "vm": not non_vm,
        "required": not not_required,
    }
    dc.check_applied(f"network {name}", asked, _state(net))
    return _done(ctx, net, f"network {net.name} created in data center {the_dc.name}", NET_COLUMNS)


@verb(
    "network",
    "update",
    "Change a logical network (name, VLAN, MTU, VM network or not, required)",
    params=(
        Param("new_name", ("--name",), "new name", "text"),
        *NET_FIELDS,
        Param("vm", ("--vm",), "VM network: yes or no", "choice", choices=("yes", "no")),
        Param("required", ("--required",), "required: yes or no", "choice", choices=("yes", "no")),
    ),
    mutating=True,
    key="U",
    aliases=("edit",),
)
def network_update(
    ctx: ActionContext,
    target: Any,
    new_name: str | None = None,
    description: str | None = None,
    comment: str | None = None,
    vlan: int | None = None,
    mtu: int | None = None,
    vm: str | None = None,
    required: str | None = None,
) -> Result:
    net = dc.get_obj(ctx, "network", target)
    spec = types.Network(
        name=new_name,
        description=description,
        comment=comment,
        vlan=types.Vlan(id=int(vlan)) if vlan is not None else None,
        mtu=int(mtu) if mtu is not None else None,
        usages=None if vm is None else ([types.NetworkUsage.VM] if vm == "yes" else []),
        required=None if required is None else required == "yes",
    )
    asked = {
        "name": new_name,
        "description": description,
        "comment": comment,
        "vlan": vlan,
        "mtu": mtu,
        "vm": None if vm is None else vm == "yes",
        "required": None if required is None else required == "yes",
    }
    if all(v is None for v in asked.values()):
        raise UsageError("Nothing to change: give --name, --vlan, --mtu, --vm, ...")
    svc = entity_service(ctx.system, NOUNS["network"], net.id)
    dc.update(ctx, svc, spec, f"update network {net.name}")
    after = svc.get()
    dc.check_applied(f"network {net.name}", asked, _state(after))
    return _done(ctx, after, f"network {after.name} updated", NET_COLUMNS)


@verb(
    "network",
    "remove",
    "Remove a logical network (with its vNIC profiles; refused while VMs or hosts use it)",
    mutating=True,
    dangerous=True,
    key="D",
)
def network_remove(ctx: ActionContext, target: Any) -> Result:
    net = dc.get_obj(ctx, "network", target)
    svc = entity_service(ctx.system, NOUNS["network"], net.id)
    dc.remove(ctx, svc, f"remove network {net.name}")
    return _done(ctx, net, f"network {net.name} removed", NET_COLUMNS)


# ------------------------------------------------------------------ vNIC profiles
@verb(
    "vnicprofile",
    "create",
    "Create a vNIC profile on a VM network",
    params=(
        Param("name", ("--name",), "name of the profile", "text", required=True),
        Param("network", ("--network",), "its network", "network", required=True),
        Param(
            "datacenter",
            ("--datacenter", "--dc"),
            "the network's data center (when names repeat)",
            "datacenter",
        ),
        Param("description", ("--description",), "description", "text"),
        Param("port_mirroring", ("--port-mirroring",), "mirror the port's traffic", "flag"),
    ),
    target="none",
    mutating=True,
    key="c",
    aliases=("add",),
)
def profile_create(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    network: str | None = None,
    datacenter: str | None = None,
    description: str | None = None,
    port_mirroring: bool = False,
) -> Result:
    if not name or not network:
        raise UsageError("vnicprofile create needs --name NAME and --network NETWORK.")
    dc_id = dc.by_name(ctx, "datacenter", datacenter).id if datacenter else None
    net = dc.by_name(
        ctx,
        "network",
        network,
        (lambda n: getattr(n.data_center, "id", None) == dc_id) if dc_id else None,
    )
    spec = types.VnicProfile(
        name=name,
        network=types.Network(id=net.id),
        description=description,
        port_mirroring=port_mirroring or None,
    )

    def find() -> Any | None:
        return next(
            (
                p
                for p in ctx.system.vnic_profiles_service().list()
                if p.name == name and getattr(p.network, "id", None) == net.id
            ),
            None,
        )

    prof = dc.create(ctx, "vnicprofile", spec, f"create vNIC profile {name}", find)
    got = {"name": prof.name, "network": getattr(prof.network, "id", None)}
    dc.check_applied(f"vNIC profile {name}", {"name": name, "network": net.id}, got)
    return _done(
        ctx, prof, f"vNIC profile {prof.name} created on network {net.name}", PROFILE_COLUMNS
    )


@verb(
    "vnicprofile",
    "remove",
    "Remove a vNIC profile (refused while a VM's NIC uses it)",
    mutating=True,
    dangerous=True,
    key="D",
)
def profile_remove(ctx: ActionContext, target: Any) -> Result:
    prof = dc.get_obj(ctx, "vnicprofile", target)
    with engine_errors("reading the vNIC profile"):
        svc = ctx.system.vnic_profiles_service().profile_service(prof.id)
    dc.remove(ctx, svc, f"remove vNIC profile {prof.name}")
    return _done(ctx, prof, f"vNIC profile {prof.name} removed", PROFILE_COLUMNS)
