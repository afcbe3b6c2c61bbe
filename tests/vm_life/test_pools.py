"""Issue 11: VM pools headless: ``vmpool create/show/update/remove/allocate`` and
``vm allocate --pool``, against the simulator; what ``vmpool show``/``vm list`` then show, and
the engine's words when it refuses."""

from __future__ import annotations

import json
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.testing import connect, wait_for
from tests.support import asynctest

VS = T.VmStatus


def _show(cli: Any, name: str) -> dict[str, Any]:
    code, out, err = cli("-o", "json", "vmpool", "-n", name, "show")
    assert code == 0, err
    return dict(json.loads(out))


def _pool_vms(cli: Any, name: str) -> list[dict[str, Any]]:
    code, out, err = cli("-o", "json", "vm", "-s", f"pool={name}", "list")
    assert code == 0, err
    return sorted(json.loads(out), key=lambda v: v["name"])


def _create(cli: Any, name: str, *extra: str) -> None:
    code, out, err = cli("vmpool", "create", "--name", name, "--from-template", "rhel-base", *extra)
    assert code == 0, err


def test_create_then_show_and_its_vms(cli: Any) -> None:
    code, out, err = cli(
        "-o", "json", "vmpool", "create", "--name", "desk-??", "--from-template", "rhel-base",
        "--size", "3", "--description", "training room",
    )  # fmt: skip
    assert code == 0, err
    assert "3 of 3 VMs made" in err  # the wait's progress
    made = json.loads(out)
    assert made["size"] == 3 and made["description"] == "training room"
    shown = _show(cli, "desk-??")
    assert (shown["size"], shown["max_user_vms"], shown["type"]) == (3, 1, "automatic")
    vms = _pool_vms(cli, "desk-??")
    assert [v["name"] for v in vms] == ["desk-01", "desk-02", "desk-03"]
    assert all(v["status"] == "down" and v["stateless"] for v in vms)
    code, out, err = cli("vmpool", "list")
    assert code == 0 and "desk-??" in out and "training room" in out


def test_update_size_adds_vms_and_show_says_so(cli: Any) -> None:
    _create(cli, "lab", "--size", "2")
    code, out, err = cli("vmpool", "-n", "lab", "update", "--size", "4", "--max-user-vms", "2")
    assert code == 0, err
    assert _show(cli, "lab")["size"] == 4
    assert _show(cli, "lab")["max_user_vms"] == 2
    assert [v["name"] for v in _pool_vms(cli, "lab")] == ["lab-1", "lab-2", "lab-3", "lab-4"]
    code, out, err = cli("vmpool", "-n", "lab", "update", "--size", "3")
    assert code == 1
    assert "Cannot decrease VMs from VM-Pool." in err  # the engine never shrinks a pool
    assert _show(cli, "lab")["size"] == 4


def test_refusals_in_the_engine_words(cli: Any) -> None:
    code, _, err = cli(
        "vmpool", "create", "--name", "b", "--from-template", "Blank", "--cluster", "Default"
    )
    assert code == 1 and "VM-Pool must be based on  non-blank Template." in err
    code, _, err = cli("vmpool", "create", "--name", "x", "--from-template", "no-such")
    assert code == 4 and "No template named 'no-such'" in err
    code, _, err = cli(
        "vmpool", "create", "--name", "p", "--from-template", "rhel-base", "--size", "1",
        "--prestarted", "2",
    )  # fmt: skip
    assert code == 1
    assert (
        "Cannot create VM-Pool. Number of Prestarted VMs cannot exceed the number of VMs in the"
        " Pool." in err
    )
    _create(cli, "dup")
    code, _, err = cli("vmpool", "create", "--name", "dup", "--from-template", "rhel-base")
    assert code == 1 and "The VM-Pool name is already in use" in err


def test_allocate_runs_a_vm_for_the_user(cli: Any) -> None:
    _create(cli, "kiosk", "--size", "2")
    code, out, err = cli("-o", "json", "vmpool", "-n", "kiosk", "allocate")
    assert code == 0, err
    vm = json.loads(out)
    assert vm["status"] == "up" and vm["name"] in ("kiosk-1", "kiosk-2")
    assert "pool kiosk gave VM" in err
    code, out, err = cli("-o", "json", "vm", "-n", vm["name"], "export", "permissions")
    assert code == 0, err
    assert "00000000-0000-0000-0001-000000000001" in out  # UserVmManager on that VM
    code, _, err = cli("vmpool", "-n", "kiosk", "allocate")  # max_user_vms is 1
    assert code == 1
    assert "User is already attached to maximum number of VMs from this VM-Pool." in err


def test_vm_allocate_pool_alias_and_no_free_vm(cli: Any) -> None:
    _create(cli, "one", "--size", "1", "--max-user-vms", "5")
    code, out, err = cli("-o", "json", "vm", "allocate", "--pool", "one")
    assert code == 0, err
    assert json.loads(out)["name"] == "one-1"
    code, _, err = cli("vm", "allocate", "--pool", "one")
    assert code == 1
    assert (
        "Cannot allocate and run VM from VM-Pool. There are no available VMs in the VM-Pool." in err
    )
    code, _, err = cli("vm", "allocate", "--pool", "nope")
    assert code == 4 and "No VM pool named 'nope'" in err


def test_prestarted_vms_run_and_remove_takes_running_vms_with_it(cli: Any, sim: Any) -> None:
    _create(cli, "warm", "--size", "2", "--prestarted", "1")
    wait_for(
        lambda: [v["status"] for v in _pool_vms(cli, "warm")].count("up") == 1,
        timeout=20,
        what="the prestarted VM up",
    )
    code, out, err = cli("vmpool", "-n", "warm", "remove", "-y")
    assert code == 0, err  # the engine stops the running VM, then removes VMs and pool
    assert "pool warm removed with its 2 VMs" in err
    code, _, err = cli("vmpool", "-n", "warm", "show")
    assert code == 4
    assert _pool_vms(cli, "warm") == []
    code, out, err = cli("-o", "json", "event", "-s", 'message="*VM Pool warm*"', "list")
    assert code == 0, err
    texts = [e["description"] for e in json.loads(out)]
    assert "VM Pool warm was removed by admin@internal." in texts
    assert "VM Pool warm removal was initiated by admin@internal." in texts


def test_remove_needs_yes_without_a_terminal(cli: Any) -> None:
    _create(cli, "keep")
    code, _, err = cli("vmpool", "-n", "keep", "remove")
    assert code == 2
    assert _show(cli, "keep")["size"] == 1


@asynctest
async def test_pools_tab_shows_the_pool_its_vms_and_allocates(sim: Any) -> None:
    """The Pools main tab (the 10th: reached by :pools), its Virtual Machines sub-tab, and
    ``A`` (allocate) on the highlighted pool, with the task's progress in the tasks pane."""
    from ovtui.screens.detail import DetailScreen
    from tests.support import wait_until
    from tests.tui.helpers import loaded, make_app

    conn = connect(sim)
    try:
        pools = conn.system_service().vm_pools_service()
        (seeded,) = [p for p in pools.list() if p.name == "desktops"]
        pools.pool_service(seeded.id).update(T.VmPool(size=2))
        vms = conn.system_service().vms_service()
        wait_for(
            lambda: [v.status for v in vms.list(search="pool=desktops")] == [VS.DOWN, VS.DOWN],
            what="the pool's two VMs made",
        )
        pool_vm_ids = {v.id for v in vms.list(search="pool=desktops")}
    finally:
        conn.close()
    app = make_app(sim, live=False)
    async with app.run_test(size=(160, 45)) as pilot:
        m = await loaded(pilot, app)
        await pilot.press("colon", *"pools", "enter")
        await wait_until(
            pilot,
            lambda: m.current == "vmpool" and m.view.loaded_once and m.view.table.order,
            what="the Pools tab",
        )
        assert m.view.table.order == [seeded.id]
        tabbar = str(m.query_one("#tabbar").render())
        assert "Pools" in tabbar and "10" not in tabbar  # keys 1..9 stay the contract
        await pilot.press("enter")
        detail = await wait_until(
            pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
        )
        await pilot.press("right_square_bracket")  # Virtual Machines
        await wait_until(pilot, lambda: "sub-0" in detail.sub_objects, what="its VMs")
        assert set(detail.sub_objects["sub-0"]) == pool_vm_ids
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is m, what="back to the tabs")
        before = set(app.tasks)
        await pilot.press("A")
        task = await wait_until(
            pilot, lambda: [t for i, t in app.tasks.items() if i not in before], what="a task"
        )
        await wait_until(pilot, lambda: not task[0].running, timeout=60, what="allocate ends")
        assert task[0].state == "done", (task[0].state, task[0].step)
    with sim.world.lock:
        taken = [
            v
            for v in sim.world.coll["vms"].values()
            if v.id in pool_vm_ids and getattr(v, "_sim_pool_user", None)
        ]
    assert len(taken) == 1 and taken[0].status == VS.UP
