"""A list verb's objects read by pages, the later pages by worker processes, in order.

The engine pages a search (``search=... page N`` with ``max``). Page 1 is read here, on the
verb's own connection, so that its objects can be written at once and any engine error is the
one every other request meets. When it is full, the next pages go to worker processes (each
with its own connection, logged in with this connection's token), several in flight; each
worker parses its page with the SDK's reader and renders it (:class:`ovtui.render.PageRenderer`),
which is most of the time a list takes, and hands the pieces back; they are written in page
order. Most of a list's time is the SDK reading XML in Python: spread over processes, reading
overlaps fetching and the other pages' reading.

A worker that fails (engine error, unreadable answer, no processes on this system) is not
trusted with anything: its page is read again here, where the error is raised as usual.
Objects met twice (the engine's list moved between two pages) are written once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from .errors import engine_errors
from .selectors import collection_service

if TYPE_CHECKING:
    from .base import ActionContext
    from .nouns import Noun

PAGE_ROWS = 500  # objects a page: ~0.4 s of the SDK's reading, the first object's wait
WORKERS = max(2, min(4, os.cpu_count() or 2))
AHEAD = 2  # pages in flight per worker: one fetched while the other is read


class Renderer(Protocol):
    """What turns a page of SDK objects into output pieces (``ovtui.render.PageRenderer``)."""

    def pieces(self, objs: list[Any]) -> list[Any]: ...


Fresh = Callable[[list[str], list[Any]], list[Any]]


def page_search(search: str | None, page: int) -> str:
    return f"{search or ''} page {page}".strip()


def pageable(search: str | None) -> bool:
    """A search the engine can page: one that does not page itself."""
    return "page" not in (search or "").lower().split()


class PagedList:
    """The objects of ``noun`` that ``search`` matches (all of them without one)."""

    def __init__(self, ctx: ActionContext, noun: Noun, search: str | None) -> None:
        self.connection = ctx.connection
        self.system = ctx.system
        self.noun = noun
        self.search = search
        self.rows = PAGE_ROWS
        self.first = self._read_here(1)
        self.count = 0  # objects handed out so far

    def _read_here(self, page: int) -> list[Any]:
        coll = collection_service(self.system, self.noun)
        with engine_errors(f"listing {self.noun.plural}"):
            return list(coll.list(search=page_search(self.search, page), max=self.rows))

    def __iter__(self) -> Iterator[Any]:
        """Every object, read page by page here (the SDK objects themselves)."""
        seen: set[str] = set()
        page, objs = 1, self.first
        while True:
            for obj in objs:
                if obj.id not in seen:
                    seen.add(obj.id)
                    self.count += 1
                    yield obj
            if len(objs) < self.rows:
                return
            page += 1
            objs = self._read_here(page)

    def pieces(self, renderer: Renderer) -> Generator[list[Any], None, None]:
        """Each page's pieces as ``renderer`` makes them, in page order."""
        seen: set[str] = set()

        def fresh(ids: list[str], pieces: list[Any]) -> list[Any]:
            out = []
            for oid, piece in zip(ids, pieces, strict=True):
                if oid not in seen:
                    seen.add(oid)
                    out.append(piece)
            self.count += len(out)
            return out

        first = self.first
        self.first = []  # not kept: a 100,000-object list is never all in memory
        yield fresh([o.id for o in first], renderer.pieces(first))
        if len(first) < self.rows:
            return
        pool = _start_pool(self._settings())
        try:
            yield from self._pieces_from(pool, renderer, fresh)
        finally:
            _stop_pool(pool)

    def _pieces_from(
        self, pool: ProcessPoolExecutor | None, renderer: Renderer, fresh: Fresh
    ) -> Iterator[list[Any]]:
        inflight: deque[tuple[int, Future[tuple[list[str], list[Any]]] | None]] = deque()
        next_page, last_page = 2, None
        while True:
            while last_page is None and len(inflight) < WORKERS * AHEAD:
                # page 2 is read here while the workers start (a second's imports)
                local = next_page == 2
                future = None if local else self._submit(pool, next_page, renderer)
                inflight.append((next_page, future))
                next_page += 1
            if not inflight:
                return
            page, future = inflight.popleft()
            if last_page is not None and page > last_page:
                continue  # past the end: its answer is not waited for
            ids, pieces = self._result(page, future, renderer)
            if len(ids) < self.rows:
                last_page = page
            yield fresh(ids, pieces)
            if last_page is not None and all(p > last_page for p, _ in inflight):
                return

    def _submit(
        self, pool: ProcessPoolExecutor | None, page: int, renderer: Renderer
    ) -> Future[tuple[list[str], list[Any]]] | None:
        coll = self.noun.collection
        if pool is None or coll is None:  # (no collection: page 1 already refused it)
            return None
        try:
            with _sigint_held_from_new_workers():
                return pool.submit(read_page, coll, self.search, page, self.rows, renderer)
        except Exception:  # noqa: BLE001 - a broken pool: the page is read here
            return None

    def _result(
        self, page: int, future: Future[tuple[list[str], list[Any]]] | None, renderer: Renderer
    ) -> tuple[list[str], list[Any]]:
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001 - any worker failure: read the page here
                pass
        objs = self._read_here(page)
        return [o.id for o in objs], renderer.pieces(objs)

    def _settings(self) -> dict[str, Any]:
        """What a worker needs to open its own connection with this one's login."""
        conn = self.connection
        return {
            "url": conn._url,
            "token": conn.authenticate(),
            "insecure": conn._insecure,
            "ca_file": conn._ca_file,
            "timeout": conn._timeout,
            "max_response_mb": getattr(conn, "max_response_mb", None),
            "headers": getattr(conn, "_headers", None),  # Filter: true (the user-level API)
        }


# ------------------------------------------------------------- the worker processes' side


def _start_pool(settings: dict[str, Any]) -> ProcessPoolExecutor | None:
    try:
        return ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded process
            initializer=_start_worker,
            initargs=(settings,),
        )
    except (OSError, ValueError, ImportError):
        return None  # no processes here: every page is read in this one


@contextmanager
def _sigint_held_from_new_workers() -> Iterator[None]:
    """A worker spawned now (the pool spawns them as pages are submitted) starts with SIGINT
    blocked, until its initializer ignores it: a terminal's Ctrl-C goes to the whole process
    group, and a worker still starting Python printed "Fatal Python error: init_import_site
    ... KeyboardInterrupt" over the parent's one line. Blocked, not ignored, in the parent: a
    Ctrl-C meanwhile waits and is delivered when the spawn returns, never lost. The parent
    ends its workers itself (_stop_pool)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop_pool(pool: ProcessPoolExecutor | None) -> None:
    """Ends the workers now (Ctrl-C, a closed stdout, the last page): none is left reading."""
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=2)


_WORKER: dict[str, Any] = {}


def _start_worker(settings: dict[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held since the spawn
    from ..config import DEFAULT_MAX_RESPONSE_MB
    from ..transport import Transport

    settings = dict(settings)
    settings["max_response_mb"] = settings["max_response_mb"] or DEFAULT_MAX_RESPONSE_MB
    # never closed with a logout: the token is the parent's
    _WORKER["connection"] = Transport(**settings)


def read_page(
    collection: str, search: str | None, page: int, rows: int, renderer: Renderer
) -> tuple[list[str], list[Any]]:
    """In a worker: one page read and rendered; (ids, pieces)."""
    system = _WORKER["connection"].system_service()
    objs = getattr(system, collection)().list(search=page_search(search, page), max=rows)
    return [o.id for o in objs], renderer.pieces(objs)
