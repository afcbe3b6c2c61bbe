"""``export SUBPATH...`` as ovirtcmd documents it: sub-collections by their API name,
attribute paths, the rest of a path applied to each item of a list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ovtui.sim.testing import write_config
from tests.support import run_cli


@pytest.fixture
def cli(sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    cfg = write_config(sim, tmp_path)
    return lambda *args: run_cli(capsys, cfg, *args)


def test_export_initialization_shows_what_the_engine_stored(cli) -> None:
    """Issue 11's acceptance: ``export initialization`` shows the VM's stored cloud-init."""
    code, _, err = cli(
        "vm", "create", "--name", "ci01", "--cluster", "Default", "--memory", "1G",
        "--ci-hostname", "ci01.example", "--ci-user", "cloud-user",
        "--ci-dns", "10.0.0.53",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli("vm", "-n", "ci01", "export", "initialization")
    assert code == 0, err
    assert out.lstrip().startswith("<initialization>")
    assert "<host_name>ci01.example</host_name>" in out
    assert "<user_name>cloud-user</user_name>" in out and "10.0.0.53" in out
    code, out, err = cli("vm", "-n", "ci01", "export", "initialization", "host_name")
    assert code == 0, err
    assert out.strip() == "ci01.example"


def test_export_attribute_path_and_each_item(cli) -> None:
    code, out, err = cli("vm", "-n", "web01", "export", "name")
    assert (code, out) == (0, "web01\n"), err
    code, out, err = cli("vm", "-n", "web01", "export", "status")
    assert (code, out) == (0, "up\n"), err
    code, out, err = cli("vm", "-n", "web01", "export", "cpu", "topology", "sockets")
    assert code == 0 and out.strip().isdigit(), err
    code, out, err = cli("vm", "-n", "web01", "export", "nics", "name")
    assert code == 0, err
    assert out.split() == ["nic1"]
    code, out, err = cli("-o", "json", "vm", "-n", "web01", "export", "nics", "mac", "address")
    assert code == 0, err
    assert len(json.loads(out)) == 1 and json.loads(out)[0].count(":") == 5


def test_export_unknown_word_hint_names_what_works(cli) -> None:
    code, _, err = cli("host", "-n", "host01", "export", "nic")
    assert code == 2
    assert "host host01 has no sub-collection or attribute 'nic'" in err
    hint = err.splitlines()[1]
    words = {w.split(":")[-1].strip() for w in hint.replace(";", ",").rstrip(".").split(",")}
    tried = words & {"nics", "network_attachments", "address", "katello_errata"}
    assert tried == {"nics", "network_attachments", "address", "katello_errata"}, hint
    for word in sorted(tried):
        code, _, err2 = cli("host", "-n", "host01", "export", word)
        assert code == 0, err2  # every name the hint gives is accepted as it is spelled
