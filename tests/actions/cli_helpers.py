"""Run ``ovtui run ...`` in process against a config, capturing its output."""

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
