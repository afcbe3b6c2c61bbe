"""ovirtcmd's spellings of verbs ovtui already has.

``vm migrating -f -p PAUSE`` (ovirtcmd's ``migrating`` verb): the migrating VMs and their
progress; ``-f/--follow`` keeps looking while at least one VM migrates, ``-p/--pause`` is the
number of seconds between two looks (ovirtcmd's default 5; ovirtcmd ignores it and always
waits 5 s, ovtui waits what it says). The verb itself is ``vm_migrate.migrating``; this module
gives it ovirtcmd's short flags. After the verb, ``-p`` is the verb's (as ``bond -o`` or
``autoinstall -c``): the global ``-p PROFILE`` goes before the noun.
"""

from __future__ import annotations

from dataclasses import replace

from .declare import DECLARED, register
from .vm_migrate import migrating

_SHORT = {"follow": "-f", "pause": "-p"}


def _with_ovirtcmd_flags() -> None:
    action = DECLARED["vm"]["migrating"]
    assert action.run is migrating  # the verb this module gives its flags to
    params = tuple(
        replace(p, flags=(*p.flags, _SHORT[p.name]))
        if p.name in _SHORT and _SHORT[p.name] not in p.flags
        else p
        for p in action.params
    )
    if params != action.params:
        register(replace(action, params=params))


_with_ovirtcmd_flags()

__all__: list[str] = []
