"""Pilot tests of the connect screen (demo from it), read-only mode, help and palette."""

from __future__ import annotations

from ovtui.app import OvtuiApp
from ovtui.screens.connect import ConnectScreen
from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import HelpScreen
from ovtui.screens.verbs import visible_verbs
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app

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
        assert "s" not in m.active_bindings  # no start key in read-only mode
        m.show_tab("host")
        assert not {"M", "A", "D"} & set(m.active_bindings)
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
        # the page keys are shown as themselves, not as markup left over ("[[/b]")
        keys = [line.split()[0] for line in text.splitlines() if line.strip()]
        assert "[" in keys and "]" in keys
        assert "[/b]" not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))


@asynctest
async def test_bookmark_and_click_on_the_tab_bar(sim):
    app = make_app(sim, live=False, bookmarks={"running": "vms: status=up"})
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        app.goto_bookmark(app.bookmarks()["running"])
        await wait_until(pilot, lambda: m.view.search == "status=up" and not m.view.in_flight)
        # "3 Hosts" sits after " 1 DCs  2 Clusters " in the tab bar
        text = str(m.query_one("#tabbar").render())
        await pilot.click("#tabbar", offset=(text.index("3 Hosts") + 2, 0))
        await wait_until(pilot, lambda: m.current == "host", what="click switches tab")


@asynctest
async def test_cancel_stops_the_wait_and_says_the_engine_goes_on(make_sim):
    from ovtui.widgets.tasks_pane import TaskRow

    sim = make_sim(speed=0.5)
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        down = next(k for k in table.order if "down" in str(table.get_cell(k, "status")))
        table.move_cursor(row=table.get_row_index(down))
        await pilot.press("t", "s")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(m.query(TaskRow)) == 1)
        row = m.query_one(TaskRow)
        row.focus()
        await pilot.press("c")
        task = row.task_
        await wait_until(pilot, lambda: not task.running, timeout=20, what="task to stop")
        assert task.state == "cancelled"
        assert "engine" in task.step


@asynctest
async def test_q_quits_from_a_nested_detail_screen(sim):
    """``q`` always gets out: from a VM opened from its host's sub-tab too."""
    app = make_app(sim, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app, "host")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="host")
        host = app.screen
        host.action_subtab(1)  # Virtual Machines
        await wait_until(pilot, lambda: "sub-0" in host.sub_objects, what="its VMs")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not host, what="a VM's detail")
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
