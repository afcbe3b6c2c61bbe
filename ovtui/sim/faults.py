"""Fault injection, scriptable from Python and from ``--faults SPEC``."""

from __future__ import annotations

import random
import threading
from typing import Any


class FaultInjector:
    """Knobs the request handler consults on every API request.

    ``latency`` seconds added; ``error_rate`` fraction answered 503 with a fault;
    ``drop_rate`` fraction of connections closed unanswered (before the request is handled);
    ``lost_reply_rate`` fraction of writes (POST/PUT/DELETE) handled and then left unanswered
    (the engine did it, the reply never arrives); ``token_lifetime`` seconds
    (None: tokens live for the session); ``not_found`` top-level collections answered 404;
    ``fail_upgrade`` host names whose next upgrade fails; ``setupnetworks_ignored`` host
    names whose next setupnetworks is answered OK and not applied; ``failing_gets`` the next N GETs get
    503; ``restart()`` drops all tokens.
    """

    def __init__(self, spec: str | None = None, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.restart_hooks: list[Any] = []
        self.clear()
        if spec:
            self.apply_spec(spec)

    def clear(self) -> None:
        self.latency = 0.0
        self.error_rate = 0.0
        self.drop_rate = 0.0
        self.lost_reply_rate = 0.0
        self.token_lifetime: float | None = None
        self.not_found: set[str] = set()
        self.fail_upgrade: set[str] = set()
        self.setupnetworks_ignored: set[str] = set()  # hosts whose next setupnetworks is a no-op
        self.failing_gets = 0  # the next N API GETs are answered 503 (deterministic outage)

    def apply_spec(self, spec: str) -> None:
        """``latency=0.2,error_rate=0.1,drop_rate=0.05,token_lifetime=30,not_found=events+jobs,fail_upgrade=h1+h2``"""
        for item in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = item.partition("=")
            key = key.strip().replace("-", "_")
            if not sep:
                raise ValueError(f"bad fault {item!r}: expected KEY=VALUE")
            if key in ("latency", "error_rate", "drop_rate", "lost_reply_rate", "token_lifetime"):
                setattr(self, key, float(value))
            elif key in ("not_found", "fail_upgrade", "setupnetworks_ignored"):
                getattr(self, key).update(v for v in value.split("+") if v)
            else:
                raise ValueError(
                    f"unknown fault {key!r} (latency, error_rate, drop_rate, lost_reply_rate,"
                    " token_lifetime, not_found, fail_upgrade, setupnetworks_ignored)"
                )

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def take_failing_get(self, method: str) -> bool:
        """True (and one less to go) while ``failing_gets`` GETs remain to be refused."""
        if method != "GET" or self.failing_gets <= 0:
            return False
        with self._lock:
            if self.failing_gets <= 0:
                return False
            self.failing_gets -= 1
            return True

    def restart(self) -> None:
        """Engine restart: the world is kept, every token is forgotten."""
        for hook in self.restart_hooks:
            hook()
