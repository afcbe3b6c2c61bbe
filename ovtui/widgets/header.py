"""The main screen's header line: engine, connection state, last refresh, user, version,
and the tab bar under it (:func:`tab_bar`).

The header draws the app's state (``OvtuiApp``'s reactives ``conn_state``, ``last_ok``,
``paused``, ``engine_info``, ``readonly``) and redraws when one changes: nobody calls it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from textual.content import Content
from textual.markup import escape
from textual.widget import Widget

from ovtui.textsafe import visible

from .safe import LINE

WATCHED = ("conn_state", "last_ok", "paused", "engine_info", "readonly")
STATES = {
    "connected": ("● connected", "green"),
    "connecting": ("○ connecting", "yellow"),
    "error": ("✖ engine unreachable", "red"),
}


class EngineHeader(Widget):
    DEFAULT_CSS = """
    EngineHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        for name in WATCHED:
            self.watch(self.app, name, self._changed, init=False)

    def _changed(self, _value: Any) -> None:
        self.refresh()

    def render(self) -> Content:
        """Content, not markup: ovtui's own styles around plain text; the engine's product
        name/version and the profile are shown as they are (controls escaped)."""
        app: Any = self.app
        p = app.profile
        name = getattr(p, "name", "") or ""
        engine = getattr(p, "engine_label", None) or getattr(p, "url", "")
        if name and name != "default":
            engine = name  # the profile's name says which engine; stable in snapshots
        state = STATES.get(app.conn_state, (visible(app.conn_state), ""))
        if not app.live:
            last = "refresh off"
        elif app.last_ok is None:
            last = "not refreshed yet"
        else:
            last = "refreshed " + time.strftime("%H:%M:%S", time.localtime(app.last_ok))
        live: Any = (
            ("paused", "yellow")
            if app.paused and app.live
            else (f"every {app.refresh_interval:g}s" if app.live else "")
        )
        parts: list[Any] = [
            Content.assemble(("ovtui", "bold"), " ", visible(engine, LINE)),
            state,
            last,
            live,
            visible(getattr(p, "username", "") or "", LINE),
            visible(app.engine_info, LINE),  # the engine's product name and version
        ]
        pieces: list[Any] = []
        for x in parts:
            if x:
                pieces += [" · ", x] if pieces else [x]
        if app.readonly:
            pieces += [" · ", ("read-only", "yellow")]
        if app.demo is not None:
            pieces += [" · ", ("demo", "magenta")]
        return Content.assemble(*pieces)


DASHBOARD = "dashboard"  # ``current`` for the dashboard's own bar
Entry = tuple[str, str, bool]  # label, click action, current


def tab_bar(
    tabs: Sequence[str],
    current: str,
    width: int,
    short: Mapping[str, str],
    tiny: Mapping[str, str],
) -> str:
    """The tab bar's markup, ``0 Dashboard`` then the main tabs (keys 1..9, as DESIGN.md's
    contract has them; the 10th, Pools, and a plugin's tabs have no digit: ``:pools``).

    Every tab stays reachable by a click and the current one is always on screen, whatever
    the width: the labels as they fit in ``width`` cells, first ``short`` ones padded
    (`` 1 DCs ``), then ``tiny`` ones padded, then ``tiny`` ones one space apart (all eleven
    fit in 80 columns), and past that (a narrower terminal, plugin tabs) a window of tabs
    around the current one with ``‹``/``›`` where tabs are left out, as k9s keeps its current
    view in sight rather than cutting it off. ``width`` 0 (not laid out yet): full labels.
    """

    def entries(labels: Mapping[str, str], dash: str) -> list[Entry]:
        out = [("0 " + dash, "app.show_dashboard", current == DASHBOARD)]
        for i, n in enumerate(tabs):
            key = f"{i + 1} " if i < 9 else ""
            out.append((key + labels.get(n, short.get(n, n)), f"screen.tab('{n}')", n == current))
        return out

    compact = entries(tiny, "Dash")
    for bar in (
        _padded(entries(short, "Dashboard")),
        _padded(compact),
        _spaced(compact),
    ):
        if not width or _cells(bar) <= width:
            return bar
    active = next((i for i, e in enumerate(compact) if e[2]), 0)
    lo = hi = active
    grew = True
    while grew:
        grew = False
        for a, b in ((lo, hi + 1), (lo - 1, hi)):  # one more on the right, then the left
            if a >= 0 and b < len(compact) and _cells(_window(compact, a, b)) <= width:
                lo, hi, grew = a, b, True
    return _window(compact, lo, hi)


def _cells(markup: str) -> int:
    return Content.from_markup(markup).cell_length


def _tab(entry: Entry, text: str) -> str:
    _, action, active = entry
    if active:
        return f"[reverse][b]{text}[/b][/reverse]"
    return f"[@click={action}]{text}[/]"


def _padded(entries: Sequence[Entry]) -> str:
    """`` 1 DCs  2 Clusters ``: each label with a space on either side."""
    return "".join(_tab(e, f" {escape(e[0])} ") for e in entries)


def _spaced(entries: Sequence[Entry]) -> str:
    """`` 1 DC 2 Clu``: one space apart; the current tab keeps its padding (it takes the
    spaces on its sides)."""
    out = []
    for i, e in enumerate(entries):
        before = i > 0 and entries[i - 1][2]
        if e[2]:
            out.append(_tab(e, f" {escape(e[0])} "))
        else:
            out.append(("" if before else " ") + _tab(e, escape(e[0])))
    return "".join(out)


def _window(entries: Sequence[Entry], lo: int, hi: int) -> str:
    """Tabs ``lo..hi`` one space apart, ``‹``/``›`` saying that tabs are left out there."""
    bar = _spaced(entries[lo : hi + 1])
    return (" ‹" if lo > 0 else "") + bar + (" ›" if hi < len(entries) - 1 else "")
