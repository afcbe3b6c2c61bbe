"""One question for a dangerous verb: the CLI's prompt and the TUI's dialog say the same words.

The same verb on the same objects, asked in both faces: one VM (``vm stop app01?``), several
marked VMs (``vm stop on 3 vms?``) and a verb with a plan (``host maintenance host01?``, the
plan shown first). Answering no sends nothing that could change the engine.
"""

from __future__ import annotations

import io
import re
import sys

from textual.widgets import Static

from ovtui.screens.modals import ConfirmScreen, VerbForm
from ovtui.screens.plan_confirm import PlanConfirmScreen
from ovtui.sim.testing import connect, write_config
from tests.support import asynctest, run_cli, wait_until
from tests.tui.helpers import cell_text, loaded, make_app

from .helpers import engine_writes

SIZE = (160, 45)


class Terminal(io.StringIO):
    """stdin of a person at a terminal (what they type is the buffer)."""

    def isatty(self) -> bool:
        return True


def cli_question(capsys, monkeypatch, cfg, *args: str) -> str:
    """The question the CLI asked (answered "n"), as printed before ``[y/N]``."""
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, out, err = run_cli(capsys, cfg, *args)
    assert code == 2 and "Not confirmed; nothing was done." in err, err
    asked = re.search(r"^(.*) \[y/N\] ", err, re.MULTILINE)
    assert asked, err
    return asked.group(1)


def names_of(sim, noun: str, status: str, n: int) -> list[str]:
    conn = connect(sim)
    try:
        svc = getattr(conn.system_service(), f"{noun}s_service")()
        return sorted(o.name for o in svc.list() if o.status.value == status)[:n]
    finally:
        conn.close()


async def tui_question(pilot, app, noun: str, names: list[str], key: str, screen: type) -> str:
    """The dialog's question for ``key`` on the rows named ``names`` (marked when several)."""
    m = await loaded(pilot, app, noun)
    table = m.view.table
    rows = {cell_text(table, k, "name"): k for k in table.order}
    for name in names:
        table.move_cursor(row=table.get_row_index(rows[name]))
        if len(names) > 1:
            await pilot.press("space")
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, VerbForm | screen), what="dialog")
    if isinstance(app.screen, VerbForm):
        await pilot.press("ctrl+s")  # the verb's options, as offered
        await wait_until(pilot, lambda: isinstance(app.screen, screen), what="question")
    dialog = app.screen
    question = str(dialog.query_one(".dialog-title", Static).render())
    await pilot.press("n")
    await wait_until(pilot, lambda: not isinstance(app.screen, screen), what="no")
    return question


def test_one_vm_and_several_vms_same_question(sim, tmp_path, capsys, monkeypatch):
    cfg = write_config(sim, tmp_path)
    one = names_of(sim, "vm", "up", 1)
    three = names_of(sim, "vm", "up", 3)
    before = len(sim.requests.snapshot())
    cli_one = cli_question(capsys, monkeypatch, cfg, "vm", "-n", one[0], "stop")
    search = " or ".join(f"name={n}" for n in three)
    cli_three = cli_question(capsys, monkeypatch, cfg, "vm", "-s", search, "stop")

    async def tui() -> tuple[str, str]:
        app = make_app(sim, live=False)
        async with app.run_test(size=SIZE) as pilot:
            q1 = await tui_question(pilot, app, "vm", one, "S", ConfirmScreen)
            q3 = await tui_question(pilot, app, "vm", three, "S", ConfirmScreen)
            assert not app.tasks
            return q1, q3

    tui_one, tui_three = asynctest(tui)()
    assert cli_one == tui_one == f"vm stop {one[0]}?"
    assert cli_three == tui_three == "vm stop on 3 vms?"
    assert engine_writes(sim, before) == []


def test_a_verb_with_a_plan_asks_the_same_question_after_it(sim, tmp_path, capsys, monkeypatch):
    cfg = write_config(sim, tmp_path)
    host = names_of(sim, "host", "up", 1)
    before = len(sim.requests.snapshot())
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, _, err = run_cli(capsys, cfg, "host", "-n", host[0], "maintenance")
    assert code == 2, err
    plan_line = f"{host[0]} (up): "
    assert plan_line in err, "the CLI shows the plan before its question"
    cli = re.search(r"^(.*) \[y/N\] ", err, re.MULTILINE)
    assert cli and err.index(plan_line) < err.index(cli.group(0)), err

    async def tui() -> str:
        app = make_app(sim, live=False)
        async with app.run_test(size=SIZE) as pilot:
            return await tui_question(pilot, app, "host", host, "M", PlanConfirmScreen)

    assert cli.group(1) == asynctest(tui)() == f"host maintenance {host[0]}?"
    assert engine_writes(sim, before) == []
