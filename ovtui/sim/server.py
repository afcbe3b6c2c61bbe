"""HTTP(S) server: SSO endpoints, fault injection, routing to the resource tree and verbs."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from ovtui.sim import render, routes, search
from ovtui.sim.faults import FaultInjector
from ovtui.sim.httptypes import JSON_TYPE, HttpError, Request, Response
from ovtui.sim.image_transfer import IMAGES_PREFIX
from ovtui.sim.machines import Machines
from ovtui.sim.sso import NegotiateAcceptor, TokenStore
from ovtui.sim.store import RecordStore

log = logging.getLogger("ovtui.sim")

API_PREFIX = "/ovirt-engine/api"
PKI_PATH = "/ovirt-engine/services/pki-resource"


class Engine(Protocol):
    """What the server serves: the simulator's parts (``ovtui.sim.simulator.Simulator``)."""

    username: str
    faults: FaultInjector
    tokens: TokenStore
    negotiate: NegotiateAcceptor | None
    machines: Machines
    requests: RequestLog
    tls_cert: str | None

    @property
    def world(self) -> RecordStore: ...


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the simulator received it: ``body`` is its first
    ``RequestLog.body_limit`` bytes (``truncated`` says when there was more); the SSO
    endpoints' bodies (user names and passwords) are never kept."""

    serial: int  # 0 for the first request the simulator received, then 1, 2...
    method: str
    path: str
    query: str
    body: bytes
    truncated: bool
    correlation_id: str | None

    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", "replace")


class RequestLog:
    """The requests the simulator received, in arrival order (``sim.requests``: tests
    assert what reached the engine, and what was sent). Bounded: the last ``limit`` requests,
    each body cut at ``body_limit`` bytes, so a long ``ovtui sim`` does not grow without
    bound. Thread safe.

    ``snapshot()`` gives ``(method, path)`` pairs; ``records(since)`` the whole requests;
    ``mark()`` is a position for ``records(since=...)`` that stays right after old
    requests are dropped.
    """

    def __init__(self, limit: int = 10_000, body_limit: int = 64 * 1024) -> None:
        self.lock = threading.Lock()
        self.limit = limit
        self.body_limit = body_limit
        self._items: deque[LoggedRequest] = deque(maxlen=limit)
        self._count = 0  # every request ever received

    def add(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        query: str = "",
        correlation_id: str | None = None,
    ) -> None:
        if not path.startswith(API_PREFIX):
            body = b""  # SSO forms carry passwords: never kept
        kept = body[: self.body_limit]
        with self.lock:
            self._items.append(
                LoggedRequest(
                    self._count, method, path, query, kept, len(body) > len(kept), correlation_id
                )
            )
            self._count += 1

    def mark(self) -> int:
        """How many requests were received so far: ``records(since=mark())`` later gives
        the ones after this point."""
        with self.lock:
            return self._count

    def records(self, since: int = 0, method: str | None = None) -> list[LoggedRequest]:
        """The kept requests from serial ``since`` on (of ``method`` when given)."""
        with self.lock:
            items = list(self._items)
        return [r for r in items if r.serial >= since and (method is None or r.method == method)]

    def bodies(self, method: str, path_end: str) -> list[str]:
        """The bodies (as text) of the kept ``method`` requests whose path ends with
        ``path_end``, oldest first."""
        return [r.text() for r in self.records(method=method) if r.path.endswith(path_end)]

    def snapshot(self) -> list[tuple[str, str]]:
        """``(method, path)`` of each kept request, oldest first."""
        with self.lock:
            return [(r.method, r.path) for r in self._items]

    def __len__(self) -> int:
        with self.lock:
            return len(self._items)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.snapshot())


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr: tuple[str, int], sim: Engine) -> None:
        self.sim = sim
        if not isinstance(getattr(sim, "requests", None), RequestLog):
            sim.requests = RequestLog()
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(addr, Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self.sockets_lock:
            socks = list(self.open_sockets)
            self.open_sockets.clear()
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 60
    server: SimHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # ----------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, resp: Response) -> None:
        self.send_response(resp.code)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(len(resp)))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            for chunk in _chunks(resp.parts):
                self.wfile.write(chunk)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _handle(self, method: str) -> None:
        sim = self.server.sim
        try:
            body = self._read_body()
            split = urlsplit(self.path)
            path = split.path.rstrip("/")
            sim.requests.add(
                method,
                path,
                body,
                split.query,
                self.headers.get("Correlation-Id"),
            )
            params = dict(parse_qsl(split.query, keep_blank_values=True))
            if path.startswith("/ovirt-engine/sso/") or path == "/ovirt-engine/services/sso-logout":
                self._send(self._sso(path, body))
                return
            if path == PKI_PATH:  # the engine's CA, unauthenticated (ovtui config init)
                self._send(_pki(sim.tls_cert, params))
                return
            if path.startswith(IMAGES_PREFIX):  # a disk image's transfer URL (sim/image_transfer)
                self._send(sim.machines.serve_image(method, path, self.headers, body))
                return
            if not path.startswith(API_PREFIX):
                self._send(Response(404, b""))
                return
            faults = sim.faults
            if faults.latency > 0:
                time.sleep(faults.latency)
            if faults.roll(faults.drop_rate):
                self._drop()
                return
            login = sim.tokens.user_for(self.headers.get("Authorization"))
            if login is None:
                self._send(
                    Response(401, b"", headers={"WWW-Authenticate": 'Bearer realm="RESTAPI"'})
                )
                return
            if faults.roll(faults.error_rate) or faults.take_failing_get(self.command):
                self._send(
                    Response(
                        503,
                        render.fault(
                            "Service Unavailable",
                            "The engine is temporarily unavailable (injected fault).",
                        ),
                    )
                )
                return
            segs = [s for s in path[len(API_PREFIX) :].split("/") if s]
            if segs and segs[0] in faults.not_found:
                self._send(Response(404, b""))
                return
            req = Request(method, segs, params, self.headers, body)
            resp = self._api(req, login)
            if method in ("POST", "PUT", "DELETE") and faults.roll(faults.lost_reply_rate):
                self._drop()  # done by the engine, the reply lost on the way
                return
            self._send(resp)
        except HttpError as exc:
            if exc.detail is None:
                self._send(Response(exc.code, b""))
            else:
                self._send(Response(exc.code, render.fault(exc.reason, f"[{exc.detail}]")))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - one bad request must never kill the server
            log.exception("error handling %s %s", method, self.path)
            try:
                self._send(
                    Response(500, render.fault("Operation Failed", "[Internal Engine Error]"))
                )
            except OSError:
                self.close_connection = True

    # ----------------------------------------------------------------- SSO
    def _sso(self, path: str, body: bytes) -> Response:
        sim = self.server.sim
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if path.endswith("/sso/oauth/token"):
            user = form.get("username", "")
            if form.get("grant_type") != "password":
                return _json(
                    400,
                    {
                        "error_code": "invalid_grant",
                        "error": "The provided authorization grant is invalid.",
                    },
                )
            login = sim.tokens.login(user, form.get("password", ""))
            if login is None:
                return _json(400, _bad(user))
            return _json(
                200, sim.tokens.issue() if login == sim.tokens.user else sim.tokens.issue(login)
            )
        if path.endswith("/sso/oauth/token-http-auth"):
            return self._negotiate(form)
        if path.endswith("/sso-logout"):
            if form.get("token"):
                sim.tokens.revoke(form["token"])
            return _json(200, {})
        return Response(404, b"")

    def _negotiate(self, form: dict[str, str]) -> Response:
        """The http grant: SPNEGO checked by the simulator's gssapi acceptor, or refused."""
        from ovtui.sim.sso import NOT_CONFIGURED, negotiate_refused

        sim = self.server.sim
        if form.get("grant_type") != "urn:ovirt:params:oauth:grant-type:http":
            return _json(
                400,
                {
                    "error_code": "invalid_grant",
                    "error": "The provided authorization grant is invalid.",
                },
            )
        if sim.negotiate is None:
            return _json(400, negotiate_refused(None, NOT_CONFIGURED))
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("negotiate "):
            # the challenge; its body is what a client that has no ticket ends up reading
            resp = _json(401, negotiate_refused(None, "no Kerberos ticket was presented."))
            resp.headers["WWW-Authenticate"] = "Negotiate"
            return resp
        principal, reply, why = sim.negotiate.accept(auth)
        if principal is None:
            return _json(400, negotiate_refused(None, why))
        log.info("negotiate login of %s", principal)
        resp = _json(200, sim.tokens.issue())
        if reply:
            resp.headers["WWW-Authenticate"] = f"Negotiate {reply}"
        return resp

    def _audit(self, code: int, user: str) -> None:
        from ovtui.sim import events

        with self.server.sim.world.lock:
            events.emit(self.server.sim.world, code, user=user)

    # ----------------------------------------------------------------- API
    def _api(self, req: Request, login: str) -> Response:
        sim = self.server.sim
        world = sim.world
        # a user other than the simulator's administrator: the engine's access rules
        # (permissions, the Filter: true user-level API; sim/admin_machine)
        limited = login != sim.tokens.user
        if not req.segs:
            if req.method != "GET":
                raise HttpError(405, "Method not allowed.")
            with world.lock:
                root = routes.api_root(world, sim.username)
                if limited:  # a user's root (sim/admin_machine)
                    root = sim.machines.admin_root(login, req, root)
                return Response(200, render.document(root))
        with world.lock:
            if req.method == "GET":
                node = routes.resolve(world, req.segs)
                if limited:
                    node = sim.machines.admit(login, req, node)
                if node is None:
                    # GET of a graphics console in virt-viewer format
                    raise HttpError(404)
                accept = self.headers.get("Accept", "")
                if (
                    node.obj is not None
                    and node.tag == "graphics_console"
                    and "x-virt-viewer" in accept
                ):
                    return Response(
                        200, sim.machines.console_file(node).encode(), "application/x-virt-viewer"
                    )
                try:
                    if node.obj is not None:
                        follow = [
                            f.strip() for f in req.params.get("follow", "").split(",") if f.strip()
                        ]
                        return Response(200, routes.entity_document(world, node, follow))
                    return Response(200, routes.render_collection(world, node, req.params))
                except search.SearchError as exc:
                    raise HttpError(400, str(exc)) from None
            if limited:
                sim.machines.admit(login, req, None)
            return sim.machines.handle(req)


def _chunks(parts: list[bytes], size: int = 1 << 18) -> Iterator[bytes]:
    """``parts`` regrouped into writes of about ``size`` bytes (one syscall per record of a
    10,000-VM list would cost more than the list)."""
    batch: list[bytes] = []
    held = 0
    for part in parts:
        batch.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    if held:
        yield b"".join(batch)


def _json(code: int, data: Any) -> Response:
    return Response(code, json.dumps(data).encode(), JSON_TYPE)


def _bad(user: str) -> dict[str, str]:
    from ovtui.sim.sso import bad_credentials

    return bad_credentials(user)


def _pki(cert: str | None, params: dict[str, str]) -> Response:
    """pki-resource?resource=ca-certificate&format=X509-PEM-CA: the CA of the TLS served
    (the self-signed certificate is its own CA); 404 over plain HTTP or for other resources."""
    if cert is None or params.get("resource") != "ca-certificate":
        return Response(404, b"")
    if params.get("format", "X509-PEM-CA") != "X509-PEM-CA":
        return Response(404, b"")
    with open(cert, "rb") as f:
        return Response(200, f.read(), ctype="application/x-x509-ca-cert")
