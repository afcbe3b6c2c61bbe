"""``disk upload`` / ``disk download`` through the engine's image transfer API, against the
simulator: byte progress, the same bytes on the engine (checksum), and an interrupted upload
cancelled on the engine."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys

from ovtui.sim.testing import wait_for, write_config
from tests.support import run_cli

from .qcow2 import write_qcow2

MiB = 1 << 20


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sim_disk(sim, name):
    with sim.world.lock:
        return next((d for d in sim.world.all_disks().values() if d.name == name), None)


def test_upload_of_a_50_mb_qcow2_shows_bytes_and_the_engine_holds_them(
    sim, tmp_path, capsys
) -> None:
    image = write_qcow2(tmp_path / "cirros.qcow2", 50 * MiB)
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "disk", "upload", str(image), "--sd", "default-data1"
    )
    assert code == 0, err
    # progress in bytes on stderr, ending at the whole file
    sent = [line for line in err.splitlines() if " MiB of 50.3 MiB" in line]
    assert len(sent) >= 5, err
    assert sent[-1].strip().startswith("upload disk cirros.qcow2: 50.3 MiB of 50.3 MiB 100%"), err
    # the engine has the disk, ok, qcow2, with the virtual size of the image
    disk = _sim_disk(sim, "cirros.qcow2")
    assert disk is not None and disk.status.value == "ok"
    assert disk.format.value == "cow" and disk.provisioned_size == 50 * MiB
    with sim.world.lock:
        held = bytes(disk._sim_image)
    assert _sha(held) == _sha(image.read_bytes())
    assert '"name": "cirros.qcow2"' in out
    # and what a download gives back is the same file
    back = tmp_path / "back.qcow2"
    code, _, err = run_cli(capsys, cfg, "disk", "-n", "cirros.qcow2", "download", str(back))
    assert code == 0, err
    assert "50.3 MiB of 50.3 MiB" in err
    assert _sha(back.read_bytes()) == _sha(image.read_bytes())
    # never over an existing file
    code, _, err = run_cli(capsys, cfg, "disk", "-n", "cirros.qcow2", "download", str(back))
    assert code == 2 and "does not write over it" in err


def test_interrupted_upload_cancels_the_transfer_on_the_engine(sim, tmp_path) -> None:
    image = write_qcow2(tmp_path / "big.qcow2", 50 * MiB)
    cfg = write_config(sim, tmp_path)
    sim.machines.hold_uploads_after = 12 * MiB  # a slow storage: the rest waits
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), "disk", "upload", str(image),
         "--sd", "default-data1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    try:

        def transferring():
            with sim.world.lock:
                return [
                    t
                    for t in sim.world.coll["imagetransfers"].values()
                    if t.phase.value == "transferring" and (t.transferred or 0) >= 12 * MiB
                ]

        tr = wait_for(transferring, timeout=60, what="12 MiB uploaded")[0]
        disk_id = tr.disk.id
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "interrupted; the transfer is cancelled on the engine" in err
    assert "Traceback" not in err
    # the engine cancelled it, and removed the upload's disk
    wait_for(lambda: tr.phase.value == "cancelled_user", what="the transfer cancelled")
    wait_for(lambda: sim.world.all_disks().get(disk_id) is None, what="the disk removed")
    with sim.world.lock:
        events = [e.code for e in sim.world.coll["events"].values()]
    assert 1031 in events and 1033 in events and 1032 not in events


def test_upload_over_tls_uses_the_engines_ca(make_sim, tmp_path, capsys) -> None:
    from ovtui.sim.testing import self_signed_cert

    cert, key = self_signed_cert(tmp_path)
    sim = make_sim(vms=4, hosts=2, tls_cert=str(cert), tls_key=str(key))
    cfg = tmp_path / "tls.ini"
    cfg.write_text(
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {sim.password}\n"
        f"ca_file = {cert}\n"
    )
    cfg.chmod(0o600)
    raw = tmp_path / "small.raw"
    raw.write_bytes(os.urandom(3 * MiB + 512))
    code, _, err = run_cli(capsys, cfg, "disk", "upload", str(raw), "--sd", "default-data1")
    assert code == 0, err
    disk = _sim_disk(sim, "small.raw")
    assert disk.format.value == "raw" and disk.provisioned_size == raw.stat().st_size
    with sim.world.lock:
        assert _sha(bytes(disk._sim_image)) == _sha(raw.read_bytes())
    with sim.world.lock:
        urls = [t.transfer_url for t in sim.world.coll["imagetransfers"].values()]
    assert urls and all(u.startswith("https://") for u in urls)


def test_a_cancelled_task_cancels_the_transfer_too(sim, tmp_path) -> None:
    """The TUI's cancel (the task's ``c``) sets the context's cancel: the same as Ctrl-C."""
    import pytest

    from ovtui.actions import disk_transfer
    from ovtui.actions.base import Cancelled
    from tests.support import make_ctx

    image = write_qcow2(tmp_path / "tui.qcow2", 16 * MiB)
    ctx, rec = make_ctx(sim)
    rec.when(lambda p: p.step == "bytes", lambda p: ctx.cancel.set())
    with pytest.raises(Cancelled):
        disk_transfer.upload(ctx, None, file=str(image), storagedomain="default-data1")
    assert "upload disk tui.qcow2: interrupted; the transfer is cancelled on the engine" in (
        rec.text()
    )
    with sim.world.lock:
        trs = list(sim.world.coll["imagetransfers"].values())
    wait_for(lambda: trs[0].phase.value == "cancelled_user", what="cancelled")
    wait_for(lambda: _sim_disk(sim, "tui.qcow2") is None, what="the disk removed")
