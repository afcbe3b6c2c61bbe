"""The read verbs every noun has: list, show, export [SUBPATH...], statistics.

Plus ``system show`` (product, version, summary counts) and ``event list [--from] [--follow]``.
"""

from __future__ import annotations

from typing import Any

import ovirtsdk4

from .base import ActionContext, Param, Result, UsageError
from .declare import register_verb_fn
from .errors import engine_errors
from .nouns import NOUNS, Noun
from .pages import PagedList, pageable
from .selectors import collection_service, entity_service, find

LIST_PARAMS = (
    Param("max", ("--max",), "at most this many objects (the engine's max=)", kind="int"),
    Param("page", ("--page",), "page N of --max rows (engine paging)", kind="int"),
)

# SDK type name -> (noun whose collection names it). Used to name referenced objects.
_REF_NOUNS = {
    "host": "host",
    "cluster": "cluster",
    "data_center": "datacenter",
    "template": "template",
    "storage_domain": "storagedomain",
    "vm": "vm",
}


def reference_names(
    ctx: ActionContext, objs: list[Any], columns: tuple[str, ...]
) -> dict[str, str]:
    """id -> name for the objects the shown columns refer to: one list request per type."""
    names: dict[str, str] = {}
    for col in columns:
        attr = col.split(".")[0]
        noun_name = _REF_NOUNS.get(attr)
        if noun_name is None or "." in col:
            continue
        refs = [getattr(o, attr, None) for o in objs]
        if not any(r is not None and getattr(r, "id", None) and not r.name for r in refs):
            continue
        try:
            for o in collection_service(ctx.system, NOUNS[noun_name]).list():
                names[o.id] = o.name
        except ovirtsdk4.Error:
            pass  # names are a nicety; ids still show
    return names


def paged_search(search: str | None, page: int | None) -> str | None:
    """Append the engine's ``page N`` to a search (webadmin's paging)."""
    if not page:
        return search
    if page < 1:
        raise UsageError("--page must be 1 or more.")
    return f"{search or ''} page {page}".strip()


def streamable(noun: Noun, sel: Any, max: int | None, page: int | None) -> bool:
    """A whole (or searched) collection the engine can page: read by :class:`PagedList`.
    Storage domains are not (their status is filled in from their data centers)."""
    if max or page or sel.id or sel.name or not noun.searchable:
        return False
    return noun.name != "storagedomain" and pageable(sel.search)


def make_list(noun: Noun):
    def run(ctx: ActionContext, target: Any, max: int | None = None, page: int | None = None):
        sel = ctx.selector
        if page and not max:
            max = 100
        if streamable(noun, sel, max, page):
            # read by pages, the later ones in worker processes; written as they come
            objs = PagedList(ctx, noun, sel.search)
            return Result(data=objs, columns=noun.columns, root=noun.plural)
        if (sel.search or page) and noun.searchable:
            coll = collection_service(ctx.system, noun)
            with engine_errors(f"listing {noun.plural}"):
                objs = list(coll.list(search=paged_search(sel.search, page), max=max))
        else:
            objs = find(ctx, noun, sel, max_rows=max)
        if noun.name == "storagedomain":
            fill_domain_status(ctx.system, objs)
        return Result(
            data=objs,
            columns=noun.columns,
            names=reference_names(ctx, objs, noun.columns),
            root=noun.plural,
            message=f"{len(objs)} {noun.plural}",
        )

    run.__doc__ = f"List {noun.plural} (-s SEARCH narrows, --max/--page page through)."
    return run


def fill_domain_status(system: Any, domains: list[Any]) -> None:
    """An attached domain's status lives under its data center (webadmin's cross data center
    status): one request per data center, not per domain."""
    pending = {d.id: d for d in domains if d.status is None and d.data_centers}
    dc_ids = {dc.id for d in pending.values() for dc in d.data_centers}
    for dc_id in dc_ids:
        try:
            attached = (
                system.data_centers_service()
                .data_center_service(dc_id)
                .storage_domains_service()
                .list()
            )
        except ovirtsdk4.Error:
            continue  # the status stays unknown; the rest of the row is still right
        for sd in attached:
            if sd.id in pending and sd.status is not None:
                pending[sd.id].status = sd.status


def make_show(noun: Noun):
    def run(ctx: ActionContext, target: Any) -> Result:
        if noun.name == "storagedomain":
            fill_domain_status(ctx.system, [target])
        return Result(data=target, root=noun.plural)

    run.__doc__ = f"Show one {noun.name}, every attribute."
    return run


def make_export(noun: Noun):
    def run(ctx: ActionContext, target: Any, subpath: list[str] | None = None) -> Result:
        if not subpath:
            return Result(data=target, root=noun.plural)
        service = entity_service(ctx.system, noun, target.id)
        path = "/".join(subpath)
        with engine_errors(f"reading {noun.name} {target.name or target.id} {path}"):
            try:
                for part in subpath:
                    service = service.service(part)
            except ovirtsdk4.Error:
                raise UsageError(
                    f"{noun.name} has no sub-collection {path!r}.",
                    "Examples: nics, disk_attachments, statistics, snapshots, permissions.",
                ) from None
            if hasattr(service, "list"):
                objs = list(service.list())
                return Result(data=objs, root=subpath[-1])
            return Result(data=service.get())

    run.__doc__ = f"Export one {noun.name} (or its SUBPATH, e.g. nics) as the engine's XML."
    return run


def statistics_rows(stats: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for s in stats:
        values = [v.datum if v.datum is not None else v.detail for v in (s.values or [])]
        rows.append(
            {
                "name": s.name,
                "value": values[0] if len(values) == 1 else values,
                "unit": getattr(s.unit, "value", s.unit),
                "description": s.description,
            }
        )
    return rows


def make_statistics(noun: Noun):
    def run(ctx: ActionContext, target: Any) -> Result:
        service = entity_service(ctx.system, noun, target.id).statistics_service()
        with engine_errors(f"reading statistics of {target.name or target.id}"):
            stats = list(service.list())
        return Result(data=statistics_rows(stats), root="statistics")

    run.__doc__ = f"The engine's statistics of one {noun.name}."
    return run


def system_show(ctx: ActionContext, target: Any) -> Result:
    """Product, version, the logged-in user and the summary counts of the engine."""
    with engine_errors("reading the API root"):
        api = ctx.system.get()
    return Result(data=api, root="api")


def register_all() -> None:
    for noun in NOUNS.values():
        if noun.name == "system":
            register_verb_fn(
                "system", "show", system_show, "engine product, version, counts", target="none"
            )
            continue
        if noun.name != "event":
            register_verb_fn(
                noun.name,
                "list",
                make_list(noun),
                f"list {noun.plural}",
                params=LIST_PARAMS,
                target="none",
            )
        register_verb_fn(noun.name, "show", make_show(noun), f"show one {noun.name}")
        register_verb_fn(
            noun.name,
            "export",
            make_export(noun),
            f"export one {noun.name} (or a SUBPATH of it) as XML",
            params=(
                Param(
                    "subpath",
                    ("subpath",),
                    "sub-collection path, e.g. nics",
                    nargs="*",
                    metavar="SUBPATH",
                ),
            ),
        )
        if noun.statistics:
            register_verb_fn(
                noun.name, "statistics", make_statistics(noun), f"statistics of one {noun.name}"
            )


register_all()
