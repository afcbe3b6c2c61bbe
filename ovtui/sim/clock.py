"""Time in the simulator: what time it is (an injectable clock) and when transitions run.

``SystemClock`` reads the wall clock; ``FrozenClock`` always answers the same instant, so
event times, uptimes and statistics are the same on every run (the TUI snapshot tests pass
one as ``Simulator(clock=FrozenClock(...))``). ``Scheduler`` runs state transitions after
*engine* seconds, ``delay / speed`` wall seconds, whatever the clock says.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("ovtui.sim")


class Clock(Protocol):
    """What the simulator asks of a clock: seconds since the epoch, and that as a datetime."""

    def time(self) -> float: ...

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The wall clock; datetimes in the local time zone, as the engine reports them."""

    def time(self) -> float:
        return time.time()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).astimezone()


class FrozenClock:
    """A clock stopped at ``at`` (seconds since the epoch); datetimes in UTC."""

    def __init__(self, at: float) -> None:
        self.at = at

    def time(self) -> float:
        return self.at

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.at, dt.UTC)


class Scheduler:
    """Runs callbacks after *engine* seconds, i.e. ``delay / speed`` wall seconds."""

    def __init__(self, speed: float, lock: threading.RLock) -> None:
        self.speed = max(speed, 1e-6)
        self.lock = lock  # the world lock, held while a callback runs
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def after(self, engine_seconds: float, fn: Callable[[], None]) -> None:
        due = time.monotonic() + engine_seconds / self.speed
        with self._cv:
            heapq.heappush(self._heap, (due, next(self._seq), fn))
            self._cv.notify()

    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ovtui-sim-clock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stop and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cv.wait(timeout)
                if self._stop:
                    return
                _, _, fn = heapq.heappop(self._heap)
            try:
                with self.lock:
                    fn()
            except Exception:  # noqa: BLE001 - a broken transition must not stop the clock
                log.exception("state transition failed")
