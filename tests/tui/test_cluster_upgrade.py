"""Pilot test: the rolling upgrade from the Clusters tab, its plan first, then a live task."""
# ruff: noqa: B023 - lambdas are awaited within the test

from __future__ import annotations

import pytest

from ovtui.screens.modals import VerbForm
from ovtui.screens.plan_confirm import PlanConfirmScreen
from ovtui.widgets.tasks_pane import TaskRow
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app

SIZE = (160, 45)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@asynctest
async def test_rolling_upgrade_shows_its_plan_then_runs_as_a_task(make_sim):
    sim = make_sim(vms=8, hosts=12, speed=300)  # 3 clusters of 4 hosts
    w = sim.world
    with w.lock:
        first = w.find("host", "host01")
        hosts = sorted(
            (h for h in w.coll["hosts"].values() if h.cluster.id == first.cluster.id),
            key=lambda h: h.name,
        )
        for h in hosts:
            h.update_available = True
        cluster_id = first.cluster.id
    names = [h.name for h in hosts]
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "cluster")
        table = m.view.table
        table.move_cursor(row=table.get_row_index(cluster_id))
        await pilot.press("t")
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="upgrade form")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanConfirmScreen), what="plan")
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.state != "computing", timeout=30, what="dry run")
        assert dialog.state == "ok", dialog.plan_text()
        text = dialog.plan_text()
        assert f"Order, one host at a time: {', '.join(names)}" in text
        for i, n in enumerate(names, 1):
            assert f"{i}. {n} (up" in text
        await pilot.press("y")
        await wait_until(pilot, lambda: app.tasks, what="the task")
        task = next(iter(app.tasks.values()))
        assert task.total == 4
        row = m.query_one(TaskRow)
        await wait_until(
            pilot,
            lambda: "hosts 0/4 done · host host01:" in str(row.query_one(".task-stage").render()),
            timeout=30,
            what="cluster-level progress",
        )
        await wait_until(pilot, lambda: not task.running, timeout=240, what="upgrade to end")
        assert task.state == "done", task.step
        assert task.done_count == 4
        with w.lock:
            assert all(getattr(h.status, "value", h.status) == "up" for h in hosts)
            assert not any(h.update_available for h in hosts)
