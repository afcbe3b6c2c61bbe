"""Pilot tests of verbs from the keyboard: start five marked VMs, host maintenance and back."""
# ruff: noqa: B023 - lambdas are awaited within the loop iteration

from __future__ import annotations

from ovtui.screens.main import MainScreen
from ovtui.screens.modals import VerbForm
from ovtui.screens.plan_confirm import PlanConfirmScreen
from ovtui.widgets.tasks_pane import TaskRow
from tests.support import asynctest, wait_until

from .helpers import cell_text, loaded, make_app

SIZE = (160, 45)


@asynctest
async def test_start_five_marked_vms_while_browsing(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        down = [k for k in table.order if cell_text(table, k, "status") == "down"][:5]
        assert len(down) == 5
        for key in down:
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("space")
        assert table.marks == set(down)
        await pilot.press("t")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="start form")
        await pilot.press("enter")  # Run with the defaults
        await wait_until(pilot, lambda: len(m.query(TaskRow)) == 5, what="five tasks")
        assert not table.marks
        # browse elsewhere meanwhile
        await pilot.press("3")
        await wait_until(pilot, lambda: m.current == "host" and m.view.loaded_once)
        await wait_until(
            pilot,
            lambda: any(t.fraction or t.step != "starting" for t in app.tasks.values()),
            what="progress",
        )
        await wait_until(
            pilot,
            lambda: all(not t.running for t in app.tasks.values()),
            timeout=60,
            what="five starts to end",
        )
        assert all(t.state == "done" for t in app.tasks.values()), [
            (t.target, t.state, t.step) for t in app.tasks.values()
        ]
        await pilot.press("4")
        vms = m.view
        await wait_until(
            pilot,
            lambda: all(cell_text(vms.table, k, "status") == "up" for k in down),
            timeout=10,
            what="five VMs up in the table",
        )


@asynctest
async def test_host_maintenance_and_activate_with_the_keyboard(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "host")
        table = m.view.table
        key = table.current_key
        assert cell_text(table, key, "status") == "up"
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="maintenance form")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanConfirmScreen), what="confirm")
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.state == "ok", what="the plan")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        task = next(iter(app.tasks.values()))
        await wait_until(pilot, lambda: task.subjects, timeout=30, what="VMs named in progress")
        await wait_until(
            pilot,
            lambda: cell_text(table, key, "status") == "maintenance",
            timeout=60,
            what="host in maintenance",
        )
        await wait_until(pilot, lambda: all(not t.running for t in app.tasks.values()), timeout=30)
        assert table.current_key == key
        await pilot.press("A")
        await wait_until(
            pilot, lambda: cell_text(table, key, "status") == "up", timeout=60, what="host up"
        )
        await wait_until(pilot, lambda: all(not t.running for t in app.tasks.values()), timeout=30)
        assert [t.state for t in app.tasks.values()] == ["done", "done"]
