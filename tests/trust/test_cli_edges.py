"""The CLI's edges: non-UTF-8 arguments, a reader that goes away (``| head``), engine text in
error messages, YAML templates that are bombs or wrong, the ``.vv`` file's default path."""

from __future__ import annotations

import configparser
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ovtui.actions import templates
from ovtui.cli import main
from ovtui.sim.testing import write_config

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
name: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
cluster: Default
"""


def run_cli(capsys, cfg: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["run", "-c", str(cfg), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def ovtui_process(*args: str | bytes) -> list[str | bytes]:
    return [sys.executable, "-m", "ovtui", *args]


def vm_count(sim) -> int:
    with sim.world.lock:
        return len(sim.world.coll["vms"])


def rename_vm(sim, status: str, name: str) -> str:
    """Give a VM in ``status`` the engine name ``name``; return its id."""
    with sim.world.lock:
        vm = sorted(
            (
                v
                for v in sim.world.coll["vms"].values()
                if getattr(v.status, "value", v.status) == status
            ),
            key=lambda v: v.name,
        )[0]
        vm.name = name
        return vm.id


# -- arguments and pipes --------------------------------------------------------------------


def test_non_utf8_argument_is_a_usage_error(sim, tmp_path):
    cfg = write_config(sim, tmp_path)
    cmd = ovtui_process("run", "-c", str(cfg), "vm", "-n", b"web\xff", "show")
    proc = subprocess.run(cmd, capture_output=True, timeout=60)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, err
    assert "is not UTF-8 text" in err and "locale" in err
    assert "internal error" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 2


def test_non_utf8_argument_in_process(capsys, tmp_path):
    capsys.readouterr()
    assert main(["run", "-c", str(tmp_path / "x.ini"), "vm", "-n", "web\udcff", "show"]) == 2
    err = capsys.readouterr().err
    assert "web\\udcff" in err, "the bad bytes are shown escaped"


def test_reader_going_away_ends_quietly(sim, tmp_path):
    """``ovtui run -o json vm list | head -c 10``: no BrokenPipeError, no 'Exception ignored'."""
    cfg = write_config(sim, tmp_path)
    cmd = ovtui_process("run", "-c", str(cfg), "-o", "json", "vm", "list")
    whole = subprocess.run(cmd, capture_output=True, timeout=60)
    assert len(whole.stdout) > 65536, "more than a pipe holds: the write must meet the close"
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10) == whole.stdout[:10]
    proc.stdout.close()  # what `head -c 10` does once it has its 10 bytes
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "BrokenPipe" not in err and "Exception ignored" not in err and "error" not in err


# -- engine text in messages ----------------------------------------------------------------


def test_engine_names_in_an_error_are_shown_escaped(sim, tmp_path, capsys):
    rename_vm(sim, "up", "evil\x9b31m\u202eexe.txt\u200b")
    rename_vm(sim, "down", "evil-two")
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(capsys, cfg, "vm", "-n", "evil*", "show")
    assert code == 4
    assert "evil\\x9b31m\\u202eexe.txt\\u200b" in err and "evil-two" in err
    assert not any(ch in err for ch in "\x9b\u202e\u200b"), "no control character reaches stderr"


# -- templates ------------------------------------------------------------------------------


def test_alias_bomb_template_refused_fast_and_nothing_created(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    before = vm_count(sim)
    start = time.monotonic()
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", str(bomb))
    assert time.monotonic() - start < 2
    assert code == 2 and f"expands to more than {templates.MAX_NODES} values" in err
    assert vm_count(sim) == before, "nothing was sent to the engine"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("name: t1\ncluster: Default\ncores: [1, 2]\n", "cores = [1, 2] is not a single value"),
        ("name: t1\ncluster: Default\ncores: two\n", "cores = 'two' is not a whole number"),
        ("name: t1\ncluster: Default\ncores: .inf\n", "cores = inf is not a whole number"),
        ("name: t1\ncluster: Default\nstart: maybe\n", "start = 'maybe' is not true or false"),
        ("name: {a: 1}\ncluster: Default\n", "name = {'a': 1} is not a single value"),
        ("name: t1\ncluster: Default\ndisk: [2G, [3G]]\n", "disk = ['3G'] is not a single value"),
        ("name: t1\ncluster: Default\n" + "x: " + "[" * 200 + "]" * 200 + "\n", "nested"),
        ("name: t1\ncluster: Default\ncreated: 2024-13-45\n", "cannot build"),
    ],
)
def test_template_values_checked_before_anything_is_sent(sim, tmp_path, capsys, body, words):
    cfg = write_config(sim, tmp_path)
    tpl = tmp_path / "t.yaml"
    tpl.write_text(body)
    before = vm_count(sim)
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", str(tpl))
    assert code == 2, err
    assert words in err and str(tpl) in err
    assert vm_count(sim) == before


def test_template_not_utf8_or_not_a_file(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    tpl = tmp_path / "latin1.yaml"
    tpl.write_bytes("name: caf\xe9\ncluster: Default\n".encode("latin-1"))
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", str(tpl))
    assert code == 2 and "is not UTF-8 text" in err and "byte 10" in err
    big = tmp_path / "big.yaml"
    big.write_text("name: t1\n" + "#" * templates.MAX_BYTES + "\n")
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", str(big))
    assert code == 2 and "larger than 256 KiB" in err
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", "/dev/zero")
    assert code == 2 and "character device" in err


def test_template_fifo_refused_at_once(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    fifo = tmp_path / "t.yaml"
    os.mkfifo(fifo)
    result: list[int] = []
    t = threading.Thread(
        target=lambda: result.append(
            main(["run", "-c", str(cfg), "vm", "create", "-T", str(fifo)])
        ),
        daemon=True,
    )
    t.start()
    t.join(10)
    assert not t.is_alive(), "reading a FIFO template hung"
    assert result == [2] and "FIFO" in capsys.readouterr().err


def test_template_variable_growth_is_bounded(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    tpl = tmp_path / "t.yaml"
    tpl.write_text("description: " + "${v}" * 50_000 + "\n")
    code, _, err = run_cli(capsys, cfg, "vm", "create", "-T", str(tpl), "-V", "v", "x" * 1000)
    assert code == 2 and "grows past 4 MiB" in err


def test_template_good_values_still_work(sim, tmp_path, capsys):
    tpl = tmp_path / "aliases.yaml"
    tpl.write_text("base: &base 2\ncores: *base\nsockets: *base\n")
    assert templates.load_template(tpl) == {"base": 2, "cores": 2, "sockets": 2}, (
        "a few aliases are fine"
    )
    cfg = write_config(sim, tmp_path)
    tpl = tmp_path / "t.yaml"
    tpl.write_text(
        "name: tpl-ok\ncluster: Default\ncores: 2\nsockets: '1'\nmemory: 1024\n"
        "description: ${who:team}\nstart: false\n"
    )
    code, _, err = run_cli(capsys, cfg, "-o", "json", "vm", "create", "-T", str(tpl))
    assert code == 0, err
    with sim.world.lock:
        vm = sim.world.find("vm", "tpl-ok")
        assert vm.description == "team"
        assert (vm.cpu.topology.cores, vm.cpu.topology.sockets) == (2, 1)


# -- the console file -----------------------------------------------------------------------


def test_vv_default_path_stays_inside_its_directory(sim, tmp_path, capsys, monkeypatch):
    import tempfile

    base = tmp_path / "t1" / "t2" / "t3" / "t4"
    base.mkdir(parents=True)
    escape_to = tmp_path / "t1" / "t2" / "tmp" / "x"
    escape_to.mkdir(parents=True)  # where '../../../tmp/x/evil' would land from base/ovtui-UID
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    vm_id = rename_vm(sim, "up", "../../../tmp/x/evil")
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(capsys, cfg, "vm", "-i", vm_id, "viewer")
    assert code == 0, err
    assert list(escape_to.iterdir()) == [], "nothing written outside the directory"
    own = base / f"ovtui-{os.getuid()}"
    files = list(own.iterdir())
    assert [f.name for f in files] == ["_.._.._tmp_x_evil.vv"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert str(files[0]) in out + err


def test_vv_output_directory_gets_a_safe_name(sim, tmp_path, capsys):
    vm_id = rename_vm(sim, "up", ".hidden\nhost=evil.example")
    cfg = write_config(sim, tmp_path)
    outdir = tmp_path / "consoles"
    outdir.mkdir()
    code, out, err = run_cli(capsys, cfg, "vm", "-i", vm_id, "viewer", "--output", str(outdir))
    assert code == 0, err
    assert [f.name for f in outdir.iterdir()] == ["hidden_host=evil.example.vv"]
    text = (outdir / "hidden_host=evil.example.vv").read_text()
    cp = configparser.ConfigParser(interpolation=None)
    cp.read_string(text)  # one host key: a duplicate would be a DuplicateOptionError
    assert cp["virt-viewer"]["host"] != "evil.example"
    assert "title=.hidden\\x0ahost=evil.example:%d" in text


# -- selectors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("vm", "-s", "name=" + "a" * 100_000, "list"), "-s is too long for the engine"),
        (("vm", "-n", "a" * 10_000, "show"), "-n is too long for the engine"),
        (("vm", "-i", "../hosts", "show"), "-i ../hosts is not an engine id"),
        (("vm", "-n", "web\x1b[2J", "show"), "-n web\\x1b[2J has a control"),
    ],
)
def test_selectors_checked_before_anything_is_sent(tmp_path, capsys, args, words):
    # an engine that is not there: asking it would be exit 3, not 2
    cfg = tmp_path / "c.ini"
    cfg.write_text("[api]\nurl = http://127.0.0.1:9/ovirt-engine/api\nusername = u\npassword = p\n")
    os.chmod(cfg, 0o600)
    code, _, err = run_cli(capsys, cfg, *args)
    assert code == 2, err
    assert words in err and "\x1b" not in err
    assert len(err) < 400, "the message does not repeat a 100 KB search"
