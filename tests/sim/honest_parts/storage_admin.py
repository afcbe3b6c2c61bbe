"""Effect checks of ovtui/sim/storage_admin.py, image_transfer.py and glance.py: storage
domains added, attached, detached, removed; floating disks; image transfers; Glance imports.

Each makes the change through the real SDK and reads the world back, or sees the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import wait_for

from .common import refused

SDS = T.StorageDomainStatus
GiB = 2**30


def _sys(conn: Any) -> Any:
    return conn.system_service()


def _up_host(conn: Any) -> Any:
    return _sys(conn).hosts_service().list(search="status=up and datacenter=Default")[0]


def _dc(conn: Any, name: str = "Default") -> Any:
    return _sys(conn).data_centers_service().list(search=f"name={name}")[0]


def new_nfs_domain(conn: Any, name: str = "nfs-new", path: str | None = None) -> Any:
    """An NFS data domain added through the engine, once it is unattached."""
    sds = _sys(conn).storage_domains_service()
    sd = sds.add(
        T.StorageDomain(
            name=name,
            type=T.StorageDomainType.DATA,
            host=T.Host(name=_up_host(conn).name),
            storage=T.HostStorage(
                type=T.StorageType.NFS, address="nfs.example.com", path=path or f"/exports/{name}"
            ),
        )
    )
    assert sd.status == SDS.LOCKED
    svc = sds.storage_domain_service(sd.id)
    wait_for(lambda: svc.get().status == SDS.UNATTACHED, timeout=30, what="unattached")
    return svc.get()


def attached(conn: Any, sd: Any, dc_name: str = "Default") -> Any:
    dc = _dc(conn, dc_name)
    svc = _sys(conn).data_centers_service().data_center_service(dc.id).storage_domains_service()
    return svc.storage_domain_service(sd.id)


def c_sd_add(sim: Any, conn: Any) -> None:
    sd = new_nfs_domain(conn)
    assert sim.world.status_path(sd.id) == ["locked", "unattached"]
    assert sd.storage.address == "nfs.example.com" and sd.storage.path == "/exports/nfs-new"
    # the same export again: the connection is taken
    refused(
        lambda: new_nfs_domain(conn, "nfs-other", "/exports/nfs-new"),
        409,
        "Cannot add Storage. Storage connection nfs.example.com:/exports/nfs-new already "
        "exists for nfs-new.",
    )
    # import of a path that holds nothing
    refused(
        lambda: _sys(conn).storage_domains_service().add(
            T.StorageDomain(
                name="ghost", import_=True, type=T.StorageDomainType.DATA,
                host=T.Host(name=_up_host(conn).name),
                storage=T.HostStorage(type=T.StorageType.NFS, address="nfs.example.com",
                                      path="/exports/empty"),
            )
        ),
        409,
        "Cannot import Storage. Storage Domain doesn't exist.",
    )  # fmt: skip


def c_sd_attach(sim: Any, conn: Any) -> None:
    sd = new_nfs_domain(conn)
    svc = attached(conn, sd)
    dc = _dc(conn)
    _sys(conn).data_centers_service().data_center_service(dc.id).storage_domains_service().add(
        T.StorageDomain(id=sd.id)
    )
    wait_for(lambda: svc.get().status == SDS.ACTIVE, what="active")
    assert sim.world.status_path(sd.id)[2:] == ["locked", "maintenance", "activating", "active"]
    top = _sys(conn).storage_domains_service().storage_domain_service(sd.id).get()
    assert top.status is None and top.data_centers[0].id == dc.id and top.master is False


def c_sd_detach(sim: Any, conn: Any) -> None:
    sd = _sys(conn).storage_domains_service().list(search="name=default-data2")[0]
    svc = attached(conn, sd)
    refused(
        svc.remove, 409, "Cannot detach Storage. The relevant Storage Domain's status is Active."
    )
    svc.deactivate()
    wait_for(lambda: svc.get().status == SDS.MAINTENANCE, what="maintenance")
    svc.remove()
    top = _sys(conn).storage_domains_service().storage_domain_service(sd.id)
    wait_for(lambda: top.get().status == SDS.UNATTACHED, what="unattached")
    assert not top.get().data_centers


def c_sd_remove(sim: Any, conn: Any) -> None:
    host = _up_host(conn).name
    active = _sys(conn).storage_domains_service().list(search="name=default-data2")[0]
    sds = _sys(conn).storage_domains_service()
    refused(
        lambda: sds.storage_domain_service(active.id).remove(host=host),
        409,
        "Cannot remove Storage. The relevant Storage Domain is inaccessible. -Please handle "
        "Storage Domain issues and retry the operation.",
    )
    sd = new_nfs_domain(conn)
    sds.storage_domain_service(sd.id).remove(host=host)  # kept on the storage
    assert sd.id not in [s.id for s in sds.list()]
    back = sds.add(
        T.StorageDomain(
            import_=True, name="nfs-back", type=T.StorageDomainType.DATA, host=T.Host(name=host),
            storage=T.HostStorage(type=T.StorageType.NFS, address="nfs.example.com",
                                  path="/exports/nfs-new"),
        )
    )  # fmt: skip
    assert back.id == sd.id
    svc = sds.storage_domain_service(sd.id)
    wait_for(lambda: svc.get().status == SDS.UNATTACHED, what="imported")
    svc.remove(host=host, format=True)  # wiped: nothing left to import
    refused(
        lambda: sds.add(
            T.StorageDomain(
                import_=True, name="nfs-back", type=T.StorageDomainType.DATA,
                host=T.Host(name=host),
                storage=T.HostStorage(type=T.StorageType.NFS, address="nfs.example.com",
                                      path="/exports/nfs-new"),
            )
        ),
        409,
        "Cannot import Storage. Storage Domain doesn't exist.",
    )  # fmt: skip


def c_disk_add(sim: Any, conn: Any) -> None:
    disks = _sys(conn).disks_service()
    d = disks.add(
        T.Disk(
            name="floating1",
            provisioned_size=3 * GiB,
            format=T.DiskFormat.COW,
            storage_domains=[T.StorageDomain(name="default-data1")],
        )
    )
    assert d.status == T.DiskStatus.LOCKED
    svc = disks.disk_service(d.id)
    wait_for(lambda: svc.get().status == T.DiskStatus.OK, what="disk ok")
    got = svc.get()
    assert got.provisioned_size == 3 * GiB and got.storage_domains[0].id
    refused(
        lambda: disks.add(
            T.Disk(name="x", provisioned_size=GiB, format=T.DiskFormat.RAW,
                   storage_domains=[T.StorageDomain(name="default-iso")])
        ),
        409,
        "Cannot add Virtual Disk. Storage Domain type is illegal.",
    )  # fmt: skip


def c_disk_remove(sim: Any, conn: Any) -> None:
    disks = _sys(conn).disks_service()
    d = disks.add(
        T.Disk(
            name="floating2",
            provisioned_size=GiB,
            format=T.DiskFormat.RAW,
            storage_domains=[T.StorageDomain(name="default-data1")],
        )
    )
    svc = disks.disk_service(d.id)
    refused(svc.remove, 409, "Cannot remove Virtual Disk: Disk is locked. Please try again later.")
    wait_for(lambda: svc.get().status == T.DiskStatus.OK, what="disk ok")
    svc.remove()
    assert d.id not in [x.id for x in disks.list(search="name=floating2")]
    with pytest.raises(sdk.NotFoundError):
        svc.get()


def c_disk_copy(sim: Any, conn: Any) -> None:
    disks = _sys(conn).disks_service()
    d = disks.add(
        T.Disk(
            name="floating3",
            provisioned_size=2 * GiB,
            format=T.DiskFormat.COW,
            storage_domains=[T.StorageDomain(name="default-data1")],
        )
    )
    svc = disks.disk_service(d.id)
    wait_for(lambda: svc.get().status == T.DiskStatus.OK, what="disk ok")
    svc.copy(storage_domain=T.StorageDomain(name="default-data2"), disk=T.Disk(alias="floating3-b"))
    copies = wait_for(
        lambda: [x for x in disks.list(search="name=floating3-b") if x.status == T.DiskStatus.OK],
        what="the copy",
    )
    sd2 = _sys(conn).storage_domains_service().list(search="name=default-data2")[0]
    assert copies[0].storage_domains[0].id == sd2.id
    assert copies[0].provisioned_size == 2 * GiB
    assert svc.get().status == T.DiskStatus.OK  # the source stays


def _floating(conn: Any, name: str) -> Any:
    disks = _sys(conn).disks_service()
    d = disks.add(
        T.Disk(
            name=name,
            provisioned_size=GiB,
            format=T.DiskFormat.RAW,
            storage_domains=[T.StorageDomain(name="default-data1")],
        )
    )
    svc = disks.disk_service(d.id)
    wait_for(lambda: svc.get().status == T.DiskStatus.OK, what="disk ok")
    return svc


def _transfer(conn: Any, disk_svc: Any) -> Any:
    ts = _sys(conn).image_transfers_service()
    tr = ts.add(T.ImageTransfer(disk=T.Disk(id=disk_svc.get().id)))
    assert tr.phase == T.ImageTransferPhase.INITIALIZING
    svc = ts.image_transfer_service(tr.id)
    wait_for(lambda: svc.get().phase == T.ImageTransferPhase.TRANSFERRING, what="transferring")
    assert svc.get().transfer_url.startswith("http://")
    assert disk_svc.get().status == T.DiskStatus.LOCKED
    return svc


def c_transfer_add(sim: Any, conn: Any) -> None:
    disk = _floating(conn, "up1")
    _transfer(conn, disk)
    refused(
        lambda: (
            _sys(conn).image_transfers_service().add(T.ImageTransfer(disk=T.Disk(id=disk.get().id)))
        ),
        409,
        "Cannot transfer Virtual Disk. Disk up1 is being transferred.",
    )


def c_transfer_finalize(sim: Any, conn: Any) -> None:
    disk = _floating(conn, "up2")
    tr = _transfer(conn, disk)
    tr.finalize()
    wait_for(lambda: tr.get().phase == T.ImageTransferPhase.FINISHED_SUCCESS, what="finished")
    assert disk.get().status == T.DiskStatus.OK
    refused(
        tr.finalize,
        409,
        "Cannot finalize image transfer. The transfer is in phase finished success.",
    )


def c_transfer_cancel(sim: Any, conn: Any) -> None:
    disk = _floating(conn, "up3")
    tr = _transfer(conn, disk)
    tr.cancel()
    wait_for(lambda: tr.get().phase == T.ImageTransferPhase.CANCELLED_USER, what="cancelled")
    with pytest.raises(sdk.NotFoundError):
        disk.get()  # a cancelled upload's disk is removed


def c_glance_import(sim: Any, conn: Any) -> None:
    ps = _sys(conn).openstack_image_providers_service()
    prov = ps.list()[0]
    imgs = ps.provider_service(prov.id).images_service()
    img = next(i for i in imgs.list() if i.name.startswith("CirrOS"))
    imgs.image_service(img.id).import_(
        storage_domain=T.StorageDomain(name="default-data1"),
        cluster=T.Cluster(name="Default"),
        import_as_template=True,
        template=T.Template(name="cirros-tpl"),
        query={"correlation_id": "c-glance"},
    )
    tpls = _sys(conn).templates_service()
    wait_for(
        lambda: [t for t in tpls.list(search="name=cirros-tpl") if t.status == T.TemplateStatus.OK],
        what="the template",
    )
    codes = [e.code for e in _sys(conn).events_service().list(search="correlation_id=c-glance")]
    assert 3017 in codes and 3018 in codes
    refused(
        lambda: imgs.image_service(img.id).import_(
            storage_domain=T.StorageDomain(name="default-iso"), import_as_template=False
        ),
        409,
        "Cannot import Virtual Disk. Storage Domain type is illegal.",
    )


CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ADD image_transfer": c_transfer_add,
    "ACTION image_transfer finalize": c_transfer_finalize,
    "ACTION image_transfer cancel": c_transfer_cancel,
    "ACTION openstack_image import": c_glance_import,
    "ADD storage_domain": c_sd_add,
    "ADD data_center.storage_domain": c_sd_attach,
    "REMOVE data_center.storage_domain": c_sd_detach,
    "REMOVE storage_domain": c_sd_remove,
    "ADD disk": c_disk_add,
    "REMOVE disk": c_disk_remove,
    "ACTION disk copy": c_disk_copy,
}
