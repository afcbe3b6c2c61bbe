"""An external image provider (Glance, the OpenStack Image service), as an engine has
``ovirt-image-repository`` configured out of the box: ``/openstackimageproviders`` with one
provider and its images, and ``import`` of an image as a floating disk or as a template.

ImportRepoImage: a job "Importing image ... from repository ..." whose step progress grows
while the image is copied; the new disk is locked meanwhile, then ok; as a template, the
template (in the cluster asked for) is locked, then ok, and ``template list`` shows it.
Events 2027 / 2028 (as a disk), 3017 / 3018 (as a template).

A leaf of the resource tree (``routes`` lists these): the import itself is
``image_machine.GlanceMachine``.
"""

from __future__ import annotations

import uuid

from ovirtsdk4 import types as T

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
