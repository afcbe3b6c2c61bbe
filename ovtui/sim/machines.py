"""Verbs and state machines (VM, host, storage domain); add / update / remove.

Every verb validates against the current status (409 with the engine's wording), records its
events and a job under the request's correlation id, answers at once, and lets the clock drive
the status changes. Callbacks run under the world lock; each VM / host carries an operation
counter so that a superseded transition (stop during start...) is ignored.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T
from ovirtsdk4.reader import Reader

from ovtui.sim import events as ev
from ovtui.sim import render, routes
from ovtui.sim.clock import Clock
from ovtui.sim.faults import FaultInjector
from ovtui.sim.world import GiB, World, href, mk, now_dt, ref

log = logging.getLogger("ovtui.sim")

VS = T.VmStatus
HS = T.HostStatus
SDS = T.StorageDomainStatus

RUNNING = {
    VS.UP,
    VS.POWERING_UP,
    VS.WAIT_FOR_LAUNCH,
    VS.MIGRATING,
    VS.REBOOT_IN_PROGRESS,
    VS.POWERING_DOWN,
    VS.PAUSED,
    VS.NOT_RESPONDING,
    VS.SAVING_STATE,
    VS.RESTORING_STATE,
}
ON_HOST = RUNNING - {VS.WAIT_FOR_LAUNCH}

# engine seconds per phase (scaled by --speed)
T_LAUNCH, T_POWERING_UP, T_POWER_DOWN, T_SHUTDOWN = 1.0, 3.0, 1.0, 3.0
T_SUSPEND, T_RESTORE, T_REBOOT, T_MIGRATE = 2.0, 2.0, 3.0, 8.0
T_ADD_VM, T_HOST_STEP, T_INSTALL, T_REBOOT_HOST, T_SD_STEP = 3.0, 1.5, 10.0, 6.0, 1.5


def conflict(detail: str) -> Exception:
    from ovtui.sim.server import HttpError

    return HttpError(409, detail)


def bad_request(detail: str) -> Exception:
    from ovtui.sim.server import HttpError

    return HttpError(400, detail)


def not_found() -> Exception:
    from ovtui.sim.server import HttpError

    return HttpError(404)


class Ctx:
    """Per-request context for a verb: parsed action, correlation id, job."""

    def __init__(
        self, action: Any, correlation_id: str | None, user: str = "admin@internal"
    ) -> None:
        self.action = action if action is not None else T.Action()
        self.cid = correlation_id or action_cid(self.action)
        self.user = user
        self.job: Any = None


def action_cid(action: Any) -> str | None:
    return getattr(action, "correlation_id", None)


class Machines:
    def __init__(self, world: World, speed: float, faults: FaultInjector) -> None:
        self.world = world
        self.faults = faults
        self.clock = Clock(speed, world.lock)
        self.verbs: dict[tuple[str, str], Callable[[Any, Ctx], Any]] = {
            ("vm", "start"): self.vm_start,
            ("vm", "stop"): self.vm_stop,
            ("vm", "shutdown"): self.vm_shutdown,
            ("vm", "suspend"): self.vm_suspend,
            ("vm", "reboot"): self.vm_reboot,
            ("vm", "reset"): self.vm_reset,
            ("vm", "migrate"): self.vm_migrate,
            ("vm", "cancelmigration"): self.vm_cancel_migration,
            ("vm", "ticket"): self.console_ticket,
            ("graphics_console", "ticket"): self.console_ticket,
            ("graphics_console", "remoteviewerconnectionfile"): self.console_file_action,
            ("host", "deactivate"): self.host_deactivate,
            ("host", "activate"): self.host_activate,
            ("host", "upgradecheck"): self.host_upgrade_check,
            ("host", "upgrade"): self.host_upgrade,
            ("host", "install"): self.host_install,
            ("host", "fence"): self.host_fence,
            ("host", "restart"): self.host_fence,
            ("host", "forceselectspm"): self.host_force_spm,
            ("attached_storage_domain", "deactivate"): self.sd_deactivate,
            ("attached_storage_domain", "activate"): self.sd_activate,
            ("storage_domain", "refreshluns"): self.sd_refresh_luns,
            ("attached_storage_domain", "refreshluns"): self.sd_refresh_luns,
            ("host", "refresh"): self.host_refresh,
            ("host", "setupnetworks"): self.host_setup_networks,
            ("data_center", "setmaster"): self.dc_set_master,
            ("vm", "export"): self.vm_export,
            ("template", "export"): self.template_export,
        }
        # (collection tag, parent tag) -> handler(req, node); a node of a top-level collection
        # has no parent tag
        self.adders: dict[tuple[str, str | None], Callable[[Any, Any], Any]] = {
            ("vm", None): self._add_vm,
            ("host", None): lambda req, node: self._add_host(req),
            ("event", None): self._add_event,
            ("snapshot", "vm"): self._add_snapshot,
            ("nic", "vm"): lambda req, node: self._add_nic(req, node.parent),
            ("disk_attachment", "vm"): lambda req, node: self._add_disk(req, node.parent),
            ("ssh_public_key", "user"): self._add_ssh_key,
        }
        self.updaters: dict[tuple[str, str | None], Callable[[Any, Any], Any]] = {
            ("vm", None): self._update_vm,
            ("host", None): self._update_host,
            ("disk", None): self._update_disk,
            ("disk_attachment", "vm"): self._update_disk_attachment,
            **{
                k: self._update_plain
                for k in (
                    ("cluster", None),
                    ("data_center", None),
                    ("network", None),
                    ("storage_domain", None),
                    ("template", None),
                    ("vnic_profile", None),
                    ("tag", None),
                    ("nic", "vm"),
                    ("ssh_public_key", "user"),
                )
            },
        }
        self.removers: dict[tuple[str, str | None], Callable[[Any, Any], Any]] = {
            ("vm", None): self._remove_vm,
            ("host", None): lambda req, node: self._remove_host(req, node.obj),
            ("snapshot", "vm"): self._remove_snapshot,
            ("event", None): self._remove_event,
            ("nic", "vm"): self._remove_vm_nic,
            ("disk_attachment", "vm"): self._remove_disk_attachment,
            ("ssh_public_key", "user"): self._remove_ssh_key,
        }

    def start(self) -> None:
        self.clock.start()

    def stop(self) -> None:
        self.clock.stop()

    def set_status(self, obj: Any, status: Any) -> None:
        """Change an entity's status and record it in the world's status log (the engine's
        path of each object, which tests compare with what a client saw)."""
        obj.status = status
        self.world.log_status(obj.id, status)

    def set_dc_status(self, sd: Any, status: Any) -> None:
        """A storage domain's status within its data center (see ``sd_deactivate``)."""
        sd._sim_dc_status = status
        self.world.log_status(sd.id, status)

    def after(self, seconds: float, fn: Callable[[], None]) -> None:
        self.clock.after(seconds, fn)

    # ------------------------------------------------------------------ HTTP
    def route_table(self) -> list[str]:
        """Every mutating route the simulator serves, as ``KIND tag[.child] [verb]`` keys:
        ``ACTION vm start``, ``ADD vm.snapshot``, ``UPDATE host``, ``REMOVE vm.nic``.

        A request that matches none of them is refused (404, or 409 for an action the engine
        has but the simulator does not do): it never answers 200 with nothing done."""
        out = [f"ACTION {tag} {verb}" for tag, verb in self.verbs]
        for kind, table in (("ADD", self.adders), ("UPDATE", self.updaters)):
            out += [f"{kind} {_route_tag(k)}" for k in table]
        out += [f"REMOVE {_route_tag(k)}" for k in self.removers]
        return sorted(out)

    def handle(self, req: Any) -> Any:
        """POST (actions, adds), PUT (updates) and DELETE (removes); caller holds the lock."""
        from ovtui.sim.server import HttpError, Response

        w = self.world
        if req.method == "POST":
            node = routes.resolve(w, req.segs)
            if node is not None and node.obj is None:
                add = self.adders.get((node.tag, node.parent_tag))
                if add is None:
                    raise HttpError(405, "Method not allowed.")
                return add(req, node)
            node = routes.resolve(w, req.segs[:-1]) if len(req.segs) > 1 else None
            if node is None or node.obj is None:
                raise not_found()
            verb = req.segs[-1]
            action = parse_body(req.body, T.Action) if req.body.strip() else T.Action()
            ctx = Ctx(action, req.correlation_id)
            tag = node.actions_tag or node.tag
            fn = self.verbs.get((tag, verb))
            if fn is None:
                if verb in render.ACTIONS.get(tag, []) or (
                    tag == "attached_storage_domain" and verb in render.ACTIONS["storage_domain"]
                ):
                    # an action the engine has and the simulator does not do: refused, never
                    # acknowledged (the package docstring's rule)
                    raise conflict(
                        f"Cannot {verb} {_type_word(tag)}. This operation is not supported."
                    )
                raise not_found()
            extra = fn(node.obj, ctx)
            is_async = bool(action.async_)
            return Response(
                202 if is_async else 200,
                render.action_result("in_progress" if is_async else "complete", ctx.job, extra),
            )
        if req.method in ("PUT", "DELETE"):
            node = routes.resolve(w, req.segs)
            if node is None:
                raise not_found()
            if node.obj is None:
                raise HttpError(405, "Method not allowed.")
            table = self.updaters if req.method == "PUT" else self.removers
            fn = table.get((node.tag, node.parent_tag))
            if fn is None:
                if req.method == "PUT":
                    raise HttpError(405, "Method not allowed.")
                raise conflict(
                    f"Cannot remove {_type_word(node.tag)}. This operation is not supported."
                )
            return fn(req, node)
        raise HttpError(405, "Method not allowed.")

    # ------------------------------------------------------------ VM helpers
    def _begin(self, obj: Any) -> int:
        obj._sim_op = getattr(obj, "_sim_op", 0) + 1
        return obj._sim_op

    def _later(self, obj: Any, op: int, seconds: float, fn: Callable[[], None]) -> None:
        def run() -> None:
            if getattr(obj, "_sim_op", 0) == op:
                fn()

        self.after(seconds, run)

    def _go_through(
        self,
        obj: Any,
        op: int,
        path: list[tuple[Any, ...]],
        then: Callable[[], None],
        set_status: Callable[[Any, Any], None] | None = None,
    ) -> None:
        """Set each status of ``path`` in turn, ``(status, engine seconds in it[, on entering])``,
        then call ``then``; stops where another operation on ``obj`` began (see ``_later``)."""
        set_ = set_status or self.set_status
        status, seconds, *on_enter = path[0]
        set_(obj, status)
        for fn in on_enter:
            fn()
        rest = path[1:]
        self._later(
            obj,
            op,
            seconds,
            (lambda: self._go_through(obj, op, rest, then, set_)) if rest else then,
        )

    def _host(self, host_id: str | None) -> Any:
        return self.world.get("hosts", host_id) if host_id else None

    def _job(self, ctx: Ctx, description: str, steps: list[str] | None = None) -> Any:
        ctx.job = ev.start_job(self.world, description, ctx.cid, steps)
        return ctx.job

    def _lookup_host(self, h: Any) -> Any:
        if h is None:
            return None
        if h.id:
            return self.world.get("hosts", h.id)
        if h.name:
            return next((x for x in self.world.coll["hosts"].values() if x.name == h.name), None)
        return None

    def place(
        self, vm: Any, exclude: set[str] | None = None, reserved: dict[str, int] | None = None
    ) -> Any:
        """The up host of the VM's cluster with the most free memory that fits it (or None)."""
        best, best_free = None, -1
        for h in self.world.coll["hosts"].values():
            if h.cluster.id != vm.cluster.id or h.status != HS.UP or (exclude and h.id in exclude):
                continue
            free = self.world.host_free_memory(h) - (reserved or {}).get(h.id, 0)
            if free >= (vm.memory or 0) and free > best_free:
                best, best_free = h, free
        return best

    def _no_host(self, verb: str, vm: Any, exclude: str | None = None) -> Exception:
        hosts = [
            h
            for h in self.world.coll["hosts"].values()
            if h.cluster.id == vm.cluster.id and h.status == HS.UP and h.id != exclude
        ]
        parts = [
            f"Cannot {verb} VM. There is no host that satisfies current scheduling constraints. See below for details:"
        ]
        for h in hosts:
            parts.append(
                f"The host {h.name} did not satisfy internal filter Memory because its available memory is too low ({max(0, self.world.host_free_memory(h)) // 2**20} MB) to run the VM."
            )
        return conflict(", ".join(parts))

    # --------------------------------------------------------------- VM verbs
    def vm_start(self, vm: Any, ctx: Ctx) -> None:
        w = self.world
        if vm.status == VS.IMAGE_LOCKED:
            raise conflict("Cannot run VM: VM is locked. Please try again in a few minutes.")
        if vm.status == VS.PAUSED:
            op = self._begin(vm)
            self._job(ctx, f"Resuming VM {vm.name}")
            self.set_status(vm, VS.UP)
            ev.end_job(ctx.job)
            return
        if vm.status not in (VS.DOWN, VS.SUSPENDED):
            raise conflict("Cannot run VM. VM is running.")
        wanted = self._lookup_host(ctx.action.host) if ctx.action.host is not None else None
        if ctx.action.host is not None and wanted is None:
            raise bad_request("Entity not found: host")
        run_once_vm = ctx.action.vm
        if (
            wanted is None
            and run_once_vm is not None
            and run_once_vm.placement_policy is not None
            and run_once_vm.placement_policy.hosts
        ):
            wanted = self._lookup_host(run_once_vm.placement_policy.hosts[0])
            if wanted is None:
                raise bad_request("Entity not found: host")
        if wanted is None and vm.placement_policy is not None and vm.placement_policy.hosts:
            wanted = self._host(vm.placement_policy.hosts[0].id)
        if wanted is not None:
            if (
                wanted.status != HS.UP
                or wanted.cluster.id != vm.cluster.id
                or w.host_free_memory(wanted) < (vm.memory or 0)
            ):
                raise self._no_host("run", vm)
            host = wanted
        else:
            host = self.place(vm)
            if host is None:
                raise self._no_host("run", vm)
        boot = (
            ctx.action.vm.os if ctx.action.vm is not None and ctx.action.vm.os is not None else None
        )
        if boot is not None:
            vm.run_once = True
            vm._sim_boot_override = {
                "kernel": boot.kernel,
                "initrd": boot.initrd,
                "cmdline": boot.cmdline,
            }
        op = self._begin(vm)
        self._job(ctx, f"Launching VM {vm.name}", ["Running VM"])
        ev.emit(w, 153, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        resumed = vm.status == VS.SUSPENDED
        vm.host = ref(T.Host, "hosts", host.id)
        vm.stop_time = None
        job = ctx.job

        def up() -> None:
            self.set_status(vm, VS.UP)
            vm.start_time = now_dt()
            w.set_guest_info(vm)
            ev.emit(w, 32, vm=vm, host=host, correlation_id=ctx.cid)
            ev.end_job(job)

        if resumed:
            self._go_through(vm, op, [(VS.RESTORING_STATE, T_RESTORE)], up)
            return
        self._go_through(
            vm,
            op,
            [
                (VS.WAIT_FOR_LAUNCH, T_LAUNCH),
                (VS.POWERING_UP, T_POWERING_UP, lambda: ev.progress_job(job, 50)),
            ],
            up,
        )

    def _go_down(
        self,
        vm: Any,
        reason_code: int = 61,
        cid: str | None = None,
        job: Any = None,
        extra: str = "",
    ) -> None:
        host = self._host(vm.host.id) if vm.host else None
        self.set_status(vm, VS.DOWN)
        vm.host = None
        vm.stop_time = now_dt()
        vm.start_time = None
        vm.run_once = False
        self.world.clear_guest_info(vm)
        vm._sim_migration_progress = 0
        ev.emit(self.world, reason_code, vm=vm, host=host, correlation_id=cid, extra=extra)
        ev.end_job(job)

    def _skip_if_down(self, vm: Any, ctx: Ctx, action: str) -> bool:
        """StopVmCommandBase.shouldSkipCommandExecution: a down VM is not an error; the
        command is skipped, answered as done, and logged (VM_ALREADY_IN_REQUESTED_STATUS)."""
        if vm.status != VS.DOWN:
            return False
        ev.emit(
            self.world,
            254,
            vm=vm,
            correlation_id=ctx.cid,
            user=ctx.user,
            extra=f"{_engine_enum(vm.status)}, {action}",
        )
        return True

    def _stop_validate(self, vm: Any, verb: str) -> None:
        """StopVmCommandBase.validate (stop and shutdown share it)."""
        if vm.status in (VS.SAVING_STATE, VS.RESTORING_STATE):
            # AppErrors ACTION_TYPE_FAILED_VM_IS_SAVING_RESTORING
            raise conflict(
                f"Cannot {verb} VM. VM is in saving/restoring state. "
                "Please try again when the VM is either up or down."
            )
        if vm.status not in RUNNING and vm.status != VS.SUSPENDED:
            raise conflict(f"Cannot {verb} VM. VM is not running.")

    def _stop_suspended(self, vm: Any, ctx: Ctx) -> None:
        """A suspended VM stopped or shut down: its saved state is dropped (event 111)."""
        self._begin(vm)
        self._job(ctx, f"Stopping VM {vm.name}")
        ev.emit(self.world, 111, vm=vm, correlation_id=ctx.cid, user=ctx.user)
        self._go_down(vm, cid=ctx.cid, job=ctx.job, extra="Exit message: Saved state cleared")

    def vm_stop(self, vm: Any, ctx: Ctx) -> None:
        if self._skip_if_down(vm, ctx, "Stop VM"):
            return
        self._stop_validate(vm, "stop")
        if vm.status == VS.SUSPENDED:
            self._stop_suspended(vm, ctx)
            return
        host = self._host(vm.host.id) if vm.host else None
        op = self._begin(vm)
        self._job(ctx, f"Stopping VM {vm.name}")
        ev.emit(self.world, 33, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        self._power_down(vm, op, ctx, T_POWER_DOWN, "Admin shut down from the engine")

    def vm_shutdown(self, vm: Any, ctx: Ctx) -> None:
        if self._skip_if_down(vm, ctx, "Shutdown VM"):
            return
        self._stop_validate(vm, "shutdown")
        if vm.status == VS.SUSPENDED:
            self._stop_suspended(vm, ctx)
            return
        if vm.status == VS.POWERING_DOWN:
            # already on its way down: the engine sends the guest another shutdown request
            self._job(ctx, f"Shutting down VM {vm.name}")
            ev.end_job(ctx.job)
            return
        if vm.status in (VS.WAIT_FOR_LAUNCH, VS.MIGRATING, VS.NOT_RESPONDING):
            # ShutdownVmCommand.canShutdownVm is false: it runs StopVm instead
            self.vm_stop(vm, ctx)
            return
        host = self._host(vm.host.id) if vm.host else None
        op = self._begin(vm)
        self._job(ctx, f"Shutting down VM {vm.name}")
        ev.emit(self.world, 73, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        self._power_down(vm, op, ctx, T_SHUTDOWN, "User shut down from within the guest")

    def _power_down(self, vm: Any, op: int, ctx: Ctx, seconds: float, exit_message: str) -> None:
        """powering_down, then down after ``seconds`` (event 61 with ``exit_message``)."""
        job = ctx.job
        self._go_through(
            vm,
            op,
            [(VS.POWERING_DOWN, seconds)],
            lambda: self._go_down(vm, cid=ctx.cid, job=job, extra=f"Exit message: {exit_message}"),
        )

    def vm_suspend(self, vm: Any, ctx: Ctx) -> None:
        if vm.status != VS.UP:
            raise conflict("Cannot hibernate VM. VM is not up.")
        host = self._host(vm.host.id)
        op = self._begin(vm)
        self._job(ctx, f"Hibernating VM {vm.name}")
        ev.emit(self.world, 501, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        self.set_status(vm, VS.SAVING_STATE)
        job = ctx.job

        def done() -> None:
            self.set_status(vm, VS.SUSPENDED)
            vm.host = None
            self.world.clear_guest_info(vm)
            ev.emit(self.world, 503, vm=vm, host=host, correlation_id=ctx.cid)
            ev.end_job(job)

        self._later(vm, op, T_SUSPEND, done)

    def vm_reboot(self, vm: Any, ctx: Ctx, verb: str = "reboot") -> None:
        if vm.status != VS.UP:
            raise conflict(f"Cannot {verb} VM. VM is not running.")
        op = self._begin(vm)
        self._job(ctx, f"{'Rebooting' if verb == 'reboot' else 'Resetting'} VM {vm.name}")
        ev.emit(
            self.world,
            157,
            vm=vm,
            host=self._host(vm.host.id),
            correlation_id=ctx.cid,
            user=ctx.user,
        )
        self.set_status(vm, VS.REBOOT_IN_PROGRESS)
        job = ctx.job

        def up() -> None:
            self.set_status(vm, VS.UP)
            ev.end_job(job)

        self._later(vm, op, T_REBOOT if verb == "reboot" else T_REBOOT / 2, up)

    def vm_reset(self, vm: Any, ctx: Ctx) -> None:
        self.vm_reboot(vm, ctx, verb="reset")

    def vm_migrate(self, vm: Any, ctx: Ctx) -> None:
        if vm.status != VS.UP:
            if vm.status == VS.MIGRATING:
                raise conflict("Cannot migrate VM. VM is being migrated.")
            raise conflict("Cannot migrate VM. VM is not running.")
        if self.pinned(vm):
            raise conflict("Cannot migrate VM. VM is pinned to Host.")
        src = self._host(vm.host.id)
        if ctx.action.host is not None:
            dst = self._lookup_host(ctx.action.host)
            if dst is None:
                raise bad_request("Entity not found: host")
            if dst.id == src.id:
                raise conflict(
                    "Cannot migrate VM. Migration source and destination hosts are the same."
                )
            if (
                dst.status != HS.UP
                or dst.cluster.id != vm.cluster.id
                or self.world.host_free_memory(dst) < (vm.memory or 0)
            ):
                raise self._no_host("migrate", vm, src.id)
        else:
            dst = self.place(vm, exclude={src.id})
            if dst is None:
                raise self._no_host("migrate", vm, src.id)
        self._job(
            ctx, f"Migrating VM {vm.name} from Host {src.name} to Host {dst.name}", ["Migrating VM"]
        )
        self.migrate(vm, dst, ctx.cid, ctx.job, ctx.user)

    def pinned(self, vm: Any) -> bool:
        pp = vm.placement_policy
        return pp is not None and pp.affinity == T.VmAffinity.PINNED

    def migrate(
        self,
        vm: Any,
        dst: Any,
        cid: str | None,
        job: Any,
        user: str = "admin@internal",
        on_done: Callable[[bool], None] | None = None,
    ) -> None:
        """up -> migrating (migration.progress 0..100) -> up on ``dst``."""
        w = self.world
        src = self._host(vm.host.id)
        op = self._begin(vm)
        prev = vm.status if vm.status == VS.PAUSED else VS.UP
        self.set_status(vm, VS.MIGRATING)
        vm._sim_migration_progress = 0
        vm._sim_migration = (src.id, dst.id, job, cid, on_done)
        ev.emit(w, 62, vm=vm, host=src, correlation_id=cid, user=user, extra=dst.name)
        steps = 8

        def tick(k: int) -> None:
            vm._sim_migration_progress = int(100 * k / steps)
            ev.progress_job(job, vm._sim_migration_progress)
            if k < steps:
                self._later(vm, op, T_MIGRATE / steps, lambda: tick(k + 1))
                return
            self.set_status(vm, prev)
            vm.host = ref(T.Host, "hosts", dst.id)
            vm._sim_migration_progress = 0
            vm._sim_migration = None
            ev.emit(w, 63, vm=vm, host=dst, correlation_id=cid, extra=src.name)
            ev.end_job(job)
            if on_done:
                on_done(True)

        self._later(vm, op, T_MIGRATE / steps, lambda: tick(1))

    def vm_cancel_migration(self, vm: Any, ctx: Ctx) -> None:
        if vm.status != VS.MIGRATING:
            raise conflict("Cannot cancel migration for VM. VM is not being migrated.")
        src_id, _dst_id, job, cid, on_done = vm._sim_migration
        self._begin(vm)
        self._job(ctx, f"Cancelling migration of VM {vm.name}")
        self.set_status(vm, VS.UP)
        vm.host = ref(T.Host, "hosts", src_id)
        vm._sim_migration_progress = 0
        vm._sim_migration = None
        ev.emit(
            self.world,
            65,
            vm=vm,
            host=self._host(src_id),
            correlation_id=ctx.cid or cid,
            extra="Migration cancelled by user.",
        )
        ev.end_job(job, ok=False)
        ev.end_job(ctx.job)
        if on_done:
            on_done(False)

    # --------------------------------------------------------------- consoles
    def _console_vm(self, obj: Any) -> Any:
        return obj if isinstance(obj, T.Vm) else self.world.get("vms", obj.vm.id)

    def console_ticket(self, obj: Any, ctx: Ctx) -> dict[str, Any]:
        vm = self._console_vm(obj)
        if vm.status not in ON_HOST:
            raise conflict("Cannot set ticket to VM. VM is not running.")
        value = (
            ctx.action.ticket.value
            if ctx.action.ticket is not None and ctx.action.ticket.value
            else secrets.token_urlsafe(12)
        )
        expiry = (
            ctx.action.ticket.expiry
            if ctx.action.ticket is not None and ctx.action.ticket.expiry
            else 120
        )
        vm._sim_ticket = value
        return {"ticket": T.Ticket(value=value, expiry=expiry)}

    def console_file(self, node: Any) -> str:
        """The remote-viewer (.vv) file of a console: its protocol, the host's address, the
        console's port (and TLS port for SPICE) and the VM's current ticket."""
        vm = self._console_vm(node.obj)
        if vm.status not in ON_HOST:
            raise conflict("Cannot get console file for VM. VM is not running.")
        gc = node.obj if isinstance(node.obj, T.GraphicsConsole) else None
        consoles = routes._consoles(self.world, vm)
        gc = next((c for c in consoles if gc is not None and c.id == gc.id), consoles[0])
        ticket = getattr(vm, "_sim_ticket", None) or secrets.token_urlsafe(12)
        vm._sim_ticket = ticket
        proto = gc.protocol.value
        tls = f"tls-port={gc.tls_port}\n" if gc.tls_port else ""
        return (
            f"[virt-viewer]\ntype={proto}\n"
            f"host={gc.address}\nport={gc.port}\n{tls}password={ticket}\n"
            "# Password is valid for 120 seconds.\ndelete-this-file=1\n"
            f"title={vm.name}:%d - Press SHIFT+F12 to Release Cursor\n"
            "toggle-fullscreen=shift+f11\nrelease-cursor=shift+f12\nsecure-attention=ctrl+alt+end\n"
        )

    def console_file_action(self, obj: Any, ctx: Ctx) -> dict[str, Any]:
        return {
            "remote_viewer_connection_file": self.console_file(
                routes.Node(tag="graphics_console", path=[], obj=obj)
            )
        }

    # ------------------------------------------------------------- host verbs
    def _spm_handover(self, host: Any) -> None:
        if host.spm is None or host.spm.status != T.SpmStatus.SPM:
            return
        host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.NONE)
        dc = self.world.cluster_dc(host.cluster.id)
        for h in self.world.coll["hosts"].values():
            if (
                h.id != host.id
                and h.status == HS.UP
                and self.world.cluster_dc(h.cluster.id).id == dc.id
            ):
                h.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
                return

    def _ensure_spm(self, host: Any) -> None:
        dc = self.world.cluster_dc(host.cluster.id)
        for h in self.world.coll["hosts"].values():
            if (
                self.world.cluster_dc(h.cluster.id).id == dc.id
                and h.spm
                and h.spm.status == T.SpmStatus.SPM
            ):
                return
        host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)

    def host_deactivate(self, host: Any, ctx: Ctx) -> None:
        if host.status == HS.MAINTENANCE:
            raise conflict(
                "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode."
            )
        if host.status == HS.PREPARING_FOR_MAINTENANCE:
            raise conflict(
                "Cannot switch Host to Maintenance mode. Host is already switching to Maintenance mode."
            )
        if host.status not in (
            HS.UP,
            HS.NON_OPERATIONAL,
            HS.NON_RESPONSIVE,
            HS.INSTALL_FAILED,
            HS.ERROR,
            HS.CONNECTING,
            HS.DOWN,
        ):
            raise conflict(
                f"Cannot switch Host to Maintenance mode. Host status is {host.status.value}."
            )
        self._job(
            ctx,
            f"Moving Host {host.name} to Maintenance",
            ["Migrating VMs" if self.world.vms_on_host(host.id) else "Moving host to maintenance"],
        )
        reason = f" with reason: {ctx.action.reason}" if ctx.action.reason else ""
        ev.emit(self.world, 600, host=host, correlation_id=ctx.cid, user=ctx.user, extra=reason)
        job = ctx.job
        self.to_maintenance(host, ctx.cid, lambda ok: ev.end_job(job, ok))

    def to_maintenance(self, host: Any, cid: str | None, on_done: Callable[[bool], None]) -> None:
        """preparing_for_maintenance -> VMs migrate away -> maintenance (or back to up, event 17)."""
        w = self.world
        op = self._begin(host)
        self.set_status(host, HS.PREPARING_FOR_MAINTENANCE)
        vms = [v for v in w.vms_on_host(host.id) if v.status in ON_HOST]
        reserved: dict[str, int] = {}
        moves, stuck = [], []
        for vm in vms:
            dst = (
                None
                if self.pinned(vm) or vm.status not in (VS.UP, VS.PAUSED)
                else self.place(vm, exclude={host.id}, reserved=reserved)
            )
            if dst is None:
                stuck.append(vm)
            else:
                reserved[dst.id] = reserved.get(dst.id, 0) + (vm.memory or 0)
                moves.append((vm, dst))
        pending = {"n": len(moves), "failed": False}

        def finish() -> None:
            if getattr(host, "_sim_op", 0) != op:
                return
            if stuck or pending["failed"]:
                self.set_status(host, HS.UP)
                names = ", ".join(v.name for v in stuck) or "migration failure"
                ev.emit(
                    w,
                    17,
                    host=host,
                    correlation_id=cid,
                    extra=f"No host is available to migrate these VMs to: {names}.",
                )
                on_done(False)
                return
            self.set_status(host, HS.MAINTENANCE)
            self._spm_handover(host)
            ev.emit(w, 15, host=host, correlation_id=cid)
            on_done(True)

        def one_done(ok: bool) -> None:
            pending["n"] -= 1
            if not ok:
                pending["failed"] = True
            if pending["n"] <= 0:
                self.after(T_HOST_STEP / 2, finish)

        for vm, dst in moves:
            job = ev.start_job(
                w,
                f"Migrating VM {vm.name} from Host {host.name} to Host {dst.name}",
                cid,
                ["Migrating VM"],
            )
            self.migrate(vm, dst, cid, job, on_done=one_done)
        if not moves:
            self.after(T_HOST_STEP, finish)

    def host_activate(self, host: Any, ctx: Ctx) -> None:
        # HostValidator.validateStatusForActivation
        if host.status == HS.UP:
            raise conflict("Cannot activate Host. Host in Up status.")
        if host.status == HS.NON_RESPONSIVE:
            raise conflict("Cannot activate Host. Host is in non responsive state.")
        if host.status in (
            HS.INSTALLING,
            HS.PREPARING_FOR_MAINTENANCE,
            HS.REBOOT,
            HS.UNASSIGNED,
            HS.INITIALIZING,
        ):
            raise conflict(f"Cannot activate Host. Host is in {host.status.value} status.")
        self._job(ctx, f"Activating Host {host.name}")
        ev.emit(self.world, 16, host=host, correlation_id=ctx.cid, user=ctx.user)
        job = ctx.job
        self.activate(host, ctx.cid, lambda: ev.end_job(job))

    def activate(
        self, host: Any, cid: str | None, on_done: Callable[[], None] | None = None
    ) -> None:
        """unassigned -> initializing -> up."""
        op = self._begin(host)

        def up() -> None:
            self.set_status(host, HS.UP)
            self._ensure_spm(host)
            ev.emit(self.world, 13, host=host, correlation_id=cid)
            if on_done:
                on_done()

        self._go_through(
            host, op, [(HS.UNASSIGNED, T_HOST_STEP), (HS.INITIALIZING, T_HOST_STEP)], up
        )

    def _bring_back(self, host: Any, cid: str | None, job: Any, activate: bool) -> None:
        """After install / upgrade / restart: activate the host (job ends once it is up) or
        leave it in maintenance (job ends now)."""
        if activate:
            self.activate(host, cid, lambda: ev.end_job(job))
        else:
            self.set_status(host, HS.MAINTENANCE)
            ev.end_job(job)

    def host_upgrade_check(self, host: Any, ctx: Ctx) -> None:
        if host.status not in (HS.UP, HS.NON_OPERATIONAL, HS.MAINTENANCE):
            raise conflict(
                f"Cannot check for available updates for Host {host.name}: Host status is {host.status.value}."
            )
        self._job(ctx, f"Checking for available updates on Host {host.name}")
        ev.emit(self.world, 884, host=host, correlation_id=ctx.cid)
        job = ctx.job

        def done() -> None:
            has = getattr(host, "_sim_has_updates", bool(host.update_available))
            if has:
                host.update_available = True
                ev.emit(
                    self.world,
                    843,
                    host=host,
                    correlation_id=ctx.cid,
                    extra="vdsm, ovirt-host, vdsm-client",
                )
                ev.emit(
                    self.world,
                    885,
                    host=host,
                    correlation_id=ctx.cid,
                    extra="found updates for packages vdsm, ovirt-host, vdsm-client",
                )
            else:
                host.update_available = False
                ev.emit(
                    self.world, 885, host=host, correlation_id=ctx.cid, extra="no updates found."
                )
            ev.end_job(job)

        self.after(T_HOST_STEP, done)

    def host_upgrade(self, host: Any, ctx: Ctx) -> None:
        if host.status not in (HS.UP, HS.MAINTENANCE, HS.NON_OPERATIONAL, HS.INSTALL_FAILED):
            raise conflict(f"Cannot upgrade Host. Host status is {host.status.value}.")
        if not host.update_available:
            raise conflict("There are no available updates for the host.")
        reboot = ctx.action.reboot if ctx.action.reboot is not None else True
        was_up = host.status == HS.UP
        self._job(ctx, f"Upgrading Host {host.name}", ["Upgrading host"])
        ev.emit(self.world, 840, host=host, correlation_id=ctx.cid, user=ctx.user)
        job, cid, w = ctx.job, ctx.cid, self.world

        def install() -> None:
            op = self._begin(host)
            self.set_status(host, HS.INSTALLING)
            ev.progress_job(job, 30)

            def installed() -> None:
                if host.name in self.faults.fail_upgrade:
                    self.faults.fail_upgrade.discard(host.name)
                    self.set_status(host, HS.INSTALL_FAILED)
                    ev.emit(w, 841, host=host, correlation_id=cid)
                    ev.end_job(job, ok=False)
                    return
                host.update_available = False
                host._sim_has_updates = False
                host.version = mk(
                    T.Version,
                    full_version="vdsm-4.50.3.5-1.el8",
                    major=4,
                    minor=50,
                    build=3,
                    revision=5,
                )
                if reboot:
                    ev.emit(w, 888, host=host, correlation_id=cid)
                    self._go_through(
                        host,
                        op,
                        [
                            (HS.REBOOT, T_REBOOT_HOST / 2),
                            (HS.NON_RESPONSIVE, T_REBOOT_HOST / 2, booted),
                        ],
                        back,
                    )
                else:
                    ev.emit(w, 842, host=host, correlation_id=cid)
                    back()

            def booted() -> None:
                host._sim_boot = __import__("time").time()

            def back() -> None:
                ev.progress_job(job, 90)
                self._bring_back(host, cid, job, was_up)

            self._later(host, op, T_INSTALL, installed)

        if was_up:

            def in_maintenance(ok: bool) -> None:
                if ok:
                    install()
                else:
                    ev.emit(w, 841, host=host, correlation_id=cid)
                    ev.end_job(job, ok=False)

            self.to_maintenance(host, cid, in_maintenance)
        else:
            install()

    def host_install(self, host: Any, ctx: Ctx) -> None:
        if host.status not in (HS.MAINTENANCE, HS.INSTALL_FAILED, HS.NON_OPERATIONAL, HS.DOWN):
            raise conflict("Cannot install Host. Please move Host to Maintenance mode first.")
        activate = ctx.action.activate if ctx.action.activate is not None else True
        self._job(ctx, f"Installing Host {host.name}", ["Installing host"])
        op = self._begin(host)
        self.set_status(host, HS.INSTALLING)
        job, cid = ctx.job, ctx.cid

        def done() -> None:
            ev.emit(self.world, 504, host=host, correlation_id=cid)
            self._bring_back(host, cid, job, activate)

        self._later(host, op, T_INSTALL, done)

    def host_fence(self, host: Any, ctx: Ctx) -> dict[str, Any] | None:
        ftype = (ctx.action.fence_type or "restart").lower()
        if ftype == "status":
            return {"power_management": T.PowerManagement(status=T.PowerManagementStatus.ON)}
        self._job(ctx, f"Restarting Host {host.name}")
        was_maint = host.status == HS.MAINTENANCE
        for vm in self.world.vms_on_host(host.id):
            self._begin(vm)
            self._go_down(vm, cid=ctx.cid, extra="Exit message: Host restarted")
        op = self._begin(host)
        self.set_status(host, HS.REBOOT)
        ev.emit(self.world, 1001, host=host, correlation_id=ctx.cid, user=ctx.user)
        job, cid = ctx.job, ctx.cid

        def back() -> None:
            host._sim_boot = __import__("time").time()
            self._bring_back(host, cid, job, not was_maint)

        self._later(host, op, T_REBOOT_HOST, back)
        return None

    def host_force_spm(self, host: Any, ctx: Ctx) -> None:
        if host.status != HS.UP:
            raise conflict("Cannot force select SPM. Host is not up.")
        self._job(ctx, f"Force selecting {host.name} as SPM")
        dc = self.world.cluster_dc(host.cluster.id)
        for h in self.world.coll["hosts"].values():
            if (
                self.world.cluster_dc(h.cluster.id).id == dc.id
                and h.spm
                and h.spm.status == T.SpmStatus.SPM
            ):
                h.spm = mk(T.Spm, priority=5, status=T.SpmStatus.NONE)
        host.spm = mk(T.Spm, priority=5, status=T.SpmStatus.SPM)
        ev.end_job(ctx.job)

    def host_refresh(self, host: Any, ctx: Ctx) -> None:
        """RefreshHostCapabilities: synchronous; event 606 HOST_REFRESHED_CAPABILITIES."""
        if host.status not in (HS.UP, HS.MAINTENANCE, HS.NON_OPERATIONAL):
            # AppErrors VAR__HOST_STATUS__UP_MAINTENANCE_OR_NON_OPERATIONAL
            raise conflict(
                "Cannot refresh Host capabilities. Host status must be Up, Maintenance or "
                "Non operational."
            )
        self._job(ctx, f"Refresh Host capabilities for {host.name}")
        ev.emit(self.world, 606, host=host, correlation_id=ctx.cid)
        ev.end_job(ctx.job)

    def host_setup_networks(self, host: Any, ctx: Ctx) -> None:
        """HostSetupNetworks: bonds created / changed / removed, network attachments moved.

        Validated as the engine's HostSetupNetworksValidator does for what the simulator
        models: interfaces must exist on the host, a bond needs two of them and a name
        ``bond*``, networks must exist in the host's data center."""
        w = self.world
        a = ctx.action
        nics = w.sub("hosts", host, "nics")
        atts = w.sub("hosts", host, "networkattachments")

        def find(r: Any) -> Any:
            return next(
                (n for n in nics if (r.id and n.id == r.id) or (r.name and n.name == r.name)),
                None,
            )

        missing: list[str] = []
        bonds_in = list(a.modified_bonds or [])
        new_names = {b.name for b in bonds_in if b.name}
        for b in bonds_in:
            if not b.name and not b.id:
                raise bad_request("HostNic [name] required for setupnetworks")
            if b.name and not re.fullmatch(r"bond[A-Za-z0-9_]+", b.name):
                raise conflict(
                    f"Bond name '{b.name}' does not follow naming criteria. For host compatibility "
                    "version 4.3 or greater, custom bond names must begin with the prefix 'bond'  "
                    "followed by 'a-z', 'A-Z', '0-9', or '_' characters."
                )
            slaves = b.bonding.slaves if b.bonding is not None and b.bonding.slaves else []
            missing += [s.name or s.id for s in slaves if find(s) is None]
        for att in a.modified_network_attachments or []:
            r = att.host_nic
            if r is not None and find(r) is None and r.name not in new_names:
                missing.append(r.name or r.id)
        if missing:
            # AppErrors NETWORK_INTERFACES_DONT_EXIST
            raise conflict(
                "Cannot setup Networks. The following Network Interfaces do not exist on the "
                f"Host: {', '.join(dict.fromkeys(missing))}."
            )
        short = [
            b.name
            for b in bonds_in
            if b.bonding is None or len(b.bonding.slaves or []) < 2
            if find(b) is None or b.bonding is not None
        ]
        if short:
            # AppErrors NETWORK_BONDS_INVALID_SLAVE_COUNT
            raise conflict(
                "Cannot setup Networks. The following bonds consist of less than two Network "
                f"Interfaces: {', '.join(short)}."
            )
        gone = [r for r in a.removed_bonds or [] if find(r) is None or find(r).bonding is None]
        if gone:
            # AppErrors NETWORK_BOND_RECORDS_DOES_NOT_EXISTS
            raise conflict(
                f"Following bonds do not exist: {', '.join(r.name or r.id for r in gone)}."
            )
        dc_id = w.cluster_dc(host.cluster.id).id
        nets = []
        for att in a.modified_network_attachments or []:
            r = att.network
            net = None
            if r is not None:
                net = next(
                    (
                        n
                        for n in w.coll["networks"].values()
                        if n.data_center.id == dc_id
                        and ((r.id and n.id == r.id) or (r.name and n.name == r.name))
                    ),
                    None,
                )
            if net is None:
                from ovtui.sim.server import HttpError

                what = (r.name or r.id) if r is not None else ""
                raise HttpError(404, f"Entity not found: Network: name={what}")
            nets.append((att, net))
        self._job(ctx, f"Setup Networks on Host {host.name}")
        for b in bonds_in:
            bond = find(b)
            slaves = [find(x) for x in (b.bonding.slaves if b.bonding else None) or []]
            if bond is None:
                bid = w.new_id()
                bond = mk(
                    T.HostNic,
                    id=bid,
                    href=href("hosts", host.id, "nics", bid),
                    name=b.name,
                    host=ref(T.Host, "hosts", host.id),
                    boot_protocol=T.BootProtocol.NONE,
                    bridged=False,
                    status=T.NicStatus.UP,
                    mac=mk(T.Mac, address=slaves[0].mac.address),
                    mtu=1500,
                    ip=mk(T.Ip, address="", version=T.IpVersion.V4),
                    properties=[],
                )
                nics.append(bond)
            if slaves:
                bond.speed = sum(x.speed or 0 for x in slaves)
                bond.bonding = mk(
                    T.Bonding,
                    slaves=[mk(T.HostNic, id=x.id, href=x.href, name=x.name) for x in slaves],
                    options=(b.bonding.options if b.bonding and b.bonding.options else None)
                    or [mk(T.Option, name="mode", value="4")],
                )
            if b.mtu:
                bond.mtu = b.mtu
        for r in a.removed_bonds or []:
            bond = find(r)
            nics.remove(bond)
            for att in [x for x in atts if x.host_nic.id == bond.id]:
                atts.remove(att)
        for r in a.removed_network_attachments or []:
            for att in [x for x in atts if x.id == r.id]:
                atts.remove(att)
                nic = find(att.host_nic)
                if nic is not None:
                    nic.network = None
        for att_in, net in nets:
            nic = find(att_in.host_nic)
            att = next((x for x in atts if x.network.id == net.id), None)
            if att is None:
                aid = w.new_id()
                att = mk(
                    T.NetworkAttachment,
                    id=aid,
                    href=href("hosts", host.id, "networkattachments", aid),
                    host=ref(T.Host, "hosts", host.id),
                    network=ref(T.Network, "networks", net.id),
                    in_sync=True,
                )
                atts.append(att)
            else:
                old = find(att.host_nic)
                if old is not None and old.id != nic.id:
                    old.network = None
                    nic.ip, old.ip = old.ip, nic.ip
                    nic.boot_protocol, old.boot_protocol = old.boot_protocol, T.BootProtocol.NONE
                    nic.bridged, old.bridged = old.bridged, False
            att.host_nic = mk(T.HostNic, id=nic.id, href=nic.href)
            nic.network = ref(T.Network, "networks", net.id)
        ev.end_job(ctx.job)

    def dc_set_master(self, dc: Any, ctx: Ctx) -> None:
        """SwitchMasterStorageDomain (POST /datacenters/ID/setmaster)."""
        w = self.world
        r = ctx.action.storage_domain
        sd = _find_named(w, "storagedomains", r) if r is not None else None
        pre = "Cannot switch master storage domain."
        if sd is None or not sd.data_centers or sd.data_centers[0].id != dc.id:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST
            raise conflict(f"{pre} Storage Domain doesn't exist.")
        if sd.master:
            raise conflict(f"{pre} The storage domain is already the master storage domain.")
        if sd.type != T.StorageDomainType.DATA:
            raise conflict(f"{pre} Storage Domain type is illegal.")
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"{pre} The relevant Storage Domain's status is {_engine_enum(sd._sim_dc_status)}."
            )
        self._job(ctx, f"Switching master storage domain to {sd.name} in Data Center {dc.name}")
        for other in w.coll["storagedomains"].values():
            if other.data_centers and other.data_centers[0].id == dc.id:
                other.master = other.id == sd.id
        ev.end_job(ctx.job)

    def _export_target(self, ctx: Ctx, what: str) -> Any:
        w = self.world
        r = ctx.action.storage_domain
        sd = _find_named(w, "storagedomains", r) if r is not None else None
        if sd is None:
            raise conflict(f"Cannot export {what}. Storage Domain doesn't exist.")
        if sd.type != T.StorageDomainType.EXPORT:
            # AppErrors ACTION_TYPE_FAILED_SPECIFY_DOMAIN_IS_NOT_EXPORT_DOMAIN
            raise conflict(
                f"Cannot export {what}. The specified domain '{sd.name}' is not an export domain."
            )
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"Cannot export {what}. The relevant Storage Domain's status is "
                f"{_engine_enum(sd._sim_dc_status)}."
            )
        return sd

    def _export(self, obj: Any, kind: str, ctx: Ctx) -> None:
        """Copy a VM / template to an export domain: listed under /storagedomains/ID/vms
        (or /templates) once the copy is done; ``exclusive`` overwrites an earlier copy."""
        w = self.world
        what = "VM" if kind == "vms" else "Template"
        sd = self._export_target(ctx, what)
        exported = sd.__dict__.setdefault("_sim_exported", {"vms": {}, "templates": {}})
        if obj.id in exported[kind] and not ctx.action.exclusive:
            raise conflict(f"Cannot export {what}. {what} with the same identifier already exists.")
        self._job(ctx, f"Exporting {what} {obj.name} To Export Domain {sd.name}")
        copy_ = copy.deepcopy(obj)
        copy_.href = href("storagedomains", sd.id, kind, obj.id)
        copy_.storage_domain = ref(T.StorageDomain, "storagedomains", sd.id)
        copy_.host = None
        for attr in [k for k in vars(copy_) if k.startswith("_sim")]:
            delattr(copy_, attr)
        job, cid = ctx.job, ctx.cid
        locked = VS.IMAGE_LOCKED if kind == "vms" else T.TemplateStatus.LOCKED
        before = obj.status
        op = self._begin(obj)
        self.set_status(obj, locked)

        def done() -> None:
            if getattr(obj, "_sim_op", 0) == op:
                self.set_status(obj, before)
            exported[kind][obj.id] = copy_
            if kind == "vms":
                ev.emit(w, 131, vm=obj, correlation_id=cid, extra=sd.name)
            ev.end_job(job)

        self.after(T_ADD_VM, done)

    def vm_export(self, vm: Any, ctx: Ctx) -> None:
        if vm.status != VS.DOWN:
            # AppErrors ACTION_TYPE_FAILED_VM_IS_NOT_DOWN
            raise conflict("Cannot export VM. At least one of the VMs is not down.")
        self._export(vm, "vms", ctx)

    def template_export(self, tpl: Any, ctx: Ctx) -> None:
        if tpl.status == T.TemplateStatus.LOCKED:
            raise conflict("Cannot export Template. Template is locked. Please try again later.")
        self._export(tpl, "templates", ctx)

    # -------------------------------------------------------------- storage
    def sd_deactivate(self, view: Any, ctx: Ctx) -> None:
        sd = view._sim_source
        if sd._sim_dc_status != SDS.ACTIVE:
            raise conflict(
                f"Cannot deactivate Storage Domain. The Storage Domain's status is {sd._sim_dc_status.value}."
            )
        dc = self.world.get("datacenters", view.data_center.id)
        self._job(ctx, f"Deactivating Storage Domain {sd.name} in Data Center {dc.name}")
        op = self._begin(sd)
        job = ctx.job

        def done() -> None:
            self.set_dc_status(sd, SDS.MAINTENANCE)
            ev.emit(self.world, 968, sd=sd, dc=dc, correlation_id=ctx.cid, user=ctx.user)
            ev.end_job(job)

        self._go_through(
            sd,
            op,
            [(SDS.LOCKED, T_SD_STEP), (SDS.PREPARING_FOR_MAINTENANCE, T_SD_STEP)],
            done,
            self.set_dc_status,
        )

    def sd_activate(self, view: Any, ctx: Ctx) -> None:
        sd = view._sim_source
        if sd._sim_dc_status not in (SDS.MAINTENANCE, SDS.INACTIVE, SDS.UNKNOWN):
            raise conflict(
                f"Cannot activate Storage Domain. The Storage Domain's status is {sd._sim_dc_status.value}."
            )
        dc = self.world.get("datacenters", view.data_center.id)
        self._job(ctx, f"Activating Storage Domain {sd.name} in Data Center {dc.name}")
        op = self._begin(sd)
        self.set_dc_status(sd, SDS.ACTIVATING)
        job = ctx.job

        def done() -> None:
            self.set_dc_status(sd, SDS.ACTIVE)
            ev.emit(self.world, 966, sd=sd, dc=dc, correlation_id=ctx.cid, user=ctx.user)
            ev.end_job(job)

        self._later(sd, op, T_SD_STEP * 2, done)

    def sd_refresh_luns(self, obj: Any, ctx: Ctx) -> None:
        """refreshluns, validated as RefreshLunsSizeCommand does (action "update", type
        "Storage Domain"); synchronous like the engine's command: sizes are re-read from
        the storage server (``LogicalUnit._sim_device_size``), event 1022."""
        w = self.world
        sd = getattr(obj, "_sim_source", obj)
        status = getattr(sd, "_sim_dc_status", None)
        if status != SDS.ACTIVE:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2
            raise conflict(
                "Cannot update Storage Domain. The relevant Storage Domain's status is "
                f"{_engine_enum(status or SDS.UNKNOWN)}."
            )
        storage = sd.storage
        if storage is None or storage.type not in BLOCK_STORAGE:
            # AppErrors ACTION_TYPE_FAILED_STORAGE_DOMAIN_TYPE_ILLEGAL
            raise conflict("Cannot update Storage Domain. Storage Domain type is illegal.")
        luns = {lu.id: lu for lu in (storage.volume_group.logical_units or [])}
        wanted = [lu.id for lu in (ctx.action.logical_units or []) if lu.id]
        unknown = [i for i in wanted if i not in luns]
        if unknown:
            # ACTION_TYPE_FAILED_LUNS_NOT_PART_OF_STORAGE_DOMAIN (wording not checked)
            raise conflict(
                "Cannot update Storage Domain. The following LUNs are not part of the "
                f"Storage Domain: {', '.join(unknown)}."
            )
        self._job(ctx, f"Refreshing LUNs of Storage Domain {sd.name}")
        grown = 0
        for lun_id in wanted:
            lu = luns[lun_id]
            size = getattr(lu, "_sim_device_size", lu.size)
            if size and lu.size and size > lu.size:
                grown += size - lu.size
            lu.size = size
        if grown:
            sd.available = (sd.available or 0) + grown
        ev.emit(
            w,
            1022,
            sd=sd,
            dc=w.get("datacenters", sd.data_centers[0].id) if sd.data_centers else None,
            correlation_id=ctx.cid,
            user=ctx.user,
            extra=", ".join(wanted) or "no LUNs",
        )
        ev.end_job(ctx.job)

    # ------------------------------------------------------ add / update / rm
    def _add_vm(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        vm_in = parse_body(req.body, T.Vm)
        if not vm_in.name:
            raise bad_request("Cannot add VM. Required parameter 'name' is missing.")
        if any(v.name == vm_in.name for v in w.coll["vms"].values()):
            raise conflict(
                "Cannot add VM. The VM name is already in use, please choose a unique name and try again."
            )
        cl = _find_named(w, "clusters", vm_in.cluster)
        if cl is None:
            raise bad_request("Cannot add VM. Cluster was not specified or does not exist.")
        tpl = (
            _find_named(w, "templates", vm_in.template)
            or w.coll["templates"]["00000000-0000-0000-0000-000000000000"]
        )
        mem = vm_in.memory or tpl.memory or 2 * GiB
        vm = w._make_vm(vm_in.name, cl, tpl, VS.IMAGE_LOCKED, None, mem, now_dt(), w.rng)
        w.log_status(vm.id, VS.IMAGE_LOCKED)
        vm.description = vm_in.description if vm_in.description is not None else ""
        vm.comment = vm_in.comment or ""
        if vm_in.os is not None and vm_in.os.type:
            vm.os.type = vm_in.os.type
        if vm_in.cpu is not None and vm_in.cpu.topology is not None:
            vm.cpu.topology = vm_in.cpu.topology
        vm.stop_time = None
        self._copy_template_devices(vm, tpl)
        job = ev.start_job(
            w,
            f"Creating VM {vm.name} from Template {tpl.name} in Cluster {cl.name}",
            cid,
            ["Copying disks"],
        )
        ev.emit(w, 37, vm=vm, correlation_id=cid)
        op = self._begin(vm)

        def created() -> None:
            self.set_status(vm, VS.DOWN)
            vm.stop_time = now_dt()
            ev.emit(w, 53, vm=vm, correlation_id=cid)
            ev.emit(w, 34, vm=vm, correlation_id=cid)
            ev.end_job(job)

        self._later(vm, op, T_ADD_VM, created)
        body = render.document(render.entity(vm, "vm"))
        return Response(201, body, headers={"Location": vm.href})

    def _add_snapshot(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        vm = node.parent
        snap_in = parse_body(req.body, T.Snapshot)
        snaps = w.sub("vms", vm, "snapshots")
        snap = w.new_snapshot(
            vm, w.rng, snap_in.description or "", T.SnapshotType.REGULAR, now_dt()
        )
        snap.snapshot_status = T.SnapshotStatus.LOCKED
        snap.persist_memorystate = bool(snap_in.persist_memorystate)
        snaps.append(snap)
        job = ev.start_job(w, f"Creating VM Snapshot {snap.description} for VM {vm.name}", cid)
        ev.emit(w, 2000, vm=vm, correlation_id=cid, extra=snap.description)

        def ok() -> None:
            snap.snapshot_status = T.SnapshotStatus.OK
            ev.end_job(job)

        self.after(T_SUSPEND, ok)
        return Response(
            201,
            render.document(render.entity(snap, "snapshot")),
            headers={"Location": snap.href},
        )

    def _add_host(self, req: Any) -> Any:
        """POST /hosts: installing -> (VDS_INSTALL 504) -> up, or maintenance with activate=false.

        ``root_password`` is required unless SSH public-key authentication is asked for; it is
        never stored, so never rendered back.
        """
        from ovtui.sim.server import HttpError, Response

        w = self.world
        cid = req.correlation_id
        host_in = parse_body(req.body, T.Host)
        missing = [a for a in ("name", "address") if not getattr(host_in, a)]
        if missing:
            raise HttpError(
                400, f"Host [{', '.join(missing)}] required for add", "Incomplete parameters"
            )
        if any(h.name == host_in.name for h in w.coll["hosts"].values()):
            # AppErrors VDS_TRY_CREATE_WITH_EXISTING_PARAMS
            raise conflict("Cannot add Host. Host with the same name already exists.")
        if host_in.cluster is not None:
            cl = _find_named(w, "clusters", host_in.cluster)
            if cl is None:
                what = host_in.cluster.name or host_in.cluster.id
                key = "name" if host_in.cluster.name else "id"
                raise HttpError(404, f"Entity not found: Cluster: {key}={what}")
        else:  # the engine puts it into the Default cluster
            cl = next((c for c in w.coll["clusters"].values() if c.name == "Default"), None)
            if cl is None:
                raise HttpError(404, "Entity not found: Cluster: name=Default")
        ssh = host_in.ssh
        publickey = (
            ssh is not None and ssh.authentication_method == T.SshAuthenticationMethod.PUBLICKEY
        )
        if not host_in.root_password and not publickey:
            # AppErrors VDS_CANNOT_INSTALL_EMPTY_PASSWORD
            raise conflict("Cannot install Host with empty password.")
        activate = req.params.get("activate", "true").lower() != "false"
        w.hosts_added = getattr(w, "hosts_added", 0) + 1
        host = w.make_host(
            w.new_id(),
            host_in.name,
            host_in.address,
            cl,
            128 * GiB,
            1000 + w.hosts_added,
            w.rng,
        )
        host.description = host_in.description or ""
        host.comment = host_in.comment or ""
        if host_in.port:
            host.port = host_in.port
        self.set_status(host, HS.INSTALLING)
        host.update_available = False
        host._sim_has_updates = False
        host._sim_boot = __import__("time").time()
        w.coll["hosts"][host.id] = host
        job = ev.start_job(
            w,
            f"Adding new Host {host.name} to Cluster {cl.name}",
            cid,
            [f"Installing Host {host.name}"],
        )
        ev.emit(w, 42, host=host, correlation_id=cid)
        op = self._begin(host)

        def installed() -> None:
            ev.emit(w, 504, host=host, correlation_id=cid)
            ev.progress_job(job, 80)
            self._bring_back(host, cid, job, activate)

        self._later(host, op, T_INSTALL, installed)
        body = render.document(render.entity(host, "host"))
        return Response(201, body, headers={"Location": host.href})

    def _copy_template_devices(self, vm: Any, tpl: Any) -> None:
        """A new VM gets the template's NICs and copies of its disks (none for Blank)."""
        w = self.world
        nics = []
        for tn in w.sub("templates", tpl, "nics") or []:
            nid = w.new_id()
            nic = mk(
                T.Nic,
                id=nid,
                href=href("vms", vm.id, "nics", nid),
                name=tn.name,
                interface=tn.interface,
                linked=True,
                plugged=True,
                mac=mk(T.Mac, address=w.next_mac()),
                vm=ref(T.Vm, "vms", vm.id),
                vnic_profile=tn.vnic_profile,
            )
            nic._sim_ip = w.next_ip()
            nics.append(nic)
        w.set_sub("vms", vm.id, "nics", nics)
        n_disks = len(w.sub("templates", tpl, "diskattachments") or [])
        w.set_sub("vms", vm.id, "diskattachments", w._attachments(w.rng, "vms", vm, n_disks))
        w.set_sub(
            "vms",
            vm.id,
            "snapshots",
            [w.new_snapshot(vm, w.rng, "Active VM", T.SnapshotType.ACTIVE, now_dt())],
        )

    def _add_nic(self, req: Any, vm: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        nic_in = parse_body(req.body, T.Nic)
        nics = w.sub("vms", vm, "nics")
        name = nic_in.name or f"nic{len(nics) + 1}"
        if any(n.name == name for n in nics):
            raise conflict("Cannot add Interface. The VM Network Interface name is already in use.")
        profile = None
        if nic_in.vnic_profile is not None:
            profile = _find_named(w, "vnicprofiles", nic_in.vnic_profile)
            if profile is None:
                raise bad_request("Entity not found: vnic_profile")
        nid = w.new_id()
        nic = mk(
            T.Nic,
            id=nid,
            href=href("vms", vm.id, "nics", nid),
            name=name,
            interface=nic_in.interface or T.NicInterface.VIRTIO,
            linked=True if nic_in.linked is None else nic_in.linked,
            plugged=True if nic_in.plugged is None else nic_in.plugged,
            mac=mk(
                T.Mac,
                address=nic_in.mac.address
                if nic_in.mac is not None and nic_in.mac.address
                else w.next_mac(),
            ),
            vm=ref(T.Vm, "vms", vm.id),
            vnic_profile=ref(T.VnicProfile, "vnicprofiles", profile.id) if profile else None,
        )
        nic._sim_ip = w.next_ip()
        nics.append(nic)
        return Response(
            201, render.document(render.entity(nic, "nic")), headers={"Location": nic.href}
        )

    def _add_disk(self, req: Any, vm: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        att_in = parse_body(req.body, T.DiskAttachment)
        atts = w.sub("vms", vm, "diskattachments")
        d_in = att_in.disk
        if d_in is None:
            raise bad_request("Cannot add Virtual Disk. Required parameter 'disk' is missing.")
        if d_in.id and not d_in.provisioned_size:
            disk = w.all_disks().get(d_in.id)
            if disk is None:
                raise bad_request("Entity not found: disk")
        elif d_in.lun_storage is not None:
            disk = self._new_lun_disk(d_in, vm, len(atts))
        else:
            sd = None
            if d_in.storage_domains:
                sd = _find_named(w, "storagedomains", d_in.storage_domains[0])
                if sd is None:
                    raise bad_request("Entity not found: storage_domain")
            else:
                sds = w.data_domains(w.cluster_dc(vm.cluster.id).id)
                sd = sds[0] if sds else None
            alias = d_in.alias or d_in.name or f"{vm.name}_Disk{len(atts) + 1}"
            disk = w._new_disk(
                w.rng, alias, d_in.provisioned_size or GiB, sd, vm.name, bool(att_in.bootable)
            )
            disk.actual_size = 0
            if d_in.format is not None:
                disk.format = d_in.format
            if d_in.sparse is not None:
                disk.sparse = d_in.sparse
            if d_in.description is not None:
                disk.description = d_in.description
            self.set_status(disk, T.DiskStatus.LOCKED)

            def ok() -> None:
                self.set_status(disk, T.DiskStatus.OK)

            self.after(T_SUSPEND, ok)
        disk._sim_owner = ("vms", vm.id)
        att = mk(
            T.DiskAttachment,
            id=disk.id,
            href=href("vms", vm.id, "diskattachments", disk.id),
            active=True if att_in.active is None else att_in.active,
            bootable=bool(att_in.bootable),
            interface=att_in.interface or T.DiskInterface.VIRTIO_SCSI,
            pass_discard=False,
            read_only=bool(att_in.read_only),
            uses_scsi_reservation=False,
            disk=ref(T.Disk, "disks", disk.id),
            vm=ref(T.Vm, "vms", vm.id),
        )
        atts.append(att)
        return Response(
            201,
            render.document(render.entity(att, "disk_attachment")),
            headers={"Location": att.href},
        )

    def _new_lun_disk(self, d_in: Any, vm: Any, n: int) -> Any:
        """A direct LUN disk: no image, no storage domain, the LUN's size."""
        w = self.world
        lun = d_in.lun_storage
        luns = lun.logical_units or []
        if lun.type is None or not luns or not luns[0].id:
            raise bad_request("HostStorage [type, logicalUnits.id] required for add")
        did = w.new_id()
        alias = d_in.alias or d_in.name or f"{vm.name}_Disk{n + 1}"
        size = luns[0].size or 0
        disk = mk(
            T.Disk,
            id=did,
            href=href("disks", did),
            name=alias,
            alias=alias,
            description=d_in.description or "",
            provisioned_size=size,
            actual_size=size,
            total_size=size,
            shareable=bool(d_in.shareable),
            propagate_errors=False,
            wipe_after_delete=False,
            status=T.DiskStatus.OK,
            storage_type=T.DiskStorageType.LUN,
            content_type=T.DiskContentType.DATA,
            lun_storage=mk(
                T.HostStorage,
                type=lun.type,
                logical_units=[
                    mk(
                        T.LogicalUnit,
                        id=lu.id,
                        address=lu.address,
                        port=lu.port,
                        target=lu.target,
                        size=lu.size,
                    )
                    for lu in luns
                ],
            ),
            storage_domains=[],
        )
        w.coll["disks"][did] = disk
        return disk

    # ---------------------------------------------------------------- updates
    def _merge(self, dst: Any, src: Any, skip: frozenset[str] = frozenset()) -> None:
        """Apply every attribute the request set on ``dst`` as the engine's mappers do:
        nested structures merge, lists replace, references to other objects are resolved
        (by id or name; 404 when there is none) and stored as references with their id."""
        for name, val in _set_attrs(src):
            if name in skip or name in READ_ONLY:
                continue
            if not isinstance(getattr(type(dst), name, None), property):
                continue
            cur = getattr(dst, name)
            if isinstance(val, list):
                setattr(dst, name, [self._resolved(v) for v in val])
            elif type(val) in REF_COLLECTIONS:
                setattr(dst, name, self._resolved(val))
            elif hasattr(val, "__dict__") and not hasattr(val, "value"):  # a structure
                if cur is None:
                    cur = type(val)()
                    setattr(dst, name, cur)
                self._merge(cur, val)
            else:
                setattr(dst, name, val)

    def _resolved(self, val: Any) -> Any:
        """A reference (``<host><name>h1</name></host>``) as a reference with id and href."""
        coll = REF_COLLECTIONS.get(type(val))
        if coll is None or not (val.id or val.name):
            return val
        obj = _find_named(self.world, coll, val)
        if obj is None:
            from ovtui.sim.server import HttpError

            key, what = ("id", val.id) if val.id else ("name", val.name)
            raise HttpError(404, f"Entity not found: {type(val).__name__}: {key}={what}")
        return ref(type(val), coll, obj.id)

    def _updated(self, node: Any) -> Any:
        from ovtui.sim.server import Response

        return Response(200, render.document(routes.render_entity(self.world, node)))

    def _update_plain(self, req: Any, node: Any) -> Any:
        """PUT of an object with no state machine: every field the request sets is applied."""
        obj = getattr(node.obj, "_sim_source", node.obj)
        obj_in = parse_body(req.body, type(obj))
        if obj_in.name and obj_in.name != getattr(obj, "name", None):
            coll = routes.collection_of(node.tag)
            if coll and any(o.name == obj_in.name for o in self.world.coll[coll].values()):
                word = _type_word(node.tag)
                raise conflict(
                    f"Cannot edit {word}. The {word} name is already in use, please choose a "
                    "unique name and try again."
                )
        self._merge(obj, obj_in)
        return self._updated(node)

    def _update_vm(self, req: Any, node: Any) -> Any:
        vm = node.obj
        vm_in = parse_body(req.body, T.Vm)
        if vm_in.name and vm_in.name != vm.name:
            if vm.status != VS.DOWN:
                raise conflict("Cannot edit VM. Renaming a running VM is not supported.")
            if any(v.name == vm_in.name for v in self.world.coll["vms"].values()):
                raise conflict(
                    "Cannot edit VM. The VM name is already in use, please choose a unique name and try again."
                )
        if vm_in.cluster is not None and (vm_in.cluster.id or vm_in.cluster.name):
            cl = self._resolved(vm_in.cluster)
            if cl.id != vm.cluster.id and vm.status != VS.DOWN:
                raise conflict("Cannot edit VM. VM must be in status Down to change its Cluster.")
        self._merge(vm, vm_in)
        if vm_in.memory is not None and vm.memory_policy is not None:
            vm.memory_policy.guaranteed = min(vm.memory_policy.guaranteed or vm.memory, vm.memory)
        return self._updated(node)

    def _update_host(self, req: Any, node: Any) -> Any:
        """PUT /hosts/ID; a new cluster goes through ChangeVDSCluster, which validates the
        host's status (VDS_STATUS_NOT_VALID_FOR_UPDATE) as the engine's REST layer does."""
        host = node.obj
        host_in = parse_body(req.body, T.Host)
        if host_in.cluster is not None and (host_in.cluster.id or host_in.cluster.name):
            cl = self._resolved(host_in.cluster)
            if cl.id != host.cluster.id:
                if host.status not in (HS.MAINTENANCE, HS.PENDING_APPROVAL):
                    raise conflict(
                        "Cannot edit Host. Host parameters cannot be modified while Host is "
                        "operational. Please switch Host to Maintenance mode first."
                    )
                host.cluster = cl
        if host_in.name and host_in.name != host.name:
            if any(h.name == host_in.name for h in self.world.coll["hosts"].values()):
                raise conflict(
                    "Cannot edit Host. The Host name is already in use, please choose a "
                    "unique name and try again."
                )
        self._merge(host, host_in, skip=frozenset({"cluster", "root_password"}))
        ev.emit(self.world, 43, host=host, correlation_id=req.correlation_id)
        return self._updated(node)

    def _apply_disk(self, disk: Any, d_in: Any, cid: str | None) -> None:
        """A disk update: the size only grows (UpdateDisk / extend), the rest is applied."""
        size = d_in.provisioned_size
        if size is not None and size != disk.provisioned_size:
            if disk.storage_type == T.DiskStorageType.LUN:
                raise conflict(
                    "Cannot edit Virtual Disk. Action is unsupported for the specified disk type (Lun)."
                )
            if size < (disk.provisioned_size or 0):
                # AppErrors ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL
                raise conflict(
                    "Cannot edit Virtual Disk. New disk size must be larger than the current disk size."
                )
            if disk.status != T.DiskStatus.OK:
                raise conflict("Cannot edit Virtual Disk: Disk is locked. Please try again later.")
            self.set_status(disk, T.DiskStatus.LOCKED)
            job = ev.start_job(self.world, f"Extending disk {disk.alias}", cid)

            def extended() -> None:
                disk.provisioned_size = size
                self.set_status(disk, T.DiskStatus.OK)
                ev.emit(
                    self.world,
                    371,
                    correlation_id=cid,
                    extra=f"'{disk.alias}' was successfully updated to {size // GiB}",
                )
                ev.end_job(job)

            self.after(T_SUSPEND, extended)
        self._merge(disk, d_in, skip=DISK_FIXED)
        if d_in.alias and not d_in.name:
            disk.name = d_in.alias
        elif d_in.name and not d_in.alias:
            disk.alias = d_in.name

    def _update_disk(self, req: Any, node: Any) -> Any:
        self._apply_disk(node.obj, parse_body(req.body, T.Disk), req.correlation_id)
        return self._updated(node)

    def _update_disk_attachment(self, req: Any, node: Any) -> Any:
        att = node.obj
        att_in = parse_body(req.body, T.DiskAttachment)
        if att_in.disk is not None:
            disk = self.world.all_disks().get(att.disk.id)
            if disk is not None:
                self._apply_disk(disk, att_in.disk, req.correlation_id)
        self._merge(att, att_in, skip=frozenset({"disk", "vm", "template"}))
        return self._updated(node)

    # ---------------------------------------------------------------- removes
    def _remove_vm(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        vm = node.obj
        if vm.status != VS.DOWN:
            raise conflict(
                "Cannot remove VM. VM is running."
                if vm.status in RUNNING
                else "Cannot remove VM: VM is locked. Please try again in a few minutes."
            )
        if vm.delete_protected:
            raise conflict("Cannot remove VM. VM is delete protected.")
        detach = req.flag("detach_only")
        for att in w.sub("vms", vm, "diskattachments") or []:
            disk = w.get("disks", att.disk.id)
            if disk is None:
                continue
            if detach:
                disk._sim_owner = ("", "")
            else:
                del w.coll["disks"][disk.id]
        self._begin(vm)
        job = ev.start_job(w, f"Removing VM {vm.name} from system", cid)
        ev.emit(w, 113, vm=vm, correlation_id=cid)
        del w.coll["vms"][vm.id]
        w.drop_subs("vms", vm.id)
        ev.end_job(job)
        return Response(200, b"")

    def _remove_snapshot(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        snap = node.obj
        if snap.snapshot_type == T.SnapshotType.ACTIVE:
            raise conflict("Cannot remove Snapshot. The active snapshot of a VM cannot be removed.")
        snaps = w.sub("vms", node.parent, "snapshots")
        job = ev.start_job(w, f"Removing Snapshot {snap.description} of VM {node.parent.name}", cid)
        ev.emit(w, 2001, vm=node.parent, correlation_id=cid, extra=snap.description)
        snaps.remove(snap)
        ev.end_job(job)
        return Response(200, b"")

    def _remove_event(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        self.world.coll["events"].pop(node.obj.id, None)
        return Response(200, b"")

    def _remove_vm_nic(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        vm, nic = node.parent, node.obj
        if vm.status in RUNNING and nic.plugged:
            # AppErrors ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_DEVICE
            raise conflict(
                "Cannot remove Interface. Cannot remove an active device. Please deactivate the device first."
            )
        self.world.sub("vms", vm, "nics").remove(nic)
        return Response(200, b"")

    def _remove_disk_attachment(self, req: Any, node: Any) -> Any:
        """Detach the disk (it stays, floating), or remove it too with ``detach_only=false``."""
        from ovtui.sim.server import Response

        w = self.world
        vm, att = node.parent, node.obj
        if vm.status in RUNNING and att.active:
            raise conflict(
                "Cannot remove Virtual Disk. Disk is active, please deactivate it first."
            )
        w.sub("vms", vm, "diskattachments").remove(att)
        disk = w.get("disks", att.disk.id)
        if disk is not None:
            if req.params.get("detach_only", "true").lower() == "false":
                del w.coll["disks"][disk.id]
            else:
                disk._sim_owner = ("", "")
        return Response(200, b"")

    def _remove_ssh_key(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        self.world.sub("users", node.parent, "sshpublickeys").remove(node.obj)
        return Response(200, b"")

    # ------------------------------------------------------------- more adds
    def _add_event(self, req: Any, node: Any) -> Any:
        """POST /events: an external (custom) event, as AddExternalEventCommand records it."""
        from ovtui.sim.server import HttpError, Response

        w = self.world
        e_in = parse_body(req.body, T.Event)
        missing = [
            label
            for label, val in (
                ("origin", e_in.origin),
                ("severity", e_in.severity),
                ("customId", e_in.custom_id),
                ("description", e_in.description),
            )
            if val is None or val == ""
        ]
        if missing:
            raise HttpError(
                400, f"Event [{', '.join(missing)}] required for add", "Incomplete parameters"
            )
        if e_in.origin.strip().lower() == "ovirt":
            # AppErrors ACTION_TYPE_FAILED_EXTERNAL_EVENT_ILLEGAL_ORIGIN
            raise conflict("Cannot add External Event. Illegal Origin for External Event : oVirt")
        code = {
            T.LogSeverity.WARNING: 9802,
            T.LogSeverity.ERROR: 9803,
            T.LogSeverity.ALERT: 9804,
        }.get(e_in.severity, 9801)
        refs = {}
        for attr, coll, kw in (
            ("vm", "vms", "vm"),
            ("host", "hosts", "host"),
            ("storage_domain", "storagedomains", "sd"),
            ("cluster", "clusters", "cluster"),
            ("data_center", "datacenters", "dc"),
            ("template", "templates", "template"),
        ):
            r = getattr(e_in, attr)
            if r is not None and (r.id or r.name):
                obj = _find_named(w, coll, r)
                if obj is None:
                    key, what = ("id", r.id) if r.id else ("name", r.name)
                    raise HttpError(404, f"Entity not found: {type(r).__name__}: {key}={what}")
                refs[kw] = obj
        event = ev.emit(
            w,
            code,
            correlation_id=req.correlation_id,
            severity=e_in.severity,
            extra=e_in.description,
            **refs,
        )
        event.description = e_in.description
        event.origin = e_in.origin
        event.custom_id = e_in.custom_id
        if e_in.flood_rate is not None:
            event.flood_rate = e_in.flood_rate
        if e_in.custom_data is not None:
            event.custom_data = e_in.custom_data
        return Response(
            201, render.document(render.entity(event, "event")), headers={"Location": event.href}
        )

    def _add_ssh_key(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        key_in = parse_body(req.body, T.SshPublicKey)
        content = (key_in.content or "").strip()
        parts = content.split()
        if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
            # AppErrors ACTION_TYPE_FAILED_INVALID_PUBLIC_SSH_KEY
            raise bad_request("Cannot add User Profile. The given SSH public key is invalid.")
        user = node.parent
        kid = w.new_id()
        key = mk(
            T.SshPublicKey,
            id=kid,
            href=href("users", user.id, "sshpublickeys", kid),
            content=content,
            user=ref(T.User, "users", user.id),
        )
        w.sub("users", user, "sshpublickeys").append(key)
        return Response(
            201,
            render.document(render.entity(key, "ssh_public_key")),
            headers={"Location": key.href},
        )

    def _remove_host(self, req: Any, host: Any) -> Any:
        """DELETE /hosts/ID, as RemoveVdsCommand validates it (event 44 USER_REMOVE_VDS)."""
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        if host.status not in REMOVABLE_HOST:
            # AppErrors VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL
            raise conflict(
                "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first."
            )
        if w.vms_on_host(host.id):
            # AppErrors VDS_CANNOT_REMOVE_VDS_DETECTED_RUNNING_VM
            raise conflict("Cannot remove Host. One or more VMs are still running on this Host.")
        self._begin(host)  # drops any pending transition of this host
        job = ev.start_job(w, f"Removing Host {host.name}", cid)
        ev.emit(w, 44, host=host, correlation_id=cid, user="admin@internal")
        for vm in w.coll["vms"].values():
            pp = vm.placement_policy
            if pp is not None and pp.hosts:
                pp.hosts = [h for h in pp.hosts if h.id != host.id] or None
        del w.coll["hosts"][host.id]
        w.drop_subs("hosts", host.id)
        ev.end_job(job)
        return Response(200, b"")


# RemoveVdsCommand.statusLegalForRemove
REMOVABLE_HOST = {
    HS.NON_RESPONSIVE,
    HS.MAINTENANCE,
    HS.DOWN,
    HS.UNASSIGNED,
    HS.INSTALL_FAILED,
    HS.PENDING_APPROVAL,
    HS.NON_OPERATIONAL,
    HS.INSTALLING_OS,
}
BLOCK_STORAGE = {T.StorageType.ISCSI, T.StorageType.FCP}

# what a PUT never changes (the engine's mappers ignore them: identity, state, runtime data)
READ_ONLY = frozenset(
    {
        "id",
        "href",
        "status",
        "status_detail",
        "actions",
        "statistics",
        "summary",
        "start_time",
        "stop_time",
        "creation_time",
        "run_once",
        "next_run_configuration_exists",
        "guest_operating_system",
        "guest_time_zone",
        "fqdn",
        "external_status",
        "spm",
        "update_available",
        "version",
        "master",
        "available",
        "used",
        "committed",
        "actual_size",
        "total_size",
        "image_id",
        "snapshot_status",
        "snapshot_type",
    }
)
DISK_FIXED = frozenset({"provisioned_size", "storage_domains", "storage_type", "lun_storage"})

# SDK reference types -> the top-level collection their id / name is looked up in
REF_COLLECTIONS: dict[type, str] = {
    T.Cluster: "clusters",
    T.Host: "hosts",
    T.DataCenter: "datacenters",
    T.StorageDomain: "storagedomains",
    T.Template: "templates",
    T.Vm: "vms",
    T.Network: "networks",
    T.VnicProfile: "vnicprofiles",
    T.Tag: "tags",
    T.User: "users",
    T.Group: "groups",
}

TYPE_WORDS = {
    "vm": "VM",
    "host": "Host",
    "cluster": "Cluster",
    "data_center": "Data Center",
    "storage_domain": "Storage",
    "attached_storage_domain": "Storage",
    "template": "Template",
    "disk": "Virtual Disk",
    "disk_attachment": "Virtual Disk",
    "nic": "Interface",
    "host_nic": "Interface",
    "network": "Network",
    "snapshot": "Snapshot",
    "job": "Job",
    "event": "Event",
    "graphics_console": "Graphics Console",
}


def _type_word(tag: str) -> str:
    """The engine's ``${type}`` word for an element (VAR__TYPE__...)."""
    return TYPE_WORDS.get(tag, tag.replace("_", " ").title())


def _route_tag(key: tuple[str, str | None]) -> str:
    tag, parent = key
    return f"{parent}.{tag}" if parent else tag


def _set_attrs(obj: Any) -> list[tuple[str, Any]]:
    """The attributes a parsed SDK object has set (its private ``_name`` slots)."""
    return [
        (k[1:], v)
        for k, v in vars(obj).items()
        if k.startswith("_") and not k.startswith("_sim") and v is not None
    ]


def _engine_enum(value: Any) -> str:
    """An API enum value as the engine's Java enum name: preparing_for_maintenance ->
    PreparingForMaintenance (what ${status} shows in validation messages)."""
    return "".join(p.capitalize() for p in str(getattr(value, "value", value)).split("_"))


def _find_named(w: World, coll: str, r: Any) -> Any:
    if r is None:
        return None
    if r.id:
        return w.get(coll, r.id)
    if r.name:
        return next((o for o in w.coll[coll].values() if o.name == r.name), None)
    return None


def parse_body(body: bytes, expected: type) -> Any:
    """The request body as an SDK object of ``expected`` type; 400 fault when malformed."""
    try:
        obj = Reader.read(body.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - the SDK reader raises several types
        raise bad_request(f"Cannot parse the request body: {exc}".replace("\n", " ")) from None
    if not isinstance(obj, expected):
        raise bad_request(f"Cannot parse the request body: expected <{expected.__name__.lower()}>.")
    return obj


__all__ = ["Machines", "parse_body", "href", "dt"]
