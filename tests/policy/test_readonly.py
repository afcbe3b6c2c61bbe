"""Read-only mode refuses a verb that changes the engine, in the action layer, with one line.

``--readonly`` and ``readonly = true`` give the same refusal in the CLI and the TUI, and the
simulator's request log shows that nothing that could change the engine reached it.
"""

from __future__ import annotations

from textual.widgets._toast import Toast

from ovtui.actions import registry
from ovtui.actions.base import ActionContext, ReadOnlyRefused
from ovtui.sim.testing import connect, write_config
from tests.support import asynctest, run_cli, wait_until
from tests.tui.helpers import cell_text, loaded, make_app

from .helpers import engine_writes, first_vm

REFUSAL = "vm stop changes the engine: refused in read-only mode."


def cli_refusal(err: str) -> list[str]:
    return [line for line in err.splitlines() if "read-only" in line]


def test_the_layer_refuses_before_any_request(sim):
    vm = first_vm(sim, "up")
    conn = connect(sim)
    ctx = ActionContext(connection=conn, readonly=True)
    before = len(sim.requests.snapshot())
    try:
        registry.get("vm", "stop").perform(ctx, vm, {})
    except ReadOnlyRefused as refused:
        assert refused.lines() == [REFUSAL]
    else:
        raise AssertionError("vm stop ran in read-only mode")
    finally:
        conn.close()
    assert sim.requests.snapshot()[before:] == []
    assert vm.name in {v.name for v in _up_vms(sim)}


def test_cli_flag_and_config_key_refuse_with_one_line(sim, tmp_path, capsys):
    vm = first_vm(sim, "up")
    cfg = write_config(sim, tmp_path)
    ro_cfg = tmp_path / "ro.ini"
    ro_cfg.write_text(cfg.read_text() + "[ovtui]\nreadonly = true\n", encoding="utf-8")
    ro_cfg.chmod(0o600)
    before = len(sim.requests.snapshot())
    for config, extra in ((cfg, ("--readonly",)), (ro_cfg, ())):
        code, out, err = run_cli(capsys, config, *extra, "vm", "-n", vm.name, "stop", "-y")
        assert code == 2, err
        assert out == ""
        assert cli_refusal(err) == [f"ovtui: error: {REFUSAL}"], err
    assert engine_writes(sim, before) == []
    assert sim.requests.snapshot()[before:] == []  # not even a login: refused before connecting
    assert vm.name in {v.name for v in _up_vms(sim)}


@asynctest
async def test_tui_flag_and_config_key_refuse_with_the_same_line(sim):
    vm = first_vm(sim, "up")
    for app in (make_app(sim, live=False, readonly=True), _app_with_flag(sim)):
        assert await refusal_shown(sim, app, vm.name) == [REFUSAL]
    assert vm.name in {v.name for v in _up_vms(sim)}


async def refusal_shown(sim, app, vm_name: str) -> list[str]:
    """The notifications after asking ``vm stop`` on ``vm_name``; nothing may be written."""
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        key = next(k for k in table.order if cell_text(table, k, "name") == vm_name)
        table.move_cursor(row=table.get_row_index(key))
        before = len(sim.requests.snapshot())
        m.action_verb("vm", "stop")  # its key is hidden in read-only mode; the palette too
        toasts = await wait_until(pilot, lambda: list(app.screen.query(Toast)), what="toast")
        assert not app.tasks
        assert engine_writes(sim, before) == []
        return [str(t.render()) for t in toasts]


def _app_with_flag(sim):
    """``ovtui --readonly``: the flag, with a profile that does not say read-only."""
    from ovtui.app import OvtuiApp

    return OvtuiApp(make_app(sim).profile, readonly=True, live=False)


def _up_vms(sim):
    conn = connect(sim)
    try:
        return conn.system_service().vms_service().list(search="status=up")
    finally:
        conn.close()
