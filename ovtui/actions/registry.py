"""Nouns and their verbs: ``{noun: {verb: Action}}``.

The registry drives the ``ovtui run`` parser, the TUI's footer keys and its command palette.
Action modules register verbs with :func:`register` at import time; :func:`load_all` imports
them all once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from .base import Action, Param, Result


@dataclass(frozen=True)
class Noun:
    """An engine object type and how the SDK reaches it."""

    name: str  # "vm"
    plural: str  # "vms"
    title: str  # "Virtual Machines"
    type_name: str  # SDK type / writer prefix: "Vm" -> ovirtsdk4.types.Vm, writers.VmWriter
    collection: str | None  # method of the system service: "vms_service"
    entity: str | None  # method of the collection service: "vm_service"
    searchable: bool = True  # the collection takes search=
    has_status: bool = True
    statistics: bool = False
    aliases: tuple[str, ...] = ()
    columns: tuple[str, ...] = ("name", "id")  # default table columns (dotted attribute paths)


NOUNS: dict[str, Noun] = {
    n.name: n
    for n in (
        Noun(
            "datacenter",
            "datacenters",
            "Data Centers",
            "DataCenter",
            "data_centers_service",
            "data_center_service",
            aliases=("dc", "dcs"),
            columns=("name", "status", "local", "version", "description", "id"),
        ),
        Noun(
            "cluster",
            "clusters",
            "Clusters",
            "Cluster",
            "clusters_service",
            "cluster_service",
            has_status=False,
            columns=("name", "version", "cpu.type", "data_center", "description", "id"),
        ),
        Noun(
            "host",
            "hosts",
            "Hosts",
            "Host",
            "hosts_service",
            "host_service",
            statistics=True,
            columns=(
                "name",
                "address",
                "status",
                "cluster",
                "summary.active",
                "update_available",
                "id",
            ),
        ),
        Noun(
            "vm",
            "vms",
            "Virtual Machines",
            "Vm",
            "vms_service",
            "vm_service",
            statistics=True,
            columns=("name", "status", "host", "cluster", "memory", "cpu.topology.sockets", "id"),
        ),
        Noun(
            "storagedomain",
            "storagedomains",
            "Storage",
            "StorageDomain",
            "storage_domains_service",
            "storage_domain_service",
            statistics=False,
            aliases=("sd", "sds", "storage"),
            columns=(
                "name",
                "type",
                "storage.type",
                "status",
                "external_status",
                "available",
                "used",
                "id",
            ),
        ),
        Noun(
            "event",
            "events",
            "Events",
            "Event",
            "events_service",
            "event_service",
            has_status=False,
            columns=("id", "time", "severity", "code", "description"),
        ),
        Noun(
            "template",
            "templates",
            "Templates",
            "Template",
            "templates_service",
            "template_service",
            columns=(
                "name",
                "version.version_number",
                "status",
                "cluster",
                "memory",
                "description",
                "id",
            ),
        ),
        Noun(
            "disk",
            "disks",
            "Disks",
            "Disk",
            "disks_service",
            "disk_service",
            statistics=True,
            columns=(
                "name",
                "provisioned_size",
                "actual_size",
                "status",
                "storage_type",
                "content_type",
                "id",
            ),
        ),
        Noun(
            "network",
            "networks",
            "Networks",
            "Network",
            "networks_service",
            "network_service",
            has_status=False,
            columns=("name", "data_center", "vlan.id", "mtu", "usages", "description", "id"),
        ),
        Noun(
            "job",
            "jobs",
            "Jobs",
            "Job",
            "jobs_service",
            "job_service",
            columns=("id", "status", "start_time", "end_time", "description"),
        ),
        Noun(
            "system",
            "system",
            "System",
            "Api",
            None,
            None,
            searchable=False,
            has_status=False,
            columns=("product_info.name", "product_info.version.full_version"),
        ),
    )
}

_ALIASES: dict[str, str] = {}
for _n in NOUNS.values():
    for _a in (_n.name, _n.plural, *_n.aliases):
        _ALIASES[_a] = _n.name

_VERBS: dict[str, dict[str, Action]] = {name: {} for name in NOUNS}

# Every module that registers verbs, in the order their verbs are listed (footer, help,
# palette): the order stays the same whichever module a program happens to import first.
ACTION_MODULES = (
    "ovtui.actions.read",
    "ovtui.actions.vms",
    "ovtui.actions.vm_migrate",
    "ovtui.actions.vm_create",
    "ovtui.actions.vm_snapshots",
    "ovtui.actions.vm_console",
    "ovtui.actions.vm_autoinstall",
    "ovtui.actions.host_maintenance",
    "ovtui.actions.host_upgrade",
    "ovtui.actions.hosts",
    "ovtui.actions.clusters",
    "ovtui.actions.storage",
    "ovtui.actions.events",
)
_loaded = False


def resolve_noun(word: str) -> Noun | None:
    """The noun a word names (``vm``, ``vms``, ``sd``...), or None."""
    name = _ALIASES.get(word.lower())
    return NOUNS[name] if name else None


def register(action: Action) -> Action:
    if action.noun not in _VERBS:
        raise ValueError(f"unknown noun {action.noun!r}")
    _VERBS[action.noun][action.verb] = action
    for alias in action.aliases:
        _VERBS[action.noun][alias] = action
    return action


def verb(
    noun: str,
    name: str,
    help: str,
    *,
    params: tuple[Param, ...] | list[Param] = (),
    target: str = "one",
    mutating: bool = False,
    dangerous: bool = False,
    waits: bool = False,
    key: str | None = None,
    aliases: tuple[str, ...] = (),
    description: str = "",
) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Decorator registering ``run(ctx, target, **params)`` as ``noun name``."""

    def deco(fn: Callable[..., Result]) -> Callable[..., Result]:
        register(
            Action(
                noun=noun,
                verb=name,
                help=help,
                run=fn,
                params=tuple(params),
                target=target,  # type: ignore[arg-type]
                mutating=mutating,
                dangerous=dangerous,
                waits=waits,
                key=key,
                aliases=aliases,
                description=description or (fn.__doc__ or "").strip(),
            )
        )
        return fn

    return deco


def register_verb_fn(
    noun: str, name: str, fn: Callable[..., Result], help: str, **kw
) -> Callable[..., Result]:
    """Register an already-built function (for verbs made in a loop)."""
    return verb(noun, name, help, **kw)(fn)


def load_all() -> None:
    """Import every action module once (each registers its verbs)."""
    global _loaded
    if _loaded:
        return
    for mod in ACTION_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:  # a module not written yet
            if exc.name != mod:
                raise
    _loaded = True


def _rank(action: Action) -> tuple[int, int]:
    module = getattr(action.run, "__module__", "")
    code = getattr(action.run, "__code__", None)
    rank = ACTION_MODULES.index(module) if module in ACTION_MODULES else len(ACTION_MODULES)
    return rank, code.co_firstlineno if code is not None else 0


def verbs(noun: str) -> dict[str, Action]:
    """The verbs of a noun, aliases excluded, in ACTION_MODULES then source order."""
    load_all()
    own = [a for v, a in _VERBS[noun].items() if a.verb == v]
    return {a.verb: a for a in sorted(own, key=_rank)}


def get(noun: str, verb_name: str) -> Action | None:
    load_all()
    return _VERBS.get(noun, {}).get(verb_name)


def all_actions() -> list[Action]:
    load_all()
    return [a for n in _VERBS for a in verbs(n).values()]
