"""Issue 14: a refresh's XML is parsed in a helper process (ovtui/actions/parse_worker.py).

Real ovirtsdk4 over HTTP against the simulator. What a user would notice: the rows are the
same as the SDK's own parse gives, an engine's refusal still reads as the engine's message,
and no helper process outlives the TUI (``q``, Ctrl-C, or the TUI killed).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ovirtsdk4
import pytest
from ovirtsdk4 import http, writer
from ovirtsdk4.reader import Reader

from ovtui.actions import parse_worker
from ovtui.actions.browse import Browser, ConnectionPool
from ovtui.widgets.columns import columns_for, row_cells
from tests.support import asynctest, wait_until
from tests.tui.helpers import loaded, make_app
from tests.tui.test_quit import Tui, _env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")

FOLLOW = "statistics,reported_devices"


def _poll(cond: Callable[[], Any], timeout: float, what: str) -> Any:
    """``cond()`` once it is truthy; fail after ``timeout`` seconds (not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) is gone for the user
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _browser(sim: Any) -> Browser:
    def factory(token: str | None = None) -> Any:
        return ovirtsdk4.Connection(
            url=sim.url, username=sim.username, password=sim.password, token=token
        )

    return Browser(ConnectionPool(factory), page_size=100)


def _started_worker(browser: Browser) -> parse_worker.ParseWorker:
    """Two pages (the first page, then a refresh) start the worker; wait until it is up."""
    browser.page("vm", resolve=False)
    browser.page("vm", resolve=False)
    pw = parse_worker.worker()
    _poll(pw.up, 30, "the parse worker to start")
    return pw


@pytest.fixture
def big_sim(make_sim: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """A page of 100 VMs with statistics: ~1 MB of XML, well over OFFLOAD_BYTES; the worker
    turned on (it is off by default), here and in a TUI started from here."""
    monkeypatch.setenv("OVTUI_PARSE_WORKER", "1")
    yield make_sim(vms=150, hosts=4, seed=0)
    parse_worker.close_worker()
    gc.collect()  # the ~6,000 objects a page of each test: not left to the next test's counts


def test_worker_parse_equals_the_sdk_parse_of_the_same_body(big_sim):
    browser = _browser(big_sim)
    try:
        pw = _started_worker(browser)
        with browser.pool.lease() as conn:
            req = http.Request(method="GET", path="/vms", query={"follow": FOLLOW, "max": "100"})
            body = conn.wait(conn.send(req)).body
        assert len(body) > parse_worker.OFFLOAD_BYTES
        ours = pw.parse(body)
        assert ours is not None, "the worker did not answer"
        theirs = Reader.read(body)
        assert len(ours) == len(theirs) == 100
        for a, b in zip(ours, theirs, strict=True):
            assert type(a) is type(b)
            assert writer.Writer.write(a) == writer.Writer.write(b)  # every field
            assert a.status is b.status  # enums are the SDK's own members
            assert a.creation_time == b.creation_time
            assert a.creation_time.utcoffset() == b.creation_time.utcoffset()  # (a TZ pickled)
        # and what the table shows from them is the same, cell by cell
        cols = columns_for("vm", True)
        names = browser.names()
        for a, b in zip(ours, theirs, strict=True):
            assert row_cells("vm", a, names, cols) == row_cells("vm", b, names, cols)
    finally:
        browser.pool.close()


def test_a_refresh_goes_through_the_worker_in_one_request(big_sim):
    browser = _browser(big_sim)
    try:
        pw = _started_worker(browser)
        served, mark = pw.served, big_sim.requests.mark()
        page = browser.page("vm", resolve=False)
        assert pw.served == served + 1, "the page was parsed in the TUI process"
        assert [r.path.rsplit("/", 1)[-1] for r in big_sim.requests.records(since=mark)] == ["vms"]
        with browser.pool.lease() as conn:
            sdk = conn.system_service().vms_service().list(follow=FOLLOW, max=100)
        assert [(v.id, v.name) for v in page.objects] == [(v.id, v.name) for v in sdk]
        assert all(v.statistics for v in page.objects)  # followed: CPU and memory shown
    finally:
        browser.pool.close()


def test_a_bad_search_still_says_the_engines_words_and_keeps_statistics(big_sim):
    browser = _browser(big_sim)
    try:
        _started_worker(browser)
        with pytest.raises(Exception) as err:
            browser.page("vm", "nosuchfield=3", resolve=False)
        assert "unknown field 'nosuchfield'" in str(err.value)
        # a refused search is not the engine refusing ``follow``: statistics stay followed
        page = browser.page("vm", "", resolve=False)
        assert page.objects and all(v.statistics for v in page.objects)
    finally:
        browser.pool.close()


def test_the_worker_is_off_by_default(make_sim, monkeypatch):
    monkeypatch.delenv("OVTUI_PARSE_WORKER", raising=False)
    browser = _browser(make_sim(vms=150, hosts=4, seed=0))
    try:
        for _ in range(3):
            assert len(browser.page("vm", resolve=False).objects) == 100
        assert not parse_worker.worker().up() and not parse_worker.worker()._starting
    finally:
        browser.pool.close()


def test_a_dead_worker_loses_no_refresh(big_sim):
    browser = _browser(big_sim)
    try:
        pw = _started_worker(browser)
        pid = pw.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        _poll(lambda: not _alive(pid), 10, "the worker to die")
        page = browser.page("vm", resolve=False)  # parsed here instead
        assert len(page.objects) == 100 and all(v.statistics for v in page.objects)
    finally:
        browser.pool.close()


@asynctest
async def test_tui_rows_from_the_worker_and_no_worker_after_quit(big_sim):
    app = make_app(big_sim, refresh=0.3)
    async with app.run_test(size=(160, 45)) as pilot:
        m = await loaded(pilot, app, "vm")
        pw = parse_worker.worker()
        served = pw.served
        await wait_until(pilot, lambda: pw.served > served + 1, what="refreshes via the worker")
        pid = pw.pid
        assert pid is not None and _alive(pid)
        table = m.view.table
        cols = columns_for("vm", m.view.advanced)
        names = app.browser.cached_names()
        # the table shows what the objects it holds say (objects parsed by the worker)
        await wait_until(pilot, lambda: not m.view.in_flight, what="a refresh applied")
        for key in table.order[:20]:
            want = row_cells("vm", m.view.objects[key], names, cols)
            assert table.cells[key] == want
    _poll(lambda: not _alive(pid), 5, "the parse worker to end with the app")


@pytest.mark.parametrize("how", ["q", "ctrl-c", "kill"])
def test_no_parse_worker_outlives_the_tui(tmp_path, big_sim, how):
    cfg = tmp_path / "config.ini"
    cfg.write_text(
        f"[api]\nurl = {big_sim.url}\nusername = {big_sim.username}\n"
        f"password = {big_sim.password}\n[ovtui]\nrefresh = 0.5\n"
    )
    cfg.chmod(0o600)
    tui = Tui(["-c", str(cfg)], _env(tmp_path))
    try:

        def worker_pid() -> int | None:
            tui.read(0.05)
            for pid in _children(tui.proc.pid):
                if b"parse_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            return None

        pid = _poll(worker_pid, 60, "the TUI's parse worker")
        if how == "kill":  # a crash nothing can clean up after: the worker sees EOF
            tui.proc.kill()
            tui.proc.wait(5)
        else:
            tui.send(b"q" if how == "q" else b"\x03")
            assert tui.wait_exit(timeout=10) == 0
        _poll(lambda: not _alive(pid), 5, "the parse worker to exit")
    finally:
        tui.close()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return out
