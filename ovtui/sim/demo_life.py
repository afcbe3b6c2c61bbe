"""Life in the demo engine: ``ovtui demo`` opens on an estate that is doing something.

:func:`demo_simulator` builds the demo's world (3 clusters of 2 hosts each, every cluster
with room to move its VMs, some hosts with updates) and starts :class:`DemoLife`, an
operator of the simulated estate working through the engine's own API (the real SDK, like
any client): it keeps one live migration under way, one after the other, so the demo opens
with a migration in flight, its engine job running and events coming in. It stands back
from VMs and hosts that are not plainly up (what the user is working on).
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

from .simulator import Simulator

log = logging.getLogger("ovtui.sim")

DEMO_VMS = 50
DEMO_HOSTS = 6  # 3 clusters x 2 hosts: every cluster can move its VMs (maintenance works)
PAUSE = 4.0  # wall seconds between two migrations


def demo_simulator(
    vms: int = DEMO_VMS, hosts: int = DEMO_HOSTS, speed: float = 1.0, seed: int = 0
) -> Simulator:
    """A started simulator for ``ovtui demo``, with :class:`DemoLife` running on it."""
    sim = Simulator(vms=vms, hosts=hosts, speed=speed, seed=seed).start()
    life = DemoLife(sim, seed=seed)
    life.start()
    sim.demo_life = life  # type: ignore[attr-defined]
    return sim


class DemoLife:
    def __init__(self, sim: Simulator, seed: int = 0, pause: float = PAUSE) -> None:
        self.sim = sim
        self.pause = pause
        self.rng = random.Random(seed)
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None
        self.conn: Any = None

    def start(self) -> None:
        """The first migration is accepted before this returns; the rest on a thread."""
        import ovirtsdk4

        self.conn = ovirtsdk4.Connection(
            url=self.sim.url,
            username=self.sim.username,
            password=self.sim.password,
            insecure=True,  # loopback, our own engine
            timeout=30,
        )
        try:
            self.migrate_one()
        except Exception:  # noqa: BLE001 - the demo opens anyway
            log.debug("demo life: first migration not started", exc_info=True)
        self.thread = threading.Thread(target=self.run, name="ovtui-demo-life", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()

    def run(self) -> None:
        while not self.stop_event.wait(self.pause):
            if self.sim._server is None:  # the simulator was stopped: the demo is over
                return
            try:
                if not self.migrating():
                    self.migrate_one()
            except Exception:  # noqa: BLE001 - the engine went away (demo ended) or said no
                if self.stop_event.is_set():
                    return
                log.debug("demo life: step failed", exc_info=True)

    def migrating(self) -> bool:
        vms = self.conn.system_service().vms_service().list(search="status=migrating")
        return bool(vms)

    def migrate_one(self) -> bool:
        """Migrate one running VM to another host of its cluster; False when none can go."""
        system = self.conn.system_service()
        hosts = {h.id: h for h in system.hosts_service().list()}
        up = {hid for hid, h in hosts.items() if h.status is not None and h.status.value == "up"}
        vms = [
            v
            for v in system.vms_service().list(search="status=up")
            if v.host is not None
            and v.host.id in up
            and (
                v.placement_policy is None
                or getattr(v.placement_policy.affinity, "value", "") == "migratable"
            )  # fmt: skip
            and any(hid != v.host.id and hosts[hid].cluster.id == v.cluster.id for hid in up)
        ]
        if not vms:
            return False
        vm = self.rng.choice(sorted(vms, key=lambda v: v.name))
        system.vms_service().vm_service(vm.id).migrate()
        return True
