"""Textual's Footer, each key listed once, without its leak on every change of bindings.

Each key once: Textual's Footer docks the command palette's key on its right
(``show_command_palette``), and lists it a second time among the keys when a binding of the
app shows it (``OvtuiApp`` declares ``ctrl+p`` with ``show=True`` so ``?`` and the palette name
it): the dashboard and the main screen read ``^p Palette`` twice. The list leaves out the
palette's key when the dock shows it, and any key a screen and the app both show.

The leak: each recompose of Textual's Footer (every ``refresh_bindings``: a tab switch, a focus
change, a verb key set) builds new ``FooterKey`` widgets bound with
``data_bind(compact=Footer.compact)``; the binding stores ``(FooterKey, callback)`` on the Footer
itself and is only pruned when ``compact`` changes, which it never does, so every old key and
its subtree stayed alive (Textualize/textual#6666, open): an ovtui left on one tab grew by about
1.5 MB a second while an operator paged or switched tabs (found by benchmarks/soak.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

PALETTE_DOCK = "-command-palette"  # the class Textual gives the docked palette key


class Footer(TextualFooter):
    def compose(self) -> Iterator[Widget]:  # type: ignore[override]
        docked = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        palette = self._palette_action() if docked else None
        seen: set[str] = set()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class(PALETTE_DOCK):
                if widget.action == palette or widget.key in seen:
                    continue  # the dock shows it / listed already
                seen.add(widget.key)
            yield widget

    def _palette_action(self) -> str | None:
        """The palette binding's action when the dock will show it (it is active here)."""
        found: Any = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return None if found is None else found.binding.action

    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        """Forget the watchers of keys that are no longer in the footer."""
        watchers: dict[str, list] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, cb) for node, cb in entries if node.is_attached]
