"""``vm clone``: a new VM with copies of the VM's disks (optionally on another storage domain)."""

from __future__ import annotations

from typing import Any

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .vm_common import TIMEOUTS, fetch_vm, finished, job_finished, vm_service, vms_service, wait_vm
from .waiters import send_action


def find_vm(ctx: ActionContext, name: str) -> Any | None:
    with engine_errors(f"looking up VM {name}"):
        found = [v for v in vms_service(ctx).list(search=f"name={quote(name)}") if v.name == name]
    return found[0] if found else None


@verb(
    "vm",
    "clone",
    "Clone the VM: a new VM with copies of its disks",
    params=(
        Param("name", ("--name",), "name of the clone", "text", required=True),
        Param("storagedomain", ("--storagedomain", "--sd"), "storage domain for the copies",
              "storagedomain"),
    ),
    target="one",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["create"],
    key="L",
)  # fmt: skip
def clone(
    ctx: ActionContext, target: Any, name: str | None = None, storagedomain: str | None = None
) -> Result:
    """The clone is image_locked while its disks are copied, then down."""
    from ovirtsdk4 import types

    if not name:
        raise UsageError("vm clone needs --name for the new VM.")
    vm = fetch_vm(ctx, target)
    kw: dict[str, Any] = {"vm": types.Vm(name=name)}
    if storagedomain:
        kw["storage_domain"] = types.StorageDomain(name=storagedomain)
    cid, follower = send_action(
        ctx, vm_service(ctx, vm), "clone", what=f"VM {vm.name} as {name}", verb="clone", **kw
    )
    new = find_vm(ctx, name)
    if new is None:
        raise EngineRefused(f"clone VM {vm.name}: the engine accepted it but shows no VM {name}.")
    if ctx.async_:
        return Result(ok=True, message=f"clone of VM {vm.name} as {name}: accepted", data=new)
    wait_vm(
        ctx, new, wanted={"down"}, verb="create", via={"image_locked"}, follower=follower,
        confirm=lambda: job_finished(ctx, cid), settle=5.0,
    )  # fmt: skip
    return finished(ctx, new, f"VM {name} cloned from VM {vm.name} (id {new.id})")
