"""What a long session piles up stays bounded: finished tasks, closed detail screens."""

from __future__ import annotations

import gc

from ovtui.actions import registry
from ovtui.screens.detail import DetailScreen
from ovtui.widgets.tasks_pane import TaskRow, TasksPane
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app


@asynctest
async def test_tasks_pane_keeps_the_newest_finished_tasks_not_all(sim, monkeypatch):
    """Every verb run from the TUI added a task row (7 widgets) and its Task for the whole
    session. The pane keeps the newest KEEP_FINISHED finished ones (and every running one)."""
    monkeypatch.setattr(TasksPane, "KEEP_FINISHED", 5)
    app = make_app(sim, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        m = await loaded(pilot, app, "datacenter")
        pane = m.query_one(TasksPane)
        show = registry.get("datacenter", "show")
        assert show is not None
        dc = next(iter(m.view.objects.values()))
        started = []
        for _ in range(4):
            started += pane.start(show, [dc, dc, dc, dc], {}, None)
            await wait_until(pilot, lambda: not pane.running(), timeout=20, what="tasks end")
        assert all(t.state == "done" for t in started)
        kept = [t.id for t in pane.tasks.values()]
        assert kept == [t.id for t in started[-5:]], "the newest finished tasks are kept"
        await pilot.pause()
        rows = [r.task_.id for r in m.query(TaskRow)]
        assert rows == kept, f"{len(rows)} task rows shown for {len(kept)} tasks kept"


@asynctest
async def test_a_detail_screen_closed_before_it_was_shown_ends_nothing(sim):
    """enter then escape before the detail screen was shown (keys typed ahead on a loaded
    machine): its on_mount met a screen whose widgets were gone, and NoMatches('#general')
    ended the TUI (found by benchmarks/memgrowth.py). Now nothing happens, and no closed
    detail screen stays alive."""
    app = make_app(sim, live=True, refresh=0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        m = await loaded(pilot, app, "vm")
        for obj in list(m.view.objects.values())[:10]:
            app.push_screen(DetailScreen("vm", obj))
            app.pop_screen()  # before the screen's mount ran
            await pilot.pause()
        for _ in range(3):
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is m, what="main screen")
        assert app.is_running and app.screen is m

        def detail_screens() -> int:
            gc.collect()
            return sum(1 for o in gc.get_objects() if isinstance(o, DetailScreen))

        # 13 closed: released once their last workers and messages are done (Textual may
        # hold on to the last one closed early for a while: one, not all)
        await wait_until(pilot, lambda: detail_screens() <= 1, timeout=10, what="released")
