"""Storage domain verbs: ``activate``, ``deactivate`` (through the domain's data center,
``/datacenters/DC/storagedomains/SD``, where an attached domain's status lives) and
``refresh`` (LUNs, block domains only).

TUI keys: A activate, M deactivate (maintenance), F refresh.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import services, types

from .base import ActionContext, EngineRefused, Result
from .declare import verb
from .errors import engine_errors
from .waiters import send_action, wait_for_status

SD_TIMEOUT = 900.0
BLOCK_TYPES = ("iscsi", "fcp")


def _domain(ctx: ActionContext, target: types.StorageDomain | str) -> types.StorageDomain:
    sd_id = target if isinstance(target, str) else target.id
    with engine_errors("reading the storage domain"):
        return ctx.system.storage_domains_service().storage_domain_service(sd_id).get()


def attached_service(
    ctx: ActionContext, sd: types.StorageDomain
) -> tuple[str, services.AttachedStorageDomainService]:
    """(data center id, the attached storage domain service) of ``sd``."""
    dcs = [dc for dc in (sd.data_centers or []) if dc.id]
    if not dcs:
        if sd.data_center is not None and sd.data_center.id:
            dcs = [sd.data_center]
        else:
            raise EngineRefused(
                f"Storage domain {sd.name} is not attached to a data center.",
                "Attach it to a data center first.",
            )
    dc_id = dcs[0].id
    svc = (
        ctx.system.data_centers_service()
        .data_center_service(dc_id)
        .storage_domains_service()
        .storage_domain_service(sd.id)
    )
    return dc_id, svc


def _run(
    ctx: ActionContext,
    target: Any,
    method: str,
    wanted: str,
    failed: tuple[str, ...],
) -> Result:
    sd = _domain(ctx, target)
    _, svc = attached_service(ctx, sd)
    what = f"storage domain {sd.name}"
    _, follower = send_action(ctx, svc, method, what=what)
    if ctx.async_:
        return Result(True, f"{what}: {method} accepted", sd)
    final = wait_for_status(
        ctx,
        svc,
        (wanted,),
        what=what,
        failed=failed,
        timeout=ctx.timeout_for(SD_TIMEOUT),
        follower=follower,
    )
    return Result(True, f"{what} is {wanted}", final)


@verb(
    "storagedomain",
    "activate",
    "Activate the storage domain in its data center (maintenance -> active).",
    mutating=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="A",
)
def activate(ctx: ActionContext, target: Any) -> Result:
    """Activate the domain and wait until it is active."""
    return _run(ctx, target, "activate", "active", ("inactive", "unknown"))


@verb(
    "storagedomain",
    "deactivate",
    "Put the storage domain into maintenance in its data center.",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="M",
    aliases=("maintenance",),
)
def deactivate(ctx: ActionContext, target: Any) -> Result:
    """Deactivate the domain and wait until it is in maintenance."""
    return _run(ctx, target, "deactivate", "maintenance", ("inactive", "unknown"))


@verb(
    "storagedomain",
    "refresh",
    "Refresh the LUNs of a block storage domain (iSCSI, FCP).",
    mutating=True,
    key="F",
    aliases=("refresh-luns",),
)
def refresh(ctx: ActionContext, target: Any) -> Result:
    """Refresh the domain's LUN sizes; only block domains have LUNs."""
    sd = _domain(ctx, target)
    stype = getattr(getattr(sd.storage, "type", None), "value", None) or "unknown"
    if stype not in BLOCK_TYPES:
        raise EngineRefused(
            f"refresh is not supported for {stype} storage domain {sd.name}: it has no LUNs.",
            "Only iSCSI and FCP domains can refresh LUNs.",
        )
    vg = getattr(sd.storage, "volume_group", None)
    luns = [types.LogicalUnit(id=lu.id) for lu in (getattr(vg, "logical_units", None) or [])]
    svc = ctx.system.storage_domains_service().storage_domain_service(sd.id)
    send_action(
        ctx,
        svc,
        "refresh_luns",
        what=f"storage domain {sd.name}",
        verb="refresh",
        logical_units=luns,
    )
    return Result(True, f"storage domain {sd.name}: {len(luns)} LUN(s) refreshed", _domain(ctx, sd))
