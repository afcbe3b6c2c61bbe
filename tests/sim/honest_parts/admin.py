"""Effect checks of ovtui/sim/admin_machine.py: users and groups added from the directory and
removed, custom roles made from permits and removed, permissions added and removed on every
kind of object, the system and a user.

Each makes the change through the real SDK and reads the world back, or sees the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from .common import refused

USER_ROLE = "00000000-0000-0000-0001-000000000001"


def _sys(conn: Any) -> Any:
    return conn.system_service()


def _user(conn: Any, name: str = "bob@internal") -> Any:
    users = _sys(conn).users_service()
    return users.add(T.User(user_name=name, domain=T.Domain(name=name.split("@")[1])))


def add_user(sim: Any, conn: Any) -> None:
    users = _sys(conn).users_service()
    added = users.add(T.User(user_name="carol", domain=T.Domain(name="example.com-authz")))
    assert added.user_name == "carol@example.com" and added.last_name == "Danvers"
    assert any(u.id == added.id for u in users.list())
    refused(lambda: users.add(T.User(user_name="nobody@internal")), 400)
    refused(
        lambda: users.add(T.User(user_name="bob")), 400, "User [domain.id|name] required for add"
    )


def remove_user(sim: Any, conn: Any) -> None:
    users = _sys(conn).users_service()
    bob = _user(conn)
    vm = _sys(conn).vms_service().list()[0]
    perms = _sys(conn).vms_service().vm_service(vm.id).permissions_service()
    perms.add(T.Permission(role=T.Role(name="UserRole"), user=T.User(id=bob.id)))
    users.user_service(bob.id).remove()
    assert all(u.id != bob.id for u in users.list())
    assert all(p.user is None or p.user.id != bob.id for p in perms.list())  # with its permissions
    admin = next(u for u in users.list() if u.user_name == "admin@internal")
    refused(
        lambda: users.user_service(admin.id).remove(),
        409,
        "Cannot remove internal admin user or its permissions.",
    )


def add_group(sim: Any, conn: Any) -> None:
    groups = _sys(conn).groups_service()
    dev = groups.add(T.Group(name="developers", domain=T.Domain(name="example.com-authz")))
    assert dev.name == "developers" and any(g.id == dev.id for g in groups.list())
    refused(
        lambda: groups.add(T.Group(name="nobody", domain=T.Domain(name="example.com-authz"))),
        400,
        "No such group: nobody in domain example.com-authz",
    )


def remove_group(sim: Any, conn: Any) -> None:
    groups = _sys(conn).groups_service()
    dev = groups.add(T.Group(name="operators", domain=T.Domain(name="example.com-authz")))
    groups.group_service(dev.id).remove()
    assert all(g.id != dev.id for g in groups.list())


def add_role(sim: Any, conn: Any) -> None:
    roles = _sys(conn).roles_service()
    role = roles.add(
        T.Role(
            name="Starter", administrative=False, permits=[T.Permit(id="1300"), T.Permit(id="22")]
        )
    )
    permits = roles.role_service(role.id).permits_service().list()
    assert sorted(p.name for p in permits) == ["login", "run_vm"]
    assert role.mutable is True
    refused(
        lambda: roles.add(T.Role(name="Starter", permits=[T.Permit(id="1300")])),
        409,
        "Cannot add Role. The Role name is already in use, please choose a unique name and try again.",
    )
    refused(lambda: roles.add(T.Role(name="X", permits=[T.Permit(id="99999")])), 400)


def remove_role(sim: Any, conn: Any) -> None:
    roles = _sys(conn).roles_service()
    role = roles.add(T.Role(name="Gone", administrative=False, permits=[T.Permit(id="1300")]))
    roles.role_service(role.id).remove()
    assert all(r.id != role.id for r in roles.list())
    refused(
        lambda: roles.role_service(USER_ROLE).remove(),
        409,
        "Cannot remove Role. The Role is Read-Only.",
    )


# the object of each kind that has permissions: (permission route tag, services to it)
def _object_service(conn: Any, tag: str) -> Any:
    s = _sys(conn)
    if tag == "vm":
        return s.vms_service().vm_service(s.vms_service().list()[0].id)
    if tag == "host":
        return s.hosts_service().host_service(s.hosts_service().list()[0].id)
    if tag == "cluster":
        return s.clusters_service().cluster_service(s.clusters_service().list()[0].id)
    if tag == "data_center":
        return s.data_centers_service().data_center_service(s.data_centers_service().list()[0].id)
    if tag == "storage_domain":
        sds = s.storage_domains_service()
        return sds.storage_domain_service(sds.list()[0].id)
    if tag == "template":
        tpl = next(t for t in s.templates_service().list() if t.name != "Blank")
        return s.templates_service().template_service(tpl.id)
    if tag == "disk":
        return s.disks_service().disk_service(s.disks_service().list()[0].id)
    if tag == "network":
        return s.networks_service().network_service(s.networks_service().list()[0].id)
    if tag == "vnic_profile":
        return s.vnic_profiles_service().profile_service(s.vnic_profiles_service().list()[0].id)
    raise AssertionError(tag)


def _object_permission(tag: str, remove: bool) -> Callable[[Any, Any], None]:
    def check(sim: Any, conn: Any) -> None:
        bob = _user(conn)
        perms = _object_service(conn, tag).permissions_service()
        added = perms.add(T.Permission(role=T.Role(name="UserRole"), user=T.User(id=bob.id)))
        assert added.role.id == USER_ROLE
        mine = _sys(conn).users_service().user_service(bob.id).permissions_service().list()
        assert [p.id for p in mine] == [added.id]
        if remove:
            perms.permission_service(added.id).remove()
            assert all(p.id != added.id for p in perms.list())
            assert (
                _sys(conn).users_service().user_service(bob.id).permissions_service().list() == []
            )
        else:
            assert any(p.id == added.id for p in perms.list())
            refused(
                lambda: perms.add(
                    T.Permission(role=T.Role(name="NoSuchRole"), user=T.User(id=bob.id))
                ),
                400,
                "Cannot add permission, invalid Role id",
            )

    return check


def add_system_permission(sim: Any, conn: Any) -> None:
    bob = _user(conn)
    perms = _sys(conn).permissions_service()
    added = perms.add(T.Permission(role=T.Role(name="UserRole"), user=T.User(id=bob.id)))
    assert any(p.id == added.id for p in perms.list())
    assert added.vm is None and added.host is None  # on the system


def remove_system_permission(sim: Any, conn: Any) -> None:
    bob = _user(conn)
    perms = _sys(conn).permissions_service()
    added = perms.add(T.Permission(role=T.Role(name="UserRole"), user=T.User(id=bob.id)))
    perms.permission_service(added.id).remove()
    assert all(p.id != added.id for p in perms.list())
    everyone = next(p for p in perms.list() if p.group is not None)
    refused(
        lambda: perms.permission_service(everyone.id).remove(),
        409,
        "It's not allowed to remove system permissions assigned to built-in Everyone group",
    )


def _holder_permission(holder: str, remove: bool) -> Callable[[Any, Any], None]:
    def check(sim: Any, conn: Any) -> None:
        s = _sys(conn)
        if holder == "user":
            svc = s.users_service().user_service(_user(conn).id)
        else:
            g = s.groups_service().add(
                T.Group(name="developers", domain=T.Domain(name="example.com"))
            )
            svc = s.groups_service().group_service(g.id)
        vm = s.vms_service().list()[0]
        perms = svc.permissions_service()
        added = perms.add(T.Permission(role=T.Role(name="UserRole"), vm=T.Vm(id=vm.id)))
        on_vm = s.vms_service().vm_service(vm.id).permissions_service().list()
        assert any(p.id == added.id for p in on_vm)
        if remove:
            perms.permission_service(added.id).remove()
            assert perms.list() == []
        else:
            refused(lambda: perms.add(T.Permission(role=T.Role(name="UserRole"))), 400)

    return check


_TAGS = (
    "vm",
    "host",
    "cluster",
    "data_center",
    "storage_domain",
    "template",
    "disk",
    "network",
    "vnic_profile",
)

CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ADD user": add_user,
    "REMOVE user": remove_user,
    "ADD group": add_group,
    "REMOVE group": remove_group,
    "ADD role": add_role,
    "REMOVE role": remove_role,
    "ADD permission": add_system_permission,
    "REMOVE permission": remove_system_permission,
    "ADD user.permission": _holder_permission("user", False),
    "REMOVE user.permission": _holder_permission("user", True),
    "ADD group.permission": _holder_permission("group", False),
    "REMOVE group.permission": _holder_permission("group", True),
    **{f"ADD {t}.permission": _object_permission(t, False) for t in _TAGS},
    **{f"REMOVE {t}.permission": _object_permission(t, True) for t in _TAGS},
}
