"""Helpers for the TUI pilot tests: build the app on a simulator, wait for conditions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ovtui.app import OvtuiApp
from ovtui.config import Profile
from ovtui.screens.main import MainScreen


def profile_for(sim: Any, **kw: Any) -> Profile:
    kw.setdefault("refresh", 1.0)
    return Profile(name="test", url=sim.url, username=sim.username, password=sim.password, **kw)


def make_app(sim: Any, live: bool = True, **kw: Any) -> OvtuiApp:
    return OvtuiApp(profile_for(sim, **kw), live=live)


async def wait_until(
    pilot: Any, cond: Callable[[], Any], timeout: float = 20.0, what: str = ""
) -> Any:
    """Let the app run until ``cond()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = cond()
        except Exception:  # noqa: BLE001 - widgets may not be mounted yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or cond}")
        await pilot.pause(0.05)


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


def asynctest(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test function with asyncio.run (no async pytest plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        return asyncio.run(fn(*args, **kw))

    return wrapper
