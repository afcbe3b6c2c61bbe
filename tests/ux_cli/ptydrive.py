"""Drive a command on a pseudo-terminal, as a user at a keyboard would (no mocking)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time


class PtyProcess:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = ""

    def expect(self, text: str, timeout: float = 30.0) -> str:
        """Read until ``text`` shows (returns everything read so far); fail on timeout."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b""
                if not data:
                    if text not in self.output:
                        raise AssertionError(f"ended before {text!r}; got:\n{self.output}")
                    break
                self.output += data.decode("utf-8", "replace")
        return self.output

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def wait(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:  # drain, so the child never blocks on a full pty
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"did not end; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.output += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    break
        code = self.proc.wait(timeout)
        try:
            while select.select([self.master], [], [], 0.05)[0]:
                data = os.read(self.master, 4096)
                if not data:
                    break
                self.output += data.decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return code


def ovtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "ovtui", *args]
