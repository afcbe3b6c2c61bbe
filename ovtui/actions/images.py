"""Glance (OpenStack Image) providers: ``imageprovider images`` lists a provider's images,
``imageprovider import`` brings one in as a floating disk on a data domain, or as a template
in a cluster (``--as-template NAME``), following the engine's job (its step's progress).

``list``/``show``/``export`` of ``imageprovider`` are the generic read verbs.
TUI keys on an image provider: g images, I import.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, EngineRefused, NoMatch, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .waiters import jobs_of, send_action, span, status_of

IMPORT_WAIT = 3600.0
IMAGE_COLUMNS = ("name", "id")


def _provider_service(ctx: ActionContext, target: Any) -> Any:
    pid = target if isinstance(target, str) else target.id
    return ctx.system.openstack_image_providers_service().provider_service(pid)


def _images(ctx: ActionContext, target: Any) -> list[Any]:
    with engine_errors("listing the provider's images"):
        return list(_provider_service(ctx, target).images_service().list())


@verb("imageprovider", "images", "List the images of the provider", key="g")
def images(ctx: ActionContext, target: Any) -> Result:
    found = _images(ctx, target)
    return Result(True, f"{len(found)} image(s)", found, columns=IMAGE_COLUMNS, root="images")


def _one_image(ctx: ActionContext, target: Any, which: str) -> Any:
    found = _images(ctx, target)
    exact = [i for i in found if which in (i.id, i.name)]
    if len(exact) == 1:
        return exact[0]
    names = ", ".join(sorted(i.name for i in found)) or "none"
    if not exact:
        raise NoMatch(f"The provider has no image {which!r}.", f"Its images: {names}.")
    raise NoMatch(f"The provider has {len(exact)} images named {which!r}.", "Name it by id.")


def default_name(image_name: str) -> str:
    """A disk / template name from an image name (the engine's names take no spaces)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", image_name).strip("_")[:60] or "image"


def _follow_job(ctx: ActionContext, cid: str, what: str) -> None:
    """Until the engine's job for ``cid`` ends; its running step's progress as fraction."""
    limit = ctx.timeout_for(IMPORT_WAIT)
    deadline = time.monotonic() + limit
    ctx.progress("wait", f"{what}: waiting up to {span(limit)}")
    last_pct = None
    while True:
        ctx.check_cancelled()
        with engine_errors(f"reading the job of {what}"):
            jobs = jobs_of(ctx, cid) or []
            job = jobs[0] if jobs else None
            steps = (
                list(ctx.system.jobs_service().job_service(job.id).steps_service().list())
                if job is not None
                else []
            )
        state = status_of(job) if job is not None else None
        running = [s for s in steps if status_of(s) == "started" and s.progress is not None]
        if running and running[0].progress != last_pct:
            last_pct = running[0].progress
            ctx.progress("progress", f"{what}: copying the image", fraction=last_pct / 100)
        if state == "finished":
            return
        if job is not None and state in ("failed", "aborted"):
            raise EngineRefused(f"{what}: the engine's job {state}: {job.description}.")
        if job is None and time.monotonic() >= deadline:
            raise EngineRefused(f"{what}: the engine shows no job for it.")
        if time.monotonic() >= deadline:
            raise EngineRefused(f"{what}: not done after {span(limit)} (job {state}).")
        ctx.sleep(ctx.poll_interval)


@verb(
    "imageprovider",
    "import",
    "Import an image of the provider as a disk, or as a template (--as-template NAME)",
    params=(
        Param("image", ("--image",), "the image: its name or id", "text", required=True),
        Param("storagedomain", ("--storagedomain", "--sd"), "the data domain to put it on",
              "storagedomain", required=True),
        Param("as_template", ("--as-template",), "make a template of this name", "text"),
        Param("cluster", ("--cluster",), "the template's cluster", "cluster"),
        Param("disk_name", ("--disk-name",), "the disk's name (default: the image's)", "text"),
    ),
    mutating=True,
    waits=True,
    wait=IMPORT_WAIT,
    key="I",
    aliases=("image-import",),
)  # fmt: skip
def import_(
    ctx: ActionContext,
    target: Any,
    image: str | None = None,
    storagedomain: str | None = None,
    as_template: str | None = None,
    cluster: str | None = None,
    disk_name: str | None = None,
) -> Result:
    """The engine copies the image (a job with progress); a template then shows in
    ``template list``."""
    if not image or not storagedomain:
        raise UsageError("imageprovider import needs --image and --storagedomain.")
    if as_template and not cluster:
        raise UsageError("A template needs --cluster.")
    img = _one_image(ctx, target, image)
    alias = disk_name or default_name(img.name)
    kw: dict[str, Any] = {
        "storage_domain": types.StorageDomain(name=storagedomain),
        "disk": types.Disk(alias=alias, name=alias),
        "import_as_template": bool(as_template),
    }
    if as_template:
        kw["template"] = types.Template(name=as_template)
        kw["cluster"] = types.Cluster(name=cluster)
    svc = _provider_service(ctx, target).images_service().image_service(img.id)
    what = f"image {img.name}"
    cid, follower = send_action(ctx, svc, "import_", what=what, verb="import", **kw)
    if ctx.async_:
        return Result(True, f"import {what}: accepted")
    _follow_job(ctx, cid, f"import {what}")
    follower.poll()
    if as_template:
        with engine_errors(f"reading template {as_template}"):
            found = [
                t
                for t in ctx.system.templates_service().list(search=f"name={quote(as_template)}")
                if t.name == as_template
            ]
        if not found:
            raise EngineRefused(f"import {what}: the engine shows no template {as_template}.")
        message = f"{what} imported as template {as_template} ({status_of(found[0])})"
        ctx.progress("done", message, fraction=1.0)
        return Result(True, message, found[0], columns=("name", "status", "cluster", "id"))
    with engine_errors(f"reading disk {alias}"):
        disks = [
            d
            for d in ctx.system.disks_service().list(search=f"name={quote(alias)}")
            if d.name == alias
        ]
    message = f"{what} imported as disk {alias}"
    ctx.progress("done", message, fraction=1.0)
    return Result(True, message, disks[0] if disks else {"name": alias})
