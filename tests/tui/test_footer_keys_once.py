"""The footer lists each key once: on the dashboard and on the main screen (any tab, a
verb key set) ``^p Palette`` is the docked key on the right, not also one of the list."""

from __future__ import annotations

from collections import Counter

import pytest
from textual.widgets._footer import FooterKey

from ovtui.screens.dashboard import DashboardScreen
from ovtui.widgets.footer import Footer
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app


def footer_keys(screen) -> list[str]:
    """What the footer shows, as ``key description`` (the docked palette key included)."""
    footer = screen.query_one(Footer)
    return [f"{k.key_display} {k.description}" for k in footer.query(FooterKey)]


async def footer_ready(pilot, screen) -> list[str]:
    return await wait_until(pilot, lambda: footer_keys(screen), what="footer keys")


def assert_each_once(keys: list[str]) -> None:
    twice = [k for k, n in Counter(keys).items() if n > 1]
    assert not twice, keys
    assert keys.count("^p Palette") == 1, keys


@pytest.mark.parametrize("size", [(160, 45), (80, 24)])
@asynctest
async def test_footer_lists_each_key_once_on_main_and_dashboard(sim, size):
    app = make_app(sim, live=False)
    async with app.run_test(size=size) as pilot:
        m = await loaded(pilot, app, "vm")
        assert_each_once(await footer_ready(pilot, m))
        m.show_tab("host")
        await wait_until(pilot, lambda: m.view.loaded_once, what="hosts")
        await pilot.pause()
        assert_each_once(await footer_ready(pilot, m))
        await pilot.press("0")
        dash = await wait_until(
            pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash"
        )
        assert_each_once(await footer_ready(pilot, dash))
        assert "q Quit" in footer_keys(dash)  # the screen's own keys are still there
