"""Issue 11: ``vm console`` opens the console with ``remote-viewer`` when it is installed (the
.vv file, mode 600, removed after), or prints what to run when it is not.

The engine is the simulator; ``remote-viewer`` is a stand-in script put first on PATH that
records what it was given (its argv, the file's mode and text), then behaves as told.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from ovtui.sim.testing import wait_for, write_config
from tests.support import run_cli

from .helpers import vm_named

FAKE = """\
#!{python}
import json, os, stat, sys, time
path = sys.argv[-1]
st = os.stat(path)
with open(os.environ["FAKE_RV_RECORD"], "w") as out:
    json.dump({{"argv": sys.argv[1:], "mode": stat.S_IMODE(st.st_mode),
               "text": open(path).read()}}, out)
mode = os.environ.get("FAKE_RV_MODE", "read")
if mode == "read":  # what remote-viewer does with delete-this-file=1, then shows the console
    os.unlink(path)
    signal_file = os.environ["FAKE_RV_RECORD"] + ".running"
    open(signal_file, "w").close()
    while True:
        time.sleep(0.5)
elif mode == "fail":
    sys.stderr.write("(remote-viewer:1): Gtk-WARNING **: cannot open display: \\n")
    sys.exit(1)
"""


@pytest.fixture
def console(sim: Any, tmp_path: Path, capsys: Any, monkeypatch: Any) -> Any:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "remote-viewer"
    fake.write_text(FAKE.format(python=sys.executable))
    fake.chmod(0o755)
    record = tmp_path / "viewer-record.json"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_RV_RECORD", str(record))
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the .vv file's default directory
    cfg = write_config(sim, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, *args)

    run.record = record  # type: ignore[attr-defined]
    run.bindir = bindir  # type: ignore[attr-defined]
    run.work = work  # type: ignore[attr-defined]
    return run


def _vv_files(work: Path) -> list[Path]:
    return list(work.rglob("*.vv"))


def test_console_opens_remote_viewer_which_reads_the_file(console: Any, sim: Any) -> None:
    name = vm_named(sim, "up")
    code, out, err = console("-o", "json", "vm", "-n", name, "console")
    assert code == 0, err
    data = json.loads(out)
    try:
        got = json.loads(console.record.read_text())
        assert got["argv"] == [data["path"]]
        assert got["mode"] == 0o600  # it holds the console password
        assert got["text"].startswith("[virt-viewer]\n") and "\npassword=" in got["text"]
        password = next(
            ln.split("=", 1)[1] for ln in got["text"].splitlines() if ln.startswith("password=")
        )
        assert password and password not in out + err
        assert not os.path.exists(data["path"]) and _vv_files(console.work) == []
        assert data["running"] is True and data["viewer"] == str(console.bindir / "remote-viewer")
        os.kill(data["pid"], 0)  # the viewer goes on showing the console after ovtui is done
    finally:
        os.kill(data["pid"], signal.SIGTERM)


def test_console_removes_the_file_when_the_viewer_exits_without_reading(
    console: Any, sim: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("FAKE_RV_MODE", "exit")
    name = vm_named(sim, "up")
    code, out, err = console("vm", "-n", name, "console")
    assert code == 0, err
    assert "remote-viewer (exited)" in err
    got = json.loads(console.record.read_text())
    assert got["mode"] == 0o600 and Path(got["argv"][0]).name == f"{name}.vv"
    assert _vv_files(console.work) == []


def test_a_failing_viewer_is_reported_and_its_file_removed(
    console: Any, sim: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("FAKE_RV_MODE", "fail")
    code, out, err = console("vm", "-n", vm_named(sim, "up"), "console")
    assert code == 1
    assert "remote-viewer exited with status 1" in err and "cannot open display" in err
    assert _vv_files(console.work) == []


def test_without_remote_viewer_it_prints_what_to_run(
    console: Any, sim: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PATH", str(console.work))  # no remote-viewer there
    name = vm_named(sim, "up")
    code, out, err = console("vm", "-n", name, "console")
    assert code == 0, err
    (vv,) = _vv_files(console.work)
    assert "remote-viewer is not installed" in err
    assert f"remote-viewer {vv}" in out  # the command to run, with the file's path
    assert stat.S_IMODE(vv.stat().st_mode) == 0o600
    assert "password=" in vv.read_text() and not console.record.exists()


def test_console_of_a_down_vm_is_refused_without_a_file(console: Any, sim: Any) -> None:
    code, _, err = console("vm", "-n", vm_named(sim, "down"), "console")
    assert code == 1 and "not running" in err
    assert _vv_files(console.work) == [] and not console.record.exists()


def test_viewer_still_running_after_reading_is_left_running(console: Any, sim: Any) -> None:
    """The verb returns once the viewer has read the file: it does not wait for the session."""
    code, out, err = console("-o", "json", "vm", "-n", vm_named(sim, "up"), "console")
    assert code == 0, err
    pid = json.loads(out)["pid"]
    try:
        wait_for(lambda: Path(str(console.record) + ".running").exists(), what="viewer up")
        os.kill(pid, 0)
    finally:
        os.kill(pid, signal.SIGTERM)
