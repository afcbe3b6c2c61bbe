"""Command palette provider: verbs by name, tabs, bookmarks, and objects by name across types."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ovtui.actions.browse import MAIN_TABS
from ovtui.actions.registry import NOUNS
from ovtui.widgets.safe import markup_escape, styled

from .noun_table import open_noun_table, table_nouns
from .verbs import visible_verbs


class OvtuiCommands(Provider):
    """Everything the palette offers; object names are looked up in the engine (a worker thread)."""

    def _commands(self) -> list[tuple[str, Any, str]]:
        app: Any = self.app
        screen: Any = self.screen
        out: list[tuple[str, Any, str]] = []
        current = getattr(screen, "verb_noun", lambda: None)()
        nouns = [current] if current else []
        nouns += [n for n in MAIN_TABS if n != current]
        for noun in nouns:
            for a in visible_verbs(noun, app.readonly):
                help_ = a.help + ("  (dangerous: asks first)" if a.dangerous else "")
                out.append((f"{noun} {a.verb}", partial(self._verb, noun, a.verb, False), help_))
                if a.params:
                    out.append(
                        (
                            f"{noun} {a.verb}...",
                            partial(self._verb, noun, a.verb, True),
                            "with options: " + a.help,
                        )
                    )
        out.append(("dashboard", app.show_dashboard, "key 0"))
        for i, n in enumerate(MAIN_TABS):
            key = f"key {i + 1}" if i < 9 else f":{NOUNS[n].plural}"  # the 10th has no digit
            out.append((f"tab {NOUNS[n].title}", partial(app.goto_tab, n, None), key))
        for n in table_nouns(MAIN_TABS):  # :tags, :quotas... (screens/noun_table.py)
            title = NOUNS[n].title
            out.append((f"table {title}", partial(open_noun_table, app, n), f":{NOUNS[n].plural}"))
        for name, spec in app.bookmarks().items():
            out.append((f"bookmark {name}", partial(app.goto_bookmark, spec), markup_escape(spec)))
        out.append(("pause/resume live refresh", app.action_pause, "key p"))
        out.append(("keys of this screen", app.action_help, "key ?"))
        return out

    def _verb(self, noun: str, verb: str, form: bool) -> None:
        app: Any = self.app
        app.run_verb_from_palette(noun, verb, form)

    async def discover(self) -> Hits:
        for text, cb, help_ in self._commands():
            yield DiscoveryHit(text, cb, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, cb, help_ in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), cb, help=help_)
        if len(query.strip()) >= 2:
            app: Any = self.app
            try:
                found = await asyncio.to_thread(app.browser.find_by_name, query.strip(), 5)
            except Exception:  # noqa: BLE001 - the engine may be away; verbs still match
                found = []
            for noun, obj in found:
                # the name is engine text: a Text prompt is never read as markup
                label = styled(f"{NOUNS[noun].name} ", obj.name or obj.id or "")
                yield Hit(
                    0.9,
                    label,
                    partial(app.open_object, noun, obj),
                    text=label.plain,
                    help="open",
                )
