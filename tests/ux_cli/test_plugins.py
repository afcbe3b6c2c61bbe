"""Plugins: the example plugin (installed in the test environment with pip, see README) adds
its verb to `ovtui run vm -h`, the TUI footer and palette, and runs; a plugin whose import
raises is one warning line and ovtui works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ovtui.plugins import load_plugins
from ovtui.sim.testing import write_config
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SIZE = (160, 45)


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "ovtui", *args], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip


def test_example_plugin_adds_its_verb_to_run_help():
    r = _run("run", "vm", "-h")
    assert r.returncode == 0, r.stderr
    assert "create-container" in r.stdout
    r = _run("run", "vm", "create-container", "-h")
    assert "--image" in r.stdout and "--port" in r.stdout
    r = _run("plugins")
    assert "container" in r.stdout and "verb vm create-container" in r.stdout
    assert r.returncode == 0


@asynctest
async def test_example_plugin_in_footer_and_palette(sim):
    load_plugins()  # as the command line does before the TUI starts
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        binding = m.active_bindings.get("b")
        assert binding is not None and "create-container" in (binding.binding.description or "")
        await pilot.press("ctrl+p")
        await pilot.press(*"create-container")

        def palette_shows() -> bool:
            from textual.command import CommandList

            options = app.screen.query_one(CommandList)
            texts = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            return any("vm create-container" in t for t in texts)

        await wait_until(pilot, palette_shows, what="the palette offers vm create-container")


def _broken_plugin(tmp_path: Path) -> Path:
    """A distribution on sys.path whose ovtui.plugins entry point raises on import."""
    site = tmp_path / "site"
    (site / "broken_ovtui_plugin.py").parent.mkdir(parents=True)
    (site / "broken_ovtui_plugin.py").write_text(
        "from ovtui.actions.declare import verb\n"
        "from ovtui.actions.base import Result\n"
        "@verb('vm', 'half-registered', 'registered before the failure')\n"
        "def half(ctx, target=None):\n    return Result(ok=True)\n"
        "raise RuntimeError('this plugin is broken\\nsecond line never shown')\n"
    )
    dist = site / "broken_ovtui_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-ovtui-plugin\nVersion: 0.1\n"
    )
    (dist / "entry_points.txt").write_text("[ovtui.plugins]\nbroken = broken_ovtui_plugin\n")
    return site


def test_broken_plugin_is_one_warning_and_ovtui_works(tmp_path, sim):
    site = _broken_plugin(tmp_path)
    cfg = write_config(sim, tmp_path)
    env = {"PYTHONPATH": str(site)}
    r = _run("run", "-c", str(cfg), "vm", "list", env_extra=env)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip().splitlines()) > 1  # the VMs are listed
    warnings = [line for line in r.stderr.splitlines() if "broken" in line]
    assert len(warnings) == 1, r.stderr
    assert "plugin broken" in warnings[0] and "this plugin is broken" in warnings[0]
    assert "second line" not in r.stderr and "Traceback" not in r.stderr
    # what it registered before failing is taken back; the good plugin still loads
    r = _run("run", "vm", "-h", env_extra=env)
    assert "half-registered" not in r.stdout and "create-container" in r.stdout
    r = _run("plugins", env_extra=env)
    assert r.returncode == 1  # a failed plugin: the listing says so and exits 1
    assert "FAILED: RuntimeError: this plugin is broken" in r.stdout
    assert "verb vm create-container" in r.stdout
