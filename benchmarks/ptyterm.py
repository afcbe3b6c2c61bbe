"""A program in a real pseudo-terminal (200x50, xterm-256color), its output read as it comes.

For the benchmark: how long until a text is on the screen, how long from a key to the screen
changing, the process's RSS. Text is matched in the raw output (names are plain ASCII).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path
from typing import Any


class PtyApp:
    def __init__(self, argv: list[str], cwd: Any = None, rows: int = 50, cols: int = 200) -> None:
        self.argv, self.cwd, self.size = argv, cwd, (rows, cols)
        self.buf = bytearray()
        self.last_output = 0.0
        self.cond = threading.Condition()

    def __enter__(self) -> PtyApp:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *self.size, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(self.size[1]))
        env["LINES"] = str(self.size[0])
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, cwd=self.cwd, env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            os.write(self.master, b"q")
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(5)
        finally:
            os.close(self.master)

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.proc.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.cond:
                self.buf += data
                self.last_output = time.perf_counter()
                self.cond.notify_all()

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait_for(self, text: bytes, timeout: float) -> float:
        """Seconds from the start until ``text`` is in the output (searched from here on)."""
        start = len(self.buf)
        deadline = time.monotonic() + timeout
        with self.cond:
            while text not in self.buf[max(0, start - len(text)) :]:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{text!r} not on screen after {timeout}s")
                self.cond.wait(left)
            return self.last_output - self.t0

    def quiet(self, seconds: float, timeout: float = 30.0) -> None:
        """Until no output for ``seconds`` (the screen settled)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if time.perf_counter() - self.last_output >= seconds:
                return
            time.sleep(0.05)

    def key_latency(self, key: bytes, timeout: float) -> float | None:
        """Seconds from writing ``key`` to the next output; None when nothing came."""
        with self.cond:
            start = len(self.buf)
            t = time.perf_counter()
            self.send(key)
            deadline = time.monotonic() + timeout
            while len(self.buf) == start:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.last_output - t

    def rss_kib(self) -> int:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", text).group(1))
