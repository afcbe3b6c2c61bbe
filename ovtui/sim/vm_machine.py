"""The VM state machine: start, stop, shut down, suspend, reboot, migrate; consoles."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, routes
from ovtui.sim.catalog_machine import affinity_refusal, check_quota
from ovtui.sim.httptypes import bad_request, conflict
from ovtui.sim.machine_base import (
    HS,
    ON_HOST,
    RUNNING,
    T_LAUNCH,
    T_MIGRATE,
    T_POWER_DOWN,
    T_POWERING_UP,
    T_REBOOT,
    T_RESTORE,
    T_SHUTDOWN,
    T_SUSPEND,
    VS,
    Ctx,
    MachineBase,
    _engine_enum,
)
from ovtui.sim.records import ref
from ovtui.sim.vm_life import apply_next_run


class VmMachine(MachineBase):
    """VM verbs and the placement of VMs on hosts."""

    def place(
        self, vm: Any, exclude: set[str] | None = None, reserved: dict[str, int] | None = None
    ) -> Any:
        """The up host of the VM's cluster with the most free memory that fits it (or None)."""
        best, best_free = None, -1
        for h in self.world.coll["hosts"].values():
            if h.cluster.id != vm.cluster.id or h.status != HS.UP or (exclude and h.id in exclude):
                continue
            if affinity_refusal(self.world, vm, h):  # enforcing affinity (sim/catalog_machine)
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
                affinity_refusal(self.world, vm, h)
                or f"The host {h.name} did not satisfy internal filter Memory because its available memory is too low ({max(0, self.world.host_free_memory(h)) // 2**20} MB) to run the VM."
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
            ev.end_job(self.world, ctx.job)
            return
        if vm.status not in (VS.DOWN, VS.SUSPENDED):
            raise conflict("Cannot run VM. VM is running.")
        check_quota(w, vm)  # a data center that enforces quotas (sim/catalog_machine)
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
                or affinity_refusal(w, vm, wanted)
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
        if ctx.action.use_cloud_init and run_once_vm is not None:
            init = run_once_vm.initialization
            if init is None:
                raise bad_request("Action [vm.initialization] required for use_cloud_init")
            vm.run_once = True
            vm._sim_run_once_init = init  # what this run got (tests read it)
        op = self._begin(vm)
        self._job(ctx, f"Launching VM {vm.name}", ["Running VM"])
        ev.emit(w, 153, vm=vm, host=host, correlation_id=ctx.cid, user=ctx.user)
        resumed = vm.status == VS.SUSPENDED
        vm.host = ref(T.Host, "hosts", host.id)
        vm.stop_time = None
        job = ctx.job

        def up() -> None:
            self.set_status(vm, VS.UP)
            vm.start_time = self.world.now()
            records.set_guest_info(vm)
            ev.emit(w, 32, vm=vm, host=host, correlation_id=ctx.cid)
            ev.end_job(self.world, job)

        if resumed:
            self._go_through(vm, op, [(VS.RESTORING_STATE, T_RESTORE)], up)
            return
        self._go_through(
            vm,
            op,
            [
                (VS.WAIT_FOR_LAUNCH, T_LAUNCH),
                (VS.POWERING_UP, T_POWERING_UP, lambda: ev.progress_job(self.world, job, 50)),
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
        vm.stop_time = self.world.now()
        vm.start_time = None
        vm.run_once = False
        apply_next_run(vm, getattr(self, "_merge", None) or (lambda dst, src: None))
        records.clear_guest_info(vm)
        vm._sim_migration_progress = 0
        ev.emit(self.world, reason_code, vm=vm, host=host, correlation_id=cid, extra=extra)
        ev.end_job(self.world, job)

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
            ev.end_job(self.world, ctx.job)
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
            records.clear_guest_info(vm)
            ev.emit(self.world, 503, vm=vm, host=host, correlation_id=ctx.cid)
            ev.end_job(self.world, job)

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
            ev.end_job(self.world, job)

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
                or affinity_refusal(self.world, vm, dst)
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
            ev.progress_job(self.world, job, vm._sim_migration_progress)
            if k < steps:
                self._later(vm, op, T_MIGRATE / steps, lambda: tick(k + 1))
                return
            self.set_status(vm, prev)
            vm.host = ref(T.Host, "hosts", dst.id)
            vm._sim_migration_progress = 0
            vm._sim_migration = None
            ev.emit(w, 63, vm=vm, host=dst, correlation_id=cid, extra=src.name)
            ev.end_job(self.world, job)
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
        ev.end_job(self.world, job, ok=False)
        ev.end_job(self.world, ctx.job)
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
