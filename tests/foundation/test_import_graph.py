"""No import cycle between any two modules of ovtui/ (imports inside functions count too).

The package-level layers and the forbidden imports are import-linter's contracts
(pyproject.toml, run by .ci/run); this is the module-level proof, with the offending imports
named when it fails.
"""

from __future__ import annotations

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            mod, deps = work[-1]
            dep = next(deps, None)
            if dep is not None:
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(sorted(graph.find_modules_directly_imported_by(dep)))))
                elif dep in on_stack:
                    low[mod] = min(low[mod], index[dep])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[mod])
            if low[mod] == index[mod]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == mod:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    lines = []
    for a in component:
        for b in component:
            for d in graph.get_import_details(importer=a, imported=b):
                lines.append(f"{a}:{d['line_number']} {d['line_contents']}")
    return "\n".join(lines)


def test_no_import_cycle_between_modules() -> None:
    graph = grimp.build_graph("ovtui", cache_dir=None)
    assert len(graph.modules) > 50  # every subpackage is seen (a namespace package is not)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(describe(graph, c) for c in found)


def test_the_check_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for mod in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(mod)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert cycles(graph) == [["p.a", "p.b", "p.c"]]
