"""Engine text is data on the screens added since the first hostile-text tests: the dashboard,
the ``:noun`` tables, the Pools tab, the curated General sub-tab (a VM's cloud-init rows), the
Statistics and Permissions sub-tabs, the search bar's suggestions and hint, the ctrl+e picker.

The world is poisoned by ``ovtui.sim.hostile.poison_world`` (markup, ``@click`` actions,
unbalanced ``[/]``, C1/bidi/zero-width/CR/LF, 10,000 characters) and read by the real
``ovirtsdk4`` over HTTP; each screen must show the text literally, escaped where it is a
control, and a click on it must do nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList, Static

from ovtui.actions.browse import SUBTABS
from ovtui.engines import picker_screen
from ovtui.screens.dashboard import DashboardScreen
from ovtui.screens.detail import DetailScreen
from ovtui.screens.noun_table import NounTableScreen
from ovtui.sim.hostile import poison_world
from ovtui.textsafe import visible
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app
from tests.tui.test_hostile_text import QUIT, assert_cells_safe, assert_safe

SIZE = (160, 45)
NOUN_COMMANDS = ("tags", "users", "roles", "quotas", "macpools", "affinity", "policies")


@pytest.fixture
def poisoned(make_sim, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    sim = make_sim(vms=16, hosts=2, seed=3, speed=50)
    poison_world(sim.world, cloud_init=True)
    return sim


def shown(app: Any) -> str:
    return assert_safe(app, type(app.screen).__name__)


async def click_text(pilot: Any, table: DataTable, row: int, col: int) -> None:
    region = table._get_cell_region(Coordinate(row, col))
    await pilot.click(table, offset=(region.x + 2 - int(table.scroll_x), region.y + 1))
    await pilot.pause()


def _subtab_settled(detail, i: int) -> bool:
    """Sub-tab ``i`` of a detail screen has its answer: rows, or a message (none, refused)."""
    return f"tab-{i}" in detail.loaded and bool(
        not detail.query(f"#sub-{i}")
        or detail.query_one(f"#sub-{i}").row_count
        or str(detail.query_one(f"#tab-{i} .view-message").render()).strip()
    )


@asynctest
async def test_dashboard_shows_hostile_cluster_and_host_names_literally(poisoned):
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "vm")
        app.show_dashboard()
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, DashboardScreen) and app.screen.fetches > 0,
            what="the dashboard's first answer",
        )
        dash = app.screen
        clusters = assert_cells_safe(dash.query_one("#top-clusters", DataTable), "clusters")
        hosts = assert_cells_safe(dash.query_one("#top-hosts", DataTable), "hosts")
        names = {c.name for c in poisoned.world.coll["clusters"].values()}
        names |= {h.name for h in poisoned.world.coll["hosts"].values()}
        literal = [n for n in names if "[" in n and "\n" not in n and len(n) < 60]
        assert literal and any(n in clusters + hosts for n in literal)
        text = shown(app)
        assert any(n in text for n in literal), "a hostile name is not on the dashboard"
        # a click on every loaded name: nothing quits, no markup action runs
        for tid in ("#top-clusters", "#top-hosts"):
            table = dash.query_one(tid, DataTable)
            for r in range(table.row_count):
                await click_text(pilot, table, r, 0)
                if isinstance(app.screen, DetailScreen):
                    shown(app)
                    await pilot.press("escape")
        assert app.is_running and app.return_code is None


@asynctest
async def test_noun_tables_show_engine_text_literally_and_a_click_does_nothing(poisoned):
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        seen_quit = False
        details = []
        for word in NOUN_COMMANDS:
            m.run_command(f":{word}")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, NounTableScreen) and app.screen.loaded_once,
                what=f":{word}",
            )
            screen = app.screen
            table = screen.table
            plains = assert_cells_safe(table, f":{word}")
            seen_quit |= any(QUIT in p for p in plains)
            text = shown(app)
            assert "[" in text
            for r in range(min(table.row_count, 4)):
                await click_text(pilot, table, r, 1)
            assert app.is_running and app.return_code is None, f"a click on :{word} quit"
            # enter opens the row's detail (where the noun has one): its title is data
            if app.screen is screen:
                table.focus()
                table.move_cursor(row=0)
                await pilot.press("enter")
                await pilot.pause(0.3)
            if isinstance(app.screen, DetailScreen):
                detail = app.screen
                await wait_until(pilot, lambda d=detail: d.is_mounted, what="detail")
                shown(app)
                title = str(detail.query_one("#detail-title").render())
                assert visible(detail.obj.name, 40)[:30] in title, title
                details.append(word)
            while app.screen is not m:
                await pilot.press("escape")
                await pilot.pause()
        assert seen_quit, f"{QUIT!r} shown on none of the noun tables"
        assert details, "no noun table opened a detail"


@asynctest
async def test_pools_tab_and_a_vm_detail_cloud_init_statistics_permissions(poisoned):
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vmpool")
        pools = assert_cells_safe(m.view.table, "Pools")
        pool_names = [p.name for p in poisoned.world.coll["vmpools"].values()]
        assert any(n[:40] in " ".join(pools) for n in pool_names)
        shown(app)

        m = await loaded(pilot, app, "vm")
        vm = next(v for v in poisoned.world.coll["vms"].values() if v.name == QUIT)
        m.view.table.move_cursor(row=m.view.table.get_row_index(vm.id))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        general = assert_cells_safe(detail.query_one("#general"), "General")
        joined = "\n".join(general)
        assert QUIT in joined, "the VM's name is not in its General sub-tab"
        assert "Cloud-Init / Sysprep" in joined
        init = vm.initialization
        values = [init.host_name, init.user_name, init.dns_servers, init.timezone, init.domain]
        assert len(set(values)) > 3
        for value in values:
            if len(value) < 100:  # escaped where it is a control, else as it is
                assert visible(value) in joined, f"cloud-init {value!r} not shown"
        shown(app)
        for i, (sub_title, _key, _jump) in enumerate(SUBTABS["vm"]):
            await pilot.press("right_square_bracket")
            await wait_until(
                pilot,
                lambda i=i: _subtab_settled(detail, i),
                what=f"sub-tab {sub_title}",
            )
            tables = list(detail.query(f"#sub-{i}"))
            if tables and tables[0].row_count:
                plains = assert_cells_safe(tables[0], f"sub-tab {sub_title}")
                if sub_title == "Permissions":
                    roles = {r.name for r in poisoned.world.coll["roles"].values()}
                    assert any(p in roles for p in plains), "no role name shown"
            shown(app)
        assert app.is_running


@asynctest
async def test_search_suggestions_from_hostile_names_are_data(poisoned):
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        await pilot.press("slash")
        await pilot.pause()
        for ch in "name = ":
            await pilot.press("space" if ch == " " else ("equals_sign" if ch == "=" else ch))
        bar = app.screen.focused
        await wait_until(pilot, lambda: bool(bar.value.endswith("= ")), what="typed")
        await pilot.pause(0.2)
        text = shown(app)
        hint = str(m.query_one("#bar-hint", Static).render())
        assert "values:" in hint and "[" in hint, f"no hostile name in the hint: {hint!r}"
        assert "web-[prod]" in text
        # taking every suggestion in turn never puts a raw control into the bar
        for prefix in ("w", "[", "o", "c", "b", "z", "a", "l", "s"):
            bar.value = f"name = {prefix}"
            bar.cursor_position = len(bar.value)
            await pilot.pause(0.1)
            await pilot.press("tab")
            await pilot.pause(0.05)
            shown(app)
            for ch in ("\u202e", "\u200b", "\r", "\n", "\x9b"):
                assert ch not in bar.value, f"the bar took a raw {ch!r} from a suggestion"
        # a name with '=' and brackets, taken by tab, is quoted: the engine finds that VM
        bar.value = "name = [@click=app.q"
        bar.cursor_position = len(bar.value)
        await pilot.pause(0.1)
        await pilot.press("tab")
        await wait_until(pilot, lambda: bar.value == f'name = "{QUIT}"', what=bar.value)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: m.view.loaded_once and not m.view.in_flight and m.view.table.row_count == 1,
            what="the search's one VM",
        )
        said = str(m.query_one("#view-message").render()) if m.query("#view-message") else ""
        assert "syntax" not in said, said
        assert QUIT in shown(app)
        assert app.is_running


@asynctest
async def test_engine_picker_shows_profile_names_literally(poisoned):
    # profile names of no engine object (the screen under the picker shows those)
    names = ["lab-[1]", "[@click=app.quit]prof[/]", "[b]bold-prof[/b]", "lab"]
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, "vm")
        picked: list[Any] = []
        app.push_screen(picker_screen(names, "lab"), picked.append)
        await wait_until(pilot, lambda: bool(app.screen.query(OptionList)), what="picker")
        await pilot.pause()
        text = shown(app)
        for n in names:
            assert n in text, f"profile {n!r} not shown literally"
        ol = app.screen.query_one(OptionList)
        await pilot.click(ol, offset=(3, 1))
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert picked and picked[0] in names, picked  # the name as configured


@asynctest
async def test_detail_task_strip_shows_a_refused_start_of_a_hostile_vm_literally(poisoned):
    from ovirtsdk4 import types as T

    from ovtui.screens.modals import ConfirmScreen, VerbForm
    from ovtui.screens.subtab_verbs import SubtabTasks

    vm = next(v for v in poisoned.world.coll["vms"].values() if v.name == QUIT)
    vm.status, vm.host, vm.memory = T.VmStatus.DOWN, None, 2**50  # no host has the memory
    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        m.view.table.move_cursor(row=m.view.table.get_row_index(vm.id))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        detail = app.screen
        detail.action_verb("vm", "start", False)
        await pilot.pause(0.2)
        if isinstance(app.screen, (VerbForm, ConfirmScreen)):
            await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.tasks and all(not t.running for t in app.tasks.values()),
            what="the start to be refused",
        )
        strip = detail.query_one(SubtabTasks)
        await wait_until(
            pilot, lambda: "Cannot run VM" in str(strip.query_one(".task-step").render())
        )
        label = str(strip.query_one(".task-label").render())
        assert f"vm start {QUIT}" in label, label
        text = shown(app)
        assert f"Cannot run VM {QUIT}" in text
        for c in strip.query(".task-step, .task-subjects"):
            await pilot.click(c)
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert vm.status == T.VmStatus.DOWN


@asynctest
async def test_every_main_type_detail_general_and_statistics_show_engine_text_as_data(poisoned):
    from ovtui.actions.browse import MAIN_TABS

    app = make_app(poisoned, live=False)
    async with app.run_test(size=SIZE) as pilot:
        for noun in MAIN_TABS:
            m = await loaded(pilot, app, noun)
            if not m.view.table.row_count:
                continue
            m.view.table.focus()
            m.view.table.move_cursor(row=0)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what=noun)
            detail = app.screen
            general = assert_cells_safe(detail.query_one("#general"), f"{noun} General")
            assert any("[" in g for g in general), f"{noun}: no hostile text in General"
            shown(app)
            for i, (sub_title, _key, _jump) in enumerate(SUBTABS.get(noun, [])):
                if sub_title != "Statistics" and noun not in ("vmpool", "host", "cluster"):
                    continue
                detail.query_one("TabbedContent").active = f"tab-{i}"
                await wait_until(
                    pilot,
                    lambda i=i, d=detail: _subtab_settled(d, i),
                    what=f"{noun} {sub_title}",
                )
                said = str(detail.query_one(f"#tab-{i} .view-message").render())
                assert "syntax" not in said and "400" not in said, f"{noun} {sub_title}: {said}"
                tables = list(detail.query(f"#sub-{i}"))
                if tables and tables[0].row_count:
                    assert_cells_safe(tables[0], f"{noun} {sub_title}")
                shown(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, DetailScreen), what="back")
        assert app.is_running
