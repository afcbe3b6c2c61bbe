"""The ``lost_reply_rate`` fault: the engine does the write, the reply never arrives."""

from __future__ import annotations

import http.client

import pytest
from ovirtsdk4 import types as T

from ovtui.sim.testing import bearer_request, wait_for


def test_lost_reply_write_is_done_but_unanswered(sim):
    vm = next(v for v in sim.world.coll["vms"].values() if v.status == T.VmStatus.DOWN)
    sim.faults.apply_spec("lost_reply_rate=1")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        bearer_request(sim, "POST", f"/vms/{vm.id}/start", b"<action/>")
    # the engine did it although nobody heard back
    wait_for(lambda: sim.world.coll["vms"][vm.id].status == T.VmStatus.UP, what=f"{vm.name} up")
    assert sim.world.status_path(vm.id).count("wait_for_launch") == 1
    # reads are still answered
    status, _, body = bearer_request(sim, "GET", f"/vms/{vm.id}")
    assert status == 200 and b"<status>up</status>" in body
