"""The simulator's records hold only the attributes that are set (issue 14: a 100,000-VM
world within a few GiB): a VM with its nested parts takes a third of the memory it took
when every record carried all of its SDK type's attributes, and the records still behave as
the SDK's own objects (its setters take them, its writers render them, isinstance holds)."""

from __future__ import annotations

import sys
from typing import Any

from ovirtsdk4 import Struct
from ovirtsdk4 import types as T

from ovtui.sim import render, xmlcache
from ovtui.sim.records import mk, ref
from ovtui.sim.world import World


def dict_bytes(obj: Any, seen: set[int]) -> int:
    """Bytes of the instance dicts of ``obj`` and of the records nested in it."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    total = sys.getsizeof(obj.__dict__)
    for value in obj.__dict__.values():
        if isinstance(value, Struct):
            total += dict_bytes(value, seen)
        elif isinstance(value, list):
            total += sum(dict_bytes(x, seen) for x in value if isinstance(x, Struct))
    return total


def test_generated_vms_hold_only_what_is_set():
    world = World(vms=200, hosts=4)
    vms = list(world.coll["vms"].values())
    per_vm = sum(dict_bytes(vm, set()) for vm in vms) / len(vms)
    # every attribute of every nested record in its dict: ~14,400 bytes a VM
    assert per_vm < 7000, per_vm
    vm = vms[0]
    assert not [k for k, v in vm.__dict__.items() if v is None]
    assert isinstance(vm, T.Vm) and xmlcache.sdk_type(vm) is T.Vm
    unset = [k for k in vars(T.Vm()) if k not in vm.__dict__]
    assert unset and all(getattr(vm, k) is None for k in unset)  # None from the class


def test_lean_records_are_taken_by_the_sdk_and_rendered_as_full_ones():
    host = ref(T.Host, "hosts", "h1")
    vm = T.Vm(name="plain")  # the SDK's own object: its setter checks the value's type
    vm.host = host
    assert vm.host is host
    lean = mk(T.Vm, id="v1", name="plain", host=ref(T.Host, "hosts", "h1"))
    full = T.Vm(id="v1", name="plain", host=T.Host(id="h1"))
    full.host.href = host.href
    assert render.entity(lean, "vm") == render.entity(full, "vm")
    # once rendered (tracked), still the SDK's type, and a change drops the cached XML
    first = xmlcache.entity_bytes(lean, "vm")
    assert xmlcache.sdk_type(lean) is T.Vm
    lean.name = "renamed"
    assert xmlcache.entity_bytes(lean, "vm") != first
    assert b"renamed" in xmlcache.entity_bytes(lean, "vm")
    full.host = lean.host  # a tracked lean record is taken too
