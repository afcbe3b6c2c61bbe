"""``-o csv`` and spreadsheet formulas (OWASP "CSV injection"): engine text that starts with
``= + - @``, TAB or CR is written with a leading ``'`` so that Excel/LibreOffice show it as
text instead of running it; a plain name, ``web-[prod]`` and the numbers ovtui writes itself
(memory, sockets) are unchanged.

The names are given through the real SDK (the simulator takes them as the engine's API does);
the output is read back with Python's ``csv`` module, as a spreadsheet would split it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from ovirtsdk4 import types as T

from ovtui.render import human_bytes, render
from ovtui.sim import testing as simtesting
from ovtui.sim.testing import write_config
from tests.support import run_cli

# name given to the VM -> the cell a spreadsheet must see
FORMULAS = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+1": "'+1",
    "-2": "'-2",
    "@SUM(A1)": "'@SUM(A1)",
    "\t=1+1": "' =1+1",  # csv cells go through visible(): a TAB shows as a space
    "\r=1+1": "'\\x0d=1+1",  # ... and a CR as its escape (it cannot start a record)
}
PLAIN = ["web-[prod]", "db-99"]


def rows_of(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def renamed(sim, tmp_path, capsys) -> Any:
    """Down VMs renamed (and described) to formula-like and plain names via the real SDK;
    ``(run, {name: sdk Vm})``."""
    conn = simtesting.connect(sim)
    try:
        vms = conn.system_service().vms_service()
        down = [v for v in vms.list() if v.status == T.VmStatus.DOWN]
        names = [*FORMULAS, *PLAIN]
        assert len(down) >= len(names), "the default world has enough stopped VMs"
        for vm, name in zip(down, names, strict=False):
            vms.vm_service(vm.id).update(T.Vm(name=name, description=name))
        after = {v.name: v for v in vms.list()}
    finally:
        conn.close()
    assert set(names) <= set(after), "the simulator took every name"
    cfg = write_config(sim, tmp_path)
    return (lambda *a: run_cli(capsys, cfg, *a)), after


def test_vm_list_csv_prefixes_formula_names_and_keeps_plain_names_and_numbers(renamed):
    run, vms = renamed
    code, out, err = run("-o", "csv", "vm", "list")
    assert code == 0, err
    rows = rows_of(out)
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(vms)
    for name, shown in FORMULAS.items():
        assert by_id[vms[name].id]["name"] == shown, name
    for name in PLAIN:
        assert by_id[vms[name].id]["name"] == name
    for vm in vms.values():  # numbers ovtui writes are not touched (nor are ids, states)
        row = by_id[vm.id]
        assert row["memory"] == human_bytes(vm.memory)
        assert row["sockets"] == str(vm.cpu.topology.sockets)
        assert row["status"] == vm.status.value
    # no text cell at all starts as a formula would
    assert not [c for r in rows for c in r.values() if c and c[0] in "=+-@\t\r"]


def test_vm_show_csv_guards_description_but_not_numbers(renamed):
    run, vms = renamed
    code, out, err = run("-o", "csv", "vm", "-n", "@SUM(A1)", "show")
    assert code == 0, err
    pairs = {r["key"]: r["value"] for r in rows_of(out)}
    assert pairs["name"] == "'@SUM(A1)"
    assert pairs["description"] == "'@SUM(A1)"
    assert pairs["memory"] == str(vms["@SUM(A1)"].memory)
    code, out, err = run("-o", "csv", "vm", "-n", "web-[prod]", "show")
    assert code == 0, err
    pairs = {r["key"]: r["value"] for r in rows_of(out)}
    assert pairs["name"] == pairs["description"] == "web-[prod]"


def test_table_and_json_keep_the_name_as_the_engine_has_it(renamed):
    """The quote is a CSV thing only: ``-o table`` and ``-o json`` show the real name."""
    run, vms = renamed
    code, out, err = run("-o", "json", "vm", "-n", "+1", "show")
    assert code == 0, err
    assert '"name": "+1"' in out
    code, out, err = run("vm", "-n", "+1", "show")
    assert code == 0, err
    assert "name: +1" in out.splitlines()


def test_negative_numbers_stay_numbers_and_negative_looking_text_is_quoted():
    """A number ovtui writes (``-1``, a negative size) is not text: no quote, so a
    spreadsheet still sums it; the same characters as engine text are quoted."""
    data = [{"name": "-1", "count": -1, "ratio": -0.5, "on": True}]
    assert rows_of(render(data, "csv")) == [
        {"name": "'-1", "count": "-1", "ratio": "-0.5", "on": "True"}
    ]
    vm = T.Vm(name="-1", memory=-1024, cpu=T.Cpu(topology=T.CpuTopology(sockets=-1)))
    out = render([vm], "csv", columns=("name", "memory", "cpu.topology.sockets"))
    assert rows_of(out) == [{"name": "'-1", "memory": "-1.0 KiB", "sockets": "-1"}]
