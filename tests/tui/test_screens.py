"""Pilot tests of the connect screen (demo from it), read-only mode, help and palette."""

from __future__ import annotations

from ovtui.app import OvtuiApp
from ovtui.screens.connect import ConnectScreen
from ovtui.screens.modals import HelpScreen
from ovtui.screens.verbs import visible_verbs

from .helpers import asynctest, loaded, make_app, wait_until

SIZE = (120, 40)


@asynctest
async def test_connect_screen_offers_the_demo():
    app = OvtuiApp(None, live=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
            text = " ".join(str(w.render()) for w in app.screen.query("Static"))
            assert "config.ini" in text
            await pilot.press("d")
            m = await loaded(pilot, app, "vm")
            assert len(m.view.table.order) == 50
    finally:
        if app.demo is not None:
            app.demo.stop()


@asynctest
async def test_readonly_hides_and_refuses_mutating_verbs(sim):
    app = OvtuiApp(make_app(sim).profile, readonly=True, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        assert not [a for a in visible_verbs("vm", True) if a.mutating]
        assert "s" not in m._bindings.key_to_bindings
        m.action_verb("vm", "start")
        await pilot.pause()
        assert not app.tasks
        assert "read-only" in str(m.query_one("#header").render())


@asynctest
async def test_help_lists_the_screen_keys(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "vm")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query("Static").last().render())
        for word in ("Search", "Events", "Tasks", "Quit", "start"):
            assert word in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
