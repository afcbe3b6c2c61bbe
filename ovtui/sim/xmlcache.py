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

from ovirtsdk4.writer import Writer

from ovtui.sim import render

_SLOT = "_sim_xml"  # (key, bytes) on the record's __dict__
_TRACKED: dict[type, type] = {}
_SDK_TYPE: dict[type, type] = {}
_LEAN: dict[type, type] = {}  # SDK type -> lean subclass
_LEAN_SDK: dict[type, type] = {}  # lean subclass -> SDK type


def _tracked_setattr(self: Any, name: str, value: Any) -> None:
    object.__setattr__(self, name, value)
    if not name.startswith("_sim_"):
        self.__dict__.pop(_SLOT, None)


class _Lean(type):
    """The lean subclasses' type: a lean class equals its SDK type, as the SDK's setters
    check a value's type with ``==`` (``_check_type``) and must take a lean record."""

    def __eq__(cls, other: object) -> bool:
        return cls is other or _LEAN_SDK.get(cls) is other or _SDK_TYPE.get(cls) is other

    __hash__ = type.__hash__


def lean_class(cls: type) -> type:
    """The lean subclass of SDK type ``cls`` (made once per type; ``records.mk`` builds its
    records as these): same name, and each attribute that a blank ``cls()`` leaves None is
    None at class level, so that an instance's ``__dict__`` holds only what was set (a
    100,000-VM world is some 1.5 GiB less). Tracked like ``cls`` when first rendered."""
    lean = _LEAN.get(cls)
    if lean is None:
        blank = vars(cls())
        lean = _Lean(
            cls.__name__,
            (cls,),
            {
                **{k: None for k, v in blank.items() if v is None},
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )
        if any(v is not None for v in blank.values()):  # (none of the SDK's types)
            return cls
        _LEAN[cls] = lean
        _LEAN_SDK[lean] = cls
        _sdk_writes(lean, cls)
    return lean


def tracked_class(cls: type) -> type:
    """The tracked subclass of SDK type ``cls`` or of its lean subclass (made once per type)."""
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
        _SDK_TYPE[tracked] = _LEAN_SDK.get(cls, cls)
        _sdk_writes(tracked, _SDK_TYPE[tracked])
    return tracked


def _sdk_writes(sub: type, cls: type) -> None:
    """The SDK's ``Writer.write`` (keyed by exact type) writes ``sub`` as ``cls``."""
    writers = Writer._writers  # noqa: SLF001 - the SDK's own registry
    if cls in writers:
        writers[sub] = writers[cls]


def sdk_type(obj: Any) -> type[Any]:
    """The SDK type of a record, tracked, lean or neither (what the SDK's reader makes of
    its XML)."""
    cls = type(obj)
    return _SDK_TYPE.get(cls) or _LEAN_SDK.get(cls, cls)


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
