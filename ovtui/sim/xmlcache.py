"""Rendered XML of records, kept on the record and dropped when the record changes.

A list is then a join of cached bytes: only records changed since the last read are
rendered again. The first time a record is rendered here its class becomes a tracked
subclass of its SDK type (same name, so the SDK's writers still find it; ``isinstance``
still holds): setting any of its attributes drops its cached XML. A change *inside* a
nested structure (``vm.placement_policy.hosts = ...``) is not seen by the record, so
whoever makes one calls ``touch(record)``; the write router does it for the record a
request changed (``Machines.handle``).
"""

from __future__ import annotations

from typing import Any

from ovtui.sim import render

_SLOT = "_sim_xml"  # (key, bytes) on the record's __dict__
_TRACKED: dict[type, type] = {}
_SDK_TYPE: dict[type, type] = {}


def _tracked_setattr(self: Any, name: str, value: Any) -> None:
    object.__setattr__(self, name, value)
    if not name.startswith("_sim_"):
        self.__dict__.pop(_SLOT, None)


def tracked_class(cls: type) -> type:
    """The tracked subclass of SDK type ``cls`` (made once per type)."""
    if cls in _SDK_TYPE:
        return cls
    tracked = _TRACKED.get(cls)
    if tracked is None:
        tracked = type(
            cls.__name__,
            (cls,),
            {
                "__slots__": (),
                "__setattr__": _tracked_setattr,
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )
        _TRACKED[cls] = tracked
        _SDK_TYPE[tracked] = cls
    return tracked


def sdk_type(obj: Any) -> type[Any]:
    """The SDK type of a record, tracked or not (what the SDK's reader makes of its XML)."""
    cls = type(obj)
    return _SDK_TYPE.get(cls, cls)


def touch(obj: Any) -> None:
    """Drop ``obj``'s cached XML (after a change inside one of its nested structures)."""
    if obj is not None and hasattr(obj, "__dict__"):
        obj.__dict__.pop(_SLOT, None)


def entity_bytes(obj: Any, tag: str, actions_tag: str | None = None) -> bytes:
    """``render.entity(obj, tag)`` plus a newline, as UTF-8, from the cache when unchanged."""
    key = (tag, actions_tag)
    hit = obj.__dict__.get(_SLOT)
    if hit is not None and hit[0] == key:
        return hit[1]
    data = (render.entity(obj, tag, actions_tag=actions_tag) + "\n").encode("utf-8")
    if type(obj) not in _SDK_TYPE:
        obj.__class__ = tracked_class(type(obj))
    obj.__dict__[_SLOT] = (key, data)
    return data
