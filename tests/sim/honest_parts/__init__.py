"""Effect checks of the simulator's mutating routes, one module per machine module.

Each module here defines ``CHECKS: dict[str, Callable[[sim, conn], None]]`` keyed as
``Machines.route_table()`` lists routes (``ACTION vm start``, ``ADD vm.nic``...);
``tests/sim/test_sim_honest.py`` merges them and requires one check per declared route.
A check makes the change and asserts the world shows it, or asserts the engine's refusal.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any


def all_checks() -> dict[str, Callable[[Any, Any], None]]:
    out: dict[str, Callable[[Any, Any], None]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        checks: dict[str, Callable[[Any, Any], None]] = getattr(module, "CHECKS", {})
        clash = set(out) & set(checks)
        if clash:
            raise RuntimeError(f"{info.name} re-checks routes {sorted(clash)}")
        out.update(checks)
    return out
