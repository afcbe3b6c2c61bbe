"""The search bar completes the engine's search language and remembers across runs."""
# ruff: noqa: B023

from __future__ import annotations

import json

import pytest

from ovtui.history import History
from ovtui.search_complete import Vocabulary, complete, complete_command, suggest
from ovtui.widgets.search_bar import SearchBar
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SIZE = (160, 45)


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    """platformdirs' user state dir follows XDG_STATE_HOME: the history goes here."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def test_completion_knows_fields_operators_values_and_words():
    v = Vocabulary({"cluster": ["Default", "Prod East"], "tag": ["web"]})
    assert suggest(complete("vm", "stat", v)) == "status = "
    assert suggest(complete("vm", "status = u", v)) == "status = up"
    assert suggest(complete("host", "status = ma", v)) == "status = maintenance"
    assert suggest(complete("vm", "status = up a", v)) == "status = up and "
    assert suggest(complete("vm", "cluster = Pr", v)) == 'cluster = "Prod East"'
    assert suggest(complete("vm", "tag=w", v)) == "tag=web"
    assert suggest(complete("vm", "sortby na", v)) == "sortby name"
    assert suggest(complete("event", "sev", v)) == "severity = "
    assert suggest(complete("event", "severity = e", v)) == "severity = error"
    assert complete("vm", "status = zz", v).candidates == []
    assert suggest(complete_command("ho", v)) == "hosts"
    assert suggest(complete_command("hosts status = non_r", v)) == "hosts status = non_responsive"


def test_history_keeps_kinds_apart_bounded_and_private(state_dir):
    h = History()
    h.add("search", "status=up")
    h.add("command", "hosts")
    h.add("search", "name=web*")
    h.add("search", "status=up")  # typed again: moves to the end
    again = History()
    assert again.entries("search") == ["name=web*", "status=up"]
    assert again.entries("command") == ["hosts"]
    assert (again.path.stat().st_mode & 0o777) == 0o600
    again.path.write_text("not json")
    assert History().entries("search") == []  # a broken file costs the history only


async def _type(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "=": "equals_sign"}.get(c, c) for c in text])


@asynctest
async def test_typing_stat_then_u_completes_status_up_on_the_vms_tab(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("slash")
        bar = m.query_one("#command-bar", SearchBar)
        await _type(pilot, "stat")
        await wait_until(pilot, lambda: bar._suggestion == "status = ", what="suggestion")
        await pilot.press("tab")
        assert bar.value == "status = "
        await pilot.press("u")
        await wait_until(pilot, lambda: bar._suggestion == "status = up", what="up")
        hint = m.query_one("#bar-hint")
        assert "up" in str(hint.render()) and "unknown" in str(hint.render())
        await pilot.press("tab")
        assert bar.value == "status = up"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: m.view.search == "status = up" and m.view.loaded_once, what="search"
        )
        ups = [o for o in m.view.objects.values() if o.status.value == "up"]
        assert ups and len(ups) == len(m.view.objects)


@asynctest
async def test_search_and_command_history_survive_a_restart(sim, state_dir):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("slash")
        await _type(pilot, "name=web*")
        await pilot.press("enter")
        await pilot.press("colon")
        await _type(pilot, "hosts status=up")
        await pilot.press("enter")
        await wait_until(pilot, lambda: m.current == "host", what="hosts tab")
    saved = json.loads((state_dir / "ovtui" / "history.json").read_text())
    assert saved == {"search": ["name=web*"], "command": ["hosts status=up"]}

    app = make_app(sim, live=False)  # a new run
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        bar = m.query_one("#command-bar", SearchBar)
        await pilot.press("slash")
        await _type(pilot, "draft")
        await pilot.press("up")
        assert bar.value == "name=web*"
        await pilot.press("down")
        assert bar.value == "draft"  # back to what was being typed
        await pilot.press("escape")
        await pilot.press("colon")
        await pilot.press("up")
        assert bar.value == "hosts status=up"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: m.current == "host" and m.view.search == "status=up", what="recalled"
        )
