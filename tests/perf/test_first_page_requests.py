"""The TUI's first page of VMs takes one request after login and names what its rows refer to
with one id search per type, never the whole host or cluster lists; a refresh is one request
(issue 14)."""

from __future__ import annotations

from tests.support import asynctest, wait_until
from tests.tui.helpers import cell_text, make_app


def api_requests(sim) -> list[str]:
    """``METHOD /collection`` of every API request but the login and the API root."""
    out = []
    for method, path in sim.requests.snapshot():
        if "/sso/" in path or path.rstrip("/").endswith("/api"):
            continue
        out.append(f"{method} {path.split('/api', 1)[-1]}")
    return out


@asynctest
async def test_first_page_is_one_request_and_names_come_by_id(make_sim):
    sim = make_sim(vms=400, hosts=200)
    app = make_app(sim, live=False)
    async with app.run_test(size=(200, 50)) as pilot:
        m = await wait_until(pilot, lambda: app.main_screen(), what="main screen")
        await wait_until(pilot, lambda: m.view.table.row_count == 100, what="first page")
        running = next(o for o in m.view.objects.values() if o.host is not None)
        host_name = sim.world.coll["hosts"][running.host.id].name
        await wait_until(
            pilot,
            lambda: cell_text(m.view.table, running.id, "host") == host_name,
            what="the host's name in the row",
        )
        await wait_until(pilot, lambda: cell_text(m.view.table, running.id, "dc"), what="dc")
        seen = api_requests(sim)
        assert seen[0] == "GET /vms", seen  # the page first, then its names
        assert set(seen[1:]) <= {"GET /hosts", "GET /clusters", "GET /datacenters"}, seen
        assert len(seen) <= 4, seen  # hosts and clusters by id, then their data centers

        # only the hosts the page refers to were read, not the 200 of the engine
        on_page = {o.host.id for o in m.view.objects.values() if o.host is not None}
        assert set(app.browser.cached_names()["host"]) == on_page
        assert len(on_page) < 200

        n = len(sim.requests.snapshot())
        gen = m.view.generation
        m.view.reload()
        await wait_until(pilot, lambda: m.view.generation == gen + 1 and not m.view.in_flight)
        await pilot.pause(0.3)
        assert sim.requests.snapshot()[n:] == [("GET", "/ovirt-engine/api/vms")]
