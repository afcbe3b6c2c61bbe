"""The API's resource tree: top-level collections, sub-collections, path resolution, GET rendering."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import admin_views as admin
from ovtui.sim import (
    glance,
    image_transfer,
    levels,
    render,
    search,
    stats,
    storage_server,
    xmlcache,
)
from ovtui.sim.estate_views import cluster_networks
from ovtui.sim.records import API, href, mk, ref, reported_devices
from ovtui.sim.store import RecordStore

ListFn = Callable[[RecordStore], list[Any]]

TOP: dict[str, tuple[str, ListFn]] = {
    "vms": ("vm", lambda w: list(w.coll["vms"].values())),
    "hosts": ("host", lambda w: host_summaries(w, list(w.coll["hosts"].values()))),
    "clusters": ("cluster", lambda w: list(w.coll["clusters"].values())),
    "datacenters": ("data_center", lambda w: list(w.coll["datacenters"].values())),
    "storagedomains": (
        "storage_domain",
        lambda w: [top_sd(w, sd) for sd in w.coll["storagedomains"].values()],
    ),
    "templates": ("template", lambda w: list(w.coll["templates"].values())),
    "disks": ("disk", lambda w: list(w.all_disks().values())),
    "networks": ("network", lambda w: list(w.coll["networks"].values())),
    "vnicprofiles": ("vnic_profile", lambda w: list(w.coll["vnicprofiles"].values())),
    "events": ("event", lambda w: list(reversed(w.coll["events"].values()))),
    "jobs": ("job", lambda w: list(reversed(w.coll["jobs"].values()))),
    "tags": ("tag", lambda w: list(w.coll["tags"].values())),
    "users": ("user", lambda w: list(w.coll["users"].values())),
    "groups": ("group", lambda w: list(w.coll["groups"].values())),
    "operatingsystems": ("operating_system", lambda w: list(w.coll["operatingsystems"].values())),
    "affinitylabels": ("affinity_label", lambda w: list(w.coll["affinitylabels"].values())),
    "macpools": ("mac_pool", lambda w: list(w.coll["macpools"].values())),
    "diskprofiles": ("disk_profile", lambda w: []),
    "cpuprofiles": ("cpu_profile", lambda w: []),
    "schedulingpolicies": (
        "scheduling_policy",
        lambda w: list(w.coll["schedulingpolicies"].values()),
    ),
    "schedulingpolicyunits": (
        "scheduling_policy_unit",
        lambda w: list(w.coll["schedulingpolicyunits"].values()),
    ),
    "icons": ("icon", lambda w: []),
    "instancetypes": ("instance_type", lambda w: []),
    "vmpools": ("vm_pool", lambda w: list(w.coll.get("vmpools", {}).values())),
    "bookmarks": ("bookmark", lambda w: []),
    **admin.ADMIN_TOP,  # roles, domains, system permissions (sim/admin_views)
    **glance.TOP,  # the Glance image provider (sim/glance)
    **image_transfer.TOP,  # disk uploads / downloads (sim/image_transfer)
    "networkfilters": ("network_filter", lambda w: []),
    "clusterlevels": ("cluster_level", levels.cluster_levels),
}

# rel (URL segment) -> element name of the collection / inline attribute
PLURAL = {
    "diskattachments": "disk_attachments",
    "reporteddevices": "reported_devices",
    "graphicsconsoles": "graphics_consoles",
    "hostdevices": "host_devices",
    "networkattachments": "network_attachments",
    "affinitygroups": "affinity_groups",
    "affinitylabels": "affinity_labels",
    "storagedomains": "storage_domains",
    "vnicprofiles": "vnic_profiles",
    "diskprofiles": "disk_profiles",
    "katelloerrata": "katello_errata",
    "datacenters": "data_centers",
    "numanodes": "host_numa_nodes",
    "operatingsystems": "operating_systems",
    "fenceagents": "agents",
    "networklabels": "network_labels",
    "cpuprofiles": "cpu_profiles",
    "storageconnections": "storage_connections",
    "disksnapshots": "disk_snapshots",
    "networkfilterparameters": "network_filter_parameters",
    "linklayerdiscoveryprotocolelements": "link_layer_discovery_protocol_elements",
    "unmanagednetworks": "unmanaged_networks",
    "iscsibonds": "iscsi_bonds",
    "glusterhooks": "gluster_hooks",
    "glustervolumes": "gluster_volumes",
    "enabledfeatures": "enabled_features",
    "externalnetworkproviders": "external_network_providers",
    "externalnetworkproviderconfigurations": "external_network_provider_configurations",
    "storageconnectionextensions": "storage_connection_extensions",
    "affinitygroups_": "affinity_groups",
    "qoss": "qoss",
    "storage": "host_storages",
    "vmpools": "vm_pools",
    "instancetypes": "instance_types",
    "schedulingpolicies": "scheduling_policies",
    "macpools": "mac_pools",
    "networkfilters": "network_filters",
    "sshpublickeys": "ssh_public_keys",
    "schedulingpolicyunits": "scheduling_policy_units",
    "quotaclusterlimits": "quota_cluster_limits",
    "quotastoragelimits": "quota_storage_limits",
    "clusterlevels": "cluster_levels",
    "openstackimageproviders": "openstack_image_providers",
    "imagetransfers": "image_transfers",
}


def plural_of(rel: str) -> str:
    return PLURAL.get(rel, rel)


def plural_for(child_tag: str, rel: str) -> str:
    """A sub-collection's element name: ``/hosts/ID/nics`` is ``<host_nics>`` of
    ``<host_nic>`` (the SDK reads ``<nics>`` as VM NICs)."""
    if child_tag == "openstack_image":
        return "openstack_images"  # a Glance provider's images
    return "host_nics" if child_tag == "host_nic" else plural_of(rel)


def collection_of(tag: str) -> str | None:
    """The top-level collection whose entities are ``tag`` elements (``vm`` -> ``vms``)."""
    return next((name for name, (t, _) in TOP.items() if t == tag), None)


def host_summaries(w: RecordStore, hosts: list[T.Host]) -> list[T.Host]:
    """Refresh each host's VM summary (active / migrating / total) in one pass over the VMs."""
    counts: dict[str, list[int]] = {h.id: [0, 0, 0] for h in hosts}
    for vm in w.coll["vms"].values():
        if vm.host is not None and vm.host.id in counts:
            c = counts[vm.host.id]
            c[2] += 1
            if vm.status == T.VmStatus.MIGRATING:
                c[1] += 1
            else:
                c[0] += 1
    for h in hosts:
        a, m, t = counts[h.id]
        s = h.summary
        if s is None or (s.active, s.migrating, s.total) != (a, m, t):
            h.summary = T.VmSummary(active=a, migrating=m, total=t)  # else keep its cached XML
    return hosts


def top_sd(w: RecordStore, sd: Any) -> Any:
    """Storage domains at top level carry no status when attached (as in the engine)."""
    return sd


def dc_sd(w: RecordStore, dc: Any, sd: Any) -> Any:
    """A storage domain as seen under ``/datacenters/DC/storagedomains``: with status."""
    view = copy.copy(sd)
    view.href = href("datacenters", dc.id, "storagedomains", sd.id)
    view.status = sd._sim_dc_status
    view.data_center = ref(T.DataCenter, "datacenters", dc.id)
    view._sim_source = sd
    return view


def _vm_of(w: RecordStore, obj: Any) -> Any:
    return w.get("vms", obj.vm.id)


def _host_nic_stats(w: RecordStore, nic: T.HostNic) -> list[T.Statistic]:
    return stats.nic_statistics(
        w.clock.time(), nic.href, ("host_nic", mk(T.HostNic, id=nic.id, href=nic.href)), nic.id
    )


def _vm_nic_stats(w: RecordStore, nic: T.Nic) -> list[T.Statistic]:
    return stats.nic_statistics(
        w.clock.time(), nic.href, ("nic", mk(T.Nic, id=nic.id, href=nic.href)), nic.id
    )


def _sd_disks(w: RecordStore, sd: Any) -> list[Any]:
    src = getattr(sd, "_sim_source", sd)
    return [
        d for d in w.all_disks().values() if any(s.id == src.id for s in d.storage_domains or [])
    ]


def _dc_sds(w: RecordStore, dc: Any) -> list[Any]:
    return [
        dc_sd(w, dc, sd)
        for sd in w.coll["storagedomains"].values()
        if sd.data_centers and sd.data_centers[0].id == dc.id
    ]


def _snapshot_disks(w: RecordStore, snap: T.Snapshot) -> list[Any]:
    vm = w.get("vms", snap.vm.id)
    if vm is None:
        return []
    return [
        w.get("disks", a.disk.id)
        for a in w.sub("vms", vm, "diskattachments") or []
        if w.get("disks", a.disk.id)
    ]


def _sub(coll: str, name: str) -> Callable[[RecordStore, Any], list[Any]]:
    return lambda w, o: list(w.sub(coll, o, name) or [])


def _diskprofiles(w: RecordStore, sd: T.StorageDomain) -> list[T.DiskProfile]:
    src = getattr(sd, "_sim_source", sd)
    pid = "58ca604e-01a7-003f-01de-000000000251"
    return [
        mk(
            T.DiskProfile,
            id=pid,
            href=href("diskprofiles", pid),
            name=src.name,
            storage_domain=ref(T.StorageDomain, "storagedomains", src.id),
        )
    ]


def _exported(sd: Any, kind: str) -> list[Any]:
    """What was exported to an export domain (``Machines.vm_export``); others list none."""
    src = getattr(sd, "_sim_source", sd)
    return list(getattr(src, "_sim_exported", {}).get(kind, {}).values())


def _consoles(w: RecordStore, vm: T.Vm) -> list[T.GraphicsConsole]:
    """The VM's graphics consoles; while it runs on a host they carry the address and the
    ports a ticket is used with (SPICE also a TLS port), as the engine reports them."""
    items = list(w.sub("vms", vm, "graphicsconsoles") or [])
    host = w.get("hosts", vm.host.id) if vm.host is not None else None
    running = host is not None and vm.status not in (
        T.VmStatus.DOWN,
        T.VmStatus.SUSPENDED,
        T.VmStatus.WAIT_FOR_LAUNCH,
        T.VmStatus.IMAGE_LOCKED,
    )
    # each running VM gets its own display ports on its host, as qemu allocates them
    base = 5900 + 3 * (int(vm.id.replace("-", "")[:4], 16) % 300)
    for k, gc in enumerate(items):
        if running and host is not None:
            gc.address = host.address
            gc.port = base + 2 * k
            gc.tls_port = base + 2 * k + 1 if gc.protocol == T.GraphicsType.SPICE else None
        else:
            gc.address = gc.port = gc.tls_port = None
    return items


# (entity element, rel) -> (child element, items)
CHILDREN: dict[tuple[str, str], tuple[str, Callable[[RecordStore, Any], list[Any]]]] = {
    ("vm_pool", "permissions"): (  # sim/pool_machine
        "permission",
        lambda w, o: list(getattr(o, "_sim_permissions", [])),
    ),
    ("vm", "nics"): ("nic", _sub("vms", "nics")),
    ("vm", "diskattachments"): ("disk_attachment", _sub("vms", "diskattachments")),
    ("vm", "snapshots"): ("snapshot", _sub("vms", "snapshots")),
    ("vm", "applications"): (
        "application",
        lambda w, o: (
            list(w.sub("vms", o, "applications") or []) if o.status == T.VmStatus.UP else []
        ),
    ),
    ("vm", "graphicsconsoles"): ("graphics_console", lambda w, o: _consoles(w, o)),
    ("vm", "cdroms"): ("cdrom", _sub("vms", "cdroms")),
    ("vm", "permissions"): ("permission", _sub("vms", "permissions")),
    ("vm", "statistics"): ("statistic", lambda w, o: stats.vm_statistics(w, o)),
    ("vm", "reporteddevices"): ("reported_device", lambda w, o: reported_devices(w, o)),
    ("nic", "statistics"): ("statistic", _vm_nic_stats),
    ("nic", "reporteddevices"): (
        "reported_device",
        lambda w, n: reported_devices(w, _vm_of(w, n), n) if n.vm else [],
    ),
    ("snapshot", "disks"): ("disk", _snapshot_disks),
    ("host", "nics"): ("host_nic", _sub("hosts", "nics")),
    ("host", "devices"): ("host_device", _sub("hosts", "devices")),
    ("host", "hooks"): ("hook", _sub("hosts", "hooks")),
    ("host", "networkattachments"): ("network_attachment", _sub("hosts", "networkattachments")),
    ("host", "permissions"): ("permission", _sub("hosts", "permissions")),
    ("host", "statistics"): ("statistic", lambda w, o: stats.host_statistics(w, o)),
    ("host_nic", "statistics"): ("statistic", _host_nic_stats),
    ("cluster", "affinitygroups"): (
        "affinity_group",
        lambda w, o: [g for g in w.coll["affinitygroups"].values() if g.cluster.id == o.id],
    ),
    ("cluster", "networks"): ("network", cluster_networks),
    ("cluster", "permissions"): ("permission", _sub("clusters", "permissions")),
    ("data_center", "storagedomains"): ("storage_domain", _dc_sds),
    ("data_center", "clusters"): (
        "cluster",
        lambda w, o: [c for c in w.coll["clusters"].values() if c.data_center.id == o.id],
    ),
    ("data_center", "networks"): (
        "network",
        lambda w, o: [n for n in w.coll["networks"].values() if n.data_center.id == o.id],
    ),
    ("data_center", "permissions"): ("permission", _sub("datacenters", "permissions")),
    ("storage_domain", "disks"): ("disk", _sd_disks),
    ("storage_domain", "vms"): ("vm", lambda w, o: _exported(o, "vms")),
    ("storage_domain", "templates"): ("template", lambda w, o: _exported(o, "templates")),
    ("user", "sshpublickeys"): ("ssh_public_key", _sub("users", "sshpublickeys")),
    ("storage_domain", "permissions"): ("permission", _sub("storagedomains", "permissions")),
    ("storage_domain", "diskprofiles"): ("disk_profile", _diskprofiles),
    ("template", "nics"): ("nic", _sub("templates", "nics")),
    ("template", "diskattachments"): ("disk_attachment", _sub("templates", "diskattachments")),
    ("network", "vnicprofiles"): (
        "vnic_profile",
        lambda w, o: [p for p in w.coll["vnicprofiles"].values() if p.network.id == o.id],
    ),
    ("network", "permissions"): ("permission", _sub("networks", "permissions")),
    ("job", "steps"): ("step", lambda w, o: list(getattr(o, "_sim_steps", []))),
    ("disk", "statistics"): ("statistic", lambda w, o: stats.disk_statistics(o)),
    ("affinity_group", "vms"): (
        "vm",
        lambda w, o: [w.get("vms", v.id) for v in o.vms or [] if w.get("vms", v.id)],
    ),
    # sim/catalog_machine adds its own: tags, quotas, affinity, scheduling policies
    **admin.ADMIN_CHILDREN,  # permissions, permits, directory users (sim/admin_views)
    **glance.CHILDREN,  # a provider's images (sim/glance)
    **storage_server.CHILDREN,  # the LUNs a host sees (sim/storage_server)
}


@dataclass
class Node:
    """A resolved path: a collection (``items`` set) or an entity (``obj`` set)."""

    tag: str
    path: list[str]
    items: list[Any] | None = None
    obj: Any = None
    plural: str = ""
    top: str | None = None  # top-level collection name, for search
    parent: Any = None
    parent_tag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def actions_tag(self) -> str | None:
        if self.tag == "storage_domain" and self.parent_tag == "data_center":
            return "attached_storage_domain"
        return None


def children(world: RecordStore, tag: str, obj: Any, rel: str) -> tuple[str, list[Any]] | None:
    entry = CHILDREN.get((tag, rel))
    if entry is not None:
        return entry[0], entry[1](world, obj)
    if rel in render.LINKS.get(tag, []):
        return rel.rstrip("s"), []  # a real but empty sub-collection
    return None


def find_top(world: RecordStore, coll: str, obj_id: str) -> Any | None:
    if coll == "disks":
        obj = world.get("disks", obj_id)
        return obj if obj is not None else world.all_disks().get(obj_id)
    key = coll if coll in world.coll else None
    if key is not None:
        obj = world.get(key, obj_id)
        if coll == "hosts" and obj is not None:
            host_summaries(world, [obj])
        return obj
    if coll in TOP:  # a collection made on the fly (clusterlevels)
        return next((o for o in TOP[coll][1](world) if getattr(o, "id", None) == obj_id), None)
    return None


def resolve(world: RecordStore, segs: list[str]) -> Node | None:
    """Walk ``segs`` (after /ovirt-engine/api). None when nothing is there."""
    if not segs or segs[0] not in TOP:
        return None
    tag, fn = TOP[segs[0]]
    node = Node(tag=tag, path=[segs[0]], plural=plural_of(segs[0]), top=segs[0])
    lazy_items: Callable[[], list[Any]] | None = lambda: fn(world)  # noqa: E731
    for i, seg in enumerate(segs[1:], start=1):
        if node.obj is None:  # collection -> entity
            obj = None
            if node.top and len(node.path) == 1:
                obj = find_top(world, node.top, seg)
            else:
                items = (
                    node.items if node.items is not None else (lazy_items() if lazy_items else [])
                )
                obj = next((o for o in items if getattr(o, "id", None) == seg), None)
            if obj is None:
                return None
            node = Node(
                tag=node.tag,
                path=segs[: i + 1],
                obj=obj,
                parent=node.parent,
                parent_tag=node.parent_tag,
                top=None,
            )
            lazy_items = None
        else:  # entity -> sub-collection
            sub = children(world, node.tag, node.obj, seg)
            if sub is None:
                return None
            child_tag, items = sub
            node = Node(
                tag=child_tag,
                path=segs[: i + 1],
                items=items,
                plural=plural_for(child_tag, seg),
                parent=node.obj,
                parent_tag=node.tag,
            )
    if node.obj is None and node.items is None and lazy_items is not None:
        node.items = lazy_items()
    return node


def follow_fn(world: RecordStore) -> render.FollowFn:
    def inline(obj: Any, tag: str, rel: str, nested: list[str]) -> str | None:
        sub = children(world, tag, obj, rel)
        if sub is None:
            return None
        child_tag, items = sub
        return render.collection(
            (render.entity(i, child_tag, follow=nested, follow_fn=inline) for i in items),
            plural_of(rel),  # inline, the element is the attribute's name (host.nics)
        )

    return inline


def render_entity(world: RecordStore, node: Node, follow: list[str] | None = None) -> str:
    """One entity's XML (see ``entity_document`` for the cached document)."""
    return render.entity(
        node.obj, node.tag, actions_tag=node.actions_tag, follow=follow, follow_fn=follow_fn(world)
    )


def entity_document(world: RecordStore, node: Node, follow: list[str] | None = None) -> bytes:
    """The XML document of the entity at ``node``; a top-level record without ``follow``
    comes from its cached XML."""
    if not follow and node.parent is None and node.actions_tag is None:
        return render.XML_DECL.encode() + xmlcache.entity_bytes(node.obj, node.tag)
    return render.document(render_entity(world, node, follow))


def list_items(world: RecordStore, node: Node, params: dict[str, str]) -> list[Any]:
    """Filter / page a collection node according to the query parameters."""
    items = node.items or []
    max_ = None
    if params.get("max") not in (None, ""):
        try:
            max_ = int(params["max"])
        except ValueError:
            raise search.SearchError(
                f"Invalid value for 'max' parameter: '{params['max']}'."
            ) from None
    if node.top == "events" and params.get("from"):
        try:
            from_id = int(params["from"])
        except ValueError:
            raise search.SearchError(
                f"Invalid value for 'from' parameter: '{params['from']}'."
            ) from None
        items = [e for e in items if int(e.id) > from_id]
    if node.top:
        cs = params.get("case_sensitive", "false").lower() == "true"
        return search.run(world, node.top, items, params.get("search"), max_, cs)
    return items[:max_] if max_ is not None and max_ >= 0 else items


def render_collection(world: RecordStore, node: Node, params: dict[str, str]) -> list[bytes]:
    """The collection's XML document, in parts (``b"".join`` them for the whole).

    A top-level list without ``follow`` is a join of each record's cached XML
    (``xmlcache``): only records changed since they were last read are rendered again."""
    items = list_items(world, node, params)
    follow = [f.strip() for f in params.get("follow", "").split(",") if f.strip()]
    if not items:
        return [render.document(f"<{node.plural}/>")]
    head = (render.XML_DECL + f"<{node.plural}>\n").encode("utf-8")
    tail = f"</{node.plural}>\n".encode()
    if node.top and not follow:
        return [head, *(xmlcache.entity_bytes(o, node.tag) for o in items), tail]
    inline = follow_fn(world)
    at = node.actions_tag if node.parent_tag else None
    if node.tag == "storage_domain" and node.parent_tag == "data_center":
        at = "attached_storage_domain"
    parts = [
        render.entity(o, node.tag, actions_tag=at, follow=follow, follow_fn=inline) + "\n"
        for o in items
    ]
    return [head, "".join(parts).encode("utf-8"), tail]


# What the engine's summary counts as active (GetSystemStatisticsQuery; a migrating VM's
# status there is MigratingFrom, which it does not count).
ACTIVE_VMS = {
    T.VmStatus.UP,
    T.VmStatus.POWERING_UP,
    T.VmStatus.WAIT_FOR_LAUNCH,
    T.VmStatus.REBOOT_IN_PROGRESS,
    T.VmStatus.POWERING_DOWN,
    T.VmStatus.PAUSED,
    T.VmStatus.UNKNOWN,
}
ACTIVE_HOSTS = {T.HostStatus.UP, T.HostStatus.PREPARING_FOR_MAINTENANCE}


def api_root(world: RecordStore, user: str) -> str:
    vms = world.coll["vms"].values()
    hosts = world.coll["hosts"].values()
    sds = world.coll["storagedomains"].values()
    api = T.Api(
        product_info=T.ProductInfo(
            name="oVirt Engine",
            vendor="ovirt.org",
            instance_id="c8d2a4b6-3f1e-4a57-9b0d-5e6f7a8b9c01",
            version=T.Version(build=8, full_version="4.5.4-1.el8", major=4, minor=5, revision=0),
        ),
        special_objects=T.SpecialObjects(
            blank_template=ref(T.Template, "templates", "00000000-0000-0000-0000-000000000000"),
            root_tag=ref(T.Tag, "tags", "00000000-0000-0000-0000-000000000000"),
        ),
        summary=T.ApiSummary(
            hosts=T.ApiSummaryItem(
                active=sum(1 for h in hosts if h.status in ACTIVE_HOSTS), total=len(hosts)
            ),
            storage_domains=T.ApiSummaryItem(
                active=sum(1 for s in sds if s._sim_dc_status == T.StorageDomainStatus.ACTIVE),
                total=len(sds),
            ),
            users=T.ApiSummaryItem(active=1, total=len(world.coll["users"])),
            vms=T.ApiSummaryItem(
                active=sum(1 for v in vms if v.status in ACTIVE_VMS), total=len(vms)
            ),
        ),
        time=world.now(),
        authenticated_user=ref(T.User, "users", next(iter(world.coll["users"]))),
        effective_user=ref(T.User, "users", next(iter(world.coll["users"]))),
    )
    text = render.write_plain(api, "api").rstrip("\n")
    links = []
    for name in TOP:
        links.append(f'<link href="{API}/{name}" rel="{name}"/>')
        if name in search.FIELDS:
            links.append(f'<link href="{API}/{name}?search={{query}}" rel="{name}/search"/>')
    cut = text.index(">") + 1
    return text[:cut] + "\n" + "\n".join(links) + text[cut:]
