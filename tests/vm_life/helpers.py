"""Helpers of the VM's-life tests: ``ovtui run`` in process, VMs of the seeded world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ovtui.cli import main


def run_cli(capsys: Any, cfg: Path | str, *args: str) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``ovtui run -c CFG ARGS...``."""
    capsys.readouterr()
    code = main(["run", "-c", str(cfg), *args])
    out, err = capsys.readouterr()
    return code, out, err


def vm_named(sim: Any, status: str, n: int = 0) -> str:
    """The name of the n-th VM (by name) of the simulator's world in ``status``."""
    with sim.world.lock:
        vms = sorted(
            (
                v
                for v in sim.world.coll["vms"].values()
                if getattr(v.status, "value", None) == status
            ),
            key=lambda v: v.name,
        )
    assert len(vms) > n, f"the simulator world has no {n + 1} VM(s) {status}"
    return str(vms[n].name)
