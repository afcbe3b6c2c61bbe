"""Config values range-checked and finite; config and password_file read only from bounded
regular files; credentials in the URL refused without echoing them; max_response_mb."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest

from ovtui import config
from ovtui.actions.base import UsageError
from ovtui.cli import main
from ovtui.connection import read_password

BASE = "[api]\nurl = http://127.0.0.1:9/ovirt-engine/api\nusername = u@internal\npassword = pw\n"


def write(path: Path, body: str, mode: int = 0o600) -> Path:
    path.write_text(body, encoding="utf-8")
    os.chmod(path, mode)
    return path


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def run_bounded(capsys, *args: str, within: float = 10.0) -> tuple[int, str, str]:
    """``main(args)`` in a thread that must end within ``within`` seconds (a hang fails)."""
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(main(list(args))), daemon=True)
    capsys.readouterr()
    t.start()
    t.join(within)
    assert not t.is_alive(), f"ovtui {' '.join(args)} still runs after {within} s"
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return result[0], out, err


@pytest.mark.parametrize(
    ("section", "line", "words"),
    [
        ("ovtui", "refresh = nan", "refresh = nan is out of range"),
        ("ovtui", "refresh = inf", "refresh = inf is out of range"),
        ("ovtui", "refresh = 1e20", "refresh = 1e20 is out of range"),
        ("ovtui", "refresh = 0.1", "refresh = 0.1 is out of range"),
        ("api", "timeout = 1e20", "timeout = '1e20' is not a number"),
        ("api", "timeout = 99999999999999999999", "is out of range"),
        ("api", "timeout = 0", "timeout = 0 is out of range"),
        ("ovtui", "page_size = 0", "page_size = 0 is out of range"),
        ("ovtui", "page_size = 100000", "page_size = 100000 is out of range"),
        ("api", "connections = 0", "connections = 0 is out of range"),
        ("api", "connections = 1000", "connections = 1000 is out of range"),
        ("api", "max_response_mb = 0", "max_response_mb = 0 is out of range"),
        ("api", "max_response_mb = nan", "max_response_mb = 'nan' is not a number"),
        ("api", "max_response_mb = 1e9", "max_response_mb = '1e9' is not a number"),
    ],
)
def test_out_of_range_values_exit_2_naming_the_range(capsys, tmp_path, section, line, words):
    body = BASE + f"{line}\n" if section == "api" else BASE + f"[ovtui]\n{line}\n"
    cfg = write(tmp_path / "c.ini", body)
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2, err
    assert words in err and str(cfg) in err
    key = line.split(" =")[0]
    low, high, _unit = config.LIMITS[key]
    assert f"from {low:g} to {high:g}" in err, "the message says what to write instead"
    assert len(err.strip().splitlines()) == 2


def test_values_in_range_are_used(tmp_path):
    cfg = write(
        tmp_path / "c.ini",
        BASE + "timeout = 86400\nconnections = 32\nmax_response_mb = 16\n"
        "[ovtui]\nrefresh = 0.5\npage_size = 1000\n",
    )
    p = config.load_profile(str(cfg))
    assert (p.timeout, p.connections, p.max_response_mb) == (86400, 32, 16)
    assert (p.refresh, p.page_size) == (0.5, 1000)
    assert (
        config.load_profile(str(write(tmp_path / "d.ini", BASE))).max_response_mb
        == config.DEFAULT_MAX_RESPONSE_MB
        == 200
    )


def test_a_profile_section_takes_max_response_mb(tmp_path):
    body = BASE + "[profile:lab]\nurl = https://lab/ovirt-engine/api\nusername = u\n"
    body += "max_response_mb = 8\n"
    p = config.load_profile(str(write(tmp_path / "c.ini", body)), "lab")
    assert p.max_response_mb == 8


def test_sample_config_documents_every_key():
    text = (Path(__file__).parents[2] / "sample_config.ini").read_text()
    for key in (*config.API_KEYS, *config.OVTUI_KEYS, *config.KERBEROS_KEYS):
        assert re.search(rf"^#? ?{key} =", text, re.M), f"sample_config.ini lacks {key}"
    for key, (low, high, _unit) in config.LIMITS.items():
        assert f"{low:g}..{high:g}" in text, f"sample_config.ini gives no range for {key}"


@pytest.mark.parametrize("value", ["1e20", "nan", "inf", "-1", "0", "999999999"])
def test_verb_timeout_out_of_range_is_a_usage_error(capsys, tmp_path, value):
    cfg = write(tmp_path / "c.ini", BASE)
    code, _, err = run_main(
        capsys, "run", "-c", str(cfg), "vm", "-n", "x", "start", "--timeout", value
    )
    assert code == 2
    assert "--timeout" in err and "internal error" not in err


# -- the URL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:s3cr3t-pw@engine.example.com/ovirt-engine/api",
        "https://s3cr3t-pw@engine.example.com/ovirt-engine/api",
        "ftp://admin:s3cr3t-pw@engine.example.com/",
    ],
)
def test_url_with_credentials_refused_without_echoing_them(capsys, tmp_path, url):
    cfg = write(tmp_path / "c.ini", f"[api]\nurl = {url}\nusername = admin@internal\n")
    code, out, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2
    assert "s3cr3t-pw" not in out + err
    assert "engine.example.com" in err, "the message names the URL, without its credentials"
    assert "password_file" in err, "the message says where the password goes"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://engine:99999/ovirt-engine/api", "not a valid URL"),
        ("https:///ovirt-engine/api", "has no host name"),
        ("https://engine/ovirt engine/api", "spaces or control characters"),
    ],
)
def test_malformed_urls_exit_2(capsys, tmp_path, url, words):
    cfg = write(tmp_path / "c.ini", f"[api]\nurl = {url}\nusername = admin@internal\n")
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2 and words in err


# -- files that are not regular, or too big -------------------------------------------------


def test_config_that_is_a_fifo_is_refused_at_once(capsys, tmp_path):
    fifo = tmp_path / "c.ini"
    os.mkfifo(fifo)
    code, _, err = run_bounded(capsys, "run", "-c", str(fifo), "vm", "list", within=10)
    assert code == 2 and "FIFO" in err and "regular file" in err


def test_config_too_big_is_refused(capsys, tmp_path):
    cfg = write(tmp_path / "c.ini", BASE + "#" * (config.CONFIG_MAX_BYTES + 1) + "\n")
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "vm", "list")
    assert code == 2 and "larger than 1 MiB" in err


def _profile(tmp_path: Path, password_file: Path) -> config.Profile:
    body = BASE.replace("password = pw\n", f"password_file = {password_file}\n")
    return config.load_profile(str(write(tmp_path / "c.ini", body)))


def test_password_file_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pw"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(UsageError, match="is a FIFO; only a regular file is read"):
        read_password(_profile(tmp_path, fifo), interactive=False)
    assert time.monotonic() - start < 2


def test_password_file_dev_zero_is_refused(tmp_path):
    with pytest.raises(UsageError, match="character device"):
        read_password(_profile(tmp_path, Path("/dev/zero")), interactive=False)


def test_password_file_size_cap(tmp_path):
    pw = write(tmp_path / "pw", "x" * (64 * 1024 + 1))
    with pytest.raises(UsageError, match="larger than 64 KiB"):
        read_password(_profile(tmp_path, pw), interactive=False)


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"\xff\xfe\n", "not UTF-8"), (b"\n", "is empty"), (b"one\ntwo\n", "more than one line")],
)
def test_password_file_contents_checked(tmp_path, data, words):
    pw = tmp_path / "pw"
    pw.write_bytes(data)
    os.chmod(pw, 0o600)
    with pytest.raises(UsageError, match=words):
        read_password(_profile(tmp_path, pw), interactive=False)


def test_password_file_read_and_warned_about_when_others_can_read_it(capsys, tmp_path, sim):
    pw = write(tmp_path / "pw", sim.password + "\n", 0o644)
    cfg = write(
        tmp_path / "c.ini",
        f"[api]\nurl = {sim.url}\nusername = {sim.username}\npassword_file = {pw}\n",
    )
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 0, err
    assert f"password_file {pw} is readable by other users" in err
    assert f"chmod 600 {pw}" in err
    os.chmod(pw, 0o600)
    code, _, err = run_main(capsys, "run", "-c", str(cfg), "datacenter", "list")
    assert code == 0 and "chmod" not in err
