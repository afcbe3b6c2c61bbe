"""VM power verbs against the simulator with the real SDK: status paths, refusals, timeouts."""

from __future__ import annotations

import time

import pytest

from ovtui.actions import vms
from ovtui.actions.base import Cancelled, EngineRefused, WaitTimeout
from ovtui.actions.vm_common import host_id_of
from ovtui.sim.testing import wait_for, write_config
from tests.support import make_ctx, run_cli

from .test_vm_helpers import api_vm, vm_named, wstatus


def test_start_goes_down_to_up_with_events(make_sim):
    sim = make_sim(speed=10)  # slow enough for every short status to be seen by a poll
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    res = vms.start(ctx, api_vm(ctx, name))
    assert res.ok and res.data.status.value == "up"
    path = sim.world.status_path(res.data.id)  # the engine's own path, whatever the polls saw
    assert path == ["wait_for_launch", "powering_up", "up"], path
    assert rec.statuses()[-1] == "up", rec.text()
    assert rec.steps()[0] == "accepted" and rec.steps()[-1] == "done"
    assert "event" in rec.steps(), "the engine's events for this correlation id are reported"
    assert wstatus(sim, name) == "up"


@pytest.mark.parametrize(
    ("verb", "path", "end"),
    [
        ("shutdown", ["powering_down", "down"], "down"),
        ("stop", ["powering_down", "down"], "down"),
        ("suspend", ["saving_state", "suspended"], "suspended"),
        ("reboot", ["reboot_in_progress", "up"], "up"),
        ("reset", ["reboot_in_progress", "up"], "up"),
    ],
)
def test_verbs_from_up_follow_status_path(make_sim, verb, path, end):
    sim = make_sim(speed=10)
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "up")
    res = getattr(vms, verb)(ctx, api_vm(ctx, name))
    assert res.ok, res.message
    assert res.data.status.value == end
    assert sim.world.status_path(res.data.id) == path
    assert rec.statuses()[-1] == end, rec.text()
    assert wstatus(sim, name) == end


def test_start_resumes_suspended(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "up")
    vms.suspend(ctx, api_vm(ctx, name))
    res = vms.start(ctx, api_vm(ctx, name))
    assert res.data.status.value == "up"


def test_start_on_up_vm_exits_1_with_engine_words(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "up")
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "start")
    assert code == 1
    assert "Cannot run VM. VM is running." in err
    assert "Traceback" not in err


def test_cli_start_then_async_and_json(sim, tmp_path, capsys):
    cfg = write_config(sim, tmp_path)
    name = vm_named(sim, "down")
    code, out, err = run_cli(capsys, cfg, "-o", "json", "vm", "-n", name, "start")
    assert code == 0, err
    assert '"status": "up"' in out
    code, out, err = run_cli(capsys, cfg, "vm", "-n", name, "shutdown", "-a")
    assert code == 0, err
    assert wstatus(sim, name) != "up" or "accepted" in err


def test_async_returns_once_accepted(make_sim):
    sim = make_sim(speed=1)  # engine pace: the start takes 4 s, the action returns at once
    ctx, rec = make_ctx(sim, async_=True)
    name = vm_named(sim, "down")
    res = vms.start(ctx, api_vm(ctx, name))
    assert res.ok and "accepted" in res.message
    assert res.data.status.value != "up"
    assert "status" not in rec.steps()


def test_timeout_is_reported_as_such(make_sim, tmp_path, capsys):
    sim = make_sim(speed=1)
    ctx, _ = make_ctx(sim, timeout=0.001)
    name = vm_named(sim, "down")
    with pytest.raises(WaitTimeout, match="Timed out after"):
        vms.start(ctx, api_vm(ctx, name))
    cfg = write_config(sim, tmp_path)
    other = vm_named(sim, "up")
    code, out, err = run_cli(capsys, cfg, "vm", "-n", other, "shutdown", "--timeout", "0.001")
    assert code == 1
    assert "Timed out after 0.001 s waiting for VM" in err


def test_preflight_refuses_host_not_up_before_sending(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    with sim.world.lock:
        host = sorted(sim.world.coll["hosts"].values(), key=lambda h: h.name)[0]
        host.status = type(host.status)("maintenance")
    with pytest.raises(EngineRefused, match="not up"):
        vms.start(ctx, api_vm(ctx, name), host=host.name)
    assert "accepted" not in rec.steps()
    assert wstatus(sim, name) == "down"


def test_preflight_refuses_host_without_memory(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    vm = api_vm(ctx, name)
    host = next(h for h in ctx.system.hosts_service().list() if h.status.value == "up")
    with sim.world.lock:
        whost = sim.world.get("hosts", host.id)
        whost.max_scheduling_memory = (vm.memory or 2**30) // 2
        whost.memory = sim.world.host_used_memory(host.id) + 2 * 2**30 + (vm.memory or 2**30) // 2
    with pytest.raises(EngineRefused, match="needs"):
        vms.start(ctx, vm, host=host.name)
    assert "accepted" not in rec.steps()


def test_start_on_named_host(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    vm = api_vm(ctx, name)
    hosts = [
        h
        for h in ctx.system.hosts_service().list()
        if h.status.value == "up" and h.cluster.id == vm.cluster.id
    ]
    target = hosts[-1]
    res = vms.start(ctx, vm, host=target.name)
    assert host_id_of(res.data) == target.id


def test_shutdown_down_vm_refused(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    with pytest.raises(EngineRefused, match="VM is not running"):
        vms.shutdown(ctx, api_vm(ctx, name))


def test_start_on_the_host_the_scheduler_would_not_pick(sim):
    """--host is sent as run-once placement; the engine would otherwise pick the roomiest."""
    ctx, rec = make_ctx(sim)
    with sim.world.lock:
        up = [h for h in sim.world.coll["hosts"].values() if h.status.value == "up"]
        for wvm in sorted(sim.world.coll["vms"].values(), key=lambda v: v.name):
            fits = [
                h
                for h in up
                if h.cluster.id == wvm.cluster.id
                and sim.world.host_free_memory(h) >= (wvm.memory or 0)
            ]
            if wvm.status.value == "down" and len(fits) >= 2:
                break
        else:
            raise AssertionError("no down VM with two hosts to choose from")
        fits.sort(key=sim.world.host_free_memory)
    res = vms.start(ctx, api_vm(ctx, wvm.name), host=fits[0].name)
    assert host_id_of(res.data) == fits[0].id


def test_cancel_stops_waiting_not_the_engine(sim):
    ctx, rec = make_ctx(sim)
    name = vm_named(sim, "down")
    rec.when(lambda p: p.step == "accepted", lambda p: ctx.cancel.set())
    with pytest.raises(Cancelled, match="Stopped waiting"):
        vms.start(ctx, api_vm(ctx, name))
    wait_for(lambda: wstatus(sim, name) == "up", what=f"{name} up anyway")


def test_reboot_too_fast_for_the_polls_ends_by_the_engine_job(sim):
    """At speed 60 a reboot lasts 50 ms; with 1 s polls its status is never seen."""
    ctx, rec = make_ctx(sim, poll_interval=1.0)
    name = vm_named(sim, "up")
    started = time.monotonic()
    res = vms.reboot(ctx, api_vm(ctx, name))
    assert res.data.status.value == "up"
    assert time.monotonic() - started < 10, "ended by the job, not by the 30 s settle"
