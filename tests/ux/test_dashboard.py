"""The dashboard: a fixed number of requests whatever the estate, cards that open their tab
pre-searched, charts that gain a point at each refresh, and its picture at a fixed seed."""
# ruff: noqa: B023

from __future__ import annotations

import pytest

import ovtui.sim.testing as simtesting
from ovtui.actions.dashboard import REQUESTS, fetch_dashboard
from ovtui.screens.dashboard import CardLink, DashboardScreen
from ovtui.widgets.charts import Chart
from tests.support import asynctest, wait_until
from tests.tui.helpers import make_app

from .helpers import SIZE, settle

pytestmark = pytest.mark.timeout(300)


def dashboard_requests(sim) -> tuple[int, object]:
    conn = simtesting.connect(sim)
    try:
        conn.system_service().get()  # the login, not counted
        before = len(sim.requests.snapshot())
        data = fetch_dashboard(conn)
        return len(sim.requests.snapshot()) - before, data
    finally:
        conn.close()


def test_the_dashboard_costs_the_same_requests_at_200_and_2000_hosts(make_sim):
    counts = {}
    for hosts in (200, 2000):
        sim = make_sim(vms=300, hosts=hosts, seed=1)
        n, data = dashboard_requests(sim)
        counts[hosts] = n
        by_noun = {c.noun: c for c in data.cards}
        assert by_noun["host"].total == hosts  # the figures are the whole estate's
        assert sum(b.count for b in by_noun["host"].buckets) == hosts
        assert by_noun["vm"].total == 300
        assert data.usage["cpu"].total > 0 and data.usage["cpu"].percent is not None
        sim.stop()
    assert counts[200] == counts[2000] == REQUESTS


def test_vm_card_counts_match_what_its_searches_show(frozen_sim):
    """Each card line's number is what its tab shows once opened with that line's search
    (a frozen clock: nothing changes status between the two)."""
    sim = frozen_sim
    _, data = dashboard_requests(sim)
    card = next(c for c in data.cards if c.noun == "vm")
    conn = simtesting.connect(sim)
    try:
        vms = conn.system_service().vms_service()
        for b in card.buckets:
            assert len(vms.list(search=b.search)) == b.count, b.label
        assert card.total == len(vms.list())
    finally:
        conn.close()


@asynctest
async def test_demo_opens_on_the_dashboard_and_a_card_opens_its_tab_presearched(sim):
    from ovtui.app import OvtuiApp
    from tests.tui.helpers import profile_for

    app = OvtuiApp(profile_for(sim), live=False, demo=sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dash")
        dash = app.screen
        await wait_until(pilot, lambda: dash.fetches >= 1, what="dashboard figures")
        hosts_up = dash.query_one("#card-host-b0", CardLink)
        assert hosts_up.search == "status=up"
        hosts_up.focus()
        await pilot.press("enter")
        m = app.main_screen()
        await wait_until(pilot, lambda: app.screen is m and m.view.loaded_once, what="tab")
        assert m.current == "host" and m.view.search == "status=up"
        # 0 comes back to the same dashboard (its charts keep their points)
        await pilot.press("0")
        await wait_until(pilot, lambda: app.screen is dash, what="dashboard again")
        # ':' works on the dashboard too: ':tags' opens the Tags table, its 'q' never quits
        await pilot.press("colon", *"tags", "enter")
        await wait_until(
            pilot, lambda: type(app.screen).__name__ == "NounTableScreen", what=":tags table"
        )
        assert app.is_running
        app.demo = None  # the fixture stops its simulator, not the app


@asynctest
async def test_a_chart_gains_a_point_at_each_refresh(sim):
    app = make_app(sim, live=True, refresh=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main")
        await pilot.press("0")
        dash = await wait_until(
            pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash"
        )
        cpu = await wait_until(pilot, lambda: dash.query_one("#chart-cpu", Chart), what="chart")
        await wait_until(pilot, lambda: len(cpu.points) >= 1, what="first point")
        first = len(cpu.points)
        await wait_until(pilot, lambda: len(cpu.points) >= first + 3, what="3 more points")
        assert dash.fetches >= len(cpu.points)
        # the bars drawn are the points kept: one column each, on the right
        bottom = cpu.render().plain.split("\n")[-1]
        assert bottom.endswith(bottom.strip())
        assert len(bottom.strip()) == min(len(cpu.points), cpu.size.width - 2)


def _show_dashboard(app):
    """The snapshot's ``run_before``: the dashboard shown with its first figures."""

    async def run_before(pilot):
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main")
        await wait_until(pilot, lambda: app.engine_info, what="engine info")
        app.show_dashboard()
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, DashboardScreen) and app.screen.fetches >= 1,
            what="dashboard figures",
        )
        await settle(pilot)

    return run_before


def test_dashboard_snapshot(snap_compare, frozen_sim):
    app = make_app(frozen_sim, live=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_show_dashboard(app))


def test_dashboard_snapshot_80x24(snap_compare, frozen_sim):
    app = make_app(frozen_sim, live=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_show_dashboard(app))


@asynctest
async def test_start_dashboard_in_the_config_opens_on_it_and_vms_by_default(sim):
    app = make_app(sim, live=False, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dash")
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await wait_until(pilot, lambda: app.main_screen(), what="main")
        await wait_until(pilot, lambda: m.view.loaded_once, what="vms")
        assert app.screen is m and m.current == "vm"


@asynctest
async def test_a_failed_refresh_is_said_on_the_dashboard_and_the_figures_stay(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main_screen() is not None, what="main")
        app.show_dashboard()
        dash = await wait_until(
            pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash"
        )
        await wait_until(pilot, lambda: dash.fetches >= 1, what="figures")
        vms_total = dash.query_one("#card-vm .card-total").render()
        sim.stop()
        dash.reload()
        msg = dash.query_one("#dash-message")
        await wait_until(pilot, lambda: dash.failures >= 1, what="the failure")
        assert "Dashboard not refreshed" in msg.text
        assert str(dash.query_one("#card-vm .card-total").render()) == str(vms_total)
