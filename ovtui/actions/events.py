"""``event list [--from ID] [--follow]``: the engine's events, newest first, or a live tail;
``event add``: a custom (external) event, as a script records one (ovirtcmd's ``event``)."""

from __future__ import annotations

import time
from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, Param, ReplyLost, Result, Selector, UsageError, new_correlation_id
from .declare import verb
from .errors import engine_errors
from .nouns import NOUNS

EVENT_COLUMNS = ("id", "time", "severity", "code", "description")


@verb(
    "event",
    "list",
    "list the engine's events, newest first (--follow tails them)",
    params=(
        Param("from_id", ("--from",), "only events after this id", kind="int", metavar="ID"),
        Param("max", ("--max",), "at most this many events (default 50)", kind="int"),
        Param("follow", ("--follow", "-f"), "keep printing new events (Ctrl-C stops)", kind="flag"),
        Param(
            "interval",
            ("--interval",),
            "seconds between polls when following",
            kind="float",
            default=2.0,
        ),
    ),
    target="none",
)
def event_list(
    ctx: ActionContext,
    target: Any,
    from_id: int | None = None,
    max: int | None = None,
    follow: bool = False,
    interval: float = 2.0,
) -> Result:
    service = ctx.system.events_service()
    search = ctx.selector.search
    kw: dict[str, Any] = {"search": search} if search else {}
    with engine_errors("listing events"):
        events = list(service.list(from_=from_id, max=max or (None if from_id else 50), **kw))
    if not follow or ctx.emit is None:
        return Result(data=events, columns=EVENT_COLUMNS, root=NOUNS["event"].plural)
    last = max_id(events, from_id or 0)
    for ev in sorted(events, key=event_number):
        ctx.emit(ev)
    while True:
        ctx.sleep(interval)
        with engine_errors("following events"):
            new = list(service.list(from_=last, **kw))
        for ev in sorted(new, key=event_number):
            if event_number(ev) > last:
                ctx.emit(ev)
        last = max_id(new, last)


def event_number(event: types.Event) -> int:
    """An event's id as a number; -1 for an id that is not one (a broken or hostile engine's
    answer must not end the tail with an internal error: such an event is not followed)."""
    try:
        return int(str(event.id).strip())
    except (TypeError, ValueError):
        return -1


def max_id(events: list[types.Event], floor: int) -> int:
    return max([floor, *(event_number(e) for e in events)])


SEVERITIES = ("normal", "warning", "error", "alert")
# event add --vm NAME...: option -> (noun, SDK Event attribute, SDK type)
_EVENT_REFS = (
    ("vm", "vm", types.Vm),
    ("host", "host", types.Host),
    ("cluster", "cluster", types.Cluster),
    ("datacenter", "data_center", types.DataCenter),
    ("storagedomain", "storage_domain", types.StorageDomain),
)


@verb(
    "event",
    "add",
    "record a custom event (an external event: origin, severity, description)",
    params=(
        Param("description", ("--description", "-m"), "the event's text", required=True),
        Param(
            "severity",
            ("--severity",),
            "normal, warning, error or alert (default normal)",
            kind="choice",
            choices=SEVERITIES,
            default="normal",
        ),
        Param(
            "origin", ("--origin",), "who records it (default ovtui; not oVirt)", default="ovtui"
        ),
        Param(
            "custom_id",
            ("--custom-id",),
            "the event's number for its origin (default: from the clock)",
            kind="int",
        ),
        *(
            Param(name, (f"--{name}",), f"the {name} the event is about (name)")
            for name, _attr, _cls in _EVENT_REFS
        ),
    ),
    target="none",
    mutating=True,
    key="A",
)
def event_add(
    ctx: ActionContext,
    target: Any,
    description: str = "",
    severity: str = "normal",
    origin: str = "ovtui",
    custom_id: int | None = None,
    **refs: str | None,
) -> Result:
    """POST /events: the engine records it (codes 9801-9804 by severity) under ``origin``."""
    from .selectors import one

    if not (description or "").strip():
        raise UsageError("event add needs a --description.")
    if custom_id is None:
        custom_id = int(time.time() * 1000) % 2_000_000_000  # an int, new at each call
    event = types.Event(
        description=description,
        severity=types.LogSeverity(severity),
        origin=origin,
        custom_id=custom_id,
    )
    for name, attr, cls in _EVENT_REFS:
        value = refs.get(name)
        if value:  # the engine takes the object's id: resolved here, by name
            obj = one(ctx, NOUNS[name], Selector(name=value))
            setattr(event, attr, cls(id=obj.id))
    cid = new_correlation_id("event-add")
    service = ctx.system.events_service()
    try:
        with engine_errors("adding the event"):
            added = service.add(event, headers={"Correlation-Id": cid})
    except ReplyLost as lost:
        from .waiters import EventFollower, read_back

        read_back(ctx, lost, "event add", cid, EventFollower(ctx, cid))
        return Result(message="The event was recorded (its reply was lost).")
    return Result(
        data=[added],
        columns=EVENT_COLUMNS,
        root=NOUNS["event"].plural,
        message=f"Event {added.id} recorded.",
    )
