"""``-i ID`` / ``-n NAME`` / ``-s SEARCH`` to engine objects.

``find`` returns every match; ``one`` insists on exactly one (exit 4 otherwise, naming them).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote as urlquote

import ovirtsdk4

from ..textsafe import is_unsafe, visible
from .base import ActionContext, NoMatch, Selector, UsageError
from .errors import engine_errors
from .nouns import Noun


def collection_service(system: Any, noun: Noun) -> Any:
    if not noun.collection:
        raise UsageError(f"{noun.name} has no collection to select from.")
    return getattr(system, noun.collection)()


def entity_method(noun: Noun) -> str:
    """The collection service's method for one object (``vm_service``)."""
    if not noun.entity:
        raise UsageError(f"{noun.name} has no single object to select.")
    return noun.entity


def entity_service(system: Any, noun: Noun, obj_id: str) -> Any:
    return getattr(collection_service(system, noun), entity_method(noun))(obj_id)


def quote(value: str) -> str:
    """Quote a value for the engine search language when it has spaces, quotes, operators or
    brackets (a name such as ``web-[prod]`` or ``a=b`` is a syntax error unquoted)."""
    if any(c in value for c in ' "=<>!()[]'):
        return '"' + value.replace('"', '\\"') + '"'
    return value


# The engine sits behind Apache httpd, whose request line is at most 8190 bytes
# (LimitRequestLine): a longer search gets a 414 page instead of an answer.
MAX_SEARCH_BYTES = 7000
MAX_ID_LENGTH = 200
_ID = re.compile(r"[A-Za-z0-9_-]+")


def name_search(name: str) -> str:
    """The engine search for ``-n NAME`` (``*`` wildcards kept)."""
    return f"name={quote(name)}"


def name_matches(pattern: str, name: str | None) -> bool:
    """``name`` matches ``-n pattern``: case-insensitive, ``*`` any run of characters."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, name or "", re.IGNORECASE | re.DOTALL) is not None


def check_selector(selector: Selector) -> None:
    """UsageError for a selector the engine cannot be asked: an id that is not an id, a
    control or invisible character (no engine name holds one; pasted text often does), a
    search longer than the engine's web server takes."""
    for flag, value in (("-i", selector.id), ("-n", selector.name), ("-s", selector.search)):
        if not value:
            continue
        bad = next((ch for ch in value if is_unsafe(ch)), None)
        if bad is not None:
            raise UsageError(
                f"{flag} {visible(value, limit=80)} has a control or invisible character"
                f" ({visible(bad)}).",
                "Type it again without it (it often comes with pasted text).",
            )
    if selector.id and (len(selector.id) > MAX_ID_LENGTH or not _ID.fullmatch(selector.id)):
        raise UsageError(
            f"-i {visible(selector.id, limit=80)} is not an engine id.",
            "An id is letters, digits, - and _ (ovtui run NOUN list shows them).",
        )
    search = name_search(selector.name) if selector.name else selector.search
    if search:
        size = len(urlquote(search, safe=""))
        if size > MAX_SEARCH_BYTES:
            flag = "-n" if selector.name else "-s"
            raise UsageError(
                f"{flag} is too long for the engine: {size} bytes once URL-encoded,"
                f" at most {MAX_SEARCH_BYTES}.",
                "Narrow it down, or run several shorter searches.",
            )


def find(
    ctx: ActionContext,
    noun: Noun,
    selector: Selector,
    *,
    follow: str | None = None,
    max_rows: int | None = None,
) -> list[Any]:
    """Every object of ``noun`` the selector matches (all of them without a selector)."""
    check_selector(selector)
    coll = collection_service(ctx.system, noun)
    with engine_errors(f"listing {noun.plural}"):
        if selector.id:
            try:
                return [getattr(coll, entity_method(noun))(selector.id).get(follow=follow)]
            except ovirtsdk4.NotFoundError:
                return []
        kw: dict[str, Any] = {}
        if follow:
            kw["follow"] = follow
        if max_rows:
            kw["max"] = max_rows
        if selector.name:
            if noun.searchable:
                found = coll.list(search=name_search(selector.name), **kw)
            else:
                found = coll.list(**kw)
            if "*" in selector.name:
                if noun.searchable:
                    return list(found)  # the engine matched the wildcard
                return [o for o in found if name_matches(selector.name, getattr(o, "name", None))]
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
