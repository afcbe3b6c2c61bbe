"""ticket, viewer (.vv file mode 600), start --console, autoinstall."""

from __future__ import annotations

import configparser
import json
import os
import stat
import threading

import pytest
from ovirtsdk4 import types

from ovtui.actions import vm_autoinstall, vm_console, vms
from ovtui.actions.base import EngineRefused
from ovtui.actions.vm_console import ticket_url, viewer_text, write_private
from ovtui.sim.testing import wait_for, write_config
from tests.support import make_ctx, run_cli

from .test_vm_helpers import api_vm, vm_named, wstatus


def test_ticket_url_forms():
    info = {"protocol": "spice", "host": "h1", "port": 5900, "tls_port": 5901, "password": "a b"}
    assert ticket_url(info) == "spice://h1:5900?tls-port=5901&password=a%20b"
    info.update(protocol="vnc", tls_port=None)
    assert ticket_url(info) == "vnc://:a%20b@h1:5900"


def test_write_private_tightens_existing_file(tmp_path):
    p = tmp_path / "x.vv"
    p.write_text("old")
    os.chmod(p, 0o644)
    write_private(str(p), "new")
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600 and p.read_text() == "new"


def _parse_vv(path):
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(path)
    return cp["virt-viewer"]


def test_viewer_writes_valid_vv_file(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "up")
    out_file = tmp_path / "c.vv"
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "viewer", "--output", str(out_file))
    assert code == 0, err
    assert str(out_file) in out + err
    assert stat.S_IMODE(os.stat(out_file).st_mode) == 0o600
    sec = _parse_vv(out_file)
    assert sec["type"] in ("spice", "vnc")
    assert sec["host"] and int(sec["port"]) > 0 and sec["password"]


def test_ticket_prints_url(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "up")
    code, out, err = run_cli(capsys, cfg, "-o", "json", "vm", "-n", name, "ticket")
    assert code == 0, err
    info = json.loads(out)
    assert info["password"] and info["host"] and info["port"]
    assert info["url"].startswith(f"{info['protocol']}://")
    assert f"{info['host']}:{info['port']}" in info["url"]


def test_console_of_down_vm_refused(sim):
    ctx, _ = make_ctx(sim)
    with pytest.raises(EngineRefused, match="not running"):
        vm_console.ticket(ctx, api_vm(ctx, vm_named(sim, "down")))


def test_start_console_writes_file(sim, tmp_path):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    res = vms.start(ctx, api_vm(ctx, name), console=True)
    path = res.message.rsplit("console file ", 1)[1]
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert "[virt-viewer]" in open(path).read()
    finally:
        os.unlink(path)


def test_viewer_text_has_required_keys():
    text = viewer_text(
        {"vm": "v", "protocol": "spice", "host": "h", "port": 1, "tls_port": 2, "password": "p"}
    )
    assert text.startswith("[virt-viewer]\ntype=spice\nhost=h\nport=1\ntls-port=2\npassword=p")


def _os_of(sim, name):
    vm = sim.world.find("vm", name)
    o = vm.os
    return (o.kernel or "", o.initrd or "", o.cmdline or "", [d.value for d in o.boot.devices])


def test_autoinstall_restores_boot_settings(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    original = _os_of(sim, name)
    seen = {}

    def installer_done(_p):
        seen["during"] = _os_of(sim, name)
        with sim.world.lock:  # the installer powers the VM off
            vm = sim.world.find("vm", name)
            vm.status = types.VmStatus.DOWN
            vm.host = None

    rec.when(lambda p: p.step == "install", installer_done)
    res = vm_autoinstall.autoinstall(
        ctx, api_vm(ctx, name), kernel="iso://vmlinuz", initrd="iso://initrd.img",
        cmdline="inst.ks=http://ks/x.cfg",
    )  # fmt: skip
    assert seen["during"][:3] == ("iso://vmlinuz", "iso://initrd.img", "inst.ks=http://ks/x.cfg")
    assert res.data.status.value == "up"
    assert _os_of(sim, name) == original
    assert "original boot settings restored" in rec.text()


def test_autoinstall_restores_on_failure(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    original = _os_of(sim, name)
    ctx.timeout = 0.001  # the install never ends in time
    rec.when(lambda p: p.step == "install", lambda p: None)
    with pytest.raises(EngineRefused, match="Timed out"):
        vm_autoinstall.autoinstall(ctx, api_vm(ctx, name), kernel="k", initrd="i")
    # the installer still runs: the engine takes boot settings of a running VM for its next
    # run only (it refuses them otherwise), so the original ones wait there and come back at
    # the VM's next stop
    vm = sim.world.find("vm", name)
    if vm.status.value != "down":
        assert vm.next_run_configuration_exists
        vms = ctx.connection.system_service().vms_service()
        vms.vm_service(vm.id).stop()
    wait_for(lambda: _os_of(sim, name) == original, what="original boot settings back")


def test_cli_autoinstall_flags_and_restore(make_sim, tmp_path, capsys):
    sim = make_sim(speed=10)
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "down")
    original = _os_of(sim, name)

    def installer():
        wait_for(
            lambda: wstatus(sim, name) == "up" and _os_of(sim, name)[0] == "/k",
            timeout=20,
            what="installer running",
        )
        with sim.world.lock:
            vm = sim.world.find("vm", name)
            sim.machines._begin(vm)
            vm.status = types.VmStatus.DOWN
            vm.host = None

    t = threading.Thread(target=installer, daemon=True)
    t.start()
    code, out, err = run_cli(
        capsys, cfg, "vm", "-n", name, "autoinstall", "-k", "/k", "-i", "/i", "-c", "ks=x"
    )
    t.join(5)
    assert code == 0, err
    assert "original boot settings restored" in err
    assert _os_of(sim, name) == original and wstatus(sim, name) == "up"
    code, out, err = run_cli(
        capsys, cfg, "vm", "-n", name, "autoinstall", "-k", "k", "-i", "i", "-a"
    )
    assert code == 2 and "cannot return early" in err
