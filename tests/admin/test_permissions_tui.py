"""Issue 13 in the TUI: every object's Permissions sub-tab adds and removes a permission
(``g`` permission-add, ``w`` permission-remove on the highlighted row), and shows who holds
which role, where it is given."""
# ruff: noqa: B023

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, TabbedContent

from ovtui.actions.browse import SUBTABS
from ovtui.screens.detail import DetailScreen
from ovtui.screens.modals import ConfirmScreen, VerbForm
from tests.support import asynctest, wait_until
from tests.tui.helpers import footer_verbs, loaded, make_app

SIZE = (160, 45)
USER_ROLE = "00000000-0000-0000-0001-000000000001"


def add_bob(sim: Any) -> str:
    from ovirtsdk4 import types as T

    from ovtui.sim.testing import connect

    conn = connect(sim)
    try:
        users = conn.system_service().users_service()
        return str(users.add(T.User(user_name="bob", domain=T.Domain(name="internal"))).id)
    finally:
        conn.close()


async def open_detail(pilot: Any, app: Any, noun: str, name: str) -> DetailScreen:
    m = await loaded(pilot, app, noun)
    table = m.view.table
    key = next(k for k, o in m.view.objects.items() if o.name == name)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    return await wait_until(
        pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen, what="detail"
    )


async def permissions_tab(pilot: Any, detail: DetailScreen, noun: str) -> tuple[DataTable, str]:
    i = [t for t, _k, _j in SUBTABS[noun]].index("Permissions")
    tabs = detail.query_one(TabbedContent)
    for k in range(i + 1):  # ] to the next sub-tab, as an operator goes
        for _ in range(5):  # a key pressed while the screen is still busy may be dropped
            if tabs.active == f"tab-{k}":
                break
            await pilot.press("right_square_bracket")
            try:
                await wait_until(pilot, lambda: tabs.active == f"tab-{k}", timeout=5)
            except AssertionError:
                continue
        assert tabs.active == f"tab-{k}", tabs.active
    await wait_until(
        pilot, lambda: f"sub-{i}" in detail.sub_objects, timeout=60, what="Permissions loaded"
    )
    return detail.query_one(f"#sub-{i}", DataTable), f"sub-{i}"


def bobs(sim: Any, bob_id: str) -> list[Any]:
    with sim.world.lock:
        return [
            p
            for p in sim.world.coll["permissions"].values()
            if p.user is not None and p.user.id == bob_id
        ]


def row_texts(table: DataTable) -> list[str]:
    return [
        " | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(r))
        for r in range(table.row_count)
    ]


@asynctest
async def test_add_then_remove_a_permission_from_a_vms_permissions_subtab(sim):
    bob_id = add_bob(sim)
    with sim.world.lock:
        vm = sim.world.find("vm", "web01")
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, app, "vm", "web01")
        assert "permission-add" not in footer_verbs(detail)  # General: not its sub-tab
        table, tid = await permissions_tab(pilot, detail, "vm")
        assert "permission-add" in footer_verbs(detail)
        rows_before = table.row_count
        assert not any("bob@internal" in r for r in row_texts(table))

        await pilot.press("g")
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="the form"
        )
        form.query_one("#p-role", Input).value = "UserRole"
        form.query_one("#p-user", Input).value = "bob@internal"
        await pilot.click("#run")
        await wait_until(pilot, lambda: bobs(sim, bob_id), timeout=30, what="the permission")
        (perm,) = bobs(sim, bob_id)
        assert perm.role.id == USER_ROLE and perm.vm.id == vm.id  # on this VM, UserRole
        await wait_until(
            pilot, lambda: table.row_count == rows_before + 1, what="the sub-tab reloaded"
        )
        row = next(r for r in row_texts(table) if "bob@internal" in r)
        assert "UserRole" in row and "on this vm" in row, row
        assert app.screen is detail  # never left the screen

        # remove it: the highlighted row is the permission the form names
        table.move_cursor(row=table.get_row_index(perm.id))
        await pilot.press("w")
        form = await wait_until(
            pilot, lambda: isinstance(app.screen, VerbForm) and app.screen, what="the form"
        )
        assert form.query_one("#p-permission", Input).value == perm.id
        await pilot.click("#run")
        await wait_until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: not bobs(sim, bob_id), timeout=30, what="removed")
        await wait_until(pilot, lambda: table.row_count == rows_before, what="row gone")


@asynctest
async def test_a_hosts_permissions_subtab_shows_inherited_ones(sim):
    app = make_app(sim, live=True, refresh=1.0)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, app, "host", "host01")
        table, _ = await permissions_tab(pilot, detail, "host")
        rows = row_texts(table)
        assert any("SuperUser" in r and "user admin@internal" in r for r in rows), rows
        assert any("UserProfileEditor" in r and "group Everyone" in r for r in rows), rows
        assert any("inherited from the system" in r for r in rows), rows
        assert "permission-remove" in footer_verbs(detail)


@asynctest
async def test_a_filtered_user_browses_what_they_may_see(sim):
    """bob with filter = true: his VM in the VMs tab, the Hosts tab says it has nothing for
    him, and a tab the user-level API does not serve says so in the engine's words."""
    from ovtui.app import OvtuiApp
    from ovtui.config import Profile
    from ovtui.sim.sso import DIRECTORY_PASSWORD
    from ovtui.sim.testing import connect

    bob_id = add_bob(sim)
    conn = connect(sim)
    try:
        from ovirtsdk4 import types as T

        vms = conn.system_service().vms_service()
        web01 = vms.list(search="name=web01")[0]
        vms.vm_service(web01.id).permissions_service().add(
            T.Permission(role=T.Role(name="UserRole"), user=T.User(id=bob_id))
        )
    finally:
        conn.close()
    profile = Profile(name="bob", url=sim.url, username="bob@internal",
                      password=DIRECTORY_PASSWORD, filter=True, refresh=1.0)  # fmt: skip
    app = OvtuiApp(profile, live=True)
    async with app.run_test(size=SIZE) as pilot:
        m = await loaded(pilot, app, "vm")
        assert [o.name for o in m.view.objects.values()] == ["web01"]
        m = await loaded(pilot, app, "host")
        assert m.view.objects == {}
        assert m.view.status.text == "Nothing here."
        await pilot.press("colon")
        await pilot.press(*"macpools", "enter")
        said = await wait_until(
            pilot,
            lambda: (
                "insufficient permissions"
                in " ".join(s.text for s in app.screen.query("StatusLine"))
                and " ".join(s.text for s in app.screen.query("StatusLine"))
            ),
            what="the engine's refusal shown",
        )
        assert "Query execution failed due to insufficient permissions." in said
        assert "filter = true" in said
