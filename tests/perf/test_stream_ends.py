"""A streamed list ends cleanly when its reader goes away (``| head``) or on Ctrl-C, while
worker processes are reading later pages: exit 0 (or 130) at once, nothing but ovtui's own
words on stderr, no worker process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from ovtui.sim.testing import wait_for, write_config

ENV = dict(os.environ, COLUMNS="120", PYTHONUNBUFFERED="1")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def read_until_workers(proc: subprocess.Popen) -> list[int]:
    """Read the output until the worker processes are there (they start once the first
    page is written); their pids."""

    def workers() -> list[int]:
        proc.stdout.read1(65536)
        return children(proc.pid)

    return wait_for(workers, timeout=30, what="worker processes")


def start(cfg, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
    )


def test_closed_stdout_ends_the_list_and_its_workers(make_sim, tmp_path):
    sim = make_sim(vms=3000, hosts=8)
    proc = start(write_config(sim, tmp_path), "-o", "json", "vm", "list")
    head = proc.stdout.read(4096)  # the first page is on its way; then `head` exits
    assert head.startswith(b"[\n  {")
    workers = read_until_workers(proc)
    proc.stdout.close()
    code = proc.wait(timeout=15)
    err = proc.stderr.read().decode()
    assert code == 0, err
    assert "Traceback" not in err and "Error" not in err, err
    wait_for(lambda: not any(os.path.exists(f"/proc/{w}") for w in workers), timeout=5,
             what="workers gone")  # fmt: skip


def test_ctrl_c_ends_the_list_and_its_workers_at_once(make_sim, tmp_path):
    sim = make_sim(vms=3000, hosts=8)
    proc = start(write_config(sim, tmp_path), "-o", "yaml", "vm", "list")
    assert proc.stdout.read(4096).startswith(b"- id: ")
    workers = read_until_workers(proc)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # the terminal sends it to the whole group
    proc.stdout.read()
    code = proc.wait(timeout=15)
    err = proc.stderr.read().decode()
    assert code == 130, err
    assert time.monotonic() - t0 < 3
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    wait_for(lambda: not any(os.path.exists(f"/proc/{w}") for w in workers), timeout=5,
             what="workers gone")  # fmt: skip
