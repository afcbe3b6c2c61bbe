"""Engine queries the TUI needs: one page of a main tab, sub-tabs, cached names, events, jobs.

Pure ovirtsdk4 (no textual): every function here runs on a worker thread. The rules of DESIGN
section 6 live here: a main tab fetches one page (``page N`` in the search, ``max``), lists
follow ``statistics`` so no request is made per row, and names of referenced objects come from
one search for the ids on the page per type (``id=A or id=B``), cached for NAMES_TTL.

An ``ovirtsdk4.Connection`` must not be used by two threads at once, so connections come from
a small :class:`ConnectionPool`: browsing holds one at a time, each running action leases its own.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ovirtsdk4

from .base import ActionError
from .errors import translate
from .host_networks import nic_rows
from .nouns import NOUNS, Noun
from .permissions import subtab_rows as permission_rows
from .read import fill_domain_status
from .vm_pools import pool_event_rows

# Main tabs in the order of DESIGN section 3 (keys 1..9), then Pools.
MAIN_TABS: tuple[str, ...] = (
    "datacenter",
    "cluster",
    "host",
    "vm",
    "storagedomain",
    "event",
    "template",
    "disk",
    "network",
    "vmpool",  # the 10th: no digit key (1..9 are a contract); :pools and the palette reach it
)

# What list requests follow, per noun (no request per row).
LIST_FOLLOW: dict[str, str] = {
    "host": "statistics",
    "vm": "statistics,reported_devices",
}

NAME_TYPES = ("datacenter", "cluster", "host", "storagedomain")
NAMES_TTL = 60.0


class PathNotServed(ActionError):
    """The engine answered 404 for a collection (an older or partial engine)."""


def classify(exc: BaseException, doing: str) -> ActionError:
    """One plain ActionError for any failure of a browse query."""
    if isinstance(exc, ovirtsdk4.NotFoundError):
        return PathNotServed(f"This engine does not serve {doing} (404).")
    if isinstance(exc, ActionError):
        return exc
    return translate(exc, doing)


class ConnectionPool:
    """Lends SDK connections, one thread at a time each; makes more as needed.

    One SDK connection serialises its requests, so concurrent workers need several. They
    share one SSO login: the first connection's token is handed to the next ones (each still
    logs in again by itself if the engine answers 401), and only one logout is sent at close.
    """

    def __init__(self, factory: Callable[..., Any], size: int = 8) -> None:
        self._factory = factory  # factory(token=None) -> a new SDK connection
        self._free: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._sem = threading.BoundedSemaphore(size)
        self._token: str | None = None
        self._login = threading.Lock()  # one login at a time: the pool shares its token

    def _new(self) -> Any:
        """A new connection with the pool's token; the first one logs in to get that token
        (here, on the thread that will use it: a leased connection is never touched). Two
        workers leasing at once wait for one login: each logging in made a second session
        that the one logout at close never ended."""
        with self._login:
            conn = self._factory(token=self._token)
            if self._token is None:
                try:
                    self._token = conn.authenticate()
                except Exception:  # noqa: BLE001 - the caller's first request reports the error
                    pass
        with self._lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def lease(self) -> Iterator[Any]:
        self._sem.acquire()
        try:
            try:
                conn = self._free.get_nowait()
            except queue.Empty:
                conn = self._new()
            try:
                yield conn
            finally:
                self._free.put(conn)
        finally:
            self._sem.release()

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for i, conn in enumerate(conns):
            try:
                conn.close(logout=i == 0)  # they share one token: one logout
            except Exception:  # noqa: BLE001 - closing on exit, nothing to report
                pass


@dataclass
class PageResult:
    """One page of a main tab and the names its rows refer to."""

    noun: str
    objects: list[Any]
    page: int
    search: str
    names: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched_at: float = field(default_factory=time.time)


def page_search(search: str, page: int) -> str | None:
    """The ``search=`` value for a query and page (``status=up page 2``)."""
    search = search.strip()
    if page > 1:
        return f"{search} page {page}".strip()
    return search or None


# The references whose names the main tabs show: attribute -> the type it names.
REF_ATTRS = {
    "host": "host",
    "cluster": "cluster",
    "data_center": "datacenter",
    "data_centers": "datacenter",
    "storage_domain": "storagedomain",
    "storage_domains": "storagedomain",
}
ID_SEARCH_BYTES = 6000  # under the engine's request line limit (selectors.MAX_SEARCH_BYTES)


def referenced_ids(objs: list[Any]) -> dict[str, set[str]]:
    """``{type: ids}`` of the objects that ``objs`` refer to without their name."""
    out: dict[str, set[str]] = {}
    for obj in objs:
        for attr, kind in REF_ATTRS.items():
            ref = getattr(obj, attr, None)
            for r in ref if isinstance(ref, list) else (ref,):
                if r is not None and getattr(r, "id", None) and not getattr(r, "name", None):
                    out.setdefault(kind, set()).add(r.id)
    return out


def id_searches(ids: list[str]) -> list[str]:
    """``id=A or id=B ...`` searches, each short enough for the engine's request line."""
    out, current = [], ""
    for i in ids:
        term = f"id={i}"
        if current and len(current) + len(term) + 4 > ID_SEARCH_BYTES:
            out.append(current)
            current = ""
        current = f"{current} or {term}" if current else term
    if current:
        out.append(current)
    return out


class Browser:
    """The TUI's read side of the engine. Thread-safe: every call leases a connection."""

    def __init__(self, pool: ConnectionPool, page_size: int = 100) -> None:
        self.pool = pool
        self.page_size = page_size
        self._names: dict[str, dict[str, Any]] = {}
        self._names_at: dict[str, float] = {}
        self._names_lock = threading.Lock()
        self._follow_ok: dict[str, bool] = {}
        self._id_at: dict[tuple[str, str], float] = {}  # (type, id) -> when its name came
        self._id_search_ok: dict[str, bool] = {}  # False: this engine refused id= searches
        self._prefetched: tuple[tuple[str, str, int], Future] | None = None
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ovtui-names")

    def prefetch(self, noun_name: str, search: str, page: int) -> None:
        """Start reading a page now (the app starting up); :meth:`take_prefetched` hands it
        to the first caller that asks for the same page."""
        future = self._executor.submit(self.page, noun_name, search, page, False)
        self._prefetched = ((noun_name, search, page), future)

    def take_prefetched(self, noun_name: str, search: str, page: int) -> Future | None:
        pre, self._prefetched = self._prefetched, None
        if pre is not None and pre[0] == (noun_name, search, page):
            return pre[1]
        return None

    # ------------------------------------------------------------------ basics
    def _coll(self, conn: Any, noun: Noun) -> Any:
        return getattr(conn.system_service(), noun.collection)()

    def system(self) -> Any:
        with self.pool.lease() as conn:
            try:
                return conn.system_service().get()
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, "/api") from exc

    def page(
        self, noun_name: str, search: str = "", page: int = 1, resolve: bool = True
    ) -> PageResult:
        """One page of a main tab: one request, statistics followed. Its ``names`` are the
        cache's; ``resolve`` also fetches the ones it refers to that the cache lacks
        (:meth:`resolve_names`), else the caller does, after showing the page."""
        noun = NOUNS[noun_name]
        kw: dict[str, Any] = {"max": self.page_size}
        s = page_search(search, page) if noun.searchable else None
        if s:
            kw["search"] = s
        follow = LIST_FOLLOW.get(noun_name)
        with self.pool.lease() as conn:
            coll = self._coll(conn, noun)
            try:
                objs = self._list_follow(coll, noun_name, follow, kw)
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, f"/{noun.plural}") from exc
            if noun_name == "storagedomain":
                fill_domain_status(conn.system_service(), objs)
        result = PageResult(noun_name, list(objs), page, search, names=self.cached_names())
        if resolve:
            self.resolve_names(result)
        return result

    def resolve_names(self, result: PageResult) -> bool:
        """Fetch the names of the objects ``result``'s rows refer to that the cache lacks or
        holds for longer than NAMES_TTL: one id search per type (hosts and clusters side by
        side, then the clusters' data centers), never whole lists; the Clusters tab counts
        its hosts' VMs, so it has the hosts' list. True when ``result.names`` changed."""
        if result.noun == "cluster":
            stale = self.names_stale()
            result.names = self.names()
            return stale
        wanted = referenced_ids(result.objects)
        changed = self._fetch_ids(wanted)
        clusters = self._names.get("cluster", {})
        dc_ids = {
            clusters[c].data_center.id
            for c in wanted.get("cluster", ())
            if c in clusters and clusters[c].data_center is not None
        }
        if dc_ids:
            changed |= self._fetch_ids({"datacenter": dc_ids})
        if changed:
            result.names = self.cached_names()
        return changed

    def _fetch_ids(self, wanted: dict[str, set[str]]) -> bool:
        now = time.monotonic()
        todo = {
            t: sorted(i for i in ids if now - self._id_at.get((t, i), -1e9) > NAMES_TTL)
            for t, ids in wanted.items()
        }
        todo = {t: ids for t, ids in todo.items() if ids}
        if not todo:
            return False
        futures = [self._executor.submit(self._fetch_type_ids, t, ids) for t, ids in todo.items()]
        return any([f.result() for f in futures])

    def _fetch_type_ids(self, kind: str, ids: list[str]) -> bool:
        """Objects of ``kind`` by id: ``id=A or id=B ...`` searches (an engine that cannot
        search by id gets asked for the whole list once, as before)."""
        noun = NOUNS[kind]
        found: list[Any] = []
        try:
            with self.pool.lease() as conn:
                coll = self._coll(conn, noun)
                if not noun.searchable or not self._id_search_ok.get(kind, True):
                    found = list(coll.list())
                else:
                    for search in id_searches(ids):
                        try:
                            found.extend(coll.list(search=search))
                        except ovirtsdk4.Error as exc:
                            if isinstance(exc, ovirtsdk4.NotFoundError) or exc.code != 400:
                                raise
                            self._id_search_ok[kind] = False
                            found = list(coll.list())
                            break
        except Exception:  # noqa: BLE001 - names are a nicety; ids stay shown
            return False
        now = time.monotonic()
        with self._names_lock:
            names = dict(self._names.get(kind, {}))
            for obj in found:
                names[obj.id] = obj
            self._names[kind] = names
            for i in ids:
                self._id_at[(kind, i)] = now  # one gone from the engine is not asked again soon
            for obj in found:
                self._id_at[(kind, obj.id)] = now
        return bool(found)

    def names_stale(self) -> bool:
        now = time.monotonic()
        return any(now - self._names_at.get(t, -1e9) > NAMES_TTL for t in NAME_TYPES)

    def _list_follow(self, coll: Any, noun_name: str, follow: str | None, kw: dict) -> list:
        """List with ``follow``; an engine that refuses a follow gets the plainer request."""
        if not follow or not self._follow_ok.get(noun_name, True):
            return coll.list(**kw)
        try:
            return coll.list(follow=follow, **kw)
        except ovirtsdk4.Error as exc:
            if isinstance(exc, ovirtsdk4.NotFoundError) or exc.code not in (400, 500):
                raise
        objs = coll.list(**kw)  # a bad search fails here too: follow is not to blame
        self._follow_ok[noun_name] = False
        return objs

    def get(self, noun_name: str, obj_id: str, follow: str | None = None) -> Any:
        noun = NOUNS[noun_name]
        with self.pool.lease() as conn:
            try:
                svc = getattr(self._coll(conn, noun), noun.entity)(obj_id)
                return svc.get(follow=follow) if follow else svc.get()
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, f"/{noun.plural}/{obj_id}") from exc

    # ------------------------------------------------------------------ names
    def names(self, force: bool = False) -> dict[str, dict[str, Any]]:
        """``{type: {id: object}}`` for data centers, clusters, hosts, storage domains.

        One list request per type, at most every NAMES_TTL seconds; a failed type keeps its
        last answer.
        """
        now = time.monotonic()
        stale = [t for t in NAME_TYPES if force or now - self._names_at.get(t, -1e9) > NAMES_TTL]
        if stale:
            with self._names_lock, self.pool.lease() as conn:
                for t in stale:
                    if not force and now - self._names_at.get(t, -1e9) <= NAMES_TTL:
                        continue
                    try:
                        objs = self._coll(conn, NOUNS[t]).list()
                    except Exception:  # noqa: BLE001 - names are a nicety; ids stay shown
                        self._names_at[t] = now
                        continue
                    self._names[t] = {o.id: o for o in objs}
                    self._names_at[t] = now
        return dict(self._names)

    def cached_names(self) -> dict[str, dict[str, Any]]:
        """The names as last fetched (no request: for the UI thread)."""
        return dict(self._names)

    def invalidate_names(self) -> None:
        self._names_at.clear()

    # ------------------------------------------------------------------ sub-tabs
    def subtab(self, noun_name: str, obj: Any, key: str) -> list[Any]:
        """Rows of one sub-tab of ``obj`` (see SUBTABS)."""
        fetch = SUBTAB_FETCH[key]
        with self.pool.lease() as conn:
            try:
                return list(fetch(conn.system_service(), noun_name, obj, self.page_size))
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, f"the {key} of this {NOUNS[noun_name].name}") from exc

    # ------------------------------------------------------------------ events, jobs
    def events_since(self, last_id: int | None, limit: int = 50) -> list[Any]:
        """New events, oldest first: ``from=last_id`` once we know where we are."""
        with self.pool.lease() as conn:
            svc = conn.system_service().events_service()
            try:
                if last_id is None:
                    evs = svc.list(max=limit)
                else:
                    evs = svc.list(from_=last_id, max=limit)
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, "/events") from exc
        evs = [e for e in evs if last_id is None or int(e.id) > last_id]
        return sorted(evs, key=lambda e: int(e.id))

    def running_jobs(self) -> list[Any]:
        with self.pool.lease() as conn:
            try:
                jobs = conn.system_service().jobs_service().list(search="status=started", max=50)
            except ovirtsdk4.NotFoundError as exc:
                raise classify(exc, "/jobs") from exc
            except ovirtsdk4.Error:
                try:
                    jobs = conn.system_service().jobs_service().list(max=50)
                except Exception as exc:  # noqa: BLE001
                    raise classify(exc, "/jobs") from exc
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, "/jobs") from exc
        return [j for j in jobs if str(getattr(j.status, "value", j.status)) == "started"]

    # ------------------------------------------------------------------ lookup
    def find_by_name(self, text: str, limit: int = 5) -> list[tuple[str, Any]]:
        """Objects of any main type whose name starts with ``text`` (for the palette)."""
        out: list[tuple[str, Any]] = []
        pattern = text.strip()
        if not pattern:
            return out
        with self.pool.lease() as conn:
            for t in (
                "vm",
                "host",
                "cluster",
                "datacenter",
                "storagedomain",
                "template",
                "network",
            ):
                try:
                    objs = self._coll(conn, NOUNS[t]).list(search=f"name={pattern}*", max=limit)
                except Exception:  # noqa: BLE001
                    continue
                out.extend((t, o) for o in objs)
        return out

    # ------------------------------------------------------------------ form pickers
    def choices(self, kind: str, target: Any = None) -> list[tuple[str, str]]:
        """(label, value) options for a form picker; values are names (what verbs take).

        Hosts are the up hosts of the target's cluster with their free memory.
        """
        noun = NOUNS[kind]
        search = None
        if kind == "host":
            search = "status=up"
            cluster = getattr(target, "cluster", None)
            if cluster is not None:
                cl = self.names().get("cluster", {}).get(cluster.id)
                if cl is not None and cl.name:
                    search += f" and cluster={_q(cl.name)}"
        with self.pool.lease() as conn:
            coll = self._coll(conn, noun)
            kw: dict[str, Any] = {"max": 500}
            if search:
                kw["search"] = search
            if kind == "host":
                kw["follow"] = "statistics"
            try:
                objs = coll.list(**kw)
            except Exception as exc:  # noqa: BLE001
                raise classify(exc, f"/{noun.plural}") from exc
        return _choice_labels(kind, objs, self.names())


def _choice_labels(kind: str, objs: list[Any], names: dict) -> list[tuple[str, str]]:
    """Labels that tell same-named objects apart; one option per name (verbs take names)."""
    dcs = names.get("datacenter", {})
    by_name: dict[str, list[str]] = {}
    for o in objs:
        name = o.name or o.id
        extra = ""
        if kind == "host":
            free = next(
                (s.values[0].datum for s in o.statistics or [] if s.name == "memory.free"),
                None,
            )
            extra = f"free {free / 2**30:.1f} GiB" if free is not None else ""
        elif kind in ("cluster", "network"):
            dc = getattr(o, "data_center", None)
            extra = getattr(dcs.get(dc.id), "name", "") if dc is not None else ""
        elif kind == "template":
            ver = getattr(getattr(o, "version", None), "version_number", None)
            extra = f"v{ver}" if ver and ver > 1 else ""
        elif kind == "storagedomain":
            if _enum_value(getattr(o, "type", None)) not in ("data", None):
                continue  # disks go on data domains only
            extra = f"free {o.available / 2**30:.0f} GiB" if o.available is not None else ""
        by_name.setdefault(name, [])
        if extra and extra not in by_name[name]:
            by_name[name].append(extra)
    return [
        (f"{name}  ({', '.join(extras)})" if extras else name, name)
        for name, extras in by_name.items()
    ]


def _enum_value(v: Any) -> Any:
    return getattr(v, "value", v)


def xml_of(obj: Any) -> str:
    """The object as the engine's XML (what ``ovtui run ... export`` prints)."""
    from ovirtsdk4 import writer

    return writer.Writer.write(obj, indent=True)


def make_browser(profile: Any, debug: bool = False) -> Browser:
    """The TUI's browser for a profile: a pool of connections sharing one login."""
    from ovtui.connection import connect

    def factory(token: str | None = None) -> Any:
        return connect(profile, debug=debug, token=token)

    size = max(4, int(getattr(profile, "connections", 4) or 4) + 4)
    page_size = int(getattr(profile, "page_size", 100) or 100)
    return Browser(ConnectionPool(factory, size=size), page_size=page_size)


_early: tuple[Any, Browser] | None = None


def start_early(profile: Any, debug: bool = False) -> None:
    """Login and the VMs tab's first page, begun before the TUI is even imported (the
    command line calls this first): the app takes this browser for the same profile."""
    global _early
    browser = make_browser(profile, debug)
    browser.prefetch("vm", "", 1)
    _early = (profile, browser)


def take_early(profile: Any) -> Browser | None:
    """The browser :func:`start_early` made for ``profile``, once."""
    global _early
    early, _early = _early, None
    if early is not None and early[0] is profile:
        return early[1]
    if early is not None:
        early[1].pool.close()
    return None


def connect_pool(connect: Callable[[], Any], size: int = 8) -> ConnectionPool:
    return ConnectionPool(connect, size=size)


def open_connection(profile: Any, token: str | None = None) -> Any:
    """A new SDK connection for a profile, reusing an SSO token when given."""
    from ovtui.connection import connect

    return connect(profile, token=token)


# ---------------------------------------------------------------------- sub-tab queries
def _svc(system: Any, noun_name: str, obj_id: str) -> Any:
    noun = NOUNS[noun_name]
    return getattr(getattr(system, noun.collection)(), noun.entity)(obj_id)


def _search(system: Any, noun_name: str, search: str, limit: int) -> list[Any]:
    noun = NOUNS[noun_name]
    follow = LIST_FOLLOW.get(noun_name)
    coll = getattr(system, noun.collection)()
    try:
        return (
            coll.list(search=search, max=limit, follow=follow)
            if follow
            else coll.list(search=search, max=limit)
        )
    except ovirtsdk4.Error as exc:
        if follow and not isinstance(exc, ovirtsdk4.NotFoundError):
            return coll.list(search=search, max=limit)
        raise


def _q(value: str | None) -> str:
    value = value or ""
    return f'"{value}"' if any(c in value for c in ' "=<>!()[]') else value


# Search keys of each entity type in other types' searches (engine search language).
_EVENT_KEY = {
    "vm": "vm.name",
    "host": "host.name",
    "cluster": "cluster",
    "datacenter": "datacenter",
    "storagedomain": "storage",
}


def _events_of(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    key = _EVENT_KEY.get(noun_name)
    svc = system.events_service()
    if key:
        return svc.list(search=f"{key}={_q(obj.name)}", max=limit)
    return svc.list(max=limit)


def _sub(name: str) -> Callable[[Any, str, Any, int], list[Any]]:
    """A sub-collection of the entity service: ``nics``, ``snapshots``..."""

    def fetch(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
        return getattr(_svc(system, noun_name, obj.id), f"{name}_service")().list()

    return fetch


def _vm_disks(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    atts = _svc(system, noun_name, obj.id).disk_attachments_service().list(follow="disk")
    disks = []
    for a in atts:
        if a.disk is not None and a.disk.name is not None:
            disks.append(a.disk)
        elif a.disk is not None:
            disks.append(system.disks_service().disk_service(a.disk.id).get())
    return disks


def _host_stats(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    return _svc(system, noun_name, obj.id).statistics_service().list()


def _guest_info(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    vm = _svc(system, noun_name, obj.id).get()
    rows = []
    gos = vm.guest_operating_system
    if gos is not None:
        rows.append(("Type", gos.family))
        rows.append(("Distribution", gos.distribution))
        ver = gos.version
        rows.append(("Version", ver.full_version if ver else None))
        rows.append(
            (
                "Kernel",
                gos.kernel.version.full_version if gos.kernel and gos.kernel.version else None,
            )
        )
        rows.append(("Architecture", gos.architecture))
    tz = vm.guest_time_zone
    if tz is not None:
        rows.append(("Time zone", f"{tz.name} {tz.utc_offset or ''}".strip()))
    if vm.fqdn:
        rows.append(("FQDN", vm.fqdn))
    if not rows:
        rows.append(("Guest agent", "no data reported (agent not running?)"))
    return rows


def _search_fn(noun_name: str, key: str) -> Callable[[Any, str, Any, int], list[Any]]:
    def fetch(system: Any, parent_noun: str, obj: Any, limit: int) -> list[Any]:
        return _search(system, noun_name, f"{key}={_q(obj.name)}", limit)

    return fetch


def _dc_networks(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    return _svc(system, "datacenter", obj.id).networks_service().list()


def _cluster_networks(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    return _svc(system, "cluster", obj.id).networks_service().list()


def _dc_storage(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    return _svc(system, "datacenter", obj.id).storage_domains_service().list()


def _dc_clusters(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    return _svc(system, "datacenter", obj.id).clusters_service().list()


def _sd_datacenters(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
    ids = [d.id for d in (obj.data_centers or [])]
    svc = system.data_centers_service()
    return [svc.data_center_service(i).get() for i in ids]


def _sd_sub(name: str) -> Callable[[Any, str, Any, int], list[Any]]:
    def fetch(system: Any, noun_name: str, obj: Any, limit: int) -> list[Any]:
        return getattr(_svc(system, "storagedomain", obj.id), f"{name}_service")().list()

    return fetch


SUBTAB_FETCH: dict[str, Callable[[Any, str, Any, int], list[Any]]] = {
    "events": _events_of,
    "permissions": permission_rows,  # role, who, where (actions/permissions.py)
    "nics": _sub("nics"),
    "host_nics": nic_rows,  # actions/host_networks
    "snapshots": _sub("snapshots"),
    "applications": _sub("applications"),
    "host_devices": _sub("host_devices"),
    "devices": _sub("devices"),
    "hooks": _sub("hooks"),
    "statistics": _host_stats,
    "vm_disks": _vm_disks,
    "guest_info": _guest_info,
    "dc_storage": _dc_storage,
    "dc_clusters": _dc_clusters,
    "dc_networks": _dc_networks,
    "cluster_hosts": _search_fn("host", "cluster"),
    "cluster_vms": _search_fn("vm", "cluster"),
    "cluster_networks": _cluster_networks,
    "affinity_groups": _sub("affinity_groups"),
    "host_vms": _search_fn("vm", "host"),
    "sd_datacenters": _sd_datacenters,
    "sd_vms": _sd_sub("vms"),
    "sd_templates": _sd_sub("templates"),
    "sd_disks": _sd_sub("disks"),
    "pool_vms": _search_fn("vm", "pool"),
    "pool_events": pool_event_rows,
}

# Webadmin's sub-tabs per type: (title, SUBTAB_FETCH key, row type for jump-to or None).
SUBTABS: dict[str, list[tuple[str, str, str | None]]] = {
    "datacenter": [
        ("Storage", "dc_storage", "storagedomain"),
        ("Clusters", "dc_clusters", "cluster"),
        ("Logical Networks", "dc_networks", "network"),
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "cluster": [
        ("Hosts", "cluster_hosts", "host"),
        ("Virtual Machines", "cluster_vms", "vm"),
        ("Logical Networks", "cluster_networks", "network"),
        ("Affinity Groups", "affinity_groups", None),
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "host": [
        ("Virtual Machines", "host_vms", "vm"),
        ("Network Interfaces", "host_nics", None),  # bonds, networks on each NIC
        ("Host Devices", "devices", None),
        ("Host Hooks", "hooks", None),
        ("Statistics", "statistics", None),
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "vm": [
        ("Network Interfaces", "nics", None),
        ("Disks", "vm_disks", "disk"),
        ("Snapshots", "snapshots", None),
        ("Applications", "applications", None),
        ("Host Devices", "host_devices", None),
        ("Statistics", "statistics", None),
        ("Guest Info", "guest_info", None),
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "storagedomain": [
        ("Data Center", "sd_datacenters", "datacenter"),
        ("Virtual Machines", "sd_vms", None),
        ("Templates", "sd_templates", None),
        ("Disks", "sd_disks", "disk"),
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "template": [
        ("Permissions", "permissions", None),
        ("Events", "events", None),
    ],
    "disk": [
        ("Permissions", "permissions", None),
    ],
    "network": [
        ("Permissions", "permissions", None),
    ],
    "vmpool": [
        ("Virtual Machines", "pool_vms", "vm"),
        ("Permissions", "permissions", None),
        ("Events", "pool_events", None),
    ],
    "event": [],
}
