"""The TUI does not grow while the operator works: what it replaces is released."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from tests.support import asynctest

from .helpers import loaded, make_app


def _footer_keys() -> tuple[int, int]:
    gc.collect()
    keys = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
    return len(keys), sum(1 for k in keys if k.is_attached)


@asynctest
async def test_switching_tabs_and_focus_keeps_no_old_footer_keys(sim):
    """Every tab switch rebuilds the footer's keys (verbs differ per tab): the old ones go
    (Textual's Footer kept them all: Textualize/textual#6666; ~1.5 MB/s while paging)."""
    app = make_app(sim, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        m = await loaded(pilot, app, "vm")
        for _ in range(3):
            for key in "1234":
                await pilot.press(key)
                await pilot.pause(0.05)
        await pilot.pause(0.3)
        before = len(gc.get_objects())
        for _ in range(5):
            for key in "1234":
                await pilot.press(key)
                await pilot.pause(0.05)
        await pilot.pause(0.3)
        alive, shown = _footer_keys()
        assert alive == shown, f"{alive - shown} footer keys kept after they left the screen"
        gc.collect()
        grown = len(gc.get_objects()) - before
        assert grown < 5000, f"{grown} more objects after 20 tab switches"
        assert m.current == "vm"
