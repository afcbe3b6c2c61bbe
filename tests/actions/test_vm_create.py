"""vm create (options, -T template with -V variables), remove, snapshots."""

from __future__ import annotations

import json

import pytest

from ovtui.actions import vm_create, vm_snapshots
from ovtui.actions.base import EngineRefused, UsageError
from ovtui.actions.vm_create import parse_size
from ovtui.sim.testing import write_config
from tests.support import make_ctx, run_cli

from .test_vm_helpers import api_vm, vm_named

GIB = 2**30


def test_parse_size():
    assert parse_size(2048, "m") == 2 * GIB
    assert parse_size("2G", "m") == 2 * GIB
    assert parse_size("512MiB", "m") == 512 * 2**20
    assert parse_size("1.5g", "m") == int(1.5 * GIB)
    with pytest.raises(UsageError):
        parse_size("lots", "m")


def _names(ctx, kind):
    return [o.name for o in getattr(ctx.system, f"{kind}_service")().list()]


def test_create_with_options(make_sim):
    sim = make_sim(speed=10)
    ctx, rec = make_ctx(sim)
    cluster = _names(ctx, "clusters")[0]
    res = vm_create.create(
        ctx, None, name="new1", cluster=cluster, template="Blank", memory="3G", cores=2,
        sockets=2, os="rhel_9x64", description="made by a test",
    )  # fmt: skip
    vm = res.data
    assert vm.name == "new1" and vm.status.value == "down"
    assert vm.memory == 3 * GIB
    assert (vm.cpu.topology.cores, vm.cpu.topology.sockets) == (2, 2)
    assert vm.os.type == "rhel_9x64" and vm.description == "made by a test"
    assert sim.world.status_path(vm.id) == ["image_locked", "down"]
    assert rec.statuses()[-1] == "down", rec.text()
    assert rec.steps()[0] == "accepted" and rec.steps()[-1] == "done"
    assert "event" in rec.steps()


def test_create_with_nics_and_disks(sim):
    ctx, rec = make_ctx(sim)
    cluster = _names(ctx, "clusters")[0]
    sd = next(s.name for s in ctx.system.storage_domains_service().list() if s.type.value == "data")
    net = _names(ctx, "networks")[0]
    res = vm_create.create(
        ctx, None, name="new2", cluster=cluster, network=[net], disk=["10G"], storagedomain=sd
    )
    svc = ctx.system.vms_service().vm_service(res.data.id)
    assert len(svc.nics_service().list()) >= 1
    atts = svc.disk_attachments_service().list()
    disks = [ctx.system.disks_service().disk_service(a.disk.id).get() for a in atts]
    assert any(d.provisioned_size == 10 * GIB and d.status.value == "ok" for d in disks)


def test_create_half_done_is_reported(sim):
    """Whatever fails after the add, the user learns that the VM exists (exit 1, not 4)."""
    ctx, rec = make_ctx(sim)
    cluster = _names(ctx, "clusters")[0]
    with pytest.raises(EngineRefused, match="VM new3 was created, but there is no network"):
        vm_create.create(ctx, None, name="new3", cluster=cluster, network=["no-such-net"])
    with pytest.raises(EngineRefused, match="VM new4 was created, but adding disk 1") as exc:
        vm_create.create(
            ctx, None, name="new4", cluster=cluster, disk=["1G"], storagedomain="no-such-sd"
        )
    assert "Entity not found: storage_domain" in exc.value.message
    assert "remove" in exc.value.hint


def test_create_template_vars_and_override(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    ctx, _ = make_ctx(sim)
    cluster = _names(ctx, "clusters")[0]
    tpl = tmp_path / "vm.yaml"
    tpl.write_text(
        "name: ${name}\n"
        f"cluster: {cluster}\n"
        "memory: ${mem:2G}\n"
        "cores: 2\n"
        "sockets: 1\n"
        "description: from ${who:template}\n"
    )
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "vm", "create", "-T", str(tpl), "-V", "name", "tvm1",
        "-V", "mem", "4G", "--cores", "4",
    )  # fmt: skip
    assert code == 0, err
    vm = json.loads(out)
    assert vm["name"] == "tvm1"
    assert int(vm["memory"]) == 4 * GIB  # from the variable
    assert vm["cpu"]["topology"]["cores"] == 4  # the command line wins over the template
    assert vm["cpu"]["topology"]["sockets"] == 1  # the template's value
    assert vm["description"] == "from template"  # a variable's default


def test_create_undefined_variable_exits_2(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    tpl = tmp_path / "vm.yaml"
    tpl.write_text("name: ${vmname}\ncluster: ${cluster}\n")
    code, out, err = run_cli(capsys, cfg, "vm", "create", "-T", str(tpl), "-V", "vmname", "x")
    assert code == 2
    assert "${cluster}" in err and "-V cluster" in err
    assert out == ""


def test_remove_detach_only_keeps_disks(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    vm = api_vm(ctx, name)
    disk_ids = [
        a.disk.id
        for a in ctx.system.vms_service().vm_service(vm.id).disk_attachments_service().list()
    ]
    res = vm_create.remove(ctx, vm, detach_only=True)
    assert res.ok
    assert not [v for v in ctx.system.vms_service().list() if v.id == vm.id]
    left = {d.id for d in ctx.system.disks_service().list()}
    assert set(disk_ids) <= left


def test_remove_running_vm_refused(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "up")
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "remove", "-y")
    assert code == 1
    assert "Cannot remove VM. VM is running." in err


def test_snapshot_create_list_remove(sim):
    ctx, rec = make_ctx(sim)
    vm = api_vm(ctx, vm_named(sim, "down"))
    before = len(vm_snapshots.snapshot_list(ctx, vm).data)
    res = vm_snapshots.snapshot_create(ctx, vm, description="before-upgrade")
    assert res.data.snapshot_status.value == "ok"
    assert "locked" in rec.statuses() or "ok" in rec.statuses()
    snaps = vm_snapshots.snapshot_list(ctx, vm).data
    assert len(snaps) == before + 1
    vm_snapshots.snapshot_remove(ctx, vm, snapshot="before-upgrade")
    assert len(vm_snapshots.snapshot_list(ctx, vm).data) == before
