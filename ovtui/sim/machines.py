"""Verbs and state machines (VM, host, storage domain), add / update / remove."""

from __future__ import annotations

from typing import Any

from ovtui.sim.clock import Clock
from ovtui.sim.faults import FaultInjector
from ovtui.sim.world import World


class Machines:
    def __init__(self, world: World, speed: float, faults: FaultInjector) -> None:
        self.world = world
        self.faults = faults
        self.clock = Clock(speed, world.lock)

    def start(self) -> None:
        self.clock.start()

    def stop(self) -> None:
        self.clock.stop()

    def console_file(self, node: Any) -> str:
        return ""

    def handle(self, req: Any) -> Any:
        from ovtui.sim.server import HttpError

        raise HttpError(404)
