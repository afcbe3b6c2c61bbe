"""The rows of a detail screen's General sub-tab (see ``general_rows``)."""

from __future__ import annotations

from typing import Any

from ovtui.widgets.columns import enum, fmt_time, human_bytes

SKIP_GENERAL = {"href", "statistics", "reported_devices", "actions", "link"}


REF_TYPES = {
    "cluster": "cluster",
    "host": "host",
    "data_center": "datacenter",
    "storage_domain": "storagedomain",
}
BYTES = {
    "memory",
    "max_scheduling_memory",
    "provisioned_size",
    "actual_size",
    "available",
    "used",
    "committed",
    "total_size",
}


def general_rows(obj: Any, names: dict | None = None) -> list[tuple[str, str]]:
    """Scalar attributes of an SDK object, plus names of referenced objects."""
    names = names or {}
    rows: list[tuple[str, str]] = []
    for attr in sorted(vars(obj)):
        name = attr.lstrip("_")
        if name in SKIP_GENERAL:
            continue
        v = getattr(obj, name, None)
        if v is None or isinstance(v, list):
            continue
        if hasattr(v, "value") and not hasattr(v, "id"):  # enum
            text = enum(v)
        elif name in REF_TYPES and getattr(v, "id", None):
            ref = names.get(REF_TYPES[name], {}).get(v.id)
            text = (ref.name if ref is not None else None) or getattr(v, "name", None) or v.id
        elif name in BYTES and isinstance(v, int):
            text = human_bytes(v)
        elif hasattr(v, "__dict__"):
            text = getattr(v, "name", None) or getattr(v, "id", None)
            if text is None:
                inner = [
                    f"{k.lstrip('_')}={getattr(v, k)}" for k in vars(v) if getattr(v, k) is not None
                ]
                inner = [i for i in inner if "object at" not in i and not i.startswith("href")]
                text = ", ".join(inner)[:120]
        elif hasattr(v, "strftime"):
            text = fmt_time(v)
        else:
            text = str(v)
        if text not in (None, ""):
            rows.append((name.replace("_", " "), str(text)))
    return rows
