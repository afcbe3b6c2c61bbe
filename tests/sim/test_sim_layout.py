"""The simulator package's shape: no import cycle, HTTP types in a leaf module, no UI."""

from __future__ import annotations

import ast
from pathlib import Path

import ovtui.sim

SIM = Path(ovtui.sim.__file__).parent


def sim_imports() -> dict[str, set[str]]:
    """module -> the ``ovtui...`` modules it imports (anywhere in it, type-checking too)."""
    out: dict[str, set[str]] = {}
    for path in SIM.glob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                if node.module == "ovtui.sim":
                    names = [f"ovtui.sim.{a.name}" for a in node.names]
                deps |= {n for n in names if n.startswith(("ovtui", "textual"))}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith(("ovtui", "textual"))}
        out[f"ovtui.sim.{path.stem}"] = deps - {f"ovtui.sim.{path.stem}"}
    return out


def test_no_import_cycle_in_the_simulator():
    graph = sim_imports()
    done: set[str] = set()

    def visit(mod: str, path: list[str]) -> None:
        assert mod not in path, " -> ".join([*path[path.index(mod) :], mod])
        if mod in done:
            return
        for dep in sorted(graph.get(mod, ())):
            visit(dep, [*path, mod])
        done.add(mod)

    for mod in sorted(graph):
        visit(mod, [])


def test_layers():
    graph = sim_imports()
    assert graph["ovtui.sim.httptypes"] == set()  # a leaf: handlers need not import the server
    for mod, deps in graph.items():
        assert not {d for d in deps if d.startswith("textual")}, mod
        assert not {d for d in deps if d.startswith("ovtui.actions")}, mod
        # the simulator stands alone: its own modules, and the leak-free XML writer
        assert all(d.startswith("ovtui.sim") or d == "ovtui.xmlwriter" for d in deps), (mod, deps)
    # the record store knows nothing of how it is filled, served or changed
    assert graph["ovtui.sim.store"] <= {"ovtui.sim.clock"}
