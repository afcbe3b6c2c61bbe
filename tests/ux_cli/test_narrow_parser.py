"""``ovtui run NOUN VERB`` is parsed with that noun's parsers alone (issue 14: a headless
command starts sooner); whatever the line, the outcome is the full parser's: the same
values, the same help and the same error text and code."""

from __future__ import annotations

import pytest

from ovtui.cli import build_parser, parse_argv
from tests.support import parse_outcome

LINES = [
    ["run", "vm", "list"],
    ["run", "-c", "x.ini", "-o", "json", "vm", "-s", "name=web01*", "list"],
    ["run", "vms", "-n", "db01", "start", "--timeout", "5", "-y"],
    ["run", "host", "-n", "h1", "maintenance", "-y"],
    ["run", "storagedomain", "list"],
    ["run", "-p", "host", "vm", "list"],  # a noun's name as an option's value first
    ["run", "-p", "all", "-o", "csv", "vm", "list"],
    ["run", "vm", "-h"],
    ["run", "vm", "list", "--help"],
    ["run", "--help"],
    ["run", "vm", "nosuchverb"],
    ["run", "vm", "-i", "x", "-n", "y", "show"],  # two selectors: argparse's error
    ["run", "vm", "list", "--nosuchoption"],
    ["run", "eval", "script.py", "vm"],
    ["run"],
]


@pytest.mark.parametrize("argv", LINES, ids=[" ".join(a) for a in LINES])
def test_the_narrow_parse_is_the_full_one(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    full = parse_outcome(build_parser().parse_args, argv, capsys)
    assert parse_outcome(parse_argv, argv, capsys) == full


def test_the_noun_is_found_after_the_global_options() -> None:
    from ovtui.cli import _run_noun

    assert _run_noun(["run", "-c", "x.ini", "-o", "json", "vms", "-s", "a", "list"]) == "vms"
    assert _run_noun(["-c", "x.ini", "run", "host", "list"]) == "host"
    assert _run_noun(["run", "--help", "vm", "list"]) is None  # run's help lists every noun
    assert _run_noun(["-c", "x.ini"]) is None  # the TUI
