"""Hosts add / remove and iSCSI LUN refresh in the simulator, through the real SDK over HTTP."""

from __future__ import annotations

import ovirtsdk4
import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import bearer_request, connect, wait_for

MAINT_FIRST = (
    "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first."
)


def _status(svc) -> str:
    return svc.get().status.value


def _events(conn, cid: str) -> list:
    return conn.system_service().events_service().list(search=f"correlation_id={cid}")


def _codes(conn, cid: str) -> set[int]:
    return {e.code for e in _events(conn, cid)}


def _jobs(conn, cid: str) -> list:
    return conn.system_service().jobs_service().list(search=f"correlation_id={cid}")


def _fault(exc: ovirtsdk4.Error) -> str:
    return exc.fault.detail if exc.fault is not None else str(exc)


# ------------------------------------------------------------------ hosts: add
def test_add_host_installs_then_comes_up(sim) -> None:
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    before = len(hosts.list())
    added = hosts.add(
        T.Host(
            name="newhost1",
            address="newhost1.example.com",
            root_password="s3cret-pw",
            cluster=T.Cluster(name="Default"),
        ),
        headers={"Correlation-Id": "add-host-1"},
    )
    assert added.id and added.name == "newhost1"
    assert added.address == "newhost1.example.com"
    assert added.status == T.HostStatus.INSTALLING
    assert added.root_password is None
    svc = hosts.host_service(added.id)
    wait_for(lambda: _status(svc) == "up", timeout=15, what="the new host up")
    assert len(hosts.list()) == before + 1
    host = svc.get()
    assert conn.follow_link(host.cluster).name == "Default"
    codes = _codes(conn, "add-host-1")
    assert {42, 504, 13} <= codes, codes
    ev42 = next(e for e in _events(conn, "add-host-1") if e.code == 42)
    assert ev42.description == "Host newhost1 was added by admin@internal."
    wait_for(
        lambda: [j.status.value for j in _jobs(conn, "add-host-1")] == ["finished"],
        timeout=10,
        what="the add job finished",
    )
    # nics and statistics exist like any host's
    assert svc.nics_service().list()
    assert {s.name for s in svc.statistics_service().list()} >= {"memory.total", "cpu.load.avg.5m"}
    conn.close()


def test_root_password_is_never_echoed(sim) -> None:
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    added = hosts.add(
        T.Host(
            name="newhost2",
            address="10.9.9.9",
            root_password="do-not-echo-me",
            cluster=T.Cluster(name="Default"),
        )
    )
    conn.close()
    for path in ("/hosts", f"/hosts/{added.id}", "/hosts?search=name%3Dnewhost2"):
        _, _, body = bearer_request(sim, "GET", path)
        assert b"do-not-echo-me" not in body and b"root_password" not in body


def test_add_host_with_activate_false_stops_in_maintenance(sim) -> None:
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    added = hosts.add(
        T.Host(
            name="newhost3",
            address="newhost3.example.com",
            root_password="pw",
            cluster=T.Cluster(name="Default"),
        ),
        activate=False,
        headers={"Correlation-Id": "add-host-3"},
    )
    svc = hosts.host_service(added.id)
    wait_for(lambda: _status(svc) == "maintenance", timeout=15, what="maintenance")
    codes = _codes(conn, "add-host-3")
    assert 42 in codes and 504 in codes and 13 not in codes
    conn.close()


def test_add_host_refusals(sim) -> None:
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    existing = hosts.list()[0]
    with pytest.raises(ovirtsdk4.Error) as exc:
        hosts.add(T.Host(name=existing.name, address="x.example.com", root_password="pw"))
    assert exc.value.code == 409
    assert "Cannot add Host. Host with the same name already exists." in _fault(exc.value)
    with pytest.raises(ovirtsdk4.Error) as exc:
        hosts.add(T.Host(name="nopw", address="nopw.example.com"))
    assert exc.value.code == 409
    assert "Cannot install Host with empty password." in _fault(exc.value)
    with pytest.raises(ovirtsdk4.Error) as exc:
        hosts.add(T.Host(name="noaddr", root_password="pw"))
    assert exc.value.code == 400 and "address" in _fault(exc.value)
    with pytest.raises(ovirtsdk4.NotFoundError):
        hosts.add(
            T.Host(
                name="nocl",
                address="nocl.example.com",
                root_password="pw",
                cluster=T.Cluster(name="no-such-cluster"),
            )
        )
    assert not hosts.list(search="name=nopw or name=noaddr or name=nocl")
    conn.close()


# --------------------------------------------------------------- hosts: remove
def test_remove_host_needs_maintenance_then_it_is_gone(make_sim) -> None:
    sim = make_sim(vms=6, hosts=4)
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    host = hosts.list(search="status=up")[0]
    svc = hosts.host_service(host.id)
    with pytest.raises(ovirtsdk4.Error) as exc:
        svc.remove()
    assert exc.value.code == 409 and _fault(exc.value) == f"[{MAINT_FIRST}]"
    svc.deactivate()
    wait_for(lambda: _status(svc) == "maintenance", timeout=20, what="maintenance")
    nic_ids = [n.id for n in svc.nics_service().list()]
    assert nic_ids
    svc.remove(headers={"Correlation-Id": "rm-host-1"})
    assert host.id not in {h.id for h in hosts.list()}
    assert not hosts.list(search=f"name={host.name}")
    with pytest.raises(ovirtsdk4.NotFoundError):
        svc.get()
    with pytest.raises(ovirtsdk4.NotFoundError):
        svc.nics_service().list()
    with pytest.raises(ovirtsdk4.NotFoundError):
        svc.statistics_service().list()
    with pytest.raises(ovirtsdk4.NotFoundError):
        svc.nics_service().nic_service(nic_ids[0]).get()
    ev = [e for e in _events(conn, "rm-host-1") if e.code == 44]
    assert ev and ev[0].description == f"Host {host.name} was removed by admin@internal."
    # the API summary counts one host less
    assert conn.system_service().get().summary.hosts.total == 3
    conn.close()


def test_remove_an_added_host_while_installing_is_refused(sim) -> None:
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    added = hosts.add(
        T.Host(name="inst", address="inst.example.com", root_password="pw"), activate=False
    )
    svc = hosts.host_service(added.id)
    if _status(svc) == "installing":  # only while it still is; the clock runs on
        with pytest.raises(ovirtsdk4.Error) as exc:
            svc.remove()
        assert MAINT_FIRST in _fault(exc.value)
    wait_for(lambda: _status(svc) == "maintenance", timeout=15, what="maintenance")
    svc.remove()
    with pytest.raises(ovirtsdk4.NotFoundError):
        svc.get()
    conn.close()


# ------------------------------------------------------------ storage: iSCSI
def _sd_by_name(conn, name: str):
    sds = conn.system_service().storage_domains_service().list(search=f"name={name}")
    assert len(sds) == 1, name
    return sds[0]


def test_seeded_world_has_an_iscsi_domain_after_the_file_domains(sim) -> None:
    conn = connect(sim)
    sds = conn.system_service().storage_domains_service().list()
    names = [s.name for s in sds]
    assert names[:4] == ["default-data1", "default-data2", "default-iso", "default-export"]
    iscsi = [s for s in sds if s.storage.type == T.StorageType.ISCSI]
    assert [s.name for s in iscsi] == ["default-iscsi1", "dc02-iscsi1"]
    assert names.index("default-iscsi1") > names.index("dc02-export")
    sd = iscsi[0]
    assert sd.type == T.StorageDomainType.DATA
    luns = sd.storage.volume_group.logical_units
    assert len(luns) == 2 and all(lu.id.startswith("36001405") for lu in luns)
    assert all(lu.port == 3260 and lu.target and lu.size for lu in luns)
    # attached and active in its data center
    dc = conn.follow_link(sd.data_centers[0])
    attached = (
        conn.system_service()
        .data_centers_service()
        .data_center_service(dc.id)
        .storage_domains_service()
        .storage_domain_service(sd.id)
        .get()
    )
    assert attached.status == T.StorageDomainStatus.ACTIVE
    conn.close()


def test_refresh_luns_sees_a_grown_lun(sim) -> None:
    conn = connect(sim)
    sd = _sd_by_name(conn, "default-iscsi1")
    lun = sd.storage.volume_group.logical_units[0]
    sim.world.resize_lun("default-iscsi1", lun.id, lun.size + 100 * 2**30)
    svc = conn.system_service().storage_domains_service().storage_domain_service(sd.id)
    svc.refresh_luns(
        logical_units=[T.LogicalUnit(id=lun.id)], headers={"Correlation-Id": "refresh-1"}
    )
    after = svc.get()
    assert after.storage.volume_group.logical_units[0].size == lun.size + 100 * 2**30
    assert after.available == sd.available + 100 * 2**30
    assert 1022 in _codes(conn, "refresh-1")
    assert [j.status.value for j in _jobs(conn, "refresh-1")] == ["finished"]
    # async answers 202 in_progress, the SDK takes it
    svc.refresh_luns(async_=True, logical_units=[T.LogicalUnit(id=lun.id)])
    conn.close()


def test_refresh_luns_refusals(sim) -> None:
    conn = connect(sim)
    sds = conn.system_service().storage_domains_service()
    nfs = _sd_by_name(conn, "default-data1")
    with pytest.raises(ovirtsdk4.Error) as exc:
        sds.storage_domain_service(nfs.id).refresh_luns(logical_units=[])
    assert exc.value.code == 409
    assert exc.value.fault.reason == "Operation Failed"
    assert _fault(exc.value) == "[Cannot update Storage Domain. Storage Domain type is illegal.]"
    iscsi = _sd_by_name(conn, "default-iscsi1")
    with pytest.raises(ovirtsdk4.Error) as exc:
        sds.storage_domain_service(iscsi.id).refresh_luns(
            logical_units=[T.LogicalUnit(id="36001405deadbeef")]
        )
    assert exc.value.code == 409 and "36001405deadbeef" in _fault(exc.value)
    # a domain in maintenance cannot refresh its LUNs
    dc_id = iscsi.data_centers[0].id
    attached = (
        conn.system_service()
        .data_centers_service()
        .data_center_service(dc_id)
        .storage_domains_service()
        .storage_domain_service(iscsi.id)
    )
    attached.deactivate()
    wait_for(lambda: attached.get().status.value == "maintenance", timeout=15, what="maintenance")
    with pytest.raises(ovirtsdk4.Error) as exc:
        sds.storage_domain_service(iscsi.id).refresh_luns(logical_units=[])
    assert (
        _fault(exc.value)
        == "[Cannot update Storage Domain. The relevant Storage Domain's status is Maintenance.]"
    )
    conn.close()
