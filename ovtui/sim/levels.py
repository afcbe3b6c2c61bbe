"""``/clusterlevels``: the cluster compatibility levels the engine supports (ovirtcmd's
``capabilities``), as BackendClusterLevelsResource builds them: the id is the version, each
level lists its CPU types (name, level, architecture) and the permits (action groups) roles
are made of; no name. An oVirt 4.5 engine supports levels 4.2 to 4.7.
"""

from __future__ import annotations

from ovirtsdk4 import types as T

from ovtui.sim.records import href, mk
from ovtui.sim.store import RecordStore

LEVELS = ("4.2", "4.3", "4.4", "4.5", "4.6", "4.7")

# (name, level, first cluster level that has it); x86_64 only, as the simulated hosts are.
CPU_TYPES = (
    ("Intel Nehalem Family", 3, "4.2"),
    ("Secure Intel Nehalem Family", 3, "4.2"),
    ("Intel Westmere Family", 4, "4.2"),
    ("Intel SandyBridge Family", 5, "4.2"),
    ("Intel Haswell-noTSX Family", 7, "4.2"),
    ("Intel Skylake Client Family", 9, "4.2"),
    ("Intel Skylake Server Family", 10, "4.2"),
    ("Intel Cascadelake Server Family", 11, "4.3"),
    ("Secure Intel Cascadelake Server Family", 11, "4.3"),
    ("Intel Icelake Server Family", 12, "4.4"),
    ("AMD Opteron G4", 4, "4.2"),
    ("AMD Opteron G5", 5, "4.2"),
    ("AMD EPYC", 6, "4.2"),
    ("Secure AMD EPYC", 7, "4.3"),
)

# ActionGroup (id, name, administrative = RoleType.ADMIN) of ovirt-engine, as PermitMapper
# names them: the permits roles are made of (most of them; the gluster, profile and
# provider ones are left out).
PERMITS = (
    (1, "create_vm", False),
    (2, "delete_vm", False),
    (3, "edit_vm_properties", False),
    (5, "change_vm_cd", False),
    (6, "migrate_vm", False),
    (7, "connect_to_vm", False),
    (8, "import_export_vm", True),
    (9, "configure_vm_network", False),
    (10, "configure_vm_storage", False),
    (11, "move_vm", False),
    (12, "manipulate_vm_snapshots", False),
    (13, "reconnect_to_vm", False),
    (14, "change_vm_custom_properties", True),
    (15, "edit_admin_vm_properties", True),
    (16, "create_instance", False),
    (17, "reboot_vm", False),
    (18, "stop_vm", False),
    (19, "shut_down_vm", False),
    (21, "hibernate_vm", False),
    (22, "run_vm", False),
    (23, "reset_vm", False),
    (100, "create_host", True),
    (101, "edit_host_configuration", True),
    (102, "delete_host", True),
    (103, "manipulate_host", True),
    (104, "configure_host_network", True),
    (200, "create_template", False),
    (201, "edit_template_properties", False),
    (202, "delete_template", False),
    (203, "copy_template", False),
    (204, "configure_template_network", False),
    (300, "create_vm_pool", False),
    (301, "edit_vm_pool_configuration", False),
    (302, "delete_vm_pool", False),
    (303, "vm_pool_basic_operations", False),
    (400, "create_cluster", True),
    (401, "edit_cluster_configuration", True),
    (402, "delete_cluster", True),
    (403, "configure_cluster_network", True),
    (500, "manipulate_users", True),
    (501, "manipulate_roles", True),
    (502, "manipulate_permissions", False),
    (600, "create_storage_domain", True),
    (601, "edit_storage_domain_configuration", True),
    (602, "delete_storage_domain", True),
    (603, "manipulate_storage_domain", True),
    (700, "create_storage_pool", True),
    (701, "delete_storage_pool", True),
    (702, "edit_storage_pool_configuration", True),
    (800, "configure_engine", True),
    (900, "configure_quota", True),
    (901, "consume_quota", False),
    (1100, "create_disk", False),
    (1101, "attach_disk", False),
    (1102, "edit_disk_properties", False),
    (1104, "delete_disk", False),
    (1300, "login", False),
    (1301, "tag_management", True),
    (1400, "inject_external_events", True),
    (1550, "manipulate_affinity_groups", True),
    (1660, "create_mac_pool", True),
)


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def cluster_level(version: str) -> T.ClusterLevel:
    cpus = [
        mk(T.CpuType, name=name, level=level, architecture=T.Architecture.X86_64)
        for name, level, since in CPU_TYPES
        if _version_key(since) <= _version_key(version)
    ]
    permits = [
        mk(T.Permit, id=str(pid), name=name, administrative=admin) for pid, name, admin in PERMITS
    ]
    return mk(
        T.ClusterLevel,
        id=version,
        href=href("clusterlevels", version),
        cpu_types=cpus,
        permits=permits,
    )


def cluster_levels(world: RecordStore) -> list[T.ClusterLevel]:
    """Every supported level, oldest first (the engine's order)."""
    del world  # the levels are the engine's, not the world's
    return [cluster_level(v) for v in LEVELS]
