"""A plugin adds a main tab (PluginAPI.add_tab) and a verb on it. Run in a child process: a
plugin changes the process's tabs for good, and other tests must not see it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from ovtui.sim.testing import write_config

PLUGIN = """
from ovtui.actions.base import Result
from ovtui.actions.declare import verb
from ovtui.actions.nouns import Noun

UNIT = Noun("policyunit", "policyunits", "Policy Units", "SchedulingPolicyUnit",
            "scheduling_policy_units_service", "scheduling_policy_unit_service",
            searchable=False, has_status=False, columns=("name", "type", "description", "id"))

def register(api):
    api.add_tab(UNIT)

    @verb("policyunit", "list", "List the scheduler's policy units", target="none")
    def list_units(ctx, target=None):
        units = ctx.system.scheduling_policy_units_service().list()
        return Result(ok=True, data=units, message=f"{len(units)} policy units")
"""

CHILD = """
import asyncio, sys
from ovtui.plugins import load_plugins
load_plugins()
from ovtui.actions.browse import MAIN_TABS
from ovtui.sim.testing import start_sim
from tests.support import wait_until
from tests.tui.helpers import loaded, make_app

async def main():
    sim = start_sim(vms=4, hosts=2)
    app = make_app(sim, live=False)
    async with app.run_test(size=(160, 45)) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("colon", *"policyunits", "enter")
        await wait_until(pilot, lambda: m.current == "policyunit" and m.view.loaded_once)
        print("TABS", ",".join(MAIN_TABS))
        print("ROWS", len(m.view.table.order))
        print("BAR", "Policy Units" in str(m.tabbar_text()))
    sim.stop()

asyncio.run(main())
"""


def test_plugin_adds_a_main_tab(tmp_path, sim):
    site = tmp_path / "site"
    site.mkdir()
    (site / "unit_tab_plugin.py").write_text(textwrap.dedent(PLUGIN))
    dist = site / "unit_tab_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: unit-tab-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[ovtui.plugins]\nunits = unit_tab_plugin:register\n")
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=f"{site}{os.pathsep}{root}")
    r = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert r.returncode == 0, r.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)
    assert lines["TABS"].endswith(",policyunit")
    assert int(lines["ROWS"]) > 0  # the engine's policy units, listed in the plugin's tab
    assert lines["BAR"] == "True"
    # the same plugin's verb headless, and `ovtui plugins` says what it adds
    r = subprocess.run(
        [sys.executable, "-m", "ovtui", "plugins"], capture_output=True, text=True, env=env,
        timeout=60,
    )  # fmt: skip
    assert "verb policyunit list" in r.stdout and "tab policyunit" in r.stdout
    cfg = write_config(sim, tmp_path)
    r = subprocess.run(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), "policyunits", "list"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].split() == ["NAME", "TYPE", "DESCRIPTION", "ID"]
    assert len(r.stdout.splitlines()) == 1 + int(lines["ROWS"])
