"""The action layer never imports textual: it is shared by the TUI and headless runs."""

import subprocess
import sys
from pathlib import Path

ACTIONS = Path(__file__).resolve().parents[2] / "ovtui" / "actions"


def test_actions_do_not_import_textual():
    modules = [f"ovtui.actions.{p.stem}" for p in sorted(ACTIONS.glob("*.py"))]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "from ovtui import cli, render, config, connection\n"
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by the action layer: {out.stdout}"
    for path in ACTIONS.glob("*.py"):
        text = path.read_text()
        assert "import textual" not in text and "from textual" not in text, path
