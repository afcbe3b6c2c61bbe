"""The dashboard's data: inventory by status, global utilisation, the most loaded clusters and
hosts, from a fixed number of requests whatever the size of the estate.

Pure ovirtsdk4 (no textual): :func:`fetch_dashboard` runs on a worker thread with one leased
connection. The requests (``REQUESTS`` of them, always; see docs/dashboard.md):

1. ``GET /api``: the engine's own ``summary`` (VMs, hosts and storage domains: active and
   total; the engine counts them in its database, whatever their number).
2. ``GET /datacenters?max=CAP``: data centers by status (an estate has a few).
3. ``GET /clusters?max=CAP``: the clusters (count, and names for the loaded-cluster table).
4. ``GET /hosts?follow=statistics&max=HOSTS_CAP``: hosts by status, CPU and memory use (the
   engine has no global figure: it is the hosts' own statistics, weighted by their cores).
5. ``GET /storagedomains?max=CAP``: used and free space of the data domains.
6. ``GET /vms?search=status=migrating or ...&max=ATTENTION_CAP``: the few VMs that are
   migrating or need attention (paused, not responding, unknown), never the whole list.
7. ``GET /events?max=EVENTS_WINDOW``: the newest events, counted by severity over 24 hours.

Only the hosts' answer grows with the estate (about 9 KB a host with its statistics); the
VMs, the largest collection, are never listed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ovirtsdk4

from .base import ActionError
from .errors import translate

CAP = 1000  # data centers, clusters, storage domains listed (an estate has far fewer)
HOSTS_CAP = 5000  # hosts listed with their statistics
ATTENTION_CAP = 100  # migrating / paused / not responding / unknown VMs read
EVENTS_WINDOW = 200  # newest events counted by severity
EVENTS_HOURS = 24
REQUESTS = 7  # what one fetch sends, always
TOP = 8  # rows of the most-loaded tables


def _or(statuses: Iterable[str]) -> str:
    return " or ".join(f"status={s}" for s in statuses)


# The engine's own "active" VMs (GetSystemStatisticsQuery): the API summary counts these.
VM_ACTIVE = (
    "up",
    "powering_up",
    "wait_for_launch",
    "reboot_in_progress",
    "powering_down",
    "paused",
    "unknown",
)
VM_ATTENTION = ("paused", "not_responding", "unknown")
VM_UP = (*VM_ACTIVE, "migrating")
VM_DOWN = (
    "down",
    "suspended",
    "not_responding",
    "image_locked",
    "saving_state",
    "restoring_state",
    "unassigned",
)
HOST_BUCKETS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("up", ("up",), "up"),
    ("maintenance", ("maintenance", "preparing_for_maintenance"), "warn"),
    (
        "down",
        (
            "down",
            "non_responsive",
            "non_operational",
            "install_failed",
            "error",
            "kdumping",
            "unassigned",
        ),
        "down",
    ),
    (
        "other",
        ("installing", "installing_os", "connecting", "initializing", "reboot", "pending_approval"),
        "warn",
    ),
)
DC_BUCKETS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("up", ("up",), "up"),
    ("maintenance", ("maintenance",), "warn"),
    ("down", ("not_operational", "problematic", "contend"), "down"),
    ("uninitialized", ("uninitialized",), "warn"),
)
SEVERITIES: tuple[tuple[str, str], ...] = (
    ("alert", "down"),
    ("error", "down"),
    ("warning", "warn"),
)


@dataclass
class Bucket:
    """One status group of a card: ``count`` objects, shown by ``search`` on their tab."""

    label: str
    count: int
    search: str
    style: str = "up"  # up | warn | down: how the count is drawn
    at_least: bool = False  # the count reached a cap: "100+"

    @property
    def text(self) -> str:
        return f"{self.count}+" if self.at_least else str(self.count)


@dataclass
class Card:
    """An inventory card: a main tab's objects, their total and status groups."""

    noun: str
    title: str
    total: int | None
    buckets: list[Bucket] = field(default_factory=list)
    note: str = ""


@dataclass
class Usage:
    """A global utilisation figure: ``percent`` of ``total`` (in ``unit``) used."""

    name: str
    percent: float | None
    used: float = 0.0
    total: float = 0.0
    unit: str = ""  # "cores" or "bytes"
    note: str = ""


@dataclass
class Loaded:
    """A row of a most-loaded table."""

    kind: str  # "cluster" | "host"
    id: str
    name: str
    cpu: float | None
    memory: float | None
    detail: str = ""  # "3 hosts" / the host's cluster and VMs
    obj: Any = None  # the cluster or host, to open it


@dataclass
class Dashboard:
    cards: list[Card]
    usage: dict[str, Usage]
    clusters: list[Loaded]
    hosts: list[Loaded]
    fetched_at: float = field(default_factory=time.time)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- statistics
def stat(obj: Any, name: str) -> float | None:
    """The first value of the statistic ``name`` of an object with followed statistics."""
    for s in getattr(obj, "statistics", None) or []:
        if s.name == name and s.values:
            datum = s.values[0].datum
            return float(datum) if datum is not None else None
    return None


def host_cpu(host: Any) -> float | None:
    """A host's CPU use in percent: user + system (else 100 - idle)."""
    user, system = stat(host, "cpu.current.user"), stat(host, "cpu.current.system")
    if user is not None or system is not None:
        return min(100.0, (user or 0.0) + (system or 0.0))
    idle = stat(host, "cpu.current.idle")
    return None if idle is None else max(0.0, 100.0 - idle)


def host_memory(host: Any) -> tuple[float, float] | None:
    """(used, total) bytes of a host's memory, from its statistics."""
    total = stat(host, "memory.total")
    used = stat(host, "memory.used")
    if total is None or used is None:
        free = stat(host, "memory.free")
        if total is None or free is None:
            return None
        used = total - free
    return (used, total) if total > 0 else None


def host_cores(host: Any) -> int:
    topo = getattr(getattr(host, "cpu", None), "topology", None)
    if topo is None:
        return 1
    n = (topo.sockets or 1) * (topo.cores or 1) * (topo.threads or 1)
    return max(1, int(n))


def _status(obj: Any) -> str:
    st = getattr(obj, "status", None)
    return str(getattr(st, "value", st) or "")


def _pct(used: float, total: float) -> float | None:
    return 100.0 * used / total if total > 0 else None


# ---------------------------------------------------------------------- the pieces
def _buckets(objs: list[Any], groups: Iterable[tuple[str, tuple[str, ...], str]]) -> list[Bucket]:
    out = []
    for label, statuses, style in groups:
        n = sum(1 for o in objs if _status(o) in statuses)
        out.append(Bucket(label, n, _or(statuses), style))
    return out


def host_load(
    hosts: list[Any], clusters: dict[str, Any]
) -> tuple[Usage, Usage, list[Loaded], list[Loaded]]:
    """Global CPU and memory over the up hosts; the most loaded clusters and hosts."""
    cores_used = cores_total = mem_used = mem_total = 0.0
    per_cluster: dict[str, list[float]] = {}  # id -> [cores used, cores, mem used, mem, hosts]
    rows: list[Loaded] = []
    for h in hosts:
        if _status(h) not in ("up", "preparing_for_maintenance"):
            continue
        cpu, mem, cores = host_cpu(h), host_memory(h), host_cores(h)
        cid = getattr(getattr(h, "cluster", None), "id", None) or ""
        acc = per_cluster.setdefault(cid, [0.0, 0.0, 0.0, 0.0, 0.0])
        acc[4] += 1
        if cpu is not None:
            cores_used += cpu / 100.0 * cores
            cores_total += cores
            acc[0] += cpu / 100.0 * cores
            acc[1] += cores
        if mem is not None:
            mem_used += mem[0]
            mem_total += mem[1]
            acc[2] += mem[0]
            acc[3] += mem[1]
        vms = getattr(getattr(h, "summary", None), "active", None)
        cl = clusters.get(cid)
        detail = (cl.name or "") if cl is not None else ""
        if vms is not None:
            detail = f"{detail} · {vms} VMs" if detail else f"{vms} VMs"
        rows.append(
            Loaded("host", h.id, h.name or h.id, cpu, _pct(*mem) if mem else None, detail, h)
        )
    loaded = [
        Loaded(
            "cluster",
            cid,
            getattr(clusters.get(cid), "name", None) or cid,
            _pct(a[0], a[1]),
            _pct(a[2], a[3]),
            f"{int(a[4])} host{'s' if a[4] != 1 else ''} up",
            clusters.get(cid),
        )
        for cid, a in per_cluster.items()
    ]
    cpu_u = Usage("CPU", _pct(cores_used, cores_total), cores_used, cores_total, "cores")
    mem_u = Usage("Memory", _pct(mem_used, mem_total), mem_used, mem_total, "bytes")
    return cpu_u, mem_u, _top(loaded), _top(rows)


def _top(rows: list[Loaded]) -> list[Loaded]:
    def key(r: Loaded) -> tuple[float, float, str]:
        return (-(r.cpu or 0.0), -(r.memory or 0.0), r.name)

    return sorted(rows, key=key)[:TOP]


def storage_usage(domains: list[Any]) -> Usage:
    """Used / (used + available) of the data domains."""
    used = total = 0.0
    for sd in domains:
        kind = getattr(getattr(sd, "type", None), "value", None)
        if kind not in (None, "data") or sd.used is None or sd.available is None:
            continue
        used += sd.used
        total += sd.used + sd.available
    return Usage("Storage", _pct(used, total), used, total, "bytes")


def vm_card(summary: Any, attention: list[Any]) -> Card:
    """VMs by status: the engine's summary (active, total) and the few read by search."""
    total = getattr(summary, "total", None)
    active = getattr(summary, "active", None) or 0
    capped = len(attention) >= ATTENTION_CAP
    migrating = sum(1 for v in attention if _status(v) == "migrating")
    need = sum(1 for v in attention if _status(v) in VM_ATTENTION)
    up = active + migrating
    buckets = [
        Bucket("up", up, _or(VM_UP), "up", capped),
        Bucket("down", max(0, (total or 0) - up), _or(VM_DOWN), "down", capped),
        Bucket("attention", need, _or(VM_ATTENTION), "warn", capped),
    ]
    if migrating:  # among the up ones
        buckets.insert(2, Bucket("migrating", migrating, "status=migrating", "warn", capped))
    return Card("vm", "Virtual Machines", total, buckets)


def event_card(events: list[Any], now: float) -> Card:
    since = now - EVENTS_HOURS * 3600
    recent = [e for e in events if e.time is None or e.time.timestamp() >= since]
    full = len(events) >= EVENTS_WINDOW and len(recent) == len(events)
    buckets = []
    for sev, style in SEVERITIES:
        n = sum(1 for e in recent if getattr(e.severity, "value", e.severity) == sev)
        buckets.append(Bucket(sev, n, f"severity={sev}", style, full))
    note = f"last {EVENTS_HOURS} h" + (f", newest {EVENTS_WINDOW}" if full else "")
    return Card("event", "Events", len(recent), buckets, note=note)


# ---------------------------------------------------------------------- the fetch
def _list(coll: Any, doing: str, **kw: Any) -> list[Any]:
    try:
        return list(coll.list(**kw))
    except ovirtsdk4.Error as exc:
        raise translate(exc, doing) from exc


def fetch_dashboard(conn: Any, now: float | None = None) -> Dashboard:
    """Everything the dashboard shows, in ``REQUESTS`` requests over ``conn``."""
    system = conn.system_service()
    try:
        api = system.get()
    except ovirtsdk4.Error as exc:
        raise translate(exc, "/api") from exc
    summary = getattr(api, "summary", None)
    dcs = _list(system.data_centers_service(), "/datacenters", max=CAP)
    clusters = _list(system.clusters_service(), "/clusters", max=CAP)
    hosts = _list(system.hosts_service(), "/hosts", follow="statistics", max=HOSTS_CAP)
    sds = _list(system.storage_domains_service(), "/storagedomains", max=CAP)
    attention = _list(
        system.vms_service(),
        "/vms",
        search=_or(("migrating", *VM_ATTENTION)),
        max=ATTENTION_CAP,
    )
    events = _list(system.events_service(), "/events", max=EVENTS_WINDOW)
    if now is None and getattr(api, "time", None) is not None:
        now = api.time.timestamp()  # the engine's clock: "last 24 h" is the engine's day
    return build(summary, dcs, clusters, hosts, sds, attention, events, now)


def tag_names(conn: Any, limit: int = CAP) -> list[str]:
    """The engine's tag names (for completing ``tag=`` in searches); none when it refuses."""
    try:
        tags = conn.system_service().tags_service().list(max=limit)
    except ovirtsdk4.Error:
        return []
    return sorted({t.name for t in tags if t.name and t.name != "root"}, key=str.lower)


def build(
    summary: Any,
    dcs: list[Any],
    clusters: list[Any],
    hosts: list[Any],
    sds: list[Any],
    attention: list[Any],
    events: list[Any],
    now: float | None = None,
) -> Dashboard:
    """The dashboard from the answers (no request)."""
    now = time.time() if now is None else now
    by_id = {c.id: c for c in clusters}
    notes: list[str] = []
    sd_sum = getattr(summary, "storage_domains", None)
    host_sum = getattr(summary, "hosts", None)
    host_total = getattr(host_sum, "total", None)
    if host_total is not None and host_total > len(hosts):
        notes.append(f"CPU and memory over the first {len(hosts)} of {host_total} hosts.")
    sd_total = getattr(sd_sum, "total", None)
    sd_active = getattr(sd_sum, "active", None)
    if sd_total is None:
        sd_total = len(sds)
    sd_buckets = []
    if sd_active is not None:
        sd_buckets = [
            Bucket("active", sd_active, "status=active", "up"),
            Bucket("not active", max(0, sd_total - sd_active), "status!=active", "down"),
        ]
    cards = [
        Card("datacenter", "Data Centers", len(dcs), _buckets(dcs, DC_BUCKETS)),
        Card("cluster", "Clusters", len(clusters), []),
        Card(
            "host",
            "Hosts",
            host_total if host_total is not None else len(hosts),
            _buckets(hosts, HOST_BUCKETS),
        ),
        Card("storagedomain", "Storage Domains", sd_total, sd_buckets),
        vm_card(getattr(summary, "vms", None), attention),
        event_card(events, now),
    ]
    cpu, mem, top_clusters, top_hosts = host_load(hosts, by_id)
    usage = {"cpu": cpu, "memory": mem, "storage": storage_usage(sds)}
    return Dashboard(cards, usage, top_clusters, top_hosts, now, notes)


__all__ = ["ActionError", "Dashboard", "fetch_dashboard"]
