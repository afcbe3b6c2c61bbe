"""Quotas of a data center: ``quota list/show/create/update/remove`` with their cluster
(memory, vCPUs) and storage limits and what is consumed of them; ``quota mode`` (the data
center's enforcement: disabled, audit, enforced) and ``quota assign`` (a VM's quota).

A quota lives under its data center (``/datacenters/ID/quotas``): ``-n NAME`` (or the name
given after the verb) finds it in every data center, ``--dc`` narrows that down.
Limits: memory in GiB and vCPUs per cluster (``--memory-gib``, ``--vcpus``, with
``--cluster`` for one cluster; without it the limit covers every cluster of the data
center), storage in GiB (``--storage-gib``, with ``--storagedomain`` for one domain). -1 is
unlimited, as the engine writes it.
"""

from __future__ import annotations

from typing import Any

from . import read as _read  # noqa: F401 - its generic verbs first: the ones here replace some
from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .tags import added, pick
from .waiters import send_action
from .writes import done

QUOTA_COLUMNS = ("name", "data_center", "memory", "vcpus", "storage", "description", "id")
MODES = {"disabled": "disabled", "audit": "audit", "enforced": "enabled", "enabled": "enabled"}

DC = Param("dc", ("--dc",), "the data center (name or id)", "text")
QUOTA = Param("quota", ("quota",), "the quota (name or id; or -n NAME before the verb)", nargs="?")


def _dcs(ctx: ActionContext, dc: str | None) -> list[Any]:
    with engine_errors("listing data centers"):
        dcs = list(ctx.system.data_centers_service().list())
    if dc:
        return [pick(ctx, dcs, dc, "data center")]
    return dcs


def _dc_svc(ctx: ActionContext, dc: Any) -> Any:
    return ctx.system.data_centers_service().data_center_service(dc.id)


def _quotas(ctx: ActionContext, dc: Any) -> list[Any]:
    with engine_errors(f"listing the quotas of data center {dc.name}"):
        out = list(_dc_svc(ctx, dc).quotas_service().list())
    for q in out:
        q.data_center = dc  # its name, for the table
    return out


def _find(ctx: ActionContext, which: str | None, dc: str | None) -> tuple[Any, Any]:
    """(data center, quota) named by ``which`` or the selector."""
    pairs = [(d, q) for d in _dcs(ctx, dc) for q in _quotas(ctx, d)]
    quota = pick(ctx, [q for _d, q in pairs], which, "quota", f"data center {dc}" if dc else "")
    return next(d for d, q in pairs if q is quota), quota


def _qsvc(ctx: ActionContext, dc: Any, quota: Any) -> Any:
    return _dc_svc(ctx, dc).quotas_service().quota_service(quota.id)


def with_limits(ctx: ActionContext, dc: Any, quota: Any) -> Any:
    """The quota with its cluster and storage limits (and their usage) filled in."""
    svc = _qsvc(ctx, dc, quota)
    with engine_errors(f"reading the limits of quota {quota.name}"):
        quota.quota_cluster_limits = list(svc.quota_cluster_limits_service().list())
        quota.quota_storage_limits = list(svc.quota_storage_limits_service().list())
    return quota


def _amount(value: Any) -> str:
    if value is None or value == -1:
        return "unlimited"
    return f"{value:g}"


def _used(limits: list[Any], usage: str, limit: str, unit: str, names: dict[str, str]) -> str:
    """``1/2 GiB`` per limit (``Default: 1/2 GiB`` for one cluster or domain)."""
    parts = []
    for lim in limits:
        owner = getattr(lim, "cluster", None) or getattr(lim, "storage_domain", None)
        head = f"{names.get(owner.id, owner.id)}: " if owner is not None else ""
        used = getattr(lim, usage) or 0
        parts.append(f"{head}{used:g}/{_amount(getattr(lim, limit))}{unit}")
    return ", ".join(parts) or "no limit set"


def summary_row(quota: Any, names: dict[str, str]) -> dict[str, Any]:
    cl, st = quota.quota_cluster_limits or [], quota.quota_storage_limits or []
    return {
        "name": quota.name,
        "data_center": quota.data_center.name if quota.data_center is not None else "",
        "memory": _used(cl, "memory_usage", "memory_limit", " GiB", names),
        "vcpus": _used(cl, "vcpu_usage", "vcpu_limit", "", names),
        "storage": _used(st, "usage", "limit", " GiB", names),
        "description": quota.description,
        "id": quota.id,
    }


def _owner_names(ctx: ActionContext) -> dict[str, str]:
    with engine_errors("listing clusters and storage domains"):
        names = {c.id: c.name for c in ctx.system.clusters_service().list()}
        names.update({s.id: s.name for s in ctx.system.storage_domains_service().list()})
    return names


@verb(
    "quota",
    "list",
    "List quotas with what is used of their limits",
    params=(DC,),
    target="none",
)
def quota_list(ctx: ActionContext, target: Any = None, dc: str | None = None, **_: Any) -> Result:
    """Every data center's quotas (``--dc`` one's): memory, vCPUs and storage used of each
    limit."""
    names = _owner_names(ctx)
    rows = []
    for d in _dcs(ctx, dc):
        for q in _quotas(ctx, d):
            if ctx.selector.name or ctx.selector.id:
                try:
                    pick(ctx, [q], None, "quota")
                except Exception:  # noqa: BLE001 - not this one
                    continue
            rows.append(summary_row(with_limits(ctx, d, q), names))
    return Result(data=rows, columns=QUOTA_COLUMNS, root="quotas", message=f"{len(rows)} quotas")


@verb("quota", "show", "Show one quota with its limits and their usage", params=(QUOTA, DC),
      target="none")  # fmt: skip
def quota_show(
    ctx: ActionContext, target: Any = None, quota: str | None = None, dc: str | None = None
) -> Result:
    d, q = _find(ctx, quota, dc)
    return Result(data=with_limits(ctx, d, q), root="quotas")


@verb("quota", "export", "Export one quota (with its limits) as the engine's XML",
      params=(QUOTA, DC), target="none")  # fmt: skip
def quota_export(
    ctx: ActionContext, target: Any = None, quota: str | None = None, dc: str | None = None
) -> Result:
    d, q = _find(ctx, quota, dc)
    return Result(data=with_limits(ctx, d, q), root="quotas")


LIMIT_PARAMS = (
    Param("memory_gib", ("--memory-gib",), "memory limit in GiB (-1: unlimited)", "float"),
    Param("vcpus", ("--vcpus",), "vCPU limit (-1: unlimited)", "int"),
    Param("cluster", ("--cluster",), "the memory/vCPU limit is for this cluster only"),
    Param("storage_gib", ("--storage-gib",), "storage limit in GiB (-1: unlimited)", "int"),
    Param("storagedomain", ("--storagedomain",), "the storage limit is for this domain only"),
    Param("grace", ("--grace",), "cluster hard-limit grace in percent (over the limit)", "int"),
)


def _set_limits(ctx: ActionContext, dc: Any, quota: Any, params: dict[str, Any]) -> None:
    from ovirtsdk4 import types

    svc = _qsvc(ctx, dc, quota)
    if params.get("memory_gib") is not None or params.get("vcpus") is not None:
        cl = None
        if params.get("cluster"):
            with engine_errors("listing clusters"):
                cl = pick(
                    ctx, list(ctx.system.clusters_service().list()), params["cluster"], "cluster"
                )
        spec = types.QuotaClusterLimit(
            cluster=types.Cluster(id=cl.id) if cl is not None else None,
            memory_limit=float(params["memory_gib"])
            if params.get("memory_gib") is not None
            else -1.0,
            vcpu_limit=params.get("vcpus") if params.get("vcpus") is not None else -1,
        )
        lims = svc.quota_cluster_limits_service()
        want = cl.id if cl is not None else quota.id
        added(ctx, lims, spec, f"set the cluster limit of quota {quota.name}",
              lambda: next((x for x in lims.list() if x.id == want), None))  # fmt: skip
    if params.get("storage_gib") is not None:
        sd = None
        if params.get("storagedomain"):
            with engine_errors("listing storage domains"):
                sds = list(ctx.system.storage_domains_service().list())
            sd = pick(ctx, sds, params["storagedomain"], "storage domain")
        sspec = types.QuotaStorageLimit(
            storage_domain=types.StorageDomain(id=sd.id) if sd is not None else None,
            limit=params["storage_gib"],
        )
        slims = svc.quota_storage_limits_service()
        swant = sd.id if sd is not None else quota.id
        added(ctx, slims, sspec, f"set the storage limit of quota {quota.name}",
              lambda: next((x for x in slims.list() if x.id == swant), None))  # fmt: skip


@verb(
    "quota",
    "create",
    "Create a quota in a data center, with its limits",
    params=(
        Param("name", ("--name",), "the quota's name", required=True),
        Param("dc", ("--dc",), "the data center (name or id)", required=True),
        Param("description", ("--description",), "what it is for"),
        *LIMIT_PARAMS,
    ),
    target="none",
    mutating=True,
    key="c",
)
def quota_create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    from ovirtsdk4 import types

    dc = _dcs(ctx, params["dc"])[0]
    name = params["name"]
    spec = types.Quota(
        name=name,
        description=params.get("description"),
        cluster_hard_limit_pct=params.get("grace"),
    )
    qs = _dc_svc(ctx, dc).quotas_service()
    quota = added(ctx, qs, spec, f"create quota {name} in data center {dc.name}",
                  lambda: next((q for q in qs.list() if q.name == name), None))  # fmt: skip
    _set_limits(ctx, dc, quota, params)
    quota.data_center = dc
    row = summary_row(with_limits(ctx, dc, quota), _owner_names(ctx))
    return done(
        ctx,
        f"quota {name} created in data center {dc.name}: memory {row['memory']}, "
        f"vCPUs {row['vcpus']}, storage {row['storage']}",
        quota,
        root="quotas",
    )


@verb(
    "quota",
    "update",
    "Rename a quota, change its description or set its limits",
    params=(
        QUOTA,
        DC,
        Param("new_name", ("--name",), "new name"),
        Param("description", ("--description",), "new description"),
        *LIMIT_PARAMS,
    ),
    target="none",
    mutating=True,
    key="U",
)
def quota_update(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    from ovirtsdk4 import types

    dc, quota = _find(ctx, params.get("quota"), params.get("dc"))
    if params.get("new_name") or params.get("description") is not None or params.get("grace") is not None:  # fmt: skip
        spec = types.Quota(
            name=params.get("new_name"),
            description=params.get("description"),
            cluster_hard_limit_pct=params.get("grace"),
        )
        send_action(ctx, _qsvc(ctx, dc, quota), "update", what=f"quota {quota.name}", quota=spec)
    _set_limits(ctx, dc, quota, params)
    with engine_errors(f"reading quota {quota.name}"):
        now = _qsvc(ctx, dc, quota).get()
    now.data_center = dc
    row = summary_row(with_limits(ctx, dc, now), _owner_names(ctx))
    return done(
        ctx,
        f"quota {now.name} updated: memory {row['memory']}, vCPUs {row['vcpus']}, "
        f"storage {row['storage']}",
        now,
        root="quotas",
    )


@verb("quota", "remove", "Remove a quota (its VMs go back to the Default quota)",
      params=(QUOTA, DC), target="none", mutating=True, dangerous=True, key="D")  # fmt: skip
def quota_remove(
    ctx: ActionContext, target: Any = None, quota: str | None = None, dc: str | None = None
) -> Result:
    d, q = _find(ctx, quota, dc)
    send_action(ctx, _qsvc(ctx, d, q), "remove", what=f"quota {q.name}")
    return done(ctx, f"quota {q.name} removed from data center {d.name}")


@verb(
    "quota",
    "mode",
    "Set a data center's quota mode: disabled, audit or enforced",
    params=(
        Param(
            "mode",
            ("mode",),
            "disabled, audit or enforced",
            "choice",
            choices=("disabled", "audit", "enforced"),
        ),  # fmt: skip
        Param("dc", ("--dc",), "the data center (name or id)", required=True),
    ),
    target="none",
    mutating=True,
)
def quota_mode(ctx: ActionContext, target: Any = None, mode: str = "", dc: str = "") -> Result:
    """``enforced`` is the API's ``enabled``: a VM start over its quota is refused."""
    from ovirtsdk4 import types

    if mode not in MODES:
        raise UsageError("The quota mode is disabled, audit or enforced.")
    d = _dcs(ctx, dc)[0]
    spec = types.DataCenter(quota_mode=types.QuotaModeType(MODES[mode]))
    send_action(ctx, _dc_svc(ctx, d), "update", what=f"data center {d.name}", data_center=spec)
    with engine_errors(f"reading data center {d.name}"):
        now = _dc_svc(ctx, d).get()
    return done(ctx, f"data center {d.name}: quota mode {mode}", now, root="data_centers")


@verb(
    "quota",
    "assign",
    "Make a VM consume this quota (the VM must be down)",
    params=(QUOTA, DC, Param("vm", ("--vm",), "the VM (name or id)", required=True)),
    target="none",
    mutating=True,
)
def quota_assign(
    ctx: ActionContext,
    target: Any = None,
    quota: str | None = None,
    dc: str | None = None,
    vm: str = "",
) -> Result:
    from ovirtsdk4 import types

    from .selectors import name_search

    d, q = _find(ctx, quota, dc)
    with engine_errors(f"looking up VM {vm}"):
        vms = list(ctx.system.vms_service().list(search=name_search(vm))) or [
            v for v in [_vm_by_id(ctx, vm)] if v is not None
        ]
    found = pick(ctx, vms, vm, "VM")
    svc = ctx.system.vms_service().vm_service(found.id)
    send_action(
        ctx, svc, "update", what=f"VM {found.name}", vm=types.Vm(quota=types.Quota(id=q.id))
    )
    with engine_errors(f"reading VM {found.name}"):
        now = svc.get()
    return done(ctx, f"VM {found.name} consumes quota {q.name}", now, root="vms")


def _vm_by_id(ctx: ActionContext, vm_id: str) -> Any | None:
    import ovirtsdk4

    try:
        return ctx.system.vms_service().vm_service(vm_id).get()
    except ovirtsdk4.Error:
        return None
