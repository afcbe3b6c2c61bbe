"""Scheduling policies: ``schedulingpolicy list`` and ``show`` (with their filter, weight and
balance modules), ``schedulingpolicy clusters`` (each cluster's policy and its properties)
and ``schedulingpolicy assign --cluster C [--property NAME=VALUE]``."""

from __future__ import annotations

from typing import Any

from . import read as _read  # noqa: F401 - its generic verbs first: the ones here replace some
from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .tags import pick
from .waiters import send_action
from .writes import done

POLICY_COLUMNS = ("name", "balance", "filters", "weights", "properties", "locked", "id")


def _policies(ctx: ActionContext) -> list[Any]:
    with engine_errors("listing scheduling policies"):
        return list(ctx.system.scheduling_policies_service().list())


def modules(ctx: ActionContext, policy: Any) -> dict[str, list[Any]]:
    """The policy's filters, weights (with their factors) and balance modules."""
    svc = ctx.system.scheduling_policies_service().policy_service(policy.id)
    with engine_errors(f"reading the modules of scheduling policy {policy.name}"):
        return {
            "filters": list(svc.filters_service().list()),
            "weights": list(svc.weights_service().list()),
            "balances": list(svc.balances_service().list()),
        }


def _props(props: list[Any] | None) -> str:
    return ", ".join(f"{p.name}={p.value}" for p in props or [])


def _row(policy: Any, mods: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "name": policy.name,
        "balance": ", ".join(b.name or "" for b in mods["balances"]),
        "filters": ", ".join(f.name or "" for f in mods["filters"]),
        "weights": ", ".join(f"{w.name}×{w.factor}" for w in mods["weights"]),
        "properties": _props(policy.properties),
        "locked": bool(policy.locked),
        "id": policy.id,
    }


@verb("schedulingpolicy", "list", "List scheduling policies with their modules", target="none")
def policy_list(ctx: ActionContext, target: Any = None, **_: Any) -> Result:
    pols = _policies(ctx)
    if ctx.selector.name or ctx.selector.id:
        pols = [pick(ctx, pols, None, "scheduling policy")]
    rows = [_row(p, modules(ctx, p)) for p in pols]
    return Result(data=rows, columns=POLICY_COLUMNS, root="scheduling_policies",
                  message=f"{len(rows)} scheduling policies")  # fmt: skip


@verb("schedulingpolicy", "show", "Show one scheduling policy with its filters, weights, balance")
def policy_show(ctx: ActionContext, target: Any) -> Result:
    mods = modules(ctx, target)
    target.filters = mods["filters"]
    target.weight = mods["weights"]
    target.balances = mods["balances"]
    return Result(data=target, root="scheduling_policies")


@verb("schedulingpolicy", "clusters", "Each cluster's scheduling policy and its properties",
      params=(Param("cluster", ("--cluster",), "only this cluster (name or id)"),),
      target="none")  # fmt: skip
def policy_clusters(ctx: ActionContext, target: Any = None, cluster: str | None = None) -> Result:
    names = {p.id: p.name for p in _policies(ctx)}
    with engine_errors("listing clusters"):
        cls = list(ctx.system.clusters_service().list())
    if cluster:
        cls = [pick(ctx, cls, cluster, "cluster")]
    rows = [
        {
            "cluster": c.name,
            "policy": names.get(c.scheduling_policy.id, c.scheduling_policy.id)
            if c.scheduling_policy is not None
            else "",
            "properties": _props(c.custom_scheduling_policy_properties),
        }
        for c in cls
    ]
    return Result(data=rows, columns=("cluster", "policy", "properties"), root="clusters")


def _parse_props(items: list[str] | None) -> list[Any] | None:
    from ovirtsdk4 import types

    if not items:
        return None
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--property {item!r}: write it NAME=VALUE, e.g. HighUtilization=70.")
        out.append(types.Property(name=name.strip(), value=value.strip()))
    return out


@verb(
    "schedulingpolicy",
    "assign",
    "Give a cluster this scheduling policy (and set its properties)",
    params=(
        Param("cluster", ("--cluster",), "the cluster (name or id)", required=True),
        Param(
            "properties",
            ("--property",),
            "NAME=VALUE of the policy (repeat for several)",
            repeat=True,
        ),  # fmt: skip
    ),
    target="one",
    mutating=True,
)
def policy_assign(
    ctx: ActionContext, target: Any, cluster: str = "", properties: list[str] | None = None
) -> Result:
    """Without --property the cluster gets the policy's defaults."""
    from ovirtsdk4 import types

    with engine_errors("listing clusters"):
        cl = pick(ctx, list(ctx.system.clusters_service().list()), cluster, "cluster")
    spec = types.Cluster(
        scheduling_policy=types.SchedulingPolicy(id=target.id),
        custom_scheduling_policy_properties=_parse_props(properties),
    )
    svc = ctx.system.clusters_service().cluster_service(cl.id)
    send_action(ctx, svc, "update", what=f"cluster {cl.name}", cluster=spec)
    with engine_errors(f"reading cluster {cl.name}"):
        now = svc.get()
    return done(
        ctx,
        f"cluster {now.name}: scheduling policy {target.name}"
        f" ({_props(now.custom_scheduling_policy_properties) or 'no properties'})",
        now,
        root="clusters",
    )
