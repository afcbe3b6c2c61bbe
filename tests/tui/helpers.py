"""Helpers for the TUI pilot tests: build the app on a simulator, wait for conditions."""

from __future__ import annotations

from typing import Any

from ovtui.app import OvtuiApp
from ovtui.config import Profile
from ovtui.screens.main import MainScreen
from tests.support import wait_until


def profile_for(sim: Any, **kw: Any) -> Profile:
    kw.setdefault("refresh", 1.0)
    return Profile(name="test", url=sim.url, username=sim.username, password=sim.password, **kw)


def make_app(sim: Any, live: bool = True, **kw: Any) -> OvtuiApp:
    return OvtuiApp(profile_for(sim, **kw), live=live)


def main(app: OvtuiApp) -> MainScreen:
    screen = app.main_screen()
    assert screen is not None
    return screen


async def loaded(pilot: Any, app: OvtuiApp, noun: str | None = None) -> MainScreen:
    """Wait for the main screen and its current tab's first answer."""
    await wait_until(pilot, lambda: app.main_screen() is not None, what="main screen")
    m = main(app)
    if noun is not None and m.current != noun:
        m.show_tab(noun)
    await wait_until(
        pilot,
        lambda: m.view.loaded_once and not m.view.in_flight,
        what=f"{m.current} tab loaded",
    )
    return m


def cell_text(table: Any, key: str, col: str) -> str:
    v = table.get_cell(key, col)
    return getattr(v, "plain", str(v))


def footer_verbs(screen: Any) -> list[str]:
    """The verbs whose keys the footer shows now (enabled bindings of verb actions)."""
    return [
        ab.binding.action.split("'")[3]
        for ab in screen.active_bindings.values()
        if ab.binding.action.startswith("verb(") and ab.enabled
    ]
