"""ovtui against a bare ``ovirtsdk4`` script, side by side in one run: ``python -m benchmarks``.

Starts the simulator (its own process) at ``--vms``/``--hosts`` and prints one table: each
ovtui figure next to a plain SDK script doing the same job in the same run, and their ratio
(ovtui / SDK: below 1 is faster). Absolute seconds depend on the machine and on the simulator;
the ratios are the point. Each timing is the fastest of ``--repeat`` runs, ovtui and the SDK
script alternating (a shared machine's load shows as slow outliers, not as fast ones).

- headless ``-o json|yaml|table vm list`` (and the first byte on stdout), ``-s`` search of 100;
- the TUI in a real pseudo-terminal: start to first VM row on screen, key-to-screen latency
  while it refreshes every 0.5 s (p50/p95), its RSS after paging through 10 pages;
- a refresh of the VMs tab (requests, bytes, seconds; Textual's pilot behind a counting proxy);
- the simulator: world build and the time to serve the whole VM list.

Before measuring, ovtui's modules are compiled to bytecode (as an installed copy has them), and
after the cold list the suite waits for the simulator's background warm-up to end, so the
timings after it do not share the CPU with the simulator rendering its whole world.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .bench_tui_first_page import CountingProxy, sdk_refresh, tui_run
from .ptyterm import PtyApp

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
OVTUI = [PY, "-m", "ovtui"]

BARE_LIST = """
import sys, time, ovirtsdk4
t0 = time.perf_counter()
c = ovirtsdk4.Connection(url=sys.argv[1], username="admin@internal", password="admin")
vms = c.system_service().vms_service().list(**eval(sys.argv[2]))
print(len(vms), time.perf_counter() - t0)
"""

BARE_PAGES_RSS = """
import sys, ovirtsdk4
c = ovirtsdk4.Connection(url=sys.argv[1], username="admin@internal", password="admin")
svc = c.system_service().vms_service()
pages = [svc.list(search=f"page {n}", max=100, follow="statistics,reported_devices")
         for n in range(1, 11)]
print(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
"""


class Row:
    def __init__(self, label: str, ours: float | None, bare: float | None, unit: str) -> None:
        self.label, self.ours, self.bare, self.unit = label, ours, bare, unit

    def cells(self) -> list[str]:
        def num(v: float | None) -> str:
            if v is None:
                return "-"
            if self.unit in ("requests",):
                return f"{v:.0f}"
            if self.unit in ("bytes", "KiB", "MB"):
                return f"{v:,.0f}"
            return f"{v:.3f}" if v < 10 else f"{v:.1f}"

        ratio = f"{self.ours / self.bare:.2f}x" if self.ours and self.bare else "-"
        return [f"{self.label} ({self.unit})", num(self.ours), num(self.bare), ratio]


def start_sim(vms: int, hosts: int) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*OVTUI, "sim", "--vms", str(vms), "--hosts", str(hosts), "--port", "0", "--seed", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    line = proc.stdout.readline()
    url = re.search(r"(https?://\S+/ovirt-engine/api)", line).group(1)
    return proc, url, time.perf_counter() - t0


def wait_warm(sim: subprocess.Popen, timeout: float = 600.0) -> float | None:
    """Wait for ``ovtui sim`` to say its background XML warm-up is done (its seconds), so
    the timings after it do not share the CPU with it; None if it did not say so in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = sim.stdout.readline()
        if not line:
            return None
        found = re.search(r"XML cache warm in ([\d.]+) s", line)
        if found:
            return float(found.group(1))
    return None


def compile_bytecode() -> None:
    """Compile ovtui's modules as an installed package has them. With
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) an editable install would otherwise
    compile ~150 modules from source at every start, which no installed copy does."""
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "ovtui")], check=True)


def world_build_s(vms: int, hosts: int) -> float:
    code = (
        "import time; from ovtui.sim.world import World; t=time.perf_counter();"
        f" World(vms={vms}, hosts={hosts}, seed=0); print(time.perf_counter()-t)"
    )
    return float(subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout)


def sim_rss_mb(pid: int) -> float:
    """The simulator process's resident set (MB): its world, and what it cached serving."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def sim_list_s(url: str) -> tuple[float, int]:
    body = "grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=admin"
    sso = url.replace("/api", "/sso/oauth/token")
    req = urllib.request.Request(sso, body.encode(), {"Accept": "application/json"})
    token = __import__("json").loads(urllib.request.urlopen(req).read())["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Version": "4", "Accept": "application/xml"}
    t0 = time.perf_counter()
    data = urllib.request.urlopen(urllib.request.Request(url + "/vms", headers=headers)).read()
    return time.perf_counter() - t0, len(data)


def bare_process(url: str, kwargs: str) -> float:
    """Seconds from spawning a bare SDK script to its list returned (Python start included,
    as for ``ovtui run``)."""
    t0 = time.perf_counter()
    subprocess.run([PY, "-c", BARE_LIST, url, kwargs], capture_output=True, check=True)
    return time.perf_counter() - t0


def headless(cfg: Path, *args: str) -> tuple[float, float, int, int]:
    """(seconds, first stdout byte, bytes, peak RSS KiB of the main process) of ovtui run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*OVTUI, "run", "-c", str(cfg), *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    first, size, hwm = None, 0, 0
    status = Path(f"/proc/{proc.pid}/status")
    while True:
        chunk = proc.stdout.read1(1 << 16)
        if not chunk:
            break
        if first is None:
            first = time.perf_counter() - t0
        size += len(chunk)
        try:
            hwm = int(re.search(r"VmHWM:\s+(\d+)", status.read_text()).group(1))
        except (OSError, AttributeError):
            pass
    proc.wait()
    return time.perf_counter() - t0, first or 0.0, size, hwm


def tui_pty(cfg: Path, first_name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    with PtyApp([*OVTUI, "-c", str(cfg)], cwd=ROOT) as app:
        out["first_row_s"] = app.wait_for(first_name.encode(), timeout=120)
        app.quiet(0.5)
        # key-to-screen latency while the tab refreshes (every 0.5 s)
        samples = []
        for i in range(40):
            key = b"\x1b[B" if i % 2 == 0 else b"\x1b[A"
            lat = app.key_latency(key, timeout=2.0)
            if lat is not None:
                samples.append(lat)
            time.sleep(0.07)  # pacing, like a person pressing a key
        samples.sort()
        out["key_p50_ms"] = statistics.median(samples) * 1000 if samples else float("nan")
        out["key_p95_ms"] = samples[int(len(samples) * 0.95) - 1] * 1000 if samples else 0.0
        for n in range(2, 11):
            app.send(b"]")
            app.wait_for(f"page {n}".encode(), timeout=60)
            app.quiet(0.4)
        out["rss_mb"] = app.rss_kib() / 1024
    return out


def bare_rss_mb(url: str) -> float:
    out = subprocess.run([PY, "-c", BARE_PAGES_RSS, url], capture_output=True, text=True)
    return int(out.stdout) / 1024


def first_vm_name(url: str) -> str:
    import ovirtsdk4

    conn = ovirtsdk4.Connection(url=url, username="admin@internal", password="admin")
    try:
        return conn.system_service().vms_service().list(max=1)[0].name
    finally:
        conn.close()


def hundred_search(first: str) -> str:
    """``name=web01*`` at 10,000 VMs (web0100..web0199), ``name=web001*`` at 100,000."""
    digits = len(first) - len(first.rstrip("0123456789"))
    return f"name={first[:-digits]}{'0' * (digits - 3)}1*"


def write_config(url: str, directory: Path, **ovtui: object) -> Path:
    cfg = directory / "bench.ini"
    extra = "".join(f"{k} = {v}\n" for k, v in ovtui.items())
    cfg.write_text(
        f"[api]\nurl = {url}\nusername = admin@internal\npassword = admin\n[ovtui]\n{extra}"
    )
    cfg.chmod(0o600)
    return cfg


def tui_first_row(cfg: Path, first_name: str) -> float:
    with PtyApp([*OVTUI, "-c", str(cfg)], cwd=ROOT) as app:
        return app.wait_for(first_name.encode(), timeout=120)


def run(vms: int, hosts: int, repeat: int = 3, headless_lists: bool = True) -> list[Row]:
    rows: list[Row] = []
    compile_bytecode()
    build = min(world_build_s(vms, hosts) for _ in range(repeat))
    sim, url, _ = start_sim(vms, hosts)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = write_config(url, Path(tmp), refresh=0.5, page_size=100)
            # cold: right after the start, while the simulator's warm-up is still under way
            sim_s, sim_bytes = sim_list_s(url) if headless_lists else (None, None)
            warm_s = wait_warm(sim)
            for fmt in ("json", "yaml", "table") if headless_lists else ():
                runs = [
                    (bare_process(url, "{}"), headless(cfg, "-o", fmt, "vm", "list"))
                    for _ in range(repeat)
                ]
                base = min(b for b, _ in runs)
                total, first, size, hwm = min((o for _, o in runs), key=lambda o: o[0])
                rows.append(Row(f"headless -o {fmt} vm list", total, base, "s"))
                if fmt == "json":
                    rows.append(Row("  first object on stdout", first, None, "s"))
                    rows.append(Row("  peak RSS, main process", hwm / 1024, None, "MB"))
            first_name = first_vm_name(url)
            hundred = hundred_search(first_name)
            search = ("-o", "json", "vm", "-s", hundred, "list")
            base = min(bare_process(url, repr({"search": hundred})) for _ in range(repeat))
            total = min(headless(cfg, *search)[0] for _ in range(repeat))
            rows.append(Row("headless search of 100 VMs", total, base, "s"))

            page = "{'max': 100, 'follow': 'statistics,reported_devices'}"
            bare_page = min(bare_process(url, page) for _ in range(repeat))
            tui = tui_pty(cfg, first_name)
            first_row = min(
                [tui["first_row_s"]] + [tui_first_row(cfg, first_name) for _ in range(repeat - 1)]
            )
            rows.append(Row("TUI first VM row (pty, from spawn)", first_row, bare_page, "s"))
            rows.append(
                Row("TUI key-to-screen p50 while refreshing", tui["key_p50_ms"], None, "ms")
            )
            rows.append(
                Row("TUI key-to-screen p95 while refreshing", tui["key_p95_ms"], None, "ms")
            )
            rows.append(Row("TUI RSS after 10 pages", tui["rss_mb"], bare_rss_mb(url), "MB"))

            rows.extend(refresh_rows(url))
        rows.append(Row("simulator: build the world", build, None, "s"))
        rows.append(Row("simulator: serve the whole VM list", sim_s, None, "s"))
        rows.append(Row("simulator: warm its XML cache (background)", warm_s, None, "s"))
        rows.append(Row("  its size", sim_bytes, None, "bytes"))
        rows.append(Row("simulator: RSS at the end", sim_rss_mb(sim.pid), None, "MB"))
    finally:
        sim.terminate()
        sim.wait(10)
    return rows


def refresh_rows(url: str) -> list[Row]:
    import ovirtsdk4

    from ovtui.sim import Simulator

    port = int(re.search(r":(\d+)/", url).group(1))
    proxy = CountingProxy(port)
    purl = f"http://127.0.0.1:{proxy.port}/ovirt-engine/api"
    creds = Simulator.__new__(Simulator)
    creds.username, creds.password = "admin@internal", "admin"
    conn = ovirtsdk4.Connection(url=purl, username=creds.username, password=creds.password)
    sdk_refresh(conn, 100)
    proxy.reset()
    sdk_s = min(sdk_refresh(conn, 100) for _ in range(3))
    sdk_req, sdk_bytes = proxy.reset()
    sdk_req //= 3
    sdk_bytes //= 3
    conn.close()
    proxy.reset()
    tui = asyncio.run(tui_run(purl, creds, proxy, 100))
    return [
        Row("TUI refresh of 100 VMs", tui["refresh_s"], sdk_s, "s"),
        Row("TUI refresh of 100 VMs", tui["refresh"][0], sdk_req, "requests"),
        Row("TUI refresh of 100 VMs", tui["refresh"][1], sdk_bytes, "bytes"),
        Row("TUI first rows (pilot): requests up to the page", _up_to_page(tui), None, "requests"),
        Row("  all, login, names and events too", tui["first_page"][0], None, "requests"),
    ]


def _up_to_page(tui: dict) -> int | None:
    """API requests the TUI sent (login excluded) up to and including the VM page its first
    rows are drawn from; what it sends beside it (the API root for the header) and after it
    (the names the rows refer to, fired as the page arrives) is in the next row."""
    lines = tui["first_rows_api"]
    page = next(
        (n for n, line in enumerate(lines) if line.startswith("GET /ovirt-engine/api/vms")), None
    )
    return None if page is None else page + 1


def table(rows: list[Row], vms: int, hosts: int) -> str:
    head = (
        f"{vms:,} VMs, {hosts} hosts · {dt.date.today()} · {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    cells = [["measure", "ovtui", "bare SDK", "ratio"]] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = [head, ""]
    for n, c in enumerate(cells):
        lines.append(
            "  ".join(
                [c[0].ljust(widths[0])]
                + [x.rjust(w) for x, w in zip(c[1:], widths[1:], strict=True)]
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--vms", type=int, default=10000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3, help="runs per timing, the fastest kept")
    p.add_argument(
        "--no-full-lists", action="store_true", help="skip the headless full lists (100,000 VMs)"
    )
    args = p.parse_args(argv)
    rows = run(args.vms, args.hosts, args.repeat, not args.no_full_lists)
    print(table(rows, args.vms, args.hosts))
    print("(each timing: the fastest of --repeat runs, ovtui and the SDK script alternating)")
    return 0
