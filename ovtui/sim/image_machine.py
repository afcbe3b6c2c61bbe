"""The machines behind ``image_transfer`` (disk uploads / downloads through a transfer URL
the simulator serves) and ``glance`` (imports from the Glance image provider); see those
modules for what the engine does. Kept apart from them: ``routes`` imports those leaves."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, render, xmlcache
from ovtui.sim.glance import IMPORT_STEPS, PROVIDER_NAME, T_IMPORT, install
from ovtui.sim.httptypes import HttpError, Request, Response, bad_request, conflict
from ovtui.sim.image_transfer import (
    ENDED,
    IMAGES_PREFIX,
    PH,
    T_FINAL,
    T_INIT,
    ZERO,
    plain,
    range_start,
)
from ovtui.sim.machine_base import (
    SDS,
    Ctx,
    MachineBase,
    RouteParts,
    _engine_enum,
    _find_named,
    parse_body,
)
from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.store import RecordStore


def _say(world: RecordStore, code: int, text: str, cid: str | None) -> None:
    event = ev.emit(world, code, correlation_id=cid)
    event.description = text


class ImageTransferMachine(MachineBase):
    """``/imagetransfers`` and the transfer URLs' bytes."""

    hold_uploads_after: int | None = None
    transfer_scheme = "http"  # "https" when the simulator serves TLS (Simulator.start)

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
        host_port = req.headers.get("Host") or "127.0.0.1"
        base = f"{self.transfer_scheme}://{host_port}{IMAGES_PREFIX}{ticket}"
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
                return plain(403, "You are not allowed to access this resource: no ticket\n")
            disk = tr._sim_disk
            upload = tr.direction == T.ImageTransferDirection.UPLOAD
        if method == "PUT":
            if not upload:
                return plain(403, "This ticket does not allow writing\n")
            start = range_start(headers.get("Content-Range"))
            if start is None:
                return plain(400, "Invalid Content-Range header\n")
            hold = self.hold_uploads_after
            if hold is not None and start + len(body) > hold:
                tr._sim_ended.wait(30)
            with w.lock:
                if tr.phase != PH.TRANSFERRING:
                    return plain(403, "You are not allowed to access this resource: no ticket\n")
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
        return plain(405, "Method not allowed\n")


class GlanceMachine(MachineBase):
    """``import`` of a Glance image as a disk or a template."""

    def routes_glance(self) -> RouteParts:
        install(self.world)  # the engine comes with its image repository configured
        return RouteParts(verbs={("openstack_image", "import"): self.image_import})

    def image_import(self, img: Any, ctx: Ctx) -> None:
        w = self.world
        a = ctx.action
        sd = _find_named(w, "storagedomains", a.storage_domain)
        if a.storage_domain is None or sd is None:
            raise bad_request("Entity not found: storage_domain")
        pre = "Cannot import Virtual Disk."
        if sd.type != T.StorageDomainType.DATA:
            raise conflict(f"{pre} Storage Domain type is illegal.")
        if sd._sim_dc_status != SDS.ACTIVE:
            status = sd._sim_dc_status if sd.data_centers else SDS.UNATTACHED
            raise conflict(f"{pre} The relevant Storage Domain's status is {_engine_enum(status)}.")
        as_template = bool(a.import_as_template)
        cluster = None
        tpl_name = None
        if as_template:
            cluster = _find_named(w, "clusters", a.cluster)
            if cluster is None:
                raise HttpError(
                    400, "Action [cluster.id|name] required for import", "Incomplete parameters"
                )
            if cluster.data_center.id != sd.data_centers[0].id:
                raise conflict(
                    "Cannot import Template. The Storage Domain is not in the Cluster's Data "
                    "Center."
                )
            tpl_name = (a.template.name if a.template is not None else None) or (
                img.name.replace(" ", "_")[:60]
            )
            if any(t.name == tpl_name for t in w.coll["templates"].values()):
                raise conflict(
                    "Cannot import Template. The Template name is already in use, please choose "
                    "a unique name and try again."
                )
        alias = (a.disk.alias or a.disk.name if a.disk is not None else None) or (
            img.name.replace(" ", "_")[:60]
        )
        disk = records.new_disk(w, w.rng, alias, img._sim_size, sd, "glance", False)
        disk.description = img.name
        disk.format = img._sim_format
        disk.actual_size = 0
        set_private(disk, _sim_owner=("", ""))
        self.set_status(disk, T.DiskStatus.LOCKED)
        prov = PROVIDER_NAME
        job = self._job(ctx, f"Importing image {img.name} from repository {prov}", ["Importing"])
        tpl = None
        if as_template:
            assert cluster is not None and tpl_name is not None
            tid = w.new_id()
            tpl = records.make_template(
                w, tid, tpl_name, cluster, img.name, w.now(), w.rng, "other_linux"
            )
            tpl.status = T.TemplateStatus.LOCKED
            tpl.version = mk(
                T.TemplateVersion,
                version_number=1,
                version_name="base",
                base_template=ref(T.Template, "templates", tid),
            )
            set_private(disk, _sim_owner=("templates", tid))
            att = mk(
                T.DiskAttachment,
                id=disk.id,
                href=href("templates", tid, "diskattachments", disk.id),
                active=True,
                bootable=True,
                interface=T.DiskInterface.VIRTIO_SCSI,
                disk=ref(T.Disk, "disks", disk.id),
                template=ref(T.Template, "templates", tid),
            )
            w.set_sub("templates", tid, "diskattachments", [att])
            w.set_sub("templates", tid, "nics", [])
            text = (
                f"User {ctx.user} importing image {img.name} as template {tpl_name} to domain "
                f"{sd.name}."
            )
            self._say_glance(3017, text, ctx, sd, tpl)
        else:
            self._say_glance(
                2027, f"User {ctx.user} importing image {img.name} to domain {sd.name}.", ctx, sd
            )
        op = self._begin(disk)

        def step(k: int) -> None:
            ev.progress_job(w, job, int(100 * k / IMPORT_STEPS))
            if k < IMPORT_STEPS:
                self._later(disk, op, T_IMPORT / IMPORT_STEPS, lambda: step(k + 1))
                return
            disk.actual_size = img._sim_size // 4
            self.set_status(disk, T.DiskStatus.OK)
            if tpl is not None:
                tpl.status = T.TemplateStatus.OK
                xmlcache.touch(tpl)
                self._say_glance(
                    3018,
                    f"User {ctx.user} successfully imported image {img.name} as template "
                    f"{tpl.name} to domain {sd.name}.",
                    ctx,
                    sd,
                    tpl,
                )
            else:
                self._say_glance(
                    2028,
                    f"User {ctx.user} successfully imported image {img.name} to domain {sd.name}.",
                    ctx,
                    sd,
                )
            ev.end_job(w, job)

        self._later(disk, op, T_IMPORT / IMPORT_STEPS, lambda: step(1))

    def _say_glance(self, code: int, text: str, ctx: Ctx, sd: Any, tpl: Any = None) -> None:
        event = ev.emit(self.world, code, sd=sd, template=tpl, correlation_id=ctx.cid)
        event.description = text
