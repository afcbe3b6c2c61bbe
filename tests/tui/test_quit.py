"""``q`` and Ctrl-C end the TUI within a second or two, whatever a worker waits on.

The engine here is a loopback server that accepts connections and never answers: the connect
worker (a thread Textual cannot kill) stays stuck in the SDK's request. ovtui is run for real
in a pseudo-terminal, as a user runs it.
"""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


@pytest.fixture
def silent_engine() -> Iterator[str]:
    """A TCP server on loopback that accepts and then says nothing, ever."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            held.append(conn)

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/ovirt-engine/api"
    stop.set()
    t.join(timeout=2)
    for c in held:
        c.close()
    srv.close()


def _config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "config.ini"
    cfg.write_text(
        f"[api]\nurl = {url}\nusername = admin@internal\npassword = secret\ntimeout = 60\n"
    )
    cfg.chmod(0o600)
    return cfg


class Tui:
    """ovtui in a pty: read what it draws, type keys, wait for it to end."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ovtui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.out = b""

    def read(self, timeout: float) -> None:
        r, _, _ = select.select([self.master], [], [], timeout)
        if r:
            try:
                self.out += os.read(self.master, 65536)
            except OSError:
                pass

    def wait_for(self, text: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.out:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"no {text!r} on screen; got {self.out[-2000:]!r}")
            self.read(0.1)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait_exit(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.read(0.05)
        self.read(0.05)
        return self.proc.poll()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        os.close(self.master)


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        COLUMNS="100",
        LINES="30",
    )
    env.pop("OVCONFIG", None)
    return env


@pytest.mark.parametrize("key", [b"q", b"\x03"], ids=["q", "ctrl-c"])
def test_quit_while_the_engine_never_answers(tmp_path, silent_engine, key):
    cfg = _config(tmp_path, silent_engine)
    tui = Tui(["-c", str(cfg)], _env(tmp_path))
    try:
        tui.wait_for(b"connecting", timeout=20)
        start = time.monotonic()
        tui.send(key)
        code = tui.wait_exit(timeout=2.0)
        took = time.monotonic() - start
        assert code == 0, f"still running {took:.1f}s after {key!r}: {tui.out[-800:]!r}"
        assert took < 2.0
    finally:
        tui.close()


def test_debug_log_is_written_private_and_redacted(tmp_path, make_sim):
    sim = make_sim(vms=4, hosts=2)
    cfg = tmp_path / "config.ini"
    cfg.write_text(
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {sim.password}\n"
    )
    cfg.chmod(0o600)
    tui = Tui(["-d", "-c", str(cfg)], _env(tmp_path))
    try:
        tui.wait_for(b"connected", timeout=20)
        tui.send(b"q")
        assert tui.wait_exit(timeout=5) == 0
    finally:
        tui.close()
    log = tmp_path / "state" / "ovtui" / "log" / "ovtui.log"
    assert f"debug log in {log}".encode() in tui.out
    assert log.stat().st_mode & 0o777 == 0o600
    text = log.read_text()
    assert "/ovirt-engine/api" in text  # the SDK's requests are in it
    assert f"password={sim.password}" not in text and "Bearer ********" in text
