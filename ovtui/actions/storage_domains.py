"""Building storage: ``storagedomain add`` (data / ISO / export on NFS, iSCSI, FCP, POSIX or
GlusterFS), ``import`` (a domain already on the storage), ``attach`` to a data center,
``detach`` (maintenance first when active), ``remove`` (``--format`` wipes it) and
``destroy`` (the engine forgets it; the storage keeps it).

Each follows the domain through the engine's statuses: a new domain is locked, then
unattached; attached, it is locked, maintenance, activating, then active in its data center.

TUI keys on the Storage tab: c add, I import, T attach, E detach, D remove, X destroy.
"""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, EngineRefused, Param, Result, UsageError
from .datacenters import by_name
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .storage import SD_TIMEOUT, attached_service
from .vm_common import find_host
from .vm_writes import add_once
from .waiters import send_action, status_of, wait_for_status, wait_gone

STORAGE_TYPES = ("nfs", "iscsi", "fcp", "posixfs", "glusterfs")
DOMAIN_TYPES = ("data", "iso", "export")
SD_COLUMNS = ("name", "type", "storage.type", "status", "master", "available", "id")

HOST = Param("host", ("--host",), "the host that reaches the storage (default: an up host)", "host")


def _where(name: Param) -> tuple[Param, ...]:
    """The params of add / import: what a form asks first comes first (name, the storage's
    address and path, the data center), then the rest."""
    return (
        name,
        Param("address", ("--address",), "NFS / GlusterFS server, iSCSI portal address", "text"),
        Param("path", ("--path",), "exported path (NFS, POSIX, GlusterFS volume)", "text"),
        Param("datacenter", ("--datacenter", "--dc"),
              "data center to attach it to (then it is active)", "text"),
        Param("type", ("--type",), "what it holds", "choice", "data", choices=DOMAIN_TYPES),
        Param("storage_type", ("--storage-type",), "how the storage is reached", "choice",
              "nfs", choices=STORAGE_TYPES),
        HOST,
        Param("description", ("--description",), "description", "text"),
        Param("vfs_type", ("--vfs-type",), "POSIX file system type (ext4, xfs...)", "text"),
        Param("mount_options", ("--mount-options",), "mount options (POSIX, GlusterFS)", "text"),
        Param("iscsi_target", ("--target",), "iSCSI target (IQN) the LUNs are on", "text"),
        Param("port", ("--port",), "iSCSI portal port", "int", 3260),
        Param("lun", ("--lun",), "a LUN id (iSCSI, FCP); repeat for several", "text",
              repeat=True),
    )  # fmt: skip


def _pick_host(ctx: ActionContext, host: str | None) -> str:
    if host:
        return host
    with engine_errors("looking for an up host"):
        up = ctx.system.hosts_service().list(search="status=up", max=1)
    if not up:
        raise EngineRefused("No host is up to reach the storage.", "Name one with --host.")
    return str(up[0].name)


def _storage(params: dict[str, Any]) -> types.HostStorage:
    st = params.get("storage_type") or "nfs"
    kind = types.StorageType(st)
    if st in ("iscsi", "fcp"):
        luns = params.get("lun") or []
        if not luns:
            raise UsageError(f"A {st} domain needs --lun ID (repeat for several LUNs).")
        if st == "iscsi" and not (params.get("address") and params.get("iscsi_target")):
            raise UsageError("An iSCSI domain needs --address (the portal) and --target (IQN).")
        return types.HostStorage(
            type=kind,
            logical_units=[
                types.LogicalUnit(
                    id=lun,
                    address=params.get("address"),
                    port=params.get("port") if st == "iscsi" else None,
                    target=params.get("iscsi_target"),
                )
                for lun in luns
            ],
        )
    if not params.get("path") or (st != "posixfs" and not params.get("address")):
        need = "--path" if st == "posixfs" else "--address and --path"
        raise UsageError(f"A {st} domain needs {need}.")
    return types.HostStorage(
        type=kind,
        address=params.get("address"),
        path=params.get("path"),
        vfs_type=params.get("vfs_type"),
        mount_options=params.get("mount_options"),
    )


def _sd_service(ctx: ActionContext, sd_id: str) -> Any:
    return ctx.system.storage_domains_service().storage_domain_service(sd_id)


def _fetch(ctx: ActionContext, target: Any) -> types.StorageDomain:
    sd_id = target if isinstance(target, str) else target.id
    with engine_errors("reading the storage domain"):
        sd: types.StorageDomain = _sd_service(ctx, sd_id).get()
    return sd


def _create(ctx: ActionContext, params: dict[str, Any], importing: bool) -> Result:
    name = params.get("name")
    if not importing and not name:
        raise UsageError("storagedomain add needs --name.")
    storage = _storage(params)
    host = _pick_host(ctx, params.get("host"))
    spec = types.StorageDomain(
        name=name,
        description=params.get("description"),
        type=types.StorageDomainType(params.get("type") or "data"),
        host=types.Host(name=host),
        storage=storage,
        import_=True if importing else None,
    )
    word = "import" if importing else "add"
    label = f"{word} storage domain {name or storage.path or ''}".rstrip()
    svc = ctx.system.storage_domains_service()

    def find() -> Any | None:
        if not name:
            return None
        found = [s for s in svc.list(search=f"name={quote(name)}") if s.name == name]
        return found[0] if found else None

    added, _cid, follower = add_once(ctx, svc, spec, label, find)
    what = f"storage domain {added.name}"
    if ctx.async_:
        return Result(True, f"{label}: accepted", added, columns=SD_COLUMNS)
    sd = wait_for_status(
        ctx,
        _sd_service(ctx, added.id),
        ("unattached",),
        what=what,
        timeout=ctx.timeout_for(SD_TIMEOUT),
        follower=follower,
    )
    dc = params.get("datacenter")
    if dc:
        return _attach(ctx, sd, dc)
    ctx.progress("done", f"{what} is unattached", fraction=1.0)
    return Result(True, f"{what} is unattached", sd, columns=SD_COLUMNS)


@verb(
    "storagedomain",
    "add",
    "Add a storage domain (data, ISO, export) on NFS, iSCSI, FCP, POSIX or GlusterFS",
    params=_where(Param("name", ("--name",), "name of the new domain", "text", required=True)),
    target="none",
    mutating=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="c",
)
def add(ctx: ActionContext, target: Any, **params: Any) -> Result:
    """The domain is locked while the host creates it, then unattached; with --datacenter it
    is attached there and followed until active."""
    return _create(ctx, params, importing=False)


@verb(
    "storagedomain",
    "import",
    "Import a storage domain that is already on the storage (removed without format)",
    params=_where(Param("name", ("--name",), "name to give it (default: its own)", "text")),
    target="none",
    mutating=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="I",
)
def import_(ctx: ActionContext, target: Any, **params: Any) -> Result:
    """The engine finds the domain on the storage and adds it back, unattached."""
    return _create(ctx, params, importing=True)


def _attach(ctx: ActionContext, sd: Any, datacenter: str) -> Result:
    dc = by_name(ctx, "datacenter", datacenter)
    svc = ctx.system.data_centers_service().data_center_service(dc.id).storage_domains_service()
    label = f"attach storage domain {sd.name} to data center {dc.name}"

    def find() -> Any | None:
        return next((s for s in svc.list() if s.id == sd.id), None)

    _, _cid, follower = add_once(ctx, svc, types.StorageDomain(id=sd.id), label, find)
    what = f"storage domain {sd.name} in data center {dc.name}"
    if ctx.async_:
        return Result(True, f"{label}: accepted", sd, columns=SD_COLUMNS)
    final = wait_for_status(
        ctx,
        svc.storage_domain_service(sd.id),
        ("active",),
        what=what,
        failed=("inactive", "unknown"),
        timeout=ctx.timeout_for(SD_TIMEOUT),
        follower=follower,
    )
    master = " (master)" if final.master else ""
    ctx.progress("done", f"{what} is active{master}", fraction=1.0)
    return Result(True, f"{what} is active{master}", final, columns=SD_COLUMNS)


@verb(
    "storagedomain",
    "attach",
    "Attach the storage domain to a data center and activate it there",
    params=(
        Param("datacenter", ("--datacenter", "--dc"), "the data center", "text", required=True),
    ),
    mutating=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="T",
)
def attach(ctx: ActionContext, target: Any, datacenter: str | None = None) -> Result:
    """Locked, maintenance, activating, active: the data center's first data domain becomes
    its master and brings the data center up."""
    if not datacenter:
        raise UsageError("storagedomain attach needs --datacenter NAME.")
    return _attach(ctx, _fetch(ctx, target), datacenter)


@verb(
    "storagedomain",
    "detach",
    "Detach the storage domain from its data center (maintenance first when active)",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="E",
)
def detach(ctx: ActionContext, target: Any) -> Result:
    """An active domain goes to maintenance first (the engine refuses that for the master
    while VMs run); then it is detached and unattached."""
    sd = _fetch(ctx, target)
    _, svc = attached_service(ctx, sd)
    what = f"storage domain {sd.name}"
    with engine_errors(f"reading {what}"):
        current = status_of(svc.get())
    if current == "active":
        _, follower = send_action(ctx, svc, "deactivate", what=what, verb="maintenance")
        wait_for_status(
            ctx, svc, ("maintenance",), what=what, failed=("inactive", "unknown"),
            timeout=ctx.timeout_for(SD_TIMEOUT), follower=follower,
        )  # fmt: skip
    _, follower = send_action(ctx, svc, "remove", what=what, verb="detach")
    if ctx.async_:
        return Result(True, f"detach {what}: accepted", sd, columns=SD_COLUMNS)
    final = wait_for_status(
        ctx, _sd_service(ctx, sd.id), ("unattached",), what=what,
        timeout=ctx.timeout_for(SD_TIMEOUT), follower=follower,
    )  # fmt: skip
    ctx.progress("done", f"{what} is detached (unattached)", fraction=1.0)
    return Result(True, f"{what} is detached (unattached)", final, columns=SD_COLUMNS)


def _gone(ctx: ActionContext, sd: Any, method_kw: dict[str, Any], word: str, done: str) -> Result:
    svc = _sd_service(ctx, sd.id)
    what = f"storage domain {sd.name}"
    _, follower = send_action(ctx, svc, "remove", what=what, verb=word, **method_kw)
    wait_gone(
        ctx, svc, what=what, timeout=ctx.timeout_for(SD_TIMEOUT), follower=follower,
        timed_out=f"{what} is still listed after the {word}.",
    )  # fmt: skip
    ctx.progress("done", f"{what} {done}", fraction=1.0)
    return Result(True, f"{what} {done}", {"name": sd.name, "id": sd.id})


@verb(
    "storagedomain",
    "remove",
    "Remove an unattached storage domain (--format wipes its data)",
    params=(
        Param("format", ("--format",), "format the storage (its data is lost)", "flag"),
        HOST,
    ),
    mutating=True,
    dangerous=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="D",
)
def remove(
    ctx: ActionContext, target: Any, format: bool = False, host: str | None = None
) -> Result:  # noqa: A002 - the engine's parameter name
    """Without --format the domain stays on the storage and can be imported back."""
    sd = _fetch(ctx, target)
    return _gone(
        ctx, sd, {"host": _pick_host(ctx, host), "format": bool(format)}, "remove", "removed"
    )


@verb(
    "storagedomain",
    "destroy",
    "Destroy the storage domain: the engine forgets it, the storage keeps its data",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=SD_TIMEOUT,
    key="X",
)
def destroy(ctx: ActionContext, target: Any) -> Result:
    """For a domain the engine cannot reach any more (never an active one)."""
    return _gone(ctx, _fetch(ctx, target), {"destroy": True}, "destroy", "destroyed")


@verb(
    "storagedomain",
    "update",
    "Change a storage domain: name, description, comment, space thresholds, wipe/discard",
    params=(
        Param("new_name", ("--new-name",), "a new name", "text"),
        Param("description", ("--description",), "description", "text"),
        Param("comment", ("--comment",), "comment", "text"),
        Param("warning", ("--warning-low-space",), "warn below this free space (%)", "int"),
        Param("blocker", ("--critical-space-blocker",), "refuse writes below this (GiB)", "int"),
        Param("wipe", ("--wipe-after-delete",), "yes or no", "choice", choices=("yes", "no")),
        Param("discard", ("--discard-after-delete",), "yes or no", "choice",
              choices=("yes", "no")),
    ),
    mutating=True,
    key="U",
)  # fmt: skip
def update(ctx: ActionContext, target: Any, **p: Any) -> Result:
    """Sent once; what the engine then shows is compared with what was asked."""
    sd = _fetch(ctx, target)
    spec = types.StorageDomain()
    wanted: dict[str, Any] = {}
    for attr, value in (
        ("name", p.get("new_name")),
        ("description", p.get("description")),
        ("comment", p.get("comment")),
        ("warning_low_space_indicator", p.get("warning")),
        ("critical_space_action_blocker", p.get("blocker")),
        ("wipe_after_delete", None if not p.get("wipe") else p["wipe"] == "yes"),
        (
            "discard_after_delete",
            None if not p.get("discard") else p["discard"] == "yes",
        ),
    ):
        if value is not None:
            setattr(spec, attr, value)
            wanted[attr] = value
    if not wanted:
        raise UsageError("Say what to change: --new-name, --description, --warning-low-space, ...")
    what = f"storage domain {sd.name}"
    send_action(ctx, _sd_service(ctx, sd.id), "update", what=what, storage_domain=spec)
    after = _fetch(ctx, sd.id)
    differs = [f"{k} is {getattr(after, k)!r}, not {v!r}" for k, v in wanted.items()
               if getattr(after, k) != v]  # fmt: skip
    if differs:
        raise EngineRefused(f"{what}: the engine answered OK but shows " + "; ".join(differs) + ".")
    ctx.progress("done", f"{what} updated", fraction=1.0)
    return Result(True, f"{after.name}: updated", after, columns=SD_COLUMNS)


LUN_COLUMNS = ("id", "size", "target", "address", "status", "storage_domain_id")


@verb(
    "storagedomain",
    "luns",
    "The LUNs a host sees (iSCSI): free ones to add a domain on (--lun), used ones",
    params=(
        HOST,
        Param("iscsi_target", ("--target",), "only the LUNs of this target", "text"),
        Param("free", ("--free",), "only the LUNs no storage domain uses", "flag"),
    ),
    target="none",
    key="L",
)
def luns(
    ctx: ActionContext,
    target: Any,
    host: str | None = None,
    iscsi_target: str | None = None,
    free: bool = False,
) -> Result:
    """What ``GET /hosts/ID/storage`` reports (after ``host discoverdomain --address``
    found the portal's targets): one row per LUN."""
    name = _pick_host(ctx, host)
    hs = ctx.system.hosts_service().host_service(find_host(ctx, name).id)
    with engine_errors(f"listing the storage host {name} sees"):
        storages = hs.storage_service().list()
    rows = [lu for st in storages for lu in (st.logical_units or [])]
    if iscsi_target:
        rows = [lu for lu in rows if lu.target == iscsi_target]
    if free:
        rows = [lu for lu in rows if not lu.storage_domain_id]
    return Result(True, f"{len(rows)} LUN(s) seen by host {name}", rows, columns=LUN_COLUMNS,
                  root="logical_units")  # fmt: skip
