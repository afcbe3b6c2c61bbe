"""``ovtui sim`` / ``python -m ovtui.sim``: serve the simulator until interrupted."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import threading
import time
from typing import TYPE_CHECKING

from ovtui.sim.faults import FaultInjector

if TYPE_CHECKING:
    from ovtui.sim.simulator import Simulator


def add_sim_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator options (``--bind --port --vms --hosts --speed --seed --user ...``)."""
    parser.add_argument(
        "--bind", default="127.0.0.1", help="address to listen on (default: loopback)"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--vms", type=int, default=50, help="number of VMs (default 50)")
    parser.add_argument("--hosts", type=int, default=4, help="number of hosts (default 4)")
    parser.add_argument("--speed", type=float, default=1.0, help="clock speed factor (default 1.0)")
    parser.add_argument("--seed", type=int, default=0, help="world generator seed (default 0)")
    parser.add_argument("--user", default="admin@internal", help="SSO user name")
    parser.add_argument("--password", default="admin", help="SSO password (default: admin)")
    parser.add_argument("--tls-cert", default=None, help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", default=None, help="PEM private key for --tls-cert")
    parser.add_argument(
        "--kerberos-keytab",
        default=None,
        metavar="KEYTAB",
        help="HTTP/<host> service keytab: accept Kerberos (SPNEGO) logins (needs gssapi)",
    )
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="e.g. latency=0.2,error_rate=0.1,drop_rate=0.05,token_lifetime=30,not_found=events+jobs,fail_upgrade=host03",
    )


def serve(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Start, print URL and credentials, serve until Ctrl-C (or ``stop`` is set)."""
    from ovtui.sim.simulator import Simulator

    if bool(args.tls_cert) != bool(args.tls_key):
        print("ovtui sim: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    try:
        faults = FaultInjector(args.faults, args.seed) if args.faults else None
    except ValueError as exc:
        print(f"ovtui sim: --faults: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        sim = Simulator(
            vms=args.vms,
            hosts=args.hosts,
            speed=args.speed,
            seed=args.seed,
            user=args.user,
            password=args.password,
            bind=args.bind,
            port=args.port,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            faults=faults,
            kerberos_keytab=getattr(args, "kerberos_keytab", None),
        ).start()
    except RuntimeError as exc:  # the keytab cannot be used (or gssapi is missing)
        print(f"ovtui sim: --kerberos-keytab: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"ovtui sim: cannot listen on {args.bind}:{args.port}: {exc}", file=sys.stderr)
        return 2
    threading.Thread(target=_warm, args=(sim,), name="ovtui-sim-warm", daemon=True).start()
    print(f"oVirt engine simulator: {sim.url}", flush=True)
    print(f"user: {sim.username}  password: {sim.password}", flush=True)
    print(
        f"{len(sim.world.coll['vms'])} VMs, {len(sim.world.coll['hosts'])} hosts, speed x{args.speed}. Ctrl-C to stop.",
        flush=True,
    )
    stop = stop or threading.Event()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _warm(sim: Simulator) -> None:
    """Fill the XML cache in the background and say when it is done: until then a first
    full list pays for rendering, and timings taken meanwhile share the CPU with it."""
    t0 = time.perf_counter()
    sim.warm()
    # what the warm-up made (rendered bytes, generated disks) lives as long as the records:
    # out of the cyclic GC's full passes too, as the seed does with the world it built
    gc.freeze()
    print(f"XML cache warm in {time.perf_counter() - t0:.1f} s.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ovtui.sim", description="Serve the embedded oVirt engine simulator."
    )
    add_sim_arguments(parser)
    return serve(parser.parse_args(argv))
