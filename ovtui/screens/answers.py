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
        if screen.is_attached:
            fn(*args)

    screen.app.call_from_thread(deliver)
