"""Headless output: SDK objects as table, json, yaml or xml (the SDK's own writers).

Engine text is data. In ``table`` output every cell, every ``key: value`` line and every
scalar goes through :func:`ovtui.textsafe.visible`: no control (C0, C1, DEL), bidi or
zero-width character reaches the terminal, a CR or newline in a description cannot forge a row,
and they show as ``\\x1b`` / ``\\u202e``. ``json``/``yaml``/``xml`` stay exact (they load back to
the very strings the engine sent) yet are terminal-safe too: those characters are written as
the format's own escapes (``\\u001b`` in JSON, ``"\\e"`` in YAML, ``&#x202e;`` in XML).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable
from typing import Any

import yaml

from .textsafe import is_unsafe, visible
from .xmlwriter import to_xml

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency; the stdlib writes the same text
    orjson = None  # type: ignore[assignment]

FORMATS = ("table", "json", "yaml", "xml", "csv")
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def color_on(stream: Any) -> bool:
    """Style table headers: only on a terminal, and never when ``NO_COLOR`` is set (to any
    value, as no-color.org asks) or ``TERM=dumb``."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _bold(line: str, color: bool) -> str:
    return f"{BOLD}{line}{RESET}" if color else line


def csv_text(rows: list[list[str]], headers: list[str]) -> str:
    """CSV (RFC 4180, CRLF-free: one LF per record); cells are the table's cells, engine text
    through visible() (a CR or newline in a name cannot start a record)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([visible(h) for h in headers])
    w.writerows([[visible(c) for c in r] for r in rows])
    return out.getvalue()


# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """Engine text for a CSV cell: one that a spreadsheet would run as a formula (it starts
    with ``= + - @``, TAB or CR) gets a leading ``'`` (OWASP's advice), so Excel/LibreOffice
    show it as text. Only for text: numbers ovtui writes (``-1``) are not passed here."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _is_text(value: Any) -> bool:
    """Whether :func:`cell` writes ``value`` as engine text (a string, a referenced object's
    name, id or version string), not as a number, enum, yes/no or time ovtui formats."""
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return bool(value) and _is_text(value[0])
    if is_struct(value):
        return any(getattr(value, a, None) for a in ("name", "id", "full_version"))
    return False


def csv_cell(value: Any, column: str, names: dict[str, str] | None = None) -> str:
    """:func:`cell` for ``-o csv``: engine text through :func:`formula_safe`."""
    text = cell(value, column, names)
    return formula_safe(text) if _is_text(value) else text


def _csv_scalar(value: Any) -> str:
    """:func:`_scalar` for ``-o csv``: strings through :func:`formula_safe`."""
    return formula_safe(value) if isinstance(value, str) else _scalar(value)


def is_struct(value: Any) -> bool:
    return hasattr(value, "__dict__") and type(value).__module__.startswith("ovirtsdk4")


def to_data(value: Any) -> Any:
    """Plain data (dicts, lists, strings, numbers) from SDK objects: keys are SDK attribute
    names, enums their lowercase API value, times ISO 8601; empty attributes left out.

    Each Python type gets its converter once (:func:`_converter_for`): an SDK type's is its
    attribute plan, read straight from the instance dict, not reflection on every object."""
    try:
        conv = _CONVERTERS[value.__class__]
    except KeyError:
        conv = _CONVERTERS[value.__class__] = _converter_for(value.__class__)
    return conv(value)


_PLAIN = (str, int, bool, float)


def _same(value: Any) -> Any:
    return value


def _enum_value(value: Any) -> Any:
    return value.value


def _iso(value: Any) -> Any:
    return value.isoformat()


def _dict_data(value: Any) -> Any:
    return {k: to_data(v) for k, v in value.items() if v is not None}


def _list_data(value: Any) -> Any:
    return [to_data(v) for v in value]


def _float_data(value: float) -> float:
    if value and not (1e-4 <= abs(value) < 1e16):
        _ODD_FLOATS[0] += 1  # written differently by orjson (1e16, nan): the stdlib writes it
    return value


def _converter_for(cls: type) -> Any:
    """The converter of ``cls``, in the order the generic rules were once tried."""
    if cls is type(None):
        return _same
    if cls is float:
        return _float_data
    if issubclass(cls, (bool, int, float, str)):
        return _same if not issubclass(cls, float) else _float_data
    if issubclass(cls, enum.Enum):
        return _enum_value
    if issubclass(cls, (dt.datetime, dt.date)):
        return _iso
    if issubclass(cls, dict):
        return _dict_data
    if issubclass(cls, (list, tuple)):
        return _list_data
    if cls.__module__.startswith("ovirtsdk4"):
        return _StructConverter()
    return str


class _StructConverter:
    """An SDK type's converter: its attribute plan (instance key, output name), id and name
    first, ``href`` left out, learned from the first instance. An instance whose attributes
    differ (one ovtui added) takes the generic path."""

    def __init__(self) -> None:
        self.size = -1
        self.plan: tuple[tuple[str, str], ...] = ()

    def __call__(self, obj: Any) -> Any:
        try:
            d = obj.__dict__
        except AttributeError:
            return str(obj)
        if len(d) != self.size:
            if self.size != -1:
                return _generic_struct(d)
            self._learn(d)
        out: dict[str, Any] = {}
        try:
            for key, name in self.plan:
                val = d[key]
                if val is None:
                    continue
                cls = val.__class__
                if cls is str or cls is int or cls is bool:
                    out[name] = val
                elif isinstance(val, list):
                    if val:
                        out[name] = [to_data(v) for v in val]
                else:
                    out[name] = to_data(val)
        except KeyError:
            return _generic_struct(d)
        return out

    def _learn(self, d: dict[str, Any]) -> None:
        names = [(key, key.lstrip("_")) for key in d]
        names = [(k, n) for k, n in names if n != "href"]
        first = [kn for want in ("id", "name") for kn in names if kn[1] == want]
        self.plan = tuple(first + [kn for kn in names if kn not in first])
        self.size = len(d)


def _generic_struct(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in d.items():
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


_CONVERTERS: dict[type, Any] = {}
_ODD_FLOATS = [0]  # floats seen that orjson would write otherwise than json.dumps


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


def table(
    rows: list[list[str]], headers: list[str], width: int | None = None, color: bool = False
) -> str:
    """A plain text table that fits ``width`` columns: the widest columns are cut first."""
    headers = [visible(h) for h in headers]
    rows = [[visible(c) for c in r] for r in rows]
    widths = fit_widths(rows, headers, width)
    lines = [_bold(table_line([h.upper() for h in headers], widths), color)]
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


def stream_widths(rows: list[list[str]], headers: list[str], width: int | None) -> list[int]:
    """Widths fixed from the first rows of a table printed as it comes (a tail, a paged
    list): later rows are longer or shorter, so the last column takes what the line has left."""
    widths = fit_widths(rows, headers, width)
    total = width or shutil.get_terminal_size((120, 24)).columns
    rest = total - sum(widths[:-1]) - 2 * (len(widths) - 1)
    widths[-1] = max(widths[-1], rest)
    return widths


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
        render_cell = csv_cell if self.fmt == "csv" else cell
        cells = [visible(render_cell(dig(obj, c), c)) for c in self.columns]
        if self.fmt == "csv":
            text = csv_text([cells], headers_for(self.columns)).rstrip("\n")
            if self.widths is None:
                self.widths = []
                return text
            return text.split("\n", 1)[1]
        if self.widths is None:
            headers = [visible(h) for h in headers_for(self.columns)]
            self.widths = stream_widths([cells], headers, self.width)
            return (
                _bold(table_line([h.upper() for h in headers], self.widths), color_on(sys.stdout))
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
    if fmt == "csv":
        return _csv(data, items, list(columns), names)
    color = color_on(sys.stdout)
    if items and not is_struct(items[0]):
        return plain_table(items, width, columns, color)
    if not isinstance(data, list):
        return detail(data)
    cols = list(columns)
    rows = [[cell(dig(o, c), c, names) for c in cols] for o in items]
    return table(rows, headers_for(cols), width, color)


def _csv(data: Any, items: list[Any], cols: list[str], names: dict[str, str] | None) -> str:
    """``-o csv``: a list as the table's columns; one object as key,value records."""
    if items and not is_struct(items[0]):
        if isinstance(items[0], dict):
            keys = list(dict.fromkeys(k for it in items for k in it))
            rows = [[_csv_scalar(it.get(k)) for k in keys] for it in items]
            return csv_text(rows, keys).rstrip("\n")
        return csv_text([[_csv_scalar(i)] for i in items], ["value"]).rstrip("\n")
    if not isinstance(data, list):
        return csv_text(detail_pairs(data, _csv_scalar), ["key", "value"]).rstrip("\n")
    rows = [[csv_cell(dig(o, c), c, names) for c in cols] for o in items]
    return csv_text(rows, headers_for(cols)).rstrip("\n")


def headers_for(columns: list[str]) -> list[str]:
    """Column titles: the attribute's own name (``cpu.topology.sockets`` -> ``sockets``),
    or its last two parts when that name repeats (``type`` and ``storage_type``)."""
    last = [c.split(".")[-1] for c in columns]
    return [
        "_".join(c.split(".")[-2:]) if last.count(name) > 1 else name
        for c, name in zip(columns, last, strict=True)
    ]


def plain_table(
    items: list[Any], width: int | None, columns: Iterable[str] = (), color: bool = False
) -> str:
    """A table of dicts (or a list of scalars); ``columns`` picks keys when they are there."""
    if items and isinstance(items[0], dict):
        keys = list(dict.fromkeys(k for it in items for k in it))
        wanted = list(columns)
        headers = wanted if wanted and all(c in keys for c in wanted) else keys
        rows = [[_scalar(it.get(h)) for h in headers] for it in items]
        return table(rows, headers, width, color)
    return "\n".join(visible(_scalar(i)) for i in items)


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def detail(obj: Any) -> str:
    """One object as ``key: value`` lines (nested values flattened with dots)."""
    return "\n".join(f"{k}: {v}" for k, v in detail_pairs(obj, _scalar))


def detail_pairs(obj: Any, scalar: Any) -> list[list[str]]:
    """One object's ``[key, value]`` pairs (nested values flattened with dots), both
    visible; ``scalar`` writes a leaf value (``-o csv`` guards text against formulas)."""
    pairs: list[list[str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        else:
            pairs.append([visible(prefix), visible(scalar(value))])

    walk("", to_data(obj))
    return pairs


def plural_tag(objs: list[Any], fallback: str) -> str:
    """The engine's element name for a list of SDK objects: DataCenter -> data_centers."""
    if not objs or not is_struct(objs[0]):
        return fallback
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(objs[0]).__name__).lower()
    return snake[:-1] + "ies" if snake.endswith("y") else snake + "s"


def xml(data: Any, root: str | None = None) -> str:
    """XML through the SDK's own per-type writers (as ``ovtui run ... export`` prints it),
    written by ovtui.xmlwriter: the same bytes as the SDK's C writer, without its leak (the
    TUI's XML sub-tab writes one document each time it is shown)."""
    if isinstance(data, list):
        text = to_xml(data, root=plural_tag(data, root or "list"))
    else:
        text = to_xml(data)
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


# ------------------------------------------------------------- lists written as they come


def json_item(data: Any) -> str:
    """One element of :func:`json_text`'s list, as it stands inside the array (indented by
    two), terminal-safe. orjson (C) writes it; the stdlib when orjson would write otherwise
    (big integers, floats it spells differently, strings it refuses)."""
    odd, _ODD_FLOATS[0] = _ODD_FLOATS[0], 0  # counted while ``data`` was converted
    text = None
    if orjson is not None and not odd:
        try:
            text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            text = None
    if text is None:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    return _escape_unsafe("  " + text.replace("\n", "\n  "), _json_escape)


def yaml_item(data: Any) -> str:
    """One element of :func:`yaml_text`'s list (``- key: value`` lines, ending in a newline).

    :class:`_BlockYaml` writes the items whose every string is a plain word; libyaml's
    dumper those whose text has nothing the two dumpers could write differently (only
    printable ASCII, no double-quoted scalar); else :class:`_SafeDumper`."""
    text = _BlockYaml().item(data)
    if text is not None:
        return text
    options = {"sort_keys": False, "allow_unicode": True, "default_flow_style": False}
    if _CSafeDumper is not None:
        text = yaml.dump([data], Dumper=_CSafeDumper, **options)
        if _PLAIN_YAML.fullmatch(text):
            return text
    return yaml.dump([data], Dumper=_SafeDumper, **options)


class _NotSimple(Exception):
    pass


class _BlockYaml:
    """PyYAML's block style for the simple case, without PyYAML's Python representer: dicts,
    lists, ints, bools and strings that are one plain word
    (``[A-Za-z0-9+][A-Za-z0-9_./:+-]*`` or empty; or words with single spaces, short enough
    not to be folded),
    written plain, or single-quoted when YAML would read them as something else, as PyYAML
    chooses). Anything else (a float, a space, an empty string) is :class:`_NotSimple`."""

    # one word, not ending in ":" (a key indicator there)
    _WORD = re.compile(r"(?:[A-Za-z0-9+](?:[A-Za-z0-9_./:+-]*[A-Za-z0-9_./+-])?)?")
    _WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./+-]*(?: [A-Za-z0-9_./+-]+)+")
    _STR = "tag:yaml.org,2002:str"
    _words: dict[str, str] = {}

    def item(self, data: Any) -> str | None:
        out: list[str] = []
        try:
            self._seq([data], 0, False, out)
        except _NotSimple:
            return None
        return "".join(out)

    def _scalar(self, v: Any, column: int = 0) -> str:
        cls = v.__class__
        if cls is str:
            known = self._words.get(v)
            if known is not None:
                return known
            if " " in v:  # words: PyYAML folds them past column 80, and ': ' is a key
                if column + len(v) > 80 or ":" in v or not self._WORDS.fullmatch(v):
                    raise _NotSimple
                return v if self._resolve(v) == self._STR else f"'{v}'"
            if len(v) > 200 or not self._WORD.fullmatch(v):
                raise _NotSimple
            text = v if self._resolve(v) == self._STR else f"'{v}'"
            if len(self._words) < 50000:
                self._words[v] = text
            return text
        if cls is bool:
            return "true" if v else "false"
        if cls is int:
            return str(v)
        raise _NotSimple

    @staticmethod
    def _resolve(v: str) -> str:
        return _RESOLVER.resolve(yaml.ScalarNode, v, (True, False))

    def _map(self, m: dict, ind: int, inline: bool, out: list[str]) -> None:
        for n, (k, v) in enumerate(m.items()):
            if n or not inline:
                out.append(" " * ind)
            key = self._scalar(k)
            out.append(key + ":")
            if v.__class__ is dict:
                if v:
                    out.append("\n")
                    self._map(v, ind + 2, False, out)
                else:
                    out.append(" {}\n")
            elif v.__class__ is list:
                if v:
                    out.append("\n")
                    self._seq(v, ind, False, out)  # PyYAML's indentless sequence
                else:
                    out.append(" []\n")
            else:
                out.append(" " + self._scalar(v, ind + len(key) + 2) + "\n")

    def _seq(self, s: list, ind: int, inline: bool, out: list[str]) -> None:
        for n, v in enumerate(s):
            if n or not inline:
                out.append(" " * ind)
            if v.__class__ is dict and v:
                out.append("- ")
                self._map(v, ind + 2, True, out)
            elif v.__class__ is list and v:
                out.append("- ")
                self._seq(v, ind + 2, True, out)
            elif v.__class__ in (dict, list):
                out.append("- {}\n" if v.__class__ is dict else "- []\n")
            else:
                out.append("- " + self._scalar(v, ind + 2) + "\n")


_RESOLVER = yaml.resolver.Resolver()  # the implicit types SafeDumper avoids writing plain
_PLAIN_YAML = re.compile(r"[\n\x20\x21\x23-\x5b\x5d-\x7e]*")  # printable ASCII but " and \
_CSafeDumper = getattr(yaml, "CSafeDumper", None)


class PageRenderer:
    """Turns one page of SDK objects into output pieces for :class:`ListWriter`: a JSON or
    YAML element's text, or a table row's visible cells. Plain attributes only, so a worker
    process can receive it and render the pages it reads."""

    def __init__(
        self, fmt: str, columns: Iterable[str] = (), names: dict[str, str] | None = None
    ) -> None:
        self.fmt = fmt
        self.columns = list(columns)
        self.names = names

    def pieces(self, objs: Iterable[Any]) -> list[Any]:
        if self.fmt == "json":
            return [json_item(to_data(o)) for o in objs]
        if self.fmt == "yaml":
            return [yaml_item(to_data(o)) for o in objs]
        cols, names = self.columns, self.names
        render_cell = csv_cell if self.fmt == "csv" else cell
        return [[visible(render_cell(dig(o, c), c, names)) for c in cols] for o in objs]


class ListWriter:
    """Writes a list as its pieces come, page by page, in the very text :func:`render` gives
    for the whole list: one JSON array, YAML's block sequence, a table whose column widths
    come from the first page (later rows that are wider are cut, the last column takes what
    the line has left)."""

    def __init__(
        self, fmt: str, out: Any, columns: Iterable[str] = (), width: int | None = None
    ) -> None:
        self.fmt, self.out, self.width = fmt, out, width
        self.headers = [visible(h) for h in headers_for(list(columns))]
        self.count = 0
        self.widths: list[int] | None = None

    def page(self, pieces: list[Any]) -> None:
        if not pieces and self.fmt != "table":
            return
        if self.fmt == "json":
            lead = "[\n" if self.count == 0 else ",\n"
            self.out.write(lead + ",\n".join(pieces))
        elif self.fmt == "yaml":
            lead = "" if self.count == 0 else "\n"
            self.out.write(lead + "".join(pieces).rstrip("\n"))
        elif self.fmt == "csv":
            text = csv_text(pieces, self.headers)
            self.out.write(text if self.count == 0 else text.split("\n", 1)[1])
        else:
            self._table_page(pieces)
        self.count += len(pieces)
        self.out.flush()

    def _table_page(self, rows: list[list[str]]) -> None:
        lines = []
        if self.widths is None:
            self.widths = stream_widths(rows, self.headers, self.width)
            header = table_line([h.upper() for h in self.headers], self.widths)
            lines.append(_bold(header, color_on(self.out)))
        lines.extend(table_line(r, self.widths) for r in rows)
        if lines:
            self.out.write(("\n" if self.count else "") + "\n".join(lines))

    def close(self) -> None:
        """Ends the document (``[]`` for an empty JSON or YAML list) with its last newline."""
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "yaml":
            self.out.write("\n" if self.count else "[]\n")
        elif self.fmt == "csv":
            if not self.count:
                self.out.write(csv_text([], self.headers))
        else:
            if self.widths is None:
                self._table_page([])
            self.out.write("\n")
        self.out.flush()
