"""Running the TUI as a process: its debug log, and an exit that never waits on a stuck worker.

Textual thread workers cannot be killed. A worker stuck in a request to an engine that never
answers would keep the interpreter alive after the app has ended (a blank terminal that
ignores ``q``). ``run_tui`` lets the app end and restore the terminal, gives the workers a
moment, then ends the process with the app's exit code if any is still running.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

LOG_NAME = "ovtui.log"
SWITCH_INTERVAL = 0.001  # seconds: see tune_gil
GRACE = 0.3  # seconds given to workers still running once the app has ended
START_NO_GC = 2.0  # seconds without garbage collection while the TUI starts (issue 14)


def debug_log_path() -> Path:
    """``ovtui.log`` in platformdirs' user log dir (``~/.local/state/ovtui/log`` on Linux)."""
    from platformdirs import user_log_path

    return user_log_path("ovtui", appauthor=False) / LOG_NAME


def open_debug_log(secrets: list[str]) -> Path:
    """Send ovtui's log (and the SDK's, with ``debug``) to the debug log file, mode 600,
    passwords and tokens redacted as in ``ovtui run -d``."""
    from .connection import RedactFilter

    path = debug_log_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # an older log may have been made with other permissions
    stream = os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secrets))
    log = logging.getLogger("ovtui")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.debug("ovtui TUI started (pid %d)", os.getpid())
    return path


def quiet_logging() -> None:
    """Nothing from the log reaches the terminal the TUI draws on (Python's last-resort
    handler would print warnings on stderr, over the screen)."""
    log = logging.getLogger("ovtui")
    if not log.handlers:
        log.addHandler(logging.NullHandler())


def no_gc_while_starting(seconds: float = START_NO_GC) -> None:
    """No garbage collection for the first ``seconds`` of the TUI: its start (the imports of
    Textual and the screens, the first screen's widgets and rows) makes hundreds of thousands
    of objects and little garbage, and the collector's passes over them took ~15% of the
    time to the first row. A daemon timer turns it back on (only if it was on)."""
    if not gc.isenabled():
        return
    gc.disable()
    timer = threading.Timer(seconds, gc.enable)
    timer.daemon = True  # never holds the process (see exit_if_stuck)
    timer.name = "ovtui-gc-on"
    timer.start()


def tune_gil(interval: float = SWITCH_INTERVAL) -> None:
    """A GIL switch interval of ``interval`` for the TUI process: the UI thread, back from
    reading a key or writing the screen, gets the GIL after 1 ms instead of Python's 5 ms
    while a refresh thread parses its page (docs/refresh-latency.md)."""
    if sys.getswitchinterval() > interval:
        sys.setswitchinterval(interval)


def stuck_threads() -> list[threading.Thread]:
    """Non-daemon threads still running (the interpreter would wait for them at exit)."""
    main = threading.main_thread()
    return [t for t in threading.enumerate() if t is not main and t.is_alive() and not t.daemon]


def exit_if_stuck(code: int, grace: float = GRACE) -> None:
    """End the process now, with ``code``, if a worker thread would keep it alive."""
    deadline = time.monotonic() + grace
    for t in stuck_threads():
        t.join(max(0.0, deadline - time.monotonic()))
    left = stuck_threads()
    if not left:
        return
    logging.getLogger("ovtui").debug(
        "exiting with %d worker(s) still waiting: %s", len(left), ", ".join(t.name for t in left)
    )
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        logging.shutdown()
        os._exit(code)


def run_tui(profile: Any, readonly: bool, demo: Any, debug: bool = False) -> int:
    """Run the app; returns its exit code, or ends the process if a worker is stuck."""
    from .app import OvtuiApp

    log_path = None
    if debug:
        log_path = open_debug_log([getattr(profile, "password", None) or ""])
    else:
        quiet_logging()
    app = OvtuiApp(profile, readonly=readonly, demo=demo, debug=debug)
    # our own loop: asyncio.run() would join the loop's executor threads (Textual's thread
    # workers) at the end, waiting as long as a request to a silent engine
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        app.run(loop=loop)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()  # its executor is shut down without waiting
        if log_path is not None:
            print(f"ovtui: debug log in {log_path}", file=sys.stderr)
    code = int(app.return_code or 0)
    exit_if_stuck(code)
    return code
