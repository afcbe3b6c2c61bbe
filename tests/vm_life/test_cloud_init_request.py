"""Issue 11, acceptance 2: what ovtui sends for cloud-init, read from the simulator's request
log (``sim.requests``), and what the engine then shows, without a password in clear."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ovirtsdk4 import types as T
from ovirtsdk4.reader import Reader

from .helpers import vm_named

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "Pw-5kq-never-in-the-clear"


def _id(sim: Any, name: str) -> str:
    with sim.world.lock:
        return str(next(v.id for v in sim.world.coll["vms"].values() if v.name == name))


def test_start_cloud_init_sends_use_cloud_init_and_the_payload(
    sim: Any, cli: Any, tmp_path: Path
) -> None:
    name = vm_named(sim, "down")
    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\n")
    script = tmp_path / "user-data"
    script.write_text("#cloud-config\nruncmd:\n  - [touch, /run-once-was-here]\n")
    mark = sim.requests.mark()
    code, out, err = cli(
        "-d", "vm", "-n", name, "start", "--cloud-init", "--ci-hostname", "once.example.com",
        "--ci-user", "ops", "--ci-password-file", str(pw), "--ci-dns", "10.0.0.53",
        "--ci-nic", "eth0:192.0.2.10/255.255.255.0:192.0.2.1", "--ci-script", str(script),
    )  # fmt: skip
    assert code == 0, err
    starts = [
        r
        for r in sim.requests.records(since=mark, method="POST")
        if r.path.endswith(f"/vms/{_id(sim, name)}/start")
    ]
    assert len(starts) == 1  # sent once
    body = starts[0].text()
    action = Reader.read(body)  # what the engine parses
    assert isinstance(action, T.Action)
    assert action.use_cloud_init is True
    init = action.vm.initialization
    assert (init.host_name, init.user_name, init.dns_servers) == (
        "once.example.com",
        "ops",
        "10.0.0.53",
    )
    assert init.root_password == SECRET  # the engine needs it...
    assert SECRET not in out + err  # ...and ovtui never shows it, not even in its -d log
    assert "/run-once-was-here" in init.custom_script
    nic = init.nic_configurations[0]
    assert (nic.name, nic.boot_protocol, nic.ip.address, nic.ip.gateway) == (
        "eth0",
        T.BootProtocol.STATIC,
        "192.0.2.10",
        "192.0.2.1",
    )
    assert starts[0].correlation_id  # the job and events are followed by it


def test_start_without_cloud_init_does_not_ask_for_it(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    mark = sim.requests.mark()
    code, _, err = cli("vm", "-n", name, "start")
    assert code == 0, err
    (start,) = [r for r in sim.requests.records(since=mark, method="POST") if "/start" in r.path]
    assert "use_cloud_init" not in start.text() and "initialization" not in start.text()


def test_created_vm_shows_its_payload_in_export_initialization(
    sim: Any, cli: Any, tmp_path: Path
) -> None:
    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\n")
    code, out, err = cli(
        "vm", "create", "-T", str(EXAMPLES / "container-vm.yaml"), "-V", "name", "ci-export",
        "-V", "image", "docker.io/library/nginx", "--ci-password-file", str(pw),
    )  # fmt: skip
    assert code == 0, err
    assert SECRET not in out + err
    (add,) = [r for r in sim.requests.records(method="POST") if r.path.endswith("/api/vms")]
    assert f"<root_password>{SECRET}</root_password>" in add.text()  # sent to the engine
    code, out, err = cli("vm", "-n", "ci-export", "export", "initialization")
    assert code == 0, f"export initialization (read.py attribute paths, H6): {err}"
    assert SECRET not in out + err
    stored = Reader.read(out)
    assert isinstance(stored, T.Initialization), out[:200]
    assert stored.host_name == "ci-export" and stored.user_name == "cloud-user"
    assert "docker.io/library/nginx" in stored.custom_script
    assert stored.root_password is None  # the engine never gives it back
    assert re.search(r"<custom_script>#cloud-config", out)


def test_request_log_is_bounded(sim: Any) -> None:
    from ovtui.sim.server import RequestLog

    log = RequestLog(limit=3, body_limit=4)
    for k in range(5):
        log.add("POST", f"/ovirt-engine/api/vms/{k}/start", b"<action/>")
    log.add("POST", "/ovirt-engine/sso/oauth/token", b"username=u&password=secret")
    assert len(log) == 3 and log.mark() == 6
    assert [r.serial for r in log.records()] == [3, 4, 5]
    assert log.records()[0].body == b"<act" and log.records()[0].truncated
    assert log.records()[-1].body == b""  # an SSO form (a password) is never kept
    assert log.snapshot()[0] == ("POST", "/ovirt-engine/api/vms/3/start")
