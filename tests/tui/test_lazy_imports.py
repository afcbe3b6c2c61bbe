"""The TUI's start imports only what its first screen needs (issue 14: first row sooner).

Each check runs in a fresh interpreter (``sys.modules`` of this test process has everything):
the screens and modules listed here are imported by the action that opens them, so a
top-level import creeping back in makes the TUI start slower, and this test says which.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import parse_outcome

# opened by a key, a command or the palette, never on the first screen
LAZY_FOR_APP = [
    "ovtui.screens.connect",  # only without a config
    "ovtui.screens.palette",  # ctrl+p
    "ovtui.screens.noun_table",  # :tags, :users... and the palette's tables
    "ovtui.screens.detail",  # enter
    "ovtui.screens.dashboard",  # 0
    "ovtui.screens.subtab_verbs",
    "ovtui.engines",  # ctrl+e
    "ovtui.actions.dashboard",  # tags for the search bar, the dashboard
    "ovtui.render",  # headless output
    "ovtui.sim",  # the simulator
]

# the command line of the TUI (no 'run', no 'sim') builds no noun/verb parsers, no sim options,
# and imports no headless renderer
LAZY_FOR_TUI_COMMAND_LINE = ["ovtui.sim", "ovtui.eval_script", "ovtui.render", "yaml"]


def imported_after(code: str, names: list[str]) -> list[str]:
    probe = (
        f"import sys, json\n{code}\nprint(json.dumps([n for n in {names!r} if n in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_app_leaves_the_other_screens_unimported() -> None:
    assert imported_after("import ovtui.app", LAZY_FOR_APP) == []


def test_the_tui_command_line_imports_no_simulator_and_no_verb_parsers() -> None:
    code = (
        "from ovtui.cli import build_parser\n"
        "args = build_parser(nouns=False, sim=False).parse_args(['-c', 'x.ini', '--readonly'])\n"
        "assert args.command is None and args.config == 'x.ini' and args.readonly\n"
    )
    assert imported_after(code, LAZY_FOR_TUI_COMMAND_LINE) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["-c", "x.ini"],
        ["-p", "lab", "--readonly", "-d"],
        ["--config=x.ini", "--profile=lab"],
        ["demo", "--vms", "3", "--readonly"],
        ["config", "-h"],
        ["-h"],
        ["bogus"],
    ],
)
def test_the_lean_parser_parses_a_line_without_run_or_sim_as_the_full_one(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from ovtui.cli import build_parser

    full = parse_outcome(build_parser().parse_args, argv, capsys)
    lean_parser = build_parser(nouns="run" in argv, sim="sim" in argv)
    assert parse_outcome(lean_parser.parse_args, argv, capsys) == full  # -h, errors too


def test_garbage_collection_is_off_while_the_tui_starts_and_back_on_after() -> None:
    """The start runs without collector passes; the collector is on again after the bound
    (an interpreter that had it off keeps it off)."""
    code = (
        "import gc, threading, time\n"
        "from ovtui.tuirun import no_gc_while_starting\n"
        "no_gc_while_starting(0.2)\n"
        "off = not gc.isenabled()\n"
        "timers = [t for t in threading.enumerate() if t.name == 'ovtui-gc-on']\n"
        "assert timers and all(t.daemon for t in timers)\n"
        "deadline = time.monotonic() + 30\n"
        "while not gc.isenabled() and time.monotonic() < deadline:\n"
        "    timers[0].join(0.1)\n"
        "back = gc.isenabled()\n"
        "gc.disable()\n"
        "no_gc_while_starting(0.01)\n"
        "timers[0].join(1)\n"
        "kept_off = not gc.isenabled() and not any(\n"
        "    t.name == 'ovtui-gc-on' for t in threading.enumerate())\n"
        "print(off, back, kept_off)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["True", "True", "True"]
