"""The one status line of a view: a message that may hold engine text, hidden when empty."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .safe import message


class StatusLine(Static):
    """``say(text)`` shows it (``str`` is engine text: never markup), ``say("")`` hides it;
    ``level="error"`` colours it as an error."""

    DEFAULT_CSS = """
    StatusLine {
        display: none;
        height: auto;
        padding: 0 1;
        background: $warning-muted;
    }
    StatusLine.shown {
        display: block;
    }
    StatusLine.error {
        background: $error-muted;
        color: $text-error;
    }
    """

    def say(self, text: str | Text, level: str = "") -> None:
        self.update(text if isinstance(text, Text) else message(text))
        self.set_class(bool(text), "shown")
        self.set_class(level == "error", "error")

    @property
    def text(self) -> str:
        """What it says now (plain)."""
        content = self.visual
        return getattr(content, "plain", str(content)) if self.has_class("shown") else ""
