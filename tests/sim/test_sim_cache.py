"""The simulator's XML cache and clock: a list served from cached bytes is the list a fresh
rendering gives, after every kind of change; a frozen clock makes the world repeatable; the
seeded world is the one the TUI snapshots were taken of."""

from __future__ import annotations

import hashlib
import time

import pytest
from ovirtsdk4 import types as T

from ovtui.sim import render
from ovtui.sim.clock import FrozenClock
from ovtui.sim.testing import bearer_request, connect, wait_for

FROZEN = 1_790_000_000.0


def served(sim, path: str) -> bytes:
    return bearer_request(sim, "GET", path)[2]


def rendered_fresh(sim, coll: str, tag: str) -> bytes:
    """The list as rendering every record now would give it (no cache involved)."""
    with sim.world.lock:
        items = [render.entity(o, tag) for o in sim.world.coll[coll].values()]
    return render.document(render.collection(items, coll))


def test_cached_list_follows_every_change(make_sim):
    """Each change is made while every VM's XML is cached; the next list shows it."""
    sim = make_sim(vms=12, hosts=2)
    conn = connect(sim)
    vms = conn.system_service().vms_service()
    down = next(v for v in vms.list() if v.status == T.VmStatus.DOWN)
    up = next(v for v in vms.list() if v.status == T.VmStatus.UP)

    def listed_after(change) -> dict[str, T.Vm]:
        assert served(sim, "/vms") == rendered_fresh(sim, "vms", "vm")  # all cached now
        change()
        assert served(sim, "/vms") == rendered_fresh(sim, "vms", "vm")
        return {v.id: v for v in vms.list()}

    def nested_put() -> None:  # merged into the VM's <os>: the record itself is not set
        vms.vm_service(down.id).update(T.Vm(os=T.OperatingSystem(type="rhel_9x64")))

    assert listed_after(nested_put)[down.id].os.type == "rhel_9x64"

    def stop() -> None:  # a verb whose transitions the scheduler runs later
        vms.vm_service(up.id).stop()
        wait_for(lambda: sim.world.status_path(up.id)[-1:] == ["down"], what="stopped")

    assert listed_after(stop)[up.id].status == T.VmStatus.DOWN

    def direct() -> None:  # a test's own change to a record, under the world lock
        with sim.world.lock:
            sim.world.coll["vms"][down.id].description = "changed <in> place & seen"

    assert listed_after(direct)[down.id].description == "changed <in> place & seen"
    assert vms.vm_service(down.id).get().description == "changed <in> place & seen"
    conn.close()


def test_cached_hosts_follow_their_vms(make_sim):
    """A host's VM summary is derived when listed: moving a VM changes the host's XML."""
    sim = make_sim(vms=12, hosts=2)
    conn = connect(sim)
    hosts = conn.system_service().hosts_service()
    before = {h.id: h.summary.total for h in hosts.list()}
    vm = next(v for v in conn.system_service().vms_service().list() if v.status == T.VmStatus.UP)
    conn.system_service().vms_service().vm_service(vm.id).stop()
    wait_for(
        lambda: {h.id: h.summary.total for h in hosts.list()}[vm.host.id] == before[vm.host.id] - 1,
        what="the host's summary to drop the stopped VM",
    )
    conn.close()


def test_frozen_clock_gives_the_same_engine_twice(make_sim):
    a = make_sim(vms=20, hosts=2, seed=3, speed=0.001, clock=FrozenClock(FROZEN))
    b = make_sim(vms=20, hosts=2, seed=3, speed=0.001, clock=FrozenClock(FROZEN))
    for path in ("/vms", "/events", "/jobs", "/hosts"):
        assert served(a, path) == served(b, path), path
    vm = next(iter(a.world.coll["vms"].values()))
    assert served(a, f"/vms/{vm.id}/statistics") == served(b, f"/vms/{vm.id}/statistics")
    conn = connect(a)
    assert conn.system_service().get().time.timestamp() == FROZEN
    conn.close()


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the generated history is dated in the local zone
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


# sha256 of each list (without the XML declaration) of the seed-7 world the TUI snapshots
# show, as the simulator served it before it was split into modules and cached. A change
# here changes every snapshot: update these only with a change to the world meant as such.
SEEDED = {
    "vms": "adb7a41beb24a979b9a8bef8a96aa63d178402444d67079870f637eb20551646",
    "hosts": "972966690900dceb6f32781b8710ca1e703b290aa3d5aafdf8d8b0f692f7953c",
    "events": "13818997e8a85e8c68cfbd0caca1789a5b6a6451f0e7fa7d5497c14cfdec2e62",
    "templates": "9da7fcfdae844760b6edb3badc93d19d8c76ea9bd0442a302e6205a6591f4aae",
    "storagedomains": "b4b763301e6b53017cd8fd54e87d1f071a0cfbd1e62f11774f0864d2e696b5fc",
}


@pytest.mark.parametrize("coll", sorted(SEEDED))
def test_seeded_world_is_unchanged(make_sim, utc, coll):
    sim = make_sim(vms=40, hosts=4, seed=7, speed=0.001, clock=FrozenClock(FROZEN))
    body = served(sim, f"/{coll}").decode()
    assert body.startswith(render.XML_DECL) and body.endswith("\n")
    digest = hashlib.sha256(body[len(render.XML_DECL) : -1].encode()).hexdigest()
    assert digest == SEEDED[coll]
