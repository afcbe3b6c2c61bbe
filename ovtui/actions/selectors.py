"""``-i ID`` / ``-n NAME`` / ``-s SEARCH`` to engine objects.

``find`` returns every match; ``one`` insists on exactly one (exit 4 otherwise, naming them).
"""

from __future__ import annotations

from typing import Any

import ovirtsdk4

from .base import ActionContext, NoMatch, Selector, UsageError
from .errors import engine_errors
from .registry import Noun


def collection_service(system: Any, noun: Noun) -> Any:
    if not noun.collection:
        raise UsageError(f"{noun.name} has no collection to select from.")
    return getattr(system, noun.collection)()


def entity_service(system: Any, noun: Noun, obj_id: str) -> Any:
    return getattr(collection_service(system, noun), noun.entity)(obj_id)


def quote(value: str) -> str:
    """Quote a value for the engine search language when it has spaces or quotes."""
    if any(c in value for c in ' "=<>!'):
        return '"' + value.replace('"', '\\"') + '"'
    return value


def find(
    ctx: ActionContext,
    noun: Noun,
    selector: Selector,
    *,
    follow: str | None = None,
    max_rows: int | None = None,
) -> list[Any]:
    """Every object of ``noun`` the selector matches (all of them without a selector)."""
    coll = collection_service(ctx.system, noun)
    with engine_errors(f"listing {noun.plural}"):
        if selector.id:
            try:
                return [getattr(coll, noun.entity)(selector.id).get(follow=follow)]
            except ovirtsdk4.NotFoundError:
                return []
        kw: dict[str, Any] = {}
        if follow:
            kw["follow"] = follow
        if max_rows:
            kw["max"] = max_rows
        if selector.name:
            if noun.searchable:
                found = coll.list(search=f"name={quote(selector.name)}", **kw)
            else:
                found = coll.list(**kw)
            if "*" in selector.name:
                return list(found)
            want = selector.name.lower()
            return [o for o in found if (getattr(o, "name", None) or "").lower() == want]
        if selector.search:
            if not noun.searchable:
                raise UsageError(f"{noun.plural} cannot be searched; use -i or -n.")
            return list(coll.list(search=selector.search, **kw))
        return list(coll.list(**kw))


def label(obj: Any) -> str:
    name = getattr(obj, "name", None)
    return f"{name} ({obj.id})" if name else str(getattr(obj, "id", obj))


def one(ctx: ActionContext, noun: Noun, selector: Selector, *, follow: str | None = None) -> Any:
    """Exactly one object, or NoMatch (exit 4) naming what matched."""
    if not selector.given:
        raise UsageError(
            f"Say which {noun.name}: -i ID, -n NAME or -s SEARCH before the verb.",
            f"Example: ovtui run {noun.name} -n NAME show",
        )
    found = find(ctx, noun, selector, follow=follow)
    if not found:
        raise NoMatch(f"No {noun.name} matches {selector.describe()}.")
    if len(found) > 1:
        names = ", ".join(label(o) for o in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise NoMatch(
            f"{len(found)} {noun.plural} match {selector.describe()}: {names}{more}.",
            "This verb works on one object: narrow the selector (-i ID or -n NAME).",
        )
    return found[0]
