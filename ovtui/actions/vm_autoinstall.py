"""``vm autoinstall``: boot an installer kernel once, then the VM's own disk (ovirtcmd's verb).

Steps: remember the VM's boot settings (os kernel / initrd / cmdline / boot devices), set the
installer's kernel, initrd and command line, start the VM, wait for the installer to power it
off, restore the old settings, start it again. The old settings are restored whatever happens
after they were changed (failure, timeout, cancel), and the restore is reported.

As in ovirtcmd the command line is ``-c`` (a verb's own flags win over the global ``-c``
after the verb; ``--config`` still works there); ``-C`` is kept as an alias.
"""

from __future__ import annotations

from typing import Any

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .vm_common import (
    RUNNING,
    TIMEOUTS,
    fetch_vm,
    finished,
    send,
    vm_service,
    wait_vm,
    with_reason,
)
from .waiters import EventFollower, span, status_of


def boot_settings(vm: Any) -> dict[str, Any]:
    """The parts of ``vm.os`` autoinstall changes, as plain values."""
    os_ = getattr(vm, "os", None)
    devices = []
    boot = getattr(os_, "boot", None) if os_ is not None else None
    for d in getattr(boot, "devices", None) or []:
        devices.append(getattr(d, "value", str(d)))
    return {
        "kernel": getattr(os_, "kernel", None) or "",
        "initrd": getattr(os_, "initrd", None) or "",
        "cmdline": getattr(os_, "cmdline", None) or "",
        "boot": devices,
    }


def _os(settings: dict[str, Any]) -> Any:
    from ovirtsdk4 import types

    os_ = types.OperatingSystem(
        kernel=settings["kernel"], initrd=settings["initrd"], cmdline=settings["cmdline"]
    )
    if settings.get("boot"):
        os_.boot = types.Boot(devices=[types.BootDevice(d) for d in settings["boot"]])
    return os_


def _update_os(ctx: ActionContext, vm: Any, settings: dict[str, Any], doing: str) -> None:
    from ovirtsdk4 import types

    svc = vm_service(ctx, vm)
    with engine_errors(f"{doing} of VM {vm.name}"):
        # boot settings change only on a down VM: on a running one the engine keeps them for
        # the next run (VM_CANNOT_UPDATE_ILLEGAL_FIELD otherwise)
        running = status_of(svc.get()) in RUNNING
        svc.update(types.Vm(os=_os(settings)), next_run=True if running else None)


def _start_and_wait_up(ctx: ActionContext, vm: Any, label: str) -> EventFollower:
    _, follower = send(ctx, vm, "start", label)

    def fail(obj: Any, seen: set[str]) -> str | None:
        if status_of(obj) == "down" and seen & {"wait_for_launch", "powering_up"}:
            return with_reason(f"VM {vm.name} went down while starting", follower)
        return None

    wait_vm(ctx, vm, wanted={"up"}, verb="start", follower=follower, fail=fail)
    return follower


USER_RUN_VM = 32  # "VM ... started on Host ...": the VM was up, however briefly


def _run_installer(ctx: ActionContext, vm: Any) -> None:
    """Start the installer and wait for it to power the VM off.

    A short install may power off between two polls: down counts as finished once the VM was
    seen up or the engine logged it running (event 32) for this start; down before that is a
    failed start.
    """
    limit = ctx.timeout_for(TIMEOUTS["autoinstall"])
    _, follower = send(ctx, vm, "start", "start-installer")
    ran: list[bool] = []

    def was_up(seen: set[str]) -> bool:
        if not ran and ("up" in seen or any(e.code == USER_RUN_VM for e in follower.seen)):
            ran.append(True)
            ctx.progress(
                "install",
                f"VM {vm.name}: installer running; waiting up to {span(limit)} for it to power off",
            )
        return bool(ran)

    def done(obj: Any, seen: set[str]) -> bool:
        return was_up(seen) and status_of(obj) == "down"

    def fail(obj: Any, seen: set[str]) -> str | None:
        st = status_of(obj)
        if st == "down" and not was_up(seen) and seen & {"wait_for_launch", "powering_up"}:
            return with_reason(f"VM {vm.name} went down while starting the installer", follower)
        if st in ("paused", "not_responding"):
            return with_reason(f"VM {vm.name} is {st} during the install", follower, vm.name)
        return None

    wait_vm(
        ctx, vm, wanted={"down"}, verb="autoinstall", follower=follower, done=done, fail=fail,
        timeout=limit,
    )  # fmt: skip


@verb(
    "vm",
    "autoinstall",
    "Boot an installer (kernel, initrd, cmdline) once, then the VM's own disk",
    params=(
        Param("kernel", ("-k", "--kernel"), "installer kernel path (on the host / ISO domain;"
              " needed, here or in -T)", "text"),
        Param("initrd", ("-i", "--initrd"), "installer initrd path (needed, here or in -T)",
              "text"),
        Param("cmdline", ("-c", "--cmdline", "-C"), "kernel command line (kickstart...)", "text",
              default=""),
    ),
    target="one",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["autoinstall"],
    key="I",
)  # fmt: skip
def autoinstall(
    ctx: ActionContext, target: Any, kernel: str = "", initrd: str = "", cmdline: str = ""
) -> Result:
    """The VM must be down. Waits (up to the autoinstall timeout) for the install to finish."""
    missing = [f"-{k[0]}/--{k}" for k, v in (("kernel", kernel), ("initrd", initrd)) if not v]
    if missing:
        raise UsageError(
            f"vm autoinstall needs {' and '.join(missing)}.",
            "Give them on the command line or in the -T template (kernel:, initrd:, cmdline:).",
        )
    if ctx.async_:
        raise UsageError(
            "autoinstall cannot return early: it must wait to restore the boot settings.",
            "Drop -a; give --timeout for a long install.",
        )
    vm = fetch_vm(ctx, target)
    if status_of(vm) != "down":
        raise EngineRefused(
            f"Cannot autoinstall VM {vm.name}: it is {status_of(vm)}; it must be down.",
            "Stop it first (this reinstalls it!).",
        )
    old = boot_settings(vm)
    installer = dict(old, kernel=kernel, initrd=initrd, cmdline=cmdline or "")
    _update_os(ctx, vm, installer, "setting the installer boot")
    ctx.progress("boot", f"VM {vm.name}: installer boot set (kernel {kernel})")
    try:
        _run_installer(ctx, vm)
    finally:
        try:
            _update_os(ctx, vm, old, "restoring the boot settings")
            ctx.progress("boot", f"VM {vm.name}: original boot settings restored")
        except Exception as exc:  # report, but do not hide the first error
            ctx.progress("boot", f"could not restore the boot settings: {exc}", level="error")
            raise
    _start_and_wait_up(ctx, vm, "start-installed")
    return finished(ctx, vm, f"VM {vm.name} installed and up with its own boot settings")
