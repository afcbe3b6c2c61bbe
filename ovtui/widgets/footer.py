"""Textual's Footer without its leak on every change of bindings.

Each recompose of Textual's Footer (every ``refresh_bindings``: a tab switch, a focus change, a
verb key set) builds new ``FooterKey`` widgets bound with ``data_bind(compact=Footer.compact)``;
the binding stores ``(FooterKey, callback)`` on the Footer itself and is only pruned when
``compact`` changes, which it never does, so every old key and its subtree stayed alive
(Textualize/textual#6666, open): an ovtui left on one tab grew by about 1.5 MB a second while an
operator paged or switched tabs (found by benchmarks/soak.py).
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        """Forget the watchers of keys that are no longer in the footer."""
        watchers: dict[str, list] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [(node, cb) for node, cb in entries if node.is_attached]
