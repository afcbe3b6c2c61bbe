"""Statistics computed at read time from the world state (values drift with time)."""

from __future__ import annotations

import math
import uuid
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.records import href, mk, ref
from ovtui.sim.store import RecordStore

GAUGE, COUNTER = T.StatisticKind.GAUGE, T.StatisticKind.COUNTER
DEC, INT = T.ValueType.DECIMAL, T.ValueType.INTEGER
B, PCT, SEC, BPS, NONE = (
    T.StatisticUnit.BYTES,
    T.StatisticUnit.PERCENT,
    T.StatisticUnit.SECONDS,
    T.StatisticUnit.BITS_PER_SECOND,
    T.StatisticUnit.NONE,
)


def _wave(now: float, obj_id: str, period: float = 120.0) -> float:
    """0..1 at time ``now``, a slow deterministic drift per object."""
    phase = (uuid.UUID(obj_id).int % 1000) / 1000 * 2 * math.pi if _is_uuid(obj_id) else 0.0
    return 0.5 + 0.5 * math.sin(now / period * 2 * math.pi + phase)


def _is_uuid(s: str) -> bool:
    try:
        uuid.UUID(s)
        return True
    except ValueError:
        return False


def _stat(
    base: str,
    owner: tuple[str, Any],
    name: str,
    desc: str,
    kind: Any,
    vtype: Any,
    unit: Any,
    value: float,
) -> Any:
    sid = str(uuid.uuid5(uuid.NAMESPACE_OID, name))
    st = mk(
        T.Statistic,
        id=sid,
        href=f"{base}/statistics/{sid}",
        name=name,
        description=desc,
        kind=kind,
        type=vtype,
        unit=unit,
        values=[T.Value(datum=float(value))],
    )
    setattr(st, owner[0], owner[1])
    return st


def vm_statistics(world: RecordStore, vm: T.Vm) -> list[T.Statistic]:
    running = vm.status in (
        T.VmStatus.UP,
        T.VmStatus.MIGRATING,
        T.VmStatus.REBOOT_IN_PROGRESS,
        T.VmStatus.POWERING_DOWN,
        T.VmStatus.POWERING_UP,
    )
    now = world.clock.time()
    w = _wave(now, vm.id)
    mem = vm.memory or 0
    used = int(mem * (0.3 + 0.5 * w)) if running else 0
    guest = round(5 + 40 * w, 2) if running else 0.0
    hyp = round(1 + 3 * w, 2) if running else 0.0
    elapsed = now - vm.start_time.timestamp() if running and vm.start_time else 0
    progress = getattr(vm, "_sim_migration_progress", 0) if vm.status == T.VmStatus.MIGRATING else 0
    owner = ("vm", ref(T.Vm, "vms", vm.id))
    base = vm.href
    return [
        _stat(base, owner, "memory.installed", "Total memory configured", GAUGE, INT, B, mem),
        _stat(base, owner, "memory.used", "Memory used (agent)", GAUGE, INT, B, used),
        _stat(base, owner, "memory.free", "Memory free (agent)", GAUGE, INT, B, max(0, mem - used)),
        _stat(base, owner, "cpu.current.guest", "CPU used by guest", GAUGE, DEC, PCT, guest),
        _stat(base, owner, "cpu.current.hypervisor", "CPU overhead", GAUGE, DEC, PCT, hyp),
        _stat(base, owner, "cpu.current.total", "Total CPU used", GAUGE, DEC, PCT, guest + hyp),
        _stat(base, owner, "migration.progress", "Migration Progress", GAUGE, DEC, PCT, progress),
        _stat(
            base,
            owner,
            "network.current.total",
            "Total network used",
            GAUGE,
            DEC,
            PCT,
            round(2 * w, 2) if running else 0,
        ),
        _stat(base, owner, "elapsed.time", "Elapsed VM runtime", GAUGE, INT, SEC, int(elapsed)),
    ]


def host_statistics(world: RecordStore, host: T.Host) -> list[T.Statistic]:
    up = host.status in (
        T.HostStatus.UP,
        T.HostStatus.PREPARING_FOR_MAINTENANCE,
        T.HostStatus.MAINTENANCE,
    )
    now = world.clock.time()
    w = _wave(now, host.id, 300)
    total = host.memory or 0
    used = min(total, world.host_used_memory(host.id) + 3 * 1024**3) if up else 0
    user = round(world.host_used_memory(host.id) / max(total, 1) * 40 + 5 * w, 2) if up else 0.0
    system = round(1 + 2 * w, 2) if up else 0.0
    owner = ("host", ref(T.Host, "hosts", host.id))
    base = host.href
    return [
        _stat(base, owner, "memory.total", "Total memory", GAUGE, INT, B, total),
        _stat(base, owner, "memory.used", "Used memory", GAUGE, INT, B, used),
        _stat(base, owner, "memory.free", "Free memory", GAUGE, INT, B, total - used),
        _stat(base, owner, "memory.shared", "Shared memory", GAUGE, INT, B, 0),
        _stat(base, owner, "swap.total", "Total swap", GAUGE, INT, B, 16 * 1024**3),
        _stat(base, owner, "swap.used", "Used swap", GAUGE, INT, B, 0),
        _stat(base, owner, "cpu.current.user", "User CPU usage", GAUGE, DEC, PCT, user),
        _stat(base, owner, "cpu.current.system", "System CPU usage", GAUGE, DEC, PCT, system),
        _stat(
            base,
            owner,
            "cpu.current.idle",
            "Idle CPU usage",
            GAUGE,
            DEC,
            PCT,
            round(100 - user - system, 2),
        ),
        _stat(
            base,
            owner,
            "cpu.load.avg.5m",
            "CPU 5 minute load average",
            GAUGE,
            DEC,
            NONE,
            round(user / 10, 2),
        ),
        _stat(
            base,
            owner,
            "boot.time",
            "Boot time of the machine",
            GAUGE,
            INT,
            NONE,
            int(getattr(host, "_sim_boot", now)),
        ),
    ]


def nic_statistics(now: float, base: str, owner: tuple[str, Any], obj_id: str) -> list[T.Statistic]:
    """A NIC's statistics at time ``now``."""
    w = _wave(now, obj_id, 60)
    return [
        _stat(
            base,
            owner,
            "data.current.rx.bps",
            "Receive data rate",
            GAUGE,
            DEC,
            BPS,
            round(1e6 * w, 1),
        ),
        _stat(
            base,
            owner,
            "data.current.tx.bps",
            "Transmit data rate",
            GAUGE,
            DEC,
            BPS,
            round(5e5 * w, 1),
        ),
        _stat(
            base,
            owner,
            "data.total.rx",
            "Total received data",
            COUNTER,
            INT,
            B,
            int(now * 1000) % 10**12,
        ),
        _stat(
            base,
            owner,
            "data.total.tx",
            "Total transmitted data",
            COUNTER,
            INT,
            B,
            int(now * 500) % 10**12,
        ),
        _stat(base, owner, "errors.total.rx", "Total receive errors", COUNTER, INT, NONE, 0),
        _stat(base, owner, "errors.total.tx", "Total transmit errors", COUNTER, INT, NONE, 0),
    ]


def disk_statistics(disk: T.Disk) -> list[T.Statistic]:
    owner = ("disk", ref(T.Disk, "disks", disk.id))
    return [
        _stat(
            disk.href,
            owner,
            "data.current.read",
            "Read data rate",
            GAUGE,
            DEC,
            T.StatisticUnit.BYTES_PER_SECOND,
            0,
        ),
        _stat(
            disk.href,
            owner,
            "data.current.write",
            "Write data rate",
            GAUGE,
            DEC,
            T.StatisticUnit.BYTES_PER_SECOND,
            0,
        ),
    ]


__all__ = ["vm_statistics", "host_statistics", "nic_statistics", "disk_statistics", "href"]
