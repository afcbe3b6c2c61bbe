"""The TUI on real engine answers (the replay engine, see replay_engine.py).

Every main tab shows the recorded objects (events: a message that this engine does not serve
them); the detail of the first host, VM, cluster, data center and storage domain loads every
sub-tab, rows or a message in place (what was never recorded is a 404, as on a partial engine).
The app must never crash.
"""
# ruff: noqa: B023 - lambdas are awaited within the loop iteration

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ovtui.actions.browse import MAIN_TABS, SUBTABS
from ovtui.actions.registry import NOUNS
from ovtui.app import OvtuiApp
from ovtui.config import Profile
from ovtui.screens.detail import DetailScreen
from ovtui.widgets.columns import columns_for
from ovtui.widgets.events_pane import EventsPane
from tests.support import asynctest, wait_until

from .replay_engine import API

SIZE = (160, 45)
DETAIL_NOUNS = ("host", "vm", "cluster", "datacenter", "storagedomain")
# Sub-tabs whose engine paths are recorded for the first object: these must show rows.
RECORDED_SUBTABS = {
    "host": {"host_vms", "host_nics", "statistics"},
    "vm": {"nics", "snapshots", "applications"},
    "cluster": {"cluster_hosts", "cluster_vms"},
    "datacenter": {"dc_storage"},
    "storagedomain": set(),
}


def make_app(replay) -> OvtuiApp:
    profile = Profile(
        name="replay", url=replay.url, username=replay.username, password=replay.password
    )
    return OvtuiApp(profile, live=False)


def recorded_ids(replay, noun: str) -> list[str]:
    body = replay.recordings.first_body(f"{API}/{NOUNS[noun].plural}")
    return [e.get("id") for e in ET.fromstring(body)] if body else []


def cell_text(value: Any) -> str:
    return getattr(value, "plain", str(value))


def text_of(widget: Any) -> str:
    return str(widget.render())


def assert_alive(app: OvtuiApp) -> None:
    assert app.return_code is None, app.return_code
    assert app._exception is None, app._exception


@asynctest
async def test_every_main_tab_shows_the_recorded_objects(replay):
    app = make_app(replay)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main screen")
        m = app.main_screen()
        for i, noun in enumerate(MAIN_TABS):
            if i < 9:
                await pilot.press(str(i + 1))  # keys 1..9 (DESIGN); the tenth, Pools, has none
            else:
                m.show_tab(noun)
            await wait_until(
                pilot,
                lambda: (
                    m.current == noun
                    and not m.view.in_flight
                    and (m.view.loaded_once or m.view.failures)
                ),
                what=f"{noun} tab answered",
            )
            view = m.view
            if noun in ("event", "vmpool"):  # not in the recordings: the engine answered 404
                assert not view.loaded_once
                msg = text_of(view.query_one(".view-message"))
                assert f"does not serve /{NOUNS[noun].plural}" in msg, msg
                assert "not available on this engine" in msg, msg
                continue
            assert view.loaded_once, (noun, text_of(view.query_one(".view-message")))
            ids = recorded_ids(replay, noun)
            assert ids, noun
            assert set(view.table.order) == set(ids), noun
            titles = [str(c.label) for c in view.table.columns.values()][1:]
            assert titles == [c.title for c in columns_for(noun)], noun
            name_col = columns_for(noun)[0].key  # Name (disks: Alias)
            for key in view.table.order:
                name = cell_text(view.table.get_cell(key, name_col))
                assert name and name == view.objects[key].name, (noun, key, name)
            assert text_of(view.query_one(".view-message")) == "", noun
        # the panes say the same about events and jobs, in place
        await pilot.press("1")
        await pilot.press("e")
        pane = m.query_one(EventsPane)
        await wait_until(
            pilot,
            lambda: "does not serve /events" in text_of(pane.query_one(".view-message")),
            what="events pane message",
        )
        await pilot.press("t")
        await wait_until(
            pilot,
            lambda: "does not serve /jobs" in text_of(m.query_one("#engine-jobs")),
            what="jobs pane message",
        )
        assert_alive(app)
    assert app.return_code in (None, 0)


@asynctest
async def test_detail_of_the_first_object_loads_every_subtab(replay):
    app = make_app(replay)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main screen")
        m = app.main_screen()
        for noun in DETAIL_NOUNS:
            await pilot.press(str(MAIN_TABS.index(noun) + 1))
            await wait_until(
                pilot,
                lambda: m.current == noun and m.view.loaded_once and m.view.table.order,
                what=f"{noun} rows",
            )
            first = m.view.table.order[0]
            m.view.table.focus()
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, DetailScreen) and app.screen.noun == noun,
                what=f"{noun} detail",
            )
            detail = app.screen
            assert detail.obj.id == first
            general = dict(
                (str(detail.query_one("#general").get_row_at(r)[0]), r)
                for r in range(detail.query_one("#general").row_count)
            )
            assert general, f"{noun}: empty General tab"
            outcome: dict[str, str] = {}
            for i, (title, key, _jump) in enumerate(SUBTABS[noun]):
                await pilot.press("right_square_bracket")
                msg = detail.query_one(f"#tab-{i} .view-message")
                await wait_until(
                    pilot,
                    lambda: (
                        f"sub-{i}" in detail.sub_objects
                        or (text_of(msg) and not text_of(msg).startswith("Loading"))
                    ),
                    what=f"{noun} sub-tab {title}",
                )
                if f"sub-{i}" in detail.sub_objects:
                    outcome[key] = "rows" if detail.sub_objects[f"sub-{i}"] else "empty"
                else:
                    text = text_of(msg)
                    assert "does not serve" in text and "(404)" in text, (noun, title, text)
                    assert "Traceback" not in text and "Error:" not in text, text
                    outcome[key] = "404"
                assert_alive(app)
            for key in RECORDED_SUBTABS[noun]:
                assert outcome.get(key) in ("rows", "empty"), (noun, key, outcome)
            await pilot.press("x")
            await wait_until(
                pilot, lambda: f'id="{first}"' in text_of(detail.query_one("#xml")), what="xml"
            )
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is m, what="back to main")
        assert_alive(app)
    assert app.return_code in (None, 0)


def dc_statuses(replay) -> dict[str, str]:
    """Storage domain id -> status, as the recorded /datacenters/ID/storagedomains say."""
    out: dict[str, str] = {}
    for dc_id in recorded_ids(replay, "datacenter"):
        body = replay.recordings.first_body(f"{API}/datacenters/{dc_id}/storagedomains")
        for sd in ET.fromstring(body) if body else []:
            if sd.findtext("status"):
                out.setdefault(sd.get("id"), sd.findtext("status"))
    return out


@asynctest
async def test_storage_domain_status_is_the_data_centers(replay):
    expected = dc_statuses(replay)
    attached = {}
    body = replay.recordings.first_body(f"{API}/storagedomains")
    for sd in ET.fromstring(body):
        if sd.findtext("status") is None and sd.get("id") in expected:
            attached[sd.get("id")] = expected[sd.get("id")]
    assert attached  # data_spider_1, iscsi_n... are attached and active
    app = make_app(replay)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main screen")
        m = app.main_screen()
        await pilot.press(str(MAIN_TABS.index("storagedomain") + 1))
        await wait_until(
            pilot,
            lambda: m.current == "storagedomain" and m.view.loaded_once and m.view.table.order,
            what="storage domains",
        )
        shown = {k: cell_text(m.view.table.get_cell(k, "status")) for k in attached}
        assert_alive(app)
    assert shown == attached
