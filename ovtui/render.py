"""Headless output: SDK objects as table, json, yaml or xml (the SDK's own writers).

Engine text is data. In ``table`` output every cell, every ``key: value`` line and every
scalar goes through :func:`ovtui.textsafe.visible`: no control (C0, C1, DEL), bidi or
zero-width character reaches the terminal, a CR or newline in a description cannot forge a row,
and they show as ``\\x1b`` / ``\\u202e``. ``json``/``yaml``/``xml`` stay exact (they load back to
the very strings the engine sent) yet are terminal-safe too: those characters are written as
the format's own escapes (``\\u001b`` in JSON, ``"\\e"`` in YAML, ``&#x202e;`` in XML).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import shutil
from collections.abc import Iterable
from typing import Any

import yaml
from ovirtsdk4 import writer as sdk_writer

from .textsafe import is_unsafe, visible

FORMATS = ("table", "json", "yaml", "xml")


def is_struct(value: Any) -> bool:
    return hasattr(value, "__dict__") and type(value).__module__.startswith("ovirtsdk4")


def to_data(value: Any) -> Any:
    """Plain data (dicts, lists, strings, numbers) from SDK objects: keys are SDK attribute
    names, enums their lowercase API value, times ISO 8601; empty attributes left out."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if is_struct(value):
        out: dict[str, Any] = {}
        for key, val in vars(value).items():
            name = key.lstrip("_")
            if name == "href" or val is None:
                continue
            if isinstance(val, list) and not val:
                continue
            out[name] = to_data(val)
        # id first, then name, for readability
        ordered = {k: out[k] for k in ("id", "name") if k in out}
        ordered.update({k: v for k, v in out.items() if k not in ordered})
        return ordered
    return str(value)


def dig(obj: Any, path: str) -> Any:
    """``dig(vm, "cpu.topology.sockets")``; None when any step is missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def human_bytes(n: float | int | None) -> str:
    if n is None:
        return ""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


_BYTE_COLUMNS = {"memory", "provisioned_size", "actual_size", "available", "used", "total_size"}


def cell(value: Any, column: str, names: dict[str, str] | None = None) -> str:
    if value is None:
        return ""
    if column.split(".")[-1] in _BYTE_COLUMNS and isinstance(value, (int, float)):
        return human_bytes(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        return ",".join(cell(v, column, names) for v in value)
    if is_struct(value):
        if getattr(value, "name", None):
            return value.name
        if getattr(value, "id", None):
            return (names or {}).get(value.id, value.id)
        if getattr(value, "full_version", None):
            return value.full_version
        if getattr(value, "major", None) is not None:
            return f"{value.major}.{value.minor}"
        return json.dumps(to_data(value), separators=(",", ":"))
    return str(value)


def table(rows: list[list[str]], headers: list[str], width: int | None = None) -> str:
    """A plain text table that fits ``width`` columns: the widest columns are cut first."""
    headers = [visible(h) for h in headers]
    rows = [[visible(c) for c in r] for r in rows]
    widths = fit_widths(rows, headers, width)
    lines = [table_line([h.upper() for h in headers], widths)]
    lines.extend(table_line(r, widths) for r in rows)
    return "\n".join(lines)


def fit_widths(rows: list[list[str]], headers: list[str], width: int | None) -> list[int]:
    """Column widths for (already visible) cells that fit ``width``: widest cut first."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    budget = width - 2 * (len(headers) - 1)
    while sum(widths) > budget and max(widths) > 6:
        i = widths.index(max(widths))
        widths[i] -= 1
    return widths


def table_line(cells: list[str], widths: list[int]) -> str:
    """One table line: each (visible) cell cut with an ellipsis or padded to its width."""

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(w - 1, 0)] + "…"

    return "  ".join(fit(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


class RowStream:
    """Objects printed one by one as they come (``event list --follow``): a table's header
    once and the same column widths on every row; JSON Lines (one compact object a line);
    one YAML document or one XML element per object."""

    def __init__(self, fmt: str, columns: Iterable[str], width: int | None = None) -> None:
        self.fmt = fmt
        self.columns = list(columns)
        self.width = width
        self.widths: list[int] | None = None

    def text(self, obj: Any) -> str:
        if self.fmt == "json":
            return _escape_unsafe(json.dumps(to_data(obj), ensure_ascii=False), _json_escape)
        if self.fmt == "yaml":
            return "---\n" + yaml_text(to_data(obj)).rstrip("\n")
        if self.fmt == "xml":
            return xml(obj)
        cells = [visible(cell(dig(obj, c), c)) for c in self.columns]
        if self.widths is None:
            headers = [visible(h) for h in headers_for(self.columns)]
            self.widths = fit_widths([cells], headers, self.width)
            # later rows are longer or shorter: the last column takes what the line has left
            total = self.width or shutil.get_terminal_size((120, 24)).columns
            rest = total - sum(self.widths[:-1]) - 2 * (len(self.widths) - 1)
            self.widths[-1] = max(self.widths[-1], rest)
            return (
                table_line([h.upper() for h in headers], self.widths)
                + "\n"
                + (table_line(cells, self.widths))
            )
        return table_line(cells, self.widths)


def render(
    data: Any,
    fmt: str,
    *,
    columns: Iterable[str] = ("name", "id"),
    root: str | None = None,
    names: dict[str, str] | None = None,
    width: int | None = None,
) -> str:
    """Render an SDK object or list of them (or plain data) in ``fmt``."""
    if fmt == "json":
        return json_text(to_data(data))
    if fmt == "yaml":
        return yaml_text(to_data(data))
    if fmt == "xml":
        return xml(data, root=root)
    items = data if isinstance(data, list) else [data]
    if items and not is_struct(items[0]):
        return plain_table(items, width, columns)
    if not isinstance(data, list):
        return detail(data)
    cols = list(columns)
    rows = [[cell(dig(o, c), c, names) for c in cols] for o in items]
    return table(rows, headers_for(cols), width)


def headers_for(columns: list[str]) -> list[str]:
    """Column titles: the attribute's own name (``cpu.topology.sockets`` -> ``sockets``),
    or its last two parts when that name repeats (``type`` and ``storage_type``)."""
    last = [c.split(".")[-1] for c in columns]
    return [
        "_".join(c.split(".")[-2:]) if last.count(name) > 1 else name
        for c, name in zip(columns, last, strict=True)
    ]


def plain_table(items: list[Any], width: int | None, columns: Iterable[str] = ()) -> str:
    """A table of dicts (or a list of scalars); ``columns`` picks keys when they are there."""
    if items and isinstance(items[0], dict):
        keys = list(dict.fromkeys(k for it in items for k in it))
        wanted = list(columns)
        headers = wanted if wanted and all(c in keys for c in wanted) else keys
        rows = [[_scalar(it.get(h)) for h in headers] for it in items]
        return table(rows, headers, width)
    return "\n".join(visible(_scalar(i)) for i in items)


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def detail(obj: Any) -> str:
    """One object as ``key: value`` lines (nested values flattened with dots)."""
    lines: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        else:
            lines.append(f"{visible(prefix)}: {visible(_scalar(value))}")

    walk("", to_data(obj))
    return "\n".join(lines)


def plural_tag(objs: list[Any], fallback: str) -> str:
    """The engine's element name for a list of SDK objects: DataCenter -> data_centers."""
    if not objs or not is_struct(objs[0]):
        return fallback
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(objs[0]).__name__).lower()
    return snake[:-1] + "ies" if snake.endswith("y") else snake + "s"


def xml(data: Any, root: str | None = None) -> str:
    """XML through the SDK's own writers (as ``ovtui run ... export`` prints it)."""
    if isinstance(data, list):
        tag = plural_tag(data, root or "list")
        text = sdk_writer.Writer.write(data, root=tag, indent=True)
    else:
        text = sdk_writer.Writer.write(data, indent=True)
    return _escape_unsafe(text.rstrip(), _xml_ref)


# ------------------------------------------------------------- exact formats, terminal-safe

# Characters that may need escaping in json/xml output: anything but tab, newline and
# printable ASCII (the output's own structure); ``is_unsafe`` decides for each one.
_CANDIDATES = re.compile("[^\t\n\x20-\x7e]")


def _escape_unsafe(text: str, escape: Any) -> str:
    """``text`` with every character ``visible()`` would escape written as ``escape(ch)``."""

    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        return escape(ch) if is_unsafe(ch) else ch

    return _CANDIDATES.sub(one, text)


def _json_escape(ch: str) -> str:
    return json.dumps(ch)[1:-1]  # \u202e, or a surrogate pair beyond the BMP


def _xml_ref(ch: str) -> str:
    return f"&#x{ord(ch):x};"


def json_text(data: Any) -> str:
    """One JSON document: non-ASCII kept readable, control/bidi/zero-width as ``\\uXXXX``
    (json.dumps escapes C0 itself, but not DEL, C1, U+2028 or format characters)."""
    return _escape_unsafe(json.dumps(data, indent=2, ensure_ascii=False), _json_escape)


class _SafeDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but a string holding a character ``visible()`` escapes is written
    double-quoted with YAML escapes (with ``allow_unicode`` PyYAML writes bidi overrides,
    zero-width characters and NEL raw)."""

    def analyze_scalar(self, scalar: str) -> Any:
        if not _yaml_unsafe(scalar):
            return super().analyze_scalar(scalar)
        saved, self.allow_unicode = self.allow_unicode, False
        try:
            return super().analyze_scalar(scalar)  # special characters: double-quoted
        finally:
            self.allow_unicode = saved

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if not _yaml_unsafe(text):
            return super().write_double_quoted(text, split)
        saved, self.allow_unicode = self.allow_unicode, False
        try:
            return super().write_double_quoted(text, split)  # every non-ASCII as \uXXXX
        finally:
            self.allow_unicode = saved


_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # what visible() escapes, but newline


def _yaml_unsafe(text: str) -> bool:
    if text.isascii():
        return _ASCII_CONTROL.search(text) is not None
    return any(ch != "\n" and is_unsafe(ch) for ch in text)


def yaml_text(data: Any) -> str:
    """YAML that loads back to ``data``; unsafe characters only as YAML escapes."""
    return yaml.dump(
        data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    ).rstrip()
