"""A bounded soak: the TUI in a pty plus headless VM verbs against a faulty simulator.

Run: python benchmarks/soak.py --seconds 600 [--vms 120] [--workers 2] [--json]

For the whole run the simulator injects latency, 503s, dropped connections, lost replies to
writes (the engine did it, the answer never came), short token lifetimes, and one engine
restart half-way (every token forgotten). Meanwhile:
- the TUI runs in a pseudo-terminal, driven with keys (tabs, detail, panes, paging), and at the
  end is asked to quit with ``q``;
- worker threads run ``ovtui run vm -i ID VERB -y --timeout T`` on VMs they own (no two
  workers touch the same VM), choosing a verb the VM's status allows.

Reported, and each must be zero for a clean run (exit 0; else exit 1):
- crashes: a verb that exited with a code outside 0-4, printed a traceback or "internal
  error", or the TUI that died before ``q`` or did not exit 0 within 2 s of it;
- outcome mismatches: a verb that said done (exit 0) while the engine's final status is not
  the verb's target, or said it failed while the engine went to the target in the verb's
  window and is there now;
- overruns: a verb still running ``T`` + 10 s after it started (its own timeout plus start-up).
Also the TUI's RSS after warm-up and at the end (growth), and counts per verb and exit code.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import random
import re
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# children run this checkout's ovtui, whatever the venv has installed (soak a frozen clone)
CHILD_ENV = dict(os.environ, PYTHONPATH=str(ROOT))

from ovtui.sim import Simulator  # noqa: E402
from ovtui.sim.testing import write_config  # noqa: E402

FAULTS = "latency=0.01,error_rate=0.03,drop_rate=0.02,lost_reply_rate=0.1,token_lifetime=20"
VERB_TIMEOUT = 60  # seconds given to each verb with --timeout
OVERRUN_SLACK = 10.0  # start-up, login and the closing read on top of the verb's own wait
TARGET = {"start": "up", "stop": "down", "shutdown": "down", "suspend": "suspended"}
TUI_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "4", "\r", "\x1b", "e", "e", "t"]
TUI_KEYS += ["t", "]", "[", "\x1b[B", "\x1b[B", "\r", "\x1b[C", "\x1b"]


@dataclass
class Report:
    seconds: float = 0.0
    verbs: Counter = field(default_factory=Counter)
    exit_codes: Counter = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    overruns: list[str] = field(default_factory=list)
    tui: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, attr: str, line: str) -> None:
        with self.lock:
            getattr(self, attr).append(line)

    @property
    def clean(self) -> bool:
        return not (self.crashes or self.mismatches or self.overruns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "verbs_run": sum(self.verbs.values()),
            "verbs": dict(self.verbs),
            "exit_codes": {str(k): v for k, v in sorted(self.exit_codes.items())},
            "crashes": self.crashes,
            "mismatches": self.mismatches,
            "overruns": self.overruns,
            "tui": self.tui,
            "clean": self.clean,
        }


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class TuiDriver:
    """The TUI in a pty (100x30): drains its output, presses keys, measures RSS, quits."""

    def __init__(self, config: Path, rng: random.Random) -> None:
        self.rng = rng
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(CHILD_ENV, TERM="xterm-256color", COLUMNS="100", LINES="30")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ovtui", "-c", str(config)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output_bytes = 0
        self.tail = b""  # the last output, to say why the TUI died
        self.keys_sent = 0
        self._stop = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output_bytes += len(data)
            self.tail = (self.tail + data)[-4096:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def press(self) -> None:
        key = self.rng.choice(TUI_KEYS)
        try:
            os.write(self.master, key.encode())
            self.keys_sent += 1
        except OSError:
            pass

    def rss(self) -> int | None:
        return rss_kib(self.proc.pid)

    def quit(self) -> tuple[int | None, float]:
        """Press escape (leave any dialog), then q; the exit code and seconds from q to exit."""
        for key in ("\x1b", "\x1b"):
            os.write(self.master, key.encode())
        time.sleep(0.3)  # let escape be read as a key of its own, not an Alt- prefix
        t0 = time.monotonic()
        os.write(self.master, b"q")
        try:
            code = self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            code = None
            self.proc.kill()
            self.proc.wait()
        return code, time.monotonic() - t0


def choose_verb(status: str, rng: random.Random) -> str | None:
    if status == "down" or status == "suspended":
        return "start"
    if status == "up":
        return rng.choice(["stop", "shutdown", "suspend", "shutdown"])
    return None  # in transition: leave it alone this round


def run_verb(
    sim: Simulator, config: Path, vm_id: str, verb: str, report: Report, rng: random.Random
) -> None:
    world = sim.world
    before = len(world.status_path(vm_id))
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "ovtui", "run", "-c", str(config), "vm", "-i", vm_id, verb]
    cmd += ["-y", "--timeout", str(VERB_TIMEOUT)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=VERB_TIMEOUT + OVERRUN_SLACK, env=CHILD_ENV
        )
    except subprocess.TimeoutExpired:
        report.add(
            "overruns",
            f"vm {vm_id} {verb}: still running after {VERB_TIMEOUT + OVERRUN_SLACK:.0f} s",
        )
        return
    elapsed = time.monotonic() - t0
    rc, err = done.returncode, done.stderr
    with report.lock:
        report.verbs[verb] += 1
        report.exit_codes[rc] += 1
    said = [line for line in err.strip().splitlines() if line.strip()]
    last = said[-1] if said else ""
    first = next((line for line in said if "error" in line), last)
    if rc not in (0, 1, 2, 3, 4) or "Traceback" in err or "internal error" in err:
        report.add("crashes", f"vm {vm_id} {verb}: exit {rc}: {first[:300]}")
        return
    if elapsed > VERB_TIMEOUT + OVERRUN_SLACK:
        report.add("overruns", f"vm {vm_id} {verb}: {elapsed:.1f} s")
    target = TARGET[verb]
    with world.lock:
        now = world.coll["vms"][vm_id].status.value
    window = world.status_path(vm_id)[before:]
    if rc == 0 and now != target:
        report.add("mismatches", f"vm {vm_id} {verb}: said done, engine shows {now} ({last[:160]})")
    elif rc != 0 and target in window and now == target:
        report.add(
            "mismatches", f"vm {vm_id} {verb}: said exit {rc} ({last[:160]}), engine went {window}"
        )


def worker(
    sim: Simulator, config: Path, vm_ids: list[str], deadline: float, report: Report, seed: int
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        vm_id = rng.choice(vm_ids)
        with sim.world.lock:
            status = sim.world.coll["vms"][vm_id].status.value
        verb = choose_verb(status, rng)
        if verb is None:
            time.sleep(0.2)  # the simulator's own clock moves it on; pick again shortly
            continue
        run_verb(sim, config, vm_id, verb, report, rng)


def soak(seconds: float, vms: int, workers: int, speed: float, seed: int) -> Report:
    report = Report()
    rng = random.Random(seed)
    sim = Simulator(vms=vms, hosts=6, speed=speed, seed=seed, faults=FAULTS).start()
    tmp = Path(tempfile.mkdtemp(prefix="ovtui-soak-"))
    config = write_config(sim, tmp)
    with config.open("a") as fh:
        fh.write("timeout = 10\n[ovtui]\nrefresh = 1\n")
    started = time.monotonic()
    deadline = started + seconds
    tui = TuiDriver(config, rng)
    candidates = sorted(
        v.id for v in sim.world.coll["vms"].values() if v.status.value in ("up", "down")
    )
    rng.shuffle(candidates)
    owned = [candidates[i::workers][:12] for i in range(workers)]
    threads = [
        threading.Thread(target=worker, args=(sim, config, ids, deadline, report, seed + i))
        for i, ids in enumerate(owned)
    ]
    for t in threads:
        t.start()
    restarted = False
    rss_warm: int | None = None
    rss_max = 0
    tui_died_at: float | None = None
    while time.monotonic() < deadline:
        time.sleep(0.5)
        elapsed = time.monotonic() - started
        if not restarted and elapsed > seconds / 2:
            sim.faults.restart()
            restarted = True
        if tui.alive():
            tui.press()
            rss = tui.rss() or 0
            rss_max = max(rss_max, rss)
            if rss_warm is None and elapsed > min(20.0, seconds / 3):
                rss_warm = rss
        elif tui_died_at is None:
            tui_died_at = elapsed
    for t in threads:
        t.join()
    rss_end = tui.rss()
    if tui_died_at is not None:
        said = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", tui.tail).decode(errors="replace")
        report.add(
            "crashes",
            f"TUI died after {tui_died_at:.0f} s, exit {tui.proc.returncode}: {said[-300:]!r}",
        )
        quit_code, quit_s = tui.proc.returncode, 0.0
    else:
        quit_code, quit_s = tui.quit()
        if quit_code != 0 or quit_s > 2.0:
            report.add("crashes", f"TUI did not exit 0 on q within 2 s (exit {quit_code})")
    report.tui = {
        "keys": tui.keys_sent,
        "output_bytes": tui.output_bytes,
        "rss_warm_kib": rss_warm,
        "rss_end_kib": rss_end,
        "rss_max_kib": rss_max,
        "rss_growth_kib": (rss_end - rss_warm) if rss_end and rss_warm else None,
        "quit_exit": quit_code,
        "quit_seconds": round(quit_s, 2),
    }
    report.seconds = time.monotonic() - started
    sim.stop()
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--vms", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--speed", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args()
    report = soak(args.seconds, args.vms, args.workers, args.speed, args.seed)
    data = report.as_dict()
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            print(f"{key:12} {value}")
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
