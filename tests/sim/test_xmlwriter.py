"""ovtui.xmlwriter writes what the SDK's C XmlWriter writes, byte for byte, without its leak."""

from __future__ import annotations

import gc
import resource

from hypothesis import given, settings
from hypothesis import strategies as st
from ovirtsdk4 import types as T
from ovirtsdk4 import writers
from ovirtsdk4.xml import XmlWriter as CWriter

from ovtui.sim.world import World
from ovtui.xmlwriter import XmlWriter


def _render(writer_cls: type, obj: object, tag: str) -> str:
    xw = writer_cls(None, indent=True)
    getattr(writers, type(obj).__name__ + "Writer").write_one(obj, xw, tag)
    text = xw.string()
    xw.close()
    return text


def _both(obj: object, tag: str) -> tuple[str, str]:
    return _render(CWriter, obj, tag), _render(XmlWriter, obj, tag)


def _records(world: World) -> list[object]:
    out: list[object] = []
    for coll, objs in world.coll.items():
        for obj in objs.values():
            out.append(obj)
            for _kind, name in [k for k in world.sub_generators if k[0] == coll]:
                out.extend(world.sub(coll, obj, name) or [])
    return out


def test_the_whole_seeded_world_is_written_the_same():
    world = World(vms=30, hosts=4, seed=7)
    records = _records(world)
    assert len(records) > 500
    for obj in records:
        tag = type(obj).__name__.lower()
        c_text, py_text = _both(obj, tag)
        assert py_text == c_text, f"{type(obj).__name__} {getattr(obj, 'id', '')}"


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(name=TEXT, description=TEXT, ident=TEXT)
def test_any_text_is_escaped_the_same(name, description, ident):
    vm = T.Vm(id=ident, name=name, description=description, comment="", tags=[])
    c_text, py_text = _both(vm, "vm")
    assert py_text == c_text


def test_no_memory_kept_per_document():
    vm = T.Vm(id="x" * 36, name="n" * 50, description="d" * 4000)
    for _ in range(200):
        _render(XmlWriter, vm, "vm")
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20000):
        _render(XmlWriter, vm, "vm")
    gc.collect()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 10_000, f"{grown_kib} KiB kept for 20,000 documents (the C writer: ~170 MB)"


def test_documents_and_lists_as_the_sdk_writes_them():
    from ovirtsdk4.writer import Writer

    from ovtui.xmlwriter import to_xml

    world = World(vms=10, hosts=2, seed=3)
    vms = list(world.coll["vms"].values())
    assert to_xml(vms, root="vms") == Writer.write(vms, root="vms", indent=True)
    assert to_xml(vms[0]) == Writer.write(vms[0], indent=True)
    assert to_xml([], root="vms") == Writer.write([], root="vms", indent=True)
