"""The SDK's XML reader in a helper process, so a refresh's parse never holds the TUI's GIL.

A page of 100 VMs with their statistics is ~1.25 MB of XML; ``ovirtsdk4.reader`` builds its
objects in Python for 50-150 ms. Run on a thread of the TUI, that parse held the GIL while the
UI thread wanted it back after every wait for input or output (issue 14: a key's answer waited
behind it). Here one persistent child process (``sys.executable``, started fresh: nothing is
forked from a threaded process) reads bodies from its stdin and answers each with the parsed
objects, pickled one by one, so the TUI unpickles them one at a time (several times cheaper
than the parse, and the UI thread gets the GIL between two objects).

Never a lost refresh: :meth:`ParseWorker.parse` answers ``None`` when the worker is not up
(yet), busy, slow, broken or dead, and the caller parses in its own process as before. Never a
process left behind: the child exits when its stdin closes (the TUI quit, crashed or was
killed), and an ``atexit`` hook of the TUI ends it at once. No textual here.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from ovirtsdk4.reader import TZ
from ovirtsdk4.types import Struct

OFFLOAD_BYTES = 64 * 1024  # smaller bodies parse in-process (the hop costs more than it saves)
REPLY_TIMEOUT = 20.0  # seconds a parse may take before the worker is dropped
SWITCH_INTERVAL = 0.001  # seconds: see tune_gil
CHILD_NICE = 10  # the worker's niceness (measured: the loaded p95 better than at 0)

_HEAD = struct.Struct("!cQ")  # status (b"o" objects, b"e" error, b"b" body), length


# ------------------------------------------------------------------ pickling SDK objects
def _tz(minutes: int, name: str) -> Any:
    """The reader's fixed-offset tzinfo (``ovirtsdk4.reader.TZ`` cannot pickle itself: its
    ``__init__`` needs arguments that tzinfo's default ``__reduce__`` does not give)."""
    return TZ(minutes, name)


def _reduce_tz(tz: Any) -> tuple[Any, tuple[int, str]]:
    return _tz, (int(tz._delta.total_seconds() // 60), tz._name)


_BLANK: dict[type, dict[str, None]] = {}  # an SDK type -> its attributes, all None


def _blank(cls: type) -> dict[str, None]:
    blank = _BLANK.get(cls)
    if blank is None:
        blank = _BLANK[cls] = dict.fromkeys(vars(cls()))
    return blank


def _struct(cls: Any, attrs: dict[str, Any]) -> Any:
    """An SDK object back from its attributes that are not None (see _Pickler)."""
    obj = cls.__new__(cls)
    state = obj.__dict__
    state.update(_blank(cls))
    state.update(attrs)
    return obj


class _Pickler(pickle.Pickler):
    """SDK objects as their type and the attributes that are set: an SDK object has every
    attribute of its type, mostly None (a VM ~100), and a page has ~6,000 objects; sent
    whole, unpickling them cost half the parse; this way a fifth. TZ as its offset."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Struct):
            blank = _blank(type(obj))
            attrs = {k: v for k, v in vars(obj).items() if v is not None or k not in blank}
            return _struct, (type(obj), attrs)
        if isinstance(obj, TZ):
            return _reduce_tz(obj)
        return NotImplemented


def dumps_each(objs: Any) -> list[bytes]:
    """One pickle per object of a list (a single object: a list of one)."""
    items = objs if isinstance(objs, list) else [objs]
    out = []
    for obj in items:
        buf = io.BytesIO()
        _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
        out.append(buf.getvalue())
    return out


def loads_each(blobs: list[bytes]) -> list[Any]:
    """The objects back, one ``pickle.loads`` each: between two, another thread may run."""
    return [pickle.loads(b) for b in blobs]


# ------------------------------------------------------------------ the child
def serve(inp: IO[bytes] | None = None, out: IO[bytes] | None = None) -> None:
    """The worker's loop: a body in, its objects (or the reader's error) out, until EOF."""
    import signal

    from ovirtsdk4.reader import Reader

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the TUI's; EOF ends us
    try:
        os.nice(CHILD_NICE)  # on a busy machine the TUI's keys come before a refresh's parse
    except OSError:
        pass
    inp = inp or sys.stdin.buffer
    out = out or sys.stdout.buffer
    while True:
        head = inp.read(_HEAD.size)
        if len(head) < _HEAD.size:
            return  # the TUI is gone
        _, size = _HEAD.unpack(head)
        body = inp.read(size)
        if len(body) < size:
            return
        try:
            status, payload = b"o", pickle.dumps(dumps_each(Reader.read(body)), protocol=5)
        except Exception as exc:  # noqa: BLE001 - the TUI parses it again and reports
            status, payload = b"e", repr(exc).encode("utf-8", "replace")
        try:
            out.write(_HEAD.pack(status, len(payload)))
            out.write(payload)
            out.flush()
        except (BrokenPipeError, OSError):
            return


# ------------------------------------------------------------------ the TUI's side
class WorkerGone(Exception):
    pass


class ParseWorker:
    """One child process parsing bodies; a failure drops it (``parse`` -> None), and after
    three failures it is not started again."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._busy = threading.Lock()  # one body at a time; a second caller parses itself
        self._state = threading.Lock()  # _proc, _starting, _large, _epoch
        self._starting = False
        self._failures = 0
        self._large = 0  # large bodies seen: the child starts at the second (a refresh)
        self._epoch = 0  # close() bumps it: a start under way then ends its child at once
        self.served = 0  # bodies parsed by the child

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    def up(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    def seen_large(self) -> None:
        """A large body came: from the second on (the first page is on the screen by then)
        the child is started, in the background."""
        with self._state:
            self._large += 1
            start = (
                self._large >= 2
                and not self._starting
                and not self.up()
                and self._failures < 3
                and enabled()
            )
            if start:
                self._starting = True
            epoch = self._epoch
        if start:
            threading.Thread(
                target=self._start, args=(epoch,), name="ovtui-parse-start", daemon=True
            ).start()

    def _start(self, epoch: int) -> None:
        proc: subprocess.Popen[bytes] | None = None
        try:
            root = str(Path(__file__).resolve().parents[2])
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
            proc = subprocess.Popen(
                [sys.executable, "-c", "from ovtui.actions.parse_worker import serve; serve()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # never onto the TUI's screen
                env=env,
                close_fds=True,
            )
        except OSError:
            pass
        with self._state:
            self._starting = False
            if proc is None:
                self._failures += 1
            elif epoch == self._epoch:
                self._proc, proc = proc, None
        if proc is not None:
            _end(proc)  # closed while it started

    def parse(self, body: bytes) -> list[Any] | None:
        """The objects of ``body`` (always a list), or None: parse it yourself."""
        proc = self._proc
        if proc is None or proc.poll() is not None or not self._busy.acquire(blocking=False):
            return None
        try:
            try:
                status, payload = self._ask(proc, body)
            except (WorkerGone, OSError, ValueError):
                self._drop(proc)
                return None
            if status != b"o":
                return None  # the reader failed: the caller's own parse says how
            objs = loads_each(pickle.loads(payload))
            self.served += 1
            return objs
        finally:
            self._busy.release()

    def _ask(self, proc: subprocess.Popen[bytes], body: bytes) -> tuple[bytes, bytes]:
        assert proc.stdin is not None and proc.stdout is not None
        deadline = time.monotonic() + REPLY_TIMEOUT
        _write_all(proc.stdin.fileno(), _HEAD.pack(b"b", len(body)) + body, deadline)
        status, size = _HEAD.unpack(_read_exact(proc.stdout.fileno(), _HEAD.size, deadline))
        return status, _read_exact(proc.stdout.fileno(), size, deadline)

    def _drop(self, proc: subprocess.Popen[bytes]) -> None:
        with self._state:
            self._failures += 1
            if self._proc is proc:
                self._proc = None
        _end(proc)

    def close(self) -> None:
        """End the child now (the TUI quits). Two more large bodies would start another
        (a main screen replaced, not the app quitting); a refresh that ends after the
        quit brings one at most."""
        with self._state:
            proc, self._proc = self._proc, None
            self._large = 0
            self._epoch += 1
        if proc is not None:
            _end(proc)


def _end(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()  # EOF: the child returns from serve()
        except OSError:
            pass
    try:
        proc.wait(0.5)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            pass


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        left = deadline - time.monotonic()
        if left <= 0:
            raise WorkerGone("the parse worker stopped reading")
        _, ready, _ = select.select([], [fd], [], left)
        if ready:
            n = os.write(fd, view[: 1 << 16])
            view = view[n:]


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    chunks, got = [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise WorkerGone("the parse worker did not answer")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        data = os.read(fd, min(size - got, 1 << 20))
        if not data:
            raise WorkerGone("the parse worker exited")
        chunks.append(data)
        got += len(data)
    return b"".join(chunks)


def enabled() -> bool:
    """Off unless ``OVTUI_PARSE_WORKER=1``: with the UI-thread fixes of issue 14 (GIL switch
    interval, cells reused by value) the key-to-screen p95 measured no better with the worker
    than without it (docs/refresh-latency.md), so the simpler in-process parse is the default."""
    return os.environ.get("OVTUI_PARSE_WORKER", "0") == "1"


_worker: ParseWorker | None = None
_worker_lock = threading.Lock()


def worker() -> ParseWorker:
    """The process's one parse worker (not started until :meth:`ParseWorker.start_soon`)."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = ParseWorker()
            atexit.register(_worker.close)
        return _worker


def close_worker() -> None:
    """End the parse worker, if any (also done at exit by atexit)."""
    if _worker is not None:
        _worker.close()


def tune_gil(interval: float = SWITCH_INTERVAL) -> None:
    """A GIL switch interval of ``interval`` for the TUI process: a thread that waited on I/O
    (the UI thread reading a key, writing the screen) gets the GIL back after 1 ms instead of
    Python's 5 ms while a refresh thread computes (see docs/refresh-latency.md)."""
    if sys.getswitchinterval() > interval:
        sys.setswitchinterval(interval)


def read_list(coll: Any, **kw: Any) -> list[Any]:
    """``coll.list(**kw)``, its body parsed by the worker when it is large and the worker is
    up. One request as before; the status, the content type and faults go through the SDK's
    own code (a 400's ``ovirtsdk4.Error`` with the engine's message, a 404's NotFoundError)."""
    future = coll.list(wait=False, **kw)
    connection = future._connection
    response = connection.wait(future._context)
    body = response.body
    if response.code == 200 and body and len(body) >= OFFLOAD_BYTES:
        pw = worker()
        pw.seen_large()
        try:
            connection.check_xml_content_type(response)
        except Exception:  # noqa: BLE001 - the SDK's own code below says it
            return list(future._code(response))
        objs = pw.parse(body)
        if objs is not None:
            return objs
    return list(future._code(response))
