"""Fixtures for the headless CLI tests: a config for the simulator and an in-process runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ovtui.sim import testing as simtesting
from tests.support import run_cli


def write_config(path: Path, body: str, mode: int = 0o600) -> Path:
    path.write_text(body, encoding="utf-8")
    os.chmod(path, mode)
    return path


@pytest.fixture
def config_file(sim, tmp_path: Path) -> Path:
    return simtesting.write_config(sim, tmp_path / "config.ini")


@pytest.fixture
def run(config_file: Path, capsys) -> Callable[..., tuple[int, str, str]]:
    """``run("vm", "list")`` -> (exit code, stdout, stderr), in process, with the config."""

    def _run(*args: str, config: Path | None = None) -> tuple[int, str, str]:
        return run_cli(capsys, config or config_file, *args)

    return _run
