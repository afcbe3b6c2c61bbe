"""The engine object types ovtui knows (nouns) and how the SDK reaches them.

A leaf module: the action layer, the CLI and the screens all read it, and it imports nothing
of ovtui's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Noun:
    """An engine object type and how the SDK reaches it."""

    name: str  # "vm"
    plural: str  # "vms"
    title: str  # "Virtual Machines"
    type_name: str  # SDK type / writer prefix: "Vm" -> ovirtsdk4.types.Vm, writers.VmWriter
    collection: str | None  # method of the system service: "vms_service"
    entity: str | None  # method of the collection service: "vm_service"
    searchable: bool = True  # the collection takes search=
    has_status: bool = True
    statistics: bool = False
    aliases: tuple[str, ...] = ()
    columns: tuple[str, ...] = ("name", "id")  # default table columns (dotted attribute paths)


NOUNS: dict[str, Noun] = {
    n.name: n
    for n in (
        Noun(
            "datacenter",
            "datacenters",
            "Data Centers",
            "DataCenter",
            "data_centers_service",
            "data_center_service",
            aliases=("dc", "dcs"),
            columns=("name", "status", "local", "version", "description", "id"),
        ),
        Noun(
            "cluster",
            "clusters",
            "Clusters",
            "Cluster",
            "clusters_service",
            "cluster_service",
            has_status=False,
            columns=("name", "version", "cpu.type", "data_center", "description", "id"),
        ),
        Noun(
            "host",
            "hosts",
            "Hosts",
            "Host",
            "hosts_service",
            "host_service",
            statistics=True,
            columns=(
                "name",
                "address",
                "status",
                "cluster",
                "summary.active",
                "update_available",
                "id",
            ),
        ),
        Noun(
            "vm",
            "vms",
            "Virtual Machines",
            "Vm",
            "vms_service",
            "vm_service",
            statistics=True,
            columns=("name", "status", "host", "cluster", "memory", "cpu.topology.sockets", "id"),
        ),
        Noun(
            "storagedomain",
            "storagedomains",
            "Storage",
            "StorageDomain",
            "storage_domains_service",
            "storage_domain_service",
            statistics=False,
            aliases=("sd", "sds", "storage"),
            columns=(
                "name",
                "type",
                "storage.type",
                "status",
                "external_status",
                "available",
                "used",
                "id",
            ),
        ),
        Noun(
            "event",
            "events",
            "Events",
            "Event",
            "events_service",
            "event_service",
            has_status=False,
            columns=("id", "time", "severity", "code", "description"),
        ),
        Noun(
            "template",
            "templates",
            "Templates",
            "Template",
            "templates_service",
            "template_service",
            columns=(
                "name",
                "version.version_number",
                "status",
                "cluster",
                "memory",
                "description",
                "id",
            ),
        ),
        Noun(
            "disk",
            "disks",
            "Disks",
            "Disk",
            "disks_service",
            "disk_service",
            statistics=True,
            columns=(
                "name",
                "provisioned_size",
                "actual_size",
                "status",
                "storage_type",
                "content_type",
                "id",
            ),
        ),
        Noun(
            "network",
            "networks",
            "Networks",
            "Network",
            "networks_service",
            "network_service",
            has_status=False,
            columns=("name", "data_center", "vlan.id", "mtu", "usages", "description", "id"),
        ),
        Noun(
            "vnicprofile",
            "vnicprofiles",
            "vNIC Profiles",
            "VnicProfile",
            "vnic_profiles_service",
            "profile_service",
            searchable=False,  # the engine's /vnicprofiles takes no search
            has_status=False,
            aliases=("vnic", "profile", "profiles"),
            columns=("name", "network", "port_mirroring", "description", "id"),
        ),
        Noun(
            "vmpool",
            "vmpools",
            "Pools",
            "VmPool",
            "vm_pools_service",
            "pool_service",
            has_status=False,
            aliases=("pool", "pools"),
            columns=(
                "name",
                "size",
                "prestarted_vms",
                "max_user_vms",
                "type",
                "template",
                "cluster",
                "description",
                "id",
            ),
        ),
        Noun(
            "job",
            "jobs",
            "Jobs",
            "Job",
            "jobs_service",
            "job_service",
            columns=("id", "status", "start_time", "end_time", "description"),
        ),
        Noun(
            "os",
            "operatingsystems",
            "Operating Systems",
            "OperatingSystemInfo",
            "operating_systems_service",
            "operating_system_service",
            searchable=False,
            has_status=False,
            aliases=("operatingsystem",),
            columns=("name", "description", "id"),
        ),
        Noun(
            "capabilities",
            "clusterlevels",
            "Cluster Levels",
            "ClusterLevel",
            "cluster_levels_service",
            "level_service",
            searchable=False,
            has_status=False,
            aliases=("clusterlevel", "capability"),
            columns=("id",),
        ),
        Noun(
            "imageprovider",
            "imageproviders",
            "Image Providers",
            "OpenStackImageProvider",
            "openstack_image_providers_service",
            "provider_service",
            searchable=False,
            has_status=False,
            aliases=("glance",),
            columns=("name", "url", "requires_authentication", "description", "id"),
        ),
        Noun(
            "user",
            "users",
            "Users",
            "User",
            "users_service",
            "user_service",
            searchable=False,
            has_status=False,
            columns=("user_name", "name", "last_name", "email", "domain", "id"),
        ),
        Noun(
            "group",
            "groups",
            "Groups",
            "Group",
            "groups_service",
            "group_service",
            searchable=False,
            has_status=False,
            columns=("name", "domain", "namespace", "id"),
        ),
        Noun(
            "role",
            "roles",
            "Roles",
            "Role",
            "roles_service",
            "role_service",
            searchable=False,
            has_status=False,
            columns=("name", "administrative", "mutable", "description", "id"),
        ),
        Noun(
            "permission",
            "permissions",
            "Permissions",
            "Permission",
            "permissions_service",
            "permission_service",
            searchable=False,
            has_status=False,
            columns=("role", "user", "group", "id"),
        ),
        Noun(
            "tag",
            "tags",
            "Tags",
            "Tag",
            "tags_service",
            "tag_service",
            searchable=False,
            has_status=False,
            columns=("name", "parent", "description", "id"),
        ),
        Noun(
            "quota",
            "quotas",
            "Quotas",
            "Quota",
            None,  # under its data center (actions/quotas.py)
            None,
            searchable=False,
            has_status=False,
            columns=("name", "data_center", "memory", "vcpus", "storage", "description", "id"),
        ),
        Noun(
            "macpool",
            "macpools",
            "MAC Pools",
            "MacPool",
            "mac_pools_service",
            "mac_pool_service",
            searchable=False,
            has_status=False,
            columns=("name", "ranges", "allow_duplicates", "default_pool", "id"),
        ),
        Noun(
            "affinitygroup",
            "affinitygroups",
            "Affinity Groups",
            "AffinityGroup",
            None,  # under its cluster (actions/affinity.py)
            None,
            searchable=False,
            has_status=False,
            aliases=("affinity",),
            columns=("name", "cluster", "vms_rule", "hosts_rule", "vms", "hosts", "id"),
        ),
        Noun(
            "affinitylabel",
            "affinitylabels",
            "Affinity Labels",
            "AffinityLabel",
            "affinity_labels_service",
            "label_service",
            searchable=False,
            has_status=False,
            aliases=("label", "labels"),
            columns=("name", "vms", "hosts", "id"),
        ),
        Noun(
            "schedulingpolicy",
            "schedulingpolicies",
            "Scheduling Policies",
            "SchedulingPolicy",
            "scheduling_policies_service",
            "policy_service",
            searchable=False,
            has_status=False,
            aliases=("policy", "policies"),
            columns=("name", "balance", "filters", "weights", "properties", "id"),
        ),
        Noun(
            "system",
            "system",
            "System",
            "Api",
            None,
            None,
            searchable=False,
            has_status=False,
            columns=("product_info.name", "product_info.version.full_version"),
        ),
    )
}

_ALIASES: dict[str, str] = {}
for _n in NOUNS.values():
    for _a in (_n.name, _n.plural, *_n.aliases):
        _ALIASES[_a] = _n.name


def resolve_noun(word: str) -> Noun | None:
    """The noun a word names (``vm``, ``vms``, ``sd``...), or None."""
    name = _ALIASES.get(word.lower())
    return NOUNS[name] if name else None
