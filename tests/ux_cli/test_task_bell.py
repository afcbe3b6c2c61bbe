"""A long task that ends while the operator is on another tab rings the terminal bell and
says so in a toast; one that ends where it started only gets the usual toast."""

from __future__ import annotations

import time

from ovtui.actions import registry
from ovtui.sim.testing import connect
from ovtui.widgets.tasks_pane import TasksPane
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SIZE = (160, 45)


def _down_vms(sim, n: int):
    conn = connect(sim)
    try:
        return (
            conn.system_service().vms_service().list(search="status=down and cluster=Default")[:n]
        )
    finally:
        conn.close()


@asynctest
async def test_long_task_ending_elsewhere_rings_the_bell(make_sim, monkeypatch):
    monkeypatch.setattr(TasksPane, "LONG_TASK", 1.0)  # "long" for a test: one second
    sim = make_sim(vms=12, hosts=2, speed=1.0)
    here, away = _down_vms(sim, 2)
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        pane = m.query_one(TasksPane)
        start = registry.get("vm", "start")
        # 1. a long one that ends on the tab where it started: no bell
        t0 = time.monotonic()
        app.start_action(start, [here], {})
        await wait_until(pilot, lambda: not app.running_tasks(), timeout=60, what="task 1")
        assert time.monotonic() - t0 > TasksPane.LONG_TASK  # it was long
        assert [t.state for t in app.tasks.values()] == ["done"]
        assert pane.bells == 0
        # 2. started on VMs, the operator goes to Hosts (key 3) while it runs
        app.start_action(start, [away], {})
        await pilot.press("3")
        await wait_until(pilot, lambda: m.current == "host")
        await wait_until(pilot, lambda: not app.running_tasks(), timeout=60, what="task 2")
        await wait_until(pilot, lambda: pane.bells == 1, what="the bell")

        def toasts() -> list:
            return [n for n in app._notifications if n.title.startswith("Task done after")]

        await wait_until(pilot, toasts, what="the toast")
        assert len(toasts()) == 1 and away.name in toasts()[0].message
