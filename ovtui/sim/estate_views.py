"""How a cluster sees its networks (``/clusters/ID/networks``): which networks of its data
center are attached, with their roles. Read by ``routes`` and changed by ``estate_machine``.

A cluster made by the estate machine records them (``_sim_networks``: network id ->
(required, usages)); a seeded cluster that never had one attached or detached has every
network the seed gave its data center, the management network with every role (a
network added later is in none until attached).
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.records import href, mk, ref, set_private

MGMT_NETWORK = "ovirtmgmt"
MGMT_ROLES = [
    T.NetworkUsage.MANAGEMENT,
    T.NetworkUsage.DISPLAY,
    T.NetworkUsage.MIGRATION,
    T.NetworkUsage.DEFAULT_ROUTE,
]


def cluster_network_roles(world: Any, cl: Any) -> dict[str, tuple[bool, list[Any]]]:
    """The networks attached to cluster ``cl``: network id -> (required, usages)."""
    own = getattr(cl, "_sim_networks", None)
    if own is not None:
        return dict(own)
    dc_id = cl.data_center.id if cl.data_center is not None else None
    out: dict[str, tuple[bool, list[Any]]] = {}
    for n in world.coll["networks"].values():
        if n.data_center is None or n.data_center.id != dc_id or getattr(n, "_sim_added", False):
            continue  # a network added later is attached to no cluster until attached
        if n.name == MGMT_NETWORK:
            out[n.id] = (True, [*MGMT_ROLES, T.NetworkUsage.VM])
        else:
            vm = [T.NetworkUsage.VM] if T.NetworkUsage.VM in (n.usages or []) else []
            out[n.id] = (bool(n.required), vm)
    return out


def cluster_networks(world: Any, cl: Any) -> list[Any]:
    """``/clusters/ID/networks``: the attached networks, each with the cluster's view of it
    (``cluster``, ``required``, ``usages``, ``display``)."""
    out = []
    for nid, (required, usages) in cluster_network_roles(world, cl).items():
        net = world.get("networks", nid)
        if net is None:
            continue
        view = mk(
            T.Network,
            id=net.id,
            href=href("clusters", cl.id, "networks", net.id),
            name=net.name,
            description=net.description,
            comment=net.comment,
            data_center=net.data_center,
            mtu=net.mtu,
            stp=net.stp,
            vlan=net.vlan,
            cluster=ref(T.Cluster, "clusters", cl.id),
            required=required,
            display=T.NetworkUsage.DISPLAY in usages,
            usages=list(usages),
        )
        set_private(view, _sim_source=net)
        out.append(view)
    return out
