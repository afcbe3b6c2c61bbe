"""Plugins: third-party packages that add verbs and main tabs (docs/plugins.md).

A plugin is an installed distribution with an entry point in the group ``ovtui.plugins``::

    [project.entry-points."ovtui.plugins"]
    container = "ovtui_container_plugin"

Loading it imports the module: its ``@verb`` declarations (:mod:`ovtui.actions.declare`, the
same decorator as the built-in verbs) register in the action registry, so the verbs appear in
``ovtui run NOUN -h``, the TUI footer, forms and the command palette. When the entry point
names a callable (``module:register``), it is called with this module's :class:`PluginAPI`,
whose ``add_tab(noun)`` adds a main tab for a new :class:`~ovtui.actions.nouns.Noun`.

A plugin that fails to import (or whose ``register`` raises) is named in one warning line on
stderr, whatever it registered is kept out, and everything else works.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

GROUP = "ovtui.plugins"


@dataclass
class Plugin:
    name: str
    dist: str = ""
    version: str = ""
    verbs: list[str] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)
    error: str | None = None

    def adds(self) -> str:
        parts = [f"verb {v}" for v in self.verbs] + [f"tab {t}" for t in self.tabs]
        return ", ".join(parts) or "nothing"


LOADED: list[Plugin] = []
_done = False


class PluginAPI:
    """What a plugin's ``register(api)`` is handed."""

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    def add_tab(self, noun: Any) -> None:
        """A main tab (after the built-in ones) for ``noun``, a new Noun."""
        from .actions import browse, declare, nouns

        if noun.name in nouns.NOUNS:
            raise ValueError(f"noun {noun.name!r} exists already")
        nouns.NOUNS[noun.name] = noun
        for word in (noun.name, noun.plural, *noun.aliases):
            nouns._ALIASES.setdefault(word, noun.name)  # :PLURAL and ovtui run PLURAL
        declare.DECLARED.setdefault(noun.name, {})
        from .screens import main as main_screen  # its tab bar labels (textual loads here)

        main_screen.SHORT.setdefault(noun.name, noun.title)
        main_screen.TINY.setdefault(noun.name, noun.title[:6])
        old = browse.MAIN_TABS
        new = (*old, noun.name)
        for mod in list(sys.modules.values()):  # the screens keep their own reference
            if getattr(mod, "MAIN_TABS", None) is old:
                mod.MAIN_TABS = new  # type: ignore[attr-defined]
        self.plugin.tabs.append(noun.name)


def _snapshot() -> set[tuple[str, str]]:
    from .actions.declare import DECLARED

    return {(n, v) for n, verbs in DECLARED.items() for v in verbs}


def _forget(before: set[tuple[str, str]]) -> None:
    """Take back what a failed plugin registered before it failed."""
    from .actions.declare import DECLARED

    for noun, verbs in DECLARED.items():
        for v in [v for v in verbs if (noun, v) not in before]:
            del verbs[v]


def _entry_points() -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name)


def load_plugins(warn: bool = True) -> list[Plugin]:
    """Load every plugin once (later calls return the same list)."""
    global _done
    if _done:
        return LOADED
    _done = True
    from .actions import registry  # the built-in verbs first

    del registry
    for ep in _entry_points():
        dist = getattr(ep, "dist", None)
        plugin = Plugin(
            name=ep.name,
            dist=getattr(dist, "name", "") or "",
            version=getattr(dist, "version", "") or "",
        )
        before = _snapshot()
        try:
            obj = ep.load()
            if callable(obj):
                obj(PluginAPI(plugin))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break ovtui
            _forget(before)
            first = (str(exc).splitlines() or [""])[0][:200]
            plugin.error = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
            if warn:
                from .textsafe import visible  # its name and message are shown as data

                print(
                    f"ovtui: warning: plugin {visible(ep.name)} ({visible(ep.value)}) failed"
                    f" to load, skipped: {visible(plugin.error)}",
                    file=sys.stderr,
                )
        else:
            plugin.verbs = [f"{n} {v}" for n, v in sorted(_snapshot() - before)]
        LOADED.append(plugin)
    if any(p.verbs for p in LOADED):
        _rebind_screens()
    return LOADED


def _rebind_screens() -> None:
    """Screens imported before the plugins loaded (a test, an embedding program) built their
    verb keys then: give them the registry's keys now. (``ovtui`` loads the plugins before
    it imports any screen, so there this does nothing.)"""
    verbs_mod = sys.modules.get("ovtui.screens.verbs")
    if verbs_mod is None:
        return
    fresh = verbs_mod.verb_bindings()

    def walk(cls: type) -> list[type]:
        out: list[type] = []
        subs: list[type] = cls.__subclasses__()
        for sub in subs:
            out += [sub, *walk(sub)]
        return out

    hosts = walk(verbs_mod.VerbHost)
    for cls in hosts:
        own = cls.__dict__.get("BINDINGS")
        if own is None:
            continue
        kept = [b for b in own if not str(getattr(b, "action", "")).startswith("verb(")]
        if len(kept) < len(own):  # it lists verb_bindings(): the fresh ones instead
            cls.BINDINGS = kept + fresh  # type: ignore[attr-defined]
    for cls in hosts:
        merge = getattr(cls, "_merge_bindings", None)
        if merge is not None:
            cls._merged_bindings = merge()  # type: ignore[attr-defined]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plugins", help="list the installed plugins and what they add")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from .textsafe import visible

    plugins = load_plugins()
    if not plugins:
        print(f"No plugins installed (entry point group {GROUP}; see docs/plugins.md).")
        return 0
    rows = [("NAME", "VERSION", "ADDS")]
    for p in plugins:
        adds = f"FAILED: {p.error}" if p.error else p.adds()
        rows.append((p.name, p.version or "-", adds))
    width = [max(len(visible(r[i])) for r in rows) for i in range(2)]
    for r in rows:
        print(f"{visible(r[0]):<{width[0]}}  {visible(r[1]):<{width[1]}}  {visible(r[2])}")
    return 1 if any(p.error for p in plugins) else 0
