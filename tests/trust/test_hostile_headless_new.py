"""Engine text is data in the headless outputs added since the first hostile-text tests: the
new nouns' lists (``-o table`` and ``-o csv``), an image provider's images, ``-p all``'s ENGINE
output, the progress of ``storagedomain deactivate``/``activate``, ``disk upload``, ``host
setupnetworks`` (its "what differs" lines quote engine names) and ``eval``.

The world is poisoned with ``ovtui.sim.hostile`` and read by the real SDK over HTTP; a table or
CSV shows hostile text visibly escaped (no control, bidi or invisible character reaches the
terminal) and markup literally (``[@click=app.quit]quit[/]`` is only text on a terminal).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from ovirtsdk4 import types as T

from ovtui.sim.hostile import poison_world
from ovtui.sim.testing import write_config
from ovtui.textsafe import is_unsafe, visible
from tests.support import run_cli

QUIT = "[@click=app.quit]quit[/]"
NEW_NOUNS = [
    "tag",
    "user",
    "group",
    "role",
    "quota",
    "macpool",
    "affinitygroup",
    "affinitylabel",
    "vmpool",
    "schedulingpolicy",
    "imageprovider",
]


def assert_terminal_safe(text: str) -> None:
    """No control/bidi/zero-width character but the newlines between lines."""
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if ch != "\n" and is_unsafe(ch)})
    assert not bad, bad


def literal(name: str) -> bool:
    """A name a table shows as it is (no escape, not cut)."""
    return not any(is_unsafe(ch) for ch in name) and len(name) < 60


@pytest.fixture
def world(sim, tmp_path, monkeypatch, capsys) -> Any:
    """Ids of the objects the verbs act on (names change), the poisoned sim, ``run``."""
    monkeypatch.setenv("COLUMNS", "400")
    w = sim.world
    ids = {
        "host02": w.find("host", "host02").id,
        "sd": w.find("storagedomain", "default-data1").id,
        "vmnet": next(  # each data center has its vmnet: host02's
            n.id
            for n in w.coll["networks"].values()
            if n.name == "vmnet"
            and n.data_center.id == w.cluster_dc(w.find("host", "host02").cluster.id).id
        ),
        "db01": w.find("vm", "db01").id,
    }
    poison_world(w)
    cfg = write_config(sim, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, *args)

    return sim, ids, run, cfg


@pytest.mark.parametrize("noun", NEW_NOUNS)
def test_new_noun_lists_show_hostile_names_literally_in_table_and_csv(world, noun):
    sim, _ids, run, _cfg = world
    code, out, err = run("-o", "json", noun, "list")
    assert code == 0, err
    names = [o.get("name") for o in json.loads(out) if o.get("name")]
    assert names
    for fmt in ("table", "csv"):
        code, out, err = run("-o", fmt, noun, "list")
        assert code == 0, err
        assert_terminal_safe(out + err)
        shown = [n for n in names if literal(n)]
        for n in shown:
            assert n in out, f"{noun} {fmt}: {n!r} not shown as it is"
        escaped = [n for n in names if not literal(n) and len(n) < 60]
        for n in escaped:
            assert visible(n) in out, f"{noun} {fmt}: {n!r} not shown escaped"
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(out)))
            assert len(rows) == len(names) + 1, "a name forged or lost a CSV row"


def test_all_new_lists_together_carry_the_click_markup_literally(world):
    _sim, _ids, run, _cfg = world
    outs = "".join(run("-o", "table", noun, "list")[1] for noun in NEW_NOUNS)
    assert QUIT in outs


def test_image_provider_images_are_data(world):
    sim, _ids, run, _cfg = world
    prov = next(iter(sim.world.coll["openstackimageproviders"].values()))
    images = [i.name for i in prov._sim_images]
    for fmt in ("table", "csv"):
        code, out, err = run("-o", fmt, "imageprovider", "-i", prov.id, "images")
        assert code == 0, err
        assert_terminal_safe(out + err)
        assert any(n in out for n in images if literal(n))
        assert QUIT in out or "[" in out


def test_several_engines_engine_column_and_csv_are_data(world):
    sim, _ids, run, cfg = world
    path = Path(cfg)
    text = path.read_text(encoding="utf-8")
    second = text.replace("[api]", "[profile:lab-[1]]", 1)
    path.write_text(text + "\n" + second, encoding="utf-8")
    for fmt in ("table", "csv"):
        code, out, err = run("-p", "all", "-o", fmt, "vm", "list")
        assert code == 0, err
        assert_terminal_safe(out + err)
        assert "ENGINE" in out.upper().split("\n")[0]
        assert "lab-[1]" in out and QUIT in out
    code, out, err = run("-p", "all", "-o", "csv", "tag", "list")
    assert code == 0, err
    assert_terminal_safe(out + err)
    rows = list(csv.reader(io.StringIO(out)))
    assert {r[0] for r in rows[1:]} == {"default", "lab-[1]"}, rows[:3]


def test_storage_domain_status_progress_is_data(world):
    sim, ids, run, _cfg = world
    sd = sim.world.coll["storagedomains"][ids["sd"]]
    code, out, err = run("-y", "storagedomain", "-i", ids["sd"], "deactivate")
    assert_terminal_safe(out + err)
    assert code == 0, err
    assert visible(sd.name)[:40] in err, err
    code, out, err = run("storagedomain", "-i", ids["sd"], "activate")
    assert_terminal_safe(out + err)
    assert code == 0, err


def test_disk_upload_progress_is_data(world, tmp_path):
    sim, ids, run, _cfg = world
    sd = sim.world.coll["storagedomains"][ids["sd"]]
    image = tmp_path / "img.raw"
    image.write_bytes(b"\0" * (3 * 1024 * 1024))
    code, out, err = run(
        "disk", "upload", str(image), "--sd", sd.name, "--name", "up\u202eload [/] \x9bx"
    )
    assert_terminal_safe(out + err)
    assert code == 0, err
    assert "up\\u202eload [/] \\x9bx" in out + err


def test_setupnetworks_what_differs_quotes_engine_names_as_data(world):
    sim, ids, run, _cfg = world
    net = sim.world.coll["networks"][ids["vmnet"]]
    sim.faults.setupnetworks_ignored.add(sim.world.coll["hosts"][ids["host02"]].name)
    code, out, err = run("-o", "json", "host", "-i", ids["host02"], "export", "nics")
    assert code == 0, err
    nics = [n["name"] for n in json.loads(out)]  # eno1..eno4, poisoned: the 3rd, 4th are free
    code, out, err = run(
        "host", "-i", ids["host02"], "setupnetworks", "--bond", "bond1",
        "--slave", nics[2], "--slave", nics[3], "--network", net.name, "--nic", "bond1",
    )  # fmt: skip
    assert_terminal_safe(out + err)
    assert code == 1, err
    assert "did not apply it" in err
    assert f"network {visible(net.name)[:30]}" in err


def test_eval_progress_is_data(world, tmp_path):
    sim, ids, run, _cfg = world
    vm = sim.world.coll["vms"][ids["db01"]]
    vm.status, vm.host = T.VmStatus.DOWN, None
    script = tmp_path / "s.py"
    script.write_text(
        f"vm = context.vm.get(id={vm.id!r})\nprint(repr(vm.name))\ncontext.vm.start(id={vm.id!r})\n",
        encoding="utf-8",
    )
    code, out, err = run("eval", str(script))
    assert_terminal_safe(err)
    assert code == 0, err
    assert visible(vm.name)[:30] in err


def test_migrate_to_a_host_named_with_markup_and_equals(world):
    """``--host NAME``: the engine search quotes the name (an '=' in it was a syntax error)."""
    sim, _ids, run, _cfg = world
    w = sim.world
    vm = next(v for v in w.coll["vms"].values() if v.status == T.VmStatus.UP and v.host)
    dest = next(
        h
        for h in w.coll["hosts"].values()
        if h.id != vm.host.id and h.cluster.id == vm.cluster.id and h.status == T.HostStatus.UP
    )
    dest.name = QUIT
    code, out, err = run("vm", "-i", vm.id, "migrate", "--host", QUIT)
    assert_terminal_safe(out + err)
    assert "syntax" not in err, err
    # the host was found: the VM went there, or the engine's scheduler names it as it is
    if code == 0:
        assert w.coll["vms"][vm.id].host.id == dest.id
    else:
        assert f"The host {QUIT} did not satisfy" in err, err


class _BrokenEntryPoint:
    """An installed plugin whose import raises with control characters in its message."""

    name = "evil\u202eexe"
    value = "evil_plugin:\x1b]0;pwned\x07register"
    dist = None

    def load(self) -> Any:
        raise RuntimeError("boom \x1b[2J\x1b]52;c;cm0=\x07 [bold]x[/] \x9b31m")


def test_plugins_output_and_load_warning_are_data(monkeypatch, capsys):
    import argparse

    from ovtui import plugins

    monkeypatch.setattr(plugins, "_entry_points", lambda: [_BrokenEntryPoint()])
    monkeypatch.setattr(plugins, "LOADED", [])
    monkeypatch.setattr(plugins, "_done", False)
    code = plugins.run(argparse.Namespace())
    out, err = capsys.readouterr()
    assert code == 1
    assert_terminal_safe(out + err)
    assert "evil\\u202eexe" in out and "FAILED: RuntimeError: boom \\x1b[2J" in out
    assert "plugin evil\\u202eexe" in err and "[bold]x[/]" in err


@pytest.mark.parametrize(
    "ending", ["sys.exit('no good: ' + vm.name)", "raise RuntimeError(vm.name)"]
)
def test_eval_exit_message_and_traceback_quoting_engine_text_are_data(world, tmp_path, ending):
    sim, ids, run, _cfg = world
    vm = sim.world.coll["vms"][ids["db01"]]
    vm.name = "db\x9b31m\u202e[bold]x[/]\u200b"
    script = tmp_path / "s.py"
    script.write_text(
        f"import sys\nvm = context.vm.get(id={vm.id!r})\n{ending}\n", encoding="utf-8"
    )
    code, out, err = run("eval", str(script))
    assert code == 1, err
    assert_terminal_safe(out + err)
    assert visible(vm.name) in err, err
