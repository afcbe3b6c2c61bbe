"""``ovtui config init`` against the simulator over HTTPS with a self-signed certificate,
driven on a pseudo-terminal like a user typing (the password prompt reads the terminal)."""

from __future__ import annotations

import hashlib
import os
import shutil
import ssl
import stat

import pytest

from ovtui.sim.testing import self_signed_cert
from tests.support import run_cli

from .ptydrive import PtyProcess, ovtui

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _fingerprint(cert) -> str:
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    h = hashlib.sha256(der).hexdigest().upper()
    return ":".join(h[i : i + 2] for i in range(0, len(h), 2))


def _init(cfg, sim, answers_trust="y", profile_name=None) -> PtyProcess:
    p = PtyProcess(ovtui("config", "init", "-c", str(cfg)))
    p.expect("Engine URL")
    p.send(sim.url)
    p.expect("User [admin@internal]")
    p.send(sim.username)
    if profile_name is not None:
        p.expect("Profile name")
        p.send(profile_name)
    p.expect("Trust this CA?")
    p.send(answers_trust)
    return p


def test_config_init_over_https(capsys, tmp_path, make_sim):
    cert, key = self_signed_cert(tmp_path)
    sim = make_sim(vms=3, hosts=2, tls_cert=str(cert), tls_key=str(key), password="s3cret-Pw-42")
    cfg = tmp_path / "conf" / "ovtui.ini"
    p = _init(cfg, sim)
    p.expect(f"Password for {sim.username}:")
    p.send(sim.password)
    p.expect("Logged in")
    p.expect("Store the password")
    p.send("y")
    assert p.wait() == 0, p.output
    assert _fingerprint(cert) in p.output  # the operator saw what to compare
    assert sim.password not in p.output  # the prompt did not echo it
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    text = cfg.read_text()
    assert "[api]" in text and f"url = {sim.url}" in text and "insecure" not in text
    ca = cfg.parent / "ca-default.pem"
    assert ca.read_text().strip() == cert.read_text().strip()
    # the config works, TLS verified against the fetched CA
    code, out, err = run_cli(capsys, cfg, "vm", "list")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1 + 3

    # re-running adds a profile; the first section stays
    sim2 = make_sim(vms=2, hosts=2, tls_cert=str(cert), tls_key=str(key))
    p = _init(cfg, sim2, profile_name="lab")
    p.expect("Password for")
    p.send(sim2.password)
    p.expect("Store the password")
    p.send("y")
    assert p.wait() == 0, p.output
    text = cfg.read_text()
    assert "[api]" in text and "[profile:lab]" in text and f"url = {sim2.url}" in text
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    code, out, err = run_cli(capsys, cfg, "-p", "lab", "vm", "list")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1 + 2


def test_config_init_refused_ca_writes_nothing(tmp_path, make_sim):
    cert, key = self_signed_cert(tmp_path)
    sim = make_sim(vms=1, hosts=1, tls_cert=str(cert), tls_key=str(key))
    cfg = tmp_path / "ovtui.ini"
    p = _init(cfg, sim, answers_trust="n")
    assert p.wait() == 2
    assert "not trusted" in p.output
    assert not cfg.exists() and not (tmp_path / "ca-default.pem").exists()


def test_config_init_wrong_password_writes_nothing(tmp_path, make_sim):
    cert, key = self_signed_cert(tmp_path)
    sim = make_sim(vms=1, hosts=1, tls_cert=str(cert), tls_key=str(key))
    cfg = tmp_path / "ovtui.ini"
    p = _init(cfg, sim)
    p.expect("Password for")
    p.send("not-the-password")
    assert p.wait() == 3, p.output
    assert not cfg.exists()
