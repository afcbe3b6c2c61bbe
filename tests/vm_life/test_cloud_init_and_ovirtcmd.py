"""Issue 11, acceptance 2 and 3: cloud-init stored without a password in clear, run once with
``use_cloud_init``; ovirtcmd's template keys and structure run unchanged."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.testing import wait_for

from .helpers import vm_named

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "pw-Zq81-never-shown"


def test_container_vm_example_stores_cloud_init_without_the_password(
    sim: Any, cli: Any, tmp_path: Path
) -> None:
    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\n")
    key = tmp_path / "id.pub"
    key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@host\n")
    code, out, err = cli(
        "-d", "vm", "create", "-T", str(EXAMPLES / "container-vm.yaml"), "-V", "name", "web-nginx",
        "-V", "image", "docker.io/library/nginx", "--ci-password-file", str(pw),
        "--ci-ssh-key", str(key),
    )  # fmt: skip
    assert code == 0, err
    assert SECRET not in out + err  # the -d log shows the request body, password blanked
    # what the engine stored (``export initialization`` needs read.py to take attributes)
    code, out, err = cli("-o", "json", "vm", "-n", "web-nginx", "show")
    assert code == 0, err
    init = json.loads(out)["initialization"]
    assert init["host_name"] == "web-nginx" and init["user_name"] == "cloud-user"
    assert (
        "podman, run" in init["custom_script"]
        and "docker.io/library/nginx" in init["custom_script"]
    )
    assert init["authorized_ssh_keys"].startswith("ssh-ed25519 ")
    assert init["nic_configurations"][0]["boot_protocol"] == "dhcp"
    assert SECRET not in out
    with sim.world.lock:
        vm = next(v for v in sim.world.coll["vms"].values() if v.name == "web-nginx")
        assert vm._sim_root_password == SECRET  # the engine got it


def test_password_is_never_taken_from_argv(cli: Any) -> None:
    code, _, err = cli("vm", "-n", "x", "start", "--cloud-init", "--ci-password", "pw")
    assert code == 2


def test_start_cloud_init_sends_use_cloud_init_with_the_payload(sim: Any, cli: Any) -> None:
    name = vm_named(sim, "down")
    code, _, err = cli(
        "vm", "-n", name, "start", "--cloud-init", "--ci-hostname", "once", "--ci-dns", "10.0.0.53",
        "--ci-nic", "eth0:192.0.2.10/255.255.255.0:192.0.2.1",
    )  # fmt: skip
    assert code == 0, err
    assert ("POST", f"/ovirt-engine/api/vms/{_id(sim, name)}/start") in [
        (m, p.split("?")[0]) for m, p in sim.requests.snapshot()
    ]
    with sim.world.lock:
        vm = next(v for v in sim.world.coll["vms"].values() if v.name == name)
        init = vm._sim_run_once_init
        assert vm.run_once is True
    assert (init.host_name, init.dns_servers) == ("once", "10.0.0.53")
    nic = init.nic_configurations[0]
    assert (nic.ip.address, nic.ip.netmask, nic.ip.gateway) == (
        "192.0.2.10",
        "255.255.255.0",
        "192.0.2.1",
    )


def _id(sim: Any, name: str) -> str:
    with sim.world.lock:
        return str(next(v.id for v in sim.world.coll["vms"].values() if v.name == name))


OVIRTCMD_VM_CREATE = """\
cpu:
  architecture: 'X86_64'
  topology:
    cores: ${cores}
soundcard_enabled: False
timezone: 'Etc/GMT'
bios:
  boot_menu: True
type: server
template: Blank
disk_interface: virtio_scsi
cluster: ${cluster}
memory: ${memory}
ostype: ${ostype}
"""


def test_ovirtcmd_vm_create_template_runs(sim: Any, cli: Any, tmp_path: Path) -> None:
    tpl = tmp_path / "vm_create.yaml"
    tpl.write_text(OVIRTCMD_VM_CREATE)
    code, out, err = cli(
        "-o", "json", "vm", "create", "--name", "from-ovirtcmd", "-T", str(tpl),
        "-V", "memory", "2G", "-V", "cores", "4", "-V", "cluster", "Default",
        "-V", "ostype", "rhel_7x64",
    )  # fmt: skip
    assert code == 0, err
    vm = json.loads(out)
    assert int(vm["memory"]) == 2 * 2**30 and vm["cpu"]["topology"]["cores"] == 4
    assert vm["os"]["type"] == "rhel_7x64" and vm["type"] == "server"
    assert vm["time_zone"]["name"] == "Etc/GMT" and vm["bios"]["boot_menu"]["enabled"] is True


def test_ovirtcmd_pxekernel_template_runs(sim: Any, cli: Any, tmp_path: Path) -> None:
    tpl = tmp_path / "pxekernel.yaml"
    tpl.write_text(
        "  kernel: /data/ovirt/isolinux${osversion}/vmlinuz\n"
        "  initrd: /data/ovirt/isolinux${osversion}/initrd.img\n"
        "  cmdline: ks=http://install/ks${osversion}.cfg hostname=${hostname} ${options:}\n"
    )
    name = vm_named(sim, "down")
    kernel = "/data/ovirt/isolinux7/vmlinuz"

    def installer_ends() -> None:  # the guest's installer powers the VM off when done
        def running() -> bool:
            with sim.world.lock:
                vm = next(v for v in sim.world.coll["vms"].values() if v.name == name)
                return vm.status.value == "up" and vm.os.kernel == kernel

        wait_for(running, timeout=30, what="installer running")
        with sim.world.lock:
            vm = next(v for v in sim.world.coll["vms"].values() if v.name == name)
            sim.machines._begin(vm)
            vm.status = T.VmStatus.DOWN
            vm.host = None

    t = threading.Thread(target=installer_ends, daemon=True)
    t.start()
    code, out, err = cli(
        "vm", "-n", name, "autoinstall", "-T", str(tpl), "-V", "osversion", "7",
        "-V", "hostname", "n1.example.com",
    )  # fmt: skip
    t.join(5)
    assert code == 0, err
    assert f"kernel {kernel}" in err
    code, _, err = cli("vm", "-n", name, "autoinstall")
    assert code == 2 and "-k/--kernel" in err
