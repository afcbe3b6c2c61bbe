"""Completion of the engine's search language (what webadmin's search box suggests).

Pure: no engine, no textual. :func:`complete` says what may follow the text typed so far on
a tab: field names (``stat`` -> ``status =``), operators, values ovtui knows (statuses, the
names of clusters, hosts, data centers and storage domains seen, tags) and the words
``and``, ``or``, ``sortby``, ``page``. :func:`suggest` turns the first candidate into the
whole value an ``Input`` shows as its suggestion. The ``:`` bar completes tab names first,
then the tab's search.

The field names are the engine's own (ovirt-engine's ``*ConditionFieldAutoCompleter``), the
ones most used first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ovirtsdk4 import types as T

STATUSES: dict[str, list[str]] = {
    "vm": [s.value for s in T.VmStatus],
    "host": [s.value for s in T.HostStatus],
    "datacenter": [s.value for s in T.DataCenterStatus],
    "storagedomain": [s.value for s in T.StorageDomainStatus],
    "template": [s.value for s in T.TemplateStatus],
    "disk": [s.value for s in T.DiskStatus],
}
# the usual ones first
_FIRST = {
    "vm": ["up", "down", "migrating", "paused", "suspended", "not_responding"],
    "host": ["up", "maintenance", "non_responsive", "non_operational", "down"],
    "storagedomain": ["active", "inactive", "maintenance", "unattached"],
}
for _noun, _first in _FIRST.items():
    STATUSES[_noun] = _first + [s for s in STATUSES[_noun] if s not in _first]

FIELDS: dict[str, list[str]] = {
    "vm": [
        "name",
        "status",
        "host",
        "cluster",
        "datacenter",
        "template",
        "tag",
        "os",
        "ip",
        "fqdn",
        "memory",
        "type",
        "description",
        "comment",
        "storage",
        "uptime",
        "creationdate",
        "id",
    ],
    "host": [
        "name",
        "status",
        "cluster",
        "datacenter",
        "address",
        "tag",
        "type",
        "memory",
        "spm_id",
        "description",
        "comment",
        "id",
    ],
    "cluster": ["name", "datacenter", "description", "comment", "id"],
    "datacenter": ["name", "status", "description", "comment", "id"],
    "storagedomain": ["name", "status", "datacenter", "type", "description", "comment", "id"],
    "event": [
        "severity",
        "type",
        "message",
        "vm.name",
        "host.name",
        "cluster",
        "datacenter",
        "storage",
        "correlation_id",
        "time",
        "usrname",
    ],
    "template": ["name", "status", "cluster", "description", "comment", "id"],
    "disk": ["name", "alias", "status", "storage", "vm", "description", "id"],
    "network": ["name", "datacenter", "description", "comment", "id"],
}
KEYWORDS = ["and ", "or ", "sortby ", "page "]
OPERATORS = ["=", "!=", "<", ">", "<=", ">="]
SORT_ORDER = ["asc", "desc"]

# which known names a field's values are: field -> Vocabulary.names key
NAME_FIELDS = {
    "host": "host",
    "host.name": "host",
    "cluster": "cluster",
    "datacenter": "datacenter",
    "storage": "storagedomain",
    "template": "template",
    "tag": "tag",
    "vm": "vm",
    "vm.name": "vm",
}
FIXED_VALUES: dict[str, dict[str, list[str]]] = {
    "event": {"severity": ["alert", "error", "warning", "normal"]},
    "vm": {"type": ["server", "desktop", "high_performance"]},
    "host": {"type": ["rhel", "ovirt_node"]},
    "storagedomain": {
        "type": ["data", "iso", "export", "image", "volume", "managed_block_storage"]
    },
}

# The ``:`` bar's first word: the tab names it takes.
TAB_WORDS = [
    "vms",
    "hosts",
    "clusters",
    "dcs",
    "storage",
    "events",
    "templates",
    "disks",
    "networks",
]
TAB_NOUN = {
    "vms": "vm",
    "hosts": "host",
    "clusters": "cluster",
    "dcs": "datacenter",
    "storage": "storagedomain",
    "events": "event",
    "templates": "template",
    "disks": "disk",
    "networks": "network",
}

_VALUE = re.compile(r'([A-Za-z_][\w.]*)\s*(!=|<=|>=|=|<|>)\s*("[^"]*|[^\s"]*)$')
_WORD = re.compile(r"([\w.\-*]*)$")
_COND_DONE = re.compile(r'[A-Za-z_][\w.]*\s*(?:!=|<=|>=|=|<|>)\s*(?:"[^"]*"|[^\s"]+)\s+$')


@dataclass
class Vocabulary:
    """Values ovtui has seen: ``names[kind]`` (kinds: host, cluster, datacenter,
    storagedomain, template, tag, vm)."""

    names: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Completion:
    """``head`` is kept as typed; the last word is replaced by a candidate (``candidates``,
    best first); ``kind`` says what they are (field, operator, value, keyword, tab)."""

    head: str
    word: str
    candidates: list[str]
    kind: str


def _quote(value: str) -> str:
    # an operator or bracket in an unquoted value is a syntax error to the engine
    return f'"{value}"' if any(c in value for c in ' "()=<>![]') else value


def _match(word: str, options: list[str]) -> list[str]:
    low = word.lower()
    seen: set[str] = set()
    out = []
    for o in options:
        if o.lower().startswith(low) and o.lower() not in seen:
            seen.add(o.lower())
            out.append(o)
    return out


def values_for(noun: str, fname: str, vocab: Vocabulary) -> list[str]:
    fname = fname.lower()
    if fname == "status":
        return STATUSES.get(noun, [])
    fixed = FIXED_VALUES.get(noun, {}).get(fname)
    if fixed is not None:
        return fixed
    kind = NAME_FIELDS.get(fname)
    if kind is not None:
        return sorted(vocab.names.get(kind, []), key=str.lower)
    if fname == "name" and noun in ("host", "cluster", "datacenter", "storagedomain", "vm"):
        return sorted(vocab.names.get(noun, []), key=str.lower)
    return []


def complete(noun: str, text: str, vocab: Vocabulary | None = None) -> Completion:
    """What may replace the last word of ``text`` in a search of ``noun``'s tab."""
    vocab = vocab or Vocabulary()
    fields = FIELDS.get(noun, ["name", "description", "id"])
    m = _VALUE.search(text)
    if m:  # a value after "field op"
        typed = m.group(3)
        word = typed.lstrip('"')
        head = text[: m.start(3)]
        cands = [_quote(v) for v in _match(word, values_for(noun, m.group(1), vocab))]
        return Completion(head, typed, cands, "value")
    w = _WORD.search(text)
    word = w.group(1) if w else ""
    head = text[: len(text) - len(word)]
    before = head.rstrip().split()
    prev = before[-1].lower() if before else ""
    if prev == "sortby":
        return Completion(head, word, _match(word, fields), "field")
    if len(before) >= 2 and before[-2].lower() == "sortby":
        return Completion(head, word, _match(word, SORT_ORDER + ["page "]), "keyword")
    if prev == "page":
        return Completion(head, word, [], "number")
    after_cond = bool(_COND_DONE.search(head)) or (prev in SORT_ORDER)
    fld = [f"{f} = " for f in fields]
    if not word:
        if after_cond:
            return Completion(head, word, KEYWORDS, "keyword")
        return Completion(head, word, [] if not head.strip() else fld, "field")
    if not head.strip() or prev in ("and", "or"):
        return Completion(head, word, _match(word, fld), "field")
    if after_cond:
        return Completion(head, word, _match(word, KEYWORDS), "keyword")
    # after a bare field name: its operator
    if prev in fields:
        return Completion(head, word, _match(word, OPERATORS), "operator")
    return Completion(head, word, _match(word, fld + KEYWORDS), "field")


def complete_command(
    text: str, vocab: Vocabulary | None = None, bookmarks: list[str] | None = None
) -> Completion:
    """The ``:`` bar: a tab name (or bookmark), then that tab's search."""
    body = text.lstrip(":")
    lead = text[: len(text) - len(body)]
    word, sep, rest = body.partition(" ")
    if not sep:
        opts = TAB_WORDS + ["dashboard"] + sorted(bookmarks or [], key=str.lower) + ["quit"]
        return Completion(lead, word, _match(word, opts), "tab")
    noun = TAB_NOUN.get(word.lower())
    if noun is None:
        return Completion(text, "", [], "")
    c = complete(noun, rest, vocab)
    return Completion(lead + word + sep + c.head, c.word, c.candidates, c.kind)


def suggest(c: Completion) -> str | None:
    """The whole value with the first candidate in place of the last word (None: none, or
    nothing to add)."""
    for cand in c.candidates:
        value = c.head + cand
        if len(cand) > len(c.word) or (c.word and cand.lower() != c.word.lower()):
            return value
    return None


def hint(c: Completion, limit: int = 12) -> str:
    """One line naming the candidates (what the bar shows above itself)."""
    if not c.candidates:
        return ""
    names = [x.strip() for x in c.candidates[:limit]]
    more = f" (+{len(c.candidates) - limit})" if len(c.candidates) > limit else ""
    return f"{c.kind}s: " + "  ".join(names) + more
