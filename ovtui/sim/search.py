"""The subset of the engine search language ovtui uses.

``name=web* and status=up or host=h1 sortby name desc page 2``; ``and`` binds tighter than
``or``; values may be quoted; ``*`` is a wildcard; case-insensitive unless asked otherwise.
Fields may be qualified as webadmin writes them (``Clusters.name=Default``, ``Vms:
Hosts.name=h1``); a bare word is the engine's free text search (``%word%`` on every text
field).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types as T

from ovtui.sim.store import RecordStore


class SearchError(ValueError):
    """An invalid search; the server answers 400 with the engine-style message."""


Getter = Callable[[RecordStore, Any], Any]


def _enum(v: Any) -> Any:
    return v.value if hasattr(v, "value") else v


def _name_of(coll: str, attr: str) -> Getter:
    def get(w: RecordStore, o: Any) -> Any:
        r = getattr(o, attr, None)
        return w.name_of(coll, r.id) if r is not None else None

    return get


def _vm_dc(w: RecordStore, o: Any) -> Any:
    return w.cluster_dc(o.cluster.id).name if o.cluster else None


def _vm_storage(w: RecordStore, o: Any) -> list[str | None]:
    names = []
    for att in w.sub("vms", o, "diskattachments") or []:
        d = w.get("disks", att.disk.id)
        for sd in (d.storage_domains or []) if d else []:
            names.append(w.name_of("storagedomains", sd.id))
    return names


def _host_dc(w: RecordStore, o: Any) -> Any:
    return w.cluster_dc(o.cluster.id).name


def _sd_dc(w: RecordStore, o: Any) -> Any:
    return [w.name_of("datacenters", d.id) for d in o.data_centers or []]


def _sd_status(w: RecordStore, o: Any) -> Any:
    return _enum(getattr(o, "_sim_dc_status", None)) if o.data_centers else "unattached"


def tag_names_up(world: RecordStore, obj: Any) -> list[str]:
    """The names of the tags on a VM or host and of every tag above them: ``tag=prod``
    matches what is tagged ``prod`` or a tag below it, as the engine's tag search does
    (assignments are sim/catalog_machine's ``_sim_tags``)."""
    out: list[str] = []
    seen: set[str] = set()
    for tid in getattr(obj, "_sim_tags", ()):
        while tid and tid not in seen and (t := world.get("tags", tid)) is not None:
            seen.add(tid)
            out.append(t.name)
            tid = t.parent.id if t.parent is not None else None
    return out


COMMON: dict[str, Getter] = {
    "name": lambda w, o: o.name,
    "id": lambda w, o: o.id,
    "description": lambda w, o: o.description,
    "comment": lambda w, o: o.comment,
    "status": lambda w, o: _enum(getattr(o, "status", None)),
}

FIELDS: dict[str, dict[str, Getter]] = {
    "vms": {
        **COMMON,
        "host": _name_of("hosts", "host"),
        "cluster": _name_of("clusters", "cluster"),
        "datacenter": _vm_dc,
        "storage": _vm_storage,
        "template": _name_of("templates", "template"),
        "memory": lambda w, o: (o.memory or 0) // 1024**2,
        "fqdn": lambda w, o: o.fqdn,
        "os": lambda w, o: o.os.type if o.os else None,
        "type": lambda w, o: _enum(o.type),
        "creationdate": lambda w, o: o.creation_time.isoformat() if o.creation_time else None,
        "uptime": lambda w, o: o.start_time.isoformat() if o.start_time else "",
        "ip": lambda w, o: [getattr(n, "_sim_ip", "") for n in (w.sub("vms", o, "nics") or [])],
        "tag": tag_names_up,
    },
    "hosts": {
        **COMMON,
        "cluster": _name_of("clusters", "cluster"),
        "datacenter": _host_dc,
        "address": lambda w, o: o.address,
        "type": lambda w, o: _enum(o.type),
        "update_available": lambda w, o: str(bool(o.update_available)).lower(),
        "spm_id": lambda w, o: o.spm.status.value if o.spm else None,
        "memory": lambda w, o: (o.memory or 0) // 1024**2,
        "tag": tag_names_up,
    },
    "clusters": {**COMMON, "datacenter": _name_of("datacenters", "data_center")},
    "datacenters": {**COMMON},
    "storagedomains": {
        **COMMON,
        "status": _sd_status,
        "datacenter": _sd_dc,
        "type": lambda w, o: _enum(o.type),
    },
    "templates": {
        **COMMON,
        "cluster": _name_of("clusters", "cluster"),
        "vm.id": lambda w, o: None,
    },
    "disks": {
        **COMMON,
        "alias": lambda w, o: o.alias,
        "storage": lambda w, o: [
            w.name_of("storagedomains", s.id) for s in o.storage_domains or []
        ],
        "vm": lambda w, o: (
            w.name_of("vms", o._sim_owner[1])
            if getattr(o, "_sim_owner", ("",))[0] == "vms"
            else None
        ),
    },
    "networks": {**COMMON, "datacenter": _name_of("datacenters", "data_center")},
    "vnicprofiles": {**COMMON},
    "events": {
        "id": lambda w, o: o.id,
        "type": lambda w, o: str(o.code),
        "severity": lambda w, o: _enum(o.severity),
        "message": lambda w, o: o.description,
        "description": lambda w, o: o.description,
        "correlation_id": lambda w, o: o.correlation_id,
        "vm": lambda w, o: w.name_of("vms", o.vm.id) if o.vm else None,
        "vm.name": lambda w, o: w.name_of("vms", o.vm.id) if o.vm else None,
        "host": lambda w, o: w.name_of("hosts", o.host.id) if o.host else None,
        "host.name": lambda w, o: w.name_of("hosts", o.host.id) if o.host else None,
        "cluster": lambda w, o: w.name_of("clusters", o.cluster.id) if o.cluster else None,
        "datacenter": lambda w, o: (
            w.name_of("datacenters", o.data_center.id) if o.data_center else None
        ),
        "storage": lambda w, o: (
            w.name_of("storagedomains", o.storage_domain.id) if o.storage_domain else None
        ),
        "time": lambda w, o: o.time.isoformat(),
        "usrname": lambda w, o: "admin@internal",
    },
    "jobs": {
        "id": lambda w, o: o.id,
        "status": lambda w, o: _enum(o.status),
        "description": lambda w, o: o.description,
        "correlation_id": lambda w, o: getattr(o, "_sim_correlation_id", None),
    },
    "tags": {**COMMON},
    "users": {**COMMON, "usrname": lambda w, o: o.user_name},
    "groups": {**COMMON},
    "operatingsystems": {**COMMON},
}

ENTITY_WORD = {
    "vms": "Vms",
    "hosts": "Hosts",
    "clusters": "Clusters",
    "datacenters": "Datacenters",
    "storagedomains": "Storage",
    "templates": "Templates",
    "disks": "Disks",
    "networks": "Networks",
    "vnicprofiles": "VnicProfiles",
    "events": "Events",
    "jobs": "Jobs",
}

# the plural an entity-qualified field names (``Hosts.name``) -> the field it means
RELATED = {
    "hosts": "host",
    "host": "host",
    "clusters": "cluster",
    "cluster": "cluster",
    "datacenters": "datacenter",
    "datacenter": "datacenter",
    "templates": "template",
    "template": "template",
    "storage": "storage",
    "storages": "storage",
    "vms": "vm",
    "vm": "vm",
    "tags": "tag",
    "tag": "tag",
}
FREE_TEXT = "\0free"
# fields that are not the engine's String-typed columns (ids, enums, numbers, dates)
NOT_FREE_TEXT = {"id", "status", "type", "memory", "creationdate", "uptime", "time", "spm_id"}

_COND = re.compile(r"^([A-Za-z_][\w.]*)\s*(!=|<=|>=|=|<|>)\s*(.*)$", re.S)


class Query:
    """A parsed search: OR of ANDs of (field, op, value), plus sort and page."""

    def __init__(self, coll: str, text: str, case_sensitive: bool = False) -> None:
        self.coll = coll
        self.case_sensitive = case_sensitive
        self.groups: list[list[tuple[str, str, str]]] = []
        self.sort: tuple[str, bool] | None = None
        self.page: int | None = None
        self._parse(text)

    def _err(self, msg: str) -> SearchError:
        word = ENTITY_WORD.get(self.coll, self.coll.capitalize())
        return SearchError(f"Cannot search {word}. The search syntax is invalid: {msg}.")

    def _parse(self, text: str) -> None:
        text = re.sub(r"^\s*\w+\s*:\s*", "", text) if re.match(r"^\s*\w+\s*:(?!=)", text) else text
        try:
            lex = shlex.shlex(text, posix=True, punctuation_chars="=!<>")
            lex.whitespace_split = True
            lex.commenters = ""  # "#" is a character of a name, not a comment
            lex.wordchars += "*.-:/@+"
            tokens = list(lex)
        except ValueError as exc:
            raise self._err(str(exc)) from None
        # glue "field", "=", "value" into one condition token
        conds: list[Any] = []
        i = 0
        fields = FIELDS.get(self.coll, COMMON)
        group: list[tuple[str, str, str]] = []
        while i < len(tokens):
            tok = tokens[i]
            low = tok.lower()
            if low == "and":
                i += 1
                continue
            if low == "or":
                if group:
                    self.groups.append(group)
                group = []
                i += 1
                continue
            if low == "sortby":
                if i + 1 >= len(tokens):
                    raise self._err("sortby needs a field")
                field = tokens[i + 1].lower()
                if field not in fields:
                    raise self._err(f"unknown field '{tokens[i + 1]}'")
                desc = False
                i += 2
                if i < len(tokens) and tokens[i].lower() in ("asc", "desc"):
                    desc = tokens[i].lower() == "desc"
                    i += 1
                self.sort = (field, desc)
                continue
            if low == "page":
                if i + 1 >= len(tokens) or not tokens[i + 1].isdigit():
                    raise self._err("page needs a number")
                self.page = max(1, int(tokens[i + 1]))
                i += 2
                continue
            # condition: field op value, possibly split over tokens
            joined = tok
            j = i + 1
            while not _COND.match(joined) or joined.endswith(("=", "<", ">")):
                if j >= len(tokens):
                    break
                joined += tokens[j]
                j += 1
            m = _COND.match(joined)
            if not m:
                if any(c in tok for c in "=<>!"):
                    raise self._err(f"unexpected '{tok}'")
                # a bare word: the engine's free text search, LIKE '%word%' on every text field
                group.append((FREE_TEXT, "=", tok))
                i += 1
                continue
            field, op, value = self._field(m.group(1)), m.group(2), m.group(3)
            group.append((field, op, value))
            conds.append(joined)
            i = j
        if group:
            self.groups.append(group)

    def _field(self, text: str) -> str:
        """A condition's field: ``name``, or qualified as webadmin writes it: the searched
        entity's own (``Clusters.name``) or a related one's name (``Vms: Hosts.name=h1``,
        the same as ``host=h1``)."""
        fields = FIELDS.get(self.coll, COMMON)
        low = text.lower()
        if low in fields:
            return low
        head, _, rest = low.partition(".")
        if rest:
            own = {self.coll, self.coll.rstrip("s"), ENTITY_WORD.get(self.coll, "").lower()}
            if head in own and rest in fields:
                return rest
            related = RELATED.get(head)
            if related is not None and rest == "name" and related in fields:
                return related
        raise self._err(f"unknown field '{text}'")

    # ------------------------------------------------------------------ match
    def _cmp(self, actual: Any, op: str, value: str) -> bool:
        if isinstance(actual, list):
            hits = [self._cmp(a, "=", value) for a in actual]
            return any(hits) if op != "!=" else not any(hits)
        if actual is None:
            actual = ""
        a = str(actual)
        v = value
        if not self.case_sensitive:
            a, v = a.lower(), v.lower()
        if op in ("=", "!="):
            if "*" in v:
                hit = (
                    re.fullmatch(".*".join(re.escape(p) for p in v.split("*")), a, re.S) is not None
                )
            else:
                hit = a == v
            return hit if op == "=" else not hit
        try:
            fa, fv = float(a), float(v)
            return {"<": fa < fv, ">": fa > fv, "<=": fa <= fv, ">=": fa >= fv}[op]
        except ValueError:
            return {"<": a < v, ">": a > v, "<=": a <= v, ">=": a >= v}[op]

    def _free_text(self, world: RecordStore, obj: Any, word: str) -> bool:
        pattern = word if "*" in word else f"*{word}*"
        fields = FIELDS.get(self.coll, COMMON)
        for name, get in fields.items():
            if name in NOT_FREE_TEXT:
                continue
            value = get(world, obj)
            if isinstance(value, str) and self._cmp(value, "=", pattern):
                return True
        return False

    def matches(self, world: RecordStore, obj: Any) -> bool:
        if not self.groups:
            return True
        fields = FIELDS.get(self.coll, COMMON)
        for group in self.groups:
            if all(
                self._free_text(world, obj, v)
                if f == FREE_TEXT
                else self._cmp(fields[f](world, obj), op, v)
                for f, op, v in group
            ):
                return True
        return False

    def apply(self, world: RecordStore, objs: list[Any], max_: int | None) -> list[Any]:
        out = [o for o in objs if self.matches(world, o)] if self.groups else list(objs)
        if self.sort:
            getter = FIELDS.get(self.coll, COMMON)[self.sort[0]]

            def key(o: Any) -> Any:
                v = getter(world, o)
                if isinstance(v, (int, float)):
                    return (0, v, "")
                return (1, 0, str(v or "").lower())

            out.sort(key=key, reverse=self.sort[1])
        if max_ is not None and max_ >= 0:
            start = ((self.page or 1) - 1) * max_
            out = out[start : start + max_]
        return out


def run(
    world: RecordStore,
    coll: str,
    objs: list[Any],
    search: str | None,
    max_: int | None,
    case_sensitive: bool = False,
) -> list[Any]:
    """Filter, sort and page ``objs`` (already in the collection's natural order)."""
    if not search:
        return objs[:max_] if max_ is not None and max_ >= 0 else objs
    return Query(coll, search, case_sensitive).apply(world, objs, max_)


__all__ = ["Query", "SearchError", "run", "T"]
