"""``event list [--from ID] [--follow]``: the engine's events, newest first, or a live tail."""

from __future__ import annotations

from typing import Any

from ovirtsdk4 import types

from .base import ActionContext, Param, Result
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
