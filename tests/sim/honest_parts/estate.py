"""Effect checks of sim/estate_machine's routes (and the host network routes of
sim/host_machine it extends): data centers, clusters, networks, cluster networks, vNIC
profiles, iSCSI discovery. Each makes the change through the SDK and reads it back, or sees
the engine's refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types as T

from .common import refused


def _sys(conn: Any) -> Any:
    return conn.system_service()


def _new_dc(conn: Any, name: str = "dc-x") -> Any:
    return (
        _sys(conn)
        .data_centers_service()
        .add(T.DataCenter(name=name, local=False, version=T.Version(major=4, minor=7)))
    )


def _new_cluster(conn: Any, dc: Any, name: str = "cl-x") -> Any:
    return (
        _sys(conn)
        .clusters_service()
        .add(T.Cluster(name=name, data_center=T.DataCenter(id=dc.id), cpu=T.Cpu(type="AMD EPYC")))
    )


def _new_net(conn: Any, dc: Any, name: str = "app", **kw: Any) -> Any:
    return (
        _sys(conn)
        .networks_service()
        .add(T.Network(name=name, data_center=T.DataCenter(id=dc.id), **kw))
    )


def c_add_dc(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    got = _sys(conn).data_centers_service().data_center_service(dc.id).get()
    assert (got.name, got.status, got.local) == ("dc-x", T.DataCenterStatus.UNINITIALIZED, False)
    nets = _sys(conn).networks_service().list(search="datacenter=dc-x")
    assert [n.name for n in nets] == ["ovirtmgmt"]
    refused(
        lambda: _new_dc(conn),
        409,
        "Cannot create Data Center. The Data Center name is already in use.",
    )


def c_update_dc(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    svc = _sys(conn).data_centers_service().data_center_service(dc.id)
    svc.update(T.DataCenter(description="lab", quota_mode=T.QuotaModeType.AUDIT))
    got = svc.get()
    assert (got.description, got.quota_mode) == ("lab", T.QuotaModeType.AUDIT)
    refused(
        lambda: svc.update(T.DataCenter(version=T.Version(major=4, minor=6))),
        409,
        "Cannot decrease data center compatibility version.",
    )


def c_remove_dc(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    _sys(conn).data_centers_service().data_center_service(dc.id).remove()
    assert "dc-x" not in [d.name for d in _sys(conn).data_centers_service().list()]
    assert _sys(conn).networks_service().list(search="datacenter=dc-x") == []
    default = _sys(conn).data_centers_service().list(search="name=Default")[0]
    refused(
        _sys(conn).data_centers_service().data_center_service(default.id).remove,
        409,
        "Cannot remove an active Data Center.",
    )


def c_add_cluster(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    cl = _new_cluster(conn, dc)
    got = _sys(conn).clusters_service().cluster_service(cl.id).get()
    assert (got.name, got.data_center.id, got.cpu.type) == ("cl-x", dc.id, "AMD EPYC")
    nets = _sys(conn).clusters_service().cluster_service(cl.id).networks_service().list()
    assert [n.name for n in nets] == ["ovirtmgmt"]
    assert T.NetworkUsage.MANAGEMENT in nets[0].usages
    refused(
        lambda: (
            _sys(conn)
            .clusters_service()
            .add(T.Cluster(name="cl-y", data_center=T.DataCenter(id=dc.id), cpu=T.Cpu(type="Z80")))
        ),
        409,
        "Cannot create Cluster. The chosen CPU is not supported.",
    )


def c_remove_cluster(sim: Any, conn: Any) -> None:
    cl = _new_cluster(conn, _new_dc(conn))
    _sys(conn).clusters_service().cluster_service(cl.id).remove()
    assert "cl-x" not in [c.name for c in _sys(conn).clusters_service().list()]
    default = _sys(conn).clusters_service().list(search="name=Default")[0]
    with pytest.raises(sdk.Error) as info:
        _sys(conn).clusters_service().cluster_service(default.id).remove()
    assert info.value.code == 409
    assert "Cannot remove Cluster. Cluster contains one or more Hosts" in info.value.fault.detail


def c_add_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    net = _new_net(conn, dc, vlan=T.Vlan(id=55), mtu=9000)
    got = _sys(conn).networks_service().network_service(net.id).get()
    assert (got.vlan.id, got.mtu, got.data_center.id) == (55, 9000, dc.id)
    profiles = [p.name for p in _sys(conn).vnic_profiles_service().list() if p.network.id == net.id]
    assert profiles == ["app"]
    refused(
        lambda: _new_net(conn, dc, name="other", vlan=T.Vlan(id=55)),
        409,
        "The specified VLAN ID (55) is already in use.",
    )


def c_update_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    net = _new_net(conn, dc)
    svc = _sys(conn).networks_service().network_service(net.id)
    svc.update(T.Network(mtu=1400, description="smaller", vlan=T.Vlan(id=77)))
    assert (svc.get().mtu, svc.get().description, svc.get().vlan.id) == (1400, "smaller", 77)
    refused(
        lambda: svc.update(T.Network(vlan=T.Vlan(id=5000))),
        409,
        "VLAN ID must be a number between 0 and 4094.",
    )


def c_remove_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    net = _new_net(conn, dc)
    _sys(conn).networks_service().network_service(net.id).remove()
    assert net.id not in [n.id for n in _sys(conn).networks_service().list()]
    assert all(p.network.id != net.id for p in _sys(conn).vnic_profiles_service().list())
    mgmt = _sys(conn).networks_service().list(search="datacenter=Default and name=ovirtmgmt")[0]
    refused(
        _sys(conn).networks_service().network_service(mgmt.id).remove,
        409,
        "The Management Network ('ovirtmgmt') is mandatory and cannot be removed.",
    )


def _cluster_nets(conn: Any, cl: Any) -> Any:
    return _sys(conn).clusters_service().cluster_service(cl.id).networks_service()


def c_attach_cluster_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    cl = _new_cluster(conn, dc)
    net = _new_net(conn, dc)
    cns = _cluster_nets(conn, cl)
    cns.add(T.Network(id=net.id, required=False, usages=[T.NetworkUsage.MIGRATION]))
    got = {n.name: n for n in cns.list()}
    assert got["app"].required is False and T.NetworkUsage.MIGRATION in got["app"].usages
    assert T.NetworkUsage.MIGRATION not in got["ovirtmgmt"].usages  # the role moved
    refused(
        lambda: cns.add(T.Network(id=net.id)),
        409,
        "Logical Network is already attached to Cluster.",
    )


def c_update_cluster_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    cl = _new_cluster(conn, dc)
    net = _new_net(conn, dc)
    cns = _cluster_nets(conn, cl)
    cns.add(T.Network(id=net.id, required=False))
    cns.network_service(net.id).update(T.Network(required=True, usages=[T.NetworkUsage.DISPLAY]))
    got = {n.name: n for n in cns.list()}
    assert got["app"].required is True and got["app"].display is True
    assert T.NetworkUsage.DISPLAY not in got["ovirtmgmt"].usages


def c_detach_cluster_network(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    cl = _new_cluster(conn, dc)
    net = _new_net(conn, dc)
    cns = _cluster_nets(conn, cl)
    cns.add(T.Network(id=net.id))
    cns.network_service(net.id).remove()
    assert [n.name for n in cns.list()] == ["ovirtmgmt"]
    mgmt = cns.list()[0]
    refused(
        cns.network_service(mgmt.id).remove,
        409,
        "The Management Network ('ovirtmgmt') is mandatory and cannot be removed.",
    )


def c_add_vnic_profile(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    net = _new_net(conn, dc)
    p = (
        _sys(conn)
        .vnic_profiles_service()
        .add(T.VnicProfile(name="app-mirror", network=T.Network(id=net.id), port_mirroring=True))
    )
    got = _sys(conn).vnic_profiles_service().profile_service(p.id).get()
    assert (got.name, got.network.id, got.port_mirroring) == ("app-mirror", net.id, True)
    storage = _new_net(conn, dc, name="backend", usages=[])
    refused(
        lambda: (
            _sys(conn)
            .vnic_profiles_service()
            .add(T.VnicProfile(name="x", network=T.Network(id=storage.id)))
        ),
        409,
        "Cannot add VM network interface profile. VM network interface profiles cannot be added"
        " to a non-VM network. Please make sure the network is a VM network.",
    )


def c_remove_vnic_profile(sim: Any, conn: Any) -> None:
    dc = _new_dc(conn)
    net = _new_net(conn, dc)
    p = (
        _sys(conn)
        .vnic_profiles_service()
        .add(T.VnicProfile(name="app2", network=T.Network(id=net.id)))
    )
    _sys(conn).vnic_profiles_service().profile_service(p.id).remove()
    assert p.id not in [x.id for x in _sys(conn).vnic_profiles_service().list()]
    # a profile a VM NIC uses stays
    vm = _sys(conn).vms_service().list()[0]
    nic = _sys(conn).vms_service().vm_service(vm.id).nics_service().list()[0]
    svc = _sys(conn).vnic_profiles_service().profile_service(nic.vnic_profile.id)
    with pytest.raises(sdk.Error) as info:
        svc.remove()
    assert info.value.code == 409
    assert "This VM network interface profile is used by" in info.value.fault.detail
    assert svc.get().id == nic.vnic_profile.id


def _iscsi_discover(method: str) -> Callable[[Any, Any], None]:
    def check(sim: Any, conn: Any) -> None:
        host = _sys(conn).hosts_service().list(search="status=up")[0]
        hs = _sys(conn).hosts_service().host_service(host.id)
        found = getattr(hs, method)(iscsi=T.IscsiDetails(address="iscsi.example.com", port=3260))
        targets = found if method == "iscsi_discover" else [t.target for t in found]
        assert "iqn.2003-01.org.linux-iscsi.storage.x8664:default" in targets
        assert "iqn.2003-01.org.linux-iscsi.storage.x8664:spare" in targets
        with pytest.raises(sdk.Error) as info:
            getattr(hs, method)(iscsi=T.IscsiDetails(address="nothing.example.com"))
        assert info.value.code == 400

    return check


def c_commit_net_config(sim: Any, conn: Any) -> None:
    host = _sys(conn).hosts_service().list(search="status=up")[0]
    hs = _sys(conn).hosts_service().host_service(host.id)
    hs.commit_net_config(query={"correlation_id": "c-commit"})
    events = _sys(conn).events_service().list(search="correlation_id=c-commit")
    assert [e.code for e in events] == [1104]
    assert events[0].description == f"Network changes were saved on host {host.name}"


def c_unregistered_domains(sim: Any, conn: Any) -> None:
    host = _sys(conn).hosts_service().list(search="status=up")[0]
    hs = _sys(conn).hosts_service().host_service(host.id)
    assert hs.unregistered_storage_domains_discover() == []
    # the storage server holds a block domain the engine forgot (removed without format)
    with sim.world.lock:
        held = getattr(sim.world, "_sim_on_storage", None)
        if held is None:
            held = sim.world._sim_on_storage = {}
        held[("36001405aaaa", "36001405bbbb")] = {
            "id": "5e2a7a1c-0000-4000-8000-00000000beef",
            "name": "old-iscsi",
            "type": T.StorageDomainType.DATA,
        }
        held[("nfs.example.com", "/exports/old")] = {"id": "x", "name": "old-nfs", "type": None}
    found = hs.unregistered_storage_domains_discover()
    assert [(d.name, d.id) for d in found] == [
        ("old-iscsi", "5e2a7a1c-0000-4000-8000-00000000beef")
    ]


CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ADD data_center": c_add_dc,
    "UPDATE data_center": c_update_dc,
    "REMOVE data_center": c_remove_dc,
    "ADD cluster": c_add_cluster,
    "REMOVE cluster": c_remove_cluster,
    "ADD network": c_add_network,
    "UPDATE network": c_update_network,
    "REMOVE network": c_remove_network,
    "ADD cluster.network": c_attach_cluster_network,
    "UPDATE cluster.network": c_update_cluster_network,
    "REMOVE cluster.network": c_detach_cluster_network,
    "ADD vnic_profile": c_add_vnic_profile,
    "REMOVE vnic_profile": c_remove_vnic_profile,
    "ACTION host iscsidiscover": _iscsi_discover("iscsi_discover"),
    "ACTION host discoveriscsi": _iscsi_discover("discover_iscsi"),
    "ACTION host commitnetconfig": c_commit_net_config,
    "ACTION host unregisteredstoragedomainsdiscover": c_unregistered_domains,
}
