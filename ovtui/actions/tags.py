"""Tags: ``tag list/create/update/remove`` (a tree: each tag has a parent, the root tag at
the top), ``vm tag-assign/tag-unassign`` and ``host tag-assign/tag-unassign``.

Also the helpers the other catalog verb modules share (quotas, MAC pools, affinity,
scheduling): picking one object by the ``-i/-n`` selector or a name given as an option, and
an add sent once (their ``done`` is :func:`.writes.done`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import read as _read  # noqa: F401 - its generic verbs first: the ones here replace some
from .base import ActionContext, NoMatch, Param, Result, UsageError
from .declare import verb
from .errors import engine_errors
from .selectors import name_matches
from .vm_writes import add_once
from .waiters import send_action
from .writes import done

ROOT_TAG = "00000000-0000-0000-0000-000000000000"
TAG_COLUMNS = ("name", "parent", "description", "id")


# ------------------------------------------------------------------ shared helpers
def pick(
    ctx: ActionContext,
    items: list[Any],
    which: str | None,
    what: str,
    where: str = "",
) -> Any:
    """The one item ``which`` names (a name, ``*`` wildcards, or an id), else the one the
    ``-i/-n`` selector names; NoMatch (exit 4) naming the choices otherwise."""
    sel = ctx.selector
    if which:
        found = [i for i in items if i.id == which] or [
            i for i in items if name_matches(which, getattr(i, "name", None))
        ]
        said = repr(which)
    elif sel.id:
        found, said = [i for i in items if i.id == sel.id], f"id {sel.id}"
    elif sel.name:
        found = [i for i in items if name_matches(sel.name, getattr(i, "name", None))]
        said = f"name {sel.name}"
    else:
        raise UsageError(f"Say which {what}: -n NAME (or -i ID) before the verb, or its name.")
    if len(found) == 1:
        return found[0]
    names = ", ".join(sorted(str(getattr(i, "name", None) or i.id) for i in items)) or "none"
    place = f" in {where}" if where else ""
    if not found:
        raise NoMatch(f"No {what} matches {said}{place}.", f"There are: {names}.")
    raise NoMatch(f"{len(found)} {what}s match {said}{place}.", "Name one (or give its id, -i ID).")


def added(
    ctx: ActionContext, svc: Any, spec: Any, label: str, find: Callable[[], Any | None]
) -> Any:
    """``svc.add(spec)`` sent once (a lost reply is read back with ``find``)."""
    obj, _cid, _follower = add_once(ctx, svc, spec, label, find)
    return obj


# ------------------------------------------------------------------ tags
def all_tags(ctx: ActionContext) -> list[Any]:
    with engine_errors("listing tags"):
        return list(ctx.system.tags_service().list())


def tree_order(tags: list[Any]) -> list[Any]:
    """Parents before their children, depth first, siblings by name."""
    ids = {t.id for t in tags}
    kids: dict[str | None, list[Any]] = {}
    for t in tags:
        pid = t.parent.id if t.parent is not None and t.parent.id in ids else None
        kids.setdefault(pid, []).append(t)
    out: list[Any] = []

    def walk(pid: str | None) -> None:
        for t in sorted(kids.get(pid, []), key=lambda x: (x.name or "").lower()):
            out.append(t)
            walk(t.id)

    walk(None)
    return out + [t for t in tags if t not in out]


def tag_names(tags: list[Any]) -> dict[str, str]:
    names = {t.id: t.name for t in tags if t.name}
    names[ROOT_TAG] = "root"
    return names


@verb("tag", "list", "List tags (parents before their children)", target="none")
def tag_list(ctx: ActionContext, target: Any = None, **_: Any) -> Result:
    """The tag tree: each tag with its parent (``root`` for a top-level tag)."""
    tags = tree_order(all_tags(ctx))
    if ctx.selector.name:
        tags = [t for t in tags if name_matches(ctx.selector.name, t.name)]
    return Result(
        data=tags,
        columns=TAG_COLUMNS,
        names=tag_names(tags + all_tags(ctx) if ctx.selector.name else tags),
        root="tags",
        message=f"{len(tags)} tags",
    )


def _tag(ctx: ActionContext, which: str | None) -> Any:
    return pick(ctx, all_tags(ctx), which, "tag")


def _parent_ref(ctx: ActionContext, parent: str | None) -> Any:
    from ovirtsdk4 import types

    if parent in (None, ""):
        return None
    if parent == "root":
        return types.Tag(id=ROOT_TAG)
    return types.Tag(id=pick(ctx, all_tags(ctx), parent, "parent tag").id)


TAG_NAME = Param("tag", ("tag",), "the tag (name or id; or -n NAME before the verb)", nargs="?")


@verb(
    "tag",
    "create",
    "Create a tag (below --parent, else at the top)",
    params=(
        Param("name", ("--name",), "the tag's name", required=True),
        Param("parent", ("--parent",), "the parent tag (name or id; default: the root)"),
        Param("description", ("--description",), "what the tag means"),
    ),
    target="none",
    mutating=True,
    key="c",
)
def tag_create(
    ctx: ActionContext,
    target: Any = None,
    name: str = "",
    parent: str | None = None,
    description: str | None = None,
) -> Result:
    from ovirtsdk4 import types

    spec = types.Tag(name=name, description=description, parent=_parent_ref(ctx, parent))
    svc = ctx.system.tags_service()
    tag = added(
        ctx,
        svc,
        spec,
        f"create tag {name}",
        lambda: next((t for t in svc.list() if t.name == name), None),
    )
    tags = all_tags(ctx)
    where = tag_names(tags).get(tag.parent.id, "root") if tag.parent is not None else "root"
    return done(
        ctx, f"tag {tag.name} created below {where}", tag, names=tag_names(tags), root="tags"
    )


@verb(
    "tag",
    "update",
    "Rename a tag, change its description or move it below another parent",
    params=(
        TAG_NAME,
        Param("new_name", ("--name",), "new name"),
        Param("parent", ("--parent",), "new parent tag (name or id; 'root' for the top)"),
        Param("description", ("--description",), "new description"),
    ),
    target="none",
    mutating=True,
    key="U",
)
def tag_update(
    ctx: ActionContext,
    target: Any = None,
    tag: str | None = None,
    new_name: str | None = None,
    parent: str | None = None,
    description: str | None = None,
) -> Result:
    from ovirtsdk4 import types

    found = _tag(ctx, tag)
    spec = types.Tag(name=new_name, description=description, parent=_parent_ref(ctx, parent))
    svc = ctx.system.tags_service().tag_service(found.id)
    send_action(ctx, svc, "update", what=f"tag {found.name}", tag=spec)
    with engine_errors(f"reading tag {found.name}"):
        now = svc.get()
    return done(ctx, f"tag {now.name} updated", now, names=tag_names(all_tags(ctx)), root="tags")


@verb(
    "tag",
    "remove",
    "Remove a tag and the tags below it (their assignments go too)",
    params=(TAG_NAME,),
    target="none",
    mutating=True,
    dangerous=True,
    key="D",
)
def tag_remove(ctx: ActionContext, target: Any = None, tag: str | None = None) -> Result:
    found = _tag(ctx, tag)
    svc = ctx.system.tags_service().tag_service(found.id)
    send_action(ctx, svc, "remove", what=f"tag {found.name}")
    return done(ctx, f"tag {found.name} removed")


# ------------------------------------------------------------------ assignment
def _entity_service(ctx: ActionContext, noun: str, obj: Any) -> Any:
    if noun == "vm":
        return ctx.system.vms_service().vm_service(obj.id)
    return ctx.system.hosts_service().host_service(obj.id)


def _assign(ctx: ActionContext, noun: str, obj: Any, tag: str, on: bool) -> Result:
    from ovirtsdk4 import types

    found = pick(ctx, all_tags(ctx), tag, "tag")
    word = "VM" if noun == "vm" else "host"
    tags_svc = _entity_service(ctx, noun, obj).tags_service()
    if on:
        added(
            ctx,
            tags_svc,
            types.Tag(id=found.id),
            f"assign tag {found.name} to {word} {obj.name}",
            lambda: next((t for t in tags_svc.list() if t.id == found.id), None),
        )
    else:
        with engine_errors(f"reading the tags of {word} {obj.name}"):
            have = {t.id for t in tags_svc.list()}
        if found.id not in have:
            raise NoMatch(f"{word} {obj.name} does not have tag {found.name}.")
        send_action(
            ctx,
            tags_svc.tag_service(found.id),
            "remove",
            what=f"tag {found.name} of {word} {obj.name}",
            verb="unassign",
        )
    with engine_errors(f"reading the tags of {word} {obj.name}"):
        now = list(tags_svc.list())
    names = ", ".join(sorted(t.name for t in now)) or "none"
    word_done = "assigned to" if on else "unassigned from"
    return done(
        ctx,
        f"tag {found.name} {word_done} {word} {obj.name} (its tags: {names})",
        now,
        columns=("name", "parent", "description", "id"),
        names=tag_names(all_tags(ctx)),
        root="tags",
    )


TAG_OPT = Param("tag", ("--tag",), "the tag (name or id)", required=True)

for _noun in ("vm", "host"):

    def _make(noun: str, on: bool) -> Callable[..., Result]:
        def run(ctx: ActionContext, target: Any, tag: str = "") -> Result:
            return _assign(ctx, noun, target, tag, on)

        return run

    verb(
        _noun,
        "tag-assign",
        f"Put a tag on the {_noun} (several with -s)",
        params=(TAG_OPT,),
        target="many",
        mutating=True,
    )(_make(_noun, True))
    verb(
        _noun,
        "tag-unassign",
        f"Take a tag off the {_noun}",
        params=(TAG_OPT,),
        target="many",
        mutating=True,
    )(_make(_noun, False))
