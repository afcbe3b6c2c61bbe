"""Users and groups: added to the engine from a directory it knows (its ``internal`` domain,
an LDAP domain...), removed, and what they hold (``user roles``, ``user permissions``).

``user add --domain example.com carol`` (or ``user add carol@example.com``); ``--domain``
takes the engine's domain name (``example.com-authz``) or its login profile (``example.com``).
A user's ``name`` is the directory's first name; ovtui finds users by user name
(``bob@internal``), principal or id where it asks for one (``permission-add --user``).
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, NoMatch, Param, Result, UsageError
from .declare import register_verb_fn, verb
from .errors import engine_errors
from .permissions import permission_result, remove_once, system_list
from .vm_writes import add_once

DOMAIN = Param(
    "domain",
    ("--domain",),
    "the directory: its engine name (internal-authz) or login profile (internal)",
    "text",
)
USER_COLUMNS = ("user_name", "name", "last_name", "email", "domain", "id")
GROUP_COLUMNS = ("name", "domain", "namespace", "id")


def find_domain(ctx: ActionContext, which: str) -> Any:
    """The engine's domain ``which`` names: ``internal-authz``, ``internal`` or its id."""
    with engine_errors("listing the engine's domains"):
        domains = list(ctx.system.domains_service().list())
    low = which.lower()
    for d in domains:
        name = (d.name or "").lower()
        if low in (d.id, name) or (name.endswith("-authz") and name[: -len("-authz")] == low):
            return d
    names = ", ".join(sorted(d.name for d in domains if d.name)) or "none"
    raise NoMatch(f"The engine knows no domain {which!r}.", f"Its domains: {names}.")


def _split(name: str, domain: str | None) -> tuple[str, str]:
    """(principal, domain) from ``carol`` + ``--domain`` or from ``carol@example.com``."""
    if domain:
        return name, domain
    principal, at, profile = name.rpartition("@")
    if not at or not principal:
        raise UsageError(
            f"Say which directory {name!r} is in: --domain DOMAIN (or NAME@PROFILE).",
            "The engine's domains: ovtui run user domains",
        )
    return principal, profile


def _strip_profile(principal: str, dom: Any) -> str:
    base, at, tail = principal.rpartition("@")
    name = (dom.name or "").lower()
    if at and tail.lower() in (name, name.removesuffix("-authz")):
        return base
    return principal


@verb(
    "user",
    "add",
    "Add a user from a directory the engine knows (--domain DOMAIN NAME, or NAME@PROFILE)",
    params=(Param("name", ("name",), "the user's name in the directory", "text"), DOMAIN),
    target="none",
    mutating=True,
)
def user_add(
    ctx: ActionContext, target: Any, name: str | None = None, domain: str | None = None
) -> Result:
    if not name:
        raise UsageError("Say which user: ovtui run user add --domain DOMAIN NAME")
    principal, where = _split(name, domain)
    dom = find_domain(ctx, where)
    principal = _strip_profile(principal, dom)
    svc = ctx.system.users_service()
    label = f"add user {principal} from {dom.name}"

    def find() -> Any | None:
        return next((u for u in svc.list() if (u.principal or "") == principal), None)

    spec = types.User(user_name=principal, domain=types.Domain(id=dom.id, name=dom.name))
    user, _, _ = add_once(ctx, svc, spec, label, find)
    message = f"User {user.user_name} added"
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=[user], columns=USER_COLUMNS, root="users")


@verb(
    "user",
    "remove",
    "Remove a user from the engine (with its permissions; the directory keeps it)",
    target="one",
    mutating=True,
    dangerous=True,
)
def user_remove(ctx: ActionContext, target: Any) -> Result:
    svc = ctx.system.users_service()
    label = f"remove user {target.user_name or target.id}"
    remove_once(
        ctx, svc.user_service(target.id), label, lambda: all(u.id != target.id for u in svc.list())
    )
    return Result(ok=True, message=f"User {target.user_name or target.id} removed")


@verb("user", "permissions", "The user's permissions: roles, and the objects they are on")
def user_permissions(ctx: ActionContext, target: Any) -> Result:
    with engine_errors(f"listing the permissions of {target.user_name or target.id}"):
        svc = ctx.system.users_service().user_service(target.id)
        perms = list(svc.permissions_service().list())
    return permission_result(ctx, perms)


@verb("user", "roles", "The roles the user holds (through its permissions)")
def user_roles(ctx: ActionContext, target: Any) -> Result:
    with engine_errors(f"listing the roles of {target.user_name or target.id}"):
        svc = ctx.system.users_service().user_service(target.id)
        roles = list(svc.roles_service().list())
    return Result(
        ok=True, data=roles, columns=("name", "administrative", "description", "id"), root="roles"
    )


@verb(
    "user",
    "directory",
    "The users of a directory the engine knows (--domain DOMAIN): who can be added",
    params=(DOMAIN,),
    target="none",
)
def user_directory(ctx: ActionContext, target: Any, domain: str | None = None) -> Result:
    if not domain:
        return user_domains(ctx, target)
    dom = find_domain(ctx, domain)
    with engine_errors(f"listing the users of {dom.name}"):
        users = list(ctx.system.domains_service().domain_service(dom.id).users_service().list())
    return Result(ok=True, data=users, columns=USER_COLUMNS, root="users")


@verb("user", "domains", "The directories (domains) the engine knows", target="none")
def user_domains(ctx: ActionContext, target: Any) -> Result:
    with engine_errors("listing the engine's domains"):
        domains = list(ctx.system.domains_service().list())
    return Result(ok=True, data=domains, columns=("name", "id"), root="domains")


# ------------------------------------------------------------------ groups
@verb(
    "group",
    "add",
    "Add a group from a directory the engine knows (--domain DOMAIN NAME)",
    params=(Param("name", ("name",), "the group's name in the directory", "text"), DOMAIN),
    target="none",
    mutating=True,
)
def group_add(
    ctx: ActionContext, target: Any, name: str | None = None, domain: str | None = None
) -> Result:
    if not name:
        raise UsageError("Say which group: ovtui run group add --domain DOMAIN NAME")
    group_name, where = _split(name, domain)
    dom = find_domain(ctx, where)
    svc = ctx.system.groups_service()
    label = f"add group {group_name} from {dom.name}"

    def find() -> Any | None:
        return next(
            (
                g
                for g in svc.list()
                if g.name == group_name and getattr(g.domain, "id", None) == dom.id
            ),
            None,
        )

    spec = types.Group(name=group_name, domain=types.Domain(id=dom.id, name=dom.name))
    group, _, _ = add_once(ctx, svc, spec, label, find)
    message = f"Group {group.name} added"
    ctx.progress("done", message, fraction=1.0)
    return Result(ok=True, message=message, data=[group], columns=GROUP_COLUMNS, root="groups")


@verb(
    "group",
    "remove",
    "Remove a group from the engine (with its permissions)",
    target="one",
    mutating=True,
    dangerous=True,
)
def group_remove(ctx: ActionContext, target: Any) -> Result:
    svc = ctx.system.groups_service()
    remove_once(
        ctx,
        svc.group_service(target.id),
        f"remove group {target.name or target.id}",
        lambda: all(g.id != target.id for g in svc.list()),
    )
    return Result(ok=True, message=f"Group {target.name or target.id} removed")


@verb("group", "permissions", "The group's permissions: roles, and the objects they are on")
def group_permissions(ctx: ActionContext, target: Any) -> Result:
    with engine_errors(f"listing the permissions of group {target.name or target.id}"):
        svc = ctx.system.groups_service().group_service(target.id)
        perms = list(svc.permissions_service().list())
    return permission_result(ctx, perms)


# ``permission list`` with names (roles, users, groups): registered here because the registry
# imports this module after read.py, whose generic list it replaces
register_verb_fn(
    "permission", "list", system_list, "system-wide permissions (roles given on everything)",
    target="none",
)  # fmt: skip
