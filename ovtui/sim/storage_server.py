"""The simulated storage servers' block devices: the LUNs an iSCSI portal offers.

A portal the seeded iSCSI domains use (``iscsi.example.com:3260``) offers their targets and
LUNs, and a spare target (the one ``host_iscsi_discover`` also reports) with
``SPARE_LUNS`` free LUNs of ``SPARE_GIB`` each. ``GET /hosts/ID/storage`` lists what an up
host sees there: every LUN, with the storage domain that uses it (``storage_domain_id``),
as the engine's host storage does after a login. ``storagedomain add`` on iSCSI takes its
LUNs from here (an unknown LUN is VDSM's PhysDevInitializationError).

A leaf of the resource tree (``routes`` lists the host's storage from here).
"""

from __future__ import annotations

import uuid
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.records import GiB, mk
from ovtui.sim.store import RecordStore

SPARE_TARGET = "iqn.2003-01.org.linux-iscsi.storage.x8664:spare"
SPARE_LUNS = 4
SPARE_GIB = 100


def _spare_luns(address: str, port: int) -> list[T.LogicalUnit]:
    ns = uuid.uuid5(uuid.NAMESPACE_DNS, f"{address}:{port}")
    out = []
    for k in range(SPARE_LUNS):
        serial = uuid.uuid5(ns, f"spare{k}").hex
        out.append(
            mk(
                T.LogicalUnit,
                id=f"36001405{serial[:25]}",
                address=address,
                port=port,
                portal=f"{address}:{port},1",
                target=SPARE_TARGET,
                lun_mapping=k,
                paths=1,
                size=SPARE_GIB * GiB,
                serial=f"SLIO-ORG_spare_lun{k}_{serial[:8]}",
                vendor_id="LIO-ORG",
                product_id=f"spare{k}",
                status=T.LunStatus.FREE,
            )
        )
    return out


def visible_luns(world: RecordStore) -> dict[str, tuple[T.LogicalUnit, str | None]]:
    """Every LUN of the iSCSI portals, by id: (the LUN, the storage domain using it)."""
    portals: set[tuple[str, int]] = set()
    out: dict[str, tuple[T.LogicalUnit, str | None]] = {}
    for sd in world.coll["storagedomains"].values():
        st = sd.storage
        vg = st.volume_group if st is not None else None
        for lu in (vg.logical_units if vg is not None else None) or []:
            if st.type == T.StorageType.ISCSI and lu.address:
                portals.add((lu.address, lu.port or 3260))
            out[lu.id] = (lu, sd.id)
    held: dict[tuple[str, ...], Any] = getattr(world, "_sim_on_storage", {})
    for address, port in sorted(portals):
        for lu in _spare_luns(address, port):
            out.setdefault(lu.id, (lu, None))
    for key, info in held.items():  # removed without format: on the LUNs still
        for lun_id in key:
            if lun_id in out and out[lun_id][1] is None:
                out[lun_id] = (out[lun_id][0], str(info.get("id")))
    return out


def host_storage(world: RecordStore, host: Any) -> list[T.HostStorage]:
    """``/hosts/ID/storage``: the LUNs an up host sees (none when it is not up)."""
    if host.status != T.HostStatus.UP:
        return []
    out = []
    for lun_id, (lu, sd_id) in sorted(visible_luns(world).items()):
        shown = mk(
            T.LogicalUnit,
            id=lu.id,
            address=lu.address,
            port=lu.port,
            portal=lu.portal,
            target=lu.target,
            size=lu.size,
            serial=lu.serial,
            vendor_id=lu.vendor_id,
            product_id=lu.product_id,
            lun_mapping=lu.lun_mapping,
            paths=1,
            storage_domain_id=sd_id,
            status=T.LunStatus.USED if sd_id else T.LunStatus.FREE,
        )
        out.append(
            mk(
                T.HostStorage,
                id=lun_id,
                href=f"{host.href}/storage/{lun_id}",
                type=T.StorageType.ISCSI,
                address=lu.address,
                port=lu.port,
                target=lu.target,
                logical_units=[shown],
                host=mk(T.Host, id=host.id, href=host.href),
            )
        )
    return out


CHILDREN = {("host", "storage"): ("host_storage", host_storage)}
