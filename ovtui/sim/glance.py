"""An external image provider (Glance, the OpenStack Image service), as an engine has
``ovirt-image-repository`` configured out of the box: ``/openstackimageproviders`` with one
provider and its images, and ``import`` of an image as a floating disk or as a template.

ImportRepoImage: a job "Importing image ... from repository ..." whose step progress grows
while the image is copied; the new disk is locked meanwhile, then ok; as a template, the
template (in the cluster asked for) is locked, then ok, and ``template list`` shows it.
Events 2027 / 2028 (as a disk), 3017 / 3018 (as a template).
"""

from __future__ import annotations

import uuid
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim import events as ev
from ovtui.sim import records, xmlcache
from ovtui.sim.httptypes import HttpError, bad_request, conflict
from ovtui.sim.machine_base import SDS, Ctx, MachineBase, RouteParts, _engine_enum, _find_named
from ovtui.sim.records import GiB, href, mk, ref, set_private
from ovtui.sim.store import RecordStore

PROVIDER_ID = "ceab03af-7220-4d42-8f5c-9b557f5d29af"  # the engine's own, as installed
PROVIDER_NAME = "ovirt-image-repository"
IMAGES = (  # name, virtual size (GiB), format
    ("CirrOS 0.5.2 for x86_64", 1, T.DiskFormat.COW),
    ("Fedora 37 Cloud Base Image v1.7 for x86_64", 5, T.DiskFormat.COW),
    ("CentOS Stream 9 GenericCloud v20230123 for x86_64", 10, T.DiskFormat.COW),
    ("Debian 11 generic cloud for x86_64", 2, T.DiskFormat.RAW),
)
IMPORT_STEPS = 5
T_IMPORT = 4.0  # engine seconds an import takes


def _image_id(name: str) -> str:
    return str(uuid.uuid5(uuid.UUID(PROVIDER_ID), name))


def install(world: RecordStore) -> None:
    """The provider and its images (once per world)."""
    providers = world.coll.setdefault("openstackimageproviders", {})
    if providers:
        return
    prov = mk(
        T.OpenStackImageProvider,
        id=PROVIDER_ID,
        href=href("openstackimageproviders", PROVIDER_ID),
        name=PROVIDER_NAME,
        description="Public Glance repository for oVirt",
        url="http://glance.ovirt.org:9292",
        requires_authentication=False,
        properties=[],
    )
    images = []
    for name, size, fmt in IMAGES:
        iid = _image_id(name)
        img = mk(
            T.OpenStackImage,
            id=iid,
            href=href("openstackimageproviders", PROVIDER_ID, "images", iid),
            name=name,
            openstack_image_provider=ref(
                T.OpenStackImageProvider, "openstackimageproviders", PROVIDER_ID
            ),
        )
        set_private(img, _sim_size=size * GiB, _sim_format=fmt)
        images.append(img)
    set_private(prov, _sim_images=images)
    providers[PROVIDER_ID] = prov


TOP = {
    "openstackimageproviders": (
        "openstack_image_provider",
        lambda w: list(w.coll.get("openstackimageproviders", {}).values()),
    ),
}
CHILDREN = {
    ("openstack_image_provider", "images"): (
        "openstack_image",
        lambda w, o: list(getattr(o, "_sim_images", [])),
    ),
}


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
