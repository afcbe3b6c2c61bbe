"""A scaled clock and a scheduler thread that runs state transitions when due."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("ovtui.sim")


class Clock:
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
