"""The read verbs every noun has: list, show, export [SUBPATH...], statistics.

Plus ``system show`` (product, version, summary counts) and ``event list [--from] [--follow]``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import ovirtsdk4

from .base import ActionContext, NoMatch, Param, Result, UsageError
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
        service = entity_service(ctx.system, noun, target.id) if noun.entity else None
        label = f"{noun.name} {target.name or target.id}"
        return export_path(ctx, label, target, service, subpath)

    run.__doc__ = (
        f"Export one {noun.name} as the engine's XML, or a SUBPATH of it (as ovirtcmd does):"
        " a sub-collection by its API name (nics, disk_attachments or diskattachments), an"
        " attribute (name, initialization, cpu topology); -s exports every match."
    )
    return run


def _key(word: str) -> str:
    """How a SUBPATH word is matched: ``disk_attachments``, ``diskattachments`` and
    ``disk-attachments`` are one name."""
    return word.lower().replace("_", "").replace("-", "")


def sub_collections(service: Any) -> list[str]:
    """The sub-collection names of an SDK service (``disk_attachments``, ``nics``...)."""
    return sorted(
        m[: -len("_service")]
        for m in dir(service)
        if m.endswith("_service") and not m.startswith("_") and callable(getattr(service, m))
    )


def attributes(obj: Any) -> list[str]:
    """The attribute names of an SDK type (``name``, ``initialization``...)."""
    cls = type(obj)
    return sorted(
        a for a in dir(cls) if not a.startswith("_") and isinstance(getattr(cls, a, None), property)
    )


def _sub_service(service: Any, word: str) -> Any | None:
    for name in sub_collections(service):
        if _key(name) == _key(word):
            return getattr(service, f"{name}_service")()
    return None


def _attribute(obj: Any, word: str) -> str | None:
    for name in attributes(obj):
        if _key(name) == _key(word):
            return name
    return None


def _plain(value: Any) -> Any:
    """An attribute's value as it is printed: an enum's API value, a time in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_path(
    ctx: ActionContext, label: str, obj: Any, service: Any | None, path: list[str]
) -> Result:
    """``export SUBPATH...`` from ``obj`` (read through ``service`` when it has one): each word
    a sub-collection of the service, else an attribute of the object; after a list, the rest
    of the path applies to each of its items (``export nics name``)."""
    word, rest = path[0], path[1:]
    with engine_errors(f"reading {label} {'/'.join(path)}"):
        sub = _sub_service(service, word) if service is not None else None
        if sub is not None:
            if hasattr(sub, "list"):
                items = list(sub.list())
                if not rest:
                    return Result(data=items, root=word)
                return _each(ctx, label, items, sub, rest, word)
            return _continue(ctx, label, sub.get(), sub, rest, word)
        attr = _attribute(obj, word) if obj is not None else None
        if attr is not None and getattr(obj, attr) is None and service is not None:
            # some attributes (a VM's initialization) come only with all_content
            try:
                obj = service.get(all_content=True)
            except TypeError:
                obj = service.get()
    if attr is None:
        subs = sub_collections(service) if service is not None else []
        attrs = attributes(obj) if obj is not None else []
        hint = []
        if subs:
            hint.append(f"sub-collections: {', '.join(subs)}")
        if attrs:
            hint.append(f"attributes: {', '.join(attrs)}")
        raise UsageError(
            f"{label} has no sub-collection or attribute {word!r}.",
            ("; ".join(hint) + ".") if hint else None,
        )
    value = getattr(obj, attr)
    if isinstance(value, list):
        if not rest:
            return Result(data=[_plain(v) for v in value], root=attr)
        return _each(ctx, label, value, None, rest, attr)
    return _continue(ctx, label, value, None, rest, attr)


def _continue(
    ctx: ActionContext, label: str, value: Any, service: Any | None, rest: list[str], word: str
) -> Result:
    if not rest:
        if value is None:
            return Result(data=None, message=f"{label}: {word} is not set.")
        return Result(data=_plain(value), root=word)
    if value is None:
        return Result(data=None, message=f"{label}: {word} is not set.")
    return export_path(ctx, f"{label} {word}", value, service, rest)


def _each(
    ctx: ActionContext,
    label: str,
    items: list[Any],
    collection: Any | None,
    rest: list[str],
    word: str,
) -> Result:
    out: list[Any] = []
    for item in items:
        item_service = None
        if collection is not None and getattr(item, "id", None):
            item_service = collection.service(item.id)
        name = getattr(item, "name", None) or getattr(item, "id", None) or ""
        res = export_path(ctx, f"{label} {word} {name}".rstrip(), item, item_service, rest)
        if res.data is None:
            continue
        out.extend(res.data if isinstance(res.data, list) else [res.data])
    return Result(data=out, root=rest[-1])


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


SUBPATH = Param(
    "subpath",
    ("subpath",),
    "a sub-collection (nics, disk_attachments) or attribute (name, initialization) path",
    nargs="*",
    metavar="SUBPATH",
)


def system_export(ctx: ActionContext, target: Any, subpath: list[str] | None = None) -> Result:
    """The API root as the engine's XML, or a SUBPATH of it: ``system export summary vms
    active`` (ovirtcmd's), ``system export product_info version``."""
    with engine_errors("reading the API root"):
        api = ctx.system.get()
    if not subpath:
        return Result(data=api, root="api")
    return export_path(ctx, "system", api, ctx.system, subpath)


def _levels(ctx: ActionContext) -> list[Any]:
    """The cluster levels ``-n VERSION`` names (ovirtcmd's ``capabilities -n 4.7``), or all."""
    sel = ctx.selector
    coll = ctx.system.cluster_levels_service()
    wanted = sel.name or sel.id
    if sel.search:
        raise UsageError("Cluster levels cannot be searched; use -n VERSION (e.g. -n 4.7).")
    with engine_errors("reading the cluster levels"):
        if not wanted:
            return list(coll.list())
        try:
            return [coll.level_service(wanted).get()]
        except ovirtsdk4.NotFoundError:
            versions = ", ".join(lv.id for lv in coll.list())
            raise NoMatch(
                f"The engine has no cluster level {wanted}.", f"Its levels: {versions}."
            ) from None


def capabilities_show(ctx: ActionContext, target: Any) -> Result:
    """One cluster level (-n VERSION): its CPU types and permits."""
    levels = _levels(ctx)
    return Result(data=levels[0] if len(levels) == 1 else levels, root="cluster_levels")


def capabilities_export(
    ctx: ActionContext, target: Any, subpath: list[str] | None = None
) -> Result:
    """The cluster levels (-n VERSION: one) as the engine's XML, or a SUBPATH of each:
    ``capabilities -n 4.7 export cpu_types``."""
    levels = _levels(ctx)
    if not subpath:
        return Result(data=levels[0] if len(levels) == 1 else levels, root="cluster_levels")
    coll = ctx.system.cluster_levels_service()
    return _each(ctx, "capabilities", levels, coll, subpath, "capabilities")


def _read_operating_systems() -> None:
    """The engine answers ``GET /operatingsystems`` with ``<operating_systems>``, which the
    SDK's generated reader table names ``operation_systems`` (ovirtcmd: "names are buggy in
    ovirt sdk"): without this the SDK cannot read the list."""
    from ovirtsdk4.reader import Reader
    from ovirtsdk4.readers import OperatingSystemInfoReader

    if Reader._readers.get("operating_systems") is None:  # noqa: SLF001 - the SDK's own table
        Reader.register("operating_systems", OperatingSystemInfoReader.read_many)


def register_all() -> None:
    _read_operating_systems()
    for noun in NOUNS.values():
        if noun.name == "system":
            register_verb_fn(
                "system", "show", system_show, "engine product, version, counts", target="none"
            )
            register_verb_fn(
                "system",
                "export",
                system_export,
                "the API root (or a SUBPATH of it: summary vms active) as XML",
                params=(SUBPATH,),
                target="none",
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
        if noun.name == "capabilities":
            register_verb_fn(
                noun.name, "show", capabilities_show, "one cluster level (-n 4.7)", target="none"
            )
            register_verb_fn(
                noun.name,
                "export",
                capabilities_export,
                "cluster levels (-n 4.7: one), or a SUBPATH of them, as XML",
                params=(SUBPATH,),
                target="none",
            )
            continue
        register_verb_fn(noun.name, "show", make_show(noun), f"show one {noun.name}")
        register_verb_fn(
            noun.name,
            "export",
            make_export(noun),
            f"export {noun.plural} (or a SUBPATH of each: nics, name) as XML",
            params=(SUBPATH,),
            target="many",
        )
        if noun.statistics:
            register_verb_fn(
                noun.name, "statistics", make_statistics(noun), f"statistics of one {noun.name}"
            )


register_all()
