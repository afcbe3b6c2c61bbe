"""Small helpers shared by the host verbs, the rolling upgrade and the storage verbs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ovirtsdk4
from ovirtsdk4 import services, types

from .base import ActionContext, EventInfo
from .errors import engine_errors
from .nouns import NOUNS
from .selectors import entity_service
from .waiters import to_event_info


def host_service(ctx: ActionContext, host: types.Host | str) -> services.HostService:
    return entity_service(ctx.system, NOUNS["host"], host_id(host))


def host_id(host: types.Host | str) -> str:
    return host if isinstance(host, str) else host.id


def get_host(ctx: ActionContext, host: types.Host | str) -> types.Host:
    """A fresh copy of ``host`` (SDK object or id) from the engine."""
    with engine_errors("reading the host"):
        return host_service(ctx, host).get()


def newest_event_id(ctx: ActionContext) -> int:
    try:
        newest = ctx.system.events_service().list(max=1)
    except ovirtsdk4.Error:
        return 0
    return int(newest[0].id) if newest else 0


class EventScan:
    """Events since a point, whatever their correlation id, filtered locally by code and by
    the host / VMs they link to. The engine logs migration, maintenance and upgrade events
    from internal commands whose correlation id may not be ours."""

    def __init__(self, ctx: ActionContext, codes: Iterable[int], since: int | None = None):
        self.ctx = ctx
        self.codes = frozenset(codes)
        self.last_id = newest_event_id(ctx) if since is None else since

    def poll(
        self,
        host_ids: Iterable[str] = (),
        vm_ids: Iterable[str] = (),
        correlation_id: str | None = None,
    ) -> list[tuple[EventInfo, Any]]:
        """New matching events, oldest first, as (EventInfo, raw SDK event)."""
        hosts, vms = set(host_ids), set(vm_ids)
        try:
            found = self.ctx.system.events_service().list(from_=self.last_id)
        except ovirtsdk4.Error:
            return []
        out = []
        for ev in sorted(found, key=lambda e: int(e.id)):
            if int(ev.id) <= self.last_id:
                continue
            self.last_id = int(ev.id)
            if ev.code not in self.codes:
                continue
            linked = (
                (ev.host is not None and ev.host.id in hosts)
                or (ev.vm is not None and ev.vm.id in vms)
                or (correlation_id is not None and ev.correlation_id == correlation_id)
            )
            if linked:
                out.append((to_event_info(ev), ev))
        return out
