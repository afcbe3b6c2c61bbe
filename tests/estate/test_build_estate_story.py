"""The story of an estate, built headless from an engine just installed, then taken down.

An administrator has an empty engine. They create a data center and a cluster in it, add two
hosts, add an NFS data domain and attach it (it becomes the master and the data center comes
up), create a VM network, attach it to the cluster and, with setupnetworks, to a bond of two
NICs on each host, and create a VM on it and start it. On the way the engine refuses what it
must: a data center with an active domain is not removed, the master domain is not detached
while a VM runs; each refusal is exit 1 in the engine's words. Then everything comes down in
reverse. Every step exits 0, and what the engine shows afterwards says it was done.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ovtui.sim.testing import connect, write_config
from tests.support import run_cli


class Admin:
    """``ovtui run`` as the administrator types it; the engine read back through the SDK."""

    def __init__(self, sim: Any, tmp_path: Any, capsys: Any) -> None:
        self.cfg = write_config(sim, tmp_path)
        self.capsys = capsys
        self.password = tmp_path / "root-password"
        self.password.write_text("secret\n")
        self.password.chmod(0o600)
        self.conn = connect(sim)
        self.engine = self.conn.system_service()

    def does(self, *args: str) -> Any:
        """Run the verb; it must exit 0. Its JSON output is returned."""
        code, out, err = run_cli(self.capsys, self.cfg, "-y", "-o", "json", *args)
        assert code == 0, f"ovtui run {' '.join(args)} exited {code}:\n{err}"
        return json.loads(out) if out.strip() else None

    def is_refused(self, *args: str) -> str:
        """Run the verb; the engine must refuse it (exit 1). Its error line is returned."""
        code, _, err = run_cli(self.capsys, self.cfg, "-y", *args)
        assert code == 1, f"ovtui run {' '.join(args)} exited {code}, not 1:\n{err}"
        return err

    # what the engine shows
    def one(self, collection: str, name: str) -> Any:
        found = [o for o in getattr(self.engine, collection)().list() if o.name == name]
        return found[0] if found else None

    def dc_status(self, name: str) -> str:
        return self.one("data_centers_service", name).status.value

    def domain_in_dc(self, sd: str, dc: str) -> Any:
        dc_id = self.one("data_centers_service", dc).id
        attached = self.engine.data_centers_service().data_center_service(dc_id)
        return next((s for s in attached.storage_domains_service().list() if s.name == sd), None)

    def host_nics(self, host: str) -> dict[str, Any]:
        hid = self.one("hosts_service", host).id
        return {
            n.name: n for n in self.engine.hosts_service().host_service(hid).nics_service().list()
        }

    def networks_on(self, host: str, nic: str) -> list[str]:
        """The networks the engine reports attached to ``nic`` of ``host``."""
        hid = self.one("hosts_service", host).id
        nic_id = self.host_nics(host)[nic].id
        atts = self.engine.hosts_service().host_service(hid).network_attachments_service().list()
        nets = self.engine.networks_service()
        return sorted(
            nets.network_service(a.network.id).get().name
            for a in atts
            if a.host_nic is not None and a.host_nic.id == nic_id
        )


@pytest.fixture
def admin(make_sim, tmp_path, capsys):
    sim = make_sim(empty=True)
    a = Admin(sim, tmp_path, capsys)
    yield a
    a.conn.close()


def test_build_an_estate_from_nothing_and_take_it_down(admin: Admin) -> None:
    # an engine just installed: nothing but the Blank template
    assert admin.engine.data_centers_service().list() == []
    assert admin.engine.hosts_service().list() == []
    assert admin.engine.storage_domains_service().list() == []

    # a data center, uninitialized until it has storage
    admin.does("datacenter", "create", "--name", "lab")
    assert admin.dc_status("lab") == "uninitialized"

    # a cluster in it
    admin.does("cluster", "create", "--name", "lab-cl", "--dc", "lab")
    assert (
        admin.one("clusters_service", "lab-cl").data_center.id
        == admin.one("data_centers_service", "lab").id
    )

    # two hosts, installed and up
    for host in ("h1", "h2"):
        admin.does(
            "host", "add", "--name", host, "--address", f"{host}.lab.example.com",
            "--cluster", "lab-cl", "--password-file", str(admin.password),
        )  # fmt: skip
        assert admin.one("hosts_service", host).status.value == "up"

    # an NFS data domain, attached: the data center's master, and the data center is up
    shown = admin.does(
        "storagedomain", "add", "--name", "lab-data", "--address", "nfs.lab.example.com",
        "--path", "/exports/lab-data", "--host", "h1", "--dc", "lab",
    )  # fmt: skip
    assert shown["status"] == "active" and shown["master"] is True
    domain = admin.domain_in_dc("lab-data", "lab")
    assert domain.status.value == "active" and domain.master
    assert admin.dc_status("lab") == "up"

    # a VM network, on the cluster, and on a bond of two NICs of each host
    admin.does("network", "create", "--name", "lab-vm", "--dc", "lab", "--vlan", "10")
    assert admin.one("networks_service", "lab-vm").vlan.id == 10
    admin.does("cluster", "-n", "lab-cl", "network-attach", "--network", "lab-vm")
    cl_id = admin.one("clusters_service", "lab-cl").id
    cluster_nets = admin.engine.clusters_service().cluster_service(cl_id).networks_service()
    assert "lab-vm" in [n.name for n in cluster_nets.list()]
    for host in ("h1", "h2"):
        admin.does(
            "host", "-n", host, "setupnetworks", "--bond", "bond0", "--slave", "eno2",
            "--slave", "eno3", "--network", "lab-vm", "--nic", "bond0",
        )  # fmt: skip
        nics = admin.host_nics(host)
        assert "bond0" in nics, sorted(nics)
        slaves = {s.name for s in nics["bond0"].bonding.slaves} if nics["bond0"].bonding else set()
        assert slaves == {"eno2", "eno3"}
        assert admin.networks_on(host, "bond0") == ["lab-vm"]

    # a VM on it, with a disk on the new domain, started
    admin.does(
        "vm", "create", "--name", "web1", "--cluster", "lab-cl", "--network", "lab-vm",
        "--disk", "2G", "--storagedomain", "lab-data",
    )  # fmt: skip
    admin.does("vm", "-n", "web1", "start")
    assert admin.one("vms_service", "web1").status.value == "up"

    # the engine refuses what would break it, in its own words
    err = admin.is_refused("datacenter", "-n", "lab", "remove")
    assert "Cannot remove an active Data Center." in err
    err = admin.is_refused("storagedomain", "-n", "lab-data", "detach")
    assert 'Cannot deactivate Storage. VMs in a state other than "Down" or "Suspended" were' in err
    assert admin.domain_in_dc("lab-data", "lab").status.value == "active"
    assert admin.dc_status("lab") == "up"

    # and now down, in reverse
    admin.does("vm", "-n", "web1", "stop")
    admin.does("vm", "-n", "web1", "remove")
    assert admin.one("vms_service", "web1") is None

    for host in ("h1", "h2"):
        admin.does(
            "host", "-n", host, "setupnetworks", "--detach", "lab-vm", "--remove-bond", "bond0"
        )
        assert "bond0" not in admin.host_nics(host)
    admin.does("cluster", "-n", "lab-cl", "network-detach", "--network", "lab-vm")
    assert "lab-vm" not in [n.name for n in cluster_nets.list()]
    admin.does("network", "-n", "lab-vm", "remove")
    assert admin.one("networks_service", "lab-vm") is None

    shown = admin.does("storagedomain", "-n", "lab-data", "detach")
    assert shown["status"] == "unattached"
    assert admin.domain_in_dc("lab-data", "lab") is None
    assert admin.dc_status("lab") == "uninitialized"
    admin.does("storagedomain", "-n", "lab-data", "remove", "--format", "--host", "h1")
    assert admin.one("storage_domains_service", "lab-data") is None

    for host in ("h1", "h2"):
        admin.does("host", "-n", host, "maintenance")
        admin.does("host", "-n", host, "remove")
        assert admin.one("hosts_service", host) is None
    admin.does("cluster", "-n", "lab-cl", "remove")
    assert admin.one("clusters_service", "lab-cl") is None
    admin.does("datacenter", "-n", "lab", "remove")
    assert admin.engine.data_centers_service().list() == []
