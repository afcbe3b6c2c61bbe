"""Issue 11 in the TUI: verbs on a VM's sub-objects from their sub-tabs of the VM's detail
screen (grow a disk, add a NIC, preview then commit a snapshot). Each shows its progress in the
tasks pane (and in the detail screen's task strip), and the sub-tab shows the change without
the operator leaving the screen. Plus the cloud-init section of the create and run-once forms."""
# ruff: noqa: B023

from __future__ import annotations

from typing import Any

from textual.widgets import Button, Checkbox, Collapsible, DataTable, Input, Select, TabbedContent

from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import ConfirmScreen, Secret, VerbForm, with_secrets
from ovtui.screens.subtab_verbs import SubtabTasks
from ovtui.widgets.tasks_pane import TaskRow, TasksPane
from tests.support import asynctest, wait_until
from tests.vm_life.helpers import vm_named

from .helpers import cell_text, footer_verbs, loaded, make_app

SIZE = (160, 45)
GIB = 2**30


async def open_vm(pilot: Any, app: Any, name: str) -> DetailScreen:
    """The VMs tab, the row of VM ``name`` highlighted, enter: its detail screen."""
    m = await loaded(pilot, app, "vm")
    table = m.view.table
    key = next(k for k, o in m.view.objects.items() if o.name == name)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    detail = await wait_until(
        pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="VM detail"
    )
    await wait_until(pilot, lambda: detail.query_one("#general", DataTable).row_count)
    await wait_until(pilot, lambda: app.focused is detail.query_one("#general", DataTable))
    for _ in range(3):
        await pilot.pause()
    return detail


async def show_subtab(pilot: Any, detail: DetailScreen, title: str) -> DataTable:
    """``]`` until the sub-tab ``title`` is shown and loaded; its table."""
    from ovtui.actions.browse import SUBTABS

    i = [t for t, _k, _j in SUBTABS["vm"]].index(title)
    for _ in range(i + 1):
        await pilot.press("right_square_bracket")
    await wait_until(pilot, lambda: f"sub-{i}" in detail.sub_objects, what=f"{title} loaded")
    return detail.query_one(f"#sub-{i}", DataTable)


async def run_form(pilot: Any, app: Any) -> VerbForm:
    return await wait_until(
        pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="the verb's form"
    )


def pane_row(app: Any, task_id: int) -> TaskRow:
    """The task's row in the main screen's tasks pane (the one ``t`` shows)."""
    pane = app.main_screen().query_one(TasksPane)
    return next(r for r in pane.query(TaskRow) if r.task_.id == task_id)


async def one_task_done(pilot: Any, app: Any, detail: DetailScreen, before: set[int]) -> Any:
    """The one task started since ``before``: it shows in the tasks pane and in the detail
    screen's strip while it runs, and ends done, the detail screen still shown."""
    task = await wait_until(
        pilot,
        lambda: [t for i, t in app.tasks.items() if i not in before],
        what="a task started",
    )
    assert len(task) == 1
    task = task[0]
    assert pane_row(app, task.id) is not None  # the tasks pane has it
    strip = detail.query_one(SubtabTasks)
    assert strip.display and [r.task_ for r in strip.query(TaskRow)][-1] is task
    await wait_until(pilot, lambda: not task.running, timeout=60, what=f"{task.label} to end")
    assert task.state == "done", (task.state, task.step)
    assert app.screen is detail  # never left the screen
    assert task.fraction == 1.0  # the pane's bar is full
    assert pane_row(app, task.id).task_.state == "done"
    return task


@asynctest
async def test_grow_a_disk_from_the_disks_subtab(sim):
    name = vm_named(sim, "down")
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_vm(pilot, app, name)
        assert "disk-resize" not in footer_verbs(detail)  # General: not its sub-tab
        table = await show_subtab(pilot, detail, "Disks")
        assert table.row_count >= 1
        assert footer_verbs(detail)[:2] == ["disk-add", "disk-detach"]  # first in the footer
        disk_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        disk = detail.sub_objects[table.id][disk_id]
        old = disk.provisioned_size
        await pilot.press("E")
        form = await run_form(pilot, app)
        assert form.query_one("#p-disk", Input).value == disk_id  # the selected row
        size = form.query_one("#p-size", Input)
        assert app.focused is size  # only the size is to type
        before = set(app.tasks)
        await pilot.press("+", "2", "G", "enter")
        await one_task_done(pilot, app, detail, before)
        new = old + 2 * GIB
        await wait_until(
            pilot,
            lambda: detail.sub_objects[table.id][disk_id].provisioned_size == new,
            what="the Disks sub-tab reloaded",
        )
        shown = cell_text(table, disk_id, "size")
        assert shown.strip() == cell_text_of_size(new), shown
        # the cursor stayed on the grown disk, on the Disks sub-tab
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == disk_id
        assert detail.query_one(TabbedContent).active == f"tab-{table.id[4:]}"
        assert app.focused is table


def cell_text_of_size(n: int) -> str:
    from ovtui.widgets.columns import human_bytes

    return human_bytes(n)


@asynctest
async def test_add_a_nic_from_the_network_interfaces_subtab(sim):
    name = vm_named(sim, "up")
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_vm(pilot, app, name)
        table = await show_subtab(pilot, detail, "Network Interfaces")
        rows_before = table.row_count
        assert "nic-add" in footer_verbs(detail)
        assert "disk-add" not in footer_verbs(detail)  # the Disks sub-tab's, not this one's
        await pilot.press("N")
        form = await run_form(pilot, app)
        await pilot.click("#p-new_name")
        await pilot.press(*"eth7")
        net = form.query_one("#p-network", Select)
        await wait_until(pilot, lambda: len(net._options) > 1, what="networks listed")
        net.value = net._options[1][1]
        before = set(app.tasks)
        await pilot.click("#run")
        await one_task_done(pilot, app, detail, before)
        await wait_until(pilot, lambda: table.row_count == rows_before + 1, what="new NIC row")
        names = [cell_text(table, k, "name") for k in detail.sub_objects[table.id]]
        assert "eth7" in names
        key = next(k for k, o in detail.sub_objects[table.id].items() if o.name == "eth7")
        assert cell_text(table, key, "plugged") == "yes"  # hot plugged on the running VM


@asynctest
async def test_preview_then_commit_a_snapshot_from_the_snapshots_subtab(sim):
    name = vm_named(sim, "down")
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_vm(pilot, app, name)
        table = await show_subtab(pilot, detail, "Snapshots")
        objs = lambda: detail.sub_objects[table.id]  # noqa: E731

        def status_of(description: str) -> str | None:
            for k, o in objs().items():
                if o.description == description:
                    return cell_text(table, k, "status")
            return None

        # take one (K), so there is something to preview
        await pilot.press("K")
        form = await run_form(pilot, app)
        desc = form.query_one("#p-description", Input)
        desc.value = "before-upgrade"
        before = set(app.tasks)
        await pilot.click("#run")
        await one_task_done(pilot, app, detail, before)
        await wait_until(pilot, lambda: status_of("before-upgrade") == "ok", what="new snapshot")

        # preview it (W): the form names the highlighted snapshot
        key = next(k for k, o in objs().items() if o.description == "before-upgrade")
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("W")
        form = await run_form(pilot, app)
        assert form.query_one("#p-snapshot", Input).value == key
        assert app.focused is form.query_one("#run", Button)  # nothing to type: enter runs
        before = set(app.tasks)
        await pilot.press("enter")
        await one_task_done(pilot, app, detail, before)
        await wait_until(
            pilot, lambda: status_of("before-upgrade") == "in_preview", what="in preview"
        )
        assert status_of("Active VM before the preview") is not None

        # commit (Y): dangerous, asks first
        before = set(app.tasks)
        await pilot.press("Y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        await pilot.press("y")
        await one_task_done(pilot, app, detail, before)
        await wait_until(pilot, lambda: status_of("before-upgrade") == "ok", what="committed")
        assert status_of("Active VM before the preview") is None


@asynctest
async def test_sub_tab_verbs_are_off_on_the_vms_tab(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        shown = footer_verbs(m)
        assert "start" in shown
        assert not [v for v in shown if v.startswith(("disk-", "nic-", "snapshot-p"))], shown


@asynctest
async def test_create_and_run_once_forms_have_a_collapsed_cloud_init_section(sim, tmp_path):
    name = vm_named(sim, "down")
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("c")
        form = await run_form(pilot, app)
        section = form.query_one("#section-cloud-init", Collapsible)
        assert section.collapsed
        assert not form.query_one("#p-ci_hostname", Input).region  # hidden while collapsed
        assert form.query_one("#p-ci_password_prompt", Input).password  # masked
        await pilot.press("escape")

        table = m.view.table
        key = next(k for k, o in m.view.objects.items() if o.name == name)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("s")
        form = await run_form(pilot, app)
        section = form.query_one("#section-cloud-init", Collapsible)
        assert section.collapsed
        switch = form.query_one("#p-cloud_init", Checkbox)
        assert switch.parent is not None and section in switch.ancestors
        section.collapsed = False
        await pilot.pause()
        form.query_one("#p-ci_hostname", Input).value = "web7.example.org"
        form.query_one("#p-ci_password_prompt", Input).value = "s3cret"
        vals = form.values()
        assert vals["cloud_init"] is True  # filled in: a run once with them
        assert vals["ci_password_prompt"] is False  # never getpass under the TUI
        assert isinstance(vals["ci_password_file"], Secret)
        assert "s3cret" not in repr(vals)
        await pilot.press("escape")


def test_a_masked_value_reaches_the_verb_as_a_private_file_only_while_it_runs():
    from ovtui.actions import registry

    seen: dict[str, Any] = {}

    def spy(ctx: Any, target: Any, **kw: Any) -> Any:
        import os
        import stat

        path = kw["ci_password_file"]
        seen["mode"] = stat.S_IMODE(os.stat(path).st_mode)
        seen["text"] = open(path, encoding="utf-8").read()  # noqa: SIM115
        seen["path"] = path
        return None

    import dataclasses

    action = dataclasses.replace(registry.get("vm", "start"), run=spy)
    run, params = with_secrets(action, {"cloud_init": True, "ci_password_file": Secret("pw")})
    assert "ci_password_file" not in params
    run.run(None, None, **params)
    assert seen["mode"] == 0o600 and seen["text"] == "pw"
    import os

    assert not os.path.exists(seen["path"])


@asynctest
async def test_two_sub_tabs_passed_at_once_leave_the_second_shown(sim):
    """``]]`` typed faster than the screen answers: the first tab's late focus does not bring
    it back (then a form's closing would switch the operator to the wrong sub-tab)."""
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_vm(pilot, app, vm_named(sim, "down"))
        detail.action_subtab(1)
        detail.action_subtab(1)  # before the first TabActivated is handled
        await wait_until(pilot, lambda: "sub-1" in detail.sub_objects, what="Disks loaded")
        for _ in range(5):
            await pilot.pause()
        assert detail.query_one(TabbedContent).active == "tab-1"
        assert app.focused is detail.query_one("#sub-1", DataTable)
        assert "disk-resize" in footer_verbs(detail)


@asynctest
async def test_run_once_from_the_form_sends_the_cloud_init_payload_and_the_masked_password(sim):
    """The start form's cloud-init section, filled in (the password in the masked field):
    the engine gets ``use_cloud_init`` with the payload, the password included, once; the
    private file that carried the password is gone afterwards."""
    from ovirtsdk4 import types as T
    from ovirtsdk4.reader import Reader

    name = vm_named(sim, "down")
    with sim.world.lock:
        vm_id = next(v.id for v in sim.world.coll["vms"].values() if v.name == name)
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        key = next(k for k, o in m.view.objects.items() if o.name == name)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("s")
        form = await run_form(pilot, app)
        form.query_one("#section-cloud-init", Collapsible).collapsed = False
        await pilot.pause()
        form.query_one("#p-ci_hostname", Input).focus()
        await pilot.press(*"once.example.org")
        form.query_one("#p-ci_password_prompt", Input).focus()
        await pilot.press(*"Pw-masked-1")
        masked = form.query_one("#p-ci_password_prompt", Input)
        host = form.query_one("#p-ci_hostname", Input)
        drawn = lambda w: "".join(  # noqa: E731
            "".join(seg.text for seg in w.render_line(y)) for y in range(w.size.height)
        )
        assert "once.example.org" in drawn(host)
        assert masked.value == "Pw-masked-1" and "Pw-masked-1" not in drawn(masked)
        mark = sim.requests.mark()
        before = set(app.tasks)
        await pilot.press("enter")  # enter in a field runs
        task = await wait_until(
            pilot, lambda: [t for i, t in app.tasks.items() if i not in before], what="the task"
        )
        await wait_until(pilot, lambda: not task[0].running, timeout=60, what="the start")
        assert task[0].state == "done", task[0].step
    starts = [
        r
        for r in sim.requests.records(since=mark, method="POST")
        if r.path.endswith(f"/vms/{vm_id}/start")
    ]
    assert len(starts) == 1
    action = Reader.read(starts[0].text())
    assert isinstance(action, T.Action)
    assert action.use_cloud_init is True
    init = action.vm.initialization
    assert init.host_name == "once.example.org"
    assert init.root_password == "Pw-masked-1"
    assert init.user_name == "root"
