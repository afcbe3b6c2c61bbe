"""``vm update``: the VM's settings (webadmin's Edit VM).

On a running VM the engine applies some changes at once (name, description, comment, HA;
memory and CPU sockets are hot plugged) and keeps the rest for the next run when asked to
(``--next-run``: the engine's ``next_run``); without it the engine refuses them in its own
words. With ``--next-run`` the hot-pluggable changes still go first, at once, so each one is
reported as what the engine did with it.
"""

from __future__ import annotations

from typing import Any

from .base import ActionContext, Param, Result, UsageError
from .declare import verb
from .vm_common import RUNNING, fetch_vm, finished, vm_service
from .vm_create import _int, parse_size
from .waiters import send_action, status_of

CONSOLES = ("spice", "vnc")
# what the engine changes on a running VM at once (memory and sockets by a hot plug)
LIVE = frozenset(
    {"new_name", "description", "comment", "memory", "sockets", "ha", "ha_priority", "os"}
)

UPDATE_PARAMS = (
    Param("new_name", ("--name",), "new name (the VM must be down)", "text"),
    Param("description", ("--description",), "description", "text"),
    Param("comment", ("--comment",), "comment", "text"),
    Param("memory", ("--memory",), "memory: MiB or 4G (hot plugged on a running VM)", "text"),
    Param("guaranteed", ("--memory-guaranteed",), "guaranteed memory (4G)", "text"),
    Param("max_memory", ("--memory-max",), "maximum memory for hot plug (16G)", "text"),
    Param("sockets", ("--sockets",), "CPU sockets (hot plugged on a running VM)", "int"),
    Param("cores", ("--cores",), "CPU cores per socket", "int"),
    Param("threads", ("--threads",), "CPU threads per core", "int"),
    Param("os", ("--os",), "operating system type (rhel_9x64...)", "text"),
    Param("ha", ("--ha",), "highly available", "choice", choices=("on", "off")),
    Param("ha_priority", ("--ha-priority",), "HA priority (1 low, 50 medium, 100 high)", "int"),
    Param("boot", ("--boot",), "boot devices in order (hd, network, cdrom; repeat)", "text",
          repeat=True),
    Param("console", ("--console",), "graphics console type", "choice", choices=CONSOLES),
    Param("timezone", ("--timezone",), "guest time zone (Etc/GMT, Europe/Paris...)", "text"),
    Param("instance_type", ("--instance-type",), "instance type by name", "text"),
    Param("custom", ("--custom-property",), "custom property NAME VALUE (repeat)", "text",
          repeat=True, nargs=2, metavar=("NAME", "VALUE")),
    Param("next_run", ("--next-run",), "on a running VM: keep what cannot change now for the"
          " next run", "flag"),
)  # fmt: skip


def build_update(params: dict[str, Any], keys: set[str]) -> Any:
    """The ``types.Vm`` carrying the parameters named in ``keys``."""
    from ovirtsdk4 import types

    vm = types.Vm()
    p = {k: v for k, v in params.items() if k in keys}
    if p.get("new_name"):
        vm.name = p["new_name"]
    for attr in ("description", "comment"):
        if p.get(attr) is not None:
            setattr(vm, attr, p[attr])
    if p.get("memory"):
        vm.memory = parse_size(p["memory"], "memory")
    if p.get("guaranteed") or p.get("max_memory"):
        vm.memory_policy = types.MemoryPolicy(
            guaranteed=parse_size(p["guaranteed"], "guaranteed") if p.get("guaranteed") else None,
            max=parse_size(p["max_memory"], "max memory") if p.get("max_memory") else None,
        )
    topo = {k: _int(p.get(k), k) for k in ("sockets", "cores", "threads") if p.get(k)}
    if topo:
        vm.cpu = types.Cpu(topology=types.CpuTopology(**topo))
    if p.get("os") or p.get("boot"):
        vm.os = types.OperatingSystem(type=p.get("os") or None)
        if p.get("boot"):
            vm.os.boot = types.Boot(devices=[types.BootDevice(d) for d in _boot(p["boot"])])
    if p.get("ha") or p.get("ha_priority") is not None:
        vm.high_availability = types.HighAvailability(
            enabled=None if not p.get("ha") else p["ha"] == "on", priority=p.get("ha_priority")
        )
    if p.get("console"):
        vm.display = types.Display(type=types.DisplayType(p["console"]))
    if p.get("timezone"):
        vm.time_zone = types.TimeZone(name=p["timezone"])
    if p.get("instance_type"):
        vm.instance_type = types.InstanceType(name=p["instance_type"])
    if p.get("custom"):
        vm.custom_properties = [types.CustomProperty(name=n, value=v) for n, v in p["custom"]]
    return vm


def _boot(values: list[str]) -> list[str]:
    out = [d.strip() for v in values for d in str(v).split(",") if d.strip()]
    bad = [d for d in out if d not in ("hd", "network", "cdrom")]
    if bad:
        raise UsageError(f"--boot: {', '.join(bad)} is not hd, network or cdrom.")
    return out


def _given(params: dict[str, Any]) -> set[str]:
    return {k for k, v in params.items() if k != "next_run" and v not in (None, "", [], (), False)}


@verb("vm", "update", "Change the VM's settings (memory, CPUs, OS, HA, boot, console...)",
      params=UPDATE_PARAMS, target="one", mutating=True, key="U")  # fmt: skip
def update(ctx: ActionContext, target: Any, **params: Any) -> Result:
    vm = fetch_vm(ctx, target)
    given = _given(params)
    if not given:
        raise UsageError("vm update: say what to change (see ovtui run vm update -h).")
    build_update(params, given)  # checks every value before anything is sent
    svc = vm_service(ctx, vm)
    running = status_of(vm) in RUNNING
    later = sorted(given - LIVE) if running else []
    now = given - set(later) if params.get("next_run") else given
    said: list[str] = []
    if now:
        send_action(ctx, svc, "update", what=f"VM {vm.name}", vm=build_update(params, now))
        hot = sorted(now & {"memory", "sockets"}) if running else []
        said.append(f"applied now: {', '.join(sorted(now))}")
        if hot:
            ctx.progress("hotplug", f"VM {vm.name}: hot plugged {', '.join(hot)}")
    if later and params.get("next_run"):
        send_action(
            ctx, svc, "update", what=f"VM {vm.name} (next run)", vm=build_update(params, set(later)),
            next_run=True,
        )  # fmt: skip
        said.append(f"at the next run (next_run): {', '.join(later)}")
        ctx.progress("next_run", f"VM {vm.name}: at the next run: {', '.join(later)}")
    return finished(ctx, vm, f"VM {vm.name} updated; {'; '.join(said)}")
