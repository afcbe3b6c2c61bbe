"""ovirtcmd's ``sample_config.ini``, laid out as it ships (its commented defaults set), works
with ovtui: ``[api] debug`` is the debug log, ``[logging] filters`` what of it is kept, a
``[kerberos]`` keytab means Kerberos; an unknown key is a warning naming it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ovtui import config
from ovtui.sim.testing import self_signed_cert
from tests.support import run_cli

# ovirtcmd's sample_config.ini, line for line, its commented defaults (ca_file, insecure,
# debug) set: the values are this test's (an HTTPS simulator and its certificate).
SAMPLE = """\
# A sample config
# commented values are the default one
# not commented values are needed
[api]
url={url}
username={username}
password={password}
ca_file={ca_file}
insecure=False
debug={debug}
#kerberos=False

[logging]
{filters}

[kerberos]
#keytab = None
#ccache = None
#principal = None
"""


@pytest.fixture(scope="module")
def tls_sim(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from ovtui.sim.testing import start_sim

    cert, key = self_signed_cert(tmp_path_factory.mktemp("tls"))
    sim = start_sim(vms=5, hosts=2, tls_cert=str(cert), tls_key=str(key))
    sim.ca_file = cert  # type: ignore[attr-defined]
    try:
        yield sim
    finally:
        sim.stop()


def sample_config(
    sim: Any, tmp_path: Path, debug: str = "False", filters: str = "#filters = text,header,data"
) -> Path:
    path = tmp_path / "sample_config.ini"
    path.write_text(
        SAMPLE.format(
            url=sim.url,
            username=sim.username,
            password=sim.password,
            ca_file=sim.ca_file,
            debug=debug,
            filters=filters,
        ),
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    return path


def test_sample_config_as_shipped_works_with_system_show(tls_sim, tmp_path, capsys) -> None:
    assert tls_sim.url.startswith("https://")
    code, out, err = run_cli(capsys, sample_config(tls_sim, tmp_path), "system", "show")
    assert code == 0, err
    assert "product_info.name" in out
    assert "warning" not in err and "GET /" not in err  # every key known; no debug log


def test_sample_config_debug_true_writes_the_debug_log(tls_sim, tmp_path, capsys) -> None:
    cfg = sample_config(tls_sim, tmp_path, debug="True")
    code, out, err = run_cli(capsys, cfg, "system", "show")
    assert code == 0, err
    assert "GET /ovirt-engine/api" in err  # the request line, in the debug log on stderr
    assert "< Authorization: Bearer ********" in err  # its headers, the token redacted
    assert tls_sim.password not in err


def test_logging_filters_keep_only_the_kinds_named(tls_sim, tmp_path, capsys) -> None:
    cfg = sample_config(tls_sim, tmp_path, debug="True", filters="filters = header")
    code, out, err = run_cli(capsys, cfg, "system", "show")
    assert code == 0, err
    log = [line for line in err.splitlines() if " ovtui.sdk: " in line]
    assert log
    assert any("GET /ovirt-engine/api" in line for line in log)  # a header line
    assert not any(line.split(" ovtui.sdk: ", 1)[1].startswith("* ") for line in log)  # text
    assert not any(line.endswith("> <api>") for line in log)  # a body (data)
    cfg = sample_config(tls_sim, tmp_path, debug="True", filters="filters = text,data")
    code, out, err = run_cli(capsys, cfg, "system", "show")
    assert code == 0, err
    assert "GET /ovirt-engine/api" not in err and "ovtui.sdk: > <api>" in err


def test_logging_filters_refuse_an_unknown_kind(tls_sim, tmp_path, capsys) -> None:
    cfg = sample_config(tls_sim, tmp_path, filters="filters = text,headers")
    code, _, err = run_cli(capsys, cfg, "system", "show")
    assert code == 2
    assert "[logging] filters" in err and "'headers'" in err and "text, header, data" in err


def test_unknown_key_is_a_warning_naming_it(tls_sim, tmp_path, capsys) -> None:
    cfg = sample_config(tls_sim, tmp_path)
    cfg.write_text(
        cfg.read_text().replace("insecure=False", "insecure=False\npipeline=2\ncolour = red"),
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, cfg, "system", "show")
    assert code == 0, err
    assert "[api] has an unknown key 'pipeline', ignored" in err
    assert "[api] has an unknown key 'colour', ignored" in err


def test_bad_value_of_a_known_key_is_an_error(tls_sim, tmp_path, capsys) -> None:
    cfg = sample_config(tls_sim, tmp_path, debug="maybe")
    code, _, err = run_cli(capsys, cfg, "system", "show")
    assert code == 2
    assert "[api] debug = 'maybe' is not a boolean" in err


def test_kerberos_keytab_means_kerberos(tmp_path) -> None:
    keytab = tmp_path / "ovtui.keytab"
    keytab.write_bytes(b"\x05\x02")
    cfg = tmp_path / "k.ini"
    cfg.write_text(
        "[api]\nurl=https://engine.example/ovirt-engine/api\n"
        f"[kerberos]\nkeytab = {keytab}\nccache = None\nprincipal = None\n",
        encoding="utf-8",
    )
    profile = config.load_profile(str(cfg))
    assert profile.kerberos and profile.keytab == str(keytab)
    assert profile.ccache is None and profile.principal is None  # ovirtcmd's "None": unset
    # kerberos = false, written, wins (ovirtcmd's own rule)
    cfg.write_text(cfg.read_text().replace("[kerberos]", "username=u\nkerberos=False\n[kerberos]"))
    assert not config.load_profile(str(cfg)).kerberos


def test_missing_keytab_names_the_kerberos_section(tmp_path) -> None:
    cfg = tmp_path / "k.ini"
    cfg.write_text(
        "[api]\nurl=https://engine.example/ovirt-engine/api\nkerberos=True\n"
        f"[kerberos]\nkeytab = {tmp_path / 'gone.keytab'}\n",
        encoding="utf-8",
    )
    with pytest.raises(config.UsageError, match=r"\[kerberos\] keytab = .*gone.keytab"):
        config.load_profile(str(cfg))


def test_shared_keytab_does_not_turn_a_password_profile_to_kerberos(tmp_path) -> None:
    keytab = tmp_path / "ovtui.keytab"
    keytab.write_bytes(b"\x05\x02")
    cfg = tmp_path / "p.ini"
    cfg.write_text(
        "[api]\nurl=https://engine.example/ovirt-engine/api\n"
        f"[kerberos]\nkeytab = {keytab}\n"
        "[profile:lab]\nurl=https://lab.example/ovirt-engine/api\nusername=u\n"
        f"[profile:krb]\nurl=https://krb.example/ovirt-engine/api\nkerberos_keytab={keytab}\n",
        encoding="utf-8",
    )
    assert config.load_profile(str(cfg)).kerberos
    assert not config.load_profile(str(cfg), "lab").kerberos
    assert config.load_profile(str(cfg), "krb").kerberos
