"""Permissions: a role given to a user or group on an object, or on the whole system.

On every noun whose objects carry permissions: ``permission-list`` (the object's permissions,
inherited ones included, as the engine lists them), ``permission-add --role ROLE --user
USER`` (or ``--group GROUP``), ``permission-remove PERMISSION``; they live on the detail
screen's Permissions sub-tab. System-wide: ``permission list``, ``permission add``,
``permission -i ID remove``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4
from ovirtsdk4 import types

from .base import ActionContext, EngineRefused, NoMatch, Param, ReplyLost, Result, UsageError
from .declare import register_verb_fn, verb
from .errors import engine_errors
from .nouns import NOUNS
from .selectors import entity_service
from .vm_writes import add_once

# the nouns whose objects have permissions (the engine's AssignedPermissions services)
PERMISSION_NOUNS = (
    "vm",
    "host",
    "cluster",
    "datacenter",
    "storagedomain",
    "template",
    "disk",
    "network",
    "vnicprofile",
)
# permission attribute -> (noun, collection service) of the object it names
OBJECT_ATTRS: dict[str, str] = {
    "vm": "vm",
    "host": "host",
    "cluster": "cluster",
    "data_center": "datacenter",
    "storage_domain": "storagedomain",
    "template": "template",
    "disk": "disk",
}

ROLE = Param("role", ("--role",), "role name (UserRole, UserVmManager, ...) or id", "text")
WHO = (
    Param("user", ("--user",), "the user: user name (bob@internal), principal or id", "text"),
    Param("group", ("--group",), "the group: its name or id (instead of --user)", "text"),
)
PERMISSION = Param("permission", ("permission",), "the permission's id", "text")


# ------------------------------------------------------------------ lookups
def find_user(ctx: ActionContext, which: str) -> Any:
    """The engine user ``which`` names: its user name (``bob@internal``), principal, first
    name or id; NoMatch (exit 4) saying how to add it."""
    with engine_errors("listing users"):
        users = list(ctx.system.users_service().list())
    low = which.lower()
    found = [u for u in users if u.id == which] or [
        u for u in users if low in ((u.user_name or "").lower(), (u.principal or "").lower())
    ]
    if not found:
        found = [u for u in users if (u.name or "").lower() == low]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NoMatch(
            f"No user {which!r} on the engine.",
            "Add it from its directory first: ovtui run user add --domain DOMAIN NAME",
        )
    names = ", ".join(sorted(u.user_name or u.id for u in found))
    raise NoMatch(f"{len(found)} users match {which!r}: {names}.", "Name it by user name or id.")


def find_group(ctx: ActionContext, which: str) -> Any:
    with engine_errors("listing groups"):
        groups = list(ctx.system.groups_service().list())
    found = [g for g in groups if g.id == which] or [
        g for g in groups if (g.name or "").lower() == which.lower()
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NoMatch(
            f"No group {which!r} on the engine.",
            "Add it from its directory first: ovtui run group add --domain DOMAIN NAME",
        )
    raise NoMatch(f"{len(found)} groups are named {which!r}.", "Name it by id.")


def all_roles(ctx: ActionContext) -> list[Any]:
    with engine_errors("listing roles"):
        return list(ctx.system.roles_service().list())


def find_role(ctx: ActionContext, which: str) -> Any:
    roles = all_roles(ctx)
    found = [r for r in roles if r.id == which] or [
        r for r in roles if (r.name or "").lower() == which.lower()
    ]
    if len(found) == 1:
        return found[0]
    names = ", ".join(sorted(r.name for r in roles if r.name))
    raise NoMatch(f"No role {which!r} on the engine.", f"Its roles: {names}.")


# ------------------------------------------------------------------ rendering
def permission_result(ctx: ActionContext, perms: list[Any], message: str = "") -> Result:
    """Permissions as rows: role, user or group, the object it is on (names resolved once
    per kind: one list of roles, users, groups; one read per object named)."""
    names: dict[str, str] = {}
    try:
        names.update({r.id: r.name for r in all_roles(ctx) if r.name})
        if any(p.user is not None for p in perms):
            names.update({u.id: u.user_name or u.name for u in ctx.system.users_service().list()})
        if any(p.group is not None for p in perms):
            names.update({g.id: g.name for g in ctx.system.groups_service().list()})
        for attr, noun_name in OBJECT_ATTRS.items():
            for oid in {getattr(p, attr).id for p in perms if getattr(p, attr) is not None}:
                if oid in names:
                    continue
                try:
                    obj = entity_service(ctx.system, NOUNS[noun_name], oid).get()
                    names[oid] = obj.name or oid
                except ovirtsdk4.Error:
                    pass  # not readable by this user: the id shows
    except (ovirtsdk4.Error, EngineRefused):
        pass  # names are a nicety; ids still show
    on = [a for a in OBJECT_ATTRS if any(getattr(p, a) is not None for p in perms)]
    columns = ("role", "user", "group", *on, "id")
    return Result(
        ok=True, message=message, data=perms, columns=columns, names=names, root="permissions"
    )


def subtab_rows(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    """The Permissions sub-tab of any object (``browse.SUBTAB_FETCH``): its permissions, each
    shown as role (name), who (status) and where it is given (description). The three are
    filled in on these rows for the screen only; the engine's fields are untouched."""
    collection = entity_service(system, NOUNS[noun_name], obj.id).permissions_service()
    perms = list(collection.list())
    names: dict[str, str] = {}
    for fetch, label in (
        (lambda: system.roles_service().list(), lambda o: o.name),
        (lambda: system.users_service().list(), lambda o: o.user_name or o.name),
        (lambda: system.groups_service().list(), lambda o: o.name),
    ):
        try:
            names.update({o.id: label(o) for o in fetch()})
        except ovirtsdk4.Error:
            pass  # a user may not read them all: ids show
    for p in perms:
        role = names.get(p.role.id, p.role.id) if p.role is not None else "?"
        if p.user is not None:
            who = f"user {names.get(p.user.id, p.user.id)}"
        elif p.group is not None:
            who = f"group {names.get(p.group.id, p.group.id)}"
        else:
            who = ""
        # the API names no network or vNIC profile on a permission: there it cannot tell
        where = "" if noun_name in ("network", "vnicprofile") else "inherited from the system"
        for attr, on_noun in OBJECT_ATTRS.items():
            ref = getattr(p, attr)
            if ref is None:
                continue
            if ref.id == obj.id:
                where = f"on this {NOUNS[noun_name].name}"
            else:
                if ref.id not in names:
                    try:
                        got = entity_service(system, NOUNS[on_noun], ref.id).get()
                        names[ref.id] = got.name or ref.id
                    except ovirtsdk4.Error:
                        names[ref.id] = ref.id
                where = f"inherited from {on_noun} {names[ref.id]}"
        p.name, p.status, p.description = role, who, where
    return perms


# ------------------------------------------------------------------ writes, sent once
def add_permission(
    ctx: ActionContext, collection: Any, spec: Any, label: str, same: Callable[[Any], bool]
) -> Any:
    """``collection.add(spec)`` once; a lost reply is read back from the collection."""
    before = {p.id for p in _list(collection)}

    def find() -> Any | None:
        return next((p for p in _list(collection) if p.id not in before and same(p)), None)

    added, _, _ = add_once(ctx, collection, spec, label, find)
    return added


def remove_once(ctx: ActionContext, service: Any, label: str, gone: Callable[[], bool]) -> None:
    """``service.remove()`` once; when its reply is lost, ``gone()`` says what the engine did."""
    try:
        with engine_errors(label):
            service.remove()
    except ReplyLost:
        ctx.progress("read-back", f"{label}: the reply was lost; reading back", level="warning")
        with engine_errors(f"reading back after {label}"):
            if not gone():
                raise EngineRefused(f"{label}: not done (the engine still has it).") from None
        ctx.progress("read-back", f"{label}: done, as the engine shows")
        return
    ctx.progress("done", f"{label}: done", fraction=1.0)


def _list(collection: Any) -> list[Any]:
    with engine_errors("listing permissions"):
        return list(collection.list())


def _spec(
    ctx: ActionContext, role: str | None, user: str | None, group: str | None
) -> tuple[Any, str]:
    """The permission to send, and how messages name it (``UserRole to user bob``)."""
    if not role:
        raise UsageError("Say which role: --role ROLE (ovtui run role list shows them).")
    if bool(user) == bool(group):
        raise UsageError("Say who gets it: --user USER or --group GROUP (one of them).")
    the_role = find_role(ctx, role)
    spec = types.Permission(role=types.Role(id=the_role.id))
    if user:
        spec.user = types.User(id=find_user(ctx, user).id)
        who = f"user {user}"
    else:
        spec.group = types.Group(id=find_group(ctx, group or "").id)
        who = f"group {group}"
    return spec, f"{the_role.name} to {who}"


def _same(spec: Any) -> Callable[[Any], bool]:
    def same(p: Any) -> bool:
        return (
            p.role is not None
            and p.role.id == spec.role.id
            and getattr(p.user, "id", None) == getattr(spec.user, "id", None)
            and getattr(p.group, "id", None) == getattr(spec.group, "id", None)
        )

    return same


# ------------------------------------------------------------------ on an object
def _object_permissions(noun_name: str, target: Any) -> Callable[[ActionContext], Any]:
    def svc(ctx: ActionContext) -> Any:
        return entity_service(ctx.system, NOUNS[noun_name], target.id).permissions_service()

    return svc


def _label(noun_name: str, target: Any) -> str:
    return f"{noun_name} {getattr(target, 'name', None) or target.id}"


def make_list(noun_name: str) -> Callable[..., Result]:
    def run(ctx: ActionContext, target: Any) -> Result:
        collection = _object_permissions(noun_name, target)(ctx)
        return permission_result(ctx, _list(collection))

    run.__doc__ = "The object's permissions, the inherited ones (cluster, data center, system) too."
    return run


def make_add(noun_name: str) -> Callable[..., Result]:
    def run(
        ctx: ActionContext,
        target: Any,
        role: str | None = None,
        user: str | None = None,
        group: str | None = None,
    ) -> Result:
        collection = _object_permissions(noun_name, target)(ctx)
        spec, given = _spec(ctx, role, user, group)
        what = f"give {given} on {_label(noun_name, target)}"
        add_permission(ctx, collection, spec, what, _same(spec))
        message = f"{what[0].upper()}{what[1:]}: done"
        ctx.progress("done", message, fraction=1.0)
        return permission_result(ctx, _list(collection), message)

    run.__doc__ = "Give a user (or group) a role on this object."
    return run


def make_remove(noun_name: str) -> Callable[..., Result]:
    def run(ctx: ActionContext, target: Any, permission: str | None = None) -> Result:
        if not permission:
            raise UsageError(
                f"Say which permission: its id (ovtui run {noun_name} -i ID permission-list)."
            )
        collection = _object_permissions(noun_name, target)(ctx)
        ids = {p.id for p in _list(collection)}
        if permission not in ids:
            raise NoMatch(
                f"{_label(noun_name, target)} has no permission {permission!r}.",
                f"Its permissions: ovtui run {noun_name} -i {target.id} permission-list",
            )
        label = f"remove permission {permission} of {_label(noun_name, target)}"
        remove_once(
            ctx,
            collection.permission_service(permission),
            label,
            lambda: permission not in {p.id for p in collection.list()},
        )
        return permission_result(ctx, _list(collection), f"Permission {permission} removed")

    run.__doc__ = "Remove a permission (an inherited one is removed where it is given)."
    return run


def register_object_verbs() -> None:
    for noun_name in PERMISSION_NOUNS:
        if noun_name not in NOUNS:
            continue
        plural = NOUNS[noun_name].name
        register_verb_fn(
            noun_name,
            "permission-list",
            make_list(noun_name),
            f"the {plural}'s permissions (inherited ones too)",
            target="one",
            subtab="permissions",
        )
        register_verb_fn(
            noun_name,
            "permission-add",
            make_add(noun_name),
            "give a user or group a role on it (--role ROLE --user USER | --group GROUP)",
            params=(ROLE, *WHO),
            target="one",
            mutating=True,
            key="g",  # grant
            subtab="permissions",
        )
        register_verb_fn(
            noun_name,
            "permission-remove",
            make_remove(noun_name),
            "remove one of its permissions (by id)",
            params=(PERMISSION,),
            target="one",
            mutating=True,
            dangerous=True,
            key="w",  # withdraw
            subtab="permissions",
            subject="permission",
        )


register_object_verbs()


# ------------------------------------------------------------------ system-wide
def system_list(ctx: ActionContext, target: Any) -> Result:
    """System-wide permissions (registered by :mod:`.users`, after read's generic list)."""
    return permission_result(ctx, _list(ctx.system.permissions_service()))


@verb(
    "permission",
    "add",
    "Give a user or group a role on the whole system (--role ROLE --user USER | --group G)",
    params=(ROLE, *WHO),
    target="none",
    mutating=True,
)
def system_add(
    ctx: ActionContext,
    target: Any,
    role: str | None = None,
    user: str | None = None,
    group: str | None = None,
) -> Result:
    collection = ctx.system.permissions_service()
    spec, given = _spec(ctx, role, user, group)
    what = f"give {given} on the system"
    add_permission(ctx, collection, spec, what, _same(spec))
    message = f"{what[0].upper()}{what[1:]}: done"
    ctx.progress("done", message, fraction=1.0)
    return permission_result(ctx, _list(collection), message)


@verb(
    "permission",
    "remove",
    "Remove a permission (-i ID; any object's, or a system-wide one)",
    target="one",
    mutating=True,
    dangerous=True,
)
def system_remove(ctx: ActionContext, target: Any) -> Result:
    service = ctx.system.permissions_service().permission_service(target.id)

    def gone() -> bool:
        try:
            service.get()
        except ovirtsdk4.NotFoundError:
            return True
        return False

    remove_once(ctx, service, f"remove permission {target.id}", gone)
    return Result(ok=True, message=f"Permission {target.id} removed")
