"""The example plugin, installed (pip install -e examples/container-plugin), against the
simulator: `ovtui run vm create-container` makes a VM whose cloud-init runs the image."""

from __future__ import annotations

import json

import pytest

from ovtui.cli import main
from ovtui.sim.testing import connect, start_sim, write_config


@pytest.fixture
def sim():
    s = start_sim(vms=2, hosts=2)
    yield s
    s.stop()


def test_plugin_is_listed(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "container" in out and "verb vm create-container" in out


def test_create_container_runs_the_image(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    args = ["run", "-c", str(cfg), "vm", "create-container", "--name", "web-nginx",
            "--image", "docker.io/library/nginx", "--port", "8080", "--start"]  # fmt: skip
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "web-nginx" in out
    conn = connect(sim)
    try:
        (vm,) = conn.system_service().vms_service().list(search="name=web-nginx", all_content=True)
        assert vm.status.value == "up"
        init = vm.initialization
        assert init.host_name == "web-nginx" and init.user_name == "cloud-user"
        script = init.custom_script
        assert script.startswith("#cloud-config") and "podman" in script
        runcmd = json.loads(script.split("  - ", 1)[1])
        assert runcmd[-1] == "docker.io/library/nginx" and "8080:8080" in runcmd
    finally:
        conn.close()


def test_bad_image_is_refused_before_anything(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    conn = connect(sim)
    try:
        before = len(conn.system_service().vms_service().list())
        args = ["run", "-c", str(cfg), "vm", "create-container", "--name", "x", "--image", "a b"]
        assert main(args) == 2
        assert "not a container image" in capsys.readouterr().err
        assert len(conn.system_service().vms_service().list()) == before
    finally:
        conn.close()
