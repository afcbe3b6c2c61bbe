"""Building the estate's top: ``datacenter create/update/remove`` and the helpers the
cluster, network and vNIC profile verbs share (create, update and remove sent once, followed
through the engine's job and events of their correlation id, then read back).

A write whose reply is lost is read back (the object by name, the job and events of the
correlation id) and never sent again. After a create or an update the object is read from
the engine and compared with what was asked: a field the engine did not take is an error
(exit 1) naming it, so nothing says done that the engine did not do.

TUI keys on the Data Centers tab: c create, U update, D remove.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ovirtsdk4
from ovirtsdk4 import types

from .base import (
    ActionContext,
    EngineRefused,
    NoMatch,
    Param,
    Result,
    UsageError,
)
from .declare import verb
from .errors import engine_errors
from .nouns import NOUNS
from .selectors import collection_service, entity_service, quote
from .vm_writes import add_once
from .waiters import EventFollower, send_action, status_of, wait_gone
from .writes import done

# the compatibility versions of an oVirt 4.5 engine (its /clusterlevels); the verbs check a
# version against the engine's own list before sending it
VERSIONS = ("4.2", "4.3", "4.4", "4.5", "4.6", "4.7")
QUOTA_MODES = ("disabled", "audit", "enabled")
JOB_WAIT = 120.0
DC_COLUMNS = ("name", "status", "local", "version", "quota_mode", "description", "id")


# ------------------------------------------------------------------ shared helpers
def get_obj(ctx: ActionContext, noun: str, target: Any) -> Any:
    """A fresh copy of ``target`` (an SDK object or an id) from the engine."""
    obj_id = getattr(target, "id", target)
    with engine_errors(f"reading the {noun}"):
        return entity_service(ctx.system, NOUNS[noun], obj_id).get()


def by_name(
    ctx: ActionContext, noun: str, which: str, where: Callable[[Any], bool] | None = None
) -> Any:
    """The one ``noun`` named (or with id) ``which``; NoMatch (exit 4) naming the choices."""
    n = NOUNS[noun]
    coll = collection_service(ctx.system, n)
    with engine_errors(f"looking up {n.name} {which}"):
        if n.searchable:
            found = list(coll.list(search=f"name={quote(which)}"))
        else:
            found = list(coll.list())
        found = [o for o in found if which in (o.name, o.id)]
        if not found:
            try:
                found = [getattr(coll, n.entity or "")(which).get()]
            except (ovirtsdk4.Error, TypeError):
                found = []
    if where is not None:
        found = [o for o in found if where(o)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NoMatch(f"No {n.name} {which!r}.", f"List them with: ovtui run {n.name} list")
    raise NoMatch(
        f"{len(found)} {n.plural} are named {which!r}.", "Name it by id, or give its data center."
    )


def version_of(text: str | None) -> types.Version | None:
    if not text:
        return None
    try:
        major, minor = (int(p) for p in str(text).split(".", 1))
    except ValueError:
        raise UsageError(f"Version {text!r} is not MAJOR.MINOR (e.g. 4.7).") from None
    return types.Version(major=major, minor=minor)


def engine_versions(ctx: ActionContext) -> list[str] | None:
    """The compatibility versions the engine offers (its cluster levels); None when it does
    not say."""
    try:
        return [lv.id for lv in ctx.system.cluster_levels_service().list()]
    except ovirtsdk4.Error:
        return None


def check_version(ctx: ActionContext, text: str | None) -> types.Version | None:
    v = version_of(text)
    if v is None:
        return None
    known = engine_versions(ctx)
    if known and f"{v.major}.{v.minor}" not in known:
        raise UsageError(
            f"The engine has no compatibility version {text}.", f"It offers: {', '.join(known)}."
        )
    return v


def follow_job(
    ctx: ActionContext, cid: str, follower: EventFollower, label: str, report: bool = True
) -> None:
    """Wait (bounded) for the engine's job of correlation id ``cid`` to end, reporting its
    events; a failed job is exit 1 with the engine's last error event."""
    deadline = time.monotonic() + ctx.timeout_for(JOB_WAIT)
    while True:
        ctx.check_cancelled()
        follower.poll()
        try:
            jobs = list(ctx.system.jobs_service().list(search=f"correlation_id={cid}"))
        except ovirtsdk4.Error:
            return  # an engine that keeps no jobs: its answer was the result
        states = {status_of(j) for j in jobs}
        if jobs and states <= {"finished"}:
            if report:
                for j in jobs:
                    ctx.progress("job", f"engine job: {j.description} (finished)")
            return
        if states & {"failed", "aborted"}:
            why = follower.last_error() or "the engine's job failed"
            raise EngineRefused(f"{label}: {why}")
        if not jobs or time.monotonic() >= deadline:
            return
        ctx.sleep(ctx.poll_interval)


def create(
    ctx: ActionContext, noun: str, spec: Any, label: str, find: Callable[[], Any | None]
) -> Any:
    """Add ``spec`` to ``noun``'s collection once, follow its job, read it back."""
    coll = collection_service(ctx.system, NOUNS[noun])
    added, cid, follower = add_once(ctx, coll, spec, label, find)
    follow_job(ctx, cid, follower, label, report=False)  # add_once reported the job
    return get_obj(ctx, noun, added)


def update(ctx: ActionContext, service: Any, spec: Any, label: str) -> None:
    """``service.update(spec)`` sent once, with its job followed (a lost reply read back)."""
    doing, _, what = label.partition(" ")
    cid, follower = send_action(ctx, service, "update", spec, what=what, verb=doing)
    follow_job(ctx, cid, follower, label)


def remove(ctx: ActionContext, service: Any, label: str, **kw: Any) -> None:
    """``service.remove()`` sent once; done when the engine no longer has the object."""
    doing, _, what = label.partition(" ")
    _cid, follower = send_action(ctx, service, "remove", what=what, verb=doing, **kw)
    limit = ctx.timeout_for(JOB_WAIT)
    wait_gone(
        ctx,
        service,
        what=label.split(" ", 1)[-1],
        timeout=limit,
        timed_out=f"{label}: the engine still has it after {limit:g} s.",
        follower=follower,
    )


def differs(asked: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """``what: asked X, engine has Y`` for each asked value the engine does not show."""
    return [
        f"{k}: asked {v}, the engine has {got.get(k)}"
        for k, v in asked.items()
        if v is not None and got.get(k) != v
    ]


def check_applied(label: str, asked: dict[str, Any], got: dict[str, Any]) -> None:
    bad = differs(asked, got)
    if bad:
        raise EngineRefused(
            f"{label}: the engine answered OK but shows otherwise: {'; '.join(bad)}."
        )


def enum_value(v: Any) -> Any:
    return getattr(v, "value", v)


def vstr(v: Any) -> str | None:
    return f"{v.major}.{v.minor}" if v is not None and v.major is not None else None


# ------------------------------------------------------------------ data centers
def _dc_state(dc: Any) -> dict[str, Any]:
    return {
        "name": dc.name,
        "description": dc.description,
        "comment": dc.comment,
        "storage_type": "local" if dc.local else "shared",
        "version": vstr(dc.version),
        "quota_mode": enum_value(dc.quota_mode),
    }


def _dc_result(ctx: ActionContext, dc: Any, message: str) -> Result:
    return done(ctx, message, dc, columns=DC_COLUMNS)


DC_FIELDS = (
    Param("description", ("--description",), "description", "text"),
    Param("comment", ("--comment",), "comment", "text"),
    Param("version", ("--version",), "compatibility version", "choice", choices=VERSIONS),
    Param("quota_mode", ("--quota-mode",), "quota enforcement", "choice", choices=QUOTA_MODES),
)


@verb(
    "datacenter",
    "create",
    "Create a data center (shared or local storage, compatibility version, quota mode)",
    params=(
        Param("name", ("--name",), "name of the new data center", "text", required=True),
        Param(
            "storage_type",
            ("--storage-type",),
            "storage type",
            "choice",
            "shared",
            choices=("shared", "local"),
        ),
        *DC_FIELDS,
    ),
    target="none",
    mutating=True,
    key="c",
    aliases=("add",),
)
def dc_create(
    ctx: ActionContext,
    target: Any,
    name: str | None = None,
    storage_type: str = "shared",
    description: str | None = None,
    comment: str | None = None,
    version: str | None = None,
    quota_mode: str | None = None,
) -> Result:
    """The engine makes it uninitialized, with its management network (ovirtmgmt)."""
    if not name:
        raise UsageError("datacenter create needs --name NAME.")
    spec = types.DataCenter(
        name=name,
        local=storage_type == "local",
        description=description,
        comment=comment,
        version=check_version(ctx, version),
        quota_mode=types.QuotaModeType(quota_mode) if quota_mode else None,
    )

    def find() -> Any | None:
        found = ctx.system.data_centers_service().list(search=f"name={quote(name)}")
        return found[0] if found else None

    dc = create(ctx, "datacenter", spec, f"create data center {name}", find)
    asked = {
        "name": name,
        "storage_type": storage_type,
        "version": version,
        "quota_mode": quota_mode,
    }
    check_applied(f"data center {name}", asked, _dc_state(dc))
    return _dc_result(ctx, dc, f"data center {dc.name} created ({status_of(dc)})")


@verb(
    "datacenter",
    "update",
    "Change a data center (name, description, storage type, version, quota mode)",
    params=(
        Param("new_name", ("--name",), "new name", "text"),
        Param(
            "storage_type",
            ("--storage-type",),
            "storage type",
            "choice",
            choices=("shared", "local"),
        ),
        *DC_FIELDS,
    ),
    mutating=True,
    key="U",
    aliases=("edit",),
)
def dc_update(
    ctx: ActionContext,
    target: Any,
    new_name: str | None = None,
    storage_type: str | None = None,
    description: str | None = None,
    comment: str | None = None,
    version: str | None = None,
    quota_mode: str | None = None,
) -> Result:
    dc = get_obj(ctx, "datacenter", target)
    spec = types.DataCenter(
        name=new_name,
        local=None if storage_type is None else storage_type == "local",
        description=description,
        comment=comment,
        version=check_version(ctx, version),
        quota_mode=types.QuotaModeType(quota_mode) if quota_mode else None,
    )
    asked = {
        "name": new_name,
        "storage_type": storage_type,
        "description": description,
        "comment": comment,
        "version": version,
        "quota_mode": quota_mode,
    }
    if all(v is None for v in asked.values()):
        raise UsageError("Nothing to change: give --name, --description, --version, ...")
    svc = entity_service(ctx.system, NOUNS["datacenter"], dc.id)
    update(ctx, svc, spec, f"update data center {dc.name}")
    after = svc.get()
    check_applied(f"data center {dc.name}", asked, _dc_state(after))
    return _dc_result(ctx, after, f"data center {after.name} updated")


@verb(
    "datacenter",
    "remove",
    "Remove a data center (its storage domains in maintenance; --force as the engine has it)",
    params=(
        Param(
            "force",
            ("--force",),
            "force: even with several domains (every host must be in maintenance)",
            "flag",
        ),
    ),
    mutating=True,
    dangerous=True,
    key="D",
)
def dc_remove(ctx: ActionContext, target: Any, force: bool = False) -> Result:
    """The engine refuses while a storage domain of it is active (an active data center)."""
    dc = get_obj(ctx, "datacenter", target)
    svc = entity_service(ctx.system, NOUNS["datacenter"], dc.id)
    kw: dict[str, Any] = {"force": True} if force else {}
    remove(ctx, svc, f"remove data center {dc.name}", **kw)
    return _dc_result(ctx, dc, f"data center {dc.name} removed")
