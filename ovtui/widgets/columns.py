"""Webadmin's columns per main tab: SDK object (+ cached names) -> table cells.

Pure functions (rich Text only) so they run on the worker thread; the UI thread only applies
the resulting rows. Units are humanised and statuses coloured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from .safe import cell

Names = dict[str, dict[str, Any]]

STATUS_STYLE = {
    "up": "green",
    "active": "green",
    "ok": "green",
    "operational": "green",
    "unattached": "dim",
    "down": "red",
    "non_responsive": "bold red",
    "nonresponsive": "bold red",
    "non_operational": "bold red",
    "error": "bold red",
    "problematic": "bold red",
    "inactive": "red",
    "maintenance": "yellow",
    "preparing_for_maintenance": "yellow",
    "locked": "yellow",
    "image_locked": "yellow",
    "installing": "cyan",
    "initializing": "cyan",
    "connecting": "cyan",
    "reboot": "cyan",
    "powering_up": "cyan",
    "powering_down": "cyan",
    "wait_for_launch": "cyan",
    "migrating": "magenta",
    "saving_state": "cyan",
    "restoring_state": "cyan",
    "paused": "yellow",
    "suspended": "yellow",
    "not_responding": "bold red",
    "unknown": "dim",
    "uninitialized": "dim",
    "contend": "yellow",
    "alert": "bold red",
    "warning": "yellow",
    "normal": "",
}


def enum(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def status_text(value: Any) -> Text:
    s = enum(value)
    return Text(s.replace("_", " "), style=STATUS_STYLE.get(s, ""))


def human_bytes(n: Any) -> str:
    if n is None:
        return ""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit in ("B", "KiB") or n >= 100 else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def human_duration(seconds: Any) -> str:
    if seconds is None:
        return ""
    s = int(float(seconds))
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, _ = divmod(s, 60)
    if d:
        return f"{d}d {h}h"
    if h:
        return f"{h}h {m}m"
    return f"{m}m"


def fmt_time(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def percent(value: Any) -> Text:
    if value is None:
        return Text("")
    v = float(value)
    style = "red" if v >= 90 else "yellow" if v >= 70 else ""
    return Text(f"{v:.0f}%", style=style, justify="right")


def stat(obj: Any, name: str) -> float | None:
    """A statistic's current value from a list that followed ``statistics``."""
    for s in getattr(obj, "statistics", None) or []:
        if s.name == name and s.values:
            v = s.values[0]
            return v.datum
    return None


def name_of(names: Names, kind: str, ref: Any) -> str:
    if ref is None:
        return ""
    obj = names.get(kind, {}).get(ref.id)
    if obj is not None:
        return obj.name or ""
    return getattr(ref, "name", None) or ref.id or ""


def cluster_dc(names: Names, cluster_ref: Any) -> str:
    if cluster_ref is None:
        return ""
    cl = names.get("cluster", {}).get(cluster_ref.id)
    if cl is None or cl.data_center is None:
        return ""
    return name_of(names, "datacenter", cl.data_center)


def version(v: Any) -> str:
    if v is None:
        return ""
    return f"{v.major}.{v.minor}"


def ips(vm: Any) -> str:
    """Reported IPv4 first, then global IPv6; link-local left out."""
    out: list[str] = []
    for dev in getattr(vm, "reported_devices", None) or []:
        for ip in dev.ips or []:
            a = ip.address
            if a and a not in out and not a.lower().startswith("fe80"):
                out.append(a)
    out.sort(key=lambda a: ":" in a)
    return ", ".join(out[:2]) + (" ..." if len(out) > 2 else "")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    cell: Callable[[Any, Names], Any]
    width: int | None = None
    advanced: bool = False


RUNNING = {"up", "migrating", "powering_up", "powering_down", "reboot_in_progress", "paused"}


def _running(vm: Any) -> bool:
    return enum(vm.status) in RUNNING


def _vm_mem_pct(vm: Any, n: Names) -> Text:
    if not _running(vm):
        return Text("")
    v = stat(vm, "memory.usage")
    if v is None:
        used, inst = stat(vm, "memory.used"), stat(vm, "memory.installed")
        v = 100.0 * used / inst if used is not None and inst else None
    return percent(v)


def _vm_cpu(vm: Any, n: Names) -> Text:
    if not _running(vm):
        return Text("")
    v = stat(vm, "cpu.current.total")
    if v is None:
        g, h = stat(vm, "cpu.current.guest"), stat(vm, "cpu.current.hypervisor")
        v = (g or 0) + (h or 0) if g is not None or h is not None else None
    return percent(v)


def _vcpus(vm: Any, n: Names) -> str:
    t = vm.cpu.topology if vm.cpu is not None else None
    if t is None:
        return ""
    return str((t.sockets or 1) * (t.cores or 1) * (t.threads or 1))


def _host_mem_pct(h: Any, n: Names) -> Text:
    used, total = stat(h, "memory.used"), stat(h, "memory.total")
    if used is not None and total:
        return percent(100.0 * used / total)
    return percent(None)


def _host_cpu(h: Any, n: Names) -> Text:
    idle = stat(h, "cpu.current.idle")
    if idle is not None:
        return percent(100.0 - idle)
    u, s = stat(h, "cpu.current.user"), stat(h, "cpu.current.system")
    return percent((u or 0) + (s or 0) if u is not None or s is not None else None)


def _spm(h: Any, n: Names) -> Text:
    s = enum(h.spm.status) if h.spm is not None else ""
    return Text("SPM", style="bold") if s == "spm" else Text("" if s == "none" else s)


def _cluster_hosts(cl: Any, n: Names) -> Text:
    c = sum(
        1 for h in n.get("host", {}).values() if h.cluster is not None and h.cluster.id == cl.id
    )
    return Text(str(c), justify="right")


def _cluster_vms(cl: Any, n: Names) -> Text:
    """Running VMs: the sum of the cluster's hosts' active VMs (no VM listing needed)."""
    c = 0
    for h in n.get("host", {}).values():
        if h.cluster is not None and h.cluster.id == cl.id and h.summary is not None:
            c += h.summary.active or 0
    return Text(str(c), justify="right")


def _sd_dc(sd: Any, n: Names) -> str:
    return ", ".join(name_of(n, "datacenter", d) for d in (sd.data_centers or []))


def _disk_sd(d: Any, n: Names) -> str:
    return ", ".join(name_of(n, "storagedomain", s) for s in (d.storage_domains or []))


def _event_sev(e: Any, n: Names) -> Text:
    s = enum(e.severity)
    return Text(s, style=STATUS_STYLE.get(s, ""))


def _right(text: str) -> Text:
    return Text(text, justify="right")


COLUMNS: dict[str, list[Column]] = {
    "datacenter": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("status", "Status", lambda o, n: status_text(o.status)),
        Column("type", "Storage Type", lambda o, n: "Local" if o.local else "Shared"),
        Column("version", "Compat. Version", lambda o, n: version(o.version)),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "cluster": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("version", "Compat. Version", lambda o, n: version(o.version)),
        Column("cpu", "CPU Type", lambda o, n: (o.cpu.type if o.cpu else "") or ""),
        Column("dc", "Data Center", lambda o, n: name_of(n, "datacenter", o.data_center)),
        Column("hosts", "Hosts", _cluster_hosts),
        Column("vms", "VMs", _cluster_vms),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "host": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("address", "Hostname/IP", lambda o, n: o.address or ""),
        Column("cluster", "Cluster", lambda o, n: name_of(n, "cluster", o.cluster)),
        Column("dc", "Data Center", lambda o, n: cluster_dc(n, o.cluster)),
        Column("status", "Status", lambda o, n: status_text(o.status)),
        Column(
            "vms",
            "VMs",
            lambda o, n: _right(str(o.summary.active or 0) if o.summary else ""),
        ),
        Column("mem", "Memory", _host_mem_pct),
        Column("cpu", "CPU", _host_cpu),
        Column("spm", "SPM", _spm),
        Column(
            "updates", "Updates", lambda o, n: Text("yes", "yellow") if o.update_available else ""
        ),
    ],
    "vm": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("status", "Status", lambda o, n: status_text(o.status)),
        Column("host", "Host", lambda o, n: name_of(n, "host", o.host)),
        Column("ips", "IP Addresses", lambda o, n: ips(o)),
        Column("cluster", "Cluster", lambda o, n: name_of(n, "cluster", o.cluster)),
        Column("dc", "Data Center", lambda o, n: cluster_dc(n, o.cluster)),
        Column("memory", "Memory", lambda o, n: _right(human_bytes(o.memory))),
        Column("vcpus", "vCPUs", lambda o, n: _right(_vcpus(o, n))),
        Column("cpu", "CPU", _vm_cpu),
        Column("mem", "Mem", _vm_mem_pct),
        Column(
            "uptime",
            "Uptime",
            lambda o, n: _right(human_duration(stat(o, "elapsed.time")) if _running(o) else ""),
        ),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "storagedomain": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("type", "Type", lambda o, n: enum(o.type)),
        Column("stype", "Storage Type", lambda o, n: enum(o.storage.type) if o.storage else ""),
        Column(
            "status",
            "Status",
            lambda o, n: status_text(o.status or o.external_status or "active"),
        ),
        Column(
            "total",
            "Total",
            lambda o, n: _right(
                human_bytes((o.available or 0) + (o.used or 0)) if o.available is not None else ""
            ),
        ),
        Column("free", "Free", lambda o, n: _right(human_bytes(o.available))),
        Column("dc", "Data Center", _sd_dc),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "event": [
        Column("severity", "Severity", _event_sev),
        Column("time", "Time", lambda o, n: fmt_time(o.time)),
        Column("message", "Message", lambda o, n: o.description or ""),
        Column("code", "Code", lambda o, n: str(o.code or ""), advanced=True),
        Column("host", "Host", lambda o, n: name_of(n, "host", o.host), advanced=True),
        Column(
            "vm",
            "VM",
            lambda o, n: getattr(o.vm, "name", None) or "" if o.vm else "",
            advanced=True,
        ),
        Column("cluster", "Cluster", lambda o, n: name_of(n, "cluster", o.cluster), advanced=True),
        Column(
            "dc",
            "Data Center",
            lambda o, n: name_of(n, "datacenter", o.data_center),
            advanced=True,
        ),
        Column("correlation", "Correlation Id", lambda o, n: o.correlation_id or "", advanced=True),
    ],
    "template": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column(
            "version",
            "Version",
            lambda o, n: str(o.version.version_number) if o.version else "",
        ),
        Column("created", "Creation Date", lambda o, n: fmt_time(o.creation_time)),
        Column("status", "Status", lambda o, n: status_text(o.status)),
        Column("cluster", "Cluster", lambda o, n: name_of(n, "cluster", o.cluster)),
        Column("dc", "Data Center", lambda o, n: cluster_dc(n, o.cluster)),
        Column("memory", "Memory", lambda o, n: _right(human_bytes(o.memory))),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "disk": [
        Column("alias", "Alias", lambda o, n: o.alias or o.name or ""),
        Column("size", "Virtual Size", lambda o, n: _right(human_bytes(o.provisioned_size))),
        Column("actual", "Actual Size", lambda o, n: _right(human_bytes(o.actual_size))),
        Column("sd", "Storage Domain", _disk_sd),
        Column("stype", "Type", lambda o, n: enum(o.storage_type)),
        Column("content", "Content", lambda o, n: enum(o.content_type)),
        Column("status", "Status", lambda o, n: status_text(o.status)),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
    "network": [
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("dc", "Data Center", lambda o, n: name_of(n, "datacenter", o.data_center)),
        Column("description", "Description", lambda o, n: o.description or ""),
        Column(
            "role",
            "Role",
            lambda o, n: ", ".join(enum(u) for u in (o.usages or [])),
        ),
        Column("vlan", "VLAN Tag", lambda o, n: str(o.vlan.id) if o.vlan else ""),
        Column("mtu", "MTU", lambda o, n: _right(str(o.mtu) if o.mtu else "default")),
        Column("comment", "Comment", lambda o, n: o.comment or ""),
    ],
    "vmpool": [  # webadmin's Pools tab (actions/vm_pools)
        Column("name", "Name", lambda o, n: o.name or ""),
        Column("size", "Assigned VMs", lambda o, n: _right(str(o.size or 0))),
        Column("prestarted", "Prestarted", lambda o, n: _right(str(o.prestarted_vms or 0))),
        Column("per_user", "VMs per User", lambda o, n: _right(str(o.max_user_vms or 1))),
        Column("type", "Type", lambda o, n: enum(o.type)),
        Column("stateful", "Stateful", lambda o, n: "yes" if o.stateful else "no"),
        Column("cluster", "Cluster", lambda o, n: name_of(n, "cluster", o.cluster)),
        Column("description", "Description", lambda o, n: o.description or ""),
    ],
}


def columns_for(noun: str, advanced: bool = False) -> list[Column]:
    return [c for c in COLUMNS.get(noun, []) if advanced or not c.advanced]


def row_cells(noun: str, obj: Any, names: Names, cols: list[Column]) -> tuple[Text, ...]:
    """The row's cells, every one a ``Text`` made safe (a ``str`` cell would be markup)."""
    out = []
    for c in cols:
        try:
            out.append(cell(c.cell(obj, names)))
        except Exception:  # noqa: BLE001 - a partial object shows an empty cell, not a crash
            out.append(Text(""))
    return tuple(out)


def generic_cells(obj: Any) -> tuple[str, str, str]:
    """Name, status-ish and description of any object (sub-tab rows of unknown shape)."""
    if isinstance(obj, tuple):
        return tuple(str(x) if x is not None else "" for x in obj) + ("",) * (3 - len(obj))  # type: ignore[return-value]
    name = (
        getattr(obj, "name", None)
        or getattr(obj, "alias", None)
        or getattr(obj, "description", None)
        or getattr(obj, "id", "")
    )
    st = getattr(obj, "status", None)
    if st is None and hasattr(obj, "values") and getattr(obj, "values", None):
        v = obj.values[0]
        st = v.datum
        unit = enum(getattr(obj, "unit", None))
        st = f"{st} {unit}".strip()
    desc = getattr(obj, "description", None) or ""
    if desc == name:
        desc = ""
    return (str(name or ""), enum(st) if not isinstance(st, str) else st, str(desc))
