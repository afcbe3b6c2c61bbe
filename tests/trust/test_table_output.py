"""Headless output of hostile engine text (issue 9): ``-o table`` shows it visibly escaped,
``-o json|yaml|xml`` give back the exact strings, and nothing writes terminal control.

The simulator's world is poisoned with ``ovtui.sim.hostile`` (markup, ``[@click=...]``,
unbalanced ``[/]``, C1 CSI, bidi override, zero-width space, CR, newline, a 10,000-character
string) and read through the real SDK over HTTP, as ``ovtui run`` reads an engine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest
import yaml
from ovirtsdk4 import reader as sdk_reader
from ovirtsdk4 import types as T

from ovtui.actions.base import Progress
from ovtui.cli import main
from ovtui.progress_printer import ProgressPrinter
from ovtui.render import render
from ovtui.sim import events as sim_events
from ovtui.sim.hostile import HOSTILE, LONG, XML_SAFE, cycle_text, poison_world
from ovtui.sim.testing import wait_for, write_config
from ovtui.textsafe import is_unsafe, visible

# the strings with invisible or control characters first, so even a collection of four
# (hosts, data centers) gets them in its names
POOL = sorted(XML_SAFE, key=lambda s: not any(is_unsafe(ch) for ch in s))


def assert_terminal_safe(text: str) -> None:
    """No control/bidi/zero-width character but the newlines between lines."""
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if ch != "\n" and is_unsafe(ch)})
    assert not bad, bad


@pytest.fixture
def cli(sim, tmp_path, monkeypatch, capsys):
    """The poisoned simulator and ``run(*args) -> (exit code, stdout, stderr)`` in process."""
    monkeypatch.setenv("COLUMNS", "400")
    poison_world(sim.world, cycle_text(POOL))
    cfg = write_config(sim, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["run", "-c", str(cfg), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return sim, run


@pytest.mark.parametrize(
    "noun", ["vm", "host", "cluster", "datacenter", "storagedomain", "template", "disk", "network"]
)
def test_list_table_shows_hostile_text_escaped_and_json_exact(cli, noun):
    sim, run = cli
    code, out, err = run("-o", "table", noun, "list")
    assert code == 0, err
    assert_terminal_safe(out + err)
    code, doc, err = run("-o", "json", noun, "list")
    assert code == 0, err
    objs = json.loads(doc)
    assert len(out.splitlines()) == 1 + len(objs)  # no row forged by a CR or newline
    names = {o["name"] for o in objs}
    assert any(s in names for s in ("a\rforged", "line1\nline2", "bidi\u202etxt.exe")), names
    shown = [s for s in HOSTILE if s in names and s != LONG]
    assert shown
    for raw in shown:  # every hostile name is in the table as its visible form
        visible_form = raw.replace("\r", "\\x0d").replace("\n", "\\x0a")
        visible_form = visible_form.replace("\x9b", "\\x9b").replace("\u202e", "\\u202e")
        visible_form = visible_form.replace("\u200b", "\\u200b")
        assert visible_form in out, (raw, out[:3000])


def test_vm_list_json_yaml_xml_give_back_the_exact_strings(cli):
    sim, run = cli
    with sim.world.lock:
        want = {vm.id: (vm.name, vm.description) for vm in sim.world.coll["vms"].values()}
    assert any(n == LONG or d == LONG for n, d in want.values())

    code, doc, err = run("-o", "json", "vm", "list")
    assert code == 0, err
    assert_terminal_safe(doc)
    assert {o["id"]: (o["name"], o.get("description")) for o in json.loads(doc)} == want

    code, doc, err = run("-o", "yaml", "vm", "list")
    assert code == 0, err
    assert_terminal_safe(doc)
    assert {o["id"]: (o["name"], o.get("description")) for o in yaml.safe_load(doc)} == want

    code, doc, err = run("-o", "xml", "vm", "list")
    assert code == 0, err
    assert_terminal_safe(doc)
    back = sdk_reader.Reader.read(doc)  # the SDK reads it back: the same strings
    assert {v.id: (v.name, v.description) for v in back} == want


def test_show_is_one_line_per_attribute_with_escapes(cli):
    sim, run = cli
    with sim.world.lock:
        vm = next(v for v in sim.world.coll["vms"].values() if "\r" in (v.description or ""))
    code, out, err = run("vm", "-i", vm.id, "show")
    assert code == 0, err
    assert_terminal_safe(out)
    lines = out.splitlines()
    assert "description: a\\x0dforged" in lines
    assert f"name: {visible(vm.name)}" in lines


def test_event_list_cr_cannot_forge_a_row(cli):
    sim, run = cli
    with sim.world.lock:
        sim_events.emit(sim.world, 9999, extra="x\r42  2030-01-01  normal  1  forged event")
        sim_events.emit(sim.world, 9999, extra="osc\x9d52;c;cm0=\x9c and \u202eevil")
    code, out, err = run("event", "list", "--max", "20")
    assert code == 0, err
    assert_terminal_safe(out)
    lines = out.splitlines()
    assert len(lines) == 1 + 20
    assert any("x\\x0d42  2030-01-01  normal  1  forged event" in line for line in lines)
    assert any("osc\\x9d52;c;cm0=\\x9c and \\u202eevil" in line for line in lines)


def test_event_follow_prints_new_hostile_events_escaped(sim, tmp_path):
    """``event list --follow`` in a child process: a new event with a CR and a bidi override
    arrives as one escaped line; Ctrl-C ends it (exit 130)."""
    cfg = write_config(sim, tmp_path)
    env = dict(os.environ, COLUMNS="300")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), "-o", "table", "event", "list"]
        + ["--max", "1", "--follow", "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    lines: list[bytes] = []

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=reader, daemon=True).start()
    try:
        wait_for(lambda: lines, timeout=20, what="the first event")
        with sim.world.lock:
            sim_events.emit(sim.world, 9999, extra="tail\rforged\u202eX\x85Y")
        wait_for(lambda: any(b"forged" in line for line in lines), timeout=20, what="the event")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    out = b"".join(lines)
    assert b"\r" not in out and b"\x1b" not in out and b"\xe2\x80\xae" not in out
    assert b"\xc2\x85" not in out
    assert b"tail\\x0dforged\\u202eX\\x85Y" in out
    assert proc.returncode == 130, err[-2000:]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_event_follow_streams_one_header_or_json_lines(sim, tmp_path, fmt):
    """A tail is read line by line: the table's header comes once with the same columns on
    every row; ``-o json`` gives one JSON object a line (JSON Lines), not an array per event."""
    cfg = write_config(sim, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), "-o", fmt, "event", "list"]
        + ["--max", "1", "--follow", "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, COLUMNS="200"),
    )
    lines: list[str] = []

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.decode())

    threading.Thread(target=reader, daemon=True).start()
    try:
        wait_for(lambda: lines, timeout=20, what="the first event")
        with sim.world.lock:
            for n in range(3):
                sim_events.emit(sim.world, 9999, extra=f"streamed {n}")
        wait_for(lambda: any("streamed 2" in line for line in lines), timeout=20, what="events")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    if fmt == "json":
        objs = [json.loads(line) for line in lines]
        assert all(isinstance(o, dict) and "id" in o for o in objs), lines
        assert len(objs) == 4
    else:
        assert sum(1 for line in lines if line.startswith("ID") or " ID " in line) <= 1
        assert len(lines) == 1 + 4, lines
        starts = {line.index("normal") for line in lines[1:] if "normal" in line}
        assert len(starts) == 1, lines  # one set of column widths for every row


def test_progress_lines_escape_engine_text(tmp_path):
    """An event or fault text in a progress line: one line, escaped, on a plain stream."""
    path = tmp_path / "stderr.txt"
    with path.open("w", encoding="utf-8") as f:
        printer = ProgressPrinter(f)
        printer(Progress("status", "VM title\x1b]0;pwned\x07 is up\rforged", fraction=0.5))
        printer(Progress("retry", "clip\x1b]52;c;cm0=\x07 \u202eevil", level="warning"))
    text = path.read_text(encoding="utf-8")
    assert_terminal_safe(text)
    assert text.splitlines() == [
        "  VM title\\x1b]0;pwned\\x07 is up\\x0dforged 50%",
        "  warning: clip\\x1b]52;c;cm0=\\x07 \\u202eevil",
    ]


class _Tty:
    """A terminal-like stream (isatty) that records what the printer writes."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> None:
        self.parts.append(s)

    def flush(self) -> None:
        pass


def test_live_progress_line_has_only_its_own_control_and_fits(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    tty = _Tty()
    printer = ProgressPrinter(tty)
    printer(Progress("status", LONG + "\x1b[2J", fraction=0.3))
    printer.close()
    text = "".join(tty.parts)
    assert text.count("\x1b") == 1 and text.startswith("\r\x1b[2K[")  # the printer's own
    assert len(text.splitlines()[0]) <= 80 + 5


def test_render_table_of_sdk_objects_with_c0_controls():
    """Strings XML cannot carry (ESC, BEL, DEL) still never reach the terminal raw."""
    vms = [
        T.Vm(id=str(i), name=s, description=s, status=T.VmStatus.UP)
        for i, s in enumerate(HOSTILE + ["del\x7f", "nel\x85", "tag\U000e0041"])
    ]
    out = render(vms, "table", columns=("name", "status", "description", "id"), width=120)
    assert_terminal_safe(out)
    assert len(out.splitlines()) == 1 + len(vms)
    assert "clip\\x1b]52;c;cm0gLXJmIH4=\\x07" in out
    assert "[@click=app.quit]quit[/]" in out and "see ticket [/]" in out
    for fmt in ("json", "yaml", "xml"):
        assert_terminal_safe(render(vms, fmt))
    assert [v["name"] for v in json.loads(render(vms, "json"))] == [v.name for v in vms]
    assert [v["name"] for v in yaml.safe_load(render(vms, "yaml"))] == [v.name for v in vms]
