"""Verbs over the real SDK: status paths, events with correlation ids, jobs, 409 wording."""

from __future__ import annotations

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import connect, wait_for

VS, HS = T.VmStatus, T.HostStatus


@pytest.fixture
def conn(sim):
    c = connect(sim)
    yield c
    c.close()


def _vm(conn, search):
    vms = conn.system_service().vms_service()
    vm = vms.list(search=search, max=1)[0]
    return vms.vm_service(vm.id)


def _host(conn, name):
    hosts = conn.system_service().hosts_service()
    return hosts.host_service(hosts.list(search=f"name={name}")[0].id)


def _seen(svc, statuses, target, timeout=10.0):
    """Poll until ``target``; record every status seen on the way."""

    def check():
        st = svc.get().status
        if not statuses or statuses[-1] != st:
            statuses.append(st)
        return st == target

    wait_for(check, timeout, interval=0.005, what=str(target))
    return statuses


def _events(conn, cid):
    return [
        e.code for e in conn.system_service().events_service().list(search=f"correlation_id={cid}")
    ]


def _conflict(fn, detail):
    with pytest.raises(sdk.Error) as info:
        fn()
    assert info.value.code == 409
    assert info.value.fault.detail == f"[{detail}]"


def test_vm_start_stop_path_events_and_job(conn):
    vs = _vm(conn, "status=down and cluster=Default")
    vs.start(query={"correlation_id": "c-start"})
    seen = _seen(vs, [], VS.UP)
    assert seen[-1] == VS.UP and set(seen) <= {VS.WAIT_FOR_LAUNCH, VS.POWERING_UP, VS.UP}
    assert vs.get().host is not None
    wait_for(lambda: {153, 32} <= set(_events(conn, "c-start")))
    ev = conn.system_service().events_service().list(search="correlation_id=c-start and type=32")[0]
    assert ev.description.startswith(f"VM {vs.get().name} started on Host ")
    assert (
        ev.vm.id == vs.get().id
        and ev.host is not None
        and ev.cluster is not None
        and ev.data_center is not None
    )
    jobs = conn.system_service().jobs_service().list(search="correlation_id=c-start")
    assert jobs and jobs[0].status == T.JobStatus.FINISHED
    steps = conn.system_service().jobs_service().job_service(jobs[0].id).steps_service().list()
    assert steps and all(s.progress == 100 for s in steps)
    _conflict(vs.start, "Cannot run VM. VM is running.")
    vs.stop(headers={"Correlation-Id": "c-stop"})
    assert _seen(vs, [], VS.DOWN)[-1] == VS.DOWN
    assert vs.get().host is None
    wait_for(lambda: {33, 61} <= set(_events(conn, "c-stop")))
    # StopVmCommandBase.shouldSkipCommandExecution: stop / shutdown of a down VM are done,
    # skipped and logged (254 VM_ALREADY_IN_REQUESTED_STATUS)
    vs.stop(headers={"Correlation-Id": "c-stop-again"})
    vs.shutdown(headers={"Correlation-Id": "c-stop-again"})
    assert vs.get().status == VS.DOWN
    assert _events(conn, "c-stop-again") == [254, 254]
    _conflict(vs.suspend, "Cannot hibernate VM. VM is not up.")
    _conflict(vs.reboot, "Cannot reboot VM. VM is not running.")
    _conflict(vs.migrate, "Cannot migrate VM. VM is not running.")


def test_vm_shutdown_suspend_resume_reboot_reset(conn):
    vs = _vm(conn, "status=up and cluster=Default")
    vs.suspend()
    assert VS.SAVING_STATE in _seen(vs, [], VS.SUSPENDED) or vs.get().status == VS.SUSPENDED
    vs.start()
    _seen(vs, [], VS.UP)
    vs.reboot()
    _seen(vs, [], VS.UP)
    vs.reset()
    _seen(vs, [], VS.UP)
    vs.shutdown(query={"correlation_id": "c-shut"})
    _seen(vs, [], VS.DOWN)
    wait_for(lambda: {73, 61} <= set(_events(conn, "c-shut")))


def test_vm_migrate_progress_and_cancel(make_sim):
    sim = make_sim(speed=4)  # slow enough to watch migration.progress rise
    conn = connect(sim)
    vs = _vm(conn, "status=up and cluster=Default")
    src = vs.get().host.id
    vs.migrate(query={"correlation_id": "c-mig"})
    assert vs.get().status == VS.MIGRATING

    def progress():
        stats = {s.name: s.values[0].datum for s in vs.statistics_service().list()}
        return stats["migration.progress"]

    wait_for(lambda: progress() > 0, 5)
    wait_for(lambda: vs.get().status == VS.UP, 10)
    assert vs.get().host.id != src
    assert {62, 63} <= set(_events(conn, "c-mig"))
    vs.migrate()
    vs.cancel_migration()
    assert vs.get().status == VS.UP
    _conflict(vs.cancel_migration, "Cannot cancel migration for VM. VM is not being migrated.")
    conn.close()


def test_start_with_host_and_boot_override_and_no_memory(conn):
    vs = _vm(conn, "status=down and cluster=Default")
    vs.start(
        host=T.Host(name="host04"),
        vm=T.Vm(
            os=T.OperatingSystem(kernel="/boot/vmlinuz", initrd="/boot/initrd", cmdline="quiet")
        ),
    )
    wait_for(lambda: vs.get().status == VS.UP)
    assert (
        conn.system_service().hosts_service().host_service(vs.get().host.id).get().name == "host04"
    )
    vs2 = _vm(conn, "status=down and cluster=Default")
    vs2.update(T.Vm(memory=4096 * 1024**3, description="huge"))
    assert vs2.get().description == "huge"
    with pytest.raises(sdk.Error) as info:
        vs2.start()
    assert info.value.code == 409
    assert (
        "There is no host that satisfies current scheduling constraints" in info.value.fault.detail
    )


def test_async_action_is_202(sim):
    from ovtui.sim.testing import bearer_request

    vm = sim.world.find("vm", "db01") if sim.world.find("vm", "db01").status == VS.DOWN else None
    assert vm is not None
    code, headers, body = bearer_request(
        sim, "POST", f"/vms/{vm.id}/start", b"<action><async>true</async></action>"
    )
    assert code == 202 and b"in_progress" in body
    assert headers["Content-Type"] == "application/xml;charset=UTF-8"


def test_add_update_remove_vm_and_snapshots(conn):
    vms = conn.system_service().vms_service()
    vm = vms.add(
        T.Vm(name="added01", cluster=T.Cluster(name="Default"), template=T.Template(name="Blank")),
        query={"correlation_id": "c-add"},
    )
    assert vm.status == VS.IMAGE_LOCKED
    vs = vms.vm_service(vm.id)
    wait_for(lambda: vs.get().status == VS.DOWN)
    wait_for(lambda: {37, 53} <= set(_events(conn, "c-add")))
    vs.update(
        T.Vm(
            name="added02",
            memory=2 * 1024**3,
            os=T.OperatingSystem(boot=T.Boot(devices=[T.BootDevice.NETWORK, T.BootDevice.HD])),
        )
    )
    got = vs.get()
    assert got.name == "added02" and got.os.boot.devices == [T.BootDevice.NETWORK, T.BootDevice.HD]
    snaps = vs.snapshots_service()
    snap = snaps.add(T.Snapshot(description="before"))
    wait_for(lambda: snaps.snapshot_service(snap.id).get().snapshot_status == T.SnapshotStatus.OK)
    snaps.snapshot_service(snap.id).remove()
    assert all(s.id != snap.id for s in snaps.list())
    disk_ids = [a.disk.id for a in vs.disk_attachments_service().list()]
    vs.remove(detach_only=True)
    with pytest.raises(sdk.NotFoundError):
        vs.get()
    assert all(conn.system_service().disks_service().disk_service(d).get() for d in disk_ids)
    up = _vm(conn, "status=up")
    _conflict(up.remove, "Cannot remove VM. VM is running.")


def test_console_ticket_and_file(sim, conn):
    from ovtui.sim.testing import bearer_request

    vs = _vm(conn, "status=up")
    consoles = vs.graphics_consoles_service()
    gc = consoles.list()[0]
    ticket = consoles.console_service(gc.id).ticket()
    assert ticket.value
    vm_id = vs.get().id
    code, headers, body = bearer_request(
        sim,
        "GET",
        f"/vms/{vm_id}/graphicsconsoles/{gc.id}",
        headers={"Accept": "application/x-virt-viewer"},
    )
    assert code == 200 and body.startswith(b"[virt-viewer]")
    assert (
        consoles.console_service(gc.id).remote_viewer_connection_file().startswith("[virt-viewer]")
    )


def test_host_maintenance_evacuates_and_activate(conn):
    hs = _host(conn, "host01")
    vms = conn.system_service().vms_service()
    assert vms.list(search="host=host01 and status=up")
    _conflict(hs.install, "Cannot install Host. Please move Host to Maintenance mode first.")
    hs.deactivate(reason="patching", query={"correlation_id": "c-maint"})
    seen = _seen(hs, [], HS.MAINTENANCE)
    assert HS.PREPARING_FOR_MAINTENANCE in seen
    assert not vms.list(search="host=host01")
    codes = _events(conn, "c-maint")
    assert 600 in codes and 15 in codes and 62 in codes and 63 in codes
    _conflict(
        hs.deactivate,
        "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.",
    )
    hs.activate()
    seen = _seen(hs, [HS.MAINTENANCE], HS.UP)
    assert seen[-1] == HS.UP
    _conflict(hs.activate, "Cannot activate Host. Host in Up status.")


def test_host_maintenance_fails_when_vms_cannot_move(conn, sim):
    # host02 is the only host of its cluster: its VMs have nowhere to go
    hs = _host(conn, "host02")
    assert conn.system_service().vms_service().list(search="host=host02 and status=up")
    hs.deactivate(query={"correlation_id": "c-fail"})
    wait_for(lambda: 17 in _events(conn, "c-fail"))
    assert hs.get().status == HS.UP
    ev = conn.system_service().events_service().list(search="correlation_id=c-fail and type=17")[0]
    assert ev.severity == T.LogSeverity.ERROR and "host02" in ev.description


def test_pinned_vm_blocks_maintenance(conn, sim):
    with sim.world.lock:
        vm = next(
            v
            for v in sim.world.vms_on_host(sim.world.find("host", "host04").id)
            if v.status == VS.UP
        )
        vm.placement_policy = T.VmPlacementPolicy(affinity=T.VmAffinity.PINNED)
    hs = _host(conn, "host04")
    hs.deactivate(query={"correlation_id": "c-pin"})
    wait_for(lambda: 17 in _events(conn, "c-pin"))
    assert hs.get().status == HS.UP
    assert (
        vm.name
        in conn.system_service()
        .events_service()
        .list(search="correlation_id=c-pin and type=17")[0]
        .description
    )
    _conflict(
        conn.system_service().vms_service().vm_service(vm.id).migrate,
        "Cannot migrate VM. VM is pinned to Host.",
    )


def test_host_upgrade_check_and_upgrade(conn):
    hs = _host(conn, "host02")
    _conflict(hs.upgrade, "There are no available updates for the host.")
    hs.upgrade_check(query={"correlation_id": "c-chk"})
    wait_for(lambda: hs.get().update_available)
    assert {884, 885, 843} <= set(_events(conn, "c-chk"))
    h1 = _host(conn, "host01")
    assert h1.get().update_available
    h1.upgrade(query={"correlation_id": "c-upg"})
    seen = _seen(h1, [], HS.INSTALLING, timeout=10)
    wait_for(lambda: h1.get().status == HS.UP and not h1.get().update_available, 10)
    assert HS.PREPARING_FOR_MAINTENANCE in seen or HS.MAINTENANCE in seen
    assert {840, 888} <= set(_events(conn, "c-upg"))
    assert 63 in _events(conn, "c-upg")


def test_host_upgrade_failure_and_install(conn, sim):
    sim.faults.fail_upgrade.add("host04")
    h4 = _host(conn, "host04")
    h4.upgrade_check()
    wait_for(lambda: h4.get().update_available)
    h1 = _host(
        conn, "host01"
    )  # make room: nothing to evacuate to otherwise... host04 evacuates to host01
    assert h1.get().status == HS.UP
    h4.upgrade(reboot=False, query={"correlation_id": "c-bad"})
    wait_for(lambda: h4.get().status == HS.INSTALL_FAILED, 10)
    assert 841 in _events(conn, "c-bad")
    h4.install(activate=False)
    wait_for(lambda: h4.get().status == HS.MAINTENANCE, 10)
    h4.install()
    wait_for(lambda: h4.get().status == HS.UP, 10)


def test_storage_domain_deactivate_activate(conn):
    dcs = conn.system_service().data_centers_service()
    dc = dcs.list()[0]
    sds = dcs.data_center_service(dc.id).storage_domains_service()
    sd = next(s for s in sds.list() if s.type == T.StorageDomainType.ISO)
    ss = sds.storage_domain_service(sd.id)
    ss.deactivate(query={"correlation_id": "c-sd"})
    seen = []

    def check():
        st = ss.get().status
        if not seen or seen[-1] != st:
            seen.append(st)
        return st == T.StorageDomainStatus.MAINTENANCE

    wait_for(check, 10, interval=0.005)
    assert (
        T.StorageDomainStatus.PREPARING_FOR_MAINTENANCE in seen
        or T.StorageDomainStatus.LOCKED in seen
    )
    assert 968 in _events(conn, "c-sd")
    with pytest.raises(sdk.Error) as info:
        ss.deactivate()
    assert info.value.code == 409
    ss.activate()
    wait_for(lambda: ss.get().status == T.StorageDomainStatus.ACTIVE, 10)


def test_add_nic_and_disk_and_run_once_host(conn):
    vs = _vm(conn, "status=down and cluster=Default")
    profile = conn.system_service().vnic_profiles_service().list()[0]
    nic = vs.nics_service().add(T.Nic(name="nic9", vnic_profile=T.VnicProfile(id=profile.id)))
    assert nic.mac.address and any(n.name == "nic9" for n in vs.nics_service().list())
    att = vs.disk_attachments_service().add(
        T.DiskAttachment(
            disk=T.Disk(name="extra", provisioned_size=10 * 1024**3, format=T.DiskFormat.COW),
            interface=T.DiskInterface.VIRTIO_SCSI,
            bootable=False,
            active=True,
        )
    )
    disks = conn.system_service().disks_service()
    wait_for(lambda: disks.disk_service(att.disk.id).get().status == T.DiskStatus.OK)
    assert disks.disk_service(att.disk.id).get().provisioned_size == 10 * 1024**3
    h4 = conn.system_service().hosts_service().list(search="name=host04")[0]
    vs.start(vm=T.Vm(placement_policy=T.VmPlacementPolicy(hosts=[T.Host(id=h4.id)])))
    wait_for(lambda: vs.get().status == VS.UP)
    assert vs.get().host.id == h4.id
