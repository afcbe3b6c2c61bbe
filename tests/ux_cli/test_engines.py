"""Many engines from one command: ``ovtui run -p all`` / ``-p a,b`` over two simulators."""

from __future__ import annotations

import json
import re

import yaml

from tests.support import run_cli, two_engine_config


def _two(tmp_path, make_sim):
    a = make_sim(vms=3, hosts=2, seed=1)
    b = make_sim(vms=2, hosts=2, seed=2)
    return a, b, two_engine_config(tmp_path / "ovtui.ini", a, b)


def _names(sim) -> set[str]:
    from ovtui.sim.testing import connect

    conn = connect(sim)
    try:
        return {v.name for v in conn.system_service().vms_service().list()}
    finally:
        conn.close()


def test_all_profiles_vm_list_has_engine_column(capsys, tmp_path, make_sim):
    a, b, cfg = _two(tmp_path, make_sim)
    code, out, err = run_cli(capsys, cfg, "-p", "all", "vm", "list")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["ENGINE", "NAME"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 5
    assert {r[1] for r in rows if r[0] == "default"} == _names(a)
    assert {r[1] for r in rows if r[0] == "lab"} == _names(b)
    # the cluster column shows names, as with one engine: the VM's id is the only id
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
    assert all(len(uuid.findall(line)) == 1 for line in lines[1:])


def test_profiles_by_name_json_yaml_csv(capsys, tmp_path, make_sim):
    a, b, cfg = _two(tmp_path, make_sim)
    code, out, err = run_cli(capsys, cfg, "-p", "lab,default", "-o", "json", "vm", "list")
    assert code == 0, err
    items = json.loads(out)
    assert list(items[0])[0] == "engine"
    assert {i["name"] for i in items if i["engine"] == "lab"} == _names(b)
    assert {i["name"] for i in items if i["engine"] == "default"} == _names(a)
    code, out, err = run_cli(capsys, cfg, "-p", "all", "-o", "yaml", "host", "list")
    assert code == 0, err
    assert {h["engine"] for h in yaml.safe_load(out)} == {"default", "lab"}
    code, out, err = run_cli(capsys, cfg, "-p", "all", "-o", "csv", "vm", "list")
    assert code == 0, err
    assert out.splitlines()[0].startswith("engine,name,")
    assert len(out.strip().splitlines()) == 1 + 5


def test_one_engine_down_is_one_error_the_other_listed(capsys, tmp_path, make_sim):
    a, b, cfg = _two(tmp_path, make_sim)
    b.stop()
    code, out, err = run_cli(capsys, cfg, "-p", "all", "vm", "list")
    assert code == 3
    assert "lab:" in err and "error" in err
    assert len(out.strip().splitlines()) == 1 + 3


def test_writes_refused_over_several_engines(capsys, tmp_path, make_sim):
    a, b, cfg = _two(tmp_path, make_sim)
    before = len(a.requests)
    code, _, err = run_cli(capsys, cfg, "-p", "all", "vm", "-n", "*", "start")
    assert code == 2
    assert "one profile" in err
    assert len(a.requests) == before  # nothing was sent


def test_follow_refused_over_several_engines(capsys, tmp_path, make_sim):
    a, b, cfg = _two(tmp_path, make_sim)
    code, _, err = run_cli(capsys, cfg, "-p", "all", "event", "list", "--follow")
    assert code == 2 and "--follow" in err


def test_csv_over_several_engines_quotes_formula_names(capsys, tmp_path, make_sim):
    """``-p all -o csv`` guards engine text as one engine's ``-o csv`` does (a leading ')."""
    import csv
    import io

    from ovirtsdk4 import types as T

    from ovtui.sim.testing import connect

    a, b, cfg = _two(tmp_path, make_sim)
    conn = connect(b)
    try:
        svc = conn.system_service().vms_service()
        down = next(v for v in svc.list() if v.status == T.VmStatus.DOWN)
        svc.vm_service(down.id).update(T.Vm(name='=HYPERLINK("http://x","y")'))
    finally:
        conn.close()
    code, out, err = run_cli(capsys, cfg, "-p", "all", "-o", "csv", "vm", "list")
    assert code == 0, err
    names = {r["name"] for r in csv.DictReader(io.StringIO(out))}
    assert '\'=HYPERLINK("http://x","y")' in names
    assert _names(a) <= names  # plain names as the engine has them
