"""Fixtures for the headless CLI tests: a config for the simulator and an in-process runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ovtui.cli import main
from ovtui.sim import testing as simtesting


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
        capsys.readouterr()
        code = main(["run", "-c", str(config or config_file), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run
