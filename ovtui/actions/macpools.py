"""MAC pools: ``macpool list/show/create/update/remove`` (ranges, duplicates allowed or not)
and ``macpool assign --cluster C`` (the pool a cluster's VMs draw their MACs from)."""

from __future__ import annotations

from typing import Any

from . import read as _read  # noqa: F401 - its generic verbs first: the ones here replace some
from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .tags import added, pick
from .waiters import send_action
from .writes import done

POOL_COLUMNS = (
    "name",
    "ranges",
    "allow_duplicates",
    "default_pool",
    "clusters",
    "description",
    "id",
)


def _pools(ctx: ActionContext) -> list[Any]:
    with engine_errors("listing MAC pools"):
        return list(ctx.system.mac_pools_service().list())


def _ranges(texts: list[str] | None) -> list[Any] | None:
    """``--range FROM-TO`` (several allowed) as the API's ranges."""
    from ovirtsdk4 import types

    if not texts:
        return None
    out = []
    for text in texts:
        lo, sep, hi = text.partition("-")
        if not sep or not lo.strip() or not hi.strip():
            raise UsageError(f"--range {text!r}: write it FROM-TO, e.g. 02:1a:4a:00:00:00-02:1a:4a:00:ff:ff.")  # fmt: skip
        out.append(types.Range(from_=lo.strip(), to=hi.strip()))
    return out


def _range_text(pool: Any) -> str:
    return ", ".join(f"{r.from_}-{r.to}" for r in pool.ranges or [])


def _rows(ctx: ActionContext, pools: list[Any]) -> list[dict[str, Any]]:
    with engine_errors("listing clusters"):
        clusters = list(ctx.system.clusters_service().list())
    rows = []
    for p in pools:
        users = sorted(c.name for c in clusters if c.mac_pool is not None and c.mac_pool.id == p.id)
        rows.append(
            {
                "name": p.name,
                "ranges": _range_text(p),
                "allow_duplicates": bool(p.allow_duplicates),
                "default_pool": bool(p.default_pool),
                "clusters": ", ".join(users),
                "description": p.description,
                "id": p.id,
            }
        )
    return rows


@verb("macpool", "list", "List MAC pools with their ranges and the clusters using them",
      target="none")  # fmt: skip
def macpool_list(ctx: ActionContext, target: Any = None, **_: Any) -> Result:
    pools = _pools(ctx)
    if ctx.selector.name or ctx.selector.id:
        pools = [pick(ctx, pools, None, "MAC pool")]
    rows = _rows(ctx, pools)
    return Result(
        data=rows, columns=POOL_COLUMNS, root="mac_pools", message=f"{len(rows)} MAC pools"
    )


POOL_PARAMS = (
    Param("ranges", ("--range",), "a MAC range FROM-TO (repeat for several)", repeat=True),
    Param("description", ("--description",), "what the pool is for"),
)
POOL = Param("pool", ("pool",), "the MAC pool (name or id; or -n NAME before the verb)", nargs="?")


@verb(
    "macpool",
    "create",
    "Create a MAC pool from one or more ranges",
    params=(
        Param("name", ("--name",), "the pool's name", required=True),
        *POOL_PARAMS,
        Param("allow_duplicates", ("--allow-duplicates",), "allow a MAC twice", "flag"),
    ),
    target="none",
    mutating=True,
    key="c",
)
def macpool_create(
    ctx: ActionContext,
    target: Any = None,
    name: str = "",
    ranges: list[str] | None = None,
    description: str | None = None,
    allow_duplicates: bool = False,
) -> Result:
    from ovirtsdk4 import types

    if not ranges:
        raise UsageError("A MAC pool needs at least one --range FROM-TO.")
    spec = types.MacPool(
        name=name,
        description=description,
        ranges=_ranges(ranges),
        allow_duplicates=allow_duplicates,
    )
    svc = ctx.system.mac_pools_service()
    pool = added(ctx, svc, spec, f"create MAC pool {name}",
                 lambda: next((p for p in svc.list() if p.name == name), None))  # fmt: skip
    return done(ctx, f"MAC pool {pool.name} created: {_range_text(pool)}", pool, root="mac_pools")


@verb(
    "macpool",
    "update",
    "Rename a MAC pool, replace its ranges, allow or forbid duplicates",
    params=(
        POOL,
        Param("new_name", ("--name",), "new name"),
        *POOL_PARAMS,
        Param(
            "duplicates",
            ("--duplicates",),
            "allow duplicate MACs",
            "choice",
            choices=("allow", "forbid"),
        ),  # fmt: skip
    ),
    target="none",
    mutating=True,
    key="U",
)
def macpool_update(
    ctx: ActionContext,
    target: Any = None,
    pool: str | None = None,
    new_name: str | None = None,
    ranges: list[str] | None = None,
    description: str | None = None,
    duplicates: str | None = None,
) -> Result:
    from ovirtsdk4 import types

    found = pick(ctx, _pools(ctx), pool, "MAC pool")
    spec = types.MacPool(
        name=new_name,
        description=description,
        ranges=_ranges(ranges),
        allow_duplicates=None if duplicates is None else duplicates == "allow",
    )
    svc = ctx.system.mac_pools_service().mac_pool_service(found.id)
    send_action(ctx, svc, "update", what=f"MAC pool {found.name}", pool=spec)
    with engine_errors(f"reading MAC pool {found.name}"):
        now = svc.get()
    dup = "allowed" if now.allow_duplicates else "forbidden"
    return done(
        ctx, f"MAC pool {now.name} updated: {_range_text(now)}, duplicates {dup}", now,
        root="mac_pools",
    )  # fmt: skip


@verb("macpool", "remove", "Remove a MAC pool no cluster uses", params=(POOL,), target="none",
      mutating=True, dangerous=True, key="D")  # fmt: skip
def macpool_remove(ctx: ActionContext, target: Any = None, pool: str | None = None) -> Result:
    found = pick(ctx, _pools(ctx), pool, "MAC pool")
    svc = ctx.system.mac_pools_service().mac_pool_service(found.id)
    send_action(ctx, svc, "remove", what=f"MAC pool {found.name}")
    return done(ctx, f"MAC pool {found.name} removed")


@verb(
    "macpool",
    "assign",
    "Make a cluster draw its MACs from this pool",
    params=(POOL, Param("cluster", ("--cluster",), "the cluster (name or id)", required=True)),
    target="none",
    mutating=True,
)
def macpool_assign(
    ctx: ActionContext, target: Any = None, pool: str | None = None, cluster: str = ""
) -> Result:
    from ovirtsdk4 import types

    found = pick(ctx, _pools(ctx), pool, "MAC pool")
    with engine_errors("listing clusters"):
        cl = pick(ctx, list(ctx.system.clusters_service().list()), cluster, "cluster")
    svc = ctx.system.clusters_service().cluster_service(cl.id)
    send_action(ctx, svc, "update", what=f"cluster {cl.name}",
                cluster=types.Cluster(mac_pool=types.MacPool(id=found.id)))  # fmt: skip
    with engine_errors(f"reading cluster {cl.name}"):
        now = svc.get()
    return done(ctx, f"cluster {now.name} uses MAC pool {found.name}", now, root="clusters")
