"""``disk upload FILE`` and ``disk download FILE`` through the engine's image transfer API.

Upload: a new floating disk sized from the file (a qcow2 file's virtual size from its
header, ``cow`` format; anything else is ``raw``), an image transfer on it, the file's bytes
``PUT`` to the transfer URL in chunks (``Content-Range``, as imageio takes them) with the
bytes sent as progress, then ``finalize`` and the disk ``ok``. Download: an image transfer of
the disk, its bytes read from the transfer URL into FILE (never over an existing file).

Ctrl-C (or the TUI's cancel) during the transfer cancels it on the engine (an upload's disk
is then removed by the engine) and removes a partial download: nothing half-done stays.

TUI keys on the Disks tab: P upload, G download.
"""

from __future__ import annotations

import http.client
import os
import ssl
import struct
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ovirtsdk4
from ovirtsdk4 import types

from .base import ActionContext, Cancelled, EngineRefused, Param, Result, UsageError
from .declare import verb
from .disks import DISK_COLUMNS, fetch_disk
from .errors import engine_errors, translate
from .vm_disks import wait_disk
from .vm_writes import add_once
from .waiters import send_action, span

TRANSFER_WAIT = 3600.0
CHUNK = 4 << 20
QCOW2_MAGIC = b"QFI\xfb"
HTTP_TIMEOUT = 60.0  # seconds one chunk may take (a stalled transfer URL ends the verb)
MiB = 1 << 20


def image_info(path: Path) -> tuple[str, int, int]:
    """(format ``cow``/``raw``, virtual size, file size) of a local image file."""
    try:
        st = path.stat()
        with path.open("rb") as f:
            head = f.read(32)
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if not path.is_file():
        raise UsageError(f"{path} is not a regular file.")
    if head[:4] == QCOW2_MAGIC and len(head) >= 32:
        (virtual,) = struct.unpack(">Q", head[24:32])
        return "cow", int(virtual), st.st_size
    return "raw", st.st_size, st.st_size


def _mib(n: int) -> str:
    return f"{n / MiB:.1f} MiB"


def _tls(ctx: ActionContext) -> ssl.SSLContext:
    """TLS for the transfer URL as for the engine: the config's ``ca_file`` (else the system's
    CAs), no verification only with ``insecure = true`` (both kept by the SDK connection)."""
    tls = ssl.create_default_context(cafile=getattr(ctx.connection, "_ca_file", None) or None)
    if getattr(ctx.connection, "_insecure", False):
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    return tls


def _open(ctx: ActionContext, url: str) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.netloc, timeout=HTTP_TIMEOUT, context=_tls(ctx)
        )
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.netloc, timeout=HTTP_TIMEOUT)
    else:
        raise EngineRefused(f"The engine gave a transfer URL ovtui cannot use: {url!r}.")
    return conn, parts.path or "/"


def _transfer_url(tr: Any) -> str:
    url = tr.transfer_url or tr.proxy_url
    if not url:
        raise EngineRefused("The engine gave no transfer URL for the image transfer.")
    return str(url)


def _phase(tr: Any) -> str:
    return str(getattr(tr.phase, "value", tr.phase) or "unknown")


def _wait_phase(ctx: ActionContext, svc: Any, wanted: set[str], what: str, gone_ok: bool) -> Any:
    """Until the transfer's phase is one of ``wanted`` (404 counts when ``gone_ok``: the
    engine drops a finished transfer); a failure phase ends it."""
    limit = ctx.timeout_for(TRANSFER_WAIT)
    deadline = time.monotonic() + limit
    last = None
    while True:
        ctx.check_cancelled()
        try:
            tr = svc.get()
        except ovirtsdk4.NotFoundError:
            if gone_ok:
                return None
            raise EngineRefused(f"{what}: the engine dropped the transfer.") from None
        except ovirtsdk4.Error as exc:
            raise translate(exc, f"reading {what}") from exc
        phase = _phase(tr)
        if phase != last:
            ctx.progress("status", f"{what}: {phase.replace('_', ' ')}", status=phase)
            last = phase
        if phase in wanted:
            return tr
        if phase.startswith(("cancelled", "finished_failure", "finalizing_failure")):
            raise EngineRefused(f"{what}: the engine ended the transfer ({phase}).")
        if time.monotonic() >= deadline:
            raise EngineRefused(f"{what}: still {phase} after {span(limit)}.")
        ctx.sleep(ctx.poll_interval)


def _begin(ctx: ActionContext, disk: Any, direction: str, fmt: Any) -> tuple[Any, str]:
    """(transfer service, label) of a new transfer (it still has to reach ``transferring``)."""
    svc = ctx.system.image_transfers_service()
    label = f"{direction} disk {disk.name}"
    spec = types.ImageTransfer(
        disk=types.Disk(id=disk.id),
        direction=types.ImageTransferDirection(direction),
        format=fmt,
    )
    tr, _cid, _ = add_once(ctx, svc, spec, label, lambda: None)
    return svc.image_transfer_service(tr.id), label


def _drop_disk(ctx: ActionContext, disk_id: str, label: str) -> None:
    """Remove the disk an upload made before its transfer began; never raises."""
    try:
        send_action(
            ctx, ctx.system.disks_service().disk_service(disk_id), "remove",
            what=f"the new disk ({label})", verb="remove",
        )  # fmt: skip
        ctx.progress("cancelled", f"{label}: stopped; the new disk is removed", level="warning")
    except Exception as exc:  # noqa: BLE001 - the interruption is what the user must see
        ctx.progress("cancelled", f"{label}: could not remove the new disk: {exc}", level="error")


def _cancel(ctx: ActionContext, tsvc: Any, label: str) -> None:
    """Cancel the transfer on the engine (the user stopped it); never raises."""
    try:
        send_action(ctx, tsvc, "cancel", what=f"the transfer ({label})", verb="cancel")
        ctx.progress(
            "cancelled", f"{label}: interrupted; the transfer is cancelled on the engine",
            level="warning",
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - the interruption is what the user must see
        ctx.progress("cancelled", f"{label}: could not cancel the transfer: {exc}", level="error")


def _finish(ctx: ActionContext, tsvc: Any, label: str, disk_id: str) -> Any:
    send_action(ctx, tsvc, "finalize", what=f"the transfer ({label})", verb="finalize")
    _wait_phase(ctx, tsvc, {"finished_success"}, label, gone_ok=True)
    with engine_errors(f"reading disk of {label}"):
        return ctx.system.disks_service().disk_service(disk_id).get()


def _send(ctx: ActionContext, url: str, path: Path, size: int, label: str) -> None:
    conn, target = _open(ctx, url)
    sent = 0
    step = max(size // 50, CHUNK)  # about 50 progress lines at most
    shown = -step
    try:
        with path.open("rb") as f:
            while sent < size:
                ctx.check_cancelled()
                data = f.read(CHUNK)
                if not data:
                    raise EngineRefused(f"{label}: {path} got shorter while it was read.")
                end = sent + len(data) - 1
                try:
                    conn.request(
                        "PUT",
                        target,
                        body=data,
                        headers={"Content-Range": f"bytes {sent}-{end}/{size}"},
                    )
                    resp = conn.getresponse()
                    reply = resp.read(4096)
                except (OSError, http.client.HTTPException) as exc:
                    raise EngineRefused(f"{label}: the transfer URL failed: {exc}.") from None
                if resp.status not in (200, 201, 204):
                    text = reply.decode("utf-8", "replace").strip()
                    raise EngineRefused(f"{label}: the transfer URL answered {resp.status}: {text}")
                sent += len(data)
                if sent - shown >= step or sent == size:
                    shown = sent
                    ctx.progress(
                        "bytes", f"{label}: {_mib(sent)} of {_mib(size)}", fraction=sent / size
                    )
    finally:
        conn.close()


@verb(
    "disk",
    "upload",
    "Upload a local image file (qcow2 or raw) as a new disk, through an image transfer",
    params=(
        Param("file", ("file",), "the image file (qcow2 or raw)", "file", required=True),
        Param("storagedomain", ("--storagedomain", "--sd"), "the data domain for the disk",
              "storagedomain", required=True),
        Param("name", ("--name",), "the disk's name (default: the file's name)", "text"),
    ),
    target="none",
    mutating=True,
    waits=True,
    wait=TRANSFER_WAIT,
    key="P",
)  # fmt: skip
def upload(
    ctx: ActionContext,
    target: Any,
    file: str | None = None,
    storagedomain: str | None = None,
    name: str | None = None,
) -> Result:
    """The bytes sent show as progress; the engine holds the same bytes at the end."""
    if not file or not storagedomain:
        raise UsageError("disk upload needs FILE and --storagedomain NAME.")
    path = Path(file)
    fmt, virtual, size = image_info(path)
    disk_name = name or path.name
    spec = types.Disk(
        name=disk_name,
        alias=disk_name,
        provisioned_size=virtual,
        initial_size=size if fmt == "cow" else None,
        format=types.DiskFormat(fmt),
        sparse=True,
        description=f"uploaded from {path.name}",
        storage_domains=[types.StorageDomain(name=storagedomain)],
    )
    svc = ctx.system.disks_service()
    label = f"upload {path.name}"
    disk, cid, follower = add_once(ctx, svc, spec, f"create disk {disk_name}", lambda: None)
    tsvc = None
    try:
        disk = wait_disk(ctx, disk.id, f"create disk {disk_name}", follower, cid)
        ctx.progress(
            "info", f"{label}: {fmt} image, {_mib(size)} to send ({_mib(virtual)} virtual)"
        )
        tsvc, label = _begin(ctx, disk, "upload", types.DiskFormat(fmt))
        tr = _wait_phase(ctx, tsvc, {"transferring"}, label, gone_ok=False)
        _send(ctx, _transfer_url(tr), path, size, label)
        final = _finish(ctx, tsvc, label, disk.id)
    except (KeyboardInterrupt, Cancelled, EngineRefused):
        if tsvc is not None:
            _cancel(ctx, tsvc, label)  # the engine removes a cancelled upload's disk
        else:
            _drop_disk(ctx, disk.id, label)
        raise
    message = f"disk {final.name}: {_mib(size)} uploaded from {path.name}"
    ctx.progress("done", message, fraction=1.0)
    return Result(True, message, final, columns=DISK_COLUMNS)


@verb(
    "disk",
    "download",
    "Download a disk's image to a local file, through an image transfer",
    params=(Param("file", ("file",), "the file to write (must not exist)", "file", required=True),),
    mutating=True,
    waits=True,
    wait=TRANSFER_WAIT,
    key="G",
)
def download(ctx: ActionContext, target: Any, file: str | None = None) -> Result:
    """Written to FILE as it comes (bytes as progress); a stopped download leaves no file."""
    if not file:
        raise UsageError("disk download needs FILE.")
    path = Path(file)
    if path.exists():
        raise UsageError(f"{path} exists: ovtui does not write over it.", "Name a new file.")
    disk = fetch_disk(ctx, target)
    tsvc = None
    label = f"download disk {disk.name}"
    got = 0
    try:
        tsvc, label = _begin(ctx, disk, "download", disk.format)
        tr = _wait_phase(ctx, tsvc, {"transferring"}, label, gone_ok=False)
        got = _receive(ctx, _transfer_url(tr), path, label)
        _finish(ctx, tsvc, label, disk.id)
    except (KeyboardInterrupt, Cancelled, EngineRefused):
        if tsvc is not None:
            _cancel(ctx, tsvc, label)
        path.unlink(missing_ok=True)
        raise
    message = f"disk {disk.name}: {_mib(got)} written to {path}"
    ctx.progress("done", message, fraction=1.0)
    return Result(True, message, {"disk": disk.name, "file": str(path), "bytes": got})


def _receive(ctx: ActionContext, url: str, path: Path, label: str) -> int:
    conn, target = _open(ctx, url)
    got = 0
    try:
        try:
            conn.request("GET", target)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            raise EngineRefused(f"{label}: the transfer URL failed: {exc}.") from None
        if resp.status != 200:
            text = resp.read(4096).decode("utf-8", "replace").strip()
            raise EngineRefused(f"{label}: the transfer URL answered {resp.status}: {text}")
        size = int(resp.getheader("Content-Length") or 0)
        step = max(size // 50, CHUNK)
        shown = -step
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while True:
                ctx.check_cancelled()
                try:
                    data = resp.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise EngineRefused(f"{label}: the transfer URL failed: {exc}.") from None
                if not data:
                    break
                out.write(data)
                got += len(data)
                if got - shown >= step or got == size:
                    shown = got
                    ctx.progress(
                        "bytes",
                        f"{label}: {_mib(got)} of {_mib(size)}",
                        fraction=got / size if size else None,
                    )
        if size and got != size:
            raise EngineRefused(f"{label}: got {got} of {size} bytes.")
        return got
    finally:
        conn.close()
