"""Helpers for tests: start simulators, connect the real SDK, poll for conditions."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ovirtsdk4

from ovtui.sim.simulator import Simulator

TEST_SPEED = 60.0


def start_sim(**kwargs: Any) -> Simulator:
    """A started simulator on a free loopback port (test speed unless given)."""
    kwargs.setdefault("speed", TEST_SPEED)
    return Simulator(**kwargs).start()


def connect(sim: Simulator, **kwargs: Any) -> ovirtsdk4.Connection:
    """A real ``ovirtsdk4.Connection`` to ``sim``."""
    kwargs.setdefault("url", sim.url)
    kwargs.setdefault("username", sim.username)
    kwargs.setdefault("password", sim.password)
    kwargs.setdefault("timeout", 30)
    return ovirtsdk4.Connection(**kwargs)


def write_config(sim: Simulator, path: Path) -> Path:
    """An ovtui config (INI, mode 600) for this simulator: ``ovtui run -c PATH ...``.

    ``path`` is the file, or a directory to write ``ovtui.ini`` in.
    """
    if path.is_dir():
        path = path / "ovtui.ini"
    path.write_text(
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {sim.password}\n",
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    return path


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate and key for ``Simulator(tls_cert=, tls_key=)`` on loopback
    (made with the ``openssl`` command); the certificate is also the CA for ``ca_file``."""
    cert, key = directory / "sim-cert.pem", directory / "sim-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def wait_for(
    cond: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02, what: str = "condition"
) -> Any:
    """Poll ``cond`` until it returns something truthy; AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def sim_fixture() -> Iterator[Simulator]:
    sim = start_sim()
    try:
        yield sim
    finally:
        sim.stop()


def make_sim_fixture() -> Iterator[Callable[..., Simulator]]:
    started: list[Simulator] = []

    def make(**kwargs: Any) -> Simulator:
        sim = start_sim(**kwargs)
        started.append(sim)
        return sim

    try:
        yield make
    finally:
        for sim in started:
            sim.stop()


def token(sim: Simulator) -> str:
    """An SSO access token obtained the way the SDK does."""
    import json
    import urllib.parse
    import urllib.request

    base = sim.url.rsplit("/api", 1)[0]
    data = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "scope": "ovirt-app-api",
            "username": sim.username,
            "password": sim.password,
        }
    ).encode()
    req = urllib.request.Request(
        f"{base}/sso/oauth/token", data=data, headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["access_token"]


def bearer_request(
    sim: Simulator,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """A raw API request (``path`` below /ovirt-engine/api); HTTPError for codes >= 400."""
    import urllib.request

    hdrs = {
        "Authorization": f"Bearer {token(sim)}",
        "Version": "4",
        "Accept": "application/xml",
        "Content-Type": "application/xml",
    }
    hdrs.update(headers or {})
    req = urllib.request.Request(sim.url + path, data=body, method=method, headers=hdrs)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()
