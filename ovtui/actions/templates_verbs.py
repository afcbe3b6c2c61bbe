"""Engine templates: ``template create`` (from a VM, or as a new version of a template),
``template update``, ``template remove``. (``templates.py`` is the YAML ``-T`` loader.)"""

from __future__ import annotations

import time
from typing import Any

from .base import ActionContext, EngineRefused, NoMatch, Param, Result, UsageError, WaitTimeout
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .vm_clone import find_vm
from .vm_create import parse_size
from .vm_writes import add_once
from .waiters import send_action, span, status_of, wait_gone

TEMPLATE_WAIT = 3600.0


def _templates(ctx: ActionContext) -> Any:
    return ctx.system.templates_service()


def _wait_ok(ctx: ActionContext, tid: str, what: str, follower: Any) -> Any:
    limit = ctx.timeout_for(TEMPLATE_WAIT)
    deadline = time.monotonic() + limit
    ctx.progress("wait", f"{what}: waiting up to {span(limit)} to be ok")
    last = None
    while True:
        ctx.check_cancelled()
        follower.poll()
        with engine_errors(f"reading {what}"):
            tpl = _templates(ctx).template_service(tid).get()
        st = status_of(tpl)
        if st != last:
            ctx.progress("status", f"{what}: {st}", status=st)
            last = st
        if st == "ok":
            return tpl
        if st == "illegal":
            raise EngineRefused(f"{what} became illegal.")
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"Timed out after {limit:g} s waiting for {what} to be ok.")
        ctx.sleep(ctx.poll_interval)


def _base(ctx: ActionContext, name: str) -> Any:
    with engine_errors(f"looking up template {name}"):
        found = [
            t for t in _templates(ctx).list(search=f"name={quote(name)}") if name in (t.name, t.id)
        ]
    first = [t for t in found if not t.version or (t.version.version_number or 1) == 1]
    if not first:
        raise NoMatch(f"No template {name!r} to add a version to.")
    return first[0]


@verb(
    "template",
    "create",
    "Make a template from a down VM (or a new version of a template)",
    params=(
        Param("vm", ("--vm",), "the VM to make it from (down)", "text", required=True),
        Param("name", ("--name",), "template name", "text"),
        Param("description", ("--description",), "description", "text"),
        Param("seal", ("--seal",), "seal it (Linux: remove host-specific data)", "flag"),
        Param("version_of", ("--version-of",), "make it a new version of this template", "text"),
        Param("version_name", ("--version-name",), "name of the version", "text"),
    ),
    target="none",
    mutating=True,
    waits=True,
    wait=TEMPLATE_WAIT,
)  # fmt: skip
def create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    """The template is locked while the engine copies the VM's disks, then ok."""
    from ovirtsdk4 import types

    vm_name = params.get("vm")
    vm = find_vm(ctx, vm_name) if vm_name else None
    if vm is None:
        raise NoMatch(f"No VM named {vm_name!r}.")
    base = _base(ctx, params["version_of"]) if params.get("version_of") else None
    name = params.get("name") or (base.name if base is not None else None)
    if not name:
        raise UsageError("template create needs --name (or --version-of TEMPLATE).")
    spec = types.Template(name=name, description=params.get("description"), vm=types.Vm(id=vm.id))
    if base is not None or params.get("version_name"):
        spec.version = types.TemplateVersion(
            base_template=types.Template(id=base.id) if base is not None else None,
            version_name=params.get("version_name"),
        )
    svc = _templates(ctx)
    before = {t.id for t in svc.list(search=f"name={quote(name)}")}

    def find() -> Any | None:
        new = [t for t in svc.list(search=f"name={quote(name)}") if t.id not in before]
        return new[0] if new else None

    label = f"create template {name} from VM {vm.name}"
    kw = {"seal": True} if params.get("seal") else {}
    tpl, _, follower = add_once(ctx, svc, spec, label, find, **kw)
    if ctx.async_:
        return Result(ok=True, message=f"{label}: accepted", data=tpl)
    final = _wait_ok(ctx, tpl.id, f"template {name}", follower)
    version = final.version.version_number if final.version else 1
    ctx.progress("done", f"template {name} (version {version}) is ok", fraction=1.0)
    return Result(ok=True, message=f"template {name} version {version} made from VM {vm.name}",
                  data=final)  # fmt: skip


@verb(
    "template",
    "update",
    "Change a template's name, description, comment or memory",
    params=(
        Param("new_name", ("--name",), "new name", "text"),
        Param("description", ("--description",), "description", "text"),
        Param("comment", ("--comment",), "comment", "text"),
        Param("memory", ("--memory",), "memory of VMs made from it (4G)", "text"),
    ),
    target="one",
    mutating=True,
)
def update(ctx: ActionContext, target: Any, **params: Any) -> Result:
    from ovirtsdk4 import types

    spec = types.Template(
        name=params.get("new_name") or None,
        description=params.get("description"),
        comment=params.get("comment"),
        memory=parse_size(params["memory"], "memory") if params.get("memory") else None,
    )
    svc = _templates(ctx).template_service(target.id)
    send_action(ctx, svc, "update", what=f"template {target.name}", template=spec)
    with engine_errors(f"reading template {target.name}"):
        tpl = svc.get()
    return Result(ok=True, message=f"template {target.name} updated", data=tpl)


@verb("template", "remove", "Remove a template (no VM may use it)", target="many",
      mutating=True, dangerous=True, waits=True, wait=900.0)  # fmt: skip
def remove(ctx: ActionContext, target: Any) -> Result:
    svc = _templates(ctx).template_service(target.id)
    _, follower = send_action(ctx, svc, "remove", what=f"template {target.name}")
    if not ctx.async_:
        limit = ctx.timeout_for(900.0)
        wait_gone(
            ctx, svc, what=f"template {target.name}", timeout=limit, follower=follower,
            timed_out=f"Timed out after {limit:g} s waiting for template {target.name} to go.",
        )  # fmt: skip
    ctx.progress("done", f"template {target.name} removed", fraction=1.0)
    return Result(ok=True, message=f"template {target.name} removed", data=target)
