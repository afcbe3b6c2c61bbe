"""Waiting for the engine: poll an object until a status, follow an action's events.

Every wait has a timeout, says it ("waiting up to 2 h") and reports each status change as
Progress; the user's cancel stops the wait (never the engine's work).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import ovirtsdk4
from ovirtsdk4 import services, types

from .base import (
    ActionContext,
    EngineRefused,
    EventInfo,
    ReplyLost,
    WaitTimeout,
    new_correlation_id,
)
from .errors import engine_errors, translate


def status_of(obj: Any) -> str | None:
    """The lowercase API status of an SDK object (``up``, ``maintenance``...)."""
    status = getattr(obj, "status", None)
    if status is None:
        return None
    return getattr(status, "value", str(status))


class EventFollower:
    """The engine's events carrying one correlation id, each reported once, oldest first.

    Starts after the newest event at creation time (``from=``). Disables itself quietly
    when the engine does not serve events (an older or partial engine answers 404).
    """

    def __init__(self, ctx: ActionContext, correlation_id: str, since: int | None = None):
        self.ctx = ctx
        self.correlation_id = correlation_id
        self.enabled = True
        self.seen: list[EventInfo] = []
        self.last_id = since if since is not None else self._newest_id()

    def _service(self) -> services.EventsService:
        return self.ctx.system.events_service()

    def _newest_id(self) -> int:
        try:
            newest = self._service().list(max=1)
        except ovirtsdk4.Error:
            self.enabled = False
            return 0
        return int(newest[0].id) if newest else 0

    def poll(self) -> list[EventInfo]:
        if not self.enabled:
            return []
        try:
            found = self._service().list(
                from_=self.last_id, search=f"correlation_id={self.correlation_id}"
            )
        except ovirtsdk4.NotFoundError:
            self.enabled = False
            return []
        except ovirtsdk4.Error:
            return []  # a transient error: try again on the next poll
        new = sorted((to_event_info(e) for e in found), key=lambda e: e.id)
        new = [e for e in new if e.id > self.last_id]
        if new:
            self.last_id = new[-1].id
        for ev in new:
            self.seen.append(ev)
            level = (
                "error"
                if ev.severity in ("error", "alert")
                else ("warning" if ev.severity == "warning" else "info")
            )
            self.ctx.progress("event", ev.description, event=ev, level=level)
        return new

    def last_error(self) -> str | None:
        """The newest error (or alert) event of this action: the engine's reason."""
        for ev in reversed(self.seen):
            if ev.severity in ("error", "alert"):
                return ev.description
        return None


def to_event_info(ev: types.Event) -> EventInfo:
    sev = getattr(ev.severity, "value", ev.severity) or "normal"
    when = ev.time.isoformat(timespec="seconds") if getattr(ev, "time", None) else ""
    return EventInfo(
        id=int(ev.id), code=ev.code, severity=str(sev), time=when, description=ev.description or ""
    )


def span(seconds: float) -> str:
    """A wait's bound as people say it: ``2 h``, ``30 min``, ``90 s``, ``0.5 s``."""
    if seconds >= 3600 and seconds % 1800 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def transient(exc: ovirtsdk4.Error) -> bool:
    """An engine error worth retrying a read for: 5xx, a dropped connection, a time-out."""
    if isinstance(exc, (ovirtsdk4.AuthError, ovirtsdk4.NotFoundError)):
        return False
    return exc.code is None or exc.code >= 500


Obj = TypeVar("Obj")


def wait_for(
    ctx: ActionContext,
    fetch: Callable[[], Obj],
    until: Callable[[Obj], bool],
    *,
    what: str,
    wanted: str,
    fail: Callable[[Obj], str | None] | None = None,
    timeout: float | None = None,
    follower: EventFollower | None = None,
    on_poll: Callable[[Obj], None] | None = None,
    goal: str | None = None,
    hint: str = "The engine may still be working on it; check the object or raise the timeout.",
) -> Obj:
    """Poll ``fetch()`` until ``until(obj)``; report status changes; raise on fail/timeout.

    ``fail(obj)`` returns a reason when the object reached a state it will not come back
    from (the action failed). ``what`` names the object, ``wanted`` the awaited state
    (``goal`` overrides the "be WANTED" wording of the time-out message). A transient engine
    error while polling (5xx, dropped connection) is reported and the poll retried until the
    deadline: a long wait does not fail on one bad answer.
    """
    limit = ctx.timeout_for() if timeout is None else timeout
    deadline = time.monotonic() + limit
    ctx.progress("wait", f"{what}: waiting up to {span(limit)} to {goal or 'be ' + wanted}")
    last: str | None = None
    while True:
        ctx.check_cancelled()
        try:
            obj = fetch()
        except ovirtsdk4.Error as exc:
            if not transient(exc) or time.monotonic() >= deadline:
                raise translate(exc, f"reading {what}") from exc
            ctx.progress(
                "retry", f"reading {what}: {translate(exc).message} (retrying)", level="warning"
            )
            ctx.sleep(ctx.poll_interval)
            continue
        if follower is not None:
            follower.poll()
        status = status_of(obj)
        if status != last and status is not None:
            ctx.progress("status", f"{what}: {status}", status=status)
            last = status
        if on_poll is not None:
            on_poll(obj)
        if until(obj):
            return obj
        if fail is not None:
            reason = fail(obj)
            if reason:
                raise EngineRefused(reason)
        if time.monotonic() >= deadline:
            raise WaitTimeout(
                f"Timed out after {limit:g} s waiting for {what} to {goal or 'be ' + wanted}"
                f" (last status: {last or 'unknown'}).",
                hint,
            )
        ctx.sleep(ctx.poll_interval)


def wait_for_status(
    ctx: ActionContext,
    service: Any,
    wanted: Iterable[str],
    *,
    what: str,
    failed: Iterable[str] = (),
    timeout: float | None = None,
    follower: EventFollower | None = None,
) -> Any:
    """Poll ``service.get()`` until its status is one of ``wanted``; ``failed`` ends it."""
    wanted_set, failed_set = set(wanted), set(failed)

    def fail(obj: Any) -> str | None:
        status = status_of(obj)
        if status in failed_set:
            last_error = follower.last_error() if follower is not None else None
            return f"{what} went {status}" + (f": {last_error}" if last_error else ".")
        return None

    return wait_for(
        ctx,
        service.get,
        lambda o: status_of(o) in wanted_set,
        what=what,
        wanted=" or ".join(sorted(wanted_set)),
        fail=fail,
        timeout=timeout,
        follower=follower,
    )


def wait_gone(
    ctx: ActionContext,
    service: Any,
    *,
    what: str,
    timeout: float,
    timed_out: str,
    follower: EventFollower | None = None,
    on_poll: Callable[[Any], None] | None = None,
) -> None:
    """Poll ``service.get()`` until the engine answers 404: the object was removed.

    Any other engine error ends the wait (``reading WHAT: ...``); ``on_poll`` sees the object
    while it is still there; ``timed_out`` is the WaitTimeout message after ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    while True:
        ctx.check_cancelled()
        if follower is not None:
            follower.poll()
        try:
            obj = service.get()
        except ovirtsdk4.NotFoundError:
            return
        except ovirtsdk4.Error as exc:
            raise translate(exc, f"reading {what}") from exc
        if on_poll is not None:
            on_poll(obj)
        if time.monotonic() >= deadline:
            raise WaitTimeout(timed_out)
        ctx.sleep(ctx.poll_interval)


def send_action(
    ctx: ActionContext,
    service: Any,
    method: str,
    *args: Any,
    what: str,
    verb: str | None = None,
    **kwargs: Any,
) -> tuple[str, EventFollower]:
    """Call ``service.method(*args, **kwargs)`` once, with a fresh correlation id; report it
    accepted (a lost reply is read back, never sent again).

    Returns the correlation id and an EventFollower started just before the call, so the
    action's engine events can be reported while waiting.
    """
    cid = new_correlation_id(verb or method)
    follower = EventFollower(ctx, cid)
    label = f"{verb or method} {what}"
    try:
        with engine_errors(label):
            getattr(service, method)(*args, headers={"Correlation-Id": cid}, **kwargs)
    except ReplyLost as lost:
        read_back(ctx, lost, label, cid, follower)  # done (or cannot tell): wait as usual
        return cid, follower
    ctx.progress("accepted", f"{label}: accepted by the engine")
    return cid, follower


READ_BACK_LIMIT = 15.0  # seconds a lost reply's read-back retries transient engine errors


def read_back(
    ctx: ActionContext,
    lost: ReplyLost,
    label: str,
    cid: str | None,
    follower: EventFollower | None = None,
    find: Callable[[], str | None] | None = None,
) -> str | None:
    """After a write's reply was lost: read back whether the engine did it. Nothing is resent.

    Looks for ``find()`` (the object the write makes, e.g. a snapshot by its description),
    then the engine's job and events carrying the correlation id ``cid``. Returns what was
    found, reported as a warning (the engine has it: the verb goes on as if accepted), or
    None when the engine keeps no jobs or events to tell (the verb's own wait will show).
    Raises EngineRefused (exit 1) when the engine shows no trace of it: not done. Raises
    ReplyLost (exit 3) when reading back fails too.
    """
    ctx.progress(
        "lost", f"{label}: {lost.reason}: the reply was lost; reading back what the engine did"
        " (nothing is sent twice)", level="warning",
    )  # fmt: skip
    served = find is not None
    deadline = time.monotonic() + READ_BACK_LIMIT
    attempt, retried = 0, False
    while attempt < 2:
        try:
            found = find() if find is not None else None
            jobs = None if found else jobs_of(ctx, cid)
        except ovirtsdk4.Error as exc:
            if transient(exc) and time.monotonic() < deadline:
                # one 503 or dropped read must not turn "done" into "may have done it"
                if not retried:
                    ctx.progress(
                        "retry",
                        f"{label}: reading back: {translate(exc).message} (retrying for up to"
                        f" {span(READ_BACK_LIMIT)})",
                        level="warning",
                    )
                retried = True
                ctx.sleep(ctx.poll_interval)
                continue
            raise ReplyLost(
                lost.method,
                lost.path,
                lost.reason,
                cid,
                hint=f"Reading it back failed too ({translate(exc).message}); check the object"
                " on the engine before asking again.",
            ) from None
        if jobs:
            found = f"engine job: {jobs[0].description} ({status_of(jobs[0])})"
        elif not found and follower is not None and follower.enabled:
            follower.poll()
            if follower.seen:
                found = f"event: {follower.seen[0].description}"
        if found:
            ctx.progress("accepted", f"{label}: the engine has it ({found})", level="warning")
            return found
        served = served or jobs is not None or (follower is not None and follower.enabled)
        attempt += 1
        if attempt == 1:
            ctx.sleep(ctx.poll_interval)  # a slow engine may register the job a moment late
    if not served:
        ctx.progress(
            "lost", f"{label}: the engine keeps no jobs or events to tell; watching the object",
            level="warning",
        )  # fmt: skip
        return None
    raise EngineRefused(
        f"{label}: the reply was lost and the engine shows no trace of it: it was not done.",
        "ovtui sent it once; run the verb again if it is still wanted.",
    )


def jobs_of(ctx: ActionContext, cid: str | None) -> list[types.Job] | None:
    """The engine's jobs for correlation id ``cid``; None when the engine serves no jobs."""
    if not cid:
        return None
    try:
        return list(ctx.system.jobs_service().list(search=f"correlation_id={cid}"))
    except ovirtsdk4.NotFoundError:
        return None
