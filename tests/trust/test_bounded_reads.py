"""Every read bounded in time and bytes, against hostile engines on loopback (issue 9).

Each hostile server is a real TCP server written here (threads and sockets): an SSO endpoint
that trickles its answer one byte per second, an API answering with an endless chunked body
(fast: the size cap ends it; slow: the time-out does), a server that accepts and never answers.
``ovtui run vm list`` runs as a child process with ``timeout = 3``: it must end within the
time-out plus one second (beyond the time the same command takes to fail at once on a closed
port), with ovtui's own one- or two-line message and the documented exit code, its peak RSS
(``os.wait4``) under 300 MB, nothing on stdout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ovtui.cli import main
from ovtui.sim.testing import write_config

TIMEOUT = 3
ROOT = Path(__file__).resolve().parents[2]

Handler = Callable[[socket.socket, bytes, threading.Event], None]


class HostileServer:
    """Accepts on loopback; each connection's requests go to ``handler(sock, head, stop)``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.requested = threading.Event()  # a request arrived
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/ovirt-engine/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        f = sock.makefile("rb")
        try:
            while not self.stop.is_set():
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = f.readline(65536)
                    if not line:
                        return
                    head += line
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                f.read(int(m.group(1)) if m else 0)
                self.requested.set()
                self.handler(sock, head, self.stop)
        except OSError:
            return
        finally:
            sock.close()

    def close(self) -> None:
        self.stop.set()
        self.server.close()


def _answer(sock: socket.socket, ctype: str, body: bytes) -> None:
    sock.sendall(
        f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


TOKEN = {"access_token": "hostile-token", "token_type": "bearer", "exp": "9999999999999"}


def _sso_or(api: Handler) -> Handler:
    """A correct SSO (login, logout), ``api`` for everything else."""

    def handle(sock: socket.socket, head: bytes, stop: threading.Event) -> None:
        path = head.split(b" ", 2)[1]
        if b"/sso/" in path or b"/sso-logout" in path:
            _answer(sock, "application/json", json.dumps(TOKEN).encode())
        else:
            api(sock, head, stop)

    return handle


def trickle_sso(sock: socket.socket, head: bytes, stop: threading.Event) -> None:
    body = json.dumps(TOKEN).encode()
    answer = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    for i in range(len(answer)):
        sock.sendall(answer[i : i + 1])
        if stop.wait(1.0):
            return


def endless(pause: float) -> Handler:
    def handle(sock: socket.socket, head: bytes, stop: threading.Event) -> None:
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"<vm><name>x</name></vm>" * (2048 if not pause else 4)
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sock.sendall(b"7\r\n<vms>\n\r\n")
        while not stop.is_set():
            sock.sendall(frame)
            if pause:
                stop.wait(pause)

    return handle


def silent(sock: socket.socket, head: bytes, stop: threading.Event) -> None:
    stop.wait(60)


@pytest.fixture
def hostile(tmp_path):
    servers: list[HostileServer] = []

    def make(handler: Handler, extra: str = "") -> Path:
        srv = HostileServer(handler)
        servers.append(srv)
        return _config(tmp_path, srv.url, extra)

    make.servers = servers  # type: ignore[attr-defined]

    yield make
    for s in servers:
        s.close()


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    cfg = tmp_path / "ovtui.ini"
    cfg.write_text(
        f"[api]\nurl = {url}\nusername = admin@internal\npassword = pw\n"
        f"timeout = {TIMEOUT}\n{extra}",
        encoding="utf-8",
    )
    os.chmod(cfg, 0o600)
    return cfg


def run_child(
    cfg: Path,
    *args: str,
    limit: float = 30,
    meanwhile: Callable[[subprocess.Popen], None] | None = None,
) -> tuple[int, str, str, float, int]:
    """``(exit code, stdout, stderr, seconds, peak RSS in bytes)`` of ``ovtui run``;
    ``meanwhile(proc)`` runs once the child is started; ``seconds`` count from its return."""
    out_f = cfg.with_suffix(".out").open("w+b")
    err_f = cfg.with_suffix(".err").open("w+b")
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), *args],
        stdin=subprocess.DEVNULL,
        stdout=out_f,
        stderr=err_f,
        cwd=ROOT,
    )
    if meanwhile is not None:
        meanwhile(proc)
        start = time.monotonic()
    peak = 0
    while True:
        peak = max(peak, _high_water_rss(proc.pid))
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > limit:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise AssertionError(f"ovtui {' '.join(args)} still running after {limit} s")
        time.sleep(0.02)  # polling the child's end, not synchronising with it
    elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    return (
        proc.returncode,
        out_f.read().decode("utf-8", "replace"),
        err_f.read().decode("utf-8", "replace"),
        elapsed,
        peak,
    )


def _high_water_rss(pid: int) -> int:
    """The child's peak RSS so far (VmHWM, bytes). Not wait4's ru_maxrss: Linux carries the
    parent's high-water mark into a child started by fork/vfork and exec, so a big test
    process (the whole suite in one pytest) would be measured instead of ovtui."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass  # the child is gone (a zombie has no VmHWM): the last reading stands
    return 0


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> float:
    """Seconds ``ovtui run vm list`` takes to fail at once (a closed port): start-up cost."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    cfg = _config(tmp_path_factory.mktemp("base"), f"http://127.0.0.1:{port}/ovirt-engine/api")
    code, out, err, elapsed, _ = run_child(cfg, "vm", "list")
    assert code == 3, err
    return elapsed


def _clean(out: str, err: str) -> list[str]:
    assert out == "", f"stdout: {out[:200]!r}"
    lines = err.splitlines()
    assert 1 <= len(lines) <= 2, err
    assert all(line.startswith("ovtui: ") for line in lines), err
    assert "Traceback" not in err and "\x1b" not in err, err
    return lines


@pytest.mark.parametrize(
    ("name", "handler", "words"),
    [
        ("trickling SSO", trickle_sso, "did not answer in time"),
        ("never answers", silent, "did not answer in time"),
        ("slow endless body", _sso_or(endless(0.05)), "did not answer in time"),
    ],
)
def test_hostile_engine_is_cut_off_at_the_timeout(hostile, baseline, name, handler, words):
    cfg = hostile(handler)
    code, out, err, elapsed, rss = run_child(cfg, "vm", "list")
    lines = _clean(out, err)
    assert code == 3, err
    assert words in lines[0], err
    assert elapsed - baseline < TIMEOUT + 1, f"{name}: {elapsed:.1f} s (start-up {baseline:.1f} s)"
    assert rss < 300 * 2**20, f"{name}: peak RSS {rss / 2**20:.0f} MB"


@pytest.mark.parametrize(("setting", "cap"), [("max_response_mb = 16\n", 16), ("", 200)])
def test_endless_body_is_cut_off_at_the_size_cap(hostile, baseline, setting, cap):
    """Configured, or the default cap: the process stays under 300 MB whatever comes."""
    cfg = hostile(_sso_or(endless(0)), setting)
    code, out, err, elapsed, rss = run_child(cfg, "vm", "list")
    lines = _clean(out, err)
    assert code == 1, err
    assert f"larger than {cap} MiB" in lines[0] and "max_response_mb" in err, err
    assert elapsed - baseline < TIMEOUT + 1, f"{elapsed:.1f} s (start-up {baseline:.1f} s)"
    assert rss < 300 * 2**20, f"peak RSS {rss / 2**20:.0f} MB"


def test_ctrl_c_during_a_trickling_login_exits_at_once(hostile):
    cfg = hostile(trickle_sso)
    server = hostile.servers[-1]

    def interrupt(proc: subprocess.Popen) -> None:
        assert server.requested.wait(15), "ovtui never asked the SSO endpoint"
        proc.send_signal(signal.SIGINT)

    code, out, err, elapsed, _ = run_child(cfg, "vm", "list", meanwhile=interrupt)
    assert code == 130, err
    assert elapsed < 1.0, f"{elapsed:.2f} s from Ctrl-C to exit"
    assert "interrupted" in err and "Traceback" not in err, err


def test_debug_output_shows_no_token(sim, tmp_path, capsys):
    """``-d`` logs the SDK's HTTP exchange; the access token never appears in it, nor in the
    sso-logout body (``token=...``)."""
    issued: list[str] = []
    issue = sim.tokens.issue

    def recording() -> dict:
        answer = issue()
        issued.append(answer["access_token"])
        return answer

    sim.tokens.issue = recording
    cfg = write_config(sim, tmp_path)
    capsys.readouterr()
    code = main(["run", "-c", str(cfg), "-d", "system", "show"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert issued, "the simulator issued a token"
    assert "sso-logout" in err and "token=********" in err, "the logout body is logged, redacted"
    assert "Bearer ********" in err
    for token in issued:
        assert token not in err
    assert sim.password not in err
