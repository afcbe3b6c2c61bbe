"""The ``/`` search and ``:`` command bar: completes the engine's search language as you type
(the suggestion shows after the cursor; ``tab`` or ``right`` takes it), names the other
candidates in a hint line, and recalls what was typed before with ``up`` / ``down``, across
runs (ovtui/history.py).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ovtui.history import History, Recall
from ovtui.search_complete import Completion, Vocabulary, complete, complete_command, hint, suggest
from ovtui.textsafe import is_unsafe

from .safe import message


class _Suggester(Suggester):
    def __init__(self, bar: SearchBar) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.bar = bar

    async def get_suggestion(self, value: str) -> str | None:
        """None for an engine name with a control, bidi or invisible character: the ``Input``
        would draw it raw after the cursor and ``tab`` would put it in the bar (the hint line
        names it, escaped)."""
        text = suggest(self.bar.completion(value))
        if text is None or any(is_unsafe(ch) for ch in text):
            return None
        return text


class SearchBar(Input):
    """``open(mode, noun, value, vocab)`` shows it for a tab; ``remember(text)`` keeps an
    entered line in the history of its mode."""

    BINDINGS = [
        Binding("tab", "accept", "Complete"),
        Binding("up", "older", "History"),
        Binding("down", "newer", "Newer", show=False),
    ]

    def __init__(
        self, history: History | None = None, hint_id: str = "bar-hint", **kw: Any
    ) -> None:
        super().__init__(placeholder="", **kw)
        self.suggester = _Suggester(self)
        self.history = history if history is not None else History()
        self.hint_id = hint_id
        self.mode = "search"
        self.noun = "vm"
        self.vocab = Vocabulary()
        self.bookmarks: list[str] = []
        self.recall = Recall([])

    def open(
        self,
        mode: str,
        noun: str,
        value: str,
        vocab: Vocabulary | None = None,
        bookmarks: list[str] | None = None,
    ) -> None:
        self.mode, self.noun = mode, noun
        self.vocab = vocab or Vocabulary()
        self.bookmarks = bookmarks or []
        self.recall = Recall(self.history.entries(mode), value)
        self.value = value
        self.cursor_position = len(value)
        self._show_hint(value)

    def completion(self, value: str) -> Completion:
        if self.mode == "command":
            return complete_command(value, self.vocab, self.bookmarks)
        return complete(self.noun, value, self.vocab)

    def remember(self, text: str) -> None:
        self.history.add(self.mode, text)

    # ------------------------------------------------------------------ keys
    def action_accept(self) -> None:
        """Take the suggestion shown after the cursor (as ``right`` does at the end)."""
        self.cursor_position = len(self.value)
        self.action_cursor_right()

    def action_older(self) -> None:
        text = self.recall.older(self.value)
        if text is not None:
            self._set(text)

    def action_newer(self) -> None:
        text = self.recall.newer()
        if text is not None:
            self._set(text)

    def _set(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    # ------------------------------------------------------------------ hint
    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show_hint(event.value)

    def _show_hint(self, value: str) -> None:
        try:
            target = self.screen.query_one(f"#{self.hint_id}", Static)
        except Exception:  # noqa: BLE001 - no hint line on this screen
            return
        text = hint(self.completion(value))
        target.update(message(text, style="dim"))
        target.set_class(not text or self.has_class("hidden"), "hidden")
