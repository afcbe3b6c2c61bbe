"""Worker answers handed to the UI thread, dropped once their screen is closed.

A screen's thread worker (a detail reload, a form's pickers, a plan) may answer after the
operator pressed escape; touching the closed screen's widgets then raised NoMatches and ended
the TUI (found by benchmarks/soak.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def answer(screen: Screen, fn: Callable[..., Any], *args: Any) -> None:
    """From a worker thread: run ``fn(*args)`` on the UI thread if ``screen`` is still shown."""

    def deliver() -> None:
        # popped screens leave the stack at once, but stay attached while their widgets are
        # being removed: both must hold, or the answer's query_one meets a half-gone screen
        if screen.is_attached and screen in screen.app.screen_stack:
            fn(*args)

    screen.app.call_from_thread(deliver)
