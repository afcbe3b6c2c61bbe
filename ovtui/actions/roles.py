"""Roles: the engine's predefined roles and custom ones made from a set of permits.

``role show`` gives the role with its permits; ``role permits`` lists every permit the engine
has (what ``role create --permit`` takes, by name or id); ``role create NAME --permit run_vm
--permit login``; ``role remove`` (the engine refuses its predefined, read-only roles and a
role still given in a permission).
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, NoMatch, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .permissions import all_roles, remove_once
from .vm_writes import add_once

PERMIT_COLUMNS = ("name", "administrative", "id")
ROLE_COLUMNS = ("name", "administrative", "mutable", "description", "id")
SUPER_USER = "00000000-0000-0000-0000-000000000001"  # the engine's SuperUser: every permit


def _permits_of(ctx: ActionContext, role_id: str) -> list[Any]:
    with engine_errors("listing permits"):
        return list(ctx.system.roles_service().role_service(role_id).permits_service().list())


def every_permit(ctx: ActionContext) -> list[Any]:
    """The engine's permits: SuperUser's (it has them all), else every role's together."""
    roles = all_roles(ctx)
    superuser = next((r for r in roles if r.id == SUPER_USER), None)
    if superuser is not None:
        return _permits_of(ctx, superuser.id)
    seen: dict[str, Any] = {}
    for r in roles:
        for p in _permits_of(ctx, r.id):
            seen.setdefault(p.id, p)
    return sorted(seen.values(), key=lambda p: int(p.id) if str(p.id).isdigit() else 0)


@verb("role", "show", "One role with its permits (what it allows)")
def role_show(ctx: ActionContext, target: Any) -> Result:
    with engine_errors(f"reading role {target.name}"):
        role = ctx.system.roles_service().role_service(target.id).get()
    role.permits = _permits_of(ctx, target.id)
    return Result(ok=True, data=role, columns=ROLE_COLUMNS, root="role")


@verb("role", "permits", "Every permit the engine has (for role create --permit)", target="none")
def role_permits(ctx: ActionContext, target: Any) -> Result:
    sel = ctx.selector
    if sel.given:
        roles = [
            r
            for r in all_roles(ctx)
            if r.id == sel.id or (sel.name and (r.name or "").lower() == sel.name.lower())
        ]
        if len(roles) != 1:
            raise NoMatch(f"No role matches {sel.describe()}.")
        permits = _permits_of(ctx, roles[0].id)
    else:
        permits = every_permit(ctx)
    return Result(ok=True, data=permits, columns=PERMIT_COLUMNS, root="permits")


@verb(
    "role",
    "create",
    "Make a role from permits (NAME --permit run_vm --permit login ...)",
    params=(
        Param("name", ("name",), "the new role's name", "text"),
        Param(
            "permit",
            ("--permit",),
            "a permit by name or id (repeat; ovtui run role permits lists them)",
            "text",
            repeat=True,
        ),
        Param("administrative", ("--administrative",), "an administrator role", "flag"),
        Param("description", ("--description",), "what the role is for", "text"),
    ),
    target="none",
    mutating=True,
)
def role_create(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    permit: list[str] | str | None = None,
    administrative: bool = False,
    description: str | None = None,
) -> Result:
    if not name:
        raise UsageError("Say the role's name: ovtui run role create NAME --permit PERMIT ...")
    wanted = [permit] if isinstance(permit, str) else list(permit or [])
    wanted = [w.strip() for item in wanted for w in item.split(",") if w.strip()]
    if not wanted:
        raise UsageError(
            "A role needs at least one permit: --permit PERMIT (ovtui run role permits)."
        )
    known = every_permit(ctx)
    chosen: list[Any] = []
    for w in wanted:
        hit = next((p for p in known if w.lower() in (str(p.id), (p.name or "").lower())), None)
        if hit is None:
            close = [p.name for p in known if w.lower() in (p.name or "")][:8]
            raise NoMatch(
                f"The engine has no permit {w!r}.",
                f"Close ones: {', '.join(close)}." if close else "See: ovtui run role permits",
            )
        if all(c.id != hit.id for c in chosen):
            chosen.append(hit)
    spec = types.Role(
        name=name,
        administrative=administrative,
        description=description,
        permits=[types.Permit(id=p.id) for p in chosen],
    )
    svc = ctx.system.roles_service()

    def find() -> Any | None:
        return next((r for r in svc.list() if r.name == name), None)

    role, _, _ = add_once(ctx, svc, spec, f"create role {name}", find)
    message = f"Role {role.name} created with {len(chosen)} permits"
    ctx.progress("done", message, fraction=1.0)
    role.permits = _permits_of(ctx, role.id)
    return Result(ok=True, message=message, data=role, columns=ROLE_COLUMNS, root="role")


@verb(
    "role",
    "remove",
    "Remove a custom role (predefined ones are read-only)",
    target="one",
    mutating=True,
    dangerous=True,
)
def role_remove(ctx: ActionContext, target: Any) -> Result:
    svc = ctx.system.roles_service()
    remove_once(
        ctx,
        svc.role_service(target.id),
        f"remove role {target.name or target.id}",
        lambda: all(r.id != target.id for r in svc.list()),
    )
    return Result(ok=True, message=f"Role {target.name or target.id} removed")
