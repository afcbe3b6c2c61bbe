"""A hostile or broken engine's answers: one clean line, one exit code per answer (issue 9).

A real HTTP server on loopback (``http.server`` in a thread) logs ovtui in through SSO like an
engine, serves a good API root, and then answers one request (the API root itself, the VM list,
or a VM action) with what is asked of it: XML that libxml2 refuses (truncated, ESC/OSC 52
bytes), an HTML error page from a proxy (503, 500, 413), a fault. ``ovtui run`` runs as a child
process, so its stderr is the real fd 2 where libxml2 used to print the offending line raw.
Every run must end within the configured timeout (+1 s) with ovtui's own one or two lines, the
documented exit code, and no ESC/BEL byte anywhere in what it wrote.

The same answer gives the same exit code whichever request met it: 502/503/504 (unavailable)
and no login give 3; every other answer (faults, non-XML bodies, unreadable XML) gives 1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ovtui.sim.testing import wait_for, write_config

TIMEOUT = 4  # the config's timeout; every run must end within it (+1 s, +start-up)
API = "/ovirt-engine/api"
ROOT_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b"<api><product_info><name>oVirt Engine</name><version><major>4</major><minor>5</minor>"
    b"</version></product_info></api>"
)
VM_XML = (
    b'<vm href="/ovirt-engine/api/vms/123" id="123"><name>web1</name><status>down</status></vm>'
)
HOSTS_XML = b'<hosts><host id="h1"><name>h1</name><status>up</status></host></hosts>'
HTML = "text/html; charset=iso-8859-1"
XML = "application/xml;charset=UTF-8"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def html_page(status: int, reason: str) -> Answer:
    page = (
        f"<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"
    )
    return Answer(status, HTML, page.encode())


def fault(status: int, reason: str, detail: str) -> Answer:
    body = f"<fault><reason>{reason}</reason><detail>{detail}</detail></fault>"
    return Answer(status, XML, body.encode())


ANSWERS: dict[str, Answer] = {
    "truncated XML": Answer(200, XML, b'<vms><vm id="1"><name>web1</name>'),
    "ESC in XML": Answer(
        200, XML, b"<vms><vm id='1'><name>title\x1b]0;pwned\x07</name></vm></vms>"
    ),
    "OSC 52 in XML": Answer(
        200, XML, b"<vms><vm id='1'><name>clip\x1b]52;c;cm0gLXJmIH4=\x07</name></vm></vms>"
    ),
    "HTML 503": html_page(503, "Service Unavailable"),
    "XML fault 503": fault(503, "Service Unavailable", "The engine is restarting."),
    "HTML 502": html_page(502, "Bad Gateway"),
    "HTML 500": html_page(500, "Internal Server Error"),
    "XML fault 409": fault(409, "Operation Failed", "[Cannot run VM. VM is running.]"),
    "HTML 413": html_page(413, "Request Entity Too Large"),
    "ESC in a fault": fault(409, "Operation Failed", "[evil&#x9b;31m \u202e]"),
}
# answer -> (exit code, words of the one line)
EXPECTED: dict[str, tuple[int, str]] = {
    "truncated XML": (1, "the engine sent XML that cannot be read"),
    "ESC in XML": (1, "the engine sent XML that cannot be read: PCDATA invalid Char value 27"),
    "OSC 52 in XML": (1, "clip\\x1b]52;c;cm0gLXJmIH4=\\x07"),
    "HTML 503": (3, "the engine is unavailable (503 Service Unavailable)"),
    "XML fault 503": (3, "unavailable (503 Service Unavailable): The engine is restarting."),
    "HTML 502": (3, "the engine is unavailable (502 Bad Gateway)"),
    "HTML 500": (1, "the engine answered 500 Internal Server Error with text/html"),
    "XML fault 409": (1, "Cannot run VM. VM is running."),
    "HTML 413": (1, "the request's body is too large for the engine (413"),
    "ESC in a fault": (1, "evil\\x9b31m \\u202e"),
}


class HostileEngine:
    """SSO and a good API root, then ``answers[(method, path)]`` for the requests it names."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer] = {}
        self.seen: list[tuple[str, str]] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _reply(self, answer: Answer) -> None:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?")[0]
                engine.seen.append((self.command, path))
                if path.endswith("/sso/oauth/token"):
                    token = {"access_token": "t0ken", "token_type": "bearer", "exp": "9" * 13}
                    self._reply(Answer(200, "application/json", json.dumps(token).encode()))
                elif path.endswith("/sso-logout"):
                    self._reply(Answer(200, "application/json", b"{}"))
                elif (self.command, path) in engine.answers:
                    self._reply(engine.answers[(self.command, path)])
                elif path == API:
                    self._reply(Answer(200, XML, ROOT_XML))
                elif path == f"{API}/vms/123":
                    self._reply(Answer(200, XML, VM_XML))
                elif path == f"{API}/vms":
                    self._reply(Answer(200, XML, b"<vms>" + VM_XML + b"</vms>"))
                elif path == f"{API}/hosts":
                    self._reply(Answer(200, XML, HOSTS_XML))
                elif self.command == "GET" and path.count("/") == 3:  # any other collection
                    self._reply(Answer(200, XML, f"<{path.rsplit('/', 1)[1]}/>".encode()))
                else:
                    self._reply(Answer(404, XML, b""))

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{API}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def engine() -> Iterator[HostileEngine]:
    e = HostileEngine()
    yield e
    e.close()


def config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "hostile.ini"
    cfg.write_text(
        f"[api]\nurl = {url}\nusername = admin@internal\npassword = pw\ntimeout = {TIMEOUT}\n",
        encoding="utf-8",
    )
    os.chmod(cfg, 0o600)
    return cfg


def run_child(cfg: Path, *args: str) -> tuple[int, str, bytes, float]:
    """``ovtui run -c CFG ARGS`` as a child process: (exit code, stdout, raw stderr, seconds)."""
    env = dict(os.environ, COLUMNS="200", PYTHONWARNINGS="ignore")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=TIMEOUT + 30,
    )
    took = time.monotonic() - start
    raw = proc.stdout + proc.stderr
    assert b"\x1b" not in raw and b"\x07" not in raw and b"\xc2\x9b" not in raw, raw[:2000]
    return proc.returncode, proc.stdout.decode(), proc.stderr, took


def one_clean_line(err: bytes) -> str:
    """ovtui's own message: one or two lines, each ``ovtui: ...``; no libxml2 echo, no trace."""
    text = err.decode("utf-8")
    lines = text.splitlines()
    shown = text[:2000]
    assert 1 <= len(lines) <= 2, shown
    assert all(line.startswith("ovtui: ") for line in lines), shown
    assert "Traceback" not in text and "parser error" not in text and "Entity:" not in text
    assert "internal error" not in text, shown
    return lines[0]


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_the_vm_list_meets_a_hostile_answer(engine, tmp_path, kind):
    engine.answers[("GET", f"{API}/vms")] = ANSWERS[kind]
    code, out, err, took = run_child(config(tmp_path, engine.url), "vm", "list")
    line = one_clean_line(err)
    want_code, words = EXPECTED[kind]
    assert (code, out) == (want_code, ""), line
    assert words in line, line
    assert took < TIMEOUT + 1 + 3, took  # well inside the timeout (+ the child's start-up)


@pytest.mark.parametrize(
    "kind", ["HTML 503", "XML fault 503", "HTML 502", "truncated XML", "OSC 52 in XML", "HTML 500"]
)
def test_the_same_answer_on_the_api_root_gives_the_same_exit_code(engine, tmp_path, kind):
    """Met by the first request (connection.check reads the API root) or by the verb's own."""
    engine.answers[("GET", API)] = ANSWERS[kind]
    code, out, err, _ = run_child(config(tmp_path, engine.url), "vm", "list")
    line = one_clean_line(err)
    assert code == EXPECTED[kind][0], line
    assert ("GET", f"{API}/vms") not in engine.seen  # it stopped at the root


@pytest.mark.parametrize("kind", ["HTML 413", "HTML 503", "truncated XML", "XML fault 409"])
def test_a_verb_meets_a_hostile_answer_to_its_action(engine, tmp_path, kind):
    engine.answers[("POST", f"{API}/vms/123/start")] = ANSWERS[kind]
    code, out, err, _ = run_child(config(tmp_path, engine.url), "vm", "-i", "123", "start")
    line = one_clean_line(err)
    assert code == EXPECTED[kind][0], line
    assert EXPECTED[kind][1] in line, line
    assert engine.seen.count(("POST", f"{API}/vms/123/start")) == 1


def test_a_long_search_refused_414_by_a_proxy_says_the_url_is_too_long(engine, tmp_path):
    """ovtui refuses a search longer than 7000 bytes itself (exit 2); a proxy in front of the
    engine may take less (4 KB here) and answers 414 with an HTML page."""
    engine.answers[("GET", f"{API}/vms")] = html_page(414, "Request-URI Too Long")
    code, out, err, _ = run_child(
        config(tmp_path, engine.url), "vm", "-s", "name=" + "x" * 5000, "list"
    )
    line = one_clean_line(err)
    assert code == 1, line
    assert "URL is too long for the engine (414 Request-URI Too Long)" in line, line
    assert "the search (-s) or name (-n) is too long" in line
    assert "Cannot connect" not in err.decode()


def test_esc_in_an_engine_name_over_the_real_simulator(sim, tmp_path):
    """The simulator writes the name through the SDK's writer, ESC and all (as an engine whose
    database holds one would): libxml2 refuses the answer, and says nothing on fd 2."""
    vm = next(iter(sim.world.coll["vms"].values()))
    with sim.world.lock:
        vm.name = "pwn\x1b]52;c;cm0gLXJmIH4=\x07"
    code, out, err, took = run_child(write_config(sim, tmp_path), "vm", "list")
    line = one_clean_line(err)
    assert code == 1
    assert "cannot be read: PCDATA invalid Char value 27" in line
    assert "pwn\\x1b]52;c;cm0gLXJmIH4=\\x07" in line


def test_event_follow_survives_an_event_id_that_is_not_a_number(engine, tmp_path):
    """``event list --follow`` sorts by id: an id like ``abc`` used to end it with an internal
    error (ValueError); it is shown and the tail goes on until Ctrl-C (exit 130)."""
    events = (
        b'<events><event id="abc"><code>1</code><description>odd\xe2\x80\xae id</description>'
        b'</event><event id="5"><code>2</code><description>fine</description></event></events>'
    )
    engine.answers[("GET", f"{API}/events")] = Answer(200, XML, events)
    cfg = config(tmp_path, engine.url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), "event", "list"]
        + ["--follow", "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, COLUMNS="200"),
    )
    try:
        wait_for(lambda: engine.seen.count(("GET", f"{API}/events")) >= 3, what="three polls")
        assert proc.poll() is None  # still following
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert b"internal error" not in err
    assert b"odd\\u202e id" in out and b"fine" in out
    assert b"\xe2\x80\xae" not in out + err
