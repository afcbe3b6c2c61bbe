"""Pilot tests: build the estate from the TUI. ``c`` on the Networks tab opens the network
create form; run, it shows as a task with its progress in the tasks pane, and the new network
shows in the tab. The Data Centers and Clusters tabs have c / U (E on clusters) / D; a host's
Network Interfaces sub-tab shows its bonds and the networks on each NIC."""
# ruff: noqa: B023

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from ovtui.actions import registry
from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import VerbForm
from ovtui.widgets.tasks_pane import TaskRow, TasksPane
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SIZE = (160, 45)


def test_tabs_have_create_update_remove_keys() -> None:
    for noun, update_key in (("datacenter", "U"), ("network", "U"), ("cluster", "E")):
        keys = {a.verb: a.key for a in registry.verbs(noun).values()}
        assert (keys["create"], keys["update"], keys["remove"]) == ("c", update_key, "D"), noun
        letters = [k for k in keys.values() if k]
        assert len(letters) == len(set(letters)), f"{noun}: keys clash {keys}"


@asynctest
async def test_create_a_network_from_the_networks_tab(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "network")
        await pilot.press("t")  # the tasks pane
        await pilot.press("c")
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="create form"
        )
        form.query_one("#p-name", Input).value = "tui-net"
        form.query_one("#p-datacenter", Input).value = "dc02"
        form.query_one("#p-vlan", Input).value = "555"
        form.query_one("#p-mtu", Input).value = "9000"
        await pilot.press("ctrl+s")
        task = await wait_until(pilot, lambda: next(iter(app.tasks.values()), None), what="task")
        pane = m.query_one(TasksPane)
        assert any(r.task_ is task for r in pane.query(TaskRow))  # shown in the tasks pane
        await wait_until(pilot, lambda: not task.running, timeout=60, what="create to end")
        assert task.state == "done", task.step
        assert task.fraction == 1.0
        assert "network tui-net created in data center dc02" in task.step
        with sim.world.lock:
            net = sim.world.find("network", "tui-net")
            assert (net.vlan.id, net.mtu) == (555, 9000)
        # the tab shows it after the task's reload
        table = m.view.table
        await wait_until(
            pilot,
            lambda: any("tui-net" in map(str, table.get_row(k)) for k in table.rows),
            what="the new network in the tab",
        )


@asynctest
async def test_datacenter_form_offers_the_engines_versions(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "datacenter")
        await pilot.press("c")
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="create form"
        )
        versions = form.query_one("#p-version", Select)
        offered = [str(v) for _, v in versions._options if v not in (Select.BLANK, Select.NULL)]
        assert offered == ["4.2", "4.3", "4.4", "4.5", "4.6", "4.7"]
        storage = form.query_one("#p-storage_type", Select)
        assert storage.value == "shared"
        await pilot.press("escape")


@asynctest
async def test_host_network_interfaces_show_bonds_and_networks(sim):
    from ovirtsdk4 import types as T

    from ovtui.sim.testing import connect

    conn = connect(sim)
    try:
        hosts = conn.system_service().hosts_service()
        h = hosts.list(search="name=host02")[0]
        hosts.host_service(h.id).setup_networks(
            modified_bonds=[
                T.HostNic(
                    name="bond1",
                    bonding=T.Bonding(
                        options=[T.Option(name="mode", value="1")],
                        slaves=[T.HostNic(name="eno3"), T.HostNic(name="eno4")],
                    ),
                )
            ],
            modified_network_attachments=[
                T.NetworkAttachment(
                    network=T.Network(name="vmnet"),
                    host_nic=T.HostNic(name="bond1"),
                    ip_address_assignments=[
                        T.IpAddressAssignment(assignment_method=T.BootProtocol.DHCP)
                    ],
                )
            ],
        )
    finally:
        conn.close()
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "host")
        with sim.world.lock:
            host = sim.world.find("host", "host02")
        app.push_screen(DetailScreen("host", host))
        detail = await wait_until(
            pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
        )
        from ovtui.actions.browse import SUBTABS

        i = [t[0] for t in SUBTABS["host"]].index("Network Interfaces")
        await wait_until(pilot, lambda: detail.query_one(f"#tab-{i}"), what="tabs")
        detail.query_one("TabbedContent").active = f"tab-{i}"
        table = detail.query_one(f"#sub-{i}", DataTable)
        await wait_until(pilot, lambda: table.row_count >= 5, what="the NICs")
        rows = {str(table.get_row(k)[0]): str(table.get_row(k)[2]) for k in table.rows}
        assert rows["bond1"].startswith("bond of eno3, eno4 (mode=1)")
        assert "carries vmnet (dhcp" in rows["bond1"]
        assert rows["eno3"] == "in bond1"
        assert "carries ovirtmgmt (static" in rows["eno1"]


@asynctest
async def test_detach_a_network_from_the_clusters_logical_networks_subtab(sim):
    """The cluster network verbs live on its Logical Networks sub-tab: Z detaches the
    selected network (after the question), the task shows, the sub-tab loses the row."""
    from ovtui.actions.browse import SUBTABS
    from ovtui.screens.modals import ConfirmScreen

    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "cluster")
        key = next(k for k, o in m.view.objects.items() if o.name == "cluster02")
        m.view.table.move_cursor(row=m.view.table.get_row_index(key))
        await pilot.press("enter")
        detail = await wait_until(
            pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
        )
        await wait_until(pilot, lambda: detail.query_one("#general", DataTable).row_count)
        i = [t for t, _k, _j in SUBTABS["cluster"]].index("Logical Networks")
        for _ in range(i + 1):
            await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: f"sub-{i}" in detail.sub_objects, what="networks loaded")
        table = detail.query_one(f"#sub-{i}", DataTable)
        objs = detail.sub_objects[f"sub-{i}"]
        assert {o.name for o in objs.values()} == {"ovirtmgmt", "vmnet", "storage"}
        storage = next(k for k, o in objs.items() if o.name == "storage")
        table.move_cursor(row=table.get_row_index(storage))
        before = set(app.tasks)
        await pilot.press("Z")
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="the form"
        )
        assert form.query_one("#p-network", Input).value == storage  # the selected row
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="question")
        await pilot.press("y")
        task = await wait_until(
            pilot, lambda: [t for i_, t in app.tasks.items() if i_ not in before], what="task"
        )
        await wait_until(pilot, lambda: not task[0].running, timeout=60, what="detach to end")
        assert task[0].state == "done", task[0].step
        await wait_until(
            pilot,
            lambda: (
                {o.name for o in detail.sub_objects[f"sub-{i}"].values()} == {"ovirtmgmt", "vmnet"}
            ),
            what="the sub-tab reloaded without storage",
        )
        assert app.screen is detail
