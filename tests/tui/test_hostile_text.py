"""Engine text is data in the TUI: hostile names, descriptions, events, faults and product info
(``ovtui.sim.hostile``) render literally everywhere, a click on them does nothing, no crash.

The simulator's world is poisoned with markup (``[@click=app.quit]``, ``[/]``, ``[bold]``),
brackets in ordinary names, C1/bidi/zero-width/CR/newline characters and a 10,000-character
string; the real ``ovirtsdk4`` reads them over HTTP, the TUI shows them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from ovirtsdk4 import types as T
from rich.console import Console
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets._toast import Toast

from ovtui.actions.browse import MAIN_TABS, SUBTABS
from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import ConfirmScreen, VerbForm
from ovtui.sim.hostile import LONG, poison_world
from ovtui.textsafe import visible
from ovtui.widgets.events_pane import EventsPane
from ovtui.widgets.tasks_pane import TasksPane
from tests.support import asynctest, wait_until

from .helpers import loaded, make_app
from .test_snapshots import frozen_sim, settle  # noqa: F401 - the fixture

SIZE = (160, 45)
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\r")  # must never reach the screen
QUIT = "[@click=app.quit]quit[/]"
START = "[@click=screen.verb('vm','start',False)]harmless note[/]"


def screen_text(app: Any) -> str:
    """What the terminal shows, as text (the screen and the screens under a modal)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


def table_cells(table: Any) -> list[Any]:
    return [c for i in range(table.row_count) for c in table.get_row_at(i)]


def assert_safe(app: Any, where: str) -> str:
    text = screen_text(app)
    for ch in RAW:
        assert ch not in text, f"{where}: raw {ch!r} on screen"
    assert "MarkupError" not in text
    return text


def assert_cells_safe(table: Any, where: str) -> list[str]:
    cells = table_cells(table)
    assert cells, f"{where}: empty table"
    for c in cells:
        assert isinstance(c, Text), f"{where}: a str cell ({c!r}) is parsed as markup"
        for ch in RAW + ("\n",):
            assert ch not in c.plain, f"{where}: raw {ch!r} in a cell"
        assert len(c.plain) <= 200, f"{where}: a cell of {len(c.plain)} characters"
    return [c.plain for c in cells]


@pytest.fixture
def hostile_sim(make_sim, tmp_path):
    sim = make_sim(vms=16, hosts=2, seed=3, speed=50)
    w = sim.world
    poison_world(w)
    vms = {v.name: v for v in w.coll["vms"].values()}
    # the two click targets, down (a start would show): one starts it, one writes a file
    start_vm = vms[START]
    shot_vm = vms["[@click=app.screenshot('/tmp/x')]x"]
    shot_vm.name = f"[@click=app.screenshot('shot.svg','{tmp_path}')]x"
    for vm in (start_vm, shot_vm):
        vm.status, vm.host = T.VmStatus.DOWN, None
    # a VM whose start is refused (no host has the memory): the message names it
    refused = vms["owner: [ops team]"]
    refused.status, refused.host = T.VmStatus.DOWN, None
    refused.memory = 2**50
    sim.refused_vm = refused
    sim.click_vms = [start_vm, shot_vm]
    return sim


@asynctest
async def test_every_tab_detail_pane_and_header_show_engine_text_literally(hostile_sim):
    sim = hostile_sim
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await wait_until(pilot, lambda: app.engine_info, what="engine info")
        text = assert_safe(app, "VMs tab")
        for literal in ("web-[prod]", QUIT, START, "see ticket [/]", "[bold red]x[/]"):
            assert literal in text, f"{literal!r} not shown literally on the VMs tab"
        plains = assert_cells_safe(m.view.table, "VMs")
        joined = "\n".join(plains)
        for shown in ("c1\\x9b31mred", "bidi\\u202etxt.exe", "zero\\u200bwidth", "a\\x0dforged"):
            assert shown in joined, f"{shown!r} not shown escaped"
        assert "line1\\x0aline2" in joined
        assert any(p.startswith(LONG[:100]) and p.endswith("…") for p in plains)
        # the header: the engine's product name and version are data
        header = str(m.query_one("#header").render())
        assert "web-[prod]" in header and "see ticket [/]" in header

        for noun in MAIN_TABS:
            m = await loaded(pilot, app, noun)
            assert_cells_safe(m.view.table, noun)
            assert_safe(app, f"{noun} tab")

        # a detail screen and every sub-tab of a VM (snapshots, NICs, applications, events...)
        m = await loaded(pilot, app, "vm")
        m.view.table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        title = str(detail.query_one("#detail-title").render())
        assert detail.obj.name[:50] in title
        assert_cells_safe(detail.query_one("#general"), "General")
        for i, (sub_title, _key, _jump) in enumerate(SUBTABS["vm"]):
            await pilot.press("right_square_bracket")
            await wait_until(
                pilot,
                lambda i=i: (
                    f"tab-{i}" in detail.loaded
                    and detail.query_one(f"#sub-{i}").row_count
                    or "Nothing" in str(detail.query_one(f"#tab-{i} .view-message").render())
                ),
                what=f"sub-tab {sub_title}",
            )
            table = detail.query_one(f"#sub-{i}")
            if table.row_count:
                assert_cells_safe(table, f"sub-tab {sub_title}")
            assert_safe(app, f"sub-tab {sub_title}")
        await pilot.press("right_square_bracket")  # XML
        await wait_until(pilot, lambda: "<" in str(detail.query_one("#xml").render()), what="xml")
        assert_safe(app, "XML tab")
        await pilot.press("escape")

        # the events pane follows the (poisoned) events
        await pilot.press("e")
        pane = m.query_one(EventsPane)
        await wait_until(pilot, lambda: pane.count > 0, what="events in the pane")
        assert_cells_safe(pane.query_one("#events-table"), "events pane")
        assert_safe(app, "events pane")
        await pilot.press("e")


@asynctest
async def test_a_refused_verb_confirm_dialog_and_tasks_pane_show_engine_text_literally(
    hostile_sim,
):
    sim = hostile_sim
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        # start the VM the engine refuses: its fault names the hosts (hostile names)
        table.move_cursor(row=table.get_row_index(sim.refused_vm.id))
        await pilot.press("t")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, VerbForm), what="start's form")
        title = str(app.screen.query_one(".dialog-title").render())
        assert visible(sim.refused_vm.name, 40)[:-1] in title
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: any(not t.running for t in app.tasks.values()),
            what="the start to fail",
        )
        task = next(iter(app.tasks.values()))
        said = "Cannot run VM owner: [ops team]: it needs"
        assert task.state == "failed" and said in task.step
        note = list(app._notifications)[-1]
        assert said in note.message and not note.markup
        await wait_until(
            pilot,
            lambda: any(said in str(t.render()) for t in app.screen.query(Toast)),
            what="the toast",
        )
        assert_safe(app, "notification and tasks pane")
        pane = m.query_one(TasksPane)
        assert "vm start owner: [ops team]" in str(pane.query_one(".task-label").render())
        assert said in str(pane.query_one(".task-step").render())

        # a dangerous verb asks first, naming the VM as it is
        quit_vm = next(v for v in sim.world.coll["vms"].values() if v.name == QUIT)
        before = quit_vm.status.value
        table.move_cursor(row=table.get_row_index(quit_vm.id))
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="confirm")
        text = assert_safe(app, "confirm dialog")
        assert f"vm stop {QUIT}?" in text
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="no")
        assert app.is_running and quit_vm.status.value == before


@asynctest
async def test_a_click_on_engine_text_does_nothing(hostile_sim, tmp_path):
    sim = hostile_sim
    app = make_app(sim, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        table = m.view.table
        quit_vm = next(v for v in sim.world.coll["vms"].values() if v.name == QUIT)
        targets = [quit_vm, *sim.click_vms]
        for vm in targets:
            row = table.get_row_index(vm.id)
            region = table._get_cell_region(Coordinate(row, 1))
            # a click on the name cell, twice (the second one is on the highlighted row)
            for _ in range(2):
                assert await pilot.click(
                    table, offset=(region.x + 2 - int(table.scroll_x), region.y + 1)
                )
                await pilot.pause()
            if isinstance(app.screen, DetailScreen):
                await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.is_running and app.return_code is None, "a click on a name quit ovtui"
        assert list(tmp_path.iterdir()) == [], "a click on a name wrote a screenshot"
        for vm in sim.click_vms:
            assert vm.status.value == "down", "a click on a name started a VM"
        assert sim.world.status_path(sim.click_vms[0].id) == []


def test_snapshot_vms_tab_with_hostile_names(snap_compare, frozen_sim):  # noqa: F811
    poison_world(frozen_sim.world)
    app = make_app(frozen_sim, live=False)

    async def run_before(pilot):
        m = await loaded(pilot, app, "vm")
        await wait_until(pilot, lambda: app.engine_info, what="engine info")
        m.view.table.focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
