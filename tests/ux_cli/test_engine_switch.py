"""ctrl+e in the TUI: switch between the config's profiles without restarting; each engine
keeps its own tab state (Pilot, two simulators)."""

from __future__ import annotations

from ovtui.app import OvtuiApp
from ovtui.config import load_profile
from ovtui.engines import tui_profiles
from ovtui.sim.testing import connect, wait_for
from tests.support import asynctest, two_engine_config, wait_until
from tests.tui.helpers import loaded

SIZE = (160, 45)


def _ids(sim, what: str) -> set[str]:
    conn = connect(sim)
    try:
        svc = getattr(conn.system_service(), f"{what}_service")()
        return {o.id for o in svc.list()}
    finally:
        conn.close()


@asynctest
async def test_ctrl_e_switches_engines_and_keeps_each_tab(tmp_path, make_sim):
    a = make_sim(vms=4, hosts=2, seed=1)
    b = make_sim(vms=3, hosts=3, seed=2)
    cfg = two_engine_config(tmp_path / "ovtui.ini", a, b)
    app = OvtuiApp(load_profile(str(cfg)), live=False)
    assert tui_profiles(app) == ["default", "lab"]
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "host")  # engine a: the Hosts tab
        assert set(m.view.table.order) == _ids(a, "hosts")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EnginePicker")
        await pilot.press("down", "enter")  # lab
        await wait_until(pilot, lambda: app.profile.name == "lab", what="switched to lab")
        m2 = await loaded(pilot, app)
        assert m2 is not m and m2.current == "vm"  # a fresh main screen for lab
        await wait_until(pilot, lambda: set(m2.view.table.order) == _ids(b, "vms"))
        # back to default: its Hosts tab as it was left
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EnginePicker")
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: app.profile.name == "default", what="back to default")
        assert app.main_screen() is m and m.current == "host"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not m.view.in_flight)
        assert set(m.view.table.order) == _ids(a, "hosts")
        # and lab again: its own state (the VMs tab) kept
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "EnginePicker")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.profile.name == "lab")
        assert app.main_screen() is m2

    # at exit every login was logged out, on the engine shown and on the one left behind
    # (the logouts go on in a helper thread after the app ended: wait for them)
    def all_out(engine) -> bool:
        paths = [r.path for r in engine.requests.records()]
        logins = sum(p.endswith("/sso/oauth/token") for p in paths)
        return logins > 0 and sum(p.endswith("/sso-logout") for p in paths) >= logins

    for engine in (a, b):
        wait_for(lambda e=engine: all_out(e), timeout=20, what=f"logouts at {engine.url}")


@asynctest
async def test_ctrl_e_with_one_engine_says_how_to_add_one(sim, tmp_path):
    from ovtui.sim.testing import write_config

    cfg = write_config(sim, tmp_path)
    app = OvtuiApp(load_profile(str(cfg)), live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "vm")
        await pilot.press("ctrl+e")
        await wait_until(
            pilot,
            lambda: any("One engine only" in str(n.message) for n in app._notifications),
            what="the notice",
        )
