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

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import xmlcache
from ovtui.sim.admin_views import (
    ACTION_GROUPS,
    ADMIN_USER_ID,
    LOGIN,
    OBJECT_ATTRS,
    OBJECT_TAGS,
    SUPER_USER_ROLE,
    SYSTEM,
    TAG_COLLECTION,
    _id,
    domain_id,
    granted_elsewhere,
    install_admin,
    make_role,
    new_permission,
    parents,
)
from ovtui.sim.httptypes import HttpError, Response, bad_request, conflict, not_found
from ovtui.sim.machine_base import MachineBase, RouteParts, parse_body
from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.sso import DIRECTORY, Directory
from ovtui.sim.store import RecordStore

if TYPE_CHECKING:
    from ovtui.sim.httptypes import Request
    from ovtui.sim.routes import Node

NOT_AUTHORIZED = "User is not authorized to perform this action."
QUERY_REFUSED = "Query execution failed due to insufficient permissions."


def incomplete(entity: str, what: str, action: str = "add") -> HttpError:
    """The API's 400 for a missing parameter: ``User [userName] required for add``."""
    return HttpError(400, f"{entity} [{what}] required for {action}", "Incomplete parameters")


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
        held = [(p, p._sim_obj or SYSTEM) for p in world.coll["permissions"].values()]
        for p, obj in held + granted_elsewhere(world):
            mine = (p.user is not None and self.user is not None and p.user.id == self.user.id) or (
                p.group is not None and p.group.id in groups
            )
            role = roles.get(p.role.id) if p.role is not None else None
            if mine and role is not None:
                self.grants.append(Grant(role, obj))
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
FILTERED = set(OBJECT_TAGS) | {"events", "vmpools"}
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
    def admin_root(self, login: str, req: Request, root: str) -> str:
        """The API root as ``login`` gets it: with ``Filter: true`` no summary (the engine
        gives it to administrators only), and the user as the authenticated one."""
        access = Access(self.world, login)
        if not access.can_login:
            raise HttpError(401)
        if _filtered(req):
            root = re.sub(r"<summary>.*?</summary>\s*", "", root, flags=re.DOTALL)
        if access.user is not None:
            root = root.replace(ADMIN_USER_ID, access.user.id)
        return root

    def admit(self, login: str, req: Request, node: Node | None) -> Node | None:
        """The engine's access rules for ``login`` (not the simulator's administrator):
        for a GET, ``node`` as this user may see it (filtered, or HttpError); for a write,
        None when allowed, else HttpError. Caller holds the world lock."""
        access = Access(self.world, login)
        if not access.can_login:
            raise HttpError(401)  # the engine makes no session for this user
        if req.method == "GET":
            return self._adm_view(access, _filtered(req), req, node)
        self._adm_authorize(access, req)
        self._adm_acting = (req, access)  # who the events of this write name
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
    def _adm_directory(self, kind: str, name: str | None, domain: Any) -> tuple[Directory, str]:
        """The directory a user/group add names, and the name without its ``@profile``;
        the engine's refusal when it names none: 404 for a domain it does not know, 400
        (``kind`` incomplete) when none is said."""
        d, base = self._adm_find_directory(name, domain)
        if d is None:
            if domain is not None and (domain.id or domain.name):
                raise not_found()
            raise incomplete(kind, "domain.id|name")
        return d, base

    def _adm_find_directory(self, name: str | None, domain: Any) -> tuple[Directory | None, str]:
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
        d, name = self._adm_directory("User", spec.user_name or spec.principal, spec.domain)
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
        self._adm_event(req, 149, f"User '{entry.principal}' was added successfully to the system.")
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
        d, name = self._adm_directory("Group", spec.name, spec.domain)
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
        by = self._adm_who(req)
        self._adm_event(req, 325, f"User {user.principal} was removed by {by}.")
        return Response(200, b"")

    def _adm_remove_group(self, req: Request, node: Node) -> Response:
        group = node.obj
        self._adm_drop_permissions("group", group.id)
        del self.world.coll["groups"][group.id]
        for u in self.world.coll["users"].values():
            held = getattr(u, "_sim_groups", None)
            if held and group.id in held:
                held.discard(group.id)
        self._adm_event(req, 408, f"Group {group.name} was removed by {self._adm_who(req)}.")
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
        self._adm_event(req, 864, f"Role {role.name} was added by {self._adm_who(req)}")
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
        self._adm_event(req, 858, f"Role {role.name} removed from {self._adm_who(req)}")
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
        self._adm_permission_event(req, perm, added=True)
        return self._adm_created(perm, "permission")

    def _adm_remove_permission(self, req: Request, node: Node) -> Response:
        perm = node.obj
        perms = self.world.coll["permissions"]
        if perm.user is not None and perm.user.id == ADMIN_USER_ID:
            raise conflict("Cannot remove internal admin user or its permissions.")
        if perm.id not in perms:  # one another machine put in the object's own list
            for p, (coll, oid) in granted_elsewhere(self.world):
                if p.id == perm.id:
                    parent = self.world.get(coll, oid)
                    if parent is not None:
                        self.world.sub_items(coll, parent, "permissions").remove(p)
                        xmlcache.touch(parent)
                    return Response(200, b"")
            raise not_found()
        if perm._sim_obj is None and perm.group is not None:
            everyone = self.world.get("groups", perm.group.id)
            if everyone is not None and everyone.name == "Everyone":
                raise conflict(
                    "It's not allowed to remove system permissions assigned to built-in"
                    " Everyone group"
                )
        del perms[perm.id]
        self._adm_permission_event(req, perm, added=False)
        return Response(200, b"")

    # ------------------------------------------------------------ audit events
    def acting_login(self, req: Request) -> str:
        """The login name of who sent the write ``req`` (the simulator's admin unless
        ``admit`` passed it for another user): the user the engine's events name."""
        acting = getattr(self, "_adm_acting", None)
        if acting is not None and acting[0] is req:
            login: str = acting[1].login
            return login
        return "admin@internal"

    def _adm_who(self, req: Request) -> str:
        return self.acting_login(req)

    def _adm_event(self, req: Request, code: int, text: str, **objs: Any) -> None:
        """An audit event in the engine's words (AuditLogMessages), by who sent ``req``."""
        event = ev.emit(self.world, code, **objs)
        event.description = text
        acting = getattr(self, "_adm_acting", None)
        if acting is not None and acting[0] is req and acting[1].user is not None:
            event.user = ref(T.User, "users", acting[1].user.id)

    def _adm_permission_event(self, req: Request, perm: Any, added: bool) -> None:
        w = self.world
        role = w.get("roles", perm.role.id)
        role_name = role.name if role is not None else perm.role.id
        if perm.user is not None:
            u = w.get("users", perm.user.id)
            subject = u.principal if u is not None else perm.user.id
            authz = u.domain.name if u is not None and u.domain is not None else ""
        else:
            g = w.get("groups", perm.group.id) if perm.group is not None else None
            subject = g.name if g is not None else "?"
            authz = g.domain.name if g is not None and g.domain is not None else ""
        by = self._adm_who(req)
        if perm._sim_obj is None:
            if added:
                text = (
                    f"User/Group {subject} was granted permission for Role {role_name} on"
                    f" System by {by}."
                )
            else:
                text = f"User/Group {subject} Role {role_name} permission was removed from System by {by}"
            self._adm_event(req, 866 if added else 868, text)
            return
        coll, oid = perm._sim_obj
        obj = w.get(coll, oid) or (w.all_disks().get(oid) if coll == "disks" else None)
        kind = OBJECT_WORDS.get(coll, coll)
        name = getattr(obj, "name", None) or oid
        link = {EVENT_LINKS[coll]: obj} if coll in EVENT_LINKS and obj is not None else {}
        if added:
            text = (
                f"User/Group {subject}, Namespace *, Authorization provider: {authz} was granted"
                f" permission for Role {role_name} on {kind} {name}, by {by}."
            )
        else:
            text = (
                f"User/Group {subject} Role {role_name} permission was removed from {kind}"
                f" {name} by {by}"
            )
        self._adm_event(req, 850 if added else 852, text, **link)

    def _adm_created(self, obj: Any, tag: str) -> Response:
        from ovtui.sim import render

        xmlcache.touch(obj)
        return Response(
            201, render.document(render.entity(obj, tag)), headers={"Location": obj.href}
        )


# VdcObjectType's words in the engine's audit messages, and the event link of each
OBJECT_WORDS = {
    "vms": "VM",
    "hosts": "Host",
    "clusters": "Cluster",
    "datacenters": "Data Center",
    "storagedomains": "Storage",
    "templates": "Template",
    "disks": "Disk",
    "networks": "Logical Network",
    "vnicprofiles": "VM Network Interface Profile",
}
EVENT_LINKS = {
    "vms": "vm",
    "hosts": "host",
    "clusters": "cluster",
    "datacenters": "dc",
    "storagedomains": "sd",
    "templates": "template",
}


def _filtered(req: Request) -> bool:
    """The request asks for the user-level API (``Filter: true``)."""
    return (req.headers.get("Filter") or "").strip().lower() == "true"


def _is_own(access: Access, perm: Any) -> bool:
    if perm.user is not None and access.user is not None and perm.user.id == access.user.id:
        return True
    return perm.group is not None and perm.group.id in access.group_ids
