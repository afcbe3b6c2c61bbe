"""The simulator's world: a record store (``ovtui.sim.store``) filled by the seeded generator
(``ovtui.sim.seed``). Same seed, same world: names, statuses and ids."""

from __future__ import annotations

import gc

from ovtui.sim.clock import Clock
from ovtui.sim.seed import install_sub_generators, populate
from ovtui.sim.store import RecordStore


class World(RecordStore):
    """All engine state, generated from ``seed``. Mutate only while holding ``lock``."""

    def __init__(
        self,
        vms: int = 50,
        hosts: int = 4,
        seed: int = 0,
        clock: Clock | None = None,
        empty: bool = False,
    ) -> None:
        super().__init__(seed=seed, clock=clock)
        install_sub_generators(self)
        # a large world is some 300,000 new objects, none of them garbage: the cyclic GC's
        # passes over them would cost more than building them
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            populate(self, vms, hosts, empty)
        finally:
            if was_enabled:
                gc.enable()
