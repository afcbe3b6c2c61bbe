"""Verb keys never clash: within a noun each verb has its own key, and no verb key is one the
main screen, the detail screen or the app binds for itself (such a key would never reach the
verb, or would run the verb instead of the screen's own action)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from textual.binding import Binding
from textual.keys import _character_to_key

from ovtui.actions import registry
from ovtui.app import OvtuiApp
from ovtui.screens.detail import DetailScreen
from ovtui.screens.main import MainScreen
from ovtui.screens.verbs import RESERVED_KEYS
from ovtui.widgets.resource_table import ResourceTable


def key_name(key: str) -> str:
    """A key as Textual names it (``?`` is ``question_mark``; ``A`` stays ``A``)."""
    return _character_to_key(key) if len(key) == 1 else key


def own_keys(*holders: type) -> dict[str, str]:
    """Keys bound by the classes themselves (not verb bindings) -> their action."""
    out: dict[str, str] = {}
    for holder in holders:
        for b in holder.BINDINGS:
            assert isinstance(b, Binding)
            if b.action.startswith("verb("):
                continue
            for k in b.key.split(","):
                out[key_name(k.strip())] = b.action
    return out


SCREEN_KEYS = own_keys(MainScreen, DetailScreen, OvtuiApp, ResourceTable)
NOUNS_WITH_VERBS = sorted(registry.NOUNS)


def keyed(noun: str) -> dict[str, list[str]]:
    """key -> the verbs of ``noun`` declared with it (aliases counted once)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for name, a in registry.verbs(noun).items():
        if name == a.verb and a.key:
            by_key[key_name(a.key)].append(a.verb)
    return by_key


def test_the_screens_keys_are_known():
    """The test sees the screens' own keys (a refactoring that hid them would pass it)."""
    for k in ("1", "slash", "colon", "e", "t", "o", "p", "q", "x", "escape", "question_mark"):
        assert k in SCREEN_KEYS, k


@pytest.mark.parametrize("noun", NOUNS_WITH_VERBS)
def test_each_verb_of_a_noun_has_its_own_key(noun):
    clashes = {k: v for k, v in keyed(noun).items() if len(v) > 1}
    assert not clashes, f"{noun}: verbs sharing a key: {clashes}"


@pytest.mark.parametrize("noun", NOUNS_WITH_VERBS)
def test_no_verb_key_is_a_screen_key(noun):
    taken = {k: v for k, v in keyed(noun).items() if k in SCREEN_KEYS}
    assert not taken, f"{noun}: verb keys the screens bind: " + ", ".join(
        f"{k} ({', '.join(v)} vs {SCREEN_KEYS[k]})" for k, v in taken.items()
    )


@pytest.mark.parametrize("noun", NOUNS_WITH_VERBS)
def test_no_verb_key_is_reserved(noun):
    """DESIGN's keys (and ovtui's) that a verb may not take: such a verb has no key at all."""
    reserved = {key_name(k) for k in RESERVED_KEYS}
    taken = {k: v for k, v in keyed(noun).items() if k in reserved}
    assert not taken, f"{noun}: verb keys that are reserved: {taken}"
