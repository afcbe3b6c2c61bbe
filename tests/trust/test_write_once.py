"""A write is sent at most once, and a lost reply is read back (issue 9).

A real loopback TCP proxy stands between ovtui and the simulator. It forwards every request
and relays every answer, except for the first request that matches: that one it forwards to the
simulator, reads the simulator's answer (so the engine has done it), and then closes the
client's socket without a word. libcurl used to "retry" such a POST on a fresh connection when
it had gone out on a reused pooled connection (a snapshot made twice, a shutdown sent twice).
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest
from ovirtsdk4 import types as T

from ovtui.cli import main
from ovtui.sim.testing import wait_for, write_config


def run_cli(capsys: Any, cfg: Any, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["run", "-c", str(cfg), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _read_head(f: Any) -> bytes:
    """Request or status line plus headers, up to the blank line; b"" at EOF."""
    lines = []
    while True:
        line = f.readline(65536)
        if not line:
            return b""
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)


def _length(head: bytes) -> int:
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return int(m.group(1)) if m else 0


class DroppingProxy:
    """HTTP/1.1 keep-alive proxy to ``upstream`` that loses the reply of one request.

    ``drop(method, path)`` picks the request; only its first occurrence is dropped. ``seen``
    lists every (method, path) forwarded to the upstream, in order, with the client connection
    number it came on.
    """

    def __init__(
        self,
        upstream: tuple[str, int],
        drop: Callable[[str, str], bool],
        forward: bool = True,
        then_die: bool = False,
    ) -> None:
        self.upstream = upstream
        self.drop = drop
        self.forward = forward  # False: the dropped request never reaches the upstream
        self.then_die = then_die  # True: after the drop, every connection is refused
        self.before: Callable[[str, str], None] = lambda method, path: None  # before forwarding
        self.seen: list[tuple[int, str, str]] = []
        self.dropped: list[tuple[int, str, str]] = []
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.conns = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.conns += 1
                n = self.conns
                self.sockets.append(client)
            threading.Thread(target=self._serve, args=(client, n), daemon=True).start()

    def _serve(self, client: socket.socket, n: int) -> None:
        upstream = socket.create_connection(self.upstream)
        cf, uf = client.makefile("rb"), upstream.makefile("rb")
        try:
            while True:
                head = _read_head(cf)
                if not head:
                    return
                body = cf.read(_length(head))
                method, path = head.split(b" ", 2)[:2]
                req = (n, method.decode(), path.decode())
                if not self.forward:
                    with self.lock:
                        lose = not self.dropped and self.drop(req[1], req[2])
                        if lose:
                            self.dropped.append(req)
                    if lose:
                        return  # lost on the way: the engine never hears of it
                self.before(req[1], req[2])
                with self.lock:
                    self.seen.append(req)
                upstream.sendall(head + body)
                rhead = _read_head(uf)
                rbody = uf.read(_length(rhead))
                with self.lock:
                    lose = not self.dropped and self.drop(req[1], req[2])
                    if lose:
                        self.dropped.append(req)
                if lose:
                    if self.then_die:
                        self.close()
                    return  # the engine did it; its answer goes nowhere
                client.sendall(rhead + rbody)
        except OSError:
            return
        finally:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def writes(self, pattern: str) -> list[tuple[int, str, str]]:
        with self.lock:
            return [r for r in self.seen if r[1] != "GET" and re.search(pattern, r[2])]

    def close(self) -> None:
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone does not)
        except OSError:
            pass
        self.server.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied(make_sim, tmp_path):
    """``(sim, proxy factory)``: a config whose url goes through the proxy."""
    sim = make_sim(speed=30)
    proxies: list[DroppingProxy] = []

    def make(
        drop: Callable[[str, str], bool], forward: bool = True, then_die: bool = False
    ) -> tuple[DroppingProxy, Any]:
        host, port = re.match(r"https?://([^:/]+):(\d+)", sim.url).groups()
        proxy = DroppingProxy((host, int(port)), drop, forward, then_die)
        proxies.append(proxy)
        cfg = write_config(sim, tmp_path)
        text = cfg.read_text(encoding="utf-8").replace(f":{port}/", f":{proxy.port}/")
        cfg.write_text(text + "timeout = 10\n", encoding="utf-8")
        return proxy, cfg

    yield sim, make
    for p in proxies:
        p.close()


def _vm(sim: Any, status: T.VmStatus) -> Any:
    with sim.world.lock:
        return sorted(
            (v for v in sim.world.coll["vms"].values() if v.status == status),
            key=lambda v: v.name,
        )[0]


def test_shutdown_whose_reply_is_lost_is_sent_once_and_read_back(proxied, capsys):
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.UP)
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/shutdown"))

    code, out, err = run_cli(capsys, cfg, "vm", "-n", vm.name, "shutdown", "-y")

    shutdowns = proxy.writes(r"/shutdown$")
    assert len(shutdowns) == 1, f"the shutdown reached the engine {len(shutdowns)} times: {err}"
    assert proxy.dropped, "the proxy lost the reply"
    gets_before = [r for r in proxy.seen[: proxy.seen.index(shutdowns[0])] if r[1] == "GET"]
    assert gets_before, "the POST followed reads (a reused connection was possible)"
    wait_for(lambda: sim.world.coll["vms"][vm.id].status == T.VmStatus.DOWN, what="VM down")
    assert sim.world.status_path(vm.id).count("powering_down") == 1
    # the engine did it: ovtui says the reply was lost, what it read back, and exits 0
    assert code == 0, err
    assert "reply" in err and "lost" in err, err
    assert "down" in err, err
    assert "Cannot connect" not in err, err


def test_read_back_rides_out_a_short_outage(proxied, capsys):
    """The reply is lost and the engine then answers 503 a few times: the read-back retries
    (within its bound) and reports what the engine did, not "it may have done it" (the soak
    met this: exit 3 for a suspend the engine had done)."""
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.UP)
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/shutdown"))

    def outage_after_the_write(method: str, path: str) -> None:
        if method == "POST" and path.endswith("/shutdown"):
            sim.faults.failing_gets = 3  # the next three reads get 503

    proxy.before = outage_after_the_write
    code, out, err = run_cli(capsys, cfg, "vm", "-n", vm.name, "shutdown", "-y")

    assert len(proxy.writes(r"/shutdown$")) == 1, err
    assert sim.faults.failing_gets == 0, "the outage happened"
    assert code == 0, err
    assert "retrying" in err and "lost" in err, err
    wait_for(lambda: sim.world.coll["vms"][vm.id].status == T.VmStatus.DOWN, what="VM down")


def test_snapshot_create_whose_reply_is_lost_makes_one_snapshot(proxied, capsys):
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.UP)
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/snapshots"))

    code, out, err = run_cli(
        capsys, cfg, "vm", "-n", vm.name, "snapshot-create", "--description", "dupcheck"
    )

    posts = proxy.writes(r"/snapshots$")
    assert len(posts) == 1, f"the snapshot POST reached the engine {len(posts)} times: {err}"
    assert proxy.dropped
    snaps = [s for s in sim.world.sub("vms", vm, "snapshots") or [] if s.description == "dupcheck"]
    assert len(snaps) == 1, f"{len(snaps)} snapshots named dupcheck"
    assert code == 0, err
    assert "lost" in err and "dupcheck" in err, err


def test_shutdown_lost_before_the_engine_is_reported_not_done(proxied, capsys):
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.UP)
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/shutdown"), forward=False)

    code, out, err = run_cli(capsys, cfg, "vm", "-n", vm.name, "shutdown", "-y")

    assert proxy.dropped and not proxy.writes(r"/shutdown$"), "the engine never got it"
    assert sim.world.coll["vms"][vm.id].status == T.VmStatus.UP
    assert code == 1, err
    assert "not done" in err and "lost" in err, err


def test_lost_reply_and_engine_gone_says_it_may_have_been_done(proxied, capsys):
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.UP)
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/shutdown"), then_die=True)

    code, out, err = run_cli(capsys, cfg, "vm", "-n", vm.name, "shutdown", "-y")

    assert len(proxy.writes(r"/shutdown$")) == 1
    assert code == 3, err
    assert "may have done it" in err and "Reading it back failed too" in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 4, err


def test_create_with_a_disk_but_no_storage_domain_creates_nothing(proxied, capsys):
    sim, make = proxied
    _, cfg = make(lambda m, p: False)
    cluster = next(iter(sim.world.coll["clusters"].values())).name

    code, out, err = run_cli(
        capsys, cfg, "vm", "create", "--name", "nodisk", "--cluster", cluster, "--disk", "2G"
    )

    assert code == 2, err
    assert "storage domain" in err and "no VM was created" in err, err
    assert not [v for v in sim.world.coll["vms"].values() if v.name == "nodisk"]


def test_create_whose_reply_is_lost_reads_the_vm_back(proxied, capsys):
    sim, make = proxied
    proxy, cfg = make(lambda m, p: m == "POST" and p.endswith("/api/vms"))
    cluster = next(iter(sim.world.coll["clusters"].values())).name

    code, out, err = run_cli(
        capsys, cfg, "vm", "create", "--name", "lostreply", "--cluster", cluster
    )

    assert len(proxy.writes(r"/api/vms$")) == 1 and proxy.dropped
    made = [v for v in sim.world.coll["vms"].values() if v.name == "lostreply"]
    assert len(made) == 1
    assert code == 0, err
    assert "lost" in err and made[0].id in err, err


def test_write_refused_401_after_session_expiry_is_done_once(proxied, capsys):
    """The engine answers 401 from its auth filter before the API runs a request, so the
    SDK's one re-login-and-resend is kept for writes: the verb works, the engine did it once."""
    sim, make = proxied
    vm = _vm(sim, T.VmStatus.DOWN)
    proxy, cfg = make(lambda m, p: False)
    expired: list[str] = []

    def expire(method: str, path: str) -> None:
        if method == "POST" and path.endswith("/start") and not expired:
            expired.append(path)
            sim.tokens.drop_all()  # the session ends just before the start reaches the engine

    proxy.before = expire
    logins = sim.tokens.logins

    code, out, err = run_cli(capsys, cfg, "vm", "-n", vm.name, "start")

    assert expired, "the session expired under the POST"
    assert len(proxy.writes(r"/start$")) == 2, "refused (401), logged in again, sent again"
    assert sim.tokens.logins == logins + 2, "the first login and one more"
    assert code == 0, err
    assert sim.world.status_path(vm.id).count("wait_for_launch") == 1, "started once"
