"""The TUI's workers: a task's end reaches the tasks pane wherever the operator is, and a
worker that raises (an engine error or a bug) is said on screen while the TUI stays up."""

from __future__ import annotations

from typing import Any

from ovtui.actions.base import Action, ActionContext
from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import VerbForm
from ovtui.widgets.status_line import StatusLine
from ovtui.widgets.tasks_pane import TaskRow, TasksPane
from tests.support import asynctest, wait_until

from .helpers import cell_text, loaded, make_app

SIZE = (160, 45)


def row_text(row: TaskRow) -> str:
    return " ".join(str(label.render()) for label in row.query("Label"))


def broken_run(ctx: ActionContext, target: Any) -> None:
    raise KeyError("a bug in a verb")


BROKEN = Action(noun="vm", verb="broken", help="raises", run=broken_run)


@asynctest
async def test_task_end_reaches_tasks_pane_while_on_detail(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        key = next(k for k in table.order if cell_text(table, k, "status") == "down")
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        await pilot.press("s")  # vm start, from the detail screen
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="start form")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is detail, what="back on the detail")
        pane = m.query_one(TasksPane)
        await wait_until(
            pilot,
            lambda: "✔ done" in row_text(pane.query_one(TaskRow)),
            timeout=30,
            what="the task's end in the pane under the detail screen",
        )
        assert app.screen is detail  # nobody moved the operator
        await pilot.press("t")  # the detail's t: the main screen with its tasks shown
        await wait_until(pilot, lambda: app.screen is m, what="main screen")
        assert not pane.has_class("hidden")
        assert "✔ done" in row_text(pane.query_one(TaskRow))


@asynctest
async def test_a_verb_that_raises_fails_its_task_and_the_tui_stays_up(sim):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        target = m.view.highlighted()
        app.start_action(BROKEN, [target], {})
        pane = m.query_one(TasksPane)
        row = await wait_until(pilot, lambda: pane.query_one(TaskRow), what="the task row")
        await wait_until(pilot, lambda: not row.task_.running, what="the task to end")
        assert row.task_.state == "failed"
        assert "✖ failed" in row_text(row) and "KeyError" in row_text(row)
        assert any("KeyError" in str(n.message) for n in app._notifications)
        assert app.is_running
        await pilot.press("3")  # the TUI still answers keys
        await wait_until(pilot, lambda: m.current == "host" and m.view.loaded_once)


@asynctest
async def test_a_page_load_that_raises_is_said_in_the_tab_and_retried(sim, monkeypatch):
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        page = app.browser.page

        def broken_page(*a: Any, **kw: Any) -> Any:
            raise RuntimeError("a bug while reading a page")

        monkeypatch.setattr(app.browser, "page", broken_page)
        m.view.reload()
        status = m.view.query_one(StatusLine)
        await wait_until(pilot, lambda: "RuntimeError" in status.text, what="the error said")
        assert status.has_class("error")
        assert app.is_running and not m.view.in_flight
        assert m.view.objects  # what was loaded stays shown
        monkeypatch.setattr(app.browser, "page", page)
        m.view.reload()
        await wait_until(pilot, lambda: status.text == "", what="the next load clears it")
