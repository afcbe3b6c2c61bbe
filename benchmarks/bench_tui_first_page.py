"""TUI time to the first page of VMs and the cost of a refresh, next to a plain SDK script.

Run: python benchmarks/bench_tui_first_page.py [--vms 10000 --hosts 200]

Both clients talk to the simulator through a counting TCP proxy (client side: requests are the
HTTP request lines sent, bytes are both directions), in the same run, so the figures compare:
- first page: the TUI (login, names of DCs/clusters/hosts/SDs, the VM page with statistics and
  reported devices, on screen) against a plain SDK script (login, the same page request);
- one refresh of the VMs tab against the SDK script listing the same page again.
Printed as ratios TUI/SDK; absolute seconds are shown but not the point.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ovirtsdk4  # noqa: E402

from ovtui.sim import Simulator  # noqa: E402


class CountingProxy:
    """A loopback TCP proxy counting request lines and bytes in both directions."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        self.api_lines: list[str] = []  # request lines to the API (not SSO), oldest first
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> tuple[int, int]:
        with self.lock:
            out = (self.requests, self.bytes)
            self.requests = self.bytes = 0
            self.api_lines = []
        return out

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.requests, self.bytes

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.bytes += len(data)
                    if upstream:
                        self.requests += data.count(b" HTTP/1.1\r\n")
                        self.api_lines.extend(
                            m.decode("latin-1")
                            for m in re.findall(rb"[A-Z]+ /ovirt-engine/api\S* HTTP/1\.1", data)
                        )
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def sdk_first_page(url: str, sim: Simulator, page_size: int) -> tuple[float, ovirtsdk4.Connection]:
    t0 = time.perf_counter()
    conn = ovirtsdk4.Connection(url=url, username=sim.username, password=sim.password)
    vms = (
        conn.system_service()
        .vms_service()
        .list(max=page_size, follow="statistics,reported_devices")
    )
    assert len(vms) == page_size
    return time.perf_counter() - t0, conn


def sdk_refresh(conn: ovirtsdk4.Connection, page_size: int) -> float:
    t0 = time.perf_counter()
    conn.system_service().vms_service().list(max=page_size, follow="statistics,reported_devices")
    return time.perf_counter() - t0


async def tui_run(url: str, sim: Simulator, proxy: CountingProxy, page_size: int) -> dict:
    from ovtui.app import OvtuiApp
    from ovtui.config import Profile

    profile = Profile(
        name="bench", url=url, username=sim.username, password=sim.password, page_size=page_size
    )
    app = OvtuiApp(profile, live=False)
    out: dict = {}
    t0 = time.perf_counter()
    async with app.run_test(size=(160, 45)) as pilot:

        async def until(cond, timeout=120.0):
            deadline = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > deadline:
                    raise TimeoutError
                await pilot.pause(0.005)

        await until(lambda: app.main_screen() is not None)
        out["app_start_s"] = time.perf_counter() - t0
        m = app.main_screen()
        await until(lambda: m.view.loaded_once and m.view.table.row_count == page_size)
        out["first_page_s"] = time.perf_counter() - t0
        with proxy.lock:  # API requests (login excluded) sent until the first rows showed
            out["first_rows_api"] = list(proxy.api_lines)
        await until(lambda: bool(app.engine_info))
        await pilot.pause(0.2)
        out["first_page"] = proxy.reset()
        # one refresh of the visible table (what the refresh timer does)
        samples = []
        counts = []
        for _ in range(3):
            proxy.reset()
            gen = m.view.generation
            t1 = time.perf_counter()
            m.view.reload()
            await until(lambda g=gen: m.view.generation == g + 1 and not m.view.in_flight)
            samples.append(time.perf_counter() - t1)
            counts.append(proxy.reset())
        out["refresh_s"] = sorted(samples)[1]
        out["refresh"] = counts[-1]
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--vms", type=int, default=10000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--page-size", type=int, default=100)
    args = p.parse_args()
    sim = Simulator(vms=args.vms, hosts=args.hosts, speed=1.0, seed=0).start()
    proxy = CountingProxy(sim.port)
    url = f"http://127.0.0.1:{proxy.port}/ovirt-engine/api"
    try:
        # warm the simulator's lazy generation once, outside both measurements
        sdk_first_page(url, sim, args.page_size)[1].close()
        proxy.reset()

        sdk_s, conn = sdk_first_page(url, sim, args.page_size)
        sdk_first = proxy.reset()
        sdk_refresh(conn, args.page_size)
        proxy.reset()
        sdk_ref_s = sdk_refresh(conn, args.page_size)
        sdk_ref = proxy.reset()
        conn.close()
        proxy.reset()

        tui = asyncio.run(tui_run(url, sim, proxy, args.page_size))
    finally:
        sim.stop()

    def row(label: str, tui_v: float, sdk_v: float, fmt: str) -> None:
        ratio = tui_v / sdk_v if sdk_v else float("nan")
        print(f"{label:<28} {fmt.format(tui_v):>12} {fmt.format(sdk_v):>12} {ratio:>8.2f}x")

    print(f"simulator: {args.vms} VMs, {args.hosts} hosts, page size {args.page_size}")
    print(f"(TUI: {tui['app_start_s']:.3f}s of the first page is Textual starting up)")
    print(f"{'':<28} {'TUI':>12} {'plain SDK':>12} {'ratio':>9}")
    row("first page, seconds", tui["first_page_s"], sdk_s, "{:.3f}")
    row("first page, requests", tui["first_page"][0], sdk_first[0], "{:.0f}")
    row("first page, bytes", tui["first_page"][1], sdk_first[1], "{:.0f}")
    row("refresh, seconds", tui["refresh_s"], sdk_ref_s, "{:.3f}")
    row("refresh, requests", tui["refresh"][0], sdk_ref[0], "{:.0f}")
    row("refresh, bytes", tui["refresh"][1], sdk_ref[1], "{:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
