"""Bad input: one clear message, the documented exit code, never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ovtui.cli import main
from ovtui.sim.testing import self_signed_cert

from .conftest import write_config


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_missing_config(capsys, tmp_path):
    code, _, err = run_main(capsys, "run", "-c", str(tmp_path / "nope.ini"), "vm", "list")
    assert code == 2
    assert "nope.ini does not exist" in err


def test_config_is_a_directory(capsys, tmp_path):
    code, _, err = run_main(capsys, "run", "-c", str(tmp_path), "vm", "list")
    assert code == 2
    assert "is a directory" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_config(capsys, tmp_path):
    cfg = write_config(tmp_path / "c.ini", "[api]\nurl = http://x/\nusername = u\n", 0o000)
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2
    assert "permission denied" in err


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("url = http://x\n", "not a valid INI file"),
        ("[api]\nusername = u\n", "[api] has no url"),
        ("[api]\nurl = http://x/\nusername = u\ncolour = red\n", "unknown key 'colour'"),
        (
            "[api]\nurl = http://x/\nusername = u\ntimeout = soon\n",
            "timeout = 'soon' is not a number",
        ),
        ("[api]\nurl = ftp://x/\nusername = u\n", "is not an http(s) URL"),
    ],
)
def test_malformed_config(capsys, tmp_path, body, words):
    cfg = write_config(tmp_path / "c.ini", body)
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2
    assert words in err
    assert str(cfg) in err


def test_unknown_profile(capsys, config_file):
    code, _, err = run_main(capsys, "run", "-c", str(config_file), "-p", "lab", "vm", "list")
    assert code == 2
    assert "no profile 'lab'" in err


def test_profile_section_is_used(capsys, config_file, sim):
    body = "[api]\nurl = http://127.0.0.1:9/ovirt-engine/api\nusername = nobody@internal\n\n"
    body += "[profile:lab]\n" + "\n".join(config_file.read_text().splitlines()[1:]) + "\n"
    cfg = write_config(config_file.parent / "p.ini", body)
    code, out, err = run_main(
        capsys, "run", "-c", str(cfg), "-p", "lab", "-o", "json", "datacenter", "list"
    )
    assert code == 0, err


def test_unknown_noun_and_verb(capsys, config_file):
    code, _, err = run_main(capsys, "run", "-c", str(config_file), "vmz", "list")
    assert code == 2
    assert "invalid choice: 'vmz'" in err
    code, _, err = run_main(capsys, "run", "-c", str(config_file), "vm", "frobnicate")
    assert code == 2
    assert "invalid choice: 'frobnicate'" in err


def test_wrong_password_exit_3_with_engine_reason(capsys, tmp_path, sim):
    cfg = write_config(
        tmp_path / "c.ini",
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = wrong-pw-123\n",
    )
    code, out, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 3
    assert "Cannot authenticate user" in err
    assert "wrong-pw-123" not in err + out


def test_engine_unreachable_exit_3(capsys, tmp_path):
    cfg = write_config(
        tmp_path / "c.ini",
        "[api]\nurl = http://127.0.0.1:9/ovirt-engine/api\nusername = a@internal\npassword = x\n",
    )
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 3
    assert "Cannot connect to the engine" in err


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_untrusted_tls_exit_3_names_ca_file(capsys, tmp_path, make_sim):
    cert, key = self_signed_cert(tmp_path)
    tls_sim = make_sim(tls_cert=str(cert), tls_key=str(key))
    base = f"[api]\nurl = {tls_sim.url}\nusername = {tls_sim.username}\npassword = {tls_sim.password}\n"
    cfg = write_config(tmp_path / "c.ini", base)
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 3
    assert "ca_file" in err
    cfg = write_config(tmp_path / "c2.ini", base + f"ca_file = {cert}\n")
    code, out, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 0, err


def test_template_errors(run, tmp_path):
    code, _, err = run("vm", "list", "-T", str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml does not exist" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("max: [1, 2\n")
    code, _, err = run("vm", "list", "-T", str(bad))
    assert code == 2 and "is not valid YAML" in err
    tpl = tmp_path / "t.yaml"
    tpl.write_text("max: ${rows}\n")
    code, _, err = run("vm", "list", "-T", str(tpl))
    assert code == 2 and "${rows}" in err and str(tpl) in err
    code, out, err = run("-o", "json", "vm", "list", "-T", str(tpl), "-V", "rows", "3")
    assert code == 0, err
    import json

    assert len(json.loads(out)) == 3
    code, out, err = run(
        "-o", "json", "vm", "list", "-T", str(tpl), "-V", "rows", "3", "--max", "2"
    )
    assert len(json.loads(out)) == 2, "the command line wins over the template"


def test_readonly_refuses_mutating_verbs(run):
    from ovtui.actions import registry

    mutating = [a for a in registry.all_actions() if a.mutating and a.target == "one"]
    if not mutating:
        pytest.skip("no mutating verb registered yet")
    action = mutating[0]
    code, _, err = run("--readonly", action.noun, "-n", "anything", action.verb)
    assert code == 2
    assert "read-only" in err


def test_password_never_shown(tmp_path, sim, capsys):
    secret = sim.password
    cfg = write_config(
        tmp_path / "c.ini",
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {secret}\n",
    )
    code, out, err = run_main(capsys, "run", "-c", str(cfg), "-d", "datacenter", "list")
    assert code == 0
    assert "Authorization" in err or "DEBUG" in err or "sso" in err.lower(), "debug log shown"
    assert f"password={secret}" not in err and f"password={secret}" not in out
    # in the process list: a long-running headless command, seen from outside
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ovtui",
            "run",
            "-c",
            str(cfg),
            "event",
            "list",
            "--follow",
            "--interval",
            "0.2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline(), "the tail printed its first event"
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
        assert secret not in cmdline
    finally:
        proc.send_signal(signal.SIGINT)
        _, err2 = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert secret not in err2 and "Traceback" not in err2


def test_permission_warning_and_insecure_warning(capsys, tmp_path, sim):
    cfg = write_config(
        tmp_path / "c.ini",
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {sim.password}\n"
        "insecure = true\n",
        0o644,
    )
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 0
    assert f"chmod 600 {cfg}" in err
    assert "TLS verification is off" in err


def test_config_lookup_order(monkeypatch, tmp_path, sim, capsys):
    body = f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword = {sim.password}\n"
    user_dir = tmp_path / "xdg" / "ovtui"
    user_dir.mkdir(parents=True)
    write_config(user_dir / "config.ini", body)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("OVCONFIG", raising=False)
    code, _, err = run_main(capsys, "run", "datacenter", "list")
    assert code == 0, err
    monkeypatch.setenv("OVCONFIG", str(tmp_path / "other.ini"))
    code, _, err = run_main(capsys, "run", "datacenter", "list")
    assert code == 2 and "OVCONFIG" in err


def test_dangerous_verb_without_yes_on_non_tty_refuses(run, sim):
    code, out, err = run("-o", "json", "vm", "-s", "status=up", "list", "--max", "1")
    import json

    vm = json.loads(out)[0]
    code, _, err = run("vm", "-i", vm["id"], "stop")
    assert code == 2
    assert "needs confirmation" in err and "-y" in err
    code, out, err = run("-o", "json", "vm", "-i", vm["id"], "show")
    assert json.loads(out)["status"] == "up", "nothing was done"


def test_dry_run_of_dangerous_verb_needs_no_confirmation(run):
    import json

    code, out, _ = run("-o", "json", "host", "-s", "status=up", "list", "--max", "1")
    host = json.loads(out)[0]
    code, out, err = run("-o", "json", "host", "-i", host["id"], "maintenance", "--dry-run")
    assert code == 0, err
    code, out, _ = run("-o", "json", "host", "-i", host["id"], "show")
    assert json.loads(out)["status"] == "up", "a dry run changes nothing"


def test_kerberos_keytab_without_gssapi_names_the_extra(capsys, tmp_path, sim):
    try:
        import gssapi  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("gssapi is installed here")
    keytab = tmp_path / "ovtui.keytab"
    keytab.write_bytes(b"\x05\x02")
    cfg = write_config(
        tmp_path / "c.ini",
        f"[api]\nurl = {sim.url}\nkerberos = true\n\n[kerberos]\nkeytab = {keytab}\n"
        "principal = ovtui@EXAMPLE.COM\n",
    )
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 2
    assert "pip install 'ovtui[kerberos]'" in err
