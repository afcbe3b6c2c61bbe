"""How a verb module declares its verbs: the ``@verb`` decorator and the table it fills.

A verb module imports this (never :mod:`.registry`): the registry imports every verb module,
so that direction keeps the import graph free of cycles. Lookups go through the registry,
which has imported them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import Action, ActionContext, Param, Preview, Result, Target
from .nouns import NOUNS

DECLARED: dict[str, dict[str, Action]] = {name: {} for name in NOUNS}


def register(action: Action) -> Action:
    if action.noun not in DECLARED:
        raise ValueError(f"unknown noun {action.noun!r}")
    DECLARED[action.noun][action.verb] = action
    for alias in action.aliases:
        DECLARED[action.noun][alias] = action
    return action


Planner = Callable[[ActionContext, list[Any], dict[str, Any]], Preview]


def verb(
    noun: str,
    name: str,
    help: str,
    *,
    params: tuple[Param, ...] | list[Param] = (),
    target: Target = "one",
    mutating: bool = False,
    dangerous: bool = False,
    waits: bool = False,
    wait: float | None = None,
    plan: Planner | None = None,
    key: str | None = None,
    aliases: tuple[str, ...] = (),
    description: str = "",
    subtab: str | None = None,
    subject: str | None = None,
) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Decorator registering ``run(ctx, target, **params)`` as ``noun name``.

    ``subtab``/``subject``: the verb lives on that sub-tab of the detail screen and the
    selected row fills the ``subject`` param (see :class:`~.base.Action`)."""

    def deco(fn: Callable[..., Result]) -> Callable[..., Result]:
        register(
            Action(
                noun=noun,
                verb=name,
                help=help,
                run=fn,
                params=tuple(params),
                target=target,
                mutating=mutating,
                dangerous=dangerous,
                waits=waits,
                wait=wait,
                plan=plan,
                key=key,
                aliases=aliases,
                description=description or (fn.__doc__ or "").strip(),
                subtab=subtab,
                subject=subject,
            )
        )
        return fn

    return deco


def register_verb_fn(
    noun: str, name: str, fn: Callable[..., Result], help: str, **kw: Any
) -> Callable[..., Result]:
    """Register an already-built function (for verbs made in a loop)."""
    return verb(noun, name, help, **kw)(fn)
