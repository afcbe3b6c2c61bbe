"""ovtui.sim.fastxml (the SDK writers translated once into functions) writes what the SDK's
writers write through ovtui.xmlwriter (``render.write_plain_sdk``), byte for byte: every
record the simulator serves, hostile text, every kind of value, and writers it does not
translate (which the SDK writes itself)."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import ovirtsdk4
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ovirtsdk4 import types as T
from ovirtsdk4 import writers
from ovirtsdk4.xml import XmlWriter as CWriter

from ovtui.sim import fastxml, hostile, render, routes, xmlcache
from ovtui.sim.clock import FrozenClock
from ovtui.sim.store import RecordStore
from ovtui.sim.testing import bearer_request, connect


def _sdk_c(obj: Any, tag: str) -> str:
    """The SDK writer through the SDK's own C XmlWriter (the reference of ovtui.xmlwriter)."""
    xw = CWriter(None, indent=True)
    render.writer_for(obj).write_one(obj, xw, tag)
    text = xw.string()
    xw.close()
    return text


def _same(obj: Any, tag: str) -> str:
    fast = fastxml.write(obj, tag)
    assert fast == render.write_plain_sdk(obj, tag), f"{type(obj).__name__} {tag}"
    assert render.write_plain(obj, tag) == fast
    return fast


def _served(world: RecordStore, depth: int = 3) -> list[tuple[Any, str]]:
    """(record, tag) of every record the routes serve: each top-level collection, and each
    record's sub-collections (LINKS) down to ``depth`` levels."""
    out: list[tuple[Any, str]] = []

    def walk(path: list[str], level: int) -> None:
        node = routes.resolve(world, path)
        if node is None or node.items is None:
            return
        for item in node.items:
            out.append((item, node.tag))
            ident = getattr(item, "id", None)
            if level < depth and ident:
                for rel in render.LINKS.get(node.tag, []):
                    walk([*path, ident, rel], level + 1)

    with world.lock:
        for name in routes.TOP:
            walk([name], 1)
    return out


def test_every_record_of_a_seeded_world_is_written_the_same(make_sim):
    world = make_sim(vms=30, hosts=4, seed=7).world
    records = _served(world)
    kinds = {type(obj).__name__ for obj, _tag in records}
    assert len(records) > 1500
    for kind in ["Vm", "Nic", "Disk", "DiskAttachment", "Snapshot", "Statistic", "Host", "HostNic"]:
        assert kind in kinds
    for kind in ["Cluster", "Event", "Template", "User", "Role", "Permission", "Application"]:
        assert kind in kinds
    for obj, tag in records:
        _same(obj, tag)
    for obj, tag in records[:200]:  # and the SDK's own C writer agrees
        assert fastxml.write(obj, tag) == _sdk_c(obj, tag)


def test_lists_served_over_http_are_the_sdk_writers_lists(make_sim, monkeypatch):
    sim = make_sim(vms=20, hosts=3)
    # (text XML can carry: the SDK reads the list at the end)
    safe = [text for text in HOSTILE if hostile.xml_safe(text)]
    hostile.poison_world(sim.world, hostile.cycle_text(safe), product=False)
    served = {c: bearer_request(sim, "GET", f"/{c}")[2] for c in ["vms", "hosts", "events"]}
    with sim.world.lock, monkeypatch.context() as patch:
        patch.setattr(render, "write_plain", render.write_plain_sdk)  # the SDK path
        for coll, body in served.items():
            node = routes.resolve(sim.world, [coll])
            assert node is not None and node.items
            expected = render.collection((render.entity(o, node.tag) for o in node.items), coll)
            assert body == render.document(expected), coll
    vms = connect(sim).system_service().vms_service().list()
    assert sorted(v.name for v in vms) == sorted(v.name for v in sim.world.coll["vms"].values())


HOSTILE = [
    *hostile.HOSTILE,
    "a<b>&c\"d'e",
    "nul\x00after",
    "\x00",
    "tab\there\nLF\rCR\r\n",
    "esc\x1b[31m",
    "[@click=app.quit]x[/]",
    "é ü ß 漢字 😀 \u202e",
    "",
    " ",
    "]]>",
    "&amp;",
]


def test_a_hostile_world_is_written_the_same(make_sim):
    world = make_sim(vms=20, hosts=3, seed=5).world
    hostile.poison_world(world, hostile.cycle_text(HOSTILE), product=False, cloud_init=True)
    records = _served(world, depth=2)
    for obj, tag in records:
        _same(obj, tag)
    vm = next(iter(world.coll["vms"].values()))
    vm.href = '/ovirt-engine/api/vms/"<&>\n\t\r\x1b é😀\x00gone'
    vm.id = "id 'x' & \"y\" é\tz"
    vm.cluster.href = "/c?a=1&b=<2>\n"
    text = _same(vm, "vm")
    assert (
        'href="/ovirt-engine/api/vms/&quot;&lt;&amp;&gt;&#10;&#9;&#13;\x1b &#xE9;&#x1F600;"' in text
    )
    assert "gone" not in text.split("\n", 1)[0]


def test_each_character_alone_in_text_and_attributes():
    """A value with one special character among plain ones (a fast path must see each)."""
    for c in [*map(chr, range(128)), "\x80", "\xa0", "é", "\u202e", "\ufeff", "😀", "\U0010fffd"]:
        value = f"ab{c}cd"
        vm = T.Vm(id=value, name=value, description=c, comment=f"{c}x")
        vm.href = value
        vm.cluster = T.Cluster(id=c)
        vm.cluster.href = f"{c}x"
        vm.tags = ovirtsdk4.List([])
        vm.tags.href = value
        assert _same(vm, "vm") == _sdk_c(vm, "vm"), repr(c)


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(name=TEXT, description=TEXT, ident=TEXT, href=TEXT, target=TEXT)
def test_any_text_is_written_the_same(name, description, ident, href, target):
    vm = T.Vm(id=ident, name=name, description=description, comment=target)
    vm.href = href
    vm.cluster = T.Cluster(id=ident, name=name)
    vm.cluster.href = href
    vm.tags = ovirtsdk4.List([T.Tag(name=name, description=description)])
    vm.tags.href = href
    act = T.Action(iscsi_targets=[name, None, description], reason=target)
    for obj, tag in [(vm, "vm"), (act, "action")]:
        fast = _same(obj, tag)
        assert fast == _sdk_c(obj, tag)


def test_values_of_every_kind():
    when = datetime.datetime(2026, 11, 29, 14, 3, 7, 120, tzinfo=datetime.UTC)
    vm = T.Vm(
        name="v",
        memory=2**40,
        cpu_shares=0,
        migration_downtime=-1,
        stateless=True,
        delete_protected=False,
        start_time=when,
        stop_time=datetime.datetime(2020, 1, 1),  # naive
        status=T.VmStatus.UP,
        type=T.VmType.HIGH_PERFORMANCE,
        nics=[],  # an empty list: <nics/>
        tags=ovirtsdk4.List(),
        statistics=[
            T.Statistic(
                name="cpu.current.guest",
                kind=T.StatisticKind.GAUGE,
                type=T.ValueType.DECIMAL,
                values=[T.Value(datum=0.1), T.Value(datum=1e22), T.Value(datum=-0.0)],
            )
        ],
        os=T.OperatingSystem(boot=T.Boot(devices=[T.BootDevice.HD, None, T.BootDevice.CDROM])),
        cluster=T.Cluster(required_rng_sources=[], switch_type=T.SwitchType.LEGACY),
        display=T.Display(),  # no field set: <display/>
    )
    vm.tags.href = "/ovirt-engine/api/vms/x/tags"
    text = _same(vm, "vm")
    for line in [
        "<memory>1099511627776</memory>",
        "<migration_downtime>-1</migration_downtime>",
        "<stateless>true</stateless>",
        "<delete_protected>false</delete_protected>",
        "<start_time>2026-11-29T14:03:07.000120+00:00</start_time>",
        "<stop_time>2020-01-01T00:00:00</stop_time>",
        "<status>up</status>",
        "<type>high_performance</type>",
        "<nics/>",
        '<tags href="/ovirt-engine/api/vms/x/tags"/>',
        "<datum>1e+22</datum>",
        "<datum>-0.0</datum>",
        "<required_rng_sources/>",
        "<display/>",
        "<device>hd</device>",
    ]:
        assert line in text
    assert text == _sdk_c(vm, "vm")
    assert _same(T.Fault(), "fault") == "<fault/>\n"


def test_a_wrong_value_fails_as_the_sdk_writer_fails():
    wrong = {  # (past the SDK setters' own checks, where they have some)
        "_stateless": 1,  # not a bool
        "_memory": "2",  # not an int
        "_name": 5,  # not a str
        "_status": "up",  # not the enum
        "_cluster": T.Host(name="h"),  # another type where a cluster goes
        "_start_time": 5.0,  # not a date
    }
    for field, value in wrong.items():
        vm = T.Vm(description="d")
        setattr(vm, field, value)
        with pytest.raises(Exception) as sdk:
            render.write_plain_sdk(vm, "vm")
        with pytest.raises(Exception) as fast:
            fastxml.write(vm, "vm")
        assert type(fast.value) is type(sdk.value)
        assert str(fast.value) == str(sdk.value)
    # bool is an int to the SDK: written as Python spells it
    assert "<memory>True</memory>" in _same(T.Vm(memory=True), "vm")


def test_every_sdk_writer_is_translated():
    translator = fastxml.translator()
    names = [n for n in vars(writers) if n.endswith("Writer") and n != "Writer"]
    assert len(names) > 200
    assert [n for n in names if not translator.translated(n)] == []
    # the two whose id attribute is an enum's value / str() of it
    nic = T.HostNic(name="eth0.10", vlan=T.Vlan(id=10), base_interface="eth0")
    assert '<vlan id="10"/>' in _same(nic, "host_nic")
    sso = T.Vm(sso=T.Sso(methods=[T.Method(id=T.SsoMethod.GUEST_AGENT)]))
    assert '<method id="guest_agent"/>' in _same(sso, "vm")


def test_a_writer_replaced_at_run_time_is_not_guessed(monkeypatch):
    """A writer whose running write_one is not the SDK file's one, nested deep in a VM, is
    written by that write_one, at its depth."""

    def odd_write_one(obj: Any, writer: Any, singular: Any = None) -> None:
        writer.write_start(singular or "bios")
        writer.write_attribute("odd", "yes & <no>")
        writer.write_element("type", obj.type.value)
        writer.write_start("empty")
        writer.write_end()
        writer.write_end()

    monkeypatch.setattr(writers.BiosWriter, "write_one", staticmethod(odd_write_one))
    translator = fastxml.Translator()  # (the process's one translated before the patch)
    assert not translator.translated("BiosWriter")
    assert translator.translated("VmWriter")
    vm = T.Vm(name="a", bios=T.Bios(type=T.BiosType.Q35_OVMF), template=T.Template(id="t"))
    text = translator.write(vm, "vm")
    assert text == render.write_plain_sdk(vm, "vm")
    assert (
        '  <bios odd="yes &amp; &lt;no&gt;">\n    <type>q35_ovmf</type>\n    <empty/>\n  </bios>\n'
        in text
    )
    # at the top too
    assert translator.write(T.Bios(type=T.BiosType.Q35_OVMF), "bios") == render.write_plain_sdk(
        T.Bios(type=T.BiosType.Q35_OVMF), "bios"
    )


def test_a_record_whose_getter_is_not_the_sdks_reads_it_through_the_getter():
    """The translation reads ``obj._name`` only when ``obj.name`` is the SDK's plain getter."""
    shout = property(lambda self: self._name.upper(), T.Vm.name.fset)
    shouting = type("Vm", (T.Vm,), {"name": shout})
    vm = shouting(name="quiet", description="d")
    text = _same(vm, "vm")
    assert "<name>QUIET</name>" in text
    plain = T.Vm(name="quiet", description="d")
    assert "<name>quiet</name>" in _same(plain, "vm")
    assert "<name>QUIET</name>" in _same(vm, "vm")  # (each class is told apart)


def test_warm_caches_every_list_in_short_holds_and_changes_nothing(make_sim):
    """``Simulator.warm`` (run by ``ovtui sim``) leaves every top-level list served as a
    fresh rendering gives it, and the same as a simulator that did not warm serves it."""
    frozen = FrozenClock(1_790_000_000.0)
    warmed = make_sim(vms=40, hosts=4, seed=11, speed=0.001, clock=frozen)
    cold = make_sim(vms=40, hosts=4, seed=11, speed=0.001, clock=frozen)
    waits: list[float] = []
    done = threading.Event()

    def probe() -> None:  # as a request would: how long the world lock is waited for
        while not done.is_set():
            t0 = time.perf_counter()
            with warmed.world.lock:
                waits.append(time.perf_counter() - t0)
            done.wait(0.001)

    prober = threading.Thread(target=probe)
    prober.start()
    warmed.warm(hold_s=0.005)
    done.set()
    prober.join()
    assert warmed.world.disks_complete
    stored = ["vms", "hosts", "clusters", "datacenters", "storagedomains", "templates", "disks"]
    with warmed.world.lock:
        for name in [*stored, "networks", "events", "users", "tags"]:
            node = routes.resolve(warmed.world, [name])
            assert node is not None and node.items
            for obj in node.items:
                assert obj.__dict__.get(xmlcache._SLOT) is not None, (name, obj.id)
    for path in ["/vms", "/disks", "/hosts", "/templates", "/events"]:
        assert bearer_request(warmed, "GET", path)[2] == bearer_request(cold, "GET", path)[2]
    assert waits and max(waits) < 0.5  # (a loaded machine preempts; the holds are 5 ms)
