"""The Glance provider headless: ``imageprovider list / images / import`` against the
simulator's ovirt-image-repository; an image imported as a template shows in ``template
list``, with the engine's job progress on the way."""

from __future__ import annotations

import json
import re

from ovtui.sim.testing import write_config
from tests.support import run_cli

REPO = "ovirt-image-repository"
CIRROS = "CirrOS 0.5.2 for x86_64"


def test_import_an_image_as_a_template_then_template_list_shows_it(
    make_sim, tmp_path, capsys
) -> None:
    sim = make_sim(vms=6, hosts=2, speed=1.5)  # 5 steps of 0.5 s: the 1 s polls see some
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(capsys, cfg, "-o", "json", "imageprovider", "list")
    assert code == 0, err
    assert [p["name"] for p in json.loads(out)] == [REPO]
    code, out, err = run_cli(capsys, cfg, "-o", "json", "glance", "-n", REPO, "images")
    assert code == 0, err
    assert CIRROS in [i["name"] for i in json.loads(out)]

    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "imageprovider", "-n", REPO, "import", "--image", CIRROS,
        "--sd", "default-data1", "--as-template", "cirros", "--cluster", "Default",
    )  # fmt: skip
    assert code == 0, err
    # the engine's job progress, growing to the end
    pcts = [
        int(m)
        for m in re.findall(
            r"import image CirrOS 0\.5\.2 for x86_64: copying the image (\d+)%", err
        )
    ]
    assert len(pcts) >= 2 and pcts == sorted(pcts), err
    # the 1 s polls see the steps they see (a loaded machine misses 80%); the end is 100%
    assert re.search(rf"image {re.escape(CIRROS)} imported as template cirros \(ok\) 100%", err), (
        err
    )
    assert (
        f"event 3018: User admin@internal successfully imported image {CIRROS} as template" in err
    )
    assert json.loads(out)["name"] == "cirros" and json.loads(out)["status"] == "ok"

    code, out, err = run_cli(capsys, cfg, "-o", "json", "template", "list")
    assert code == 0, err
    tpl = next(t for t in json.loads(out) if t["name"] == "cirros")
    assert tpl["status"] == "ok"
    code, out, _ = run_cli(
        capsys, cfg, "-o", "json", "template", "-n", "cirros", "export", "diskattachments"
    )
    assert len(json.loads(out)) == 1


def test_import_as_a_disk_and_the_engines_refusals(sim, tmp_path, capsys) -> None:
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(
        capsys, cfg, "-o", "json", "imageprovider", "-n", REPO, "import", "--image", CIRROS,
        "--sd", "default-data2", "--disk-name", "cirros-disk",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run_cli(capsys, cfg, "-o", "json", "disk", "-n", "cirros-disk", "show")
    disk = json.loads(out)
    assert disk["status"] == "ok" and disk["provisioned_size"] == 2**30
    # an ISO domain holds no disks: the engine says so, exit 1
    code, _, err = run_cli(
        capsys, cfg, "imageprovider", "-n", REPO, "import", "--image", CIRROS, "--sd", "default-iso"
    )
    assert code == 1 and "Cannot import Virtual Disk. Storage Domain type is illegal." in err
    # an image the provider does not have: exit 4, naming the ones it has
    code, _, err = run_cli(
        capsys,
        cfg,
        "imageprovider",
        "-n",
        REPO,
        "import",
        "--image",
        "nope",
        "--sd",
        "default-data1",
    )
    assert code == 4 and "has no image 'nope'" in err and "CirrOS" in err
