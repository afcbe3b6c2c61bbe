"""A VM's network interfaces: ``nic-add``, ``nic-update``, ``nic-remove``, ``nic-plug``,
``nic-unplug`` (a hot plug on a running VM)."""

from __future__ import annotations

from typing import Any

from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .vm_common import fetch_vm, vm_service
from .vm_writes import add_once, by_name_or_id, vnic_profile
from .waiters import send_action

INTERFACES = ("virtio", "e1000", "rtl8139", "pci_passthrough")
NIC_COLUMNS = ("name", "interface", "mac.address", "plugged", "linked", "vnic_profile", "id")
NIC = Param("nic", ("nic",), "the NIC: its name or id", "text")


def _nics(ctx: ActionContext, vm: Any) -> list[Any]:
    with engine_errors(f"listing the NICs of VM {vm.name}"):
        return list(vm_service(ctx, vm).nics_service().list())


def _nic(ctx: ActionContext, vm: Any, which: str | None) -> Any:
    if not which:
        raise UsageError("Say which NIC: its name or id (ovtui run vm -n VM export nics).")
    return by_name_or_id(_nics(ctx, vm), which, "NIC", f"VM {vm.name}")


def _done(ctx: ActionContext, vm: Any, message: str) -> Result:
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=_nics(ctx, vm), columns=NIC_COLUMNS, root="nics")


def _spec(ctx: ActionContext, vm: Any, params: dict[str, Any]) -> Any:
    from ovirtsdk4 import types

    nic = types.Nic()
    if params.get("new_name"):
        nic.name = params["new_name"]
    if params.get("interface"):
        nic.interface = types.NicInterface(params["interface"])
    if params.get("mac"):
        nic.mac = types.Mac(address=params["mac"])
    if params.get("network") or params.get("profile"):
        profile = vnic_profile(ctx, vm, params.get("network"), params.get("profile"))
        nic.vnic_profile = types.VnicProfile(id=profile.id)
    if params.get("unlinked"):
        nic.linked = False
    return nic


NIC_PARAMS = (
    Param("network", ("--network",), "network (its default vNIC profile)", "network"),
    Param("profile", ("--profile",), "vNIC profile by name (instead of --network)", "text"),
    Param("interface", ("--interface",), "emulated interface", "choice", choices=INTERFACES),
    Param("mac", ("--mac",), "MAC address (default: from the engine's MAC pool)", "text"),
)


@verb(
    "vm",
    "nic-add",
    "Add a network interface to the VM",
    params=(
        Param("new_name", ("--name",), "NIC name (default nicN)", "text"),
        *NIC_PARAMS,
        Param("unlinked", ("--unlinked",), "add it with its link down", "flag"),
    ),
    target="one",
    mutating=True,
    key="N",
    subtab="nics",
)
def nic_add(ctx: ActionContext, target: Any, **params: Any) -> Result:
    """A running VM gets the NIC hot plugged."""
    vm = fetch_vm(ctx, target)
    if not (params.get("network") or params.get("profile")):
        raise UsageError("nic-add needs --network NAME (or --profile NAME).")
    nics = _nics(ctx, vm)
    spec = _spec(ctx, vm, params)
    spec.name = spec.name or _free_name(nics)
    if spec.interface is None:
        from ovirtsdk4 import types

        spec.interface = types.NicInterface.VIRTIO
    before = {n.id for n in nics}
    svc = vm_service(ctx, vm).nics_service()

    def find() -> Any | None:
        new = [n for n in svc.list() if n.id not in before and n.name == spec.name]
        return new[0] if new else None

    nic, _, follower = add_once(ctx, svc, spec, f"add NIC {spec.name} to VM {vm.name}", find)
    follower.poll()
    return _done(ctx, vm, f"NIC {nic.name} added to VM {vm.name} (MAC {nic.mac.address})")


def _free_name(nics: list[Any]) -> str:
    names = {n.name for n in nics}
    return next(f"nic{i}" for i in range(1, len(names) + 2) if f"nic{i}" not in names)


@verb(
    "vm",
    "nic-update",
    "Change a network interface of the VM",
    params=(NIC, Param("new_name", ("--name",), "new NIC name", "text"), *NIC_PARAMS),
    target="one",
    mutating=True,
    key="C",
    subtab="nics",
    subject="nic",
)
def nic_update(ctx: ActionContext, target: Any, nic: str | None = None, **params: Any) -> Result:
    vm = fetch_vm(ctx, target)
    found = _nic(ctx, vm, nic)
    spec = _spec(ctx, vm, params)
    svc = vm_service(ctx, vm).nics_service().nic_service(found.id)
    send_action(ctx, svc, "update", what=f"NIC {found.name} of VM {vm.name}", nic=spec)
    return _done(ctx, vm, f"NIC {found.name} of VM {vm.name} updated")


@verb(
    "vm",
    "nic-remove",
    "Remove a network interface of the VM (unplug it first on a running VM)",
    params=(NIC,),
    target="one",
    mutating=True,
    dangerous=True,
    key="Z",
    subtab="nics",
    subject="nic",
)
def nic_remove(ctx: ActionContext, target: Any, nic: str | None = None) -> Result:
    vm = fetch_vm(ctx, target)
    found = _nic(ctx, vm, nic)
    svc = vm_service(ctx, vm).nics_service().nic_service(found.id)
    send_action(ctx, svc, "remove", what=f"NIC {found.name} of VM {vm.name}")
    return _done(ctx, vm, f"NIC {found.name} removed from VM {vm.name}")


def _plug(ctx: ActionContext, target: Any, nic: str | None, plug: bool) -> Result:
    vm = fetch_vm(ctx, target)
    found = _nic(ctx, vm, nic)
    svc = vm_service(ctx, vm).nics_service().nic_service(found.id)
    word = "plug" if plug else "unplug"
    _, follower = send_action(
        ctx, svc, "activate" if plug else "deactivate", what=f"NIC {found.name} of VM {vm.name}",
        verb=word,
    )  # fmt: skip
    follower.poll()
    return _done(ctx, vm, f"NIC {found.name} of VM {vm.name} {word}ged")


@verb("vm", "nic-plug", "Plug a network interface (hot plug on a running VM)", params=(NIC,),
      target="one", mutating=True, key="P", subtab="nics", subject="nic")  # fmt: skip
def nic_plug(ctx: ActionContext, target: Any, nic: str | None = None) -> Result:
    return _plug(ctx, target, nic, True)


@verb("vm", "nic-unplug", "Unplug a network interface (hot unplug on a running VM)",
      params=(NIC,), target="one", mutating=True, key="H", subtab="nics", subject="nic")  # fmt: skip
def nic_unplug(ctx: ActionContext, target: Any, nic: str | None = None) -> Result:
    return _plug(ctx, target, nic, False)
