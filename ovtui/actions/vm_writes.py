"""Writes on a VM's sub-objects, sent once: add (with the object read back when the reply is
lost), and the lookups the device verbs share (a NIC, a disk attachment, a vNIC profile)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import ActionContext, EngineRefused, NoMatch, ReplyLost, new_correlation_id
from .errors import engine_errors
from .vm_common import report_job
from .waiters import EventFollower, read_back


def add_once(
    ctx: ActionContext,
    collection: Any,
    spec: Any,
    label: str,
    find: Callable[[], Any | None],
    **kw: Any,
) -> tuple[Any, str, EventFollower]:
    """``collection.add(spec)`` sent once with a correlation id. When its reply is lost, the
    new object is looked for with ``find()`` (None: not there) and the engine's job/events."""
    cid = new_correlation_id(label.split()[0])
    follower = EventFollower(ctx, cid)
    try:
        with engine_errors(label):
            added = collection.add(spec, headers={"Correlation-Id": cid}, **kw)
    except ReplyLost as lost:
        box: list[Any] = []

        def look() -> str | None:
            obj = find()
            box[:] = [obj] if obj is not None else []
            return f"{label}: found, id {obj.id}" if obj is not None else None

        read_back(ctx, lost, label, cid, follower, look)
        if not box and not look():
            raise EngineRefused(
                f"{label}: the engine took the request but shows nothing new."
            ) from None
        added = box[0]
    ctx.progress("accepted", f"{label}: accepted by the engine")
    report_job(ctx, cid)
    return added, cid, follower


def by_name_or_id(items: list[Any], which: str, what: str, owner: str) -> Any:
    """The one item named (or with id) ``which``; NoMatch (exit 4) naming the choices."""
    found = [i for i in items if i.id == which] or [
        i for i in items if which in (getattr(i, "name", None), getattr(i, "alias", None))
    ]
    if len(found) == 1:
        return found[0]
    names = ", ".join(sorted(str(getattr(i, "name", None) or i.id) for i in items)) or "none"
    if not found:
        raise NoMatch(f"{owner} has no {what} {which!r}.", f"Its {what}s: {names}.")
    raise NoMatch(f"{owner} has {len(found)} {what}s named {which!r}.", "Name it by id.")


def vnic_profile(ctx: ActionContext, vm: Any, network: str | None, profile: str | None) -> Any:
    """The vNIC profile to use: named ``profile``, else the one named like ``network`` (the
    engine's default profile), else the network's first; in the VM's data center."""
    with engine_errors("looking up vNIC profiles"):
        cluster = ctx.system.clusters_service().cluster_service(vm.cluster.id).get()
        dc_id = getattr(cluster.data_center, "id", None)
        nets = {
            n.id: n
            for n in ctx.system.networks_service().list()
            if dc_id is None or getattr(n.data_center, "id", None) == dc_id
        }
        profiles = [
            p
            for p in ctx.system.vnic_profiles_service().list()
            if p.network and p.network.id in nets
        ]
    if profile:
        chosen = [p for p in profiles if profile in (p.name, p.id)]
        if network:
            chosen = [p for p in chosen if nets[p.network.id].name == network]
        if not chosen:
            raise NoMatch(f"No vNIC profile {profile!r} in the data center of VM {vm.name}.")
        return chosen[0]
    of_net = [p for p in profiles if nets[p.network.id].name == network]
    if not of_net:
        raise NoMatch(
            f"No network {network!r} with a vNIC profile in the data center of VM {vm.name}.",
            "List them with: ovtui run network list",
        )
    named = [p for p in of_net if p.name == network]
    return (named or of_net)[0]
