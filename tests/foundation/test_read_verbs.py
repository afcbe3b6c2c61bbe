"""Every noun's read verbs, in every output format, against the simulator with the real SDK."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from ovtui.actions.registry import NOUNS
from ovtui.sim.testing import connect

LISTED = ["datacenter", "cluster", "host", "vm", "storagedomain", "template", "disk", "network"]


@pytest.mark.parametrize("noun", LISTED)
def test_list_show_export_every_format(run, noun):
    code, out, err = run("-o", "json", noun, "list")
    assert code == 0, err
    objs = json.loads(out)
    assert objs, f"the simulator has {noun} objects"
    for obj in objs:
        assert obj["id"] and obj["name"]
        if NOUNS[noun].has_status and noun not in ("template", "disk"):
            assert "status" in obj, obj
    first = objs[0]

    code, out, err = run("-o", "yaml", noun, "list")
    assert code == 0, err
    assert [o["id"] for o in yaml.safe_load(out)] == [o["id"] for o in objs]

    code, out, err = run("-o", "xml", noun, "list")
    assert code == 0, err
    root = ET.fromstring(out)
    tags = {"storagedomain": "storage_domains", "datacenter": "data_centers"}
    assert root.tag == tags.get(noun, NOUNS[noun].plural)
    assert [e.get("id") for e in root] == [o["id"] for o in objs]

    code, out, err = run(noun, "list")
    assert code == 0, err
    assert out.splitlines()[0].startswith("NAME") or out.splitlines()[0].startswith("ID")
    assert first["name"] in out

    for fmt in ("table", "json", "yaml", "xml"):
        code, out, err = run("-o", fmt, noun, "-i", first["id"], "show")
        assert code == 0, err
        assert first["id"] in out
        code, out, err = run("-o", fmt, noun, "-i", first["id"], "export")
        assert code == 0, err
        assert first["id"] in out
    code, out, err = run("-o", "json", noun, "-n", first["name"], "show")
    same_name = [o for o in objs if o["name"].lower() == first["name"].lower()]
    if len(same_name) == 1:
        assert code == 0, err
        assert json.loads(out)["id"] == first["id"]
    else:  # names are unique per data center only (networks): -n must refuse, naming them
        assert code == 4 and all(o["id"] in err for o in same_name)


def test_export_subpath_is_engine_xml(run):
    code, out, err = run("-o", "json", "host", "list")
    name = json.loads(out)[0]["name"]
    code, out, err = run("host", "-n", name, "export", "nics")
    assert code == 0, err
    root = ET.fromstring(out)
    assert root.tag == "host_nics" or root.tag == "nics"
    assert len(root) >= 1 and root[0].tag in ("host_nic", "nic")
    assert all(e.get("id") for e in root)


def test_search_status_up_matches_engine(run, sim):
    conn = connect(sim)
    try:
        engine = {v.id for v in conn.system_service().vms_service().list(search="status=up")}
    finally:
        conn.close()
    code, out, err = run("-o", "json", "vm", "-s", "status=up", "list")
    assert code == 0, err
    got = json.loads(out)
    assert {v["id"] for v in got} == engine
    assert engine and all(v["status"] == "up" for v in got)


def test_paging_through_the_engine(run):
    code, out, _ = run("-o", "json", "vm", "-s", "sortby name asc", "list", "--max", "10")
    first = [v["name"] for v in json.loads(out)]
    code, out, _ = run(
        "-o", "json", "vm", "-s", "sortby name asc", "list", "--max", "10", "--page", "2"
    )
    second = [v["name"] for v in json.loads(out)]
    assert len(first) == len(second) == 10
    assert not set(first) & set(second)
    assert first[-1] < second[0]


def test_no_match_exits_4(run):
    code, out, err = run("vm", "-n", "no-such-vm", "show")
    assert code == 4
    assert "No vm matches name no-such-vm" in err
    assert out == ""


def test_two_matches_on_single_object_verb_exits_4_naming_both(run):
    code, out, _ = run("-o", "json", "vm", "-s", "sortby name asc", "list", "--max", "2")
    a, b = json.loads(out)
    code, out, err = run("vm", "-s", f"name={a['name']} or name={b['name']}", "show")
    assert code == 4
    assert a["name"] in err and b["name"] in err
    assert "Traceback" not in err


def test_system_show_and_jobs_and_events(run):
    code, out, err = run("-o", "json", "system", "show")
    assert code == 0, err
    api = json.loads(out)
    assert api["product_info"]["name"]
    assert api["summary"]["vms"]["total"] >= 1
    code, out, err = run("-o", "json", "event", "list", "--max", "5")
    assert code == 0, err
    events = json.loads(out)
    assert len(events) == 5
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids, reverse=True)
    code, out, err = run("-o", "json", "event", "list", "--from", str(ids[1]))
    assert code == 0, err
    assert [int(e["id"]) for e in json.loads(out)] == [ids[0]]
    code, out, err = run("-o", "json", "job", "list")
    assert code == 0, err
    assert isinstance(json.loads(out), list)


def test_statistics(run):
    code, out, err = run("-o", "json", "vm", "-s", "status=up", "list", "--max", "1")
    vm = json.loads(out)[0]
    code, out, err = run("-o", "json", "vm", "-i", vm["id"], "statistics")
    assert code == 0, err
    names = {s["name"] for s in json.loads(out)}
    assert {"memory.installed", "cpu.current.total"} <= names


@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "xml"])
def test_events_jobs_system_in_every_format(run, fmt):
    code, out, err = run("-o", "json", "event", "list", "--max", "1")
    event_id = json.loads(out)[0]["id"]
    for args in (
        ("event", "list", "--max", "3"),
        ("event", "-i", event_id, "show"),
        ("event", "-i", event_id, "export"),
        ("job", "list"),
        ("system", "show"),
    ):
        code, out, err = run("-o", fmt, *args)
        assert code == 0, (args, err)
        assert out.strip(), args
        if fmt == "json":
            json.loads(out)
        elif fmt == "yaml":
            yaml.safe_load(out)
        elif fmt == "xml":
            ET.fromstring(out)
    code, out, err = run("-o", "json", "job", "list")
    jobs = json.loads(out)
    if jobs:
        code, out, err = run("-o", fmt, "job", "-i", jobs[0]["id"], "show")
        assert code == 0 and jobs[0]["id"] in out, err
