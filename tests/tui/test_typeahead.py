"""Keys typed ahead of a tab's first showing: the TUI stays up and the keys wait.

A tab's view is mounted the first time it is shown (issue 14: the first screen is drawn
sooner); a key that works on the table and arrives while that mount is under way used to
reach a view not there yet (NoMatches '#view-host': the TUI ended)."""

from __future__ import annotations

from tests.support import asynctest, wait_until

from .helpers import loaded, make_app

SIZE = (120, 36)
TABLE_KEYS = (
    "right_square_bracket",
    "left_square_bracket",
    "o",
    "ctrl+r",
    "a",
    "escape",
    "slash",
)


@asynctest
async def test_table_keys_while_a_tab_is_mounted_wait_and_work_after(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        m.show_tab("host")  # first showing: its view is being mounted now
        assert "host" in m._mounting
        for key in TABLE_KEYS:
            # the binding runs at once, before the mount is through (as typed-ahead keys)
            await app._check_bindings(key)
            assert app.is_running
        verb_keys = [k for k, b in m.active_bindings.items() if "verb(" in b.binding.action]
        for key in verb_keys[:3]:
            await app._check_bindings(key)
            assert app.is_running
        await wait_until(pilot, lambda: "host" not in m._mounting and m.view.loaded_once)
        assert m.current == "host" and app.screen is m
        # the keys are on again: 'o' sorts the hosts tab
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(m.view.sort_text()), what="sorted")
