"""The headless runner the VM's-life tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ovtui.sim.testing import write_config
from tests.support import run_cli


@pytest.fixture
def cli(sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """``cli(*args)``: ``(exit code, stdout, stderr)`` of ``ovtui run ARGS`` on ``sim``."""
    cfg = write_config(sim, tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, *args)

    return run
