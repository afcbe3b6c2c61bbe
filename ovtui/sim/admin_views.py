"""What the admin objects look like and where they sit: the engine's permits and predefined
roles, the directory's domains, users and groups, permissions on objects (inherited down the
tree), and the ``routes.TOP`` / ``routes.CHILDREN`` entries that serve them.

A leaf of the simulator (records, store and the SSO's directory only), so that ``routes`` can
merge these entries without an import cycle; the writes and the access rules are in
``admin_machine``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.sso import DIRECTORY, Directory, DirectoryUser
from ovtui.sim.store import RecordStore

# fmt: off
# ActionGroup.java: id -> (permit name, administrative)
ACTION_GROUPS: dict[int, tuple[str, bool]] = {
    1: ('create_vm', False),
    2: ('delete_vm', False),
    3: ('edit_vm_properties', False),
    5: ('change_vm_cd', False),
    6: ('migrate_vm', False),
    7: ('connect_to_vm', False),
    8: ('import_export_vm', True),
    9: ('configure_vm_network', False),
    10: ('configure_vm_storage', False),
    11: ('move_vm', False),
    12: ('manipulate_vm_snapshots', False),
    13: ('reconnect_to_vm', False),
    14: ('change_vm_custom_properties', True),
    15: ('edit_admin_vm_properties', True),
    16: ('create_instance', False),
    17: ('reboot_vm', False),
    18: ('stop_vm', False),
    19: ('shut_down_vm', False),
    21: ('hibernate_vm', False),
    22: ('run_vm', False),
    23: ('reset_vm', False),
    100: ('create_host', True),
    101: ('edit_host_configuration', True),
    102: ('delete_host', True),
    103: ('manipulate_host', True),
    104: ('configure_host_network', True),
    200: ('create_template', False),
    201: ('edit_template_properties', False),
    202: ('delete_template', False),
    203: ('copy_template', False),
    204: ('configure_template_network', False),
    205: ('edit_admin_template_properties', True),
    300: ('create_vm_pool', False),
    301: ('edit_vm_pool_configuration', False),
    302: ('delete_vm_pool', False),
    303: ('vm_pool_basic_operations', False),
    400: ('create_cluster', True),
    401: ('edit_cluster_configuration', True),
    402: ('delete_cluster', True),
    403: ('configure_cluster_network', True),
    404: ('assign_cluster_network', True),
    500: ('manipulate_users', True),
    501: ('manipulate_roles', True),
    502: ('manipulate_permissions', False),
    503: ('add_users_and_groups_from_directory', False),
    504: ('edit_profile', False),
    600: ('create_storage_domain', True),
    601: ('edit_storage_domain_configuration', True),
    602: ('delete_storage_domain', True),
    603: ('manipulate_storage_domain', True),
    700: ('create_storage_pool', True),
    701: ('delete_storage_pool', True),
    702: ('edit_storage_pool_configuration', True),
    703: ('configure_storage_pool_network', True),
    704: ('create_storage_pool_network', True),
    705: ('delete_storage_pool_network', True),
    800: ('configure_engine', True),
    900: ('configure_quota', True),
    901: ('consume_quota', False),
    1000: ('create_gluster_volume', True),
    1001: ('manipulate_gluster_volume', True),
    1002: ('delete_gluster_volume', True),
    1003: ('manipulate_gluster_hook', True),
    1004: ('manipulate_gluster_service', True),
    1100: ('create_disk', False),
    1101: ('attach_disk', False),
    1102: ('edit_disk_properties', False),
    1103: ('configure_disk_storage', False),
    1104: ('delete_disk', False),
    1105: ('configure_scsi_generic_io', True),
    1106: ('access_image_storage', False),
    1107: ('disk_live_storage_migration', False),
    1108: ('sparsify_disk', False),
    1109: ('reduce_disk', True),
    1110: ('backup_disk', True),
    1203: ('configure_network_vnic_profile', True),
    1204: ('create_network_vnic_profile', True),
    1205: ('delete_network_vnic_profile', True),
    1300: ('login', False),
    1301: ('tag_management', True),
    1302: ('bookmark_management', True),
    1303: ('event_notification_management', True),
    1304: ('audit_log_management', True),
    1400: ('inject_external_events', True),
    1500: ('inject_external_tasks', True),
    1550: ('manipulate_affinity_groups', True),
    1560: ('configure_storage_disk_profile', True),
    1561: ('create_storage_disk_profile', True),
    1562: ('delete_storage_disk_profile', True),
    1563: ('attach_disk_profile', False),
    1660: ('create_mac_pool', True),
    1661: ('edit_mac_pool', True),
    1662: ('delete_mac_pool', True),
    1663: ('configure_mac_pool', True),
    1664: ('connect_to_serial_console', False),
    1665: ('delete_cpu_profile', True),
    1666: ('update_cpu_profile', True),
    1667: ('create_cpu_profile', True),
    1668: ('assign_cpu_profile', True),
}
# dbscripts data 00500_insert_roles.sql / 00700_insert_roles_groups.sql (+ 04_04_1060 RESET_VM):
# (id, name, description, administrative, allows viewing children, permit ids)
PREDEFINED_ROLES: tuple[tuple[str, str, str, bool, bool, tuple[int, ...]], ...] = (
    ('00000000-0000-0000-0000-000000000001', 'SuperUser', 'Roles management administrator', True, True, (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21, 22, 23, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 400, 401, 402, 403, 404, 500, 501, 502, 503, 600, 601, 602, 603, 700, 701, 702, 703, 704, 705, 800, 900, 901, 1000, 1001, 1002, 1003, 1004, 1100, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1203, 1204, 1205, 1300, 1301, 1302, 1303, 1304, 1400, 1500, 1550, 1560, 1561, 1562, 1563, 1660, 1661, 1662, 1663, 1664, 1665, 1666, 1667, 1668)),
    ('00000000-0000-0000-0001-000000000001', 'UserRole', 'Standard User Role', False, True, (5, 7, 17, 18, 19, 21, 22, 23, 303, 1106, 1300)),
    ('00000000-0000-0000-0001-000000000002', 'PowerUserRole', 'User Role, allowed to create VMs, Templates and Disks', False, False, (1, 200, 1100, 1106, 1300, 1563, 1665, 1666, 1667, 1668)),
    ('def00001-0000-0000-0000-def000000001', 'ClusterAdmin', 'Administrator Role, permission for all the objects underneath a specific Cluster', True, True, (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18, 19, 21, 22, 23, 100, 101, 102, 103, 104, 300, 301, 302, 303, 400, 401, 402, 403, 502, 503, 1100, 1101, 1102, 1103, 1104, 1107, 1300, 1301, 1302, 1303, 1304, 1550, 1563, 1665, 1666, 1667, 1668)),
    ('def00002-0000-0000-0000-def000000002', 'DataCenterAdmin', 'Administrator Role, permission for all the objects underneath a specific Data Center, except Storage', True, True, (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18, 19, 21, 22, 23, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 400, 401, 402, 403, 404, 502, 503, 700, 701, 702, 703, 704, 705, 900, 901, 1100, 1101, 1102, 1103, 1104, 1105, 1107, 1203, 1204, 1205, 1300, 1301, 1302, 1303, 1304, 1550, 1563, 1663, 1665, 1666, 1667, 1668)),
    ('def00003-0000-0000-0000-def000000003', 'StorageAdmin', 'Administrator Role, permission for all operations on a specific Storage Domain', True, True, (600, 601, 602, 603, 1100, 1101, 1102, 1103, 1104, 1106, 1107, 1300, 1301, 1302, 1303, 1304, 1560, 1561, 1562, 1563)),
    ('def00004-0000-0000-0000-def000000004', 'HostAdmin', 'Administrator Role, permission for all operations on a specific Host', True, True, (100, 101, 102, 103, 104, 600, 601, 602, 603, 1300, 1301, 1302, 1303, 1304, 1560, 1561, 1562, 1563)),
    ('def00005-0000-0000-0000-def000000005', 'NetworkAdmin', 'Administrator Role, permission for all operations on a specific Logical Network', True, True, (9, 104, 204, 403, 404, 703, 704, 705, 1203, 1204, 1205, 1300, 1301, 1302, 1303, 1304)),
    ('def00006-0000-0000-0000-def000000006', 'UserVmManager', 'User Role, with permission for any operation on Vms', False, True, (1, 2, 3, 5, 7, 9, 10, 12, 17, 18, 19, 21, 22, 23, 502, 503, 1100, 1101, 1102, 1104, 1300, 1664, 1668)),
    ('def00007-0000-0000-0000-def000000007', 'VmPoolAdmin', 'Administrator Role, permission for all operations on a specific VM Pool', True, True, (1, 300, 301, 302, 303, 1300, 1301, 1302, 1303, 1304, 1668)),
    ('def00008-0000-0000-0000-def000000008', 'TemplateAdmin', 'Administrator Role, permission for all operations on a specific Template', True, True, (200, 201, 202, 203, 204, 205, 502, 503, 1106, 1300, 1301, 1302, 1303, 1304)),
    ('def0000a-0000-0000-0000-def00000000a', 'QuotaConsumer', 'User Role, permissions to consume the Quota resources', False, False, (901,)),
    ('def0000a-0000-0000-0000-def00000000b', 'DiskOperator', 'User Role, permissions for all operations on a specific disk', False, True, (502, 503, 1100, 1101, 1102, 1104, 1300)),
    ('def0000a-0000-0000-0000-def00000000c', 'DiskCreator', 'User Role, permission to create Disks', False, False, (1100, 1300)),
    ('def0000b-0000-0000-0000-def00000000b', 'GlusterAdmin', 'Administrator Role, permissions for operations on Gluster objects', True, True, (100, 101, 102, 103, 104, 400, 401, 402, 403, 404, 1000, 1001, 1002, 1003, 1004, 1300, 1301, 1302, 1303, 1304)),
    ('def0000a-0000-0000-0000-def00000000d', 'VmCreator', 'User Role, permission to create VMs', False, False, (1, 1100, 1300, 1668)),
    ('def0000a-0000-0000-0000-def00000000e', 'TemplateCreator', 'User Role, permission to create Templates', False, False, (200, 1300)),
    ('def0000a-0000-0000-0000-def00000000f', 'TemplateOwner', 'User Role, permissions for all operations on Templates', False, True, (201, 202, 203, 204, 502, 503, 1300)),
    ('def0000c-0000-0000-0000-def000000000', 'ExternalEventsCreator', 'External Events Creator', False, False, (1400,)),
    ('def0000d-0000-0000-0000-def000000000', 'ExternalTasksCreator', 'External Tasks Creator', False, False, (1500,)),
    ('def0000a-0000-0000-0000-def000000010', 'VnicProfileUser', 'VM Network Interface Profile User', False, False, (9, 204, 1300)),
    ('def00009-0000-0000-0000-def000000009', 'UserTemplateBasedVm', 'Template User', False, False, (1, 1668)),
    ('def00011-0000-0000-0000-def000000011', 'InstanceCreator', 'User Role, permission to create Instances', False, False, (16, 1100, 1300)),
    ('def00012-0000-0000-0000-def000000012', 'UserInstanceManager', 'User Role, with permission for any operation on Instances', False, False, (2, 3, 5, 7, 10, 12, 17, 18, 19, 21, 22, 23, 502, 503, 1100, 1101, 1102, 1104, 1300, 1664)),
    ('def0000c-0000-0000-0000-def00000000c', 'ReadOnlyAdmin', 'Read Only Administrator Role', True, True, (1300,)),
    ('def00011-0000-0000-0000-def000000013', 'TagManager', 'Tag Manager', True, False, (1300, 1301, 1304)),
    ('def00011-0000-0000-0000-def000000014', 'BookmarkManager', 'Bookmark Manager', True, False, (1300, 1302, 1304)),
    ('def00011-0000-0000-0000-def000000015', 'EventNotificationManager', 'Event Notification Manager', True, False, (1300, 1303, 1304)),
    ('def00011-0000-0000-0000-def000000016', 'AuditLogManager', 'Audit Log Manager', True, False, (1300, 1304)),
    ('def00013-0000-0000-0000-def000000013', 'MacPoolAdmin', 'MAC Pool Administrator Role, permission for manipulation with MAC pools', True, True, (1300, 1660, 1661, 1662, 1663)),
    ('def00014-0000-0000-0000-def000000014', 'MacPoolUser', 'MAC Pool User Role, permission allowing using MAC pools', False, True, (1300, 1663)),
    ('def00020-0000-0000-0000-abc000000010', 'DiskProfileUser', 'Disk Profile User', False, False, (1563,)),
    ('def00006-0000-0000-0000-def000000011', 'UserVmRunTimeManager', 'User Role, with permissions for any operations on VMs except snapshot manipulation', False, False, (1, 2, 3, 5, 7, 9, 10, 17, 18, 19, 21, 22, 23, 502, 503, 1100, 1101, 1102, 1104, 1300, 1668)),
    ('def00021-0000-0000-0000-def000000015', 'UserProfileEditor', 'Role that allow users to edit the UserProfile', False, False, (504,)),
    ('def00030-0000-0000-0000-def000000011', 'VmImporterExporter', 'Administrator Role, with permission to import or export Vms', True, True, (8, 1300, 1563, 1668)),
    ('def00017-0000-0000-0000-def000000017', 'CpuProfileOperator', 'Cpu Profile Operation', False, False, (1668,)),
    ('def00016-0000-0000-0000-def000000016', 'CpuProfileCreator', 'Cpu Profile Creation/Deletion/Updating and Operation', True, False, (1665, 1666, 1667, 1668)),
)
# fmt: on

SUPER_USER_ROLE = "00000000-0000-0000-0000-000000000001"
USER_PROFILE_EDITOR = "def00021-0000-0000-0000-def000000015"
LOGIN = 1300
ADMIN_USER_ID = "fdfc627c-d875-11e0-90f0-83df133b58cc"  # admin@internal (seed)
SYSTEM = ("system", "aaa00000-0000-0000-0000-123456789aaa")  # the engine's System object

_NS = uuid.UUID("6f1d3c2a-5b7e-4c1d-9a8b-0e2f4d6c8a10")


# permission attribute (element) -> top collection of the object it sits on
OBJECT_ATTRS: dict[str, str] = {
    "vm": "vms",
    "host": "hosts",
    "cluster": "clusters",
    "data_center": "datacenters",
    "storage_domain": "storagedomains",
    "template": "templates",
    "disk": "disks",
}
# top collection -> entity element, for every object that has permissions
OBJECT_TAGS: dict[str, str] = {
    "vms": "vm",
    "hosts": "host",
    "clusters": "cluster",
    "datacenters": "data_center",
    "storagedomains": "storage_domain",
    "templates": "template",
    "disks": "disk",
    "networks": "network",
    "vnicprofiles": "vnic_profile",
}
TAG_COLLECTION = {tag: coll for coll, tag in OBJECT_TAGS.items()}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


# ------------------------------------------------------------------ the directory and roles
def permit(gid: int, role_id: str) -> T.Permit:
    name, administrative = ACTION_GROUPS[gid]
    return mk(
        T.Permit,
        id=str(gid),
        href=href("roles", role_id, "permits", str(gid)),
        name=name,
        administrative=administrative,
        role=ref(T.Role, "roles", role_id),
    )


def make_role(
    rid: str, name: str, description: str, administrative: bool, children: bool,
    permits: Iterable[int], mutable: bool,
) -> T.Role:  # fmt: skip
    role = mk(
        T.Role,
        id=rid,
        href=href("roles", rid),
        name=name,
        description=description,
        administrative=administrative,
        mutable=mutable,
    )
    set_private(role, _sim_permits=sorted(set(permits)), _sim_children=children)
    return role


def domain_id(d: Directory) -> str:
    return _id("domain", d.authz)


def directory_entry(d: Directory, u: DirectoryUser) -> T.User:
    """A user as the directory shows it (``/domains/{id}/users``)."""
    did = domain_id(d)
    eid = _id("entry", d.authz, u.principal)
    return mk(
        T.User,
        id=eid,
        href=href("domains", did, "users", eid),
        name=u.first_name,
        last_name=u.last_name,
        email=u.email,
        principal=u.principal,
        user_name=f"{u.principal}@{d.profile}",
        namespace="*",
        domain=mk(T.Domain, id=did, href=href("domains", did), name=d.authz),
    )


def directory_group(d: Directory, name: str) -> T.Group:
    did = domain_id(d)
    gid = _id("group-entry", d.authz, name)
    return mk(
        T.Group,
        id=gid,
        href=href("domains", did, "groups", gid),
        name=name,
        namespace="*",
        domain=mk(T.Domain, id=did, href=href("domains", did), name=d.authz),
    )


def install_admin(world: RecordStore) -> None:
    """Put the engine's roles, its directory's domains and the system permissions in
    ``world`` (once: a second Machines on the same world finds them there)."""
    with world.lock:
        if world.coll.get("roles"):
            return
        world.coll["roles"] = {
            rid: make_role(rid, name, desc, admin, children, groups, mutable=False)
            for rid, name, desc, admin, children, groups in PREDEFINED_ROLES
        }
        world.coll["domains"] = {}
        for d in DIRECTORY:
            did = domain_id(d)
            dom = mk(T.Domain, id=did, href=href("domains", did), name=d.authz)
            set_private(dom, _sim_directory=d)
            world.coll["domains"][did] = dom
        admin = world.get("users", ADMIN_USER_ID)
        if admin is not None:
            admin.domain = mk(T.Domain, id=domain_id(DIRECTORY[0]), name="internal-authz")
            admin.domain.href = href("domains", admin.domain.id)
            set_private(admin, _sim_login=admin.user_name)
        everyone = next((g for g in world.coll["groups"].values() if g.name == "Everyone"), None)
        perms = world.coll["permissions"]
        system_admin = new_permission(
            world, "00000000-0000-0000-0000-000000000099", SUPER_USER_ROLE, None
        )
        system_admin.user = ref(T.User, "users", ADMIN_USER_ID)
        perms[system_admin.id] = system_admin
        if everyone is not None:
            profile = new_permission(
                world, "00000000-0000-0000-0000-000000000098", USER_PROFILE_EDITOR, None
            )
            profile.group = ref(T.Group, "groups", everyone.id)
            perms[profile.id] = profile


def new_permission(
    world: RecordStore, pid: str, role_id: str, obj: tuple[str, str] | None
) -> T.Permission:
    """A permission record of ``role_id`` on ``obj`` ((collection, id); None: the system);
    its user or group is set by the caller."""
    perm = mk(T.Permission, id=pid, href=href("permissions", pid))
    perm.role = ref(T.Role, "roles", role_id)
    if obj is not None:
        coll, oid = obj
        tag = OBJECT_TAGS[coll]
        if tag in OBJECT_ATTRS:
            setattr(perm, tag, ref(_sdk_type(tag), coll, oid))
    set_private(perm, _sim_obj=obj)
    return perm


def _sdk_type(tag: str) -> Any:
    return {
        "vm": T.Vm,
        "host": T.Host,
        "cluster": T.Cluster,
        "data_center": T.DataCenter,
        "storage_domain": T.StorageDomain,
        "template": T.Template,
        "disk": T.Disk,
    }[tag]


# ------------------------------------------------------------------ who may see and do what
def parents(world: RecordStore, coll: str, obj: Any) -> list[tuple[str, str]]:
    """``obj`` and the objects above it, up to the system (where permissions inherit from)."""
    out = [(coll, obj.id)]

    def dc_of_cluster(cid: str | None) -> None:
        cl = world.get("clusters", cid) if cid else None
        if cl is not None:
            out.append(("clusters", cl.id))
            if cl.data_center is not None:
                out.append(("datacenters", cl.data_center.id))

    if coll in ("vms", "hosts", "templates", "vmpools"):
        dc_of_cluster(obj.cluster.id if getattr(obj, "cluster", None) is not None else None)
    elif coll == "clusters":
        if obj.data_center is not None:
            out.append(("datacenters", obj.data_center.id))
    elif coll == "storagedomains":
        out += [("datacenters", d.id) for d in obj.data_centers or []]
    elif coll == "networks":
        if obj.data_center is not None:
            out.append(("datacenters", obj.data_center.id))
    elif coll == "vnicprofiles":
        net = world.get("networks", obj.network.id) if obj.network is not None else None
        if net is not None:
            out += parents(world, "networks", net)[:-1]
    elif coll == "disks":
        for sd in obj.storage_domains or []:
            out.append(("storagedomains", sd.id))
            src = world.get("storagedomains", sd.id)
            if src is not None:
                out += [("datacenters", d.id) for d in src.data_centers or []]
    out.append(SYSTEM)
    return out


# ------------------------------------------------------------------ what GET serves
def object_permissions(world: RecordStore, coll: str, obj: Any) -> list[Any]:
    """An object's permissions as the engine lists them (GetPermissionsForObject, not direct
    only): the seeded ones, and every permission on it or above it (inherited)."""
    seeded = [p for p in world.sub(coll, obj, "permissions") or [] if not _admin_copy(p)]
    chain = set(parents(world, coll, obj))
    added = [p for p in world.coll["permissions"].values() if (p._sim_obj or SYSTEM) in chain]
    return seeded + added


def _admin_copy(perm: Any) -> bool:
    """A seeded object's copy of admin's SuperUser: the system permission, served as such."""
    return bool(
        perm.user is not None
        and perm.user.id == ADMIN_USER_ID
        and perm.role is not None
        and perm.role.id == SUPER_USER_ROLE
        and not hasattr(perm, "_sim_obj")  # not one of admin_machine's
    )


def granted_elsewhere(world: RecordStore) -> list[tuple[Any, tuple[str, str]]]:
    """Permissions other machines put in an object's own list (a pool's UserVmManager on the
    VM it gives): (permission, (collection, object id)), admin's seeded copies left out."""
    out = []
    for (coll, oid, name), items in world._subs.items():  # noqa: SLF001 - made lists only
        if name == "permissions":
            out += [(p, (coll, oid)) for p in items if not _admin_copy(p)]
    return out


def _holder_permissions(world: RecordStore, attr: str, obj: Any) -> list[Any]:
    out = []
    for p in world.coll["permissions"].values():
        who = getattr(p, attr)
        if who is not None and who.id == obj.id:
            out.append(p)
    return out


def _holder_roles(world: RecordStore, attr: str, obj: Any) -> list[Any]:
    ids = dict.fromkeys(p.role.id for p in _holder_permissions(world, attr, obj) if p.role)
    return [r for i in ids if (r := world.get("roles", i)) is not None]


def _permits(world: RecordStore, role: Any) -> list[T.Permit]:
    return [permit(g, role.id) for g in role._sim_permits]


def _directory_of(dom: Any) -> Directory:
    d: Directory = dom._sim_directory
    return d


def _domain_users(world: RecordStore, dom: Any) -> list[T.User]:
    d = _directory_of(dom)
    return [directory_entry(d, u) for u in d.users]


def _domain_groups(world: RecordStore, dom: Any) -> list[T.Group]:
    d = _directory_of(dom)
    return [directory_group(d, name) for name in d.groups]


def _perm_child(coll: str) -> Callable[[RecordStore, Any], list[Any]]:
    return lambda w, o: object_permissions(w, coll, o)


ListFn = Callable[[RecordStore], list[Any]]
ChildFn = Callable[[RecordStore, Any], list[Any]]

# routes.TOP / routes.CHILDREN entries of this module (routes.py merges them)
ADMIN_TOP: dict[str, tuple[str, ListFn]] = {
    "roles": ("role", lambda w: list(w.coll.get("roles", {}).values())),
    "domains": ("domain", lambda w: list(w.coll.get("domains", {}).values())),
    "permissions": (
        "permission",
        lambda w: [p for p in w.coll["permissions"].values() if p._sim_obj is None],
    ),
}
ADMIN_CHILDREN: dict[tuple[str, str], tuple[str, ChildFn]] = {
    **{
        (tag, "permissions"): ("permission", _perm_child(coll)) for coll, tag in OBJECT_TAGS.items()
    },
    ("role", "permits"): ("permit", _permits),
    ("domain", "users"): ("user", _domain_users),
    ("domain", "groups"): ("group", _domain_groups),
    ("user", "permissions"): ("permission", lambda w, o: _holder_permissions(w, "user", o)),
    ("user", "roles"): ("role", lambda w, o: _holder_roles(w, "user", o)),
    ("group", "permissions"): ("permission", lambda w, o: _holder_permissions(w, "group", o)),
    ("group", "roles"): ("role", lambda w, o: _holder_roles(w, "group", o)),
}
