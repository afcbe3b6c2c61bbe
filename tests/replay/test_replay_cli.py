"""``ovtui run`` against real engine answers (the replay engine, see replay_engine.py).

Every read verb must work on what a real 4.2-4.4 engine sent, and what the recordings lack
(API root, events, jobs, VM statistics) must end in an exit code and one line, no traceback.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from ovtui.cli import main

from .replay_engine import API

NOUNS = ("datacenter", "cluster", "host", "vm", "storagedomain", "template", "disk", "network")
FORMATS = ("json", "yaml", "xml", "table")
# The engine's collection path per noun.
COLLECTION = {
    "datacenter": "datacenters",
    "cluster": "clusters",
    "host": "hosts",
    "vm": "vms",
    "storagedomain": "storagedomains",
    "template": "templates",
    "disk": "disks",
    "network": "networks",
}


@pytest.fixture(scope="module")
def cfg(replay, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("replay-cfg") / "ovtui.ini"
    path.write_text(
        f"[api]\nurl = {replay.url}\nusername = {replay.username}\npassword = {replay.password}\n",
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    return str(path)


def run(capsys, cfg: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["run", "-c", cfg, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def recorded_ids(replay, noun: str) -> list[str]:
    """The ids of the first recorded list of ``noun`` (what the replay engine serves)."""
    body = replay.recordings.first_body(f"{API}/{COLLECTION[noun]}")
    assert body is not None, f"no recorded /{COLLECTION[noun]}"
    return [e.get("id") for e in ET.fromstring(body) if e.get("id")]


def first_id(replay, noun: str) -> str:
    ids = recorded_ids(replay, noun)
    assert ids, f"recorded /{COLLECTION[noun]} is empty"
    return ids[0]


def assert_clean_failure(rc: int, out: str, err: str) -> None:
    """Exit 1 (the engine does not serve it) and one line on stderr, never a traceback."""
    assert rc == 1, (rc, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ovtui: error: "), err


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("noun", NOUNS)
def test_list_in_every_format(capsys, replay, cfg, noun, fmt):
    rc, out, err = run(capsys, cfg, "-o", fmt, noun, "list")
    assert rc == 0, err
    assert "Traceback" not in out + err
    ids = recorded_ids(replay, noun)
    if fmt == "json":
        data = json.loads(out)
        assert [o["id"] for o in data] == ids
        assert all(o.get("name") for o in data), data
    elif fmt == "yaml":
        data = yaml.safe_load(out)
        assert [o["id"] for o in data] == ids
        assert all(o.get("name") for o in data)
    elif fmt == "xml":
        root = ET.fromstring(out)
        assert [e.get("id") for e in root] == ids
        assert all(e.findtext("name") for e in root)
    else:
        lines = out.strip().splitlines()
        assert lines[0].startswith("NAME"), out
        assert len(lines) == 1 + len(ids), out


@pytest.mark.parametrize("noun", NOUNS)
def test_show_and_export_the_first_object(capsys, replay, cfg, noun):
    obj_id = first_id(replay, noun)
    rc, out, err = run(capsys, cfg, "-o", "json", noun, "-i", obj_id, "show")
    assert rc == 0, err
    data = json.loads(out)
    assert data["id"] == obj_id and data.get("name")

    rc, out, err = run(capsys, cfg, "-o", "table", noun, "-i", obj_id, "show")
    assert rc == 0, err
    assert f"id: {obj_id}" in out.splitlines()

    rc, out, err = run(capsys, cfg, "-o", "xml", noun, "-i", obj_id, "export")
    assert rc == 0, err
    root = ET.fromstring(out)
    assert root.get("id") == obj_id and root.findtext("name") == data["name"]


def test_host_nics_export(capsys, replay, cfg):
    host_id = first_id(replay, "host")
    recorded = replay.recordings.first_body(f"{API}/hosts/{host_id}/nics")
    assert recorded is not None
    want = [e.get("id") for e in ET.fromstring(recorded)]
    rc, out, err = run(capsys, cfg, "-o", "xml", "host", "-i", host_id, "export", "nics")
    assert rc == 0, err
    root = ET.fromstring(out)
    assert root.tag == "host_nics"
    assert [e.get("id") for e in root] == want
    rc, out, err = run(capsys, cfg, "-o", "json", "host", "-i", host_id, "export", "nics")
    assert rc == 0, err
    assert [n["id"] for n in json.loads(out)] == want


def test_host_statistics_as_recorded(capsys, replay, cfg):
    host_id = first_id(replay, "host")
    assert replay.recordings.first_body(f"{API}/hosts/{host_id}/statistics") is not None
    rc, out, err = run(capsys, cfg, "-o", "json", "host", "-i", host_id, "statistics")
    assert rc == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    assert "memory.total" in rows and rows["memory.total"]["unit"] == "bytes"


def test_vm_statistics_when_recorded_else_a_clear_exit(capsys, replay, cfg):
    vm_id = first_id(replay, "vm")
    rc, out, err = run(capsys, cfg, "-o", "json", "vm", "-i", vm_id, "statistics")
    if replay.recordings.first_body(f"{API}/vms/{vm_id}/statistics") is not None:
        assert rc == 0, err
        assert isinstance(json.loads(out), list)
    else:
        assert_clean_failure(rc, out, err)
        assert "statistics" in err


@pytest.mark.parametrize(
    ("args", "path", "words"),
    [
        (("system", "show"), API, "API root"),
        (("event", "list"), f"{API}/events", "events"),
        (("job", "list"), f"{API}/jobs", "jobs"),
    ],
)
def test_unrecorded_paths_end_in_one_line(capsys, replay, cfg, args, path, words):
    assert replay.recordings.first_body(path) is None  # 404 on this engine
    for fmt in ("table", "json"):
        rc, out, err = run(capsys, cfg, "-o", fmt, *args)
        assert_clean_failure(rc, out, err)
        assert words in err
    assert ("GET", path, "", 404) in [(m, p, "", c) for m, p, _q, c in replay.requests()]


def test_login_still_checked_when_the_root_is_not_served(capsys, replay, cfg, tmp_path):
    """A 404 on the API root is not taken for a login: a wrong password still exits 3."""
    bad = tmp_path / "bad.ini"
    text = Path(cfg).read_text(encoding="utf-8")
    bad.write_text(text.replace(replay.password, "wrong-password"), encoding="utf-8")
    os.chmod(bad, 0o600)
    rc, out, err = run(capsys, str(bad), "vm", "list")
    assert rc == 3, err
    assert "Traceback" not in out + err
    assert "Login refused" in err
