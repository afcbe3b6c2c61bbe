"""Attach a storage domain from the Storage tab (issue 12): the key opens the verb's form, the
task runs in the tasks pane through the domain's statuses to active, and the Storage tab then
shows the domain active in its data center."""
# ruff: noqa: B023

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from ovtui.screens.modals import VerbForm
from ovtui.sim.testing import connect
from ovtui.widgets.tasks_pane import TaskRow, TasksPane
from tests.sim.honest_parts.storage_admin import new_nfs_domain
from tests.support import asynctest, wait_until
from tests.tui.helpers import cell_text, loaded, make_app

SIZE = (160, 45)


def unattached_domain(sim: Any, name: str) -> str:
    """An NFS data domain added through the engine, unattached; its id."""
    conn = connect(sim)
    try:
        return str(new_nfs_domain(conn, name).id)
    finally:
        conn.close()


@asynctest
async def test_attach_a_domain_from_the_storage_tab_with_progress_in_the_tasks_pane(make_sim):
    sim = make_sim(vms=8, hosts=2, speed=1.0)  # each storage step lasts 1.5 s: seen by polls
    sd_id = unattached_domain(sim, "nfs-tui")
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "storagedomain")
        table = m.view.table
        await wait_until(pilot, lambda: sd_id in m.view.objects, what="the new domain listed")
        assert cell_text(table, sd_id, "status").strip() == "unattached"
        table.move_cursor(row=table.get_row_index(sd_id))
        await pilot.press("T")  # attach
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="the form"
        )
        dc = form.query_one("#p-datacenter", Input)
        dc.value = "Default"
        before = set(app.tasks)
        await pilot.press("enter")
        task = await wait_until(
            pilot,
            lambda: [t for i, t in app.tasks.items() if i not in before],
            what="a task started",
        )
        task = task[0]
        assert "attach" in task.label and "nfs-tui" in task.target
        await pilot.press("t")  # the tasks pane
        pane = app.main_screen().query_one(TasksPane)
        await wait_until(
            pilot, lambda: any(r.task_ is task for r in pane.query(TaskRow)), what="task row"
        )
        seen: list[str] = []

        def follow() -> bool:
            if not seen or seen[-1] != task.step:
                seen.append(task.step)
            return not task.running

        await wait_until(pilot, follow, timeout=60, what="the attach to end")
        assert task.state == "done", (task.state, task.step)
        assert task.fraction == 1.0
        shown = " | ".join(seen)
        for status in ("maintenance", "activating"):
            assert any(s.endswith(f": {status}") for s in seen), shown
        assert seen[-1].endswith("is active"), shown
        path = sim.world.status_path(sd_id)
        assert path[-4:] == ["locked", "maintenance", "activating", "active"], path
        # the Storage tab shows it active (its status in its data center)
        await wait_until(
            pilot,
            lambda: cell_text(table, sd_id, "status").strip() == "active",
            timeout=20,
            what="the Storage tab shows it active",
        )
