"""Image transfers (``/imagetransfers``): a disk's bytes uploaded or downloaded through a
transfer URL the simulator hands out and serves itself, imageio-style.

``POST /imagetransfers`` (a disk, a direction) locks the disk and answers ``initializing``;
the transfer is ``transferring`` a moment later, with ``transfer_url`` =
``http://HOST:PORT/images/TICKET`` (the address the client reached the engine at).
``PUT /images/TICKET`` with ``Content-Range: bytes START-END/TOTAL`` (or ``*``) writes the
body at START; ``GET`` (with an optional ``Range``) reads. ``finalize`` ends it
(``finalizing_success`` -> ``finished_success``, the disk ``ok`` again); ``cancel`` ends it
with ``finalizing_failure`` -> ``cancelled_user``, and a cancelled upload removes its disk,
as the engine does. Events 1031 / 1032 / 1033.

The bytes live on the disk record (``_sim_image``): a download gives back what an upload put
there (a disk never uploaded reads as zeros: a new disk). ``hold_uploads_after`` (bytes) is a
test knob: an upload's PUTs past it wait until the transfer ends (a slow storage, so that an
interrupted upload can be seen mid-way).
"""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import render, xmlcache
from ovtui.sim.httptypes import HttpError, Request, Response, conflict
from ovtui.sim.machine_base import Ctx, MachineBase, RouteParts, _find_named, parse_body
from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.store import RecordStore

IMAGES_PREFIX = "/images/"
PH = T.ImageTransferPhase
T_INIT = 0.5  # engine seconds from initializing to transferring (the ticket reaches imageio)
T_FINAL = 0.5  # engine seconds finalizing
ZERO = bytes(4 << 20)
ENDED = {PH.FINISHED_SUCCESS, PH.FINISHED_FAILURE, PH.CANCELLED_USER, PH.CANCELLED_SYSTEM}

TOP = {
    "imagetransfers": (
        "image_transfer",
        lambda w: list(w.coll.get("imagetransfers", {}).values()),
    ),
}


def _say(world: RecordStore, code: int, text: str, cid: str | None) -> None:
    event = ev.emit(world, code, correlation_id=cid)
    event.description = text


class ImageTransferMachine(MachineBase):
    """``/imagetransfers`` and the transfer URLs' bytes."""

    hold_uploads_after: int | None = None

    def routes_image_transfer(self) -> RouteParts:
        self.world.coll.setdefault("imagetransfers", {})
        return RouteParts(
            adders={("image_transfer", None): self._transfer_add},
            verbs={
                ("image_transfer", "finalize"): self.transfer_finalize,
                ("image_transfer", "cancel"): self.transfer_cancel,
            },
        )

    def _transfer_add(self, req: Request, node: Any) -> Response:
        """TransferDiskImage: the disk must be ok and not attached to a running VM."""
        w = self.world
        cid = req.correlation_id
        t_in = parse_body(req.body, T.ImageTransfer)
        disk_ref = t_in.disk or t_in.image
        if disk_ref is None or not disk_ref.id:
            raise HttpError(
                400, "ImageTransfer [disk.id|image.id] required for add", "Incomplete parameters"
            )
        disk = w.all_disks().get(disk_ref.id)
        if disk is None:
            raise HttpError(404, "Entity not found: Disk")
        direction = t_in.direction or T.ImageTransferDirection.UPLOAD
        word = "Upload" if direction == T.ImageTransferDirection.UPLOAD else "Download"
        if getattr(disk, "_sim_transfer", None) is not None:
            # AppErrors ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED
            raise conflict(f"Cannot transfer Virtual Disk. Disk {disk.alias} is being transferred.")
        if disk.status != T.DiskStatus.OK:
            raise conflict("Cannot transfer Virtual Disk: Disk is locked. Please try again later.")
        owner = getattr(disk, "_sim_owner", ("", ""))
        vm = w.get("vms", owner[1]) if owner[0] == "vms" else None
        if vm is not None and vm.status != T.VmStatus.DOWN:
            raise conflict("Cannot transfer Virtual Disk. At least one of the VMs is not down.")
        sd = (
            _find_named(w, "storagedomains", disk.storage_domains[0])
            if disk.storage_domains
            else None
        )
        host = next(
            (
                h
                for h in w.coll["hosts"].values()
                if h.status == T.HostStatus.UP
                and sd is not None
                and sd.data_centers
                and w.get("clusters", h.cluster.id) is not None
                and w.coll["clusters"][h.cluster.id].data_center.id == sd.data_centers[0].id
            ),
            None,
        )
        if host is None:
            # AppErrors ACTION_TYPE_FAILED_NO_VDS_IN_POOL
            raise conflict(
                "Cannot transfer Virtual Disk. There is no active Host in the Data Center."
            )
        tid = w.new_id()
        ticket = str(uuid.uuid4())
        base = f"http://{req.headers.get('Host') or '127.0.0.1'}{IMAGES_PREFIX}{ticket}"
        tr = mk(
            T.ImageTransfer,
            id=tid,
            href=href("imagetransfers", tid),
            phase=PH.INITIALIZING,
            direction=direction,
            active=False,
            disk=ref(T.Disk, "disks", disk.id),
            image=mk(T.Image, id=disk.image_id),
            host=ref(T.Host, "hosts", host.id),
            inactivity_timeout=t_in.inactivity_timeout or 60,
            format=t_in.format or T.DiskFormat.COW,
            transferred=0,
            shallow=False,
            timeout_policy=T.ImageTransferTimeoutPolicy.LEGACY,
        )
        ctx = Ctx(None, cid)
        job = self._job(ctx, f"{word}ing image of disk {disk.alias}")
        set_private(
            tr,
            _sim_ticket=ticket,
            _sim_url=base,
            _sim_disk=disk,
            _sim_job=job,
            _sim_cid=cid,
            _sim_word=word,
            _sim_ended=threading.Event(),
        )
        set_private(disk, _sim_transfer=tr)
        if getattr(disk, "_sim_image", None) is None:
            set_private(disk, _sim_image=bytearray())
        self.set_status(disk, T.DiskStatus.LOCKED)
        w.coll["imagetransfers"][tid] = tr
        _say(w, 1031, f"Image {word} with disk {disk.alias} was initiated by {ctx.user}.", cid)

        def ready() -> None:
            if tr.phase == PH.INITIALIZING:
                tr.phase = PH.TRANSFERRING
                tr.active = True
                tr.transfer_url = base
                tr.proxy_url = base

        self.after(T_INIT, ready)
        body = render.document(render.entity(tr, "image_transfer"))
        return Response(201, body, headers={"Location": tr.href})

    def transfer_finalize(self, tr: Any, ctx: Ctx) -> None:
        if tr.phase != PH.TRANSFERRING:
            raise conflict(
                "Cannot finalize image transfer. The transfer is in phase "
                f"{str(tr.phase.value).replace('_', ' ')}."
            )
        tr.phase = PH.FINALIZING_SUCCESS
        tr.active = False
        disk = tr._sim_disk
        w = self.world

        def done() -> None:
            tr.phase = PH.FINISHED_SUCCESS
            set_private(disk, _sim_transfer=None)
            tr._sim_ended.set()
            if tr.direction == T.ImageTransferDirection.UPLOAD:
                disk.actual_size = len(disk._sim_image)
            self.set_status(disk, T.DiskStatus.OK)
            _say(w, 1032, f"Image {tr._sim_word} with disk {disk.alias} succeeded.", tr._sim_cid)
            ev.end_job(w, tr._sim_job)

        self.after(T_FINAL, done)

    def transfer_cancel(self, tr: Any, ctx: Ctx) -> None:
        if tr.phase in ENDED or tr.phase in (PH.FINALIZING_SUCCESS, PH.FINALIZING_FAILURE):
            raise conflict(
                "Cannot cancel image transfer. The transfer is in phase "
                f"{str(tr.phase.value).replace('_', ' ')}."
            )
        tr.phase = PH.FINALIZING_FAILURE
        tr.active = False
        tr._sim_ended.set()  # a PUT held by ``hold_uploads_after`` ends now
        disk = tr._sim_disk
        w = self.world

        def done() -> None:
            tr.phase = PH.CANCELLED_USER
            set_private(disk, _sim_transfer=None)
            upload = tr.direction == T.ImageTransferDirection.UPLOAD
            if upload and getattr(disk, "_sim_owner", ("", ""))[0] == "":
                w.coll["disks"].pop(disk.id, None)  # a cancelled upload's disk goes
            else:
                self.set_status(disk, T.DiskStatus.OK)
            _say(
                w, 1033, f"Image {tr._sim_word} with disk {disk.alias} was cancelled.", tr._sim_cid
            )
            ev.end_job(w, tr._sim_job, ok=False)

        self.after(T_FINAL, done)

    # ---------------------------------------------------------------- bytes
    def _by_ticket(self, ticket: str) -> Any:
        for tr in self.world.coll.get("imagetransfers", {}).values():
            if getattr(tr, "_sim_ticket", None) == ticket:
                return tr
        return None

    def serve_image(self, method: str, path: str, headers: Any, body: bytes) -> Response:
        """``PUT``/``GET`` of ``/images/TICKET`` (the caller does not hold the world lock)."""
        ticket = path[len(IMAGES_PREFIX) :].strip("/")
        w = self.world
        with w.lock:
            tr = self._by_ticket(ticket)
            if tr is None or tr.phase != PH.TRANSFERRING:
                return _plain(403, "You are not allowed to access this resource: no ticket\n")
            disk = tr._sim_disk
            upload = tr.direction == T.ImageTransferDirection.UPLOAD
        if method == "PUT":
            if not upload:
                return _plain(403, "This ticket does not allow writing\n")
            start = _range_start(headers.get("Content-Range"))
            if start is None:
                return _plain(400, "Invalid Content-Range header\n")
            hold = self.hold_uploads_after
            if hold is not None and start + len(body) > hold:
                tr._sim_ended.wait(30)
            with w.lock:
                if tr.phase != PH.TRANSFERRING:
                    return _plain(403, "You are not allowed to access this resource: no ticket\n")
                image: bytearray = disk._sim_image
                if len(image) < start:
                    image.extend(bytes(start - len(image)))
                image[start : start + len(body)] = body
                tr.transferred = max(tr.transferred or 0, start + len(body))
                xmlcache.touch(tr)
            return Response(200, b"", "text/plain")
        if method == "GET":
            with w.lock:
                data = bytes(disk._sim_image or b"")
                size = len(data) if data else int(disk.provisioned_size or 0)
            first, last = 0, size - 1
            rng = re.fullmatch(r"bytes=(\d+)-(\d*)", headers.get("Range") or "")
            if rng:
                first = int(rng.group(1))
                last = min(int(rng.group(2)) if rng.group(2) else size - 1, size - 1)
            if data:
                parts = [data[first : last + 1]]
            else:
                n = last + 1 - first
                parts = [ZERO] * (n // len(ZERO)) + [ZERO[: n % len(ZERO)]]
            code = 206 if rng else 200
            with w.lock:
                tr.transferred = last + 1
            return Response(code, parts, "application/octet-stream")
        return _plain(405, "Method not allowed\n")


def _range_start(value: str | None) -> int | None:
    if not value:
        return 0
    m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", value.strip())
    return int(m.group(1)) if m else None


def _plain(code: int, text: str) -> Response:
    return Response(code, text.encode(), "text/plain")
