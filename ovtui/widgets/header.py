"""The main screen's header line: engine, connection state, last refresh, user, version.

It draws the app's state (``OvtuiApp``'s reactives ``conn_state``, ``last_ok``, ``paused``,
``engine_info``, ``readonly``) and redraws when one changes: nobody calls it.
"""

from __future__ import annotations

import time
from typing import Any

from textual.content import Content
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
