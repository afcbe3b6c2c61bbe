"""Which table columns the engine can sort (``sortby FIELD asc|desc`` in the search).

Only fields both oVirt's search backend and the simulator (ovtui/sim/search.py) know; other
columns (CPU %, memory %, IP addresses, sizes...) are computed by ovtui and can only be sorted
on the page shown. Events are left page-local: oVirt's audit-log search is not sorted reliably
by ``sortby`` and the events tab already comes newest first.
"""

from __future__ import annotations

# noun -> {column key: engine search field}
ENGINE_SORT: dict[str, dict[str, str]] = {
    "datacenter": {"name": "name", "status": "status", "description": "description"},
    "cluster": {"name": "name", "dc": "datacenter", "description": "description"},
    "host": {
        "name": "name",
        "address": "address",
        "cluster": "cluster",
        "dc": "datacenter",
        "status": "status",
    },
    "vm": {
        "name": "name",
        "status": "status",
        "host": "host",
        "cluster": "cluster",
        "dc": "datacenter",
        "memory": "memory",
        "description": "description",
    },
    "storagedomain": {
        "name": "name",
        "type": "type",
        "status": "status",
        "description": "description",
    },
    "template": {
        "name": "name",
        "status": "status",
        "cluster": "cluster",
        "description": "description",
    },
    "disk": {"alias": "alias", "status": "status", "description": "description"},
    "network": {"name": "name", "dc": "datacenter", "description": "description"},
}


def engine_field(noun: str, column: str) -> str | None:
    return ENGINE_SORT.get(noun, {}).get(column)


def with_sortby(search: str, field: str | None, desc: bool) -> str:
    """``search`` plus ``sortby FIELD asc|desc``, unless the user's search sorts itself."""
    if field is None or "sortby" in search.lower().split():
        return search
    return f"{search} sortby {field} {'desc' if desc else 'asc'}".strip()
