"""A long wait does not fail on one bad answer: transient engine errors while polling are
reported and retried until the deadline; a lasting outage still ends the wait with a reason."""

from __future__ import annotations

import pytest

from ovtui.actions import vms
from ovtui.actions.base import ActionError, Progress
from tests.support import make_ctx

from .test_vm_helpers import api_vm, vm_named, wstatus


def test_start_survives_503s_while_waiting(make_sim):
    sim = make_sim(speed=10)
    ctx, rec = make_ctx(sim)
    report = ctx.report

    def outage_once_accepted(p: Progress) -> None:
        report(p)
        if p.step == "accepted":
            sim.faults.failing_gets = 4  # the next polls get 503 Service Unavailable

    ctx.report = outage_once_accepted
    name = vm_named(sim, "down")
    res = vms.start(ctx, api_vm(ctx, name))
    assert res.ok and res.data.status.value == "up"
    retries = [p for p in rec.items if p.step == "retry"]
    assert retries and all(p.level == "warning" for p in retries), rec.text()
    assert "Service Unavailable" in retries[0].message or "unavailable" in retries[0].message
    assert wstatus(sim, name) == "up"


def test_lasting_outage_ends_the_wait_with_the_engine_error(make_sim):
    sim = make_sim(speed=1)
    ctx, rec = make_ctx(sim, timeout=0.5)
    report = ctx.report

    def outage(p: Progress) -> None:
        report(p)
        if p.step == "accepted":
            sim.faults.error_rate = 1.0

    ctx.report = outage
    with pytest.raises(ActionError) as exc:
        vms.start(ctx, api_vm(ctx, vm_named(sim, "down")))
    assert "unavailable" in exc.value.message.lower(), exc.value.message
