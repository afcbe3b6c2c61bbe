"""VM power verbs: start, shutdown, stop, suspend, reboot, reset.

Each verb checks what it can before sending anything, sends the action with a correlation id,
then follows the VM's status path and the engine's events for that id until the end state.
Migration verbs live in ``vm_migrate``, create/remove in ``vm_create``, consoles in
``vm_console``, snapshots in ``vm_snapshots``, the installer boot in ``vm_autoinstall``.

TUI keys (chosen to avoid the global ones 1-9 : / enter escape space t e q ? r p n):
s start, h shutdown, S stop, z suspend, R reboot, X reset, m migrate, M cancelmigration,
G migrating, c create, D remove, K snapshot-create, k snapshot-list, T ticket, v viewer,
I autoinstall.
"""

from __future__ import annotations

from typing import Any

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .cloud_init import CLOUD_INIT_PARAMS, build_initialization
from .cloud_init import given as cloud_init_given
from .declare import verb
from .vm_common import (
    RUNNING,
    TIMEOUTS,
    accepted_only,
    check_cluster_has_room,
    check_host_fits,
    fetch_vm,
    find_host,
    finished,
    host_id_of,
    job_finished,
    send,
    wait_vm,
    with_reason,
)
from .waiters import status_of

NOT_RUNNING = "Cannot {verb} VM. VM is not running."


def _host_name(ctx: ActionContext, vm: Any) -> str:
    hid = host_id_of(vm)
    if not hid:
        return "?"
    try:
        return ctx.system.hosts_service().host_service(hid).get().name or hid
    except Exception:  # only for a message
        return hid


def preflight_start(ctx: ActionContext, vm: Any, host_name: str | None) -> Any:
    """Refuse early when the VM runs already, or the target host cannot take it."""
    status = status_of(vm)
    if status in RUNNING:
        where = f" It is {status} on host {_host_name(ctx, vm)}." if host_id_of(vm) else ""
        raise EngineRefused(f"Cannot run VM. VM is running.{where}")
    if status == "image_locked":
        raise EngineRefused("Cannot run VM. VM's disks are locked; wait for them to be ready.")
    if host_name:
        host = find_host(ctx, host_name)
        check_host_fits(ctx, vm, host, "run")
        return host
    check_cluster_has_room(ctx, vm, "run", exclude=None)
    return None


@verb(
    "vm",
    "start",
    "Start (run) the VM, optionally on a given host",
    params=(
        Param("host", ("--host",), "run it on this host (default: the engine chooses)", "host"),
        Param("console", ("--console",), "write a remote-viewer .vv file once it is up", "flag"),
        Param(
            "cloud_init",
            ("--cloud-init",),
            "run once with this cloud-init payload (use_cloud_init; the --ci-* options)",
            "flag",
        ),
        *CLOUD_INIT_PARAMS,
    ),
    target="many",
    mutating=True,
    waits=True,
    wait=TIMEOUTS["start"],
    key="s",
)
def start(
    ctx: ActionContext,
    target: Any,
    host: str | None = None,
    console: bool = False,
    cloud_init: bool = False,
    **ci: Any,
) -> Result:
    """Start the VM: down -> wait_for_launch -> powering_up -> up."""
    from ovirtsdk4 import types

    if cloud_init_given(ci) and not cloud_init:
        raise UsageError("The --ci-* options go with --cloud-init (a run once with them).")
    init = build_initialization(ci) if cloud_init else None
    vm = fetch_vm(ctx, target)
    dest = preflight_start(ctx, vm, host)
    kw: dict[str, Any] = {}
    if dest is not None or init is not None:
        kw["vm"] = types.Vm()
    if dest is not None:
        kw["vm"].placement_policy = types.VmPlacementPolicy(hosts=[types.Host(id=dest.id)])
    if init is not None:
        kw["vm"].initialization = init
        kw["use_cloud_init"] = True
    _, follower = send(ctx, vm, "start", "start", **kw)
    if ctx.async_:
        return accepted_only(ctx, vm, "start")

    def fail(obj: Any, seen: set[str]) -> str | None:
        if status_of(obj) == "down" and seen & {"wait_for_launch", "powering_up"}:
            return with_reason(f"VM {vm.name} went down while starting", follower, vm.name)
        bad = [e for e in follower.seen if e.code == 54]  # USER_FAILED_RUN_VM
        return bad[-1].description if bad else None

    final = wait_vm(
        ctx,
        vm,
        wanted={"up"},
        verb="start",
        follower=follower,
        fail=fail,
        failed={"paused", "not_responding"},
    )
    message = f"VM {vm.name} is up on host {_host_name(ctx, final)}"
    if console:
        from .vm_console import write_viewer_file

        path = write_viewer_file(ctx, final, None)
        ctx.progress("console", f"console file written: {path}")
        message += f"; console file {path}"
    return finished(ctx, vm, message, final)


def _power_verb(
    ctx: ActionContext,
    target: Any,
    *,
    verb_name: str,
    method: str,
    engine_verb: str,
    need: set[str],
    wanted: set[str],
    via: set[str],
    back: set[str],
    transit: set[str] | None = None,
    settle: float | None = None,
    **kw: Any,
) -> Result:
    """Shared body: refuse when not in ``need``, send, wait for ``wanted`` through ``via``.

    Coming back to one of ``back`` after a ``transit`` status (default: ``via``) means the
    engine gave up (a guest ignoring shutdown comes back up).
    """
    transit = via if transit is None else transit
    vm = fetch_vm(ctx, target)
    status = status_of(vm)
    if status not in need:
        hint = f"VM {vm.name} is {status}."
        if status in ("down", "suspended", "image_locked"):
            raise EngineRefused(NOT_RUNNING.format(verb=engine_verb), hint)
        raise EngineRefused(f"Cannot {engine_verb} VM {vm.name} while it is {status}.")
    cid, follower = send(ctx, vm, method, verb_name, **kw)
    if ctx.async_:
        return accepted_only(ctx, vm, verb_name)

    def fail(obj: Any, seen: set[str]) -> str | None:
        st = status_of(obj)
        if st in back and seen & transit and st not in wanted:
            return with_reason(f"VM {vm.name} came back {st}: {verb_name} did not finish", follower)
        if st == "down" and "down" not in wanted:
            return with_reason(f"VM {vm.name} went down during {verb_name}", follower, vm.name)
        return None

    final = wait_vm(
        ctx,
        vm,
        wanted=wanted,
        via=via,
        settle=settle,
        confirm=lambda: job_finished(ctx, cid),
        verb=verb_name,
        follower=follower,
        fail=fail,
    )
    return finished(ctx, vm, f"VM {vm.name} is {status_of(final)}", final)


UPISH = {"up", "powering_up", "reboot_in_progress", "paused", "migrating", "not_responding"}


@verb("vm", "shutdown", "Shut the guest down cleanly (ACPI / guest agent)", target="many",
      mutating=True, waits=True, wait=TIMEOUTS["shutdown"], key="h")  # fmt: skip
def shutdown(ctx: ActionContext, target: Any) -> Result:
    """up -> powering_down -> down. If the guest ignores it, the VM comes back up: a failure."""
    return _power_verb(
        ctx, target, verb_name="shutdown", method="shutdown", engine_verb="shut down",
        need=UPISH | {"powering_down"}, wanted={"down"}, via={"powering_down"}, back={"up"},
    )  # fmt: skip


@verb("vm", "stop", "Power the VM off (like pulling the plug)", target="many",
      mutating=True, dangerous=True, waits=True, wait=TIMEOUTS["stop"], key="S")  # fmt: skip
def stop(ctx: ActionContext, target: Any) -> Result:
    """up -> powering_down -> down, without asking the guest."""
    return _power_verb(
        ctx, target, verb_name="stop", method="stop", engine_verb="stop",
        need=UPISH | {"powering_down", "wait_for_launch", "saving_state", "restoring_state",
                      "unknown", "suspended"},
        wanted={"down"}, via=set(), back=set(),
    )  # fmt: skip


@verb("vm", "suspend", "Suspend (hibernate) the VM to disk", target="many",
      mutating=True, waits=True, wait=TIMEOUTS["suspend"], key="z")  # fmt: skip
def suspend(ctx: ActionContext, target: Any) -> Result:
    """up -> saving_state -> suspended."""
    vm = fetch_vm(ctx, target)
    if status_of(vm) != "up":
        raise EngineRefused(
            "Cannot hibernate VM. VM is not up.", f"VM {vm.name} is {status_of(vm)}."
        )
    return _power_verb(
        ctx, vm, verb_name="suspend", method="suspend", engine_verb="hibernate",
        need={"up"}, wanted={"suspended"}, via=set(), back={"up"}, transit={"saving_state"},
    )  # fmt: skip


@verb("vm", "reboot", "Reboot the guest", target="many", mutating=True, dangerous=True,
      waits=True, wait=TIMEOUTS["reboot"], key="R")  # fmt: skip
def reboot(ctx: ActionContext, target: Any) -> Result:
    """up -> reboot_in_progress -> up."""
    return _power_verb(
        ctx, target, verb_name="reboot", method="reboot", engine_verb="reboot",
        need={"up"}, wanted={"up"}, via={"reboot_in_progress", "powering_up"}, back=set(),
        settle=30.0,
    )  # fmt: skip


@verb("vm", "reset", "Reset the VM (hard reboot, the guest is not asked)", target="many",
      mutating=True, dangerous=True, waits=True, wait=TIMEOUTS["reset"], key="X")  # fmt: skip
def reset(ctx: ActionContext, target: Any) -> Result:
    """up -> (reboot_in_progress) -> up."""
    return _power_verb(
        ctx, target, verb_name="reset", method="reset", engine_verb="reset",
        need={"up"}, wanted={"up"}, via={"reboot_in_progress", "powering_up"}, back=set(),
        settle=10.0,
    )  # fmt: skip
