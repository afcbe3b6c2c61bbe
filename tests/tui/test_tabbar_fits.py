"""The tab bar at 80 columns: every tab is on it in some form and the current one is always
on screen (DESIGN.md: keys 1..9 are the main tabs, 0 the dashboard; the 10th, Pools, is
reached by ``:pools``). What is checked is the line as drawn (``render_lines``, cut to the
widget's width), and the reversed piece of it is the current tab."""

from __future__ import annotations

import pytest
from textual.content import Content
from textual.geometry import Region

from ovtui.actions.browse import MAIN_TABS
from ovtui.screens.dashboard import DashboardScreen
from ovtui.screens.main import SHORT, TINY
from ovtui.widgets.header import DASHBOARD, tab_bar
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SMALL = (80, 24)
LABELS = ["0 Dash", *(f"{i + 1} {TINY[n]}" for i, n in enumerate(MAIN_TABS[:9])), "Pools"]


def drawn(screen) -> tuple[str, str]:
    """``(the tab bar's line as on screen, its reversed piece: the current tab)``."""
    bar = screen.query_one("#tabbar")
    strip = bar.render_lines(Region(0, 0, bar.size.width, 1))[0]
    current = "".join(s.text for s in strip if s.style is not None and s.style.reverse)
    return strip.text, current.strip()


@pytest.mark.parametrize("size", [SMALL, (160, 45)])
@asynctest
async def test_dashboard_bar_shows_all_eleven_tabs(sim, size):
    app = make_app(sim, live=False)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot, app, "vm")
        await pilot.press("0")
        dash = await wait_until(
            pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash"
        )
        await pilot.pause()
        line, current = drawn(dash)
        assert current == ("0 Dash" if size == SMALL else "0 Dashboard")
        if size == SMALL:
            for label in LABELS:
                assert f" {label}" in line, (label, line)
        else:
            assert "9 Networks" in line and "Pools" in line, line


@asynctest
async def test_main_bar_shows_the_current_tab_for_every_tab_at_80x24(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SMALL) as pilot:
        m = await loaded(pilot, app, "vm")
        for i, noun in enumerate(MAIN_TABS[:9]):
            await pilot.press(str(i + 1))
            await wait_until(pilot, lambda n=noun: m.current == n, what=noun)
            await pilot.pause()
            line, current = drawn(m)
            assert current == f"{i + 1} {TINY[noun]}", line
            assert "Pools" in line, line  # the 10th is on the bar, not cut off
        await pilot.press("colon", *"pools", "enter")
        await wait_until(pilot, lambda: m.current == "vmpool", what=":pools")
        await pilot.pause()
        line, current = drawn(m)
        assert current == "Pools", line


@asynctest
async def test_main_bar_lists_the_dashboard_at_80x24(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SMALL) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.pause()
        line, _ = drawn(m)
        for label in LABELS:
            assert f" {label}" in line, (label, line)


@pytest.mark.parametrize("width", [160, 100, 80, 60, 40, 24])
def test_tab_bar_fits_and_keeps_the_current_tab_at_any_width(width):
    """Narrower than 80 (or with a plugin's tabs) a window of tabs around the current one,
    ``‹``/``›`` where tabs are left out: never wider than the screen, never without it."""
    tabs = (*MAIN_TABS, "policyunit")  # a plugin's tab: no digit, no short label
    for current in (DASHBOARD, *tabs):
        bar = Content.from_markup(tab_bar(tabs, current, width, {**SHORT}, {**TINY}))
        assert bar.cell_length <= width, (current, bar.plain)
        shown = "".join(
            bar.plain[s.start : s.end] for s in bar.spans if "reverse" in str(s.style)
        ).strip()
        tiny = {DASHBOARD: "Dash"}.get(current) or TINY.get(current, current)
        full = {DASHBOARD: "Dashboard"}.get(current) or SHORT.get(current, current)
        assert shown.endswith((tiny, full)), (current, bar.plain)
        if width >= 80 and current != "policyunit":
            assert "Pools" in bar.plain and "0 Dash" in bar.plain
