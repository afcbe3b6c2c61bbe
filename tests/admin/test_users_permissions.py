"""Issue 13, headless: users and groups from the directory, roles from permits, permissions on
objects and on the system, through ``ovtui run``; every effect is read back from the engine
(the simulator's world, or a list through ovtui)."""

from __future__ import annotations

import json
from typing import Any

from tests.support import json_from


def db_users(sim: Any) -> list[str]:
    with sim.world.lock:
        return sorted(u.user_name for u in sim.world.coll["users"].values())


def test_user_add_from_the_internal_domain_and_remove(sim: Any, cli: Any) -> None:
    directory = [
        u["user_name"] for u in json_from(cli, "user", "directory", "--domain", "internal")
    ]
    assert "bob@internal" in directory
    assert "bob@internal" not in db_users(sim)
    code, out, err = cli("user", "add", "--domain", "internal", "bob")
    assert code == 0, err
    assert "User bob@internal added" in err
    assert "bob@internal" in db_users(sim)
    assert "bob@internal" in [u["user_name"] for u in json_from(cli, "user", "list")]
    code, _, err = cli("user", "-n", "Bob", "remove")
    assert code == 0, err
    assert "bob@internal" not in db_users(sim)


def test_user_add_from_another_directory_by_profile(sim: Any, cli: Any) -> None:
    code, out, err = cli("-o", "json", "user", "add", "carol@example.com")
    assert code == 0, err
    (carol,) = json.loads(out)
    assert carol["user_name"] == "carol@example.com"
    assert carol["domain"]["name"] == "example.com-authz"
    code, _, err = cli("user", "add", "--domain", "example.com-authz", "dave")
    assert code == 0, err
    assert {"carol@example.com", "dave@example.com"} <= set(db_users(sim))


def test_user_add_refusals(sim: Any, cli: Any) -> None:
    code, _, err = cli("user", "add", "--domain", "internal", "nobody")
    assert code == 1
    assert "No such user: nobody in domain internal-authz" in err
    code, _, err = cli("user", "add", "--domain", "nowhere.org", "bob")
    assert code == 4
    assert "The engine knows no domain 'nowhere.org'" in err and "internal-authz" in err
    code, _, err = cli("user", "add", "bob")
    assert code == 2
    assert "--domain" in err
    code, _, err = cli("user", "-n", "admin", "remove")
    assert code == 1
    assert "Cannot remove internal admin user or its permissions." in err


def test_group_add_list_remove(sim: Any, cli: Any) -> None:
    code, _, err = cli("group", "add", "--domain", "example.com", "developers")
    assert code == 0, err
    assert "developers" in [g["name"] for g in json_from(cli, "group", "list")]
    code, _, err = cli("group", "add", "--domain", "example.com", "nobody")
    assert code == 1
    assert "No such group: nobody in domain example.com-authz" in err
    code, _, err = cli("group", "-n", "developers", "remove")
    assert code == 0, err
    with sim.world.lock:
        assert all(g.name != "developers" for g in sim.world.coll["groups"].values())


def test_role_list_show_create_remove(sim: Any, cli: Any) -> None:
    roles = {r["name"]: r for r in json_from(cli, "role", "list")}
    assert {"SuperUser", "UserRole", "UserVmManager", "PowerUserRole"} <= set(roles)
    assert roles["SuperUser"]["administrative"] is True
    user_role = json_from(cli, "role", "-n", "UserRole", "show")
    permits = {p["name"] for p in user_role["permits"]}
    assert {"login", "run_vm", "stop_vm", "shut_down_vm"} <= permits
    assert "delete_vm" not in permits

    code, out, err = cli("-o", "json", "role", "create", "Starter", "--permit", "login",
                         "--permit", "run_vm,stop_vm", "--description", "start and stop")  # fmt: skip
    assert code == 0, err
    made = json.loads(out)
    assert sorted(p["name"] for p in made["permits"]) == ["login", "run_vm", "stop_vm"]
    with sim.world.lock:
        role = next(r for r in sim.world.coll["roles"].values() if r.name == "Starter")
        assert role.mutable and not role.administrative

    code, _, err = cli("role", "create", "Bad", "--permit", "run_vmm")
    assert code == 4
    assert "no permit 'run_vmm'" in err and "run_vm" in err
    code, _, err = cli("role", "create", "Sneaky", "--permit", "create_host")
    assert code == 1
    assert "Cannot add administrator's action group to a User Role." in err

    code, _, err = cli("role", "-n", "Starter", "remove")
    assert code == 0, err
    assert "Starter" not in [r["name"] for r in json_from(cli, "role", "list")]
    code, _, err = cli("role", "-n", "UserRole", "remove")
    assert code == 1
    assert "Cannot remove Role. The Role is Read-Only." in err


def test_role_in_use_cannot_be_removed(sim: Any, cli: Any) -> None:
    cli("user", "add", "--domain", "internal", "alice")
    assert cli("role", "create", "Viewer", "--permit", "login")[0] == 0
    code, _, err = cli("host", "-n", "host01", "permission-add", "--role", "Viewer",
                       "--user", "alice@internal")  # fmt: skip
    assert code == 0, err
    code, _, err = cli("role", "-n", "Viewer", "remove")
    assert code == 1
    assert "One or more Permissions is still associated with Role." in err


def test_permission_on_a_host_add_list_remove(sim: Any, cli: Any) -> None:
    assert cli("user", "add", "--domain", "internal", "alice")[0] == 0
    code, out, err = cli("host", "-n", "host01", "permission-add", "--role", "HostAdmin",
                         "--user", "alice@internal")  # fmt: skip
    assert code == 0, err
    assert "HostAdmin" in out and "alice@internal" in out  # names, not ids
    perms = json_from(cli, "host", "-n", "host01", "permission-list")
    mine = [p for p in perms if (p.get("user") or {}).get("id") and p.get("host")]
    assert len(mine) == 1
    with sim.world.lock:
        perm = sim.world.coll["permissions"][mine[0]["id"]]
        assert perm.role.id == "def00004-0000-0000-0000-def000000004"  # HostAdmin
        assert perm.host.id == sim.world.find("host", "host01").id

    # the engine's audit event (AuditLogMessages USER_ADD_PERMISSION)
    events = [e["description"] for e in json_from(cli, "event", "list", "--max", "5")]
    assert (
        "User/Group alice, Namespace *, Authorization provider: internal-authz was granted"
        " permission for Role HostAdmin on Host host01, by admin@internal." in events
    ), events
    # what the user holds, seen from the user
    roles = [r["name"] for r in json_from(cli, "user", "-n", "Alice", "roles")]
    assert roles == ["HostAdmin"]
    held = json_from(cli, "user", "-n", "Alice", "permissions")
    assert [p["id"] for p in held] == [mine[0]["id"]]

    code, _, err = cli("host", "-n", "host01", "permission-remove", mine[0]["id"])
    assert code == 0, err
    with sim.world.lock:
        assert mine[0]["id"] not in sim.world.coll["permissions"]
    code, _, err = cli("host", "-n", "host01", "permission-remove", mine[0]["id"])
    assert code == 4
    assert "has no permission" in err


def test_permission_add_refusals(sim: Any, cli: Any) -> None:
    code, _, err = cli("vm", "-n", "web01", "permission-add", "--role", "UserRole",
                       "--user", "bob@internal")  # fmt: skip
    assert code == 4
    assert "No user 'bob@internal'" in err and "user add" in err
    cli("user", "add", "--domain", "internal", "bob")
    code, _, err = cli("vm", "-n", "web01", "permission-add", "--role", "NoSuchRole",
                       "--user", "bob@internal")  # fmt: skip
    assert code == 4
    assert "No role 'NoSuchRole'" in err and "UserRole" in err
    code, _, err = cli("vm", "-n", "web01", "permission-add", "--role", "UserRole")
    assert code == 2
    assert "--user USER or --group GROUP" in err


def test_system_wide_permission(sim: Any, cli: Any) -> None:
    cli("user", "add", "--domain", "internal", "bob")
    code, out, err = cli("permission", "add", "--role", "UserRole", "--user", "bob")
    assert code == 0, err
    perms = json_from(cli, "permission", "list")
    mine = [p for p in perms if (p.get("user") or {}).get("id") and not p.get("vm")]
    bob_id = next(
        u["id"] for u in json_from(cli, "user", "list") if u["user_name"] == "bob@internal"
    )
    (given,) = [p for p in mine if p["user"]["id"] == bob_id]
    code, out, err = cli("permission", "list")
    assert "UserRole" in out and "bob@internal" in out and "Everyone" in out
    # a system-wide permission shows on every object, as inherited
    on_vm = json_from(cli, "vm", "-n", "web01", "permission-list")
    assert given["id"] in [p["id"] for p in on_vm]
    code, _, err = cli("permission", "-i", given["id"], "remove")
    assert code == 0, err
    with sim.world.lock:
        assert given["id"] not in sim.world.coll["permissions"]


def test_lost_replies_are_read_back_and_nothing_is_sent_twice(sim: Any, cli: Any) -> None:
    """The engine does each write and its reply is lost: ovtui reads back what it did
    (the user, the permission, the removal) and says so, sending nothing twice."""
    sim.faults.apply_spec("lost_reply_rate=1")
    mark = len(sim.requests.snapshot())
    code, _, err = cli("user", "add", "--domain", "internal", "bob")
    assert code == 0, err
    assert "bob@internal" in db_users(sim)
    code, _, err = cli("vm", "-n", "web01", "permission-add", "--role", "UserRole",
                       "--user", "bob@internal")  # fmt: skip
    assert code == 0, err
    with sim.world.lock:
        (perm,) = [p for p in sim.world.coll["permissions"].values() if p.vm is not None]
    code, _, err = cli("vm", "-n", "web01", "permission-remove", perm.id)
    assert code == 0, err
    assert "read" in err.lower()  # it said it read the result back
    with sim.world.lock:
        assert perm.id not in sim.world.coll["permissions"]
    writes = [
        (r[0], r[1].split("/api/")[1])
        for r in sim.requests.snapshot()[mark:]
        if r[0] in ("POST", "DELETE") and "/api/" in r[1]
    ]
    vm_id = perm.vm.id
    assert writes == [
        ("POST", "users"),
        ("POST", f"vms/{vm_id}/permissions"),
        ("DELETE", f"vms/{vm_id}/permissions/{perm.id}"),
    ], writes
