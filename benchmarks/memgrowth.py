"""Which TUI action grows its memory: the TUI in a pty, one kind of action repeated, RSS sampled.

Run: python benchmarks/memgrowth.py [--action refresh|tabs|detail|paging|panes|verbs|all]
     [--reps 300] [--vms 120] [--faults SPEC] [--json]

Each action starts a fresh TUI (refresh 0.5 s) on an in-process simulator, warms up with 20
repetitions, then repeats the action ``--reps`` times and samples the TUI's RSS every few
repetitions. Reported per action: RSS after warm-up, at the end, and the growth per 100
repetitions (per minute for ``refresh``, where a repetition is one second idle on the VMs tab).
``verbs`` runs headless VM verbs (start/stop) against the same engine while the TUI sits on
the VMs tab with the events and tasks panes open: new events and status changes every second.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ptyterm import PtyApp  # noqa: E402
from ovtui.sim import Simulator  # noqa: E402
from ovtui.sim.testing import write_config  # noqa: E402

ESC = b"\x1b"
DOWN = b"\x1b[B"

# one repetition of each action: (keys, seconds to wait after each key)
ACTIONS: dict[str, tuple[list[bytes], float]] = {
    "refresh": ([], 1.0),
    "tabs": ([b"1", b"2", b"3", b"4", b"5", b"7", b"8", b"9"], 0.08),
    "detail": ([b"\r", ESC, DOWN], 0.25),
    "paging": ([b"]", b"["], 0.25),
    "panes": ([b"e", b"t", b"e", b"t"], 0.15),
    "verbs": ([], 1.0),
}


def _verb_loop(config: Path, vm_ids: list[str], stop: threading.Event) -> None:
    i = 0
    while not stop.is_set():
        vm = vm_ids[i % len(vm_ids)]
        verb = "start" if (i // len(vm_ids)) % 2 == 0 else "stop"
        cmd = [sys.executable, "-m", "ovtui", "run", "-c", str(config), "vm", "-i", vm, verb]
        subprocess.run(cmd + ["-y", "--timeout", "20"], capture_output=True, timeout=40)
        i += 1


def smaps_summary(pid: int) -> dict[str, int]:
    """RSS by kind of mapping: the main heap (brk), anonymous maps (malloc's thread arenas,
    Python's obmalloc arenas, thread stacks), files (code)."""
    out: dict[str, int] = {"heap": 0, "anon": 0, "file": 0}
    kind = "anon"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if not parts[0].endswith(":") and "-" in parts[0]:
            name = parts[5] if len(parts) > 5 else ""
            kind = "heap" if name == "[heap]" else "file" if name.startswith("/") else "anon"
        elif parts[0] == "Rss:":
            out[kind] += int(parts[1])
    return out


def run_action(action: str, reps: int, vms: int, faults: str | None) -> dict[str, Any]:
    sim = Simulator(vms=vms, hosts=6, speed=30.0, seed=1, faults=faults).start()
    tmp = Path(tempfile.mkdtemp(prefix="ovtui-mem-"))
    config = write_config(sim, tmp)
    with config.open("a") as fh:
        fh.write("[ovtui]\nrefresh = 0.5\n")
    keys, pause = ACTIONS[action]
    stop = threading.Event()
    samples: list[tuple[int, float, int]] = []
    try:
        argv = [sys.executable, "-m", "ovtui", "-c", str(config)]
        with PtyApp(argv, cwd=ROOT, rows=30, cols=100) as app:
            app.wait_for(b"Virtual Machines", 30)
            app.send(b"4")
            app.quiet(1.0)
            if action == "verbs":
                app.send(b"e")
                time.sleep(0.3)
                app.send(b"t")
                ids = sorted(sim.world.coll["vms"])[:10]
                threading.Thread(target=_verb_loop, args=(config, ids, stop), daemon=True).start()
            t0 = time.monotonic()
            for rep in range(reps + 20):
                if keys:
                    for k in keys:
                        app.send(k)
                        time.sleep(pause)
                else:
                    time.sleep(pause)
                if app.proc.poll() is not None:
                    raise RuntimeError(f"TUI died: {app.buf[-400:]!r}")
                if rep >= 20 and (rep - 20) % max(1, reps // 20) == 0:
                    samples.append((rep - 20, time.monotonic() - t0, app.rss_kib()))
            samples.append((reps, time.monotonic() - t0, app.rss_kib()))
            where = smaps_summary(app.proc.pid)
            app.send(ESC)
            time.sleep(0.3)
            app.send(ESC)
            time.sleep(0.3)
    finally:
        stop.set()
        sim.stop()
    (_, t_warm, warm), (_, t_end, end) = samples[0], samples[-1]
    out: dict[str, Any] = {
        "action": action,
        "reps": reps,
        "rss_warm_kib": warm,
        "rss_end_kib": end,
        "growth_kib": end - warm,
        "samples_kib": [s[2] for s in samples],
        "rss_by_mapping_kib": where,
    }
    if keys:
        out["mb_per_100"] = round((end - warm) / 1024 / reps * 100, 2)
    else:
        out["mb_per_min"] = round((end - warm) / 1024 / ((t_end - t_warm) / 60), 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--action", default="all", choices=[*ACTIONS, "all"])
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--vms", type=int, default=120)
    ap.add_argument("--faults", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    actions = list(ACTIONS) if args.action == "all" else [args.action]
    for action in actions:
        res = run_action(action, args.reps, args.vms, args.faults)
        if args.json:
            print(json.dumps(res), flush=True)
        else:
            rate = res.get("mb_per_100", res.get("mb_per_min"))
            unit = "MB/100 reps" if "mb_per_100" in res else "MB/min"
            print(
                f"{action:8} warm {res['rss_warm_kib']} KiB end {res['rss_end_kib']} KiB"
                f" growth {res['growth_kib']} KiB ({rate} {unit})"
                f" samples {res['samples_kib']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
