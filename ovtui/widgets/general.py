"""The rows of a detail screen's General sub-tab.

``general_rows`` is webadmin's curated General sub-tab for each entity type: the fields an
operator reads first, in webadmin's order, with names for linked objects (from the names
cache, or ``refs`` that the screen fetched: templates), human units and times, booleans as
Yes / No. A VM's shows its cloud-init settings (host name, user, DNS, NICs, time zone; never
the root password). ``all_rows`` is every scalar attribute (the ``a`` key), and the rows of
a type without a curated list.

Values are engine text: the screen renders them through widgets/safe.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ovtui.widgets.columns import enum, fmt_time, human_bytes, human_duration

SKIP_GENERAL = {"href", "statistics", "reported_devices", "actions", "link"}
BLANK_TEMPLATE = "00000000-0000-0000-0000-000000000000"

REF_TYPES = {
    "cluster": "cluster",
    "host": "host",
    "data_center": "datacenter",
    "storage_domain": "storagedomain",
}
BYTES = {
    "memory",
    "max_scheduling_memory",
    "provisioned_size",
    "actual_size",
    "available",
    "used",
    "committed",
    "total_size",
}
Row = tuple[str, str]
Names = dict[str, dict[str, Any]]


# ---------------------------------------------------------------------- helpers
def yes_no(v: Any) -> str:
    return "" if v is None else ("Yes" if v else "No")


ACRONYMS = {
    "vnc": "VNC",
    "spice": "SPICE",
    "nfs": "NFS",
    "iscsi": "iSCSI",
    "fcp": "FCP",
    "glusterfs": "GlusterFS",
    "posixfs": "POSIX FS",
    "cow": "QCOW2",
    "raw": "RAW",
    "spm": "SPM",
    "ok": "OK",
    "ovs": "OVS",
    "x86_64": "x86_64",
    "ppc64": "ppc64",
    "s390x": "s390x",
}


def words(v: Any) -> str:
    """An enum value as words: ``high_performance`` -> ``High performance``, ``nfs`` ->
    ``NFS``."""
    raw = enum(v)
    if raw.lower() in ACRONYMS:
        return ACRONYMS[raw.lower()]
    s = raw.replace("_", " ")
    return s[:1].upper() + s[1:]


def priority(p: Any) -> str | None:
    """webadmin's HA priority names (1 low, 50 medium, 100 high)."""
    if p is None:
        return None
    return "Low" if p < 50 else "Medium" if p < 100 else "High"


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def ref_name(ref: Any, kind: str, names: Names, refs: Names | None = None) -> str:
    """The name of a linked object: its own, the names cache's, a fetched one, else its id."""
    if ref is None:
        return ""
    if getattr(ref, "name", None):
        return str(ref.name)
    rid = getattr(ref, "id", None)
    if rid is None:
        return ""
    for source in (names, refs or {}):
        hit = source.get(kind, {}).get(rid)
        if hit is not None and getattr(hit, "name", None):
            return str(hit.name)
    return str(rid)


def stat(obj: Any, name: str) -> float | None:
    for s in getattr(obj, "statistics", None) or []:
        if s.name == name and s.values:
            return s.values[0].datum
    return None


def version(v: Any) -> str:
    if v is None:
        return ""
    if getattr(v, "full_version", None):
        return str(v.full_version)
    if v.major is not None:
        return f"{v.major}.{v.minor or 0}"
    return ""


def cpus(cpu: Any) -> str:
    """``4 (2:2:1)``: logical CPUs and sockets:cores:threads, as webadmin writes them."""
    topo = _get(cpu, "topology")
    if topo is None:
        return ""
    s, c, t = topo.sockets or 1, topo.cores or 1, topo.threads or 1
    return f"{s * c * t} ({s}:{c}:{t})"


def _rows(pairs: list[tuple[str, Any]]) -> list[Row]:
    out = []
    for k, v in pairs:
        if v is None:
            continue
        text = v if isinstance(v, str) else str(v)
        if text != "":
            out.append((k, text))
    return out


def _dc_of_cluster(cluster: Any, names: Names) -> Any:
    cl = names.get("cluster", {}).get(getattr(cluster, "id", None))
    return getattr(cl, "data_center", None) if cl is not None else None


# ---------------------------------------------------------------------- per type
def cloud_init_rows(init: Any) -> list[Row]:
    """A VM's initialization (cloud-init / sysprep): never its password."""
    if init is None:
        return []
    nics = []
    for n in _get(init, "nic_configurations") or []:
        ip = n.ip
        addr = ""
        if ip is not None and ip.address:
            addr = ip.address + (f"/{ip.netmask}" if ip.netmask else "")
            addr += f" gw {ip.gateway}" if ip.gateway else ""
        proto = enum(n.boot_protocol)
        nics.append(" ".join(x for x in (n.name or "", proto, addr) if x))
    keys = [k for k in (init.authorized_ssh_keys or "").splitlines() if k.strip()]
    rows = _rows(
        [
            ("Host name", init.host_name),
            ("User name", init.user_name),
            ("Password", "set (not shown)" if init.root_password else None),
            ("DNS servers", init.dns_servers),
            ("DNS search domains", init.dns_search),
            ("Network", "; ".join(nics) if nics else None),
            ("Time zone", init.timezone),
            ("SSH keys", f"{len(keys)} authorized key(s)" if keys else None),
            ("Custom script", "Yes" if init.custom_script else None),
            ("Regenerate SSH keys", yes_no(init.regenerate_ssh_keys)),
            ("Domain", init.domain),
        ]
    )
    return [("Cloud-Init / Sysprep", "")] + rows if rows else []


def vm_rows(vm: Any, names: Names, refs: Names) -> list[Row]:
    tpl = vm.template
    template = "Blank" if tpl is not None and tpl.id == BLANK_TEMPLATE else ""
    template = template or ref_name(tpl, "template", names, refs)
    guaranteed = _get(vm, "memory_policy.guaranteed")
    maximum = _get(vm, "memory_policy.max")
    elapsed = stat(vm, "elapsed.time")
    ha = _get(vm, "high_availability")
    prio = _get(ha, "priority")
    placement = _get(vm, "placement_policy")
    run_on = "Any host in cluster"
    pinned = _get(placement, "hosts") or []
    if pinned:
        run_on = ", ".join(ref_name(h, "host", names, refs) for h in pinned)
    rows = _rows(
        [
            ("Name", vm.name),
            ("Description", vm.description),
            ("Comment", vm.comment),
            ("Status", words(vm.status)),
            ("Uptime", human_duration(elapsed) if elapsed else None),
            ("Template", template),
            ("Operating system", _get(vm, "os.type")),
            ("Optimized for", words(vm.type) if vm.type else None),
            ("Defined memory", human_bytes(vm.memory)),
            ("Physical memory guaranteed", human_bytes(guaranteed)),
            ("Maximum memory", human_bytes(maximum)),
            ("CPUs", cpus(vm.cpu)),
            ("Highly available", yes_no(_get(ha, "enabled"))),
            ("Priority", priority(prio)),
            ("Cluster", ref_name(vm.cluster, "cluster", names, refs)),
            ("Data center", ref_name(_dc_of_cluster(vm.cluster, names), "datacenter", names)),
            ("Host", ref_name(vm.host, "host", names, refs)),
            ("Run on", run_on),
            ("FQDN", vm.fqdn),
            ("Graphics", words(_get(vm, "display.type")) if _get(vm, "display.type") else None),
            ("Stateless", yes_no(vm.stateless)),
            ("Start paused", yes_no(vm.start_paused)),
            ("Delete protected", yes_no(vm.delete_protected)),
            ("Time zone", _get(vm, "time_zone.name")),
            ("Origin", vm.origin),
            ("Created", fmt_time(vm.creation_time) if vm.creation_time else None),
            ("Started", fmt_time(vm.start_time) if vm.start_time else None),
            ("ID", vm.id),
        ]
    )
    return rows + cloud_init_rows(vm.initialization)


def host_rows(h: Any, names: Names, refs: Names) -> list[Row]:
    spm = _get(h, "spm")
    summary = _get(h, "summary")
    boot = stat(h, "boot.time")
    os_name = " ".join(x for x in (_get(h, "os.type"), version(_get(h, "os.version"))) if x)
    return _rows(
        [
            ("Name", h.name),
            ("Description", h.description),
            ("Comment", h.comment),
            ("Address", h.address),
            ("Status", words(h.status)),
            ("Cluster", ref_name(h.cluster, "cluster", names, refs)),
            ("Data center", ref_name(_dc_of_cluster(h.cluster, names), "datacenter", names)),
            ("SPM", words(spm.status) if spm is not None and spm.status else None),
            ("SPM priority", _get(spm, "priority")),
            ("OS version", os_name),
            ("VDSM version", version(h.version)),
            ("Libvirt version", version(h.libvirt_version)),
            ("CPU model", _get(h, "cpu.name")),
            ("CPU type", _get(h, "cpu.type")),
            ("CPUs", cpus(h.cpu)),
            ("Physical memory", human_bytes(h.memory)),
            ("Max free memory for scheduling", human_bytes(h.max_scheduling_memory)),
            (
                "Active VMs",
                f"{summary.active} of {summary.total}"
                if summary is not None and summary.active is not None
                else None,
            ),
            ("Update available", yes_no(h.update_available)),
            ("Power management", yes_no(_get(h, "power_management.enabled"))),
            ("Hosted engine", yes_no(_get(h, "hosted_engine.active"))),
            ("SELinux mode", words(_get(h, "se_linux.mode")) if _get(h, "se_linux.mode") else None),
            ("Kdump", words(h.kdump_status) if h.kdump_status else None),
            ("Boot time", fmt_time(_from_epoch(boot)) if boot else None),
            ("ID", h.id),
        ]
    )


def _from_epoch(v: float) -> Any:
    import datetime as dt

    return dt.datetime.fromtimestamp(float(v), tz=dt.UTC)


def cluster_rows(c: Any, names: Names, refs: Names) -> list[Row]:
    over = _get(c, "memory_policy.over_commit.percent")
    return _rows(
        [
            ("Name", c.name),
            ("Description", c.description),
            ("Comment", c.comment),
            ("Data center", ref_name(c.data_center, "datacenter", names, refs)),
            ("Compatibility version", version(c.version)),
            ("CPU type", _get(c, "cpu.type")),
            (
                "Architecture",
                words(_get(c, "cpu.architecture")) if _get(c, "cpu.architecture") else None,
            ),
            ("Memory optimization", f"{over}%" if over is not None else None),
            ("Threads as cores", yes_no(c.threads_as_cores)),
            ("Scheduling policy", _get(c, "scheduling_policy.name")),
            ("Virt service", yes_no(c.virt_service)),
            ("Gluster service", yes_no(c.gluster_service)),
            ("HA reservation", yes_no(c.ha_reservation)),
            ("Firewall type", words(c.firewall_type) if c.firewall_type else None),
            ("Switch type", words(c.switch_type) if c.switch_type else None),
            ("ID", c.id),
        ]
    )


def datacenter_rows(d: Any, names: Names, refs: Names) -> list[Row]:
    return _rows(
        [
            ("Name", d.name),
            ("Description", d.description),
            ("Comment", d.comment),
            ("Status", words(d.status)),
            ("Storage type", "Local" if d.local else "Shared" if d.local is not None else None),
            ("Compatibility version", version(d.version)),
            ("Quota mode", words(d.quota_mode) if d.quota_mode else None),
            ("ID", d.id),
        ]
    )


def storagedomain_rows(s: Any, names: Names, refs: Names) -> list[Row]:
    st = s.storage
    path = ""
    if st is not None:
        path = (
            ":".join(x for x in (st.address, st.path) if x)
            or (st.volume_group and st.volume_group.id)
            or ""
        )
    size = s.used + s.available if s.used is not None and s.available is not None else None
    over = f"{100 * s.committed / size:.0f}%" if size and s.committed is not None else None
    dcs = ", ".join(ref_name(d, "datacenter", names, refs) for d in s.data_centers or [])
    return _rows(
        [
            ("Name", s.name),
            ("Description", s.description),
            ("Comment", s.comment),
            ("Status", words(s.status) if s.status else None),
            ("Domain type", words(s.type) if s.type else None),
            ("Storage type", words(_get(st, "type")) if _get(st, "type") else None),
            ("Path", path),
            ("Data centers", dcs),
            ("Size", human_bytes(size)),
            ("Available", human_bytes(s.available)),
            ("Used", human_bytes(s.used)),
            ("Allocated", human_bytes(s.committed)),
            ("Over allocation ratio", over),
            (
                "Warning low space",
                f"{s.warning_low_space_indicator}%"
                if s.warning_low_space_indicator is not None
                else None,
            ),
            (
                "Critical space action blocker",
                f"{s.critical_space_action_blocker} GiB"
                if s.critical_space_action_blocker is not None
                else None,
            ),
            ("Master", yes_no(s.master)),
            ("Format", enum(s.storage_format)),
            ("Wipe after delete", yes_no(s.wipe_after_delete)),
            ("Discard after delete", yes_no(s.discard_after_delete)),
            ("Backup", yes_no(s.backup)),
            ("ID", s.id),
        ]
    )


def template_rows(t: Any, names: Names, refs: Names) -> list[Row]:
    ver = t.version
    vtext = ""
    if ver is not None and ver.version_number is not None:
        vtext = f"{ver.version_number}" + (f" ({ver.version_name})" if ver.version_name else "")
    return _rows(
        [
            ("Name", t.name),
            ("Description", t.description),
            ("Comment", t.comment),
            ("Status", words(t.status) if t.status else None),
            ("Version", vtext),
            ("Operating system", _get(t, "os.type")),
            ("Optimized for", words(t.type) if t.type else None),
            ("Defined memory", human_bytes(t.memory)),
            ("CPUs", cpus(t.cpu)),
            ("Highly available", yes_no(_get(t, "high_availability.enabled"))),
            ("Cluster", ref_name(t.cluster, "cluster", names, refs)),
            ("Stateless", yes_no(t.stateless)),
            ("Created", fmt_time(t.creation_time) if t.creation_time else None),
            ("Origin", t.origin),
            ("ID", t.id),
        ]
    )


def disk_rows(d: Any, names: Names, refs: Names) -> list[Row]:
    sds = ", ".join(ref_name(s, "storagedomain", names, refs) for s in d.storage_domains or [])
    alloc = None if d.sparse is None else ("Thin provision" if d.sparse else "Preallocated")
    return _rows(
        [
            ("Alias", d.alias or d.name),
            ("Description", d.description),
            ("Status", words(d.status) if d.status else None),
            ("Virtual size", human_bytes(d.provisioned_size)),
            ("Actual size", human_bytes(d.actual_size)),
            ("Allocation policy", alloc),
            ("Format", words(d.format) if d.format else None),
            ("Storage domain", sds),
            ("Storage type", words(d.storage_type) if d.storage_type else None),
            ("Content type", words(d.content_type) if d.content_type else None),
            ("Shareable", yes_no(d.shareable)),
            ("Wipe after delete", yes_no(d.wipe_after_delete)),
            ("Backup", words(d.backup) if d.backup else None),
            ("ID", d.id),
        ]
    )


def network_rows(n: Any, names: Names, refs: Names) -> list[Row]:
    usages = [enum(u) for u in n.usages or []]
    return _rows(
        [
            ("Name", n.name),
            ("Description", n.description),
            ("Comment", n.comment),
            ("Data center", ref_name(n.data_center, "datacenter", names, refs)),
            ("VM network", yes_no("vm" in usages) if n.usages is not None else None),
            ("VLAN", _get(n, "vlan.id")),
            ("MTU", (n.mtu or "Default") if n.mtu is not None else None),
            ("STP", yes_no(n.stp)),
            ("Port isolation", yes_no(n.port_isolation)),
            ("Required", yes_no(n.required)),
            ("Usages", ", ".join(u.replace("_", " ") for u in usages) if usages else None),
            ("ID", n.id),
        ]
    )


def event_rows(e: Any, names: Names, refs: Names) -> list[Row]:
    return _rows(
        [
            ("Time", fmt_time(e.time)),
            ("Severity", words(e.severity) if e.severity else None),
            ("Code", e.code),
            ("Message", e.description),
            ("Host", ref_name(e.host, "host", names, refs)),
            ("VM", ref_name(e.vm, "vm", names, refs)),
            ("Cluster", ref_name(e.cluster, "cluster", names, refs)),
            ("Data center", ref_name(e.data_center, "datacenter", names, refs)),
            ("Storage domain", ref_name(e.storage_domain, "storagedomain", names, refs)),
            ("User", ref_name(e.user, "user", names, refs)),
            ("Correlation id", e.correlation_id),
            ("Origin", e.origin),
            ("ID", e.id),
        ]
    )


CURATED: dict[str, Callable[[Any, Names, Names], list[Row]]] = {
    "vm": vm_rows,
    "host": host_rows,
    "cluster": cluster_rows,
    "datacenter": datacenter_rows,
    "storagedomain": storagedomain_rows,
    "template": template_rows,
    "disk": disk_rows,
    "network": network_rows,
    "event": event_rows,
}


def wanted_refs(noun: str, obj: Any, names: Names) -> list[tuple[str, str]]:
    """(noun, id) of linked objects whose names the curated rows show and the names cache
    lacks (a VM's or a host's cluster is in the cache; a template is not)."""
    out = []
    tpl = getattr(obj, "template", None)
    if noun == "vm" and tpl is not None and tpl.id and tpl.id != BLANK_TEMPLATE and not tpl.name:
        out.append(("template", tpl.id))
    return out


def general_rows(
    obj: Any, names: Names | None = None, noun: str | None = None, refs: Names | None = None
) -> list[Row]:
    """The curated rows for ``noun`` (all attributes when the type has no curated list)."""
    names = names or {}
    fn = CURATED.get(noun or "")
    if fn is None:
        return all_rows(obj, names)
    return fn(obj, names, refs or {})


def all_rows(obj: Any, names: Names | None = None) -> list[Row]:
    """Every scalar attribute of an SDK object, plus names of referenced objects."""
    names = names or {}
    rows: list[Row] = []
    for attr in sorted(vars(obj)):
        name = attr.lstrip("_")
        if name in SKIP_GENERAL:
            continue
        v = getattr(obj, name, None)
        if v is None or isinstance(v, list):
            continue
        if hasattr(v, "value") and not hasattr(v, "id"):  # enum
            text = enum(v)
        elif name in REF_TYPES and getattr(v, "id", None):
            ref = names.get(REF_TYPES[name], {}).get(v.id)
            text = (ref.name if ref is not None else None) or getattr(v, "name", None) or v.id
        elif name in BYTES and isinstance(v, int):
            text = human_bytes(v)
        elif hasattr(v, "__dict__"):
            text = getattr(v, "name", None) or getattr(v, "id", None)
            if text is None:
                inner = [
                    f"{k.lstrip('_')}={getattr(v, k)}" for k in vars(v) if getattr(v, k) is not None
                ]
                inner = [i for i in inner if "object at" not in i and not i.startswith("href")]
                text = ", ".join(inner)[:120]
        elif hasattr(v, "strftime"):
            text = fmt_time(v)
        else:
            text = str(v)
        if name == "root_password":
            text = "set (not shown)"
        if text not in (None, ""):
            rows.append((name.replace("_", " "), str(text)))
    return rows
