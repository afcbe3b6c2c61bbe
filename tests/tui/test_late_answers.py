"""An engine answer that arrives after its screen was closed is dropped, never a crash.

Found by the soak (benchmarks/soak.py): a detail screen's reload worker finished after the
operator pressed escape, and ``query_one('#detail-message')`` on the closed screen ended the
TUI with NoMatches.
"""

from __future__ import annotations

import asyncio

from ovtui.actions.base import ActionError
from ovtui.screens.answers import answer
from ovtui.screens.detail import DetailScreen
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app


@asynctest
async def test_detail_answers_after_escape_are_dropped(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        m = await loaded(pilot, app, "vm")
        await wait_until(pilot, lambda: m.view.table.order, what="vm rows")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not detail, what="back on the main screen")
        await pilot.pause(0.1)
        # the workers' late answers, delivered from a worker thread as the workers do
        late = [
            (detail._set_obj, detail.obj),
            (detail._refetch_failed, ActionError("engine gone")),
            (detail._sub_failed, 0, ActionError("engine gone")),
            (detail._fill_sub, 0, None, [], {}),
        ]
        for fn, *args in late:
            await asyncio.to_thread(answer, detail, fn, *args)
        await pilot.pause(0.1)
        assert app.is_running and app.screen is m
