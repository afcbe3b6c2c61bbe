"""Pilot tests of browsing: tabs, search, paging, sub-tabs, live refresh, events, faults."""
# ruff: noqa: B023 - lambdas are awaited within the loop iteration

from __future__ import annotations

import ovtui.sim.testing as simtesting
from ovtui.actions.browse import MAIN_TABS, SUBTABS
from ovtui.actions.registry import NOUNS
from ovtui.screens.detail import DetailScreen
from ovtui.widgets.columns import columns_for
from ovtui.widgets.events_pane import EventsPane
from tests.support import asynctest, wait_until

from .helpers import cell_text, loaded, make_app

SIZE = (160, 45)


def sdk_list(sim, noun: str, **kw):
    conn = simtesting.connect(sim)
    try:
        n = NOUNS[noun]
        return list(getattr(conn.system_service(), n.collection)().list(**kw))
    finally:
        conn.close()


@asynctest
async def test_every_main_tab_lists_the_engine_objects(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app)
        for i, noun in enumerate(MAIN_TABS):
            if i < 9:
                await pilot.press(str(i + 1))  # keys 1..9 (DESIGN); the tenth, Pools, has none
            else:
                m.show_tab(noun)
            await wait_until(pilot, lambda: m.current == noun and m.view.loaded_once, what=noun)
            view = m.view
            expected = sdk_list(sim, noun, max=100)
            assert set(view.table.order) == {o.id for o in expected}, noun
            titles = [str(c.label) for c in view.table.columns.values()][1:]
            assert titles == [c.title for c in columns_for(noun)], noun


@asynctest
async def test_search_narrows_to_what_the_engine_returns(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("slash")
        await pilot.press(*"name=web*")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: m.view.search == "name=web*" and m.view.loaded_once and not m.view.in_flight,
        )
        expected = {o.id for o in sdk_list(sim, "vm", search="name=web*", max=100)}
        await wait_until(pilot, lambda: set(m.view.table.order) == expected, what="search rows")
        assert 0 < len(expected) < 50
        assert "name=web*" in m.view.title_text()
        # command mode switches tab with a search
        await pilot.press("colon")
        await pilot.press(*"hosts status=up")
        await pilot.press("enter")
        await wait_until(pilot, lambda: m.current == "host" and m.view.search == "status=up")


@asynctest
async def test_page_two_shows_the_next_rows(make_sim):
    sim = make_sim(vms=130, hosts=4, seed=1)
    app = make_app(sim, live=False, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        first = list(m.view.table.order)
        assert len(first) == 50
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot, lambda: m.view.page == 2 and not m.view.in_flight and m.view.table.order != first
        )
        second = list(m.view.table.order)
        expected = [o.id for o in sdk_list(sim, "vm", search="page 2", max=50)]
        assert second == expected
        assert not set(first) & set(second)
        assert "page 2" in m.view.title_text()
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: m.view.page == 1 and m.view.table.order == first)


@asynctest
async def test_every_subtab_of_every_entity_type_loads(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app)
        for noun in MAIN_TABS:
            m.show_tab(noun)
            await wait_until(pilot, lambda: m.view.loaded_once and m.view.table.order, what=noun)
            await pilot.press("enter")
            await wait_until(
                pilot, lambda: isinstance(app.screen, DetailScreen), what=f"{noun} detail"
            )
            detail = app.screen
            for i, (title, _key, _jump) in enumerate(SUBTABS[noun]):
                await pilot.press("right_square_bracket")
                await wait_until(
                    pilot,
                    lambda: f"sub-{i}" in detail.sub_objects,
                    timeout=15,
                    what=f"{noun} sub-tab {title}",
                )
            await pilot.press("x")
            await wait_until(
                pilot, lambda: "<" in str(detail.query_one("#xml").render()), what="xml"
            )
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is m)


@asynctest
async def test_subtab_row_jumps_to_the_object(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "cluster")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("right_square_bracket")  # Hosts
        detail = app.screen
        await wait_until(pilot, lambda: detail.sub_objects.get("sub-0"))
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.noun == "host"
        )


@asynctest
async def test_status_change_appears_without_moving_the_cursor(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        down = [k for k in table.order if cell_text(table, k, "status") == "down"]
        target = down[len(down) // 2]
        await pilot.press("down", "down", "down")
        cursor_key = table.current_key
        conn = simtesting.connect(sim)
        try:
            conn.system_service().vms_service().vm_service(target).start()
        finally:
            conn.close()
        await wait_until(
            pilot,
            lambda: cell_text(table, target, "status") != "down",
            timeout=3.0,
            what="status change",
        )
        assert table.current_key == cursor_key


@asynctest
async def test_events_pane_shows_a_new_event(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("e")
        pane = m.query_one(EventsPane)
        await wait_until(pilot, lambda: pane.last_id is not None, what="first events")
        before = pane.last_id
        conn = simtesting.connect(sim)
        try:
            vm = conn.system_service().vms_service().list(search="status=down", max=1)[0]
            conn.system_service().vms_service().vm_service(vm.id).start()
        finally:
            conn.close()
        await wait_until(pilot, lambda: pane.last_id > before, timeout=10, what="a new event")


@asynctest
async def test_engine_without_events_and_jobs_still_browses(sim):
    sim.faults.not_found = {"events", "jobs"}
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app)
        for noun in MAIN_TABS:
            m.show_tab(noun)
            await wait_until(pilot, lambda: m.view.loaded_once or m.view.failures, what=noun)
            if noun == "event":
                msg = str(m.view.query_one(".view-message").render())
                assert "does not serve /events" in msg
            else:
                assert m.view.loaded_once and m.view.table.order, noun
        await pilot.press("e")
        pane = m.query_one(EventsPane)
        await wait_until(
            pilot, lambda: "does not serve /events" in str(pane.query_one(".view-message").render())
        )
        await pilot.press("t")
        await wait_until(
            pilot, lambda: "does not serve /jobs" in str(m.query_one("#engine-jobs").render())
        )


@asynctest
async def test_unreachable_engine_says_so_and_recovers(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        rows = list(m.view.table.order)
        sim.faults.error_rate = 1.0
        await wait_until(pilot, lambda: m.view.failures > 0, what="a failure")
        assert list(m.view.table.order) == rows  # kept what was shown
        assert "Retrying" in str(m.view.query_one(".view-message").render())
        sim.faults.error_rate = 0.0
        await wait_until(pilot, lambda: m.view.failures == 0, timeout=30, what="recovery")


@asynctest
async def test_expired_session_is_renewed_without_a_message(sim):
    sim.faults.token_lifetime = 1
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await wait_until(pilot, lambda: app.last_ok is not None, what="first refresh noted")
        first = app.last_ok
        await wait_until(pilot, lambda: app.last_ok > first + 2.5, timeout=15, what="refreshes")
        assert m.view.failures == 0
        assert app.conn_state == "connected"


@asynctest
async def test_detail_says_a_failed_reload_keeps_its_data_and_recovers(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "host")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        general = detail.query_one("#general")
        rows = general.row_count
        assert rows > 3
        msg = detail.query_one("#detail-message")
        sim.faults.error_rate = 1.0
        await wait_until(pilot, lambda: detail.reload_failures > 0, timeout=15, what="a failure")
        assert msg.has_class("shown")
        assert "Reload failed" in str(msg.render()) and "last loaded" in str(msg.render())
        assert general.row_count == rows  # kept what it showed
        sim.faults.error_rate = 0.0
        await wait_until(pilot, lambda: detail.reload_failures == 0, timeout=15, what="recovery")
        assert not msg.has_class("shown")
        assert general.row_count == rows


@asynctest
async def test_sort_is_the_engines_across_pages(make_sim):
    sim = make_sim(vms=60, hosts=4, seed=2)
    app = make_app(sim, live=False, page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        view = m.view
        everyone = sorted(sdk_list(sim, "vm", max=100), key=lambda o: o.name.lower())
        await pilot.press("o")  # Name ascending, by the engine
        await wait_until(
            pilot, lambda: view.query_text() == "sortby name asc" and not view.in_flight
        )
        want = [o.id for o in everyone[:20]]
        await wait_until(pilot, lambda: view.table.order == want, what="engine's first page")
        assert "sort: Name ↑" in view.title_text()
        await pilot.press("o")  # descending: the last names of all pages, not of this one
        await wait_until(
            pilot, lambda: view.query_text() == "sortby name desc" and not view.in_flight
        )
        want = [o.id for o in reversed(everyone[-20:])]
        await wait_until(pilot, lambda: view.table.order == want, what="engine's desc page")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: view.page == 2 and not view.in_flight)
        want = [o.id for o in reversed(everyone[-40:-20])]
        await wait_until(pilot, lambda: view.table.order == want, what="page 2 of the sort")
        # a column the engine cannot sort is sorted on the page shown, and the title says so
        view.sort_column("cpu")
        assert view.sort is None and "this page only" in view.title_text()
        await wait_until(pilot, lambda: not view.in_flight)
        assert view.query_text() == ""
