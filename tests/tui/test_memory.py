"""The TUI does not grow while the operator works: what it replaces is released."""

from __future__ import annotations

import gc

from textual.widgets._footer import FooterKey

from ovtui.widgets.resource_view import ResourceView
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app


def _footer_keys() -> tuple[int, int]:
    gc.collect()
    keys = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
    return len(keys), sum(1 for k in keys if k.is_attached)


async def _settled(pilot, screen) -> None:
    """Every tab's view has its page (under load a page asked for in the last switch is
    still on its way; its rows counted after, not before, read as growth)."""
    views = list(screen.query(ResourceView))
    await wait_until(
        pilot,
        lambda: all(v.loaded_once and not v.in_flight for v in views),
        timeout=60,
        what="every tab's page loaded",
    )
    await pilot.pause(0.3)


@asynctest
async def test_switching_tabs_and_focus_keeps_no_old_footer_keys(sim):
    """Every tab switch rebuilds the footer's keys (verbs differ per tab): the old ones go
    (Textual's Footer kept them all: Textualize/textual#6666; ~1.5 MB/s while paging)."""
    app = make_app(sim, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        m = await loaded(pilot, app, "vm")
        # caches bounded by size (Textual's per-widget style caches, the table's renders of
        # recurring cells) fill over the first ~10 rounds of switches: grown, not growing
        for _ in range(10):
            for key in "1234":
                await pilot.press(key)
                await pilot.pause(0.05)
        await _settled(pilot, m)
        gc.collect()  # both counts without garbage: what is alive, not what awaits a pass
        before = len(gc.get_objects())
        for _ in range(5):
            for key in "1234":
                await pilot.press(key)
                await pilot.pause(0.05)
        await _settled(pilot, m)
        alive, shown = _footer_keys()
        assert alive == shown, f"{alive - shown} footer keys kept after they left the screen"
        gc.collect()
        grown = len(gc.get_objects()) - before
        assert grown < 5000, f"{grown} more objects after 20 tab switches"
        assert m.current == "vm"
