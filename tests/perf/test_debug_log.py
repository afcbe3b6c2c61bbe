"""``-d`` logs the headers and the first KiB of each body, never a whole large answer (issue
14: a 10,000-VM list logged line by line ran into the request timeout)."""

from __future__ import annotations

import json

from ovtui.sim.testing import write_config
from tests.support import run_cli


def test_debug_log_keeps_headers_and_a_kib_of_each_body(make_sim, tmp_path, capsys):
    sim = make_sim(vms=1200, hosts=4)
    cfg = write_config(sim, tmp_path)
    code, out, err = run_cli(capsys, cfg, "-d", "-o", "json", "vm", "list")
    assert code == 0, err[-2000:]
    assert len(json.loads(out)) == 1200  # the whole list on stdout, ~3 MB of answers read
    assert "Content-Type: application/xml" in err  # the answers' headers
    assert "GET /ovirt-engine/api/vms?" in err  # the request line
    assert "[the rest of this body is not logged]" in err
    assert "<vms>" in err or "<vm " in err  # the start of the list's body
    assert len(err.encode()) < 64 * 1024, f"{len(err)} characters of log"
