"""A short soak (benchmarks/soak.py): TUI in a pty plus headless verbs on a faulty engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


@pytest.mark.timeout(300)
def test_short_soak_has_no_crash_no_wrong_outcome_no_overrun():
    done = subprocess.run(
        [sys.executable, str(SOAK), "--seconds", "45", "--vms", "60", "--json"],
        capture_output=True,
        text=True,
        timeout=280,
    )
    report = json.loads(done.stdout)
    assert report["verbs_run"] >= 10, report
    assert report["crashes"] == [], report
    assert report["mismatches"] == [], report
    assert report["overruns"] == [], report
    assert report["tui"]["quit_exit"] == 0 and report["tui"]["quit_seconds"] < 2, report
    assert done.returncode == 0, done.stderr[-2000:]
