"""A verb waits its own default from both faces; ``--timeout`` replaces it in the CLI.

``vm autoinstall`` declares a 2 h wait for the installer. Each wait says its bound when it
begins ("waiting up to 2 h"), so the test reads what the user reads: the CLI's stderr and the
TUI's task line. Before, the TUI gave every verb ``profile.timeout * 10`` (600 s here).
"""

from __future__ import annotations

import threading

from textual.widgets import Input

from ovtui.actions import registry
from ovtui.actions.waiters import span
from ovtui.screens.modals import VerbForm
from ovtui.sim.testing import wait_for, write_config
from tests.support import asynctest, run_cli, wait_until
from tests.tui.helpers import cell_text, loaded, make_app

from .helpers import Guest, first_vm

KERNEL = "/installer/vmlinuz"
INSTALLER_WAIT = "installer running; waiting up to {} for it to power off"


def test_autoinstall_declares_a_long_wait_of_its_own():
    action = registry.get("vm", "autoinstall")
    assert action is not None and action.waits
    assert span(action.wait) == "2 h"  # far above the 600 s the TUI used to impose


def test_cli_without_timeout_waits_the_verbs_default(make_sim, tmp_path, capsys):
    sim = make_sim(speed=20)
    cfg = write_config(sim, tmp_path)
    vm = first_vm(sim, "down")
    guest = Guest(sim, vm.id, KERNEL)

    def installer() -> None:  # the guest: powers off once the installer kernel runs
        wait_for(guest.installer_running, timeout=60, what="the installer to run")
        guest.power_off()

    helper = threading.Thread(target=installer, daemon=True)
    helper.start()
    try:
        code, _, err = run_cli(
            capsys, cfg, "vm", "-n", vm.name, "autoinstall", "-k", KERNEL, "-i", "/i"
        )
    finally:
        helper.join(30)
        guest.close()
    assert code == 0, err
    assert INSTALLER_WAIT.format("2 h") in err
    assert "waiting up to 10 min to be up" in err  # the start step keeps its own default


def test_cli_timeout_replaces_the_default(make_sim, tmp_path, capsys):
    sim = make_sim(speed=20)
    cfg = write_config(sim, tmp_path)
    vm = first_vm(sim, "down")
    code, _, err = run_cli(
        capsys,
        cfg,
        *("vm", "-n", vm.name, "autoinstall", "-k", KERNEL, "-i", "/i", "--timeout", "4"),
    )
    assert code == 1, err  # nobody powers the installer off: the wait ends at 4 s
    assert INSTALLER_WAIT.format("4 s") in err
    assert "Timed out after 4 s" in err
    assert "original boot settings restored" in err


@asynctest
async def test_tui_worker_waits_the_verbs_default(make_sim):
    sim = make_sim(speed=20)
    vm = first_vm(sim, "down")
    guest = Guest(sim, vm.id, KERNEL)
    app = make_app(sim, live=False, timeout=60)  # the HTTP timeout no longer bounds a verb
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            m = await loaded(pilot, app, "vm")
            table = m.view.table
            key = next(k for k in table.order if cell_text(table, k, "name") == vm.name)
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("I")
            await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="form")
            app.screen.query_one("#p-kernel", Input).value = KERNEL
            app.screen.query_one("#p-initrd", Input).value = "/i"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.tasks, what="the task")
            task = next(iter(app.tasks.values()))
            await wait_until(
                pilot, lambda: "installer running" in task.step, timeout=60, what="installer"
            )
            assert INSTALLER_WAIT.format("2 h") in task.step
            guest.power_off()
            await wait_until(pilot, lambda: not task.running, timeout=60, what="the task's end")
            assert task.state == "done", task.step
    finally:
        guest.close()
