"""Cost of one page (vms?max=100) against the full VM list, on a 10,000-VM simulator.

Run: python benchmarks/bench_sim_page.py [--vms 10000 --hosts 200 --repeat 5]
Prints seconds per request (median) and the full/page ratio; the page must not render the
whole inventory, so the ratio should be roughly vms/100.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ovtui.sim import Simulator  # noqa: E402
from ovtui.sim.testing import connect  # noqa: E402


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--vms", type=int, default=10000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    t0 = time.perf_counter()
    sim = Simulator(vms=args.vms, hosts=args.hosts).start()
    ready = time.perf_counter() - t0
    conn = connect(sim)
    vms = conn.system_service().vms_service()
    try:
        vms.list(max=1)  # log in
        page = timed(lambda: vms.list(max=100), args.repeat)
        page_n = timed(lambda: vms.list(search="page 50", max=100), args.repeat)
        full = timed(lambda: vms.list(), max(1, args.repeat // 2))
    finally:
        conn.close()
        sim.stop()
    print(f"world of {args.vms} VMs / {args.hosts} hosts ready in {ready:.2f}s")
    print(f"vms?max=100           {page * 1000:8.1f} ms")
    print(f"vms?search=page 50    {page_n * 1000:8.1f} ms")
    print(f"vms (full list)       {full * 1000:8.1f} ms")
    print(f"ratio full/page       {full / page:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
