"""Conformance with real engine XML (shared/conformance/engine-recordings).

For each entity type, the simulator's XML carries the element names and attributes that most
(at least half) of the recorded instances carry at the entity's top level (minus OMISSIONS), and
the SDK reads both into objects with the same attributes populated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ovirtsdk4.reader import Reader

from ovtui.sim.testing import bearer_request

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO.parent / "shared" / "conformance" / "engine-recordings"

TYPES = [
    "vm",
    "host",
    "cluster",
    "data_center",
    "storage_domain",
    "template",
    "network",
    "disk",
    "nic",
    "statistic",
    "disk_attachment",
    "snapshot",
]

# Elements most recorded instances carry that the simulator leaves out, with the reason.
# Currently empty: storage domains are compared in both views (top level and under their
# data center, where status/data_center live), statistics on both VMs and hosts.
OMISSIONS: dict[str, dict[str, str]] = {}


def _instances(tag: str) -> list[ET.Element]:
    out = []
    for f in sorted(RECORDINGS.glob("*/*.xml")):
        try:
            root = ET.parse(f).getroot()
        except ET.ParseError:
            continue
        if root.tag == tag:
            out.append(root)
        else:
            out.extend(c for c in root if c.tag == tag and c.get("id"))
    # full entities only (some recordings hold bare <host href id/> references)
    return [e for e in out if len(e) > 2]


def _common(sets: list[set[str]]) -> set[str]:
    """Names present in at least half of the recorded instances."""
    counts: dict[str, int] = {}
    for names in sets:
        for n in names:
            counts[n] = counts.get(n, 0) + 1
    return {n for n, c in counts.items() if c * 2 >= len(sets)}


def _shape(el: ET.Element) -> set[str]:
    return {c.tag for c in el} | {"@" + a for a in el.attrib}


def _populated(el: ET.Element) -> set[str]:
    obj = Reader.read(ET.tostring(el, encoding="unicode"))
    names = set()
    for attr in dir(type(obj)):
        if attr.startswith("_") or not isinstance(getattr(type(obj), attr, None), property):
            continue
        if getattr(obj, attr) is not None:
            names.add(attr)
    return names


def _sim_paths(sim) -> dict[str, list[str]]:
    w = sim.world
    vm_up = w.find("vm", "web01")
    vm_down = next(v for v in w.coll["vms"].values() if v.status.value == "down")
    host = w.find("host", "host01")
    dc = w.find("datacenter", "Default")
    paths: dict[str, list[str]] = {
        "vm": [f"/vms/{vm_up.id}", f"/vms/{vm_down.id}"],
        "host": [f"/hosts/{host.id}"],
        "cluster": ["/clusters"],
        "data_center": ["/datacenters"],
        "storage_domain": ["/storagedomains", f"/datacenters/{dc.id}/storagedomains"],
        "template": ["/templates"],
        "network": ["/networks"],
        "disk": ["/disks"],
        "nic": [f"/vms/{vm_up.id}/nics"],
        "statistic": [f"/vms/{vm_up.id}/statistics", f"/hosts/{host.id}/statistics"],
        "disk_attachment": [f"/vms/{vm_up.id}/diskattachments"],
        "snapshot": [f"/vms/{vm_up.id}/snapshots"],
    }
    return paths


@pytest.fixture(scope="module")
def sim_xml():
    if not RECORDINGS.is_dir():
        pytest.skip(
            f"engine recordings not found at {RECORDINGS} (shared/ must sit beside the repo)"
        )
    from ovtui.sim.testing import start_sim

    sim = start_sim(vms=20, hosts=4)
    try:
        out: dict[str, list[ET.Element]] = {}
        for tag, paths in _sim_paths(sim).items():
            els = []
            for p in paths:
                _, headers, body = bearer_request(sim, "GET", p)
                assert headers["Content-Type"] == "application/xml;charset=UTF-8"
                assert body.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
                root = ET.fromstring(body)
                els.extend([root] if root.tag == tag else [c for c in root if c.tag == tag])
            out[tag] = els
        yield out
    finally:
        sim.stop()


@pytest.mark.parametrize("tag", TYPES)
def test_same_elements_as_engine(sim_xml, tag):
    recorded = _instances(tag)
    if not recorded:
        pytest.skip(f"no recorded <{tag}>")
    always = _common([_shape(r) for r in recorded])
    ours = set.union(*(_shape(e) for e in sim_xml[tag]))
    missing = always - ours - set(OMISSIONS.get(tag, {}))
    assert not missing, f"<{tag}> lacks {sorted(missing)}"


@pytest.mark.parametrize("tag", TYPES)
def test_sdk_reads_same_attributes(sim_xml, tag):
    recorded = _instances(tag)
    if not recorded:
        pytest.skip(f"no recorded <{tag}>")
    always = _common([_populated(r) for r in recorded])
    ours = set.union(*(_populated(e) for e in sim_xml[tag]))
    omitted = set(OMISSIONS.get(tag, {}))
    missing = always - ours - omitted
    assert not missing, f"SDK {tag} object lacks {sorted(missing)}"
