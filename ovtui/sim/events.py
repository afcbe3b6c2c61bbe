"""Audit-log events and jobs, as the engine records them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.records import href, mk, ref, set_private
from ovtui.sim.store import RecordStore

# code -> (severity, description template). Placeholders: {vm} {host} {cluster} {dc} {sd} {user} {extra}
EVENT_TEXT: dict[int, tuple[Any, str]] = {
    13: (T.LogSeverity.NORMAL, "Status of host {host} was set to Up."),
    15: (T.LogSeverity.NORMAL, "Host {host} was switched to Maintenance Mode."),
    16: (T.LogSeverity.NORMAL, "Host {host} was activated by {user}."),
    17: (T.LogSeverity.ERROR, "Failed to switch Host {host} to Maintenance mode. {extra}"),
    30: (T.LogSeverity.NORMAL, "User {user} logged in."),
    31: (T.LogSeverity.NORMAL, "User {user} logged out."),
    32: (T.LogSeverity.NORMAL, "VM {vm} started on Host {host}"),
    33: (T.LogSeverity.NORMAL, "VM {vm} powered off by {user} (Host: {host})."),
    34: (T.LogSeverity.NORMAL, "VM {vm} was created by {user}."),
    37: (T.LogSeverity.NORMAL, "VM {vm} creation was initiated by {user}."),
    42: (T.LogSeverity.NORMAL, "Host {host} was added by {user}."),
    44: (T.LogSeverity.NORMAL, "Host {host} was removed by {user}."),
    53: (T.LogSeverity.NORMAL, "VM {vm} creation has been completed."),
    54: (T.LogSeverity.ERROR, "Failed to run VM {vm} (User: {user}). {extra}"),
    60: (T.LogSeverity.ERROR, "Failed to complete VM {vm} creation."),
    61: (T.LogSeverity.NORMAL, "VM {vm} is down. {extra}"),
    62: (
        T.LogSeverity.NORMAL,
        "Migration started (VM: {vm}, Source: {host}, Destination: {extra}, User: {user}).",
    ),
    63: (
        T.LogSeverity.NORMAL,
        "Migration completed (VM: {vm}, Source: {extra}, Destination: {host}, Duration: 8 seconds).",
    ),
    65: (T.LogSeverity.ERROR, "Migration failed (VM: {vm}, Source: {host}). {extra}"),
    73: (T.LogSeverity.NORMAL, "VM shutdown initiated by {user} on VM {vm} (Host: {host})."),
    43: (T.LogSeverity.NORMAL, "Host {host} configuration was updated by {user}."),
    111: (
        T.LogSeverity.NORMAL,
        "Suspended VM {vm} has had its save state cleared by {user}.",
    ),
    113: (T.LogSeverity.NORMAL, "VM {vm} was removed by {user}."),
    131: (T.LogSeverity.NORMAL, "VM {vm} exported to {extra} by {user}"),
    # {extra} is "<status>, <action>" (VmStatus, Action)
    254: (T.LogSeverity.NORMAL, "VM {vm} is already {extra} was skipped. User: {user}."),
    371: (T.LogSeverity.NORMAL, "Size of the disk {extra} GB by {user}."),
    606: (T.LogSeverity.NORMAL, "Successfully refreshed the capabilities of host {host}."),
    9801: (T.LogSeverity.NORMAL, "{extra}"),
    9802: (T.LogSeverity.WARNING, "{extra}"),
    9803: (T.LogSeverity.ERROR, "{extra}"),
    9804: (T.LogSeverity.ALERT, "{extra}"),
    153: (T.LogSeverity.NORMAL, "VM {vm} was started by {user} (Host: {host})."),
    157: (T.LogSeverity.NORMAL, "VM {vm} is rebooting. Reboot initiated by {user}."),
    501: (T.LogSeverity.NORMAL, "Suspending VM {vm} was initiated by User {user} (Host: {host})."),
    503: (T.LogSeverity.NORMAL, "VM {vm} on Host {host} is suspended."),
    504: (T.LogSeverity.NORMAL, "Host {host} installed"),
    505: (T.LogSeverity.ERROR, "Host {host} installation failed. {extra}"),
    600: (T.LogSeverity.NORMAL, "Host {host} was switched to Maintenance mode by {user}{extra}."),
    839: (
        T.LogSeverity.ERROR,
        "Failed to check for available updates on host {host} with message '{extra}'.",
    ),
    840: (T.LogSeverity.NORMAL, "Host {host} upgrade was started (User: {user})."),
    841: (T.LogSeverity.ERROR, "Failed to upgrade Host {host} (User: {user})."),
    842: (T.LogSeverity.NORMAL, "Host {host} upgrade was completed successfully."),
    843: (T.LogSeverity.NORMAL, "Host {host} has available updates: {extra}."),
    844: (
        T.LogSeverity.WARNING,
        "Check for available updates on host {host} was completed successfully with message '{extra}'.",
    ),
    884: (T.LogSeverity.NORMAL, "Started to check for available updates on host {host}."),
    885: (
        T.LogSeverity.NORMAL,
        "Check for available updates on host {host} was completed successfully with message '{extra}'.",
    ),
    888: (
        T.LogSeverity.NORMAL,
        "Host {host} upgrade was completed successfully and will be rebooted.",
    ),
    966: (T.LogSeverity.NORMAL, "Storage Domain {sd} (Data Center {dc}) was activated by {user}"),
    968: (
        T.LogSeverity.NORMAL,
        "Storage Domain {sd} (Data Center {dc}) was deactivated and has moved to 'Maintenance' by {user}.",
    ),
    1001: (T.LogSeverity.NORMAL, "Host {host} was restarted by {user}."),
    1022: (T.LogSeverity.NORMAL, "Refreshed the LUNs of Storage Domain {sd} ({extra}) by {user}."),
    9000: (T.LogSeverity.NORMAL, "Host {host} configuration was committed."),
    2000: (
        T.LogSeverity.NORMAL,
        "Snapshot '{extra}' creation for VM '{vm}' was initiated by {user}.",
    ),
    2001: (
        T.LogSeverity.NORMAL,
        "Snapshot '{extra}' deletion for VM '{vm}' was initiated by {user}.",
    ),
}


def emit(
    world: RecordStore,
    code: int,
    *,
    vm: T.Vm | None = None,
    host: T.Host | None = None,
    sd: T.StorageDomain | None = None,
    dc: T.DataCenter | None = None,
    cluster: T.Cluster | None = None,
    template: T.Template | None = None,
    user: str = "admin@internal",
    extra: str = "",
    correlation_id: str | None = None,
    when: dt.datetime | None = None,
    severity: T.LogSeverity | None = None,
) -> T.Event:
    """Record an audit-log event; returns it. Caller holds the world lock (or is the generator)."""
    sev, text = EVENT_TEXT.get(code, (T.LogSeverity.NORMAL, "Event {extra}"))
    if cluster is None:
        cl_ref = (vm.cluster if vm is not None else None) or (
            host.cluster if host is not None else None
        )
        cluster = world.get("clusters", cl_ref.id) if cl_ref else None
    if dc is None and cluster is not None:
        dc = world.get("datacenters", cluster.data_center.id)
    desc = text.format(
        vm=getattr(vm, "name", ""),
        host=getattr(host, "name", ""),
        cluster=getattr(cluster, "name", ""),
        dc=getattr(dc, "name", ""),
        sd=getattr(sd, "name", ""),
        user=user,
        extra=extra,
    ).strip()
    world.next_event_id += 1
    eid = world.next_event_id
    user_id = next(iter(world.coll["users"]), None)
    event = mk(
        T.Event,
        id=str(eid),
        href=href("events", str(eid)),
        code=code,
        severity=severity or sev,
        time=when or world.now(),
        description=desc,
        origin="oVirt",
        custom_id=-1,
        flood_rate=30,
        index=eid,
        correlation_id=correlation_id,
        vm=ref(T.Vm, "vms", vm.id) if vm is not None else None,
        host=ref(T.Host, "hosts", host.id) if host is not None else None,
        cluster=ref(T.Cluster, "clusters", cluster.id) if cluster is not None else None,
        data_center=ref(T.DataCenter, "datacenters", dc.id) if dc is not None else None,
        storage_domain=ref(T.StorageDomain, "storagedomains", sd.id) if sd is not None else None,
        template=ref(T.Template, "templates", template.id) if template is not None else None,
        user=ref(T.User, "users", user_id) if user_id else None,
    )
    world.coll["events"][str(eid)] = event
    return event


def start_job(
    world: RecordStore, description: str, correlation_id: str | None, steps: list[str] | None = None
) -> T.Job:
    """Create a started job with one executing step per entry of ``steps``."""
    jid = world.new_id()
    now = world.now()
    user_id = next(iter(world.coll["users"]), None)
    job = mk(
        T.Job,
        id=jid,
        href=href("jobs", jid),
        description=description,
        status=T.JobStatus.STARTED,
        start_time=now,
        last_updated=now,
        auto_cleared=True,
        external=False,
        owner=ref(T.User, "users", user_id) if user_id else None,
    )
    set_private(job, _sim_correlation_id=correlation_id, _sim_steps=[])
    world.coll["jobs"][jid] = job
    add_step(world, job, "Validating", T.StepEnum.VALIDATING, finished=True)
    for s in steps or [description]:
        add_step(world, job, s, T.StepEnum.EXECUTING)
    return job


def add_step(
    world: RecordStore, job: Any, description: str, stype: T.StepEnum, finished: bool = False
) -> T.Step:
    sid = world.new_id()
    now = world.now()
    step = mk(
        T.Step,
        id=sid,
        href=href("jobs", job.id, "steps", sid),
        description=description,
        type=stype,
        status=T.StepStatus.FINISHED if finished else T.StepStatus.STARTED,
        number=len(job._sim_steps) + 1,
        start_time=now,
        end_time=now if finished else None,
        progress=100 if finished else 0,
        external=False,
        job=ref(T.Job, "jobs", job.id),
    )
    job._sim_steps.append(step)
    return step


def progress_job(world: RecordStore, job: Any, percent: int) -> None:
    for step in job._sim_steps:
        if step.status == T.StepStatus.STARTED:
            step.progress = max(0, min(100, int(percent)))
    job.last_updated = world.now()


def end_job(world: RecordStore, job: Any, ok: bool = True) -> None:
    if job is None or job.status != T.JobStatus.STARTED:
        return
    now = world.now()
    status = T.JobStatus.FINISHED if ok else T.JobStatus.FAILED
    job.status = status
    job.end_time = now
    job.last_updated = now
    for step in job._sim_steps:
        if step.status == T.StepStatus.STARTED:
            step.status = T.StepStatus.FINISHED if ok else T.StepStatus.FAILED
            step.end_time = now
            if ok:
                step.progress = 100
