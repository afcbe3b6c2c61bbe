"""``vm create`` (from a template, with NICs and disks) and ``vm remove``.

``--from-template`` names the engine template (``--template`` is the CLI's ``-T`` file).
``create`` receives its parameters already merged from ``-T vm.yaml -V name value`` by the
CLI (command line over template); list parameters (``network``, ``disk``) also accept a
comma-separated string or a YAML list, and sizes accept ``2048`` (MiB), ``2G``, ``512M``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .base import (
    ActionContext,
    ActionError,
    ConnectError,
    EngineRefused,
    NoMatch,
    Param,
    ReplyLost,
    Result,
    UsageError,
    WaitTimeout,
    new_correlation_id,
)
from .cloud_init import CLOUD_INIT_PARAMS, build_initialization
from .cloud_init import given as cloud_init_given
from .declare import verb
from .errors import engine_errors
from .selectors import quote
from .vm_common import TIMEOUTS, fetch_vm, finished, vm_service, vms_service, wait_vm
from .waiters import EventFollower, read_back, send_action, status_of, wait_gone

_UNITS = {"": 2**20, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def parse_size(value: Any, what: str) -> int:
    """Bytes from ``2048`` (MiB), ``2G``, ``512MiB``, ``1.5g``."""
    if isinstance(value, bool):
        raise UsageError(f"{what}: {value!r} is not a size.")
    if isinstance(value, int | float):
        return int(value * _UNITS[""])
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([bkmgt]?)(?:i?b)?\s*", str(value), re.I)
    if not m:
        raise UsageError(f"{what}: {value!r} is not a size.", "Write e.g. 2048 (MiB), 2G or 512M.")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        out.extend(p.strip() for p in str(item).split(",") if p.strip())
    return out


def _int(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what}: {value!r} is not a whole number.") from None


CREATE_PARAMS = (
    Param("name", ("--name",), "name of the new VM", "text"),
    Param("cluster", ("--cluster",), "cluster to create it in", "cluster"),
    Param("template", ("--from-template",), "template to base it on (YAML key: template)", "template", "Blank"),
    Param("template_version", ("--template-version",),
          "version of the template: its number, or latest (default: the base version)", "text"),
    Param("memory", ("--memory",), "memory: MiB, or with a unit (2G, 512M)", "text"),
    Param("cores", ("--cores",), "CPU cores per socket", "int"),
    Param("sockets", ("--sockets",), "CPU sockets", "int"),
    Param("os", ("--os",), "operating system type (rhel_9x64, windows_2022...)", "text"),
    Param("network", ("--network",), "add a NIC on this network (repeat)", "network",
          repeat=True),
    Param("disk", ("--disk",), "add a disk of this size (2G, repeat)", "text", repeat=True),
    Param("storagedomain", ("--storagedomain", "--sd"), "storage domain for the disks",
          "storagedomain"),
    Param("description", ("--description",), "description", "text"),
    Param("start", ("--start",), "start the VM once created", "flag"),
    Param("threads", ("--threads",), "CPU threads per core", "int"),
    Param("architecture", ("--architecture",), "CPU architecture", "choice",
          choices=("x86_64", "ppc64", "s390x", "aarch64")),
    Param("type", ("--type",), "VM type (optimised for)", "choice",
          choices=("server", "desktop", "high_performance")),
    Param("timezone", ("--timezone",), "guest time zone (Etc/GMT...)", "text"),
    Param("disk_interface", ("--disk-interface",), "interface of the added disks", "choice",
          choices=("virtio_scsi", "virtio", "ide", "sata")),
    Param("soundcard_enabled", ("--soundcard",), "give it a sound card", "flag"),
    Param("boot_menu", ("--boot-menu",), "show the BIOS boot menu", "flag"),
    Param("pxe", ("--pxe",), "boot from the network after the disk", "flag"),
    *CLOUD_INIT_PARAMS,
)  # fmt: skip


def build_vm(params: dict[str, Any]) -> Any:
    """The ``types.Vm`` to add, from the merged parameters (checked here)."""
    from ovirtsdk4 import types

    name, cluster = params.get("name"), params.get("cluster")
    missing = [f"--{k}" for k, v in (("name", name), ("cluster", cluster)) if not v]
    if missing:
        raise UsageError(
            f"vm create needs {' and '.join(missing)}.",
            "Give them on the command line or in the -T template.",
        )
    vm = types.Vm(
        name=str(name),
        cluster=types.Cluster(name=str(cluster)),
        template=types.Template(name=str(params.get("template") or "Blank")),
        description=params.get("description"),
    )
    if params.get("memory") not in (None, ""):
        vm.memory = parse_size(params["memory"], "memory")
    cores, sockets = _int(params.get("cores"), "cores"), _int(params.get("sockets"), "sockets")
    threads = _int(params.get("threads"), "threads")
    if cores or sockets or threads:
        vm.cpu = types.Cpu(
            topology=types.CpuTopology(cores=cores or 1, sockets=sockets or 1, threads=threads or 1)
        )
    if params.get("architecture"):
        vm.cpu = vm.cpu or types.Cpu()
        vm.cpu.architecture = types.Architecture(str(params["architecture"]).lower())
    if params.get("os") or params.get("pxe"):
        vm.os = types.OperatingSystem(type=str(params["os"]) if params.get("os") else None)
        if params.get("pxe"):
            boot = [types.BootDevice.HD, types.BootDevice.NETWORK]
            vm.os.boot = types.Boot(devices=boot)
    if params.get("type"):
        vm.type = types.VmType(str(params["type"]))
    if params.get("timezone"):
        vm.time_zone = types.TimeZone(name=str(params["timezone"]))
    if params.get("soundcard_enabled"):
        vm.soundcard_enabled = True
    if params.get("boot_menu"):
        vm.bios = types.Bios(boot_menu=types.BootMenu(enabled=True))
    if cloud_init_given(params):
        vm.initialization = build_initialization(params)
    return vm


def _vnic_profile(ctx: ActionContext, vm: Any, network: str) -> Any:
    """The vNIC profile for ``network`` in the VM's data center: the one named like the
    network (the engine's default profile), else the network's first profile."""
    with engine_errors(f"looking up network {network}"):
        cluster = ctx.system.clusters_service().cluster_service(vm.cluster.id).get()
        dc_id = getattr(cluster.data_center, "id", None)
        nets = [
            n
            for n in ctx.system.networks_service().list()
            if n.name == network and (dc_id is None or getattr(n.data_center, "id", None) == dc_id)
        ]
        if not nets:
            raise EngineRefused(
                f"VM {vm.name} was created, but there is no network {network} in its data"
                " center: no NIC added.",
                f"Fix or remove it: ovtui run vm -i {vm.id} remove",
            )
        profiles = [
            p
            for p in ctx.system.vnic_profiles_service().list()
            if getattr(p.network, "id", None) == nets[0].id
        ]
    named = [p for p in profiles if p.name == network]
    return (named or profiles or [None])[0]


@contextmanager
def _half_done(vm: Any, doing: str) -> Iterator[None]:
    """A failure after the VM exists says so: the user has a VM to fix or remove."""
    try:
        with engine_errors(doing):
            yield
    except ActionError as err:
        raise EngineRefused(
            f"VM {vm.name} was created, but {doing} failed: "
            + err.message.removeprefix(f"{doing}: "),
            f"Fix or remove it: ovtui run vm -i {vm.id} remove",
        ) from err


def add_nics(ctx: ActionContext, vm: Any, networks: list[str]) -> None:
    from ovirtsdk4 import types

    nics = vm_service(ctx, vm).nics_service()
    for i, net in enumerate(networks, start=1):
        profile = _vnic_profile(ctx, vm, net)
        nic = types.Nic(name=f"nic{i}", interface=types.NicInterface.VIRTIO)
        if profile is not None:
            nic.vnic_profile = types.VnicProfile(id=profile.id)
        else:  # a network without profiles: the engine says what it thinks of it
            nic.network = types.Network(id=net)
        with _half_done(vm, f"adding NIC nic{i} on network {net}"):
            nics.add(nic)
        ctx.progress("nic", f"NIC nic{i} on network {net} added")


def split_disk(item: str, storagedomain: str | None) -> tuple[str, str | None]:
    """``SIZE`` (on ``storagedomain``), ``SIZE:SD``, or ``lun:ID`` -> (size or lun, domain)."""
    head, _, tail = str(item).partition(":")
    if head.lower() == "lun":
        return f"lun:{tail}", None
    return head, tail or storagedomain


def add_disks(
    ctx: ActionContext,
    vm: Any,
    sizes: list[str],
    storagedomain: str | None,
    interface: str | None = None,
) -> list[str]:
    from ovirtsdk4 import types

    atts = vm_service(ctx, vm).disk_attachments_service()
    ids = []
    for i, item in enumerate(sizes, start=1):
        size, sd = split_disk(item, storagedomain)
        if size.startswith("lun:"):
            disk = types.Disk(
                name=f"{vm.name}_disk{i}",
                lun_storage=types.HostStorage(
                    type=types.StorageType.ISCSI,
                    logical_units=[types.LogicalUnit(id=size[4:])],
                ),
            )
        else:
            if not sd:
                raise UsageError("Disks need a storage domain: give --storagedomain.")
            disk = types.Disk(
                name=f"{vm.name}_disk{i}",
                format=types.DiskFormat.COW,
                provisioned_size=parse_size(size, "disk"),
                storage_domains=[types.StorageDomain(name=sd)],
            )
        att = types.DiskAttachment(
            disk=disk,
            interface=types.DiskInterface(interface or "virtio_scsi"),
            bootable=(i == 1),
            active=True,
        )
        with _half_done(vm, f"adding disk {i} ({size}) on {sd or 'a LUN'}"):
            added = atts.add(att)
        ids.append(added.id)
        ctx.progress("disk", f"disk {vm.name}_disk{i} ({size}) on {sd or 'a LUN'} added")
    return ids


def wait_disks_ok(ctx: ActionContext, vm: Any, follower: EventFollower, deadline: float) -> None:
    """Wait until every disk of the VM is ``ok`` (``locked`` while the engine copies)."""
    disks = ctx.system.disks_service()
    atts = vm_service(ctx, vm).disk_attachments_service()
    with engine_errors(f"listing the disks of VM {vm.name}"):
        ids = [a.disk.id for a in atts.list() if a.disk is not None]
    pending = set(ids)
    while pending:
        ctx.check_cancelled()
        follower.poll()
        for did in sorted(pending):
            with engine_errors("reading a disk"):
                d = disks.disk_service(did).get()
            st = status_of(d)
            if st == "ok":
                pending.discard(did)
                ctx.progress("disk", f"disk {d.name}: ok", fraction=1 - len(pending) / len(ids))
            elif st == "illegal":
                raise EngineRefused(f"Disk {d.name} of VM {vm.name} became illegal.")
        if not pending:
            return
        if time.monotonic() >= deadline:
            raise WaitTimeout(
                f"Timed out waiting for the disks of VM {vm.name} to be ok"
                f" ({len(pending)} still locked)."
            )
        ctx.sleep(ctx.poll_interval)


@verb("vm", "create", "Create a VM from a template (or -T vm.yaml -V name value)",
      params=CREATE_PARAMS, target="none", mutating=True, waits=True, wait=TIMEOUTS["create"], key="c")  # fmt: skip
def create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    """Adds the VM, then its NICs and disks, and waits until it is down with disks ok."""
    spec = build_vm(params)
    if params.get("template_version") not in (None, ""):
        spec.template = template_version(ctx, spec.template.name, params["template_version"])
    disks = as_list(params.get("disk"))
    check_disks(disks, params.get("storagedomain"))  # before anything exists on the engine
    cid = new_correlation_id("create")
    cid_follow = EventFollower(ctx, cid)
    label = f"create VM {spec.name}"
    try:
        with engine_errors(label):
            vm = vms_service(ctx).add(spec, headers={"Correlation-Id": cid})
    except ReplyLost as lost:
        vm = _read_back_vm(ctx, lost, label, cid, cid_follow, spec.name)
    ctx.progress("accepted", f"{label}: accepted by the engine (id {vm.id})")
    deadline = time.monotonic() + ctx.timeout_for(TIMEOUTS["create"])
    with _created(vm):
        add_nics(ctx, vm, as_list(params.get("network")))
        add_disks(ctx, vm, disks, params.get("storagedomain"), params.get("disk_interface"))
        if ctx.async_:
            return Result(
                ok=True, message=f"VM {vm.name} created (id {vm.id})", data=fetch_vm(ctx, vm)
            )
        wait_vm(
            ctx, vm, wanted={"down"}, verb="create", follower=cid_follow,
            timeout=max(1.0, deadline - time.monotonic()),
        )  # fmt: skip
        wait_disks_ok(ctx, vm, cid_follow, deadline)
    if params.get("start"):
        from .vms import start

        with _created(vm, "starting it"):
            return start(ctx, vm)
    return finished(ctx, vm, f"VM {vm.name} created (id {vm.id})")


def template_version(ctx: ActionContext, name: str, wanted: Any) -> Any:
    """The ``types.Template`` (by id) of version ``wanted`` (a number or ``latest``) of the
    template ``name``: the engine makes a VM from a version when given that version's id."""
    from ovirtsdk4 import types

    text = str(wanted).strip().lower()
    number = None if text == "latest" else _int(text, "--template-version")
    with engine_errors(f"looking up the versions of template {name}"):
        found = [
            t
            for t in ctx.system.templates_service().list(search=f"name={quote(name)}")
            if t.name == name
        ]
    numbered = {(t.version.version_number if t.version else 1) or 1: t for t in found}
    if not numbered:
        raise NoMatch(f"No template named {name!r}.")
    pick = max(numbered) if number is None else number
    if pick not in numbered:
        have = ", ".join(str(n) for n in sorted(numbered))
        raise NoMatch(f"Template {name!r} has no version {pick} (it has {have}).")
    return types.Template(id=numbered[pick].id)


def check_disks(sizes: list[str], storagedomain: str | None) -> None:
    """Refuse bad disk options before the VM is created (UsageError, exit 2)."""
    for item in sizes:
        size, sd = split_disk(item, storagedomain)
        if size.startswith("lun:"):
            continue
        if not sd:
            raise UsageError(
                "Disks need a storage domain: give --storagedomain (no VM was created).",
                "List them with: ovtui run storagedomain list",
            )
        parse_size(size, "disk")


def _read_back_vm(
    ctx: ActionContext, lost: ReplyLost, label: str, cid: str, follower: EventFollower, name: str
) -> Any:
    """The VM a lost ``add`` reply was about, looked up by its (unique) name; EngineRefused
    when the engine has no such VM (it was not created; nothing was sent twice)."""
    found: list[Any] = []

    def find() -> str | None:
        found[:] = [
            v for v in vms_service(ctx).list(search=f"name={quote(name)}") if v.name == name
        ]
        return f"VM {name}, id {found[0].id}" if found else None

    read_back(ctx, lost, label, cid, follower, find)
    if not found and not find():
        raise EngineRefused(
            f"{label}: the engine took the request but shows no VM {name}.",
            f"Check with: ovtui run vm -n {name} show",
        )
    return found[0]


@contextmanager
def _created(vm: Any, doing: str = "") -> Iterator[None]:
    """Any failure once the VM exists says that it exists (same exit code as the failure)."""
    try:
        yield
    except ActionError as err:
        if "was created" in err.message:
            raise
        prefix = f"VM {vm.name} was created (id {vm.id})"
        cls = ConnectError if isinstance(err, ReplyLost) else type(err)  # same exit code
        new = cls(
            f"{prefix}, but {doing + ' failed: ' if doing else ''}{err.message}",
            err.hint or f"Fix or remove it: ovtui run vm -i {vm.id} remove",
        )
        raise new from err


@verb(
    "vm",
    "remove",
    "Remove the VM (and its disks, unless --detach-only)",
    params=(Param("detach_only", ("--detach-only",), "keep the disks, only detach them", "flag"),),
    target="many",
    mutating=True,
    dangerous=True,
    waits=True,
    wait=TIMEOUTS["remove"],
    key="D",
)
def remove(ctx: ActionContext, target: Any, detach_only: bool = False) -> Result:
    """The VM must be down; waits until the engine no longer knows it."""
    vm = fetch_vm(ctx, target)
    if status_of(vm) not in ("down", "suspended"):
        raise EngineRefused(
            "Cannot remove VM. VM is running.",
            f"VM {vm.name} is {status_of(vm)}: stop it first.",
        )
    svc = vm_service(ctx, vm)
    kw = {"detach_only": True} if detach_only else {}
    _, follower = send_action(ctx, svc, "remove", what=f"VM {vm.name}", verb="remove", **kw)
    if ctx.async_:
        return Result(ok=True, message=f"remove VM {vm.name}: accepted by the engine", data=vm)
    limit = ctx.timeout_for(TIMEOUTS["remove"])
    wait_gone(
        ctx,
        svc,
        what=f"VM {vm.name}",
        timeout=limit,
        timed_out=f"Timed out after {limit:g} s waiting for VM {vm.name} to go away.",
        follower=follower,
        on_poll=lambda cur: ctx.progress(
            "status", f"VM {vm.name}: {status_of(cur)}", status=status_of(cur)
        ),
    )
    kept = " (disks kept)" if detach_only else ""
    ctx.progress("done", f"VM {vm.name} removed{kept}", fraction=1.0)
    return Result(ok=True, message=f"VM {vm.name} removed{kept}", data=vm)
