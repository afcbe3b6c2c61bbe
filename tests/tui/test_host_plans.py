"""Pilot tests: confirmations of host verbs show the VMs that move and where, first."""
# ruff: noqa: B023 - lambdas are awaited within the test

from __future__ import annotations

from ovtui.screens.modals import VerbForm
from ovtui.screens.plan_confirm import PlanConfirmScreen
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app

SIZE = (160, 45)


def peers(sim, host_name: str) -> list[str]:
    w = sim.world
    with w.lock:
        host = w.find("host", host_name)
        return [h.name for h in w.coll["hosts"].values() if h.cluster.id == host.cluster.id]


def running_vms(sim, host_name: str) -> list[str]:
    w = sim.world
    with w.lock:
        host = w.find("host", host_name)
        return sorted(
            v.name
            for v in w.coll["vms"].values()
            if v.host is not None
            and v.host.id == host.id
            and getattr(v.status, "value", v.status) == "up"
        )


async def open_plan(pilot, app, m, host_name: str) -> PlanConfirmScreen:
    table = m.view.table
    key = next(k for k, o in m.view.objects.items() if o.name == host_name)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("M")
    await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="maintenance form")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, PlanConfirmScreen), what="confirm")
    dialog = app.screen
    assert "computing plan" in dialog.plan_text() or dialog.state != "computing"
    await wait_until(pilot, lambda: dialog.state != "computing", what="the plan")
    return dialog


@asynctest
async def test_maintenance_confirmation_names_the_vms_and_destinations(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "host")
        shared = [o.name for o in m.view.objects.values() if len(peers(sim, o.name)) > 1]
        name = max(shared, key=lambda n: len(running_vms(sim, n)))
        vms = running_vms(sim, name)
        assert vms, "the simulator runs VMs on a host with peers"
        dialog = await open_plan(pilot, app, m, name)
        assert dialog.state == "ok", dialog.plan_text()
        text = dialog.plan_text()
        assert name in text
        for vm in vms:
            assert vm in text, (vm, text)
        assert "->" in text
        others = set(peers(sim, name)) - {name}
        assert any(f"-> {h}" in text for h in others)
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, PlanConfirmScreen))
        assert not app.tasks  # nothing started


@asynctest
async def test_maintenance_refused_when_the_cluster_cannot_take_the_vms(make_sim):
    sim = make_sim(vms=10, hosts=3, seed=3)  # three clusters of one host each
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "host")
        name = max(
            (o.name for o in m.view.objects.values()), key=lambda n: len(running_vms(sim, n))
        )
        vms = running_vms(sim, name)
        assert vms
        dialog = await open_plan(pilot, app, m, name)
        assert dialog.state == "blocked", dialog.plan_text()
        text = dialog.plan_text()
        assert "Cannot go as planned" in text and "no other up host" in text
        assert all(vm in text for vm in vms)
        assert not dialog.query("#yes") and dialog.query("#force")
        await pilot.press("y")  # no Yes on a blocked plan
        assert app.screen is dialog
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PlanConfirmScreen))
        assert not app.tasks
