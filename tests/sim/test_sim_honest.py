"""The simulator never says yes to what it does not do (issue 16).

Every mutating route the simulator declares (``Machines.route_table``) has a check here that
sends the request through the real SDK and reads the effect back, or sees the refusal; a
route added without a check fails ``test_every_mutating_route_has_an_effect_check``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import connect, wait_for
from tests.sim.honest_parts import all_checks
from tests.sim.honest_parts.common import refused

VS, HS = T.VmStatus, T.HostStatus


# ------------------------------------------------------------------ helpers
def _sys(conn: Any) -> Any:
    return conn.system_service()


def _vm(conn: Any, search: str) -> Any:
    vms = _sys(conn).vms_service().list(search=search)
    assert vms, search
    return vms[0]


def _vs(conn: Any, vm: Any) -> Any:
    return _sys(conn).vms_service().vm_service(vm.id)


def _host(conn: Any, search: str = "status=up") -> Any:
    return _sys(conn).hosts_service().list(search=search)[0]


def _hs(conn: Any, host: Any) -> Any:
    return _sys(conn).hosts_service().host_service(host.id)


def _sd(conn: Any, name: str) -> Any:
    return _sys(conn).storage_domains_service().list(search=f"name={name}")[0]


def _dc(conn: Any, name: str = "Default") -> Any:
    return _sys(conn).data_centers_service().list(search=f"name={name}")[0]


def _codes(conn: Any, cid: str) -> list[int]:
    return [e.code for e in _sys(conn).events_service().list(search=f"correlation_id={cid}")]


def _status(svc: Any, *wanted: Any) -> Any:
    return wait_for(lambda: svc.get().status in wanted and svc.get(), what=str(wanted))


def _maintenance_host(conn: Any) -> Any:
    """An up host without VMs, moved to maintenance."""
    for h in _sys(conn).hosts_service().list(search="status=up"):
        if not _sys(conn).vms_service().list(search=f"host={h.name}"):
            _hs(conn, h).deactivate()
            return _status(_hs(conn, h), HS.MAINTENANCE)
    h = _host(conn)
    _hs(conn, h).deactivate()
    return _status(_hs(conn, h), HS.MAINTENANCE)


# ------------------------------------------------------------ action checks
def c_vm_start(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=down and cluster=Default"))
    vs.start()
    _status(vs, VS.UP)


def c_vm_stop(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.stop()
    assert _status(vs, VS.DOWN).host is None


def c_vm_shutdown(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.shutdown()
    _status(vs, VS.DOWN)


def c_vm_suspend(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.suspend()
    _status(vs, VS.SUSPENDED)


def c_vm_reboot(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.reboot(query={"correlation_id": "c-reboot"})
    assert _codes(conn, "c-reboot") == [157]
    _status(vs, VS.UP)


def c_vm_reset(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.reset(query={"correlation_id": "c-reset"})
    assert _codes(conn, "c-reset") == [157]


def c_vm_migrate(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=up")
    vs = _vs(conn, vm)
    vs.migrate()
    wait_for(lambda: vs.get().status == VS.UP and vs.get().host.id != vm.host.id)


def c_vm_cancelmigration(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    refused(vs.cancel_migration, 409, "Cannot cancel migration for VM. VM is not being migrated.")


def c_vm_ticket(sim: Any, conn: Any) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.ticket(ticket=T.Ticket(value="s3cret"))
    gcs = vs.graphics_consoles_service()
    vv = gcs.console_service(gcs.list()[0].id).remote_viewer_connection_file()
    assert "password=s3cret" in vv


def c_gc_ticket(sim: Any, conn: Any) -> None:
    gcs = _vs(conn, _vm(conn, "status=up")).graphics_consoles_service()
    spice = next(g for g in gcs.list() if g.protocol == T.GraphicsType.SPICE)
    ticket = gcs.console_service(spice.id).ticket()
    vv = gcs.console_service(spice.id).remote_viewer_connection_file()
    assert f"password={ticket.value}" in vv


def c_gc_file(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=up")
    host = _sys(conn).hosts_service().host_service(vm.host.id).get()
    gcs = _vs(conn, vm).graphics_consoles_service()
    for gc in gcs.list():
        vv = gcs.console_service(gc.id).remote_viewer_connection_file()
        assert f"type={gc.protocol.value}\n" in vv
        assert f"host={host.address}\nport={gc.port}\n" in vv


def c_host_deactivate(sim: Any, conn: Any) -> None:
    _maintenance_host(conn)


def c_host_activate(sim: Any, conn: Any) -> None:
    hs = _hs(conn, _maintenance_host(conn))
    hs.activate()
    _status(hs, HS.UP)


def c_host_upgradecheck(sim: Any, conn: Any) -> None:
    _hs(conn, _host(conn)).upgrade_check(query={"correlation_id": "c-chk"})
    wait_for(lambda: 885 in _codes(conn, "c-chk"))


def c_host_upgrade(sim: Any, conn: Any) -> None:
    hs = _hs(conn, _host(conn, "status=up and update_available=false"))
    refused(hs.upgrade, 409, "There are no available updates for the host.")


def c_host_install(sim: Any, conn: Any) -> None:
    hs = _hs(conn, _maintenance_host(conn))
    hs.install(root_password="x", activate=False)
    wait_for(lambda: HS.INSTALLING.value in sim.world.status_path(hs.get().id))
    _status(hs, HS.MAINTENANCE)


def c_host_fence(sim: Any, conn: Any) -> None:
    hs = _hs(conn, _maintenance_host(conn))
    hs.fence(fence_type="restart", query={"correlation_id": "c-fence"})
    assert 1001 in _codes(conn, "c-fence")
    _status(hs, HS.MAINTENANCE)


def c_host_restart(sim: Any, conn: Any) -> None:
    hs = _hs(conn, _maintenance_host(conn))
    _post(sim, f"/hosts/{hs.get().id}/restart", "<action/>", cid="c-restart")
    assert 1001 in _codes(conn, "c-restart")


def c_host_forceselectspm(sim: Any, conn: Any) -> None:
    h = next(
        h
        for h in _sys(conn).hosts_service().list(search="status=up and datacenter=Default")
        if h.spm.status != T.SpmStatus.SPM
    )
    _hs(conn, h).force_select_spm()
    assert _hs(conn, h).get().spm.status == T.SpmStatus.SPM


def c_host_refresh(sim: Any, conn: Any) -> None:
    _hs(conn, _host(conn)).refresh(query={"correlation_id": "c-refresh"})
    assert _codes(conn, "c-refresh") == [606]


def c_host_setupnetworks(sim: Any, conn: Any) -> None:
    test_bond_appears_and_carries_the_network(sim, conn)


def _attached(conn: Any, name: str) -> Any:
    dc = _dc(conn)
    sds = _sys(conn).data_centers_service().data_center_service(dc.id).storage_domains_service()
    sd = _sd(conn, name)
    return sds.storage_domain_service(sd.id)


def c_asd_deactivate(sim: Any, conn: Any) -> None:
    svc = _attached(conn, "default-data2")
    svc.deactivate()
    _status(svc, T.StorageDomainStatus.MAINTENANCE)


def c_asd_activate(sim: Any, conn: Any) -> None:
    svc = _attached(conn, "default-data2")
    svc.deactivate()
    _status(svc, T.StorageDomainStatus.MAINTENANCE)
    svc.activate()
    _status(svc, T.StorageDomainStatus.ACTIVE)


def c_asd_refreshluns(sim: Any, conn: Any) -> None:
    # the SDK has no method for it under a data center; POST the action path
    dc, sd = _dc(conn), _sd(conn, "default-data1")
    resp = _post(sim, f"/datacenters/{dc.id}/storagedomains/{sd.id}/refreshluns", "<action/>")
    assert resp.code == 409
    assert b"Storage Domain type is illegal." in resp.body


def c_sd_refreshluns(sim: Any, conn: Any) -> None:
    sd = _sd(conn, "default-data1")
    svc = _sys(conn).storage_domains_service().storage_domain_service(sd.id)
    refused(lambda: svc.refresh_luns(logical_units=[]), 409)


def c_dc_setmaster(sim: Any, conn: Any) -> None:
    test_setmaster_moves_the_master_role(sim, conn)


def c_vm_export(sim: Any, conn: Any) -> None:
    test_vm_and_template_export_fill_the_export_domain(sim, conn)


def c_template_export(sim: Any, conn: Any) -> None:
    test_vm_and_template_export_fill_the_export_domain(sim, conn)


# --------------------------------------------------------------- add checks
def c_add_vm(sim: Any, conn: Any) -> None:
    vm = (
        _sys(conn)
        .vms_service()
        .add(
            T.Vm(
                name="honest01",
                cluster=T.Cluster(name="Default"),
                template=T.Template(name="Blank"),
            )
        )
    )
    vs = _vs(conn, vm)
    assert _status(vs, VS.DOWN).name == "honest01"


def c_add_host(sim: Any, conn: Any) -> None:
    h = (
        _sys(conn)
        .hosts_service()
        .add(
            T.Host(name="hnew", address="hnew.example.com", root_password="x"),
            activate=False,
        )
    )
    assert _status(_hs(conn, h), HS.MAINTENANCE).name == "hnew"


def c_add_event(sim: Any, conn: Any) -> None:
    test_custom_events(sim, conn)


def c_add_snapshot(sim: Any, conn: Any) -> None:
    ss = _vs(conn, _vm(conn, "status=down")).snapshots_service()
    snap = ss.add(T.Snapshot(description="honest"))
    assert any(s.id == snap.id and s.description == "honest" for s in ss.list())


def c_add_nic(sim: Any, conn: Any) -> None:
    ns = _vs(conn, _vm(conn, "status=down")).nics_service()
    ns.add(T.Nic(name="nic9"))
    assert "nic9" in [n.name for n in ns.list()]


def c_add_disk_attachment(sim: Any, conn: Any) -> None:
    test_lun_disk_attachment_stays_a_lun(sim, conn)


def c_add_ssh_key(sim: Any, conn: Any) -> None:
    test_user_ssh_public_keys(sim, conn)


# ------------------------------------------------------------ update checks
def c_update_vm(sim: Any, conn: Any) -> None:
    test_vm_update_keeps_every_field(sim, conn)


def c_update_host(sim: Any, conn: Any) -> None:
    test_host_moves_to_another_cluster(sim, conn)


def c_update_disk(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=down")
    att = _vs(conn, vm).disk_attachments_service().list()[0]
    ds = _sys(conn).disks_service().disk_service(att.disk.id)
    ds.update(T.Disk(alias="renamed-disk", description="new words"))
    assert (ds.get().alias, ds.get().description) == ("renamed-disk", "new words")


def c_update_disk_attachment(sim: Any, conn: Any) -> None:
    test_disk_extend_and_deactivate(sim, conn)


def _plain_update(svc: Any, obj: Any) -> None:
    svc.update(type(obj)(description="changed by test", comment="c1"))
    got = svc.get()
    assert (got.description, got.comment) == ("changed by test", "c1")


def c_update_cluster(sim: Any, conn: Any) -> None:
    cl = _sys(conn).clusters_service().list(search="name=Default")[0]
    svc = _sys(conn).clusters_service().cluster_service(cl.id)
    svc.update(T.Cluster(description="changed", ballooning_enabled=False))
    assert (svc.get().description, svc.get().ballooning_enabled) == ("changed", False)


def c_update_dc(sim: Any, conn: Any) -> None:
    dc = _dc(conn)
    _plain_update(_sys(conn).data_centers_service().data_center_service(dc.id), dc)


def c_update_network(sim: Any, conn: Any) -> None:
    net = _sys(conn).networks_service().list(search="name=vmnet")[0]
    svc = _sys(conn).networks_service().network_service(net.id)
    svc.update(T.Network(mtu=9000, description="jumbo"))
    assert (svc.get().mtu, svc.get().description) == (9000, "jumbo")


def c_update_sd(sim: Any, conn: Any) -> None:
    sd = _sd(conn, "default-data2")
    svc = _sys(conn).storage_domains_service().storage_domain_service(sd.id)
    svc.update(T.StorageDomain(warning_low_space_indicator=20, description="d"))
    assert (svc.get().warning_low_space_indicator, svc.get().description) == (20, "d")


def c_update_template(sim: Any, conn: Any) -> None:
    tpl = _sys(conn).templates_service().list(search="name!=Blank")[0]
    svc = _sys(conn).templates_service().template_service(tpl.id)
    svc.update(T.Template(memory=8 * 2**30, description="bigger"))
    assert (svc.get().memory, svc.get().description) == (8 * 2**30, "bigger")


def c_update_vnic_profile(sim: Any, conn: Any) -> None:
    p = _sys(conn).vnic_profiles_service().list()[0]
    svc = _sys(conn).vnic_profiles_service().profile_service(p.id)
    svc.update(T.VnicProfile(port_mirroring=True, description="mirrored"))
    assert (svc.get().port_mirroring, svc.get().description) == (True, "mirrored")


def c_update_tag(sim: Any, conn: Any) -> None:
    tag = _sys(conn).tags_service().list()[0]
    svc = _sys(conn).tags_service().tag_service(tag.id)
    svc.update(T.Tag(name="renamed-tag"))
    assert svc.get().name == "renamed-tag"
    other = _sys(conn).tags_service().list()[1]
    refused(lambda: svc.update(T.Tag(name=other.name)), 409)


def c_update_vm_nic(sim: Any, conn: Any) -> None:
    ns = _vs(conn, _vm(conn, "status=down")).nics_service()
    nic = ns.list()[0]
    ns.nic_service(nic.id).update(T.Nic(name="eth-renamed", linked=False))
    got = ns.nic_service(nic.id).get()
    assert (got.name, got.linked) == ("eth-renamed", False)


def c_update_ssh_key(sim: Any, conn: Any) -> None:
    test_user_ssh_public_keys(sim, conn)


# ------------------------------------------------------------ remove checks
def c_remove_vm(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=down")
    _vs(conn, vm).remove()
    assert not _sys(conn).vms_service().list(search=f"id={vm.id}")


def c_remove_host(sim: Any, conn: Any) -> None:
    h = _host(conn)
    refused(_hs(conn, h).remove, 409)
    h = _maintenance_host(conn)
    _hs(conn, h).remove()
    assert h.id not in [x.id for x in _sys(conn).hosts_service().list()]


def c_remove_snapshot(sim: Any, conn: Any) -> None:
    ss = _vs(conn, _vm(conn, "status=down")).snapshots_service()
    snap = ss.add(T.Snapshot(description="to-remove"))
    wait_for(lambda: ss.snapshot_service(snap.id).get().snapshot_status == T.SnapshotStatus.OK)
    ss.snapshot_service(snap.id).remove()
    assert snap.id not in [s.id for s in ss.list()]


def c_remove_event(sim: Any, conn: Any) -> None:
    es = _sys(conn).events_service()
    ev = es.list(max=1)[0]
    es.event_service(ev.id).remove()
    assert ev.id not in [e.id for e in es.list()]


def c_remove_vm_nic(sim: Any, conn: Any) -> None:
    ns = _vs(conn, _vm(conn, "status=down")).nics_service()
    nic = ns.list()[0]
    ns.nic_service(nic.id).remove()
    assert nic.id not in [n.id for n in ns.list()]
    up = _vs(conn, _vm(conn, "status=up")).nics_service()
    refused(up.nic_service(up.list()[0].id).remove, 409)


def c_remove_disk_attachment(sim: Any, conn: Any) -> None:
    das = _vs(conn, _vm(conn, "status=down")).disk_attachments_service()
    att = das.list()[0]
    das.attachment_service(att.id).remove()
    assert att.id not in [a.id for a in das.list()]
    # detached, the disk stays (floating)
    assert _sys(conn).disks_service().disk_service(att.disk.id).get().id == att.disk.id


def c_remove_ssh_key(sim: Any, conn: Any) -> None:
    test_user_ssh_public_keys(sim, conn)


# ------------------------------------------------- the VM's life (issue 11)
def c_nic_deactivate(sim: Any, conn: Any) -> None:
    ns = _vs(conn, _vm(conn, "status=up")).nics_service()
    nic = ns.list()[0]
    ns.nic_service(nic.id).deactivate(query={"correlation_id": "c-unplug"})
    assert ns.nic_service(nic.id).get().plugged is False
    assert _codes(conn, "c-unplug") == [1014]
    refused(ns.nic_service(nic.id).deactivate, 409)


def c_nic_activate(sim: Any, conn: Any) -> None:
    ns = _vs(conn, _vm(conn, "status=up")).nics_service()
    nic = ns.list()[0]
    refused(
        ns.nic_service(nic.id).activate, 409,
        "Cannot activate Interface. The Network Interface is already plugged.",
    )  # fmt: skip
    ns.nic_service(nic.id).deactivate()
    ns.nic_service(nic.id).activate()
    assert ns.nic_service(nic.id).get().plugged is True


def c_disk_move(sim: Any, conn: Any) -> None:
    att = _vs(conn, _vm(conn, "status=down")).disk_attachments_service().list()[0]
    ds = _sys(conn).disks_service().disk_service(att.disk.id)
    here = ds.get().storage_domains[0].id
    other = next(
        s for s in _sys(conn).storage_domains_service().list(search="type=data") if s.id != here
    )
    refused(
        lambda: ds.move(storage_domain=T.StorageDomain(id=here)), 409,
        "Cannot move Virtual Disk. The source and target storage domains are the same.",
    )  # fmt: skip
    ds.move(storage_domain=T.StorageDomain(name=other.name))
    wait_for(
        lambda: ds.get().status == T.DiskStatus.OK and ds.get().storage_domains[0].id == other.id
    )


def _previewed(conn: Any) -> tuple[Any, Any, Any]:
    """A down VM previewing a new snapshot taken with less memory than it now has."""
    vm = _vm(conn, "status=down")
    vs = _vs(conn, vm)
    ss = vs.snapshots_service()
    snap = ss.add(T.Snapshot(description="before"))
    wait_for(lambda: ss.snapshot_service(snap.id).get().snapshot_status == T.SnapshotStatus.OK)
    vs.update(T.Vm(memory=vm.memory * 2))
    vs.preview_snapshot(snapshot=T.Snapshot(id=snap.id), restore_memory=False)
    _status(vs, VS.DOWN)
    assert ss.snapshot_service(snap.id).get().snapshot_status == T.SnapshotStatus.IN_PREVIEW
    assert vs.get().memory == vm.memory
    return vm, vs, snap


def c_vm_previewsnapshot(sim: Any, conn: Any) -> None:
    _vm_, vs, snap = _previewed(conn)
    refused(
        lambda: vs.preview_snapshot(snapshot=T.Snapshot(id=snap.id)), 409,
        "Cannot preview Snapshot. VM is previewing a Snapshot.",
    )  # fmt: skip


def c_vm_commitsnapshot(sim: Any, conn: Any) -> None:
    other = _vs(conn, _vm(conn, "status=down and name!=" + _vm(conn, "status=down").name))
    refused(other.commit_snapshot, 409, "Cannot revert to Snapshot. VM's Snapshot does not exist.")
    vm, vs, snap = _previewed(conn)
    vs.commit_snapshot()
    _status(vs, VS.DOWN)
    snaps = vs.snapshots_service().list()
    assert [s.snapshot_status for s in snaps if s.id == snap.id] == [T.SnapshotStatus.OK]
    assert not [s for s in snaps if s.snapshot_type == T.SnapshotType.PREVIEW]
    assert vs.get().memory == vm.memory


def c_vm_undosnapshot(sim: Any, conn: Any) -> None:
    vm, vs, snap = _previewed(conn)
    vs.undo_snapshot()
    wait_for(lambda: vs.get().status == VS.DOWN and vs.get().memory == vm.memory * 2)
    assert not [
        s for s in vs.snapshots_service().list() if s.snapshot_type == T.SnapshotType.PREVIEW
    ]


def c_snapshot_restore(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=down")
    vs = _vs(conn, vm)
    ss = vs.snapshots_service()
    snap = ss.add(T.Snapshot(description="restore-me"))
    wait_for(lambda: ss.snapshot_service(snap.id).get().snapshot_status == T.SnapshotStatus.OK)
    vs.update(T.Vm(memory=vm.memory * 2))
    ss.snapshot_service(snap.id).restore()
    wait_for(lambda: vs.get().status == VS.DOWN and vs.get().memory == vm.memory)


def c_vm_clone(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=down")
    sd = _sd(conn, "default-data2")
    _vs(conn, vm).clone(vm=T.Vm(name="honest-clone"), storage_domain=T.StorageDomain(id=sd.id))
    clone = _vm(conn, "name=honest-clone")
    _status(_vs(conn, clone), VS.DOWN)
    atts = _vs(conn, clone).disk_attachments_service().list()
    disks = [_sys(conn).disks_service().disk_service(a.disk.id).get() for a in atts]
    assert disks and all(d.storage_domains[0].id == sd.id for d in disks)
    refused(lambda: _vs(conn, vm).clone(vm=T.Vm(name="honest-clone")), 409)


def c_add_template(sim: Any, conn: Any) -> None:
    vm = _vm(conn, "status=down")
    ts = _sys(conn).templates_service()
    tpl = ts.add(T.Template(name="honest-tpl", vm=T.Vm(id=vm.id)))
    wait_for(lambda: ts.template_service(tpl.id).get().status == T.TemplateStatus.OK)
    v2 = ts.add(
        T.Template(
            name="honest-tpl", vm=T.Vm(id=vm.id),
            version=T.TemplateVersion(base_template=T.Template(id=tpl.id), version_name="v2"),
        )
    )  # fmt: skip
    assert ts.template_service(v2.id).get().version.version_number == 2
    up = _vm(conn, "status=up")
    refused(lambda: ts.add(T.Template(name="t-up", vm=T.Vm(id=up.id))), 409)


def c_remove_template(sim: Any, conn: Any) -> None:
    ts = _sys(conn).templates_service()
    blank = ts.template_service("00000000-0000-0000-0000-000000000000")
    refused(blank.remove, 409, "Cannot remove Template. Removing Blank Template is not allowed.")
    vm = _vm(conn, "status=down")
    tpl = ts.add(T.Template(name="gone-tpl", vm=T.Vm(id=vm.id)))
    wait_for(lambda: ts.template_service(tpl.id).get().status == T.TemplateStatus.OK)
    ts.template_service(tpl.id).remove()
    assert tpl.id not in [t.id for t in ts.list()]


def test_running_vm_update_hot_plugs_next_runs_or_refuses(sim, conn) -> None:
    vm = _vm(conn, "status=up")
    vs = _vs(conn, vm)
    vs.update(T.Vm(memory=vm.memory * 2), query={"correlation_id": "c-hot"})
    assert vs.get().memory == vm.memory * 2 and 2039 in _codes(conn, "c-hot")
    refused(
        lambda: vs.update(T.Vm(time_zone=T.TimeZone(name="Asia/Tokyo"))), 409,
        "There was an attempt to change VM values while the VM is not down. Please shut down the"
        " VM in order to modify these properties.",
    )  # fmt: skip
    vs.update(T.Vm(time_zone=T.TimeZone(name="Asia/Tokyo")), next_run=True)
    got = vs.get()
    assert got.next_run_configuration_exists and got.time_zone.name != "Asia/Tokyo"
    vs.stop()
    wait_for(lambda: vs.get().status == VS.DOWN and vs.get().time_zone.name == "Asia/Tokyo")
    assert not vs.get().next_run_configuration_exists


def test_cloud_init_is_kept_without_its_password(sim, conn) -> None:
    init = T.Initialization(host_name="ci1", user_name="root", root_password="s3cret-pw")
    vm = _sys(conn).vms_service().add(
        T.Vm(name="ci1", cluster=T.Cluster(name="Default"), template=T.Template(name="Blank"),
             initialization=init)
    )  # fmt: skip
    got = _vs(conn, vm).get()
    assert (got.initialization.host_name, got.initialization.user_name) == ("ci1", "root")
    assert got.initialization.root_password is None


ROUTE_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "ACTION vm start": c_vm_start,
    "ACTION vm stop": c_vm_stop,
    "ACTION vm shutdown": c_vm_shutdown,
    "ACTION vm suspend": c_vm_suspend,
    "ACTION vm reboot": c_vm_reboot,
    "ACTION vm reset": c_vm_reset,
    "ACTION vm migrate": c_vm_migrate,
    "ACTION vm cancelmigration": c_vm_cancelmigration,
    "ACTION vm ticket": c_vm_ticket,
    "ACTION vm export": c_vm_export,
    "ACTION template export": c_template_export,
    "ACTION graphics_console ticket": c_gc_ticket,
    "ACTION graphics_console remoteviewerconnectionfile": c_gc_file,
    "ACTION host deactivate": c_host_deactivate,
    "ACTION host activate": c_host_activate,
    "ACTION host upgradecheck": c_host_upgradecheck,
    "ACTION host upgrade": c_host_upgrade,
    "ACTION host install": c_host_install,
    "ACTION host fence": c_host_fence,
    "ACTION host restart": c_host_restart,
    "ACTION host forceselectspm": c_host_forceselectspm,
    "ACTION host refresh": c_host_refresh,
    "ACTION host setupnetworks": c_host_setupnetworks,
    "ACTION attached_storage_domain deactivate": c_asd_deactivate,
    "ACTION attached_storage_domain activate": c_asd_activate,
    "ACTION attached_storage_domain refreshluns": c_asd_refreshluns,
    "ACTION storage_domain refreshluns": c_sd_refreshluns,
    "ACTION data_center setmaster": c_dc_setmaster,
    "ADD vm": c_add_vm,
    "ADD host": c_add_host,
    "ADD event": c_add_event,
    "ADD vm.snapshot": c_add_snapshot,
    "ADD vm.nic": c_add_nic,
    "ADD vm.disk_attachment": c_add_disk_attachment,
    "ADD user.ssh_public_key": c_add_ssh_key,
    "UPDATE vm": c_update_vm,
    "UPDATE host": c_update_host,
    "UPDATE disk": c_update_disk,
    "UPDATE vm.disk_attachment": c_update_disk_attachment,
    "UPDATE cluster": c_update_cluster,
    "UPDATE data_center": c_update_dc,
    "UPDATE network": c_update_network,
    "UPDATE storage_domain": c_update_sd,
    "UPDATE template": c_update_template,
    "UPDATE vnic_profile": c_update_vnic_profile,
    "UPDATE tag": c_update_tag,
    "UPDATE vm.nic": c_update_vm_nic,
    "UPDATE user.ssh_public_key": c_update_ssh_key,
    "REMOVE vm": c_remove_vm,
    "REMOVE host": c_remove_host,
    "REMOVE vm.snapshot": c_remove_snapshot,
    "REMOVE event": c_remove_event,
    "REMOVE vm.nic": c_remove_vm_nic,
    "REMOVE vm.disk_attachment": c_remove_disk_attachment,
    "REMOVE user.ssh_public_key": c_remove_ssh_key,
    "ACTION nic activate": c_nic_activate,
    "ACTION nic deactivate": c_nic_deactivate,
    "ACTION disk move": c_disk_move,
    "ACTION vm previewsnapshot": c_vm_previewsnapshot,
    "ACTION vm commitsnapshot": c_vm_commitsnapshot,
    "ACTION vm undosnapshot": c_vm_undosnapshot,
    "ACTION snapshot restore": c_snapshot_restore,
    "ACTION vm clone": c_vm_clone,
    "ADD template": c_add_template,
    "REMOVE template": c_remove_template,
}
ROUTE_CHECKS.update(all_checks())  # the other machine modules' checks (tests/sim/honest_parts)


def _post(sim: Any, path: str, body: str, cid: str | None = None, method: str = "POST") -> Any:
    """A raw request with the SDK's connection (for paths the SDK has no method for)."""
    conn = connect(sim)
    try:
        headers = {"Correlation-Id": cid} if cid else {}
        req = sdk.http.Request(method=method, path=path, headers=headers, body=body)
        return conn.wait(conn.send(req))
    finally:
        conn.close()


# -------------------------------------------------------------------- tests
def test_every_mutating_route_has_an_effect_check(sim) -> None:
    declared = set(sim.machines.route_table())
    assert declared == set(ROUTE_CHECKS), (
        f"routes without a check: {sorted(declared - set(ROUTE_CHECKS))}; "
        f"checks of routes that are gone: {sorted(set(ROUTE_CHECKS) - declared)}"
    )


@pytest.mark.parametrize("route", sorted(ROUTE_CHECKS))
def test_route_changes_the_world_or_is_refused(make_sim, route) -> None:
    sim = make_sim(vms=12, hosts=4)
    conn = connect(sim)
    try:
        ROUTE_CHECKS[route](sim, conn)
    finally:
        conn.close()


def test_what_is_not_declared_is_refused(sim, conn) -> None:
    vm = _vm(conn, "status=down")
    # an action the engine has and the simulator does not do
    refused(
        lambda: _vs(conn, vm).reorder_mac_addresses(),
        409,
        "Cannot reordermacaddresses VM. This operation is not supported.",
    )
    # a PUT on something without an update
    ev = _sys(conn).events_service().list(max=1)[0]
    resp = _post(
        sim, f"/events/{ev.id}", "<event><description>x</description></event>", method="PUT"
    )
    assert resp.code == 405
    # a DELETE of something the simulator cannot remove
    cl = _sys(conn).clusters_service().list()[0]
    refused(_sys(conn).clusters_service().cluster_service(cl.id).remove, 409)
    assert cl.id in [c.id for c in _sys(conn).clusters_service().list()]


@pytest.fixture
def conn(sim):
    c = connect(sim)
    yield c
    c.close()


# ------------------------------------------------------------- listed cases
def test_disk_extend_and_deactivate(sim, conn) -> None:
    vm = _vm(conn, "status=up")
    das = _vs(conn, vm).disk_attachments_service()
    att = das.list()[0]
    ds = _sys(conn).disks_service().disk_service(att.disk.id)
    size = ds.get().provisioned_size
    das.attachment_service(att.id).update(
        T.DiskAttachment(disk=T.Disk(provisioned_size=size + 2**30))
    )
    wait_for(lambda: ds.get().provisioned_size == size + 2**30, what="the disk to grow")
    assert ds.get().status == T.DiskStatus.OK
    refused(
        lambda: das.attachment_service(att.id).update(
            T.DiskAttachment(disk=T.Disk(provisioned_size=size))
        ),
        409,
        "Cannot edit Virtual Disk. New disk size must be larger than the current disk size.",
    )
    das.attachment_service(att.id).update(T.DiskAttachment(active=False))
    assert das.attachment_service(att.id).get().active is False


def test_bond_appears_and_carries_the_network(sim, conn) -> None:
    host = _host(conn)
    hs = _hs(conn, host)
    refused(
        lambda: hs.setup_networks(
            modified_bonds=[
                T.HostNic(
                    name="bond0",
                    bonding=T.Bonding(slaves=[T.HostNic(name="eth2"), T.HostNic(name="eth3")]),
                )
            ]
        ),
        409,
        "Cannot setup Networks. The following Network Interfaces do not exist on the Host: eth2, eth3.",
    )
    assert "bond0" not in [n.name for n in hs.nics_service().list()]
    hs.setup_networks(
        modified_bonds=[
            T.HostNic(
                name="bond0",
                bonding=T.Bonding(
                    options=[T.Option(name="mode", value="1")],
                    slaves=[T.HostNic(name="eno1"), T.HostNic(name="eno2")],
                ),
            )
        ],
        modified_network_attachments=[
            T.NetworkAttachment(
                network=T.Network(name="ovirtmgmt"), host_nic=T.HostNic(name="bond0")
            )
        ],
    )
    nics = {n.name: n for n in hs.nics_service().list()}
    bond = nics["bond0"]
    assert sorted(s.name for s in bond.bonding.slaves) == ["eno1", "eno2"]
    assert [(o.name, o.value) for o in bond.bonding.options] == [("mode", "1")]
    mgmt = _sys(conn).networks_service().network_service(bond.network.id).get()
    assert mgmt.name == "ovirtmgmt" and nics["eno1"].network is None
    atts = hs.network_attachments_service().list()
    assert [a.host_nic.id for a in atts if a.network.id == mgmt.id] == [bond.id]


def test_setmaster_moves_the_master_role(sim, conn) -> None:
    dc = _dc(conn)
    dcs = _sys(conn).data_centers_service().data_center_service(dc.id)
    refused(
        lambda: dcs.set_master(storage_domain=T.StorageDomain(name="default-data1")),
        409,
        "Cannot switch master storage domain. The storage domain is already the master storage domain.",
    )
    dcs.set_master(storage_domain=T.StorageDomain(name="default-data2"))
    assert _sd(conn, "default-data2").master is True
    assert _sd(conn, "default-data1").master is False


def test_vm_and_template_export_fill_the_export_domain(sim, conn) -> None:
    exp = _sd(conn, "default-export")
    sds = _sys(conn).storage_domains_service().storage_domain_service(exp.id)
    assert sds.vms_service().list() == [] and sds.templates_service().list() == []
    up = _vm(conn, "status=up and datacenter=Default")
    refused(
        lambda: _vs(conn, up).export(storage_domain=T.StorageDomain(name="default-export")),
        409,
        "Cannot export VM. At least one of the VMs is not down.",
    )
    vm = _vm(conn, "status=down and datacenter=Default")
    refused(
        lambda: _vs(conn, vm).export(storage_domain=T.StorageDomain(name="default-data1")),
        409,
        "Cannot export VM. The specified domain 'default-data1' is not an export domain.",
    )
    _vs(conn, vm).export(storage_domain=T.StorageDomain(name="default-export"))
    wait_for(lambda: [v.name for v in sds.vms_service().list()] == [vm.name], what="the export")
    assert _vs(conn, vm).get().status == VS.DOWN
    tpl = _sys(conn).templates_service().list(search="name!=Blank")[0]
    _sys(conn).templates_service().template_service(tpl.id).export(
        storage_domain=T.StorageDomain(id=exp.id)
    )
    wait_for(lambda: [t.name for t in sds.templates_service().list()] == [tpl.name])


def test_host_moves_to_another_cluster(sim, conn) -> None:
    other = _sys(conn).clusters_service().list(search="name!=Default")[0]
    up = _host(conn, "status=up and cluster=Default")
    refused(
        lambda: _hs(conn, up).update(T.Host(cluster=T.Cluster(name=other.name))),
        409,
        "Cannot edit Host. Host parameters cannot be modified while Host is operational. "
        "Please switch Host to Maintenance mode first.",
    )
    assert _hs(conn, up).get().cluster.id != other.id
    h = _maintenance_host(conn)
    _hs(conn, h).update(T.Host(cluster=T.Cluster(name=other.name), comment="moved"))
    got = _hs(conn, h).get()
    assert (got.cluster.id, got.comment) == (other.id, "moved")
    assert h.name in [
        x.name for x in _sys(conn).hosts_service().list(search=f"cluster={other.name}")
    ]


def test_vm_update_keeps_every_field(sim, conn) -> None:
    vm = _vm(conn, "status=down and cluster=Default")
    vs = _vs(conn, vm)
    host = _host(conn, "cluster=Default")
    vs.update(
        T.Vm(
            serial_number=T.SerialNumber(policy=T.SerialNumberPolicy.CUSTOM, value="SN-1"),
            lease=T.StorageDomainLease(storage_domain=T.StorageDomain(name="default-data2")),
            placement_policy=T.VmPlacementPolicy(
                affinity=T.VmAffinity.USER_MIGRATABLE, hosts=[T.Host(name=host.name)]
            ),
            high_availability=T.HighAvailability(enabled=True, priority=50),
            io=T.Io(threads=2),
        )
    )
    got = vs.get()
    assert (got.serial_number.policy, got.serial_number.value) == (
        T.SerialNumberPolicy.CUSTOM,
        "SN-1",
    )
    assert got.lease.storage_domain.id == _sd(conn, "default-data2").id
    assert [h.id for h in got.placement_policy.hosts] == [host.id]
    assert (got.high_availability.enabled, got.high_availability.priority, got.io.threads) == (
        True,
        50,
        2,
    )
    refused(
        lambda: vs.update(T.Vm(placement_policy=T.VmPlacementPolicy(hosts=[T.Host(name="nope")]))),
        404,
    )


def test_lun_disk_attachment_stays_a_lun(sim, conn) -> None:
    das = _vs(conn, _vm(conn, "status=down")).disk_attachments_service()
    att = das.add(
        T.DiskAttachment(
            interface=T.DiskInterface.VIRTIO_SCSI,
            disk=T.Disk(
                alias="lun1",
                lun_storage=T.HostStorage(
                    type=T.StorageType.ISCSI,
                    logical_units=[
                        T.LogicalUnit(
                            id="36001405abcdef",
                            address="10.0.0.5",
                            port=3260,
                            target="iqn.2024-01.com.example:t1",
                            size=20 * 2**30,
                        )
                    ],
                ),
            ),
        )
    )
    disk = _sys(conn).disks_service().disk_service(att.disk.id).get()
    assert disk.storage_type == T.DiskStorageType.LUN
    assert disk.lun_storage.logical_units[0].id == "36001405abcdef"
    assert disk.provisioned_size == 20 * 2**30 and not disk.storage_domains
    assert att.id in [a.id for a in das.list()]


def test_user_ssh_public_keys(sim, conn) -> None:
    user = _sys(conn).users_service().list()[0]
    keys = _sys(conn).users_service().user_service(user.id).ssh_public_keys_service()
    key = keys.add(T.SshPublicKey(content="ssh-ed25519 AAAAC3Nza me@example"))
    assert [k.content for k in keys.list()] == ["ssh-ed25519 AAAAC3Nza me@example"]
    keys.key_service(key.id).update(T.SshPublicKey(content="ssh-rsa AAAAB3 me@example"))
    assert keys.key_service(key.id).get().content == "ssh-rsa AAAAB3 me@example"
    refused(lambda: keys.add(T.SshPublicKey(content="not a key")), 400)
    keys.key_service(key.id).remove()
    assert keys.list() == []


def test_shutdown_of_a_suspended_vm_and_stop_of_a_down_vm(sim, conn) -> None:
    vs = _vs(conn, _vm(conn, "status=up"))
    vs.suspend()
    _status(vs, VS.SUSPENDED)
    vs.shutdown(query={"correlation_id": "c-susp"})
    assert _status(vs, VS.DOWN).host is None
    assert 111 in _codes(conn, "c-susp")
    vs.stop(query={"correlation_id": "c-down"})
    assert vs.get().status == VS.DOWN
    assert _codes(conn, "c-down") == [254]
    ev = _sys(conn).events_service().list(search="correlation_id=c-down")[0]
    assert "was skipped" in ev.description


def test_activate_of_an_up_host_is_refused(sim, conn) -> None:
    hs = _hs(conn, _host(conn))
    refused(hs.activate, 409, "Cannot activate Host. Host in Up status.")


def test_search_qualified_fields_and_bare_words(sim, conn) -> None:
    cls = _sys(conn).clusters_service()
    assert [c.name for c in cls.list(search="Clusters.name=Default")] == ["Default"]
    assert "Default" in [c.name for c in cls.list(search="Default")]
    vms = _sys(conn).vms_service()
    up = {v.id for v in vms.list(search="status=up")}
    assert up and {v.id for v in vms.list(search="Vms.status=up")} == up
    host = _host(conn)
    assert {v.id for v in vms.list(search=f"Vms: Hosts.name={host.name}")} == {
        v.id for v in vms.list(search=f"host={host.name}")
    }
    some = vms.list()[0].name
    assert some in [v.name for v in vms.list(search=some[:-1])]
    refused(lambda: vms.list(search="Vms.bogus=1"), 400)


def test_custom_events(sim, conn) -> None:
    es = _sys(conn).events_service()
    vm = _vm(conn, "status=up")
    ev = es.add(
        T.Event(
            description="backup of db finished",
            severity=T.LogSeverity.WARNING,
            origin="backup-tool",
            custom_id=4711,
            vm=T.Vm(id=vm.id),
        )
    )
    got = es.event_service(ev.id).get()
    assert (got.description, got.origin, got.custom_id, got.severity, got.code) == (
        "backup of db finished",
        "backup-tool",
        4711,
        T.LogSeverity.WARNING,
        9802,
    )
    assert got.vm.id == vm.id
    assert ev.id in [e.id for e in es.list(search=f"vm.name={vm.name}")]
    refused(lambda: es.add(T.Event(description="x")), 400)
    refused(
        lambda: es.add(
            T.Event(description="x", severity=T.LogSeverity.NORMAL, origin="oVirt", custom_id=1)
        ),
        409,
    )


def test_spice_and_vnc_consoles_with_address_and_port(sim, conn) -> None:
    vm = _vm(conn, "status=up")
    host = _sys(conn).hosts_service().host_service(vm.host.id).get()
    gcs = {g.protocol: g for g in _vs(conn, vm).graphics_consoles_service().list()}
    assert set(gcs) == {T.GraphicsType.SPICE, T.GraphicsType.VNC}
    spice, vnc = gcs[T.GraphicsType.SPICE], gcs[T.GraphicsType.VNC]
    assert spice.address == vnc.address == host.address
    assert spice.port and spice.tls_port and vnc.port and vnc.tls_port is None
    assert len({spice.port, spice.tls_port, vnc.port}) == 3
    down = _vm(conn, "status=down")
    assert all(g.port is None for g in _vs(conn, down).graphics_consoles_service().list())
