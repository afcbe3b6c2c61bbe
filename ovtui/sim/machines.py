"""Verbs and state machines (VM, host, storage domain); add / update / remove.

Every verb validates against the current status (409 with the engine's wording), records its
events and a job under the request's correlation id, answers at once, and lets the clock drive
the status changes. Callbacks run under the world lock; each VM / host carries an operation
counter so that a superseded transition (stop during start...) is ignored.
"""

from __future__ import annotations

import datetime as dt
import logging
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
    def handle(self, req: Any) -> Any:
        """POST (actions, adds), PUT (updates) and DELETE (removes); caller holds the lock."""
        from ovtui.sim.server import Response

        w = self.world
        if req.method == "POST":
            node = routes.resolve(w, req.segs)
            if node is not None and node.obj is None:
                return self.add(req, node)
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
                    ctx.job = ev.start_job(
                        w, f"{verb} {getattr(node.obj, 'name', '')}".strip(), ctx.cid
                    )
                    ev.end_job(ctx.job)
                    return Response(200, render.action_result("complete", ctx.job))
                raise not_found()
            extra = fn(node.obj, ctx)
            is_async = bool(action.async_)
            return Response(
                202 if is_async else 200,
                render.action_result("in_progress" if is_async else "complete", ctx.job, extra),
            )
        if req.method == "PUT":
            node = routes.resolve(w, req.segs)
            if node is None or node.obj is None:
                raise not_found()
            return self.update(req, node)
        if req.method == "DELETE":
            node = routes.resolve(w, req.segs)
            if node is None or node.obj is None:
                raise not_found()
            return self.remove(req, node)
        raise not_found()

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

    def vm_stop(self, vm: Any, ctx: Ctx) -> None:
        if vm.status not in RUNNING and vm.status != VS.SUSPENDED:
            raise conflict("Cannot stop VM. VM is not running.")
        host = self._host(vm.host.id) if vm.host else None
        op = self._begin(vm)
        self._job(ctx, f"Stopping VM {vm.name}")
        ev.emit(self.world, 33, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        if vm.status == VS.SUSPENDED:
            self._go_down(
                vm,
                cid=ctx.cid,
                job=ctx.job,
                extra="Exit message: User shut down from within the guest",
            )
            return
        self._power_down(vm, op, ctx, T_POWER_DOWN, "Admin shut down from the engine")

    def vm_shutdown(self, vm: Any, ctx: Ctx) -> None:
        if vm.status not in (VS.UP, VS.POWERING_UP, VS.REBOOT_IN_PROGRESS, VS.PAUSED):
            if vm.status == VS.POWERING_DOWN:
                raise conflict("Cannot shutdown VM. VM is already being shut down.")
            raise conflict("Cannot shutdown VM. VM is not running.")
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
        vm = self._console_vm(node.obj)
        if vm.status not in ON_HOST:
            raise conflict("Cannot get console file for VM. VM is not running.")
        host = self._host(vm.host.id)
        ticket = getattr(vm, "_sim_ticket", None) or secrets.token_urlsafe(12)
        vm._sim_ticket = ticket
        return (
            "[virt-viewer]\ntype=vnc\n"
            f"host={host.address}\nport=5900\npassword={ticket}\n"
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
        if host.status == HS.UP:
            raise conflict("Cannot activate Host. Host in Up status.")
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
    def add(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        if node.top == "vms":
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
        if node.tag == "snapshot" and node.parent_tag == "vm":
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
        if node.tag == "nic" and node.parent_tag == "vm":
            return self._add_nic(req, node.parent)
        if node.tag == "disk_attachment" and node.parent_tag == "vm":
            return self._add_disk(req, node.parent)
        if node.top == "hosts":
            return self._add_host(req)
        raise not_found()

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

    def update(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        if node.tag != "vm" or node.parent is not None:
            obj_in = parse_body(req.body, type(node.obj))
            for attr in ("name", "description", "comment"):
                val = getattr(obj_in, attr, None)
                if val is not None and hasattr(node.obj, attr):
                    setattr(node.obj, attr, val)
            return Response(200, render.document(routes.render_entity(self.world, node)))
        vm = node.obj
        vm_in = parse_body(req.body, T.Vm)
        if vm_in.name and vm_in.name != vm.name:
            if vm.status != VS.DOWN:
                raise conflict("Cannot edit VM. Renaming a running VM is not supported.")
            if any(v.name == vm_in.name for v in self.world.coll["vms"].values()):
                raise conflict(
                    "Cannot edit VM. The VM name is already in use, please choose a unique name and try again."
                )
            vm.name = vm_in.name
        for attr in ("description", "comment"):
            if getattr(vm_in, attr) is not None:
                setattr(vm, attr, getattr(vm_in, attr))
        if vm_in.memory is not None:
            vm.memory = vm_in.memory
            if vm.memory_policy is not None:
                vm.memory_policy.guaranteed = min(
                    vm.memory_policy.guaranteed or vm.memory, vm.memory
                )
        if vm_in.os is not None:
            for attr in ("type", "kernel", "initrd", "cmdline"):
                if getattr(vm_in.os, attr) is not None:
                    setattr(vm.os, attr, getattr(vm_in.os, attr))
            if vm_in.os.boot is not None and vm_in.os.boot.devices is not None:
                vm.os.boot = T.Boot(devices=list(vm_in.os.boot.devices))
        if vm_in.cpu is not None and vm_in.cpu.topology is not None:
            vm.cpu.topology = vm_in.cpu.topology
        if vm_in.placement_policy is not None:
            vm.placement_policy = vm_in.placement_policy
        if vm_in.high_availability is not None:
            vm.high_availability = vm_in.high_availability
        if vm_in.delete_protected is not None:
            vm.delete_protected = vm_in.delete_protected
        return Response(200, render.document(routes.render_entity(self.world, node)))

    def remove(self, req: Any, node: Any) -> Any:
        from ovtui.sim.server import Response

        w = self.world
        cid = req.correlation_id
        if node.tag == "vm" and node.parent is None:
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
        if node.tag == "snapshot" and node.parent_tag == "vm":
            snap = node.obj
            if snap.snapshot_type == T.SnapshotType.ACTIVE:
                raise conflict(
                    "Cannot remove Snapshot. The active snapshot of a VM cannot be removed."
                )
            snaps = w.sub("vms", node.parent, "snapshots")
            job = ev.start_job(
                w, f"Removing Snapshot {snap.description} of VM {node.parent.name}", cid
            )
            ev.emit(w, 2001, vm=node.parent, correlation_id=cid, extra=snap.description)
            snaps.remove(snap)
            ev.end_job(job)
            return Response(200, b"")
        if node.tag == "host" and node.parent is None:
            return self._remove_host(req, node.obj)
        if node.tag in ("event", "job") and node.parent is None:
            w.coll[node.tag + "s"].pop(node.obj.id, None)
            return Response(200, b"")
        raise conflict(
            f"Cannot remove {node.tag.replace('_', ' ').title()}: not supported by the simulator."
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
