"""A replay engine: serves what real oVirt engines (4.2-4.4) answered, recorded in
``<repo>/../shared/conformance/engine-recordings`` (see its README).

- ``POST /ovirt-engine/sso/oauth/token``: a bearer token (JSON), if the password matches.
- ``/ovirt-engine/services/sso-logout``: ``{}``.
- ``GET /ovirt-engine/api/...``: the recorded body for that path, from every session (folders
  in name order). Query parameters are ignored, except that among several bodies recorded for
  one path, one whose recorded parameters (``search``...) match the request's is preferred;
  otherwise the first one recorded.
- ``GET /ovirt-engine/api/COLLECTION/ID`` that was never recorded but whose object appears in a
  recorded ``COLLECTION`` list: that object's element, exactly as the engine sent it in the
  list (a real engine answers the entity path with the same element; the recordings only hold
  a few entity GETs, so ``show -i ID`` of a listed object could not be replayed otherwise).
  Sub-collections (``/vms/ID/statistics``...) are never derived: unrecorded means 404.
- Anything else (the API root, ``/events``, ``/jobs``...): 404 with an empty body, which is
  what a partial or older engine answers. Writes under ``/ovirt-engine/api``: a 409 fault;
  other methods elsewhere: 405.
"""

from __future__ import annotations

import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO.parent / "shared" / "conformance" / "engine-recordings"

API = "/ovirt-engine/api"
TOKEN_PATH = "/ovirt-engine/sso/oauth/token"
LOGOUT_PATH = "/ovirt-engine/services/sso-logout"
XML_TYPE = "application/xml;charset=UTF-8"

# Ruby SDK parameters as the cassettes wrote them: ``:search=>"status=up"``.
_RUBY_PARAM = re.compile(r':?(\w+)\s*=>\s*"((?:[^"\\]|\\.)*)"')


def recordings_dir() -> Path | None:
    """The recordings folder, or None when shared/ is not beside the repository."""
    if RECORDINGS.is_dir() and any(RECORDINGS.glob("*/index.json")):
        return RECORDINGS
    return None


def parse_recorded_params(text: str) -> dict[str, str]:
    return {k: v.replace('\\"', '"') for k, v in _RUBY_PARAM.findall(text or "")}


@dataclass
class Recorded:
    session: str
    params: dict[str, str]
    file: Path

    def body(self) -> bytes:
        return self.file.read_bytes()


@dataclass
class Recordings:
    """Every recorded GET, by path, in recording order (sessions in folder-name order)."""

    root: Path
    by_path: dict[str, list[Recorded]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Recordings:
        rec = cls(root)
        for index in sorted(root.glob("*/index.json")):
            session = index.parent.name
            for r in json.loads(index.read_text(encoding="utf-8"))["responses"]:
                if r.get("method", "GET").upper() != "GET" or int(r.get("code", 200)) != 200:
                    continue
                rec.by_path.setdefault(r["path"].rstrip("/"), []).append(
                    Recorded(
                        session,
                        parse_recorded_params(r.get("params", "")),
                        index.parent / r["file"],
                    )
                )
        return rec

    def paths(self) -> list[str]:
        return list(self.by_path)

    def pick(self, path: str, query: dict[str, str]) -> Recorded | None:
        """The recorded answer for ``path``: one whose parameters match the request's if
        several were recorded, else the first."""
        found = self.by_path.get(path)
        if not found:
            return None
        for r in found:
            if r.params.get("search") == query.get("search") and all(
                query.get(k) == v for k, v in r.params.items()
            ):
                return r
        return found[0]

    def first_body(self, path: str) -> bytes | None:
        r = self.pick(path, {})
        return r.body() if r else None

    def derived_entity(self, path: str) -> bytes | None:
        """``/api/COLL/ID``: the object's element from a recorded ``/api/COLL`` list."""
        rest = path[len(API) + 1 :].split("/") if path.startswith(API + "/") else []
        if len(rest) != 2:
            return None
        lists = self.by_path.get(f"{API}/{rest[0]}", [])
        for r in lists:
            try:
                doc = ET.fromstring(r.body())
            except ET.ParseError:
                continue
            for child in doc:
                if child.get("href") == path or (
                    child.get("id") == rest[1] and child.get("href") is None
                ):
                    xml = ET.tostring(child, encoding="unicode")
                    return (
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml
                    ).encode("utf-8")
        return None


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, recordings: Recordings, username: str, password: str) -> None:
        super().__init__(("127.0.0.1", 0), ReplayHandler)
        self.recordings = recordings
        self.username = username
        self.password = password
        self.requests: list[tuple[str, str, str, int]] = []  # method, path, query, code
        self.lock = threading.Lock()

    def note(self, method: str, path: str, query: str, code: int) -> None:
        with self.lock:
            self.requests.append((method, path, query, code))


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ReplayServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    # ------------------------------------------------------------------ plumbing
    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, code: int, body: bytes = b"", ctype: str | None = None, **headers: str) -> None:
        split = urlsplit(self.path)
        self.server.note(self.command, unquote(split.path), split.query, code)
        self.send_response(code)
        if ctype and body:
            self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, data: dict[str, Any]) -> None:
        self._send(code, json.dumps(data).encode(), "application/json")

    # ------------------------------------------------------------------ SSO
    def _token(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self._body().decode("utf-8", "replace")).items()}
        if form.get("grant_type", "password") == "password" and (
            form.get("username") != self.server.username
            or form.get("password") != self.server.password
        ):
            self._json(
                400,
                {
                    "error_code": "access_denied",
                    "error": "Cannot authenticate user: wrong username or password.",
                },
            )
            return
        self._json(
            200,
            {
                "access_token": "replay-token-0123456789",
                "scope": "ovirt-app-api",
                "exp": str(int((time.time() + 3600) * 1000)),
                "token_type": "bearer",
            },
        )

    # ------------------------------------------------------------------ methods
    def do_GET(self) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path).rstrip("/")
        if path == LOGOUT_PATH:
            self._json(200, {})
            return
        if path.startswith(API + "/"):
            query = {k: v[0] for k, v in parse_qs(split.query).items()}
            rec = self.server.recordings.pick(path, query)
            body = rec.body() if rec else self.server.recordings.derived_entity(path)
            if body is not None:
                self._send(200, body, XML_TYPE)
                return
        self._send(404)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        path = unquote(urlsplit(self.path).path).rstrip("/")
        if path == TOKEN_PATH:
            self._token()
            return
        self._body()
        if path == LOGOUT_PATH:
            self._json(200, {})
            return
        self._write_refused(path)

    def _write_refused(self, path: str) -> None:
        self._body()
        if path == API or path.startswith(API + "/"):
            fault = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                "<fault><reason>Operation Failed</reason>"
                "<detail>[The replay engine only serves recorded reads.]</detail></fault>"
            )
            self._send(409, fault.encode(), XML_TYPE)
        else:
            self._send(405, Allow="GET")

    def do_PUT(self) -> None:
        self._write_refused(unquote(urlsplit(self.path).path).rstrip("/"))

    def do_DELETE(self) -> None:
        self._write_refused(unquote(urlsplit(self.path).path).rstrip("/"))


@dataclass
class ReplayEngine:
    """A running replay engine: ``url``, ``username``, ``password`` for a Profile/config."""

    server: ReplayServer
    thread: threading.Thread
    username: str = "admin@internal"
    password: str = "replay-secret"

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{API}"

    @property
    def recordings(self) -> Recordings:
        return self.server.recordings

    def requests(self) -> list[tuple[str, str, str, int]]:
        with self.server.lock:
            return list(self.server.requests)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start(
    root: Path, username: str = "admin@internal", password: str = "replay-secret"
) -> ReplayEngine:
    server = ReplayServer(Recordings.load(root), username, password)
    thread = threading.Thread(target=server.serve_forever, name="replay-engine", daemon=True)
    thread.start()
    return ReplayEngine(server, thread, username, password)
