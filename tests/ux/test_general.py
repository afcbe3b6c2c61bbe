"""Detail screens: webadmin's curated General sub-tab for every type (names, units, Yes/No, a
VM's cloud-init without its password; ``a`` for every attribute) and the Statistics charts."""
# ruff: noqa: B023

from __future__ import annotations

import re

import pytest
from ovirtsdk4 import types as T

import ovtui.sim.testing as simtesting
from ovtui.actions.browse import MAIN_TABS
from ovtui.screens.detail import DetailScreen
from ovtui.widgets.charts import Chart, StatsCharts
from ovtui.widgets.general import CURATED, wanted_refs
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

from .helpers import SIZE, settle

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def general(screen: DetailScreen) -> dict[str, str]:
    t = screen.query_one("#general")
    rows = {}
    for key in t.rows:
        k, v = t.get_row(key)
        rows[getattr(k, "plain", str(k))] = getattr(v, "plain", str(v))
    return rows


async def open_detail(pilot, app, noun: str, search: str | None = None) -> DetailScreen:
    m = await loaded(pilot, app, noun)
    if search is not None:
        m.show_tab(noun, search)
        await wait_until(pilot, lambda: m.view.search == search and m.view.loaded_once, what=search)
        await wait_until(pilot, lambda: not m.view.in_flight and m.view.objects, what="rows")
    await pilot.press("enter")
    return await wait_until(
        pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
    )


@asynctest
async def test_vm_general_names_linked_objects_and_shows_cloud_init_not_the_password(sim):
    conn = simtesting.connect(sim)
    vms = conn.system_service().vms_service()
    vm = vms.list(search="name=db01")[0]
    template = conn.system_service().templates_service().template_service(vm.template.id).get()
    vms.vm_service(vm.id).update(
        T.Vm(
            initialization=T.Initialization(
                host_name="db01.example.com",
                user_name="cloud",
                root_password="s3cret-pw",
                dns_servers="10.0.0.2",
                timezone="Europe/Paris",
                nic_configurations=[
                    T.NicConfiguration(
                        name="eth0",
                        boot_protocol=T.BootProtocol.STATIC,
                        ip=T.Ip(address="10.0.0.7", netmask="255.255.255.0", gateway="10.0.0.1"),
                    )
                ],
            )
        )
    )
    conn.close()
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        d = await open_detail(pilot, app, "vm", "name=db01")
        await wait_until(pilot, lambda: general(d).get("Template") == template.name, what="tpl")
        rows = general(d)
        assert rows["Name"] == "db01"
        assert rows["Defined memory"].endswith("GiB")
        assert rows["Highly available"] in ("Yes", "No")
        assert not UUID.match(rows["Cluster"]) and not UUID.match(rows["Data center"])
        assert [k for k, v in rows.items() if UUID.match(v)] == ["ID"]  # names, not ids
        assert rows["Host name"] == "db01.example.com"
        assert rows["User name"] == "cloud"
        assert rows["Network"] == "eth0 static 10.0.0.7/255.255.255.0 gw 10.0.0.1"
        assert rows["Time zone"] in ("Europe/Paris", rows["Time zone"])
        assert "s3cret-pw" not in " ".join(rows.values())
        # a: every attribute, and back
        await pilot.press("a")
        every = general(d)
        assert "cpu profile" in every and len(every) > len(rows)
        assert "s3cret-pw" not in " ".join(every.values())
        await pilot.press("a")
        assert general(d) == rows


@pytest.mark.parametrize("noun", ["host", "vm"])
@asynctest
async def test_statistics_chart_cpu_memory_network_as_the_screen_refreshes(sim, noun):
    app = make_app(sim, live=True, refresh=0.5)
    async with app.run_test(size=SIZE) as pilot:
        d = await open_detail(pilot, app, noun, "status=up")
        charts = d.query_one(StatsCharts)
        pane = next(a for a in charts.ancestors if a.id and a.id.startswith("tab-"))
        d.query_one("TabbedContent").active = pane.id
        await wait_until(pilot, lambda: charts.samples >= 4, timeout=30, what="4 samples")
        cpu = d.query_one("#chart-cpu", Chart)
        net = d.query_one("#chart-network", Chart)
        mem = d.query_one("#chart-memory", Chart)
        assert all(0 <= p <= 100 for p in cpu.points)
        assert len(net.points) >= 3  # the refresh follows the (NICs') statistics
        await wait_until(pilot, lambda: mem.size.width > 40, what="the chart laid out")
        label = mem.render().plain.split("\n")[0]
        assert re.search(r"Memory  \d+\.\d%  [\d.]+ [GM]iB of [\d.]+ GiB", label), label


@pytest.mark.parametrize("noun", [n for n in MAIN_TABS if n in CURATED and n != "event"])
def test_general_snapshot(snap_compare, frozen_sim, noun):
    app = make_app(frozen_sim, live=False)

    async def run_before(pilot):
        await loaded(pilot, app, noun)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        if noun == "vm":
            d = app.screen
            await wait_until(
                pilot, lambda: d.refs or not wanted_refs("vm", d.obj, {}), what="template name"
            )
        # the picture is the General sub-tab: the footer's verb keys change with other work
        app.screen.query_one("Footer").display = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
