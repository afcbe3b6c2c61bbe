"""The simulator's own costs at scale: world build, the full VM list, a page of 100.

Run: python benchmarks/bench_sim_page.py [--vms 10000 --hosts 200 --repeat 3]

Prints, for a world of ``--vms`` VMs:
- the world build (``Simulator(...)`` until it serves) and the process RSS after it;
- the full list and a page of 100 as raw HTTP (the simulator's serving time: bytes on the
  wire, no XML parse) and through ``ovirtsdk4`` (what a client sees), first and repeated
  (median of ``--repeat``): the first pays for anything built on demand;
- the full/page ratio (a page must not render the whole inventory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ovtui.sim import Simulator  # noqa: E402
from ovtui.sim.testing import connect, token  # noqa: E402


def rss_mb() -> float:
    """This process's resident set (MB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def first_and_median(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples[0], statistics.median(samples[1:])


def raw_get(sim: Simulator, bearer: str, query: str) -> Callable[[], int]:
    """A GET of ``/vms?QUERY`` read to its end; returns the body size."""

    def get() -> int:
        req = urllib.request.Request(
            f"{sim.url}/vms{query}",
            headers={"Authorization": f"Bearer {bearer}", "Version": "4"},
        )
        with urllib.request.urlopen(req, timeout=120) as resp:
            return len(resp.read())

    return get


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--vms", type=int, default=10000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-sdk", action="store_true", help="skip the SDK (client parse) rows")
    args = p.parse_args()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    sim = Simulator(vms=args.vms, hosts=args.hosts).start()
    ready = time.perf_counter() - t0
    rss1 = rss_mb()
    rows: list[tuple[str, float, float]] = []
    try:
        bearer = token(sim)
        sizes: list[int] = []
        full_list = raw_get(sim, bearer, "")
        rows.append(
            ("raw  full list", *first_and_median(lambda: sizes.append(full_list()), args.repeat))
        )
        size = sizes[0]
        rows.append(
            ("raw  page of 100", *first_and_median(raw_get(sim, bearer, "?max=100"), args.repeat))
        )
        rows.append(
            (
                "raw  page 50 of 100",
                *first_and_median(raw_get(sim, bearer, "?search=page%2050&max=100"), args.repeat),
            )
        )
        if not args.no_sdk:
            conn = connect(sim, timeout=300)
            vms = conn.system_service().vms_service()
            try:
                vms.list(max=1)  # log in
                rows.append(("sdk  page of 100", *first_and_median(lambda: vms.list(max=100), 3)))
                rows.append(("sdk  full list", *first_and_median(lambda: vms.list(), 1)))
            finally:
                conn.close()
        rss2 = rss_mb()
    finally:
        sim.stop()
    print(f"world of {args.vms} VMs / {args.hosts} hosts ready in {ready:.2f}s")
    print(f"RSS {rss0:.0f} MB before, {rss1:.0f} MB built, {rss2:.0f} MB after the lists")
    print(f"full list body        {size / 1e6:8.1f} MB")
    print(f"{'':22}{'first':>10}{'median':>10}")
    for name, first, med in rows:
        print(f"{name:22}{first * 1000:8.1f}ms{med * 1000:8.1f}ms")
    full = dict((n, m) for n, _, m in rows)
    print(f"ratio full/page (raw) {full['raw  full list'] / full['raw  page of 100']:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
