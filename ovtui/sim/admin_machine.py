"""Users, groups, roles and permissions, and the user-level (filtered) API.

The directory the engine knows (``ovtui.sim.sso.DIRECTORY``: its ``internal`` domain and
``example.com``) is served as ``/domains/{id}/users`` and ``/groups``; ``/users`` and
``/groups`` are the engine's own (added from the directory); ``/roles`` are the engine's
predefined roles with their permits (the engine's ActionGroup ids and names) and the custom
roles made from permits; permissions sit on any object or on the system (``/permissions``).

Every API request of a user other than the simulator's own administrator goes through
:meth:`AdminMachine.admit` (called by the server): the engine's rules for a logged-in user:

- a user with no permission granting ``login`` anywhere gets no session (401);
- a query without ``Filter: true`` runs only for an administrator (a user with any
  administrative role anywhere); for anyone else the engine answers 400 "Query execution
  failed due to insufficient permissions.";
- with ``Filter: true`` a user sees only the objects they have a permission on, directly or
  through a parent (cluster, data center, the system) whose role allows viewing children; a
  collection the user-level API does not serve is refused with the same words;
- an action, add, update or remove needs the permit for it on the object or one of its
  parents, else 403 "User is not authorized to perform this action.".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtsdk4 import types as T

from ovtui.sim import xmlcache
from ovtui.sim.httptypes import HttpError, Response, bad_request, conflict, not_found
from ovtui.sim.machine_base import MachineBase, RouteParts, parse_body
from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.sso import DIRECTORY, Directory, DirectoryUser
from ovtui.sim.store import RecordStore

if TYPE_CHECKING:
    from ovtui.sim.httptypes import Request
    from ovtui.sim.routes import Node

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

NOT_AUTHORIZED = "User is not authorized to perform this action."
QUERY_REFUSED = "Query execution failed due to insufficient permissions."

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


def incomplete(entity: str, what: str, action: str = "add") -> HttpError:
    """The API's 400 for a missing parameter: ``User [userName] required for add``."""
    return HttpError(400, f"{entity} [{what}] required for {action}", "Incomplete parameters")


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

    if coll in ("vms", "hosts", "templates"):
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


@dataclass
class Grant:
    role: Any  # a T.Role with the simulator's _sim_permits and _sim_children
    obj: tuple[str, str]


class Access:
    """What one logged-in user may see and do: their permissions (and their groups')."""

    def __init__(self, world: RecordStore, login: str) -> None:
        self.world = world
        self.login = login
        self.user = find_user(world, login)
        groups = {g.id for g in world.coll["groups"].values() if g.name == "Everyone"}
        if self.user is not None:
            groups |= set(getattr(self.user, "_sim_groups", ()))
        self.group_ids = groups
        roles = world.coll["roles"]
        self.grants: list[Grant] = []
        for p in world.coll["permissions"].values():
            mine = (p.user is not None and self.user is not None and p.user.id == self.user.id) or (
                p.group is not None and p.group.id in groups
            )
            role = roles.get(p.role.id) if p.role is not None else None
            if mine and role is not None:
                self.grants.append(Grant(role, p._sim_obj or SYSTEM))
        self.admin = any(g.role.administrative for g in self.grants)
        self.can_login = any(LOGIN in g.role._sim_permits for g in self.grants)
        self._seen: dict[tuple[str, str], bool] = {}

    def permits_on(self, chain: list[tuple[str, str]]) -> set[int]:
        where = set(chain)
        out: set[int] = set()
        for g in self.grants:
            if g.obj in where:
                out |= set(g.role._sim_permits)
        return out

    def sees_chain(self, chain: list[tuple[str, str]]) -> bool:
        """A permission on the object itself, or on a parent whose role shows children."""
        first = chain[0]
        above = set(chain[1:])
        return any(g.obj == first or (g.obj in above and g.role._sim_children) for g in self.grants)

    def sees(self, coll: str, obj: Any) -> bool:
        key = (coll, obj.id)
        hit = self._seen.get(key)
        if hit is None:
            hit = self.sees_chain(parents(self.world, coll, obj))
            if not hit and coll == "disks":
                hit = any(self.sees("vms", vm) for vm in _vms_of_disk(self.world, obj))
            self._seen[key] = hit
        return hit

    def sees_event(self, event: T.Event) -> bool:
        for attr, coll in (
            ("vm", "vms"),
            ("host", "hosts"),
            ("template", "templates"),
            ("storage_domain", "storagedomains"),
            ("cluster", "clusters"),
            ("data_center", "datacenters"),
        ):
            r = getattr(event, attr, None)
            obj = self.world.get(coll, r.id) if r is not None and r.id else None
            if obj is not None and self.sees(coll, obj):
                return True
        return False


def _vms_of_disk(world: RecordStore, disk: Any) -> list[Any]:
    coll, oid = getattr(disk, "_sim_owner", ("", ""))
    vm = world.get("vms", oid) if coll == "vms" else None
    return [vm] if vm is not None else []


def find_user(world: RecordStore, login: str) -> Any:
    """The engine user (``/users``) of a login name, or None (never added)."""
    low = login.lower()
    for u in world.coll["users"].values():
        if (getattr(u, "_sim_login", None) or u.user_name or "").lower() == low:
            return u
    return None


# the user-level API: collections served to a user with Filter: true, and how they filter
FILTERED = set(OBJECT_TAGS) | {"events"}
OPEN = {"roles", "tags", "operatingsystems", "domains", "jobs", "clusterlevels"}
OWN = {"users", "groups", "permissions"}

# the permit each write needs: POST to a top collection (an add)
ADD_PERMIT = {
    "vms": 1,
    "hosts": 100,
    "templates": 200,
    "clusters": 400,
    "datacenters": 700,
    "storagedomains": 600,
    "disks": 1100,
    "networks": 704,
    "events": 1400,
    "users": 500,
    "groups": 500,
    "roles": 501,
    "permissions": 502,
    "tags": 1301,
}
# PUT / DELETE of a top entity: (edit, remove)
EDIT_PERMIT = {
    "vms": (3, 2),
    "hosts": (101, 102),
    "clusters": (401, 402),
    "datacenters": (702, 701),
    "storagedomains": (601, 602),
    "templates": (201, 202),
    "disks": (1102, 1104),
    "networks": (703, 705),
    "vnicprofiles": (1203, 1205),
    "users": (500, 500),
    "groups": (500, 500),
    "roles": (501, 501),
    "permissions": (502, 502),
    "tags": (1301, 1301),
    "events": (1304, 1304),
}
VM_ACTIONS = {
    "start": 22,
    "stop": 18,
    "shutdown": 19,
    "suspend": 21,
    "reboot": 17,
    "reset": 23,
    "migrate": 6,
    "cancelmigration": 6,
    "ticket": 7,
    "logon": 7,
    "previewsnapshot": 12,
    "commitsnapshot": 12,
    "undosnapshot": 12,
    "clone": 1,
    "export": 8,
}
SUB_PERMIT = {
    "permissions": 502,
    "nics": 9,
    "diskattachments": 10,
    "snapshots": 12,
    "graphicsconsoles": 7,
    "sshpublickeys": 504,
    "tags": 1301,
}
CONFIGURE_ENGINE = 800


def needed_permit(method: str, segs: list[str], is_action: bool) -> int:
    """The permit (ActionGroup id) a write needs, from its path."""
    top = segs[0]
    if len(segs) == 1:
        return ADD_PERMIT.get(top, CONFIGURE_ENGINE)
    if len(segs) == 2:
        edit, remove = EDIT_PERMIT.get(top, (CONFIGURE_ENGINE, CONFIGURE_ENGINE))
        return remove if method == "DELETE" else edit
    if is_action and len(segs) == 3:
        verb = segs[2]
        if top == "vms":
            return VM_ACTIONS.get(verb, 3)
        if top == "hosts":
            return 104 if verb in ("setupnetworks", "commitnetconfig") else 103
        if top == "storagedomains":
            return 603
        if top == "templates":
            return 8 if verb == "export" else 201
        if top == "disks":
            return 1103
        return EDIT_PERMIT.get(top, (CONFIGURE_ENGINE, 0))[0]
    sub = SUB_PERMIT.get(segs[2])
    if sub is not None:
        return sub
    if top == "hosts":
        return 104
    if top == "datacenters" and segs[2] == "storagedomains":
        return 603
    return EDIT_PERMIT.get(top, (CONFIGURE_ENGINE, 0))[0]


# ------------------------------------------------------------------ what GET serves
def object_permissions(world: RecordStore, coll: str, obj: Any) -> list[Any]:
    """An object's permissions as the engine lists them (GetPermissionsForObject, not direct
    only): the seeded ones, and every permission on it or above it (inherited)."""
    seeded = list(world.sub(coll, obj, "permissions") or [])
    chain = set(parents(world, coll, obj))
    added = [p for p in world.coll["permissions"].values() if (p._sim_obj or SYSTEM) in chain]
    return seeded + added


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


# ------------------------------------------------------------------ the machine
class AdminMachine(MachineBase):
    """Users and groups from the directory, roles from permits, permissions on objects, and
    the access rules of a logged-in user (``admit``)."""

    def routes_admin(self) -> RouteParts:
        install_admin(self.world)
        perm_parents: list[str | None] = [None, *OBJECT_TAGS.values(), "user", "group"]
        return RouteParts(
            adders={
                ("user", None): self._adm_add_user,
                ("group", None): self._adm_add_group,
                ("role", None): self._adm_add_role,
                **{("permission", p): self._adm_add_permission for p in perm_parents},
            },
            removers={
                ("user", None): self._adm_remove_user,
                ("group", None): self._adm_remove_group,
                ("role", None): self._adm_remove_role,
                **{("permission", p): self._adm_remove_permission for p in perm_parents},
            },
        )

    # ------------------------------------------------------------ access
    def admit(self, login: str, req: Request, node: Node | None) -> Node | None:
        """The engine's access rules for ``login`` (not the simulator's administrator):
        for a GET, ``node`` as this user may see it (filtered, or HttpError); for a write,
        None when allowed, else HttpError. Caller holds the world lock."""
        access = Access(self.world, login)
        if not access.can_login:
            raise HttpError(401)  # the engine makes no session for this user
        if req.method == "GET":
            filtered = (req.headers.get("Filter") or "").strip().lower() == "true"
            return self._adm_view(access, filtered, req, node)
        self._adm_authorize(access, req)
        return None

    def _adm_view(self, access: Access, filtered: bool, req: Request, node: Node | None) -> Any:
        from ovtui.sim import routes

        if node is None:
            return None
        if not filtered:
            if access.admin:
                return node
            raise HttpError(400, QUERY_REFUSED)
        top = req.segs[0]
        if top in OPEN:
            return node
        if top not in FILTERED and top not in OWN:
            raise HttpError(400, QUERY_REFUSED)
        w = self.world

        def visible(obj: Any) -> bool:
            if top == "events":
                return access.sees_event(obj)
            if top == "users":
                return access.user is not None and obj.id == access.user.id
            if top == "groups":
                return obj.id in access.group_ids
            if top == "permissions":
                return _is_own(access, obj)
            return access.sees(top, obj)

        if len(req.segs) == 1:
            node.items = [o for o in node.items or [] if visible(o)]
            return node
        obj = routes.find_top(w, top, req.segs[1])
        if obj is None or not visible(obj):
            raise HttpError(404)
        return node

    def _adm_authorize(self, access: Access, req: Request) -> None:
        from ovtui.sim import routes

        w = self.world
        segs = req.segs
        node = routes.resolve(w, segs)
        is_action = req.method == "POST" and (node is None or node.obj is not None)
        chain = [SYSTEM]
        top = segs[0]
        if len(segs) >= 2 and top in OBJECT_TAGS:
            obj = routes.find_top(w, top, segs[1])
            if obj is None:
                return  # the router answers 404
            chain = parents(w, top, obj)
        need = needed_permit(req.method, segs, is_action)
        if need not in access.permits_on(chain):
            raise HttpError(403, NOT_AUTHORIZED)
        if req.method == "POST" and node is not None and node.tag == "permission":
            perm = parse_body(req.body, T.Permission)
            role = self._adm_role_of(perm)
            if role is not None and role.administrative and not self._adm_system_super(access):
                raise HttpError(
                    403,
                    "Cannot add permission, only system super user can give permissions"
                    " with admin Role",
                )
        if req.method == "DELETE" and top == "users" and len(segs) == 2:
            if access.user is not None and access.user.id == segs[1]:
                raise conflict("Cannot remove User. User is currently logged in.")
        if req.method == "DELETE" and node is not None and node.tag == "permission":
            role = w.get("roles", node.obj.role.id) if node.obj and node.obj.role else None
            if role is not None and role.administrative and not self._adm_system_super(access):
                raise HttpError(
                    403,
                    "Cannot remove permission, only system super user can remove permissions"
                    " with admin Role",
                )

    def _adm_system_super(self, access: Access) -> bool:
        return any(g.obj == SYSTEM and g.role.id == SUPER_USER_ROLE for g in access.grants)

    # ------------------------------------------------------------ users and groups
    def _adm_directory(self, name: str | None, domain: Any) -> tuple[Directory | None, str]:
        """The directory a user/group add names (``bob@internal``, or the domain given),
        and the name without its ``@profile``."""
        name = name or ""
        if domain is not None and (domain.id or domain.name):
            for d in DIRECTORY:
                if domain.id == domain_id(d) or (domain.name or "").lower() in (
                    d.authz.lower(),
                    d.profile.lower(),
                ):
                    base, at, tail = name.rpartition("@")
                    if at and tail.lower() in (d.profile.lower(), d.authz.lower()):
                        return d, base
                    return d, name
            return None, name
        base, at, tail = name.rpartition("@")
        if at:
            for d in DIRECTORY:
                if tail.lower() in (d.profile.lower(), d.authz.lower()):
                    return d, base
        return None, name

    def _adm_add_user(self, req: Request, node: Node) -> Response:
        w = self.world
        spec = parse_body(req.body, T.User)
        if not spec.user_name and not spec.principal:
            raise incomplete("User", "userName")
        d, name = self._adm_directory(spec.user_name or spec.principal, spec.domain)
        if d is None:
            if spec.domain is not None and (spec.domain.id or spec.domain.name):
                raise not_found()
            raise incomplete("User", "domain.id|name")
        principal = spec.principal or name
        entry = next((u for u in d.users if u.principal.lower() == principal.lower()), None)
        if entry is None:
            raise bad_request(f"No such user: {spec.user_name or principal} in domain {d.authz}")
        login = f"{entry.principal}@{d.profile}"
        user = find_user(w, login)
        if user is None:
            uid = _id("user", d.authz, entry.principal)
            user = mk(
                T.User,
                id=uid,
                href=href("users", uid),
                name=entry.first_name,
                last_name=entry.last_name,
                email=entry.email,
                principal=entry.principal,
                user_name=login,
                namespace="*",
                department="",
                domain=mk(T.Domain, id=domain_id(d), href=href("domains", domain_id(d))),
            )
            user.domain.name = d.authz
            set_private(user, _sim_login=login)
            w.coll["users"][uid] = user
        set_private(user, _sim_groups=self._adm_groups_of(d, entry.principal))
        return self._adm_created(user, "user")

    def _adm_groups_of(self, d: Directory, principal: str) -> set[str]:
        """The engine groups (added from ``d``) that hold ``principal``."""
        out = set()
        for g in self.world.coll["groups"].values():
            members = (
                d.groups.get(g.name or "") if getattr(g, "_sim_authz", None) == d.authz else None
            )
            if members and principal in members:
                out.add(g.id)
        return out

    def _adm_add_group(self, req: Request, node: Node) -> Response:
        w = self.world
        spec = parse_body(req.body, T.Group)
        if not spec.name:
            raise incomplete("Group", "name")
        d, name = self._adm_directory(spec.name, spec.domain)
        if d is None:
            if spec.domain is not None and (spec.domain.id or spec.domain.name):
                raise not_found()
            raise incomplete("Group", "domain.id|name")
        if name not in d.groups:
            raise bad_request(f"No such group: {spec.name} in domain {d.authz}")
        group = next(
            (
                g
                for g in w.coll["groups"].values()
                if g.name == name and getattr(g, "_sim_authz", None) == d.authz
            ),
            None,
        )
        if group is None:
            gid = _id("group", d.authz, name)
            group = mk(
                T.Group,
                id=gid,
                href=href("groups", gid),
                name=name,
                namespace="*",
                domain=mk(T.Domain, id=domain_id(d), href=href("domains", domain_id(d))),
            )
            group.domain.name = d.authz
            set_private(group, _sim_authz=d.authz)
            w.coll["groups"][gid] = group
            for u in w.coll["users"].values():
                if (
                    u.domain is not None
                    and u.domain.name == d.authz
                    and u.principal in d.groups[name]
                ):
                    set_private(u, _sim_groups=set(getattr(u, "_sim_groups", ())) | {gid})
        return self._adm_created(group, "group")

    def _adm_remove_user(self, req: Request, node: Node) -> Response:
        user = node.obj
        if user.id == ADMIN_USER_ID:
            raise conflict("Cannot remove internal admin user or its permissions.")
        self._adm_drop_permissions("user", user.id)
        del self.world.coll["users"][user.id]
        return Response(200, b"")

    def _adm_remove_group(self, req: Request, node: Node) -> Response:
        group = node.obj
        self._adm_drop_permissions("group", group.id)
        del self.world.coll["groups"][group.id]
        for u in self.world.coll["users"].values():
            held = getattr(u, "_sim_groups", None)
            if held and group.id in held:
                held.discard(group.id)
        return Response(200, b"")

    def _adm_drop_permissions(self, attr: str, holder_id: str) -> None:
        perms = self.world.coll["permissions"]
        for pid in [p.id for p in perms.values() if (h := getattr(p, attr)) and h.id == holder_id]:
            del perms[pid]

    # ------------------------------------------------------------ roles
    def _adm_add_role(self, req: Request, node: Node) -> Response:
        w = self.world
        spec = parse_body(req.body, T.Role)
        if not spec.name:
            raise incomplete("Role", "name")
        if not spec.permits or not all(p.id for p in spec.permits):
            raise incomplete("Role", "permits.id")
        ids: list[int] = []
        for p in spec.permits:
            try:
                gid = int(p.id)
            except ValueError:
                gid = -1
            if gid not in ACTION_GROUPS:
                raise bad_request(f"{p.id} is not a valid permit ID.")
            ids.append(gid)
        if any(r.name == spec.name for r in w.coll["roles"].values()):
            raise conflict(
                "Cannot add Role. The Role name is already in use, please choose a unique"
                " name and try again."
            )
        administrative = bool(spec.administrative)
        if not administrative and any(ACTION_GROUPS[g][1] for g in ids):
            raise bad_request("Cannot add administrator's action group to a User Role.")
        rid = str(uuid.uuid4())
        role = make_role(
            rid, spec.name, spec.description or "", administrative, True, ids, mutable=True
        )
        w.coll["roles"][rid] = role
        return self._adm_created(role, "role")

    def _adm_remove_role(self, req: Request, node: Node) -> Response:
        role = node.obj
        if not role.mutable:
            raise conflict("Cannot remove Role. The Role is Read-Only.")
        if any(p.role and p.role.id == role.id for p in self.world.coll["permissions"].values()):
            raise conflict(
                "One or more Permissions is still associated with Role.\n"
                "- Please remove all Permissions first."
            )
        del self.world.coll["roles"][role.id]
        return Response(200, b"")

    # ------------------------------------------------------------ permissions
    def _adm_role_of(self, perm: T.Permission) -> Any:
        r = perm.role
        if r is None:
            return None
        if r.id:
            return self.world.get("roles", r.id)
        if r.name:
            return next((x for x in self.world.coll["roles"].values() if x.name == r.name), None)
        return None

    def _adm_add_permission(self, req: Request, node: Node) -> Response:
        w = self.world
        spec = parse_body(req.body, T.Permission)
        holder_tag = node.parent_tag if node.parent_tag in ("user", "group") else None
        if spec.role is None or not (spec.role.id or spec.role.name):
            raise incomplete("Permission", "role.id|name")
        obj: tuple[str, str] | None
        if holder_tag is not None:
            target = next(
                ((coll, r.id) for attr, coll in OBJECT_ATTRS.items() if (r := getattr(spec, attr))),
                None,
            )
            if target is None or not target[1]:
                raise incomplete(
                    "Permission", "dataCenter|cluster|host|storageDomain|vm|vmPool|template.id"
                )
            if w.get(target[0], target[1]) is None and not (
                target[0] == "disks" and w.all_disks().get(target[1])
            ):
                raise bad_request("Cannot add permission, invalid object ID or type")
            obj = target
        else:
            if (spec.user is None or not spec.user.id) and (
                spec.group is None or not spec.group.id
            ):
                raise incomplete("Permission", "user|group.id")
            obj = None
            if node.parent is not None:
                obj = (TAG_COLLECTION[node.parent_tag or ""], node.parent.id)
        role = self._adm_role_of(spec)
        if role is None:
            raise bad_request("Cannot add permission, invalid Role id")
        user_id = node.parent.id if holder_tag == "user" else (spec.user.id if spec.user else None)
        group_id = (
            node.parent.id if holder_tag == "group" else (spec.group.id if spec.group else None)
        )
        if holder_tag is None and user_id and w.get("users", user_id) is None:
            raise bad_request("User must exist in Database.")
        if holder_tag is None and not user_id and group_id and w.get("groups", group_id) is None:
            raise bad_request("User must exist in Database.")
        for p in w.coll["permissions"].values():  # the engine answers with the one it has
            if (
                p.role.id == role.id
                and p._sim_obj == obj
                and getattr(p.user, "id", None) == (user_id if user_id else None)
                and getattr(p.group, "id", None) == (None if user_id else group_id)
            ):
                return self._adm_created(p, "permission")
        perm = new_permission(w, str(uuid.uuid4()), role.id, obj)
        if user_id:
            perm.user = ref(T.User, "users", user_id)
        else:
            perm.group = ref(T.Group, "groups", group_id or "")
        w.coll["permissions"][perm.id] = perm
        return self._adm_created(perm, "permission")

    def _adm_remove_permission(self, req: Request, node: Node) -> Response:
        perm = node.obj
        perms = self.world.coll["permissions"]
        if perm.id not in perms or (perm.user is not None and perm.user.id == ADMIN_USER_ID):
            raise conflict("Cannot remove internal admin user or its permissions.")
        if perm._sim_obj is None and perm.group is not None:
            everyone = self.world.get("groups", perm.group.id)
            if everyone is not None and everyone.name == "Everyone":
                raise conflict(
                    "It's not allowed to remove system permissions assigned to built-in"
                    " Everyone group"
                )
        del perms[perm.id]
        return Response(200, b"")

    def _adm_created(self, obj: Any, tag: str) -> Response:
        from ovtui.sim import render

        xmlcache.touch(obj)
        return Response(
            201, render.document(render.entity(obj, tag)), headers={"Location": obj.href}
        )


def _is_own(access: Access, perm: Any) -> bool:
    if perm.user is not None and access.user is not None and perm.user.id == access.user.id:
        return True
    return perm.group is not None and perm.group.id in access.group_ids
