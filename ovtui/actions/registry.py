"""Every noun's verbs: ``verbs("vm")``, ``get("vm", "start")``, ``all_actions()``.

The one registration path: each verb module declares its verbs with ``@verb``
(:mod:`.declare`), and :data:`VERB_MODULES` below imports every one of them, in the order
their verbs are listed (footer, help, palette). Nothing else imports a module for its verbs.
The registry drives the ``ovtui run`` parser, the TUI's footer keys and its command palette.
"""

from __future__ import annotations

from .base import Action
from .declare import DECLARED, register, register_verb_fn, verb
from .nouns import NOUNS, Noun, resolve_noun

# Before the verb modules: a module not yet moved to .declare/.nouns still finds these here.
__all__ = ["NOUNS", "Noun", "VERB_MODULES", "register", "register_verb_fn", "resolve_noun", "verb"]

from . import (  # noqa: E402 - the names above first (see there)
    affinity,
    clusters,
    datacenters,
    disk_transfer,
    disks,
    events,
    host_maintenance,
    host_networks,
    host_upgrade,
    hosts,
    images,
    macpools,
    networks,
    ovirtcmd_verbs,
    permissions,
    quotas,
    read,
    roles,
    scheduling,
    storage,
    storage_domains,
    tags,
    templates_verbs,
    users,
    vm_autoinstall,
    vm_clone,
    vm_console,
    vm_create,
    vm_disks,
    vm_migrate,
    vm_nics,
    vm_pools,
    vm_snapshots,
    vm_update,
    vms,
)

VERB_MODULES = (
    read,
    vms,
    vm_migrate,
    ovirtcmd_verbs,
    vm_create,
    vm_update,
    vm_nics,
    vm_disks,
    vm_snapshots,
    vm_clone,
    vm_console,
    vm_autoinstall,
    vm_pools,
    host_maintenance,
    host_upgrade,
    hosts,
    host_networks,
    datacenters,
    clusters,
    networks,
    storage,
    storage_domains,
    disks,
    disk_transfer,
    images,
    templates_verbs,
    events,
    users,
    roles,
    permissions,
    tags,
    quotas,
    macpools,
    affinity,
    scheduling,
)
_ORDER = [m.__name__ for m in VERB_MODULES]


def _rank(action: Action) -> tuple[int, int]:
    module = getattr(action.run, "__module__", "")
    code = getattr(action.run, "__code__", None)
    rank = _ORDER.index(module) if module in _ORDER else len(_ORDER)
    return rank, code.co_firstlineno if code is not None else 0


def verbs(noun: str) -> dict[str, Action]:
    """The verbs of a noun, aliases excluded, in VERB_MODULES then source order."""
    own = [a for v, a in DECLARED[noun].items() if a.verb == v]
    return {a.verb: a for a in sorted(own, key=_rank)}


def get(noun: str, verb_name: str) -> Action | None:
    return DECLARED.get(noun, {}).get(verb_name)


def all_actions() -> list[Action]:
    return [a for n in DECLARED for a in verbs(n).values()]
