"""Every noun and verb of ovirtcmd's README, run as an ovirtcmd user types it (``ovcmd`` ->
``ovtui run``), against the simulator. One test per row of the table in docs/ovirtcmd.md,
named after it. A row whose ovtui command is not built yet is an expected failure saying so
(``needs``), never a pass."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from ovirtsdk4 import types

from ovtui.actions import registry
from ovtui.cli import main as cli_main
from ovtui.sim.testing import connect, start_sim, write_config
from tests.support import run_cli

SIM_SPEED = 120.0


@pytest.fixture(scope="module")
def shared_sim() -> Any:
    """One simulator for the reading rows (nothing in them changes it)."""
    sim = start_sim(speed=SIM_SPEED)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def ro(shared_sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    cfg = write_config(shared_sim, tmp_path)
    return lambda *args: run_cli(capsys, cfg, *args)


@pytest.fixture
def rw(make_sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """A fresh simulator for a row that changes the engine; ``rw.sim`` is it."""
    sim = make_sim(speed=SIM_SPEED)
    cfg = write_config(sim, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, *args)

    run.sim = sim  # type: ignore[attr-defined]
    return run


def needs(noun: str, verb: str, *flags: str) -> None:
    """xfail, naming the missing command, when ovtui has no such noun/verb/flag yet."""
    action = registry.get(noun, verb) if noun in registry.NOUNS else None
    if action is None:
        pytest.xfail(f"'ovtui run {noun} {verb}' is not built yet")
    have = {f for p in action.params for f in p.flags} | {"-a", "--async"}
    missing = [f for f in flags if f not in have]
    if missing:
        pytest.xfail(f"'ovtui run {noun} {verb}' has no {', '.join(missing)} yet")


def world_vm(sim: Any, name: str) -> Any:
    return sim.world.find("vm", name)


def status(obj: Any) -> str:
    return getattr(obj.status, "value", obj.status)


# -- generic options and selectors ---------------------------------------------------------


def test_ovirtcmd_config_option(ro) -> None:
    code, out, err = ro("datacenter", "list")  # run_cli passes -c CONFIG
    assert code == 0, err
    assert "Default" in out


def test_ovirtcmd_ovconfig_env(shared_sim, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OVCONFIG", str(write_config(shared_sim, tmp_path)))
    capsys.readouterr()
    code = cli_main(["run", "cluster", "list"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "cluster02" in out


def test_ovirtcmd_debug_option(ro) -> None:
    code, out, err = ro("-d", "system", "show")
    assert code == 0, err
    assert "GET /ovirt-engine/api" in err  # the request, in the debug log on stderr


def test_ovirtcmd_selectors(ro) -> None:
    code, out, err = ro("-o", "json", "vm", "-n", "web01", "show")
    assert code == 0, err
    vm_id = json.loads(out)["id"]
    code, out, _ = ro("-o", "json", "vm", "-i", vm_id, "show")
    assert json.loads(out)["name"] == "web01"
    code, out, _ = ro("-o", "json", "vm", "-s", "name=web0*", "list")
    assert {"web01", "web02"} <= {v["name"] for v in json.loads(out)}


# -- templates ----------------------------------------------------------------------------


def test_ovirtcmd_vm_create_template(rw, tmp_path) -> None:
    tpl = tmp_path / "vm_create.yaml"
    tpl.write_text(
        "name: ${name}\nmemory: ${memory}\ncores: ${cores:2}\ncluster: ${cluster}\n"
        "os: ${ostype:other}\n",
        encoding="utf-8",
    )
    code, out, err = rw(
        "vm", "create", "-T", str(tpl), "-V", "name", "tpl01", "-V", "memory", "2G",
        "-V", "cores", "4", "-V", "cluster", "Default", "-V", "ostype", "rhel_8x64",
    )  # fmt: skip
    assert code == 0, err
    vm = world_vm(rw.sim, "tpl01")
    assert vm is not None and vm.memory == 2 * 1024**3
    assert vm.cpu.topology.cores == 4 and vm.os.type == "rhel_8x64"


# -- export -------------------------------------------------------------------------------


def test_ovirtcmd_host_export(ro) -> None:
    code, out, err = ro("host", "-n", "host01", "export")
    assert code == 0, err
    assert out.lstrip().startswith("<host ") and "<name>host01</name>" in out


def test_ovirtcmd_host_export_nics(ro) -> None:
    code, out, err = ro("host", "-n", "host01", "export", "nics")
    assert code == 0, err
    assert out.lstrip().startswith("<host_nics>") and "<host_nic " in out


def test_ovirtcmd_system_export(ro, shared_sim) -> None:
    code, out, err = ro("system", "export", "summary", "vms", "active")
    assert code == 0, err
    conn = connect(shared_sim)
    try:
        active = conn.system_service().get().summary.vms.active
    finally:
        conn.close()
    assert out.strip() == str(active)


def test_ovirtcmd_vm_export_name(ro, shared_sim) -> None:
    code, out, err = ro("vm", "-s", "host=host01", "export", "name")
    assert code == 0, err
    host = shared_sim.world.find("host", "host01")
    with shared_sim.world.lock:
        on_host = {
            v.name for v in shared_sim.world.coll["vms"].values() if v.host and v.host.id == host.id
        }
    assert on_host and set(out.split()) == on_host


def test_ovirtcmd_vm_export_disk_attachments(ro) -> None:
    """The spelling the hint suggests works, and so does the URL's."""
    for word in ("disk_attachments", "diskattachments"):
        code, out, err = ro("vm", "-n", "web01", "export", word)
        assert code == 0, err
        assert "<disk_attachments>" in out and "<bootable>" in out
    code, out, err = ro("vm", "-n", "web01", "export", "no_such_thing")
    assert code == 2
    assert "disk_attachments" in err and "initialization" in err  # named as accepted


# -- eval ---------------------------------------------------------------------------------


def test_ovirtcmd_eval(rw, tmp_path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "for vm in context.vm.list():\n    print(vm.name, prefix)\ncontext.vm.start(name='db01')\n",
        encoding="utf-8",
    )
    code, out, err = rw("eval", "-V", "prefix", "seen", str(script))
    assert code == 0, err
    assert "web01 seen" in out
    assert "VM db01 is up" in err  # the start's progress, on stderr
    assert status(world_vm(rw.sim, "db01")) == "up"


# -- kerberos -----------------------------------------------------------------------------


def test_ovirtcmd_kerberos_keytab(shared_sim, tmp_path, capsys) -> None:
    """[kerberos] keytab = means a Kerberos login (no password asked); a missing keytab is
    named where it was set."""
    cfg = tmp_path / "krb.ini"
    cfg.write_text(
        f"[api]\nurl={shared_sim.url}\n\n[kerberos]\nkeytab = {tmp_path / 'none.keytab'}\n"
        "ccache = None\nprincipal = None\n",
        encoding="utf-8",
    )
    os.chmod(cfg, 0o600)
    code, _, err = run_cli(capsys, cfg, "vm", "list")
    assert code == 2
    assert f"[kerberos] keytab = {tmp_path / 'none.keytab'} does not exist" in err
    (tmp_path / "none.keytab").write_bytes(b"\x05\x02")
    code, _, err = run_cli(capsys, cfg, "vm", "list")
    assert "password" not in err.lower()
    assert code in (2, 3) and ("Kerberos" in err or "gssapi" in err), err


# -- capabilities -------------------------------------------------------------------------


def test_ovirtcmd_capabilities_list(ro) -> None:
    code, out, err = ro("capabilities", "list")
    assert code == 0, err
    assert out.split()[1:] == ["4.2", "4.3", "4.4", "4.5", "4.6", "4.7"]


def test_ovirtcmd_capabilities_export(ro) -> None:
    code, out, err = ro("capabilities", "-n", "4.7", "export")
    assert code == 0, err
    assert '<cluster_level href="/ovirt-engine/api/clusterlevels/4.7" id="4.7">' in out
    assert "Secure Intel Cascadelake Server Family" in out and "<name>run_vm</name>" in out
    code, _, err = ro("capabilities", "-n", "3.6", "export")
    assert code == 4 and "4.7" in err


# -- vm -----------------------------------------------------------------------------------


def test_ovirtcmd_vm_autoinstall(rw) -> None:
    sim, name = rw.sim, "cache01"  # down
    original = world_vm(sim, name).os.kernel

    def installer() -> None:  # the guest installs, then powers off
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            vm = world_vm(sim, name)
            if status(vm) == "up" and vm.os.kernel == "/k":
                with sim.world.lock:
                    sim.machines._begin(vm)
                    vm.status = types.VmStatus.DOWN
                    vm.host = None
                return
            threading.Event().wait(0.05)

    t = threading.Thread(target=installer, daemon=True)
    t.start()
    code, _, err = rw("vm", "-n", name, "autoinstall", "-k", "/k", "-i", "/i", "-c", "ks=x")
    t.join(5)
    assert code == 0, err
    assert (world_vm(sim, name).os.kernel or "") == (original or "")
    assert "original boot settings restored" in err


def test_ovirtcmd_vm_statistics(ro) -> None:
    code, out, err = ro("-o", "json", "vm", "-n", "web01", "statistics")
    assert code == 0, err
    assert "memory.installed" in {s["name"] for s in json.loads(out)}


def test_ovirtcmd_vm_viewer(ro, tmp_path) -> None:
    target = tmp_path / "web01.vv"
    code, _, err = ro("vm", "-n", "web01", "viewer", "--output", str(target))
    assert code == 0, err
    assert "[virt-viewer]" in target.read_text()


def test_ovirtcmd_vm_list(ro) -> None:
    code, out, err = ro("vm", "list")
    assert code == 0, err
    assert "web01" in out and "db01" in out


def test_ovirtcmd_vm_create(rw) -> None:
    code, _, err = rw("vm", "create", "--name", "new01", "--cluster", "Default", "--memory", "1G")
    assert code == 0, err
    assert world_vm(rw.sim, "new01") is not None


def test_ovirtcmd_vm_stop(rw) -> None:
    code, _, err = rw("-y", "vm", "-n", "web01", "stop")
    assert code == 0, err
    assert status(world_vm(rw.sim, "web01")) == "down"


def test_ovirtcmd_vm_start(rw) -> None:
    code, _, err = rw("vm", "-n", "db01", "start")
    assert code == 0, err
    assert status(world_vm(rw.sim, "db01")) == "up"


def test_ovirtcmd_vm_export(ro) -> None:
    code, out, err = ro("vm", "-n", "web01", "export")
    assert code == 0, err
    assert out.lstrip().startswith("<vm ") and "<name>web01</name>" in out


def test_ovirtcmd_vm_ticket(ro) -> None:
    code, out, err = ro("-o", "json", "vm", "-n", "web01", "ticket")
    assert code == 0, err
    info = json.loads(out)
    assert info["password"] and info["url"].startswith(f"{info['protocol']}://")


def test_ovirtcmd_vm_migrating(make_sim, tmp_path, capsys) -> None:
    """-f follows while a VM migrates, -p is the pause between two looks."""
    needs("vm", "migrating", "-f", "-p")
    sim = make_sim(speed=4.0)  # a migration lasts 2 s
    cfg = write_config(sim, tmp_path)
    code, _, err = run_cli(capsys, cfg, "vm", "-n", "web01", "migrate", "-a")
    assert code == 0, err
    code, out, err = run_cli(capsys, cfg, "vm", "migrating", "-f", "-p", "0.2")
    assert code == 0, err
    assert "VM web01 from host01: migrating" in err
    assert "No VM migrating any more" in err
    assert status(world_vm(sim, "web01")) == "up"
    assert world_vm(sim, "web01").host.id != sim.world.find("host", "host01").id


# -- host ---------------------------------------------------------------------------------


def test_ovirtcmd_host_upgrade(rw) -> None:
    code, _, err = rw("-y", "host", "-n", "host01", "upgrade")
    assert code == 0, err
    host = rw.sim.world.find("host", "host01")
    assert not host.update_available and status(host) == "up"


def test_ovirtcmd_host_upgrade_refresh(rw) -> None:
    """ovirtcmd's ``upgrade -r``: refresh the upgrade status (check), then upgrade."""
    needs("host", "upgrade", "-r")
    code, out, err = rw("-y", "host", "-n", "host04", "upgrade", "-r")
    assert code == 0, err
    assert "upgradecheck host host04" in err  # the check first (events 884/885)
    host = rw.sim.world.find("host", "host04")
    assert not host.update_available and status(host) == "up"


def test_ovirtcmd_host_statistics(ro) -> None:
    code, out, err = ro("-o", "json", "host", "-n", "host01", "statistics")
    assert code == 0, err
    assert "memory.total" in {s["name"] for s in json.loads(out)}


def test_ovirtcmd_host_list(ro) -> None:
    code, out, err = ro("host", "list")
    assert code == 0, err
    assert all(h in out for h in ("host01", "host02", "host04", "host04"))


def test_ovirtcmd_host_reboot(rw) -> None:
    """ovirtcmd's README lists ``reboot``; ovtui's is ``host restart`` (fence restart), which
    refuses to kill running VMs: maintenance first, as webadmin asks."""
    code, _, err = rw("-y", "host", "-n", "host04", "maintenance")
    assert code == 0, err
    code, _, err = rw("-y", "host", "-n", "host04", "restart")
    assert code == 0, err
    assert status(rw.sim.world.find("host", "host04")) == "maintenance"


def test_ovirtcmd_host_remove(rw) -> None:
    """ovirtcmd's remove moves the host to maintenance itself; ovtui's asks for it (the
    engine's refusal otherwise)."""
    code, _, err = rw("-y", "host", "-n", "host04", "remove")
    assert code == 1 and "Please switch Host to Maintenance mode first" in err
    code, _, err = rw("-y", "host", "-n", "host04", "maintenance")
    assert code == 0, err
    code, _, err = rw("-y", "host", "-n", "host04", "remove")
    assert code == 0, err
    with pytest.raises(KeyError):
        rw.sim.world.find("host", "host04")


def test_ovirtcmd_host_upgradecheck(rw) -> None:
    code, _, err = rw("host", "-n", "host02", "upgradecheck")
    assert code == 0, err


def test_ovirtcmd_host_maintenance(rw) -> None:
    code, _, err = rw("-y", "host", "-n", "host04", "maintenance", "-r", "disk swap")
    assert code == 0, err
    assert status(rw.sim.world.find("host", "host04")) == "maintenance"


def test_ovirtcmd_host_activate(rw) -> None:
    code, _, err = rw("-y", "host", "-n", "host04", "maintenance")
    assert code == 0, err
    code, _, err = rw("host", "-n", "host04", "activate")
    assert code == 0, err
    assert status(rw.sim.world.find("host", "host04")) == "up"


def test_ovirtcmd_host_bond(rw) -> None:
    code, _, err = rw(
        "host", "-n", "host02", "bond", "-i", "eno3", "-i", "eno4",
        "-o", "mode", "4", "-o", "miimon", "100", "-m", "9000",
    )  # fmt: skip
    assert code == 0, err
    conn = connect(rw.sim)
    try:
        hosts = conn.system_service().hosts_service()
        host = hosts.list(search="name=host02")[0]
        nics = {n.name: n for n in hosts.host_service(host.id).nics_service().list()}
    finally:
        conn.close()
    assert sorted(s.name for s in nics["bond0"].bonding.slaves) == ["eno3", "eno4"]


def test_ovirtcmd_host_reinstall(rw) -> None:
    code, _, err = rw("-y", "host", "-n", "host04", "maintenance")
    assert code == 0, err
    code, _, err = rw("-y", "host", "-n", "host04", "reinstall")
    assert code == 0, err
    assert status(rw.sim.world.find("host", "host04")) == "maintenance"


def test_ovirtcmd_host_discoverdomain(rw) -> None:
    """ovirtcmd's ``discoverdomain``: the block domains the host's storage holds that the
    engine does not know (one removed without format, as the simulator keeps them)."""
    needs("host", "discoverdomain")
    with rw.sim.world.lock:
        held = getattr(rw.sim.world, "_sim_on_storage", None)
        if held is None:
            held = rw.sim.world._sim_on_storage = {}
        held[("36001405aaaa",)] = {
            "id": "5e2a7a1c-0000-4000-8000-00000000beef",
            "name": "old-iscsi",
            "type": types.StorageDomainType.DATA,
        }
    code, out, err = rw("-o", "json", "host", "-n", "host01", "discoverdomain")
    assert code == 0, err
    assert [d["name"] for d in json.loads(out)] == ["old-iscsi"]


# -- the nouns the README lists without verbs: list and export each ------------------------

NOUN_ROWS = [
    ("datacenter", "Default"),
    ("network", "ovirtmgmt"),
    ("os", "rhel_8x64"),
    ("cluster", "cluster02"),
    ("user", "admin"),
    ("template", "rhel-base"),
    ("storagedomain", "default-data1"),
    ("disk", None),
    ("macpool", "Default"),
    ("event", None),
]


def _list_and_export(ro: Any, noun: str, name: str | None) -> None:
    needs(noun, "list")
    code, out, err = ro("-o", "json", noun, "list")
    assert code == 0, err
    objs = json.loads(out)
    assert objs, f"{noun} list is empty"
    if name is not None:
        assert any((o.get("name") or "").startswith(name) for o in objs), out[:300]
    first = objs[0]
    code, out, err = ro(noun, "-i", first["id"], "export")
    assert code == 0, err
    assert f'id="{first["id"]}"' in out


def test_ovirtcmd_datacenter(ro) -> None:
    _list_and_export(ro, "datacenter", "Default")


def test_ovirtcmd_network(ro) -> None:
    _list_and_export(ro, "network", "ovirtmgmt")


def test_ovirtcmd_os(ro) -> None:
    _list_and_export(ro, "os", "rhel_8x64")


def test_ovirtcmd_os_list(ro) -> None:
    code, out, err = ro("os", "list")
    assert code == 0, err
    assert "rhel_8x64" in out and "windows_2019x64" in out


def test_ovirtcmd_system(ro) -> None:
    code, out, err = ro("system", "export")
    assert code == 0, err
    assert out.lstrip().startswith("<api>") and "<product_info>" in out
    code, out, err = ro("system", "show")
    assert code == 0, err


def test_ovirtcmd_cluster(ro) -> None:
    _list_and_export(ro, "cluster", "cluster02")


def test_ovirtcmd_user(ro) -> None:
    _list_and_export(ro, "user", "admin")


def test_ovirtcmd_template(ro) -> None:
    _list_and_export(ro, "template", "rhel-base")


def test_ovirtcmd_storagedomain(ro) -> None:
    _list_and_export(ro, "storagedomain", "default-data1")


def test_ovirtcmd_disk(ro) -> None:
    _list_and_export(ro, "disk", None)


def test_ovirtcmd_macpool(ro) -> None:
    _list_and_export(ro, "macpool", "Default")


def test_ovirtcmd_event(ro) -> None:
    code, out, err = ro("-o", "json", "event", "list", "--max", "3")
    assert code == 0, err
    first = json.loads(out)[0]
    code, out, err = ro("event", "-i", first["id"], "export")
    assert code == 0, err
    assert f'id="{first["id"]}"' in out


def test_ovirtcmd_event_add(rw) -> None:
    code, out, err = rw(
        "-o", "json", "event", "add", "-m", "backup of web01 done", "--severity", "warning",
        "--vm", "web01", "--origin", "backup-script",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)[0]
    assert added["code"] == 9802 and added["description"] == "backup of web01 done"
    with rw.sim.world.lock:
        ev = rw.sim.world.coll["events"][added["id"]]
    assert ev.origin == "backup-script" and ev.vm.id == world_vm(rw.sim, "web01").id
    code, _, err = rw("event", "add", "-m", "x", "--origin", "oVirt")
    assert code == 1 and "Illegal Origin for External Event : oVirt" in err


def test_readme_table_names_a_test_for_every_row() -> None:
    """The README's ovirtcmd table: every row names tests that exist here."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## ovirtcmd users", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 45
    for row in rows:
        names = [w.strip("` ") for w in row.split("|")[3].split(",")]
        for name in names:
            assert name.startswith("test_ovirtcmd_") and callable(globals().get(name)), row
