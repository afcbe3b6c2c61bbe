"""Headless output is the same text as before streaming (issue 14): every list, search,
page and show in json, yaml and table, on the seeded world and on a world poisoned with
hostile text (the terminal-safe escapes included), compared with ``golden.json.gz``, which
the code before the change wrote (see ``golden_cases.py``).

The lists are also read in pages of 40 rows, so that the JSON array and the YAML sequence
are written across pages fetched by worker processes, and must still be the same text.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ovtui.actions import pages
from ovtui.sim.testing import write_config

from .golden_cases import cases, load_golden, masked, run_case, start_world

GOLDEN = load_golden()


def first_difference(want: str, got: str) -> str:
    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "before", "now", n=1)
    return "\n".join(list(diff)[:12])


@pytest.fixture(params=[False, True], ids=["seeded", "poisoned"])
def world(request, tmp_path, monkeypatch) -> tuple[str, Path]:
    monkeypatch.setenv("COLUMNS", "140")
    sim = start_world(request.param)
    request.addfinalizer(sim.stop)
    return ("poisoned-" if request.param else ""), write_config(sim, tmp_path)


def test_every_output_is_the_text_it_was(world):
    prefix, cfg = world
    for name, args in cases():
        code, text = run_case(cfg, args)
        assert code == 0, name
        want = GOLDEN[prefix + name]
        assert masked(text) == want, f"{prefix}{name}:\n{first_difference(want, masked(text))}"


def test_lists_read_in_many_pages_are_the_same_text(world, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_ROWS", 40)  # 230 VMs, 321 disks: six and nine pages
    prefix, cfg = world
    for name, args in cases():
        if name.split(".")[0] not in ("vm-list", "disk-list", "vm-search"):
            continue
        if name.endswith(".table"):
            continue  # a table's widths come from its first page: pinned below
        code, text = run_case(cfg, args)
        assert code == 0, name
        want = GOLDEN[prefix + name]
        assert masked(text) == want, f"{prefix}{name}:\n{first_difference(want, masked(text))}"
