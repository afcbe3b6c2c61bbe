"""The Simulator: world + clock + HTTP(S) server in a background thread."""

from __future__ import annotations

import functools
import logging
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from ovtui.sim import routes, xmlcache
from ovtui.sim.clock import Clock
from ovtui.sim.faults import FaultInjector
from ovtui.sim.machines import Machines
from ovtui.sim.server import RequestLog, SimHTTPServer
from ovtui.sim.sso import NegotiateAcceptor, TokenStore
from ovtui.sim.world import World

log = logging.getLogger("ovtui.sim")


class Simulator:
    """An oVirt engine that ``ovirtsdk4`` cannot tell from a real one (for what ovtui uses)."""

    def __init__(
        self,
        vms: int = 50,
        hosts: int = 4,
        speed: float = 1.0,
        seed: int = 0,
        user: str = "admin@internal",
        password: str = "admin",
        bind: str = "127.0.0.1",
        port: int = 0,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        faults: str | FaultInjector | None = None,
        kerberos_keytab: str | None = None,
        kerberos_users: set[str] | None = None,
        clock: Clock | None = None,
        empty: bool = False,
    ) -> None:
        """``clock`` says what time it is in the engine (default: the wall clock; a
        ``FrozenClock`` makes event times, uptimes and statistics repeatable); ``empty``
        starts an engine just installed (no data center, host, storage or VM)."""
        self.username = user
        self.password = password
        self.bind = bind
        self.port = port
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.faults = faults if isinstance(faults, FaultInjector) else FaultInjector(faults, seed)
        self.world = World(vms=vms, hosts=hosts, seed=seed, clock=clock, empty=empty)
        self.tokens = TokenStore(user, password, self.faults)
        self.faults.restart_hooks.append(self.tokens.drop_all)
        # token-http-auth does real SPNEGO with this keytab's HTTP/<host> key; without one it
        # refuses, as an engine with no Kerberos configured
        self.negotiate = (
            NegotiateAcceptor(kerberos_keytab, kerberos_users) if kerberos_keytab else None
        )
        self.machines = Machines(self.world, speed=speed, faults=self.faults)
        self.requests = RequestLog()  # (method, path) of every request received
        self._server: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def speed(self) -> float:
        return self.machines.scheduler.speed

    @property
    def url(self) -> str:
        scheme = "https" if self.tls_cert else "http"
        host = self.bind if ":" not in self.bind else f"[{self.bind}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        return f"{scheme}://{host}:{self.port}/ovirt-engine/api"

    def start(self) -> Simulator:
        """Serve in a background thread; returns once the port is listening."""
        server = SimHTTPServer((self.bind, self.port), self)
        if self.tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.tls_cert, self.tls_key)
            server.socket = ctx.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port = server.server_address[1]
        self._server = server
        self.machines.transfer_scheme = "https" if self.tls_cert else "http"  # image transfers
        self.machines.start()
        self._thread = threading.Thread(
            target=server.serve_forever,
            # stop() waits for the loop's next poll: 20 ms, not 200 (a test suite starts and
            # stops hundreds of simulators; an idle poll costs microseconds)
            kwargs={"poll_interval": 0.02},
            name="ovtui-sim-http",
            daemon=True,
        )
        self._thread.start()
        log.info("simulator serving on %s", self.url)
        return self

    def warm(self, hold_s: float = 0.01) -> None:
        """Render every top-level list into the XML cache now, holding the world lock at most
        about ``hold_s`` at a time (requests go on meanwhile), so the first full list is
        served from cached bytes too. Before ``/disks``, every VM's and template's disks are
        generated in the same short holds (``/disks`` would generate them all in one).
        ``ovtui sim`` runs this in the background after it starts."""
        world = self.world
        for name in routes.TOP:
            if name == "disks":
                self._generate_disks(hold_s)
            with world.lock:
                node = routes.resolve(world, [name])
                if node is None:
                    continue
                items = list(node.items or [])
            self._in_holds(items, functools.partial(xmlcache.entity_bytes, tag=node.tag), hold_s)

    def _generate_disks(self, hold_s: float) -> None:
        """Every VM's and template's disks generated, in short holds of the world lock."""
        world = self.world
        for coll in ("vms", "templates"):
            with world.lock:
                if world.disks_complete:
                    return
                records = list(world.coll[coll].values())

            def disks(record: Any, coll: str = coll) -> None:
                if record.id in world.coll[coll]:  # (not removed meanwhile)
                    world.sub(coll, record, "diskattachments")

            self._in_holds(records, disks, hold_s)

    def _in_holds(self, items: list[Any], step: Callable[[Any], object], hold_s: float) -> None:
        """``step(item)`` for each of ``items`` under the world lock, about ``hold_s`` per
        hold of it."""
        k = 0
        while k < len(items):
            with self.world.lock:
                until = time.perf_counter() + hold_s
                while k < len(items):
                    step(items[k])
                    k += 1
                    if time.perf_counter() >= until:
                        break
            # let a request waiting for the lock take it (re-taking it at once, this thread
            # would mostly have it again before the waiter wakes)
            time.sleep(0.001)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_all()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.machines.stop()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
