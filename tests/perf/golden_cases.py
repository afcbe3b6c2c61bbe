"""The headless outputs pinned by ``test_output_unchanged.py``: the cases and how to run one.

``python -m tests.perf.golden_cases`` wrote ``golden.json.gz`` with the code before issue 14's
streaming output (commit e0b8af0); the test compares today's output with it byte for byte.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from ovtui.cli import main
from ovtui.sim import Simulator
from ovtui.sim.hostile import poison_world
from ovtui.sim.testing import write_config

GOLDEN = Path(__file__).parent / "golden.json.gz"  # {case name: stdout}
NOUNS = ("vm", "host", "cluster", "datacenter", "storagedomain", "template", "disk", "network")
WORLD = {"vms": 230, "hosts": 6, "seed": 7, "speed": 0.001}  # a frozen clock: times stay put


def cases() -> list[tuple[str, list[str]]]:
    """(file name, ``ovtui run`` arguments after ``-c CFG``)."""
    out: list[tuple[str, list[str]]] = []
    for fmt in ("json", "yaml", "table"):
        for noun in NOUNS:
            out.append((f"{noun}-list.{fmt}", ["-o", fmt, noun, "list"]))
        out.append((f"vm-search.{fmt}", ["-o", fmt, "vm", "-s", "name=web*", "list"]))
        out.append((f"vm-page.{fmt}", ["-o", fmt, "vm", "list", "--max", "17", "--page", "3"]))
        out.append((f"vm-max.{fmt}", ["-o", fmt, "vm", "list", "--max", "25"]))
        out.append(
            (
                f"vm-show.{fmt}",
                ["-o", fmt, "vm", "-i", "c7ac1491-def8-4334-a647-cb8f74e69a5d", "show"],
            )
        )
    return out


def start_world(poisoned: bool) -> Simulator:
    sim = Simulator(**WORLD).start()
    if poisoned:
        poison_world(sim.world)
    return sim


def run_case(cfg: Path, args: list[str]) -> tuple[int, str]:
    """Exit code and stdout of ``ovtui run -c CFG ARGS`` in process (COLUMNS=140)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", "-c", str(cfg), *args])
    return code, out.getvalue()


def capture_all() -> dict[str, str]:
    """Every case's stdout, plain and poisoned world (COLUMNS=140 for the tables)."""
    os.environ["COLUMNS"] = "140"
    found: dict[str, str] = {}
    for poisoned in (False, True):
        sim = start_world(poisoned)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                cfg = write_config(sim, Path(tmp))
                for name, args in cases():
                    code, text = run_case(cfg, args)
                    assert code == 0, (name, code)
                    found[("poisoned-" if poisoned else "") + name] = masked(text)
        finally:
            sim.stop()
    return found


# the world's times follow the clock at build time: their digits are masked, their shape kept
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?")


def masked(text: str) -> str:
    """``text`` with the digits of every timestamp written as ``N``."""
    return _TIME.sub(lambda m: re.sub(r"\d", "N", m.group(0)), text)


def load_golden() -> dict[str, str]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return json.load(f)


if __name__ == "__main__":  # pragma: no cover
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as f:
        json.dump(capture_all(), f)
    print(f"wrote {GOLDEN}", file=sys.stderr)
