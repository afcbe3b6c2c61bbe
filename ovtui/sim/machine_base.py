"""What every state machine shares: the world, the scheduler, statuses and operations.

Every verb validates against the current status (409 with the engine's wording), records its
events and a job under the request's correlation id, answers at once, and lets the scheduler
drive the status changes. Callbacks run under the world lock; each VM / host carries an
operation counter so that a superseded transition (stop during start...) is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ovirtsdk4 import types as T
from ovirtsdk4.reader import Reader

from ovtui.sim import events as ev
from ovtui.sim.clock import Scheduler
from ovtui.sim.faults import FaultInjector
from ovtui.sim.httptypes import bad_request, conflict
from ovtui.sim.store import RecordStore

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


if TYPE_CHECKING:
    from ovtui.sim import routes
    from ovtui.sim.httptypes import Request, Response

RouteKey = tuple[str, "str | None"]


@dataclass
class RouteParts:
    """The mutating routes one machine module adds (see ``Machines._merge_route_parts``):
    verbs by (tag, verb), and adders/updaters/removers by (collection tag, parent tag)."""

    verbs: dict[tuple[str, str], Callable[[Any, Ctx], Any]] = field(default_factory=dict)
    adders: dict[RouteKey, Callable[[Request, routes.Node], Response]] = field(default_factory=dict)
    updaters: dict[RouteKey, Callable[[Request, routes.Node], Response]] = field(
        default_factory=dict
    )
    removers: dict[RouteKey, Callable[[Request, routes.Node], Response]] = field(
        default_factory=dict
    )


class Ctx:
    """Per-request context for a verb: parsed action, correlation id, job."""

    def __init__(
        self, action: T.Action | None, correlation_id: str | None, user: str = "admin@internal"
    ) -> None:
        self.action = action if action is not None else T.Action()
        self.cid = correlation_id or action_cid(self.action)
        self.user = user
        self.job: Any = None


def action_cid(action: T.Action) -> str | None:
    return getattr(action, "correlation_id", None)


class MachineBase:
    """The world, the fault knobs and the scheduler, with the helpers every machine uses."""

    def __init__(self, world: RecordStore, speed: float, faults: FaultInjector) -> None:
        self.world = world
        self.faults = faults
        self.scheduler = Scheduler(speed, world.lock)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()

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
        self.scheduler.after(seconds, fn)

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

    def _job(self, ctx: Ctx, description: str, steps: list[str] | None = None) -> T.Job:
        ctx.job = ev.start_job(self.world, description, ctx.cid, steps)
        return ctx.job

    def _lookup_host(self, h: T.Host | None) -> T.Host | None:
        if h is None:
            return None
        if h.id:
            return self.world.get("hosts", h.id)
        if h.name:
            return next((x for x in self.world.coll["hosts"].values() if x.name == h.name), None)
        return None


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


def _engine_enum(value: Any) -> str:
    """An API enum value as the engine's Java enum name: preparing_for_maintenance ->
    PreparingForMaintenance (what ${status} shows in validation messages)."""
    return "".join(p.capitalize() for p in str(getattr(value, "value", value)).split("_"))


def _find_named(w: RecordStore, coll: str, r: Any) -> Any:
    if r is None:
        return None
    if r.id:
        return w.get(coll, r.id)
    if r.name:
        return next((o for o in w.coll[coll].values() if o.name == r.name), None)
    return None


def disk_action_target(w: RecordStore, disk: Any, ctx: Ctx, action: str) -> Any:
    """The storage domain a disk ``move``/``copy`` names: 400 when it names none the engine
    has, 409 while the disk is not ok (MoveDisk / CopyDisk's first refusals)."""
    target = _find_named(w, "storagedomains", ctx.action.storage_domain)
    if ctx.action.storage_domain is None or target is None:
        raise bad_request("Entity not found: storage_domain")
    if disk.status != T.DiskStatus.OK:
        raise conflict(f"Cannot {action} Virtual Disk: Disk is locked. Please try again later.")
    return target


S = TypeVar("S")


def parse_body(body: bytes, expected: type[S]) -> S:
    """The request body as an SDK object of ``expected`` type; 400 fault when malformed."""
    try:
        obj = Reader.read(body.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - the SDK reader raises several types
        raise bad_request(f"Cannot parse the request body: {exc}".replace("\n", " ")) from None
    if not isinstance(obj, expected):
        raise bad_request(f"Cannot parse the request body: expected <{expected.__name__.lower()}>.")
    return obj
