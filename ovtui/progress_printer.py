"""Progress of a headless action on stderr: a live line on a terminal, plain lines otherwise.

Progress messages carry engine text (names, event descriptions, fault details): every line
goes through :func:`ovtui.textsafe.visible`, so the only control sequences on stderr are the
printer's own (``\\r\\x1b[2K`` to redraw its live line).
"""

from __future__ import annotations

import shutil
import threading
from typing import TextIO

from .actions.base import Progress
from .textsafe import visible

_BAR = 24


class ProgressPrinter:
    """Callable as an ActionContext ``report``. Thread-safe (actions may report from workers)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self._lock = threading.Lock()
        self._open_line = False  # a live line is on screen and must be cleared first
        self.last_message: str | None = None  # the last line shown (the CLI skips repeats)

    def __call__(self, p: Progress) -> None:
        with self._lock:
            self.last_message = p.message
            text = self.format(p)
            if self.live and p.fraction is not None and p.step != "event":
                bar = int(_BAR * max(0.0, min(1.0, p.fraction)))
                room = max(shutil.get_terminal_size((80, 24)).columns - _BAR - 4, 10)
                if len(text) > room:  # a wrapped live line could not be redrawn in place
                    text = text[: room - 1] + "…"
                self.stream.write(f"\r\x1b[2K[{'#' * bar}{'.' * (_BAR - bar)}] {text}")
                self._open_line = True
            else:
                if self._open_line:
                    self.stream.write("\r\x1b[2K")
                    self._open_line = False
                self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        """End a live line left on the terminal (before the command's output)."""
        with self._lock:
            if self._open_line:
                self.stream.write("\n")
                self.stream.flush()
                self._open_line = False

    @staticmethod
    def format(p: Progress) -> str:
        """One line, engine text escaped (a CR or newline in it cannot start another line)."""
        pct = f" {p.fraction * 100:.0f}%" if p.fraction is not None else ""
        tag = {"error": "error: ", "warning": "warning: "}.get(p.level, "")
        message = visible(p.message or "")
        if p.step == "event" and p.event is not None:
            return f"  event {visible(p.event.code)}: {tag}{message}"
        return f"  {tag}{message}{pct}"
