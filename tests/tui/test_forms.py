"""Pilot test: the VM create form offers the engine's clusters, templates, domains, networks."""
# ruff: noqa: B023

from __future__ import annotations

from textual.widgets import Input, Select, SelectionList

from ovtui.screens.modals import VerbForm
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app

SIZE = (160, 45)


def options(w) -> list[str]:
    if isinstance(w, SelectionList):
        return [str(w.get_option_at_index(i).value) for i in range(w.option_count)]
    return [str(v) for _, v in w._options if v is not Select.BLANK and v is not Select.NULL]


@asynctest
async def test_vm_create_form_offers_lists_and_creates(sim):
    w = sim.world
    with w.lock:
        clusters = sorted(c.name for c in w.coll["clusters"].values())
        templates = {t.name for t in w.coll["templates"].values()}
        data_sds = {
            d.name
            for d in w.coll["storagedomains"].values()
            if getattr(d.type, "value", d.type) == "data"
        }
        networks = {n.name for n in w.coll["networks"].values()}
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "vm")
        await pilot.press("t")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="create form")
        form = app.screen
        pick = {k: form.query_one(f"#p-{k}") for k in ("cluster", "template", "storagedomain")}
        nets = form.query_one("#p-network", SelectionList)
        await wait_until(
            pilot,
            lambda: all(options(x) for x in (*pick.values(), nets)),
            what="pickers loaded",
        )
        assert set(options(pick["cluster"])) == set(clusters)
        assert set(options(pick["template"])) == templates
        assert set(options(pick["storagedomain"])) == data_sds
        assert set(options(nets)) == networks
        assert pick["template"].value == "Blank"  # the param's default, preselected
        form.query_one("#p-name", Input).value = "tui-made"
        pick["cluster"].value = clusters[0]
        nets.select("ovirtmgmt")
        assert form.values()["network"] == ["ovirtmgmt"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.tasks, what="the task")
        task = next(iter(app.tasks.values()))
        await wait_until(pilot, lambda: not task.running, timeout=60, what="create to end")
        assert task.state == "done", task.step
        vm = w.find("vm", "tui-made")
        assert len(w.sub("vms", vm, "nics") or []) == 1
