"""Affinity: ``affinitygroup list/show/create/update/remove`` in a cluster (VMs together or
apart, on or away from hosts, enforcing or not) and ``affinitylabel list/create/update/remove``
(labels put on VMs and hosts).

An affinity group lives under its cluster: ``-n NAME`` (or the name after the verb) finds it
in every cluster, ``--cluster`` narrows that down.
"""

from __future__ import annotations

from typing import Any

from . import read as _read  # noqa: F401 - its generic verbs first: the ones here replace some
from .base import ActionContext, Param, Result
from .declare import verb
from .errors import engine_errors
from .selectors import name_search
from .tags import added, pick
from .waiters import send_action
from .writes import done

GROUP_COLUMNS = ("name", "cluster", "vms_rule", "hosts_rule", "vms", "hosts", "description", "id")
LABEL_COLUMNS = ("name", "vms", "hosts", "id")
CLUSTER = Param("cluster", ("--cluster",), "the cluster (name or id)")
GROUP = Param("group", ("group",), "the group (name or id; or -n NAME before the verb)", nargs="?")
LABEL = Param("label", ("label",), "the label (name or id; or -n NAME before the verb)", nargs="?")


def _clusters(ctx: ActionContext, cluster: str | None) -> list[Any]:
    with engine_errors("listing clusters"):
        cls = list(ctx.system.clusters_service().list())
    return [pick(ctx, cls, cluster, "cluster")] if cluster else cls


def _groups_svc(ctx: ActionContext, cl: Any) -> Any:
    return ctx.system.clusters_service().cluster_service(cl.id).affinity_groups_service()


def _groups(ctx: ActionContext, cl: Any) -> list[Any]:
    with engine_errors(f"listing the affinity groups of cluster {cl.name}"):
        return list(_groups_svc(ctx, cl).list())


def _find_group(ctx: ActionContext, which: str | None, cluster: str | None) -> tuple[Any, Any]:
    pairs = [(c, g) for c in _clusters(ctx, cluster) for g in _groups(ctx, c)]
    where = f"cluster {cluster}" if cluster else ""
    group = pick(ctx, [g for _c, g in pairs], which, "affinity group", where)
    return next(c for c, g in pairs if g is group), group


def _rule_text(rule: Any) -> str:
    if rule is None or not rule.enabled:
        return "-"
    word = "positive" if rule.positive else "negative"
    return f"{word}{', enforcing' if rule.enforcing else ''}"


def _names(ctx: ActionContext) -> dict[str, str]:
    with engine_errors("listing VMs and hosts"):
        names = {v.id: v.name for v in ctx.system.vms_service().list()}
        names.update({h.id: h.name for h in ctx.system.hosts_service().list()})
        names.update({c.id: c.name for c in ctx.system.clusters_service().list()})
    return names


def _group_row(cl: Any, g: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "name": g.name,
        "cluster": cl.name,
        "vms_rule": _rule_text(g.vms_rule),
        "hosts_rule": _rule_text(g.hosts_rule),
        "vms": ", ".join(names.get(v.id, v.id) for v in g.vms or []),
        "hosts": ", ".join(names.get(h.id, h.id) for h in g.hosts or []),
        "description": g.description,
        "id": g.id,
    }


@verb("affinitygroup", "list", "List affinity groups (--cluster: of one cluster)",
      params=(CLUSTER,), target="none")  # fmt: skip
def group_list(
    ctx: ActionContext, target: Any = None, cluster: str | None = None, **_: Any
) -> Result:
    names = _names(ctx)
    rows = []
    for cl in _clusters(ctx, cluster):
        for g in _groups(ctx, cl):
            if ctx.selector.name or ctx.selector.id:
                try:
                    pick(ctx, [g], None, "affinity group")
                except Exception:  # noqa: BLE001 - not this one
                    continue
            rows.append(_group_row(cl, g, names))
    return Result(data=rows, columns=GROUP_COLUMNS, root="affinity_groups",
                  message=f"{len(rows)} affinity groups")  # fmt: skip


@verb("affinitygroup", "show", "Show one affinity group", params=(GROUP, CLUSTER), target="none")
def group_show(
    ctx: ActionContext, target: Any = None, group: str | None = None, cluster: str | None = None
) -> Result:
    _cl, g = _find_group(ctx, group, cluster)
    return Result(data=g, root="affinity_groups")


@verb("affinitygroup", "export", "Export one affinity group as the engine's XML",
      params=(GROUP, CLUSTER), target="none")  # fmt: skip
def group_export(
    ctx: ActionContext, target: Any = None, group: str | None = None, cluster: str | None = None
) -> Result:
    _cl, g = _find_group(ctx, group, cluster)
    return Result(data=g, root="affinity_groups")


def _members(ctx: ActionContext, names: list[str] | None, kind: str) -> list[Any] | None:
    """``--vm``/``--host`` values as references (by name or id)."""
    from ovirtsdk4 import types

    if names is None:
        return None
    out = []
    for n in names:
        if not n:
            continue  # ``--vm ''``: none
        svc = ctx.system.vms_service() if kind == "vm" else ctx.system.hosts_service()
        with engine_errors(f"looking up {kind} {n}"):
            found = list(svc.list(search=name_search(n))) or [o for o in svc.list() if o.id == n]
        obj = pick(ctx, found, n, kind)
        out.append(types.Vm(id=obj.id) if kind == "vm" else types.Host(id=obj.id))
    return out


def _rule(rule: str | None, enforcing: bool | None) -> Any:
    from ovirtsdk4 import types

    if rule is None and enforcing is None:
        return None
    if rule == "none":
        return types.AffinityRule(enabled=False, positive=False, enforcing=False)
    return types.AffinityRule(
        enabled=True,
        positive=None if rule is None else rule == "positive",
        enforcing=enforcing,
    )


GROUP_PARAMS = (
    Param(
        "vms_rule",
        ("--vms-rule",),
        "VMs together (positive), apart (negative) or none",
        "choice",
        choices=("positive", "negative", "none"),
    ),  # fmt: skip
    Param(
        "hosts_rule",
        ("--hosts-rule",),
        "VMs on the hosts (positive), away from them (negative) or none",
        "choice",
        choices=("positive", "negative", "none"),
    ),  # fmt: skip
    Param(
        "enforcing",
        ("--enforcing",),
        "hard rules: refuse what breaks them (yes/no)",
        "choice",
        choices=("yes", "no"),
    ),  # fmt: skip
    Param("vms", ("--vm",), "a VM of the group (repeat for several)", repeat=True),
    Param("hosts", ("--host",), "a host of the group (repeat for several)", repeat=True),
    Param("description", ("--description",), "what the group is for"),
)


def _group_spec(ctx: ActionContext, params: dict[str, Any], name: str | None) -> Any:
    from ovirtsdk4 import types

    enforcing = None if params.get("enforcing") is None else params["enforcing"] == "yes"
    return types.AffinityGroup(
        name=name,
        description=params.get("description"),
        vms_rule=_rule(params.get("vms_rule"), enforcing if params.get("vms_rule") else None),
        hosts_rule=_rule(params.get("hosts_rule"), enforcing if params.get("hosts_rule") else None),
        vms=_members(ctx, params.get("vms"), "vm"),
        hosts=_members(ctx, params.get("hosts"), "host"),
    )


@verb(
    "affinitygroup",
    "create",
    "Create an affinity group in a cluster",
    params=(
        Param("name", ("--name",), "the group's name", required=True),
        Param("cluster", ("--cluster",), "the cluster (name or id)", required=True),
        *GROUP_PARAMS,
    ),
    target="none",
    mutating=True,
    key="c",
)
def group_create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    cl = _clusters(ctx, params["cluster"])[0]
    if params.get("vms_rule") is None and params.get("hosts_rule") is None:
        params["vms_rule"] = "positive"  # the engine's default group: VMs together
    if params.get("enforcing") is None:
        params["enforcing"] = "no"
    spec = _group_spec(ctx, params, params["name"])
    svc = _groups_svc(ctx, cl)
    name = params["name"]
    g = added(ctx, svc, spec, f"create affinity group {name} in cluster {cl.name}",
              lambda: next((x for x in svc.list() if x.name == name), None))  # fmt: skip
    row = _group_row(cl, g, _names(ctx))
    return done(
        ctx,
        f"affinity group {g.name} created in cluster {cl.name}: VMs {row['vms_rule']} "
        f"[{row['vms']}], hosts {row['hosts_rule']} [{row['hosts']}]",
        g,
        root="affinity_groups",
    )


@verb(
    "affinitygroup",
    "update",
    "Change an affinity group: its rules, VMs, hosts, name",
    params=(GROUP, CLUSTER, Param("new_name", ("--name",), "new name"), *GROUP_PARAMS),
    target="none",
    mutating=True,
    key="U",
)
def group_update(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    cl, g = _find_group(ctx, params.get("group"), params.get("cluster"))
    if params.get("enforcing") is not None:
        # enforcing alone applies to the rules the group has on
        if params.get("vms_rule") is None and g.vms_rule is not None and g.vms_rule.enabled:
            params["vms_rule"] = "positive" if g.vms_rule.positive else "negative"
        if params.get("hosts_rule") is None and g.hosts_rule is not None and g.hosts_rule.enabled:
            params["hosts_rule"] = "positive" if g.hosts_rule.positive else "negative"
    spec = _group_spec(ctx, params, params.get("new_name"))
    svc = _groups_svc(ctx, cl).group_service(g.id)
    send_action(ctx, svc, "update", what=f"affinity group {g.name}", group=spec)
    with engine_errors(f"reading affinity group {g.name}"):
        now = svc.get()
    row = _group_row(cl, now, _names(ctx))
    return done(
        ctx,
        f"affinity group {now.name} updated: VMs {row['vms_rule']} [{row['vms']}], "
        f"hosts {row['hosts_rule']} [{row['hosts']}]",
        now,
        root="affinity_groups",
    )


@verb("affinitygroup", "remove", "Remove an affinity group", params=(GROUP, CLUSTER),
      target="none", mutating=True, dangerous=True, key="D")  # fmt: skip
def group_remove(
    ctx: ActionContext, target: Any = None, group: str | None = None, cluster: str | None = None
) -> Result:
    cl, g = _find_group(ctx, group, cluster)
    send_action(ctx, _groups_svc(ctx, cl).group_service(g.id), "remove",
                what=f"affinity group {g.name}")  # fmt: skip
    return done(ctx, f"affinity group {g.name} removed from cluster {cl.name}")


# ------------------------------------------------------------------ labels
def _labels(ctx: ActionContext) -> list[Any]:
    with engine_errors("listing affinity labels"):
        return list(ctx.system.affinity_labels_service().list())


@verb("affinitylabel", "list", "List affinity labels with their VMs and hosts", target="none")
def label_list(ctx: ActionContext, target: Any = None, **_: Any) -> Result:
    labels = _labels(ctx)
    if ctx.selector.name or ctx.selector.id:
        labels = [pick(ctx, labels, None, "affinity label")]
    return Result(data=labels, columns=LABEL_COLUMNS, names=_names(ctx), root="affinity_labels",
                  message=f"{len(labels)} affinity labels")  # fmt: skip


LABEL_PARAMS = (
    Param("vms", ("--vm",), "a VM with the label (repeat for several)", repeat=True),
    Param("hosts", ("--host",), "a host with the label (repeat for several)", repeat=True),
)


def _label_result(ctx: ActionContext, label: Any, what: str) -> Result:
    names = _names(ctx)
    vms = ", ".join(names.get(v.id, v.id) for v in label.vms or []) or "none"
    hosts = ", ".join(names.get(h.id, h.id) for h in label.hosts or []) or "none"
    return done(ctx, f"affinity label {label.name} {what}: VMs {vms}, hosts {hosts}", label,
                columns=LABEL_COLUMNS, names=names, root="affinity_labels")  # fmt: skip


@verb("affinitylabel", "create", "Create an affinity label (on VMs and hosts)",
      params=(Param("name", ("--name",), "the label's name", required=True), *LABEL_PARAMS),
      target="none", mutating=True, key="c")  # fmt: skip
def label_create(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    from ovirtsdk4 import types

    name = params["name"]
    spec = types.AffinityLabel(
        name=name,
        vms=_members(ctx, params.get("vms"), "vm"),
        hosts=_members(ctx, params.get("hosts"), "host"),
    )
    svc = ctx.system.affinity_labels_service()
    label = added(ctx, svc, spec, f"create affinity label {name}",
                  lambda: next((x for x in svc.list() if x.name == name), None))  # fmt: skip
    return _label_result(ctx, label, "created")


@verb("affinitylabel", "update", "Rename an affinity label or set its VMs and hosts",
      params=(LABEL, Param("new_name", ("--name",), "new name"), *LABEL_PARAMS),
      target="none", mutating=True, key="U")  # fmt: skip
def label_update(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    from ovirtsdk4 import types

    found = pick(ctx, _labels(ctx), params.get("label"), "affinity label")
    spec = types.AffinityLabel(
        name=params.get("new_name"),
        vms=_members(ctx, params.get("vms"), "vm"),
        hosts=_members(ctx, params.get("hosts"), "host"),
    )
    svc = ctx.system.affinity_labels_service().label_service(found.id)
    send_action(ctx, svc, "update", what=f"affinity label {found.name}", label=spec)
    with engine_errors(f"reading affinity label {found.name}"):
        now = svc.get()
    return _label_result(ctx, now, "updated")


@verb("affinitylabel", "remove", "Remove an affinity label", params=(LABEL,), target="none",
      mutating=True, dangerous=True, key="D")  # fmt: skip
def label_remove(ctx: ActionContext, target: Any = None, label: str | None = None) -> Result:
    found = pick(ctx, _labels(ctx), label, "affinity label")
    svc = ctx.system.affinity_labels_service().label_service(found.id)
    send_action(ctx, svc, "remove", what=f"affinity label {found.name}")
    return done(ctx, f"affinity label {found.name} removed")
