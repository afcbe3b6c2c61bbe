"""Issue 13 in the TUI: ``:tags`` (and the other catalog nouns) open as tables like the main
tabs; enter opens the detail; the noun's verbs act on the highlighted row."""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types as T

from ovtui.screens.detail import DetailScreen
from ovtui.screens.noun_table import NounTableScreen
from ovtui.sim.testing import connect
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app

SIZE = (160, 45)


def _names(screen: NounTableScreen) -> list[str]:
    table = screen.table
    col = screen.columns.index("name") + 1  # after the mark column
    return [table.get_row_at(i)[col].plain for i in range(table.row_count)]


async def _command(pilot: Any, app: Any, text: str) -> NounTableScreen:
    m = await loaded(pilot, app)
    m.action_command()
    await pilot.pause()
    await pilot.press(*text)
    await pilot.press("enter")
    screen = await wait_until(
        pilot,
        lambda: isinstance(app.screen, NounTableScreen) and app.screen.loaded_once and app.screen,
        what=f":{text} table",
    )
    assert isinstance(screen, NounTableScreen)
    return screen


@asynctest
async def test_colon_tags_lists_the_tags_and_enter_opens_one(sim: Any) -> None:
    conn = connect(sim)
    try:
        ts = conn.system_service().tags_service()
        ts.add(T.Tag(name="prod"))
        ts.add(T.Tag(name="prod-db", parent=T.Tag(name="prod")))
        engine = {t.name for t in ts.list()}
    finally:
        conn.close()
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _command(pilot, app, "tags")
        assert screen.noun == "tag"
        assert set(_names(screen)) == engine
        # parents before their children; the parent column names the parent
        names = _names(screen)
        assert names.index("prod") < names.index("prod-db")
        row = screen.table.get_row_at(names.index("prod-db"))
        assert row[screen.columns.index("parent") + 1].plain == "prod"

        screen.table.move_cursor(row=names.index("prod"))
        await pilot.press("enter")
        detail = await wait_until(
            pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
        )
        assert detail.noun == "tag" and detail.obj.name == "prod"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="back to :tags")


@asynctest
async def test_remove_from_the_tags_table_acts_on_the_highlighted_row(sim: Any) -> None:
    conn = connect(sim)
    try:
        conn.system_service().tags_service().add(T.Tag(name="scratch"))
    finally:
        conn.close()
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _command(pilot, app, "tags")
        screen.table.move_cursor(row=_names(screen).index("scratch"))
        await pilot.press("D")  # remove: dangerous, asks first
        await wait_until(pilot, lambda: "ConfirmScreen" in type(app.screen).__name__, what="ask")
        await pilot.press("y")
        await wait_until(pilot, lambda: "scratch" not in _names(screen), timeout=30, what="gone")
    conn = connect(sim)
    try:
        assert "scratch" not in {t.name for t in conn.system_service().tags_service().list()}
    finally:
        conn.close()


@asynctest
async def test_quotas_affinity_policies_open_as_tables(sim: Any) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        for text, noun, expect in (
            ("quotas", "quota", "Default"),
            ("affinity", "affinitygroup", "default-spread"),
            ("policies", "schedulingpolicy", "power_saving"),
            ("macpools", "macpool", "Default"),
        ):
            screen = await _command(pilot, app, text)
            assert screen.noun == noun and expect in _names(screen)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, NounTableScreen))


@asynctest
async def test_palette_table_tags_opens_the_tags_table(sim: Any) -> None:
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: "CommandPalette" in type(app.screen).__name__)
        await pilot.press(*"table Tags")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        screen = await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, NounTableScreen) and app.screen.loaded_once and app.screen
            ),
            what="the tags table from the palette",
        )
        assert screen.noun == "tag" and {"production", "testing", "web"} <= set(_names(screen))
