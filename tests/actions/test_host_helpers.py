"""Shared helpers of the host, cluster and storage verb tests (no tests here).

Synchronisation is by the actions' own progress reports or by polling with a deadline.
"""

from __future__ import annotations

import threading
from typing import Any

from ovtui.actions.base import ActionContext
from ovtui.sim.testing import connect


def sval(obj: Any) -> str | None:
    st = getattr(obj, "status", None)
    return getattr(st, "value", st)


def whost(sim: Any, name: str) -> Any:
    return sim.world.find("host", name)


def api_host(ctx: ActionContext, name: str) -> Any:
    found = [h for h in ctx.system.hosts_service().list(search=f"name={name}") if h.name == name]
    assert found, name
    return found[0]


def cluster_of(sim: Any, host_name: str) -> list[Any]:
    """The world's hosts of the same cluster as ``host_name``, by name."""
    h = whost(sim, host_name)
    with sim.world.lock:
        hosts = [x for x in sim.world.coll["hosts"].values() if x.cluster.id == h.cluster.id]
    return sorted(hosts, key=lambda x: x.name)


def running_vms_on(sim: Any, host: Any) -> list[Any]:
    with sim.world.lock:
        return [
            v
            for v in sim.world.coll["vms"].values()
            if v.host is not None and v.host.id == host.id and sval(v) == "up"
        ]


class VmWatch:
    """Polls the engine's VM statuses in a thread while an action runs: records every VM that
    was up at the start and was ever seen in a status other than up/migrating."""

    def __init__(self, sim: Any, vm_names: list[str]) -> None:
        self.conn = connect(sim)
        self.names = set(vm_names)
        self.bad: list[tuple[str, str]] = []
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        vms = self.conn.system_service().vms_service()
        while not self._stop.is_set():
            for v in vms.list():
                if v.name in self.names and sval(v) not in ("up", "migrating"):
                    self.bad.append((v.name, sval(v) or "?"))
            self.polls += 1
            self._stop.wait(0.02)

    def __enter__(self) -> VmWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.conn.close()
