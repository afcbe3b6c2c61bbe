"""The terminal's habits: --version, shell completion from the registry, -o csv, NO_COLOR."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest

from ovtui import __version__
from ovtui.actions import registry
from ovtui.cli import main
from ovtui.sim.testing import write_config
from tests.support import run_cli

from .ptydrive import PtyProcess, ovtui


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        from ovtui.cli import build_parser

        build_parser().parse_args(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"ovtui {__version__}"
    r = subprocess.run(ovtui("--version"), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == f"ovtui {__version__}"


def _script(shell: str, capsys) -> str:
    capsys.readouterr()
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: Path, words: list[str], env: dict[str, str]) -> list[str]:
    """Run bash's completion function as bash does on Tab: COMP_WORDS/COMP_CWORD set."""
    quoted = " ".join(f"'{w}'" for w in words)
    prog = (
        f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1};"
        ' _ovtui; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    r = subprocess.run(
        ["bash", "--norc", "-c", prog], capture_output=True, text=True, env=env, timeout=60
    )
    assert r.returncode == 0, r.stderr
    return [line for line in r.stdout.splitlines() if line]


def test_bash_completion_from_the_registry(capsys, tmp_path, sim, monkeypatch):
    script = tmp_path / "ovtui.bash"
    script.write_text(_script("bash", capsys))
    cache = tmp_path / "cache"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))  # names: python -m ovtui.completion
    assert {"run", "demo", "config", "completion", "plugins"} <= set(
        _complete(script, ["ovtui", ""], env)
    )
    nouns = _complete(script, ["ovtui", "run", ""], env)
    assert {"vm", "host", "cluster", "datacenter", "dc", "vms"} <= set(nouns)
    assert sorted(_complete(script, ["ovtui", "run", "st"], env)) == sorted(
        w for w in nouns if w.startswith("st")
    )
    vm_verbs = set(registry.verbs("vm"))
    assert set(_complete(script, ["ovtui", "run", "vm", ""], env)) >= vm_verbs
    assert "create-container" in vm_verbs  # the example plugin's verb is completed too
    # after a selector, still the verbs; the verb's own options
    assert "migrate" in _complete(
        script, ["ovtui", "run", "-o", "json", "vm", "-n", "web01", "m"], env
    )
    opts = _complete(script, ["ovtui", "run", "vm", "migrate", "--"], env)
    flags = {f for p in registry.get("vm", "migrate").params for f in p.flags if f.startswith("--")}
    assert flags and flags <= set(opts)
    assert set(_complete(script, ["ovtui", "run", "-o", ""], env)) == {
        "table", "json", "yaml", "xml", "csv"
    }  # fmt: skip
    # object names after -n: nothing before any list, then the names a list printed
    assert _complete(script, ["ovtui", "run", "vm", "-n", ""], env) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    code, out, err = run_cli(capsys, write_config(sim, tmp_path), "vm", "list")
    assert code == 0, err
    listed = sorted(line.split()[0] for line in out.strip().splitlines()[1:])
    got = _complete(script, ["ovtui", "run", "vm", "-n", ""], env)
    assert sorted(got) == listed
    assert _complete(script, ["ovtui", "run", "vms", "-n", "web"], env) == [
        n for n in listed if n.startswith("web")
    ]


def test_zsh_and_fish_scripts_list_the_registry(capsys):
    zsh = _script("zsh", capsys)
    assert "bashcompinit" in zsh and "complete -F _ovtui ovtui" in zsh
    fish = _script("fish", capsys)
    assert "complete -c ovtui" in fish
    line = next(x for x in fish.splitlines() if "__ovtui_at verb vm " in x)
    for verb in ("start", "migrate", "create-container"):
        assert verb in line.split("-a '", 1)[1].rstrip("'").split()
    assert "-l output" in fish or "-s o -l output" in fish


def test_csv_output(capsys, sim, tmp_path):
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(capsys, cfg, "-o", "csv", "vm", "list")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["name", "status", "host", "cluster", "memory", "sockets", "id"]
    code, table, _ = run_cli(capsys, cfg, "vm", "list")
    assert len(rows) == len(table.strip().splitlines())
    assert all(len(r) == 7 for r in rows)
    assert {r[3] for r in rows[1:]} <= {"Default", "cluster02", "cluster03"}  # names, not ids
    code, out, _ = run_cli(capsys, cfg, "-o", "csv", "host", "-n", "host01", "show")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["key", "value"] and ["name", "host01"] in rows


def test_no_color_in_headless_output(sim, tmp_path):
    """On a terminal the table header is bold; NO_COLOR (any value) turns that off."""
    cfg = write_config(sim, tmp_path)
    env = dict(os.environ, COLUMNS="120")
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm"
    p = PtyProcess(ovtui("run", "-c", str(cfg), "vm", "list"), env=env)
    assert p.wait() == 0, p.output
    assert "\x1b[1mNAME" in p.output
    env["NO_COLOR"] = "1"
    p = PtyProcess(ovtui("run", "-c", str(cfg), "vm", "list"), env=env)
    assert p.wait() == 0, p.output
    assert "NAME" in p.output and "\x1b[" not in p.output


def test_csv_stream_and_follow(capsys, sim, tmp_path):
    """`event list -o csv` is CSV; a stream (--follow) prints the header once."""
    from ovirtsdk4 import types

    from ovtui.render import RowStream

    stream = RowStream("csv", ("id", "description"))
    first = stream.text(types.Event(id="1", description='a "quoted", \x1b[31mred'))
    second = stream.text(types.Event(id="2", description="two"))
    rows = list(csv.reader(io.StringIO(first + "\n" + second + "\n")))
    assert rows == [["id", "description"], ["1", 'a "quoted", \\x1b[31mred'], ["2", "two"]]
    code, out, err = run_cli(capsys, write_config(sim, tmp_path), "-o", "csv", "event", "list")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    from ovtui.render import headers_for

    assert rows[0] == headers_for(list(registry.NOUNS["event"].columns))
    assert len(rows) > 2 and all(len(r) == len(rows[0]) for r in rows)
