"""YAML templates with ``${name}`` and ``${name:default}`` variables (ovirtcmd's ``-T``/``-V``).

A template gives values for a verb's parameters; what the command line says wins.

A template is bounded before it can cost anything: the file is read only if it is a regular
file of at most ``MAX_BYTES``, the text after substitution is at most ``MAX_TEXT``, and the
YAML may expand (aliases count each time they are used) to at most ``MAX_NODES`` values
``MAX_DEPTH`` deep, so an alias bomb is refused in milliseconds. ``check_values`` then checks
every value against the verb's parameters, all before anything is sent to the engine.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..safefile import KIB, MIB, read_regular
from .base import Param, UsageError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::([^}]*))?\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")

MAX_BYTES = 256 * KIB  # a template is a few lines of option: value
MAX_TEXT = 4 * MIB  # after ${var} substitution
MAX_NODES = 10_000  # YAML values once aliases are expanded
MAX_DEPTH = 32
INT_RANGE = (-(2**63), 2**63 - 1)  # the engine's integers are 64-bit at most


def substitute(text: str, variables: dict[str, str], source: str) -> str:
    """Replace ``${name}``/``${name:default}``; an unknown name without default is an error."""

    for name in variables:
        if not _NAME.fullmatch(name):
            raise UsageError(
                f"-V {name!r}: a template variable name is letters, digits, _ . and -,"
                " starting with a letter or _.",
                f"Write ${{NAME}} in {source} and give it with -V NAME VALUE.",
            )
    grown = [len(text)]

    def repl(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in variables:
            value = str(variables[name])
        elif default is not None:
            value = default
        else:
            raise UsageError(
                f"Template {source} uses ${{{name}}} but no value was given for it.",
                f"Give it with -V {name} VALUE, or write ${{{name}:default}} in the template.",
            )
        grown[0] += len(value) - len(m.group(0))
        if grown[0] > MAX_TEXT:
            raise UsageError(
                f"Template {source} grows past {MAX_TEXT // MIB} MiB once its variables are"
                " replaced.",
                "Use shorter -V values, or fewer ${...} in the template.",
            )
        return value

    return _VAR.sub(repl, text)


def _check_shape(root: yaml.Node, source: str) -> None:
    """Refuse a YAML document that expands (aliases included) to too many or too deep values."""
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise UsageError(
                f"Template {source} expands to more than {MAX_NODES} values"
                " (YAML aliases *NAME count each time they are used).",
                "A template is a short mapping of option: value; write the values out.",
            )
        if depth > MAX_DEPTH:
            raise UsageError(
                f"Template {source} is nested more than {MAX_DEPTH} levels deep.",
                "A template is a short mapping of option: value.",
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def _yaml_error(source: str, exc: yaml.YAMLError) -> UsageError:
    where = ""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        where = f" at line {mark.line + 1}, column {mark.column + 1}"
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["unreadable"])[0]
    return UsageError(f"Template {source} is not valid YAML{where}: {problem}.")


def parse_yaml(text: str, source: str) -> Any:
    """The YAML document in ``text``, bounded (see the module doc); UsageError otherwise."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # its reader refuses control characters at once
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc) from None
    except RecursionError:
        raise UsageError(
            f"Template {source} is nested too deeply.",
            "A template is a short mapping of option: value.",
        ) from None
    except (ValueError, OverflowError, TypeError) as exc:  # e.g. a date 2024-13-45
        raise UsageError(f"Template {source} has a value YAML cannot build: {exc}.") from None
    finally:
        if loader is not None:
            loader.dispose()


def load_template(path: str | Path, variables: dict[str, str] | None = None) -> dict[str, Any]:
    """Read a YAML template, substitute variables, and return its mapping."""
    p = Path(path)
    raw = read_regular(p, MAX_BYTES, "Template file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"Template {p} is not UTF-8 text (byte {exc.start + 1} cannot be read).",
            "Save it as UTF-8.",
        ) from None
    return expand_template(text, variables or {}, str(p))


def expand_template(text: str, variables: dict[str, str], source: str) -> dict[str, Any]:
    """``text`` with its variables replaced, read as a YAML mapping of option: value."""
    p = source
    text = substitute(text, variables, source)
    data = parse_yaml(text, source)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(
            f"Template {p} must be a mapping of option: value, not {type(data).__name__}."
        )
    return ovirtcmd_keys({str(k).replace("-", "_"): v for k, v in data.items()})


def _disk_item(item: Any) -> Any:
    """ovirtcmd's ``disks`` entries: ``[SIZE, STORAGE_DOMAIN]`` or a LUN id."""
    if isinstance(item, list) and len(item) == 2:
        return f"{item[0]}:{item[1]}"
    if isinstance(item, str) and re.fullmatch(r"[0-9a-fA-F-]{16,}", item.strip()):
        return f"lun:{item.strip()}"
    return item


def ovirtcmd_keys(data: dict[str, Any]) -> dict[str, Any]:
    """ovirtcmd's VM keys read as ovtui's where they differ (ovtui's own key wins when both
    are given): ``ostype`` -> ``os``; ``cpu: {topology: {cores, sockets, threads},
    architecture}`` -> ``cores``/``sockets``/``threads``/``architecture`` (a plain ``cpu: N``
    is N sockets, as in ovirtcmd); ``bios: {boot_menu}`` -> ``boot_menu``; ``networks`` ->
    ``network``; ``disks`` -> ``disk`` (``[SIZE, SD]`` -> ``SIZE:SD``, a LUN id -> ``lun:ID``);
    ``boot_pxe`` -> ``pxe``. Anything else is left for the verb's own check."""
    out = dict(data)

    def move(old: str, new: str, value: Any) -> None:
        out.pop(old, None)
        out.setdefault(new, value)

    if "ostype" in out:
        move("ostype", "os", out["ostype"])
    cpu = out.get("cpu")
    if isinstance(cpu, dict):
        out.pop("cpu")
        topo = cpu.get("topology")
        for part in ("cores", "sockets", "threads"):
            if isinstance(topo, dict) and topo.get(part) is not None:
                out.setdefault(part, topo[part])
        if cpu.get("architecture") is not None:
            out.setdefault("architecture", str(cpu["architecture"]).lower())
    elif isinstance(cpu, int | str) and not isinstance(cpu, bool) and str(cpu).isdigit():
        move("cpu", "sockets", int(cpu))
    bios = out.get("bios")
    if isinstance(bios, dict) and set(bios) <= {"boot_menu"}:
        out.pop("bios")
        if "boot_menu" in bios:
            out.setdefault("boot_menu", bios["boot_menu"])
    if "networks" in out:
        move("networks", "network", out["networks"])
    if "disks" in out:
        disks = out["disks"]
        items = disks if isinstance(disks, list) else [disks]
        move("disks", "disk", [_disk_item(i) for i in items])
    if "boot_pxe" in out:
        move("boot_pxe", "pxe", out["boot_pxe"])
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar(param: Param, value: Any, source: str) -> Any:
    """One template value for ``param``, checked (and converted where the kind says so)."""

    def bad(want: str) -> UsageError:
        return UsageError(
            f"Template {source}: {param.name} = {_short(value)} is not {want}.",
            f"Write {param.name}: VALUE ({param.help}).",
        )

    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()  # YAML reads 2024-01-01 as a date; options want text
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):  # bool is an int
        raise bad("a single value")
    if param.kind == "int":
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise bad("a whole number")
        try:
            n = int(value) if not isinstance(value, str) else int(value.strip())
        except (ValueError, OverflowError):
            raise bad("a whole number") from None
        if not INT_RANGE[0] <= n <= INT_RANGE[1]:
            raise bad("a whole number the engine can take")
        return n
    if param.kind == "float":
        if isinstance(value, bool):
            raise bad("a number")
        try:
            x = float(value)
        except (ValueError, OverflowError):
            raise bad("a number") from None
        if not math.isfinite(x):
            raise bad("a finite number")
        return x
    if param.choices:
        if str(value) not in param.choices:
            raise bad(f"one of {', '.join(param.choices)}")
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise bad("a finite number")
    return value


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def check_values(data: dict[str, Any], params: Iterable[Param], source: str) -> dict[str, Any]:
    """The template's values checked against the verb's parameters; UsageError naming the
    first wrong one. Keys that are not parameters are left to the caller."""
    by_name = {p.name: p for p in params}
    out: dict[str, Any] = {}
    for key, value in data.items():
        param = by_name.get(key)
        if param is None or value is None:
            out[key] = value
            continue
        if param.kind == "flag":
            if not isinstance(value, bool):
                raise UsageError(
                    f"Template {source}: {key} = {_short(value)} is not true or false.",
                    f"Write {key}: true (or false).",
                )
            out[key] = value
        elif param.repeat and param.nargs == 2:
            pairs = list(value.items()) if isinstance(value, dict) else _items(value)
            checked = []
            for pair in pairs:
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    raise UsageError(
                        f"Template {source}: {key} has {_short(pair)}, not a NAME VALUE pair.",
                        f"Write {key}: {{NAME: VALUE, ...}} or a list of [NAME, VALUE].",
                    )
                checked.append([str(_scalar(param, v, source)) for v in pair])
            out[key] = checked
        elif param.repeat or param.nargs in ("*", "+"):
            out[key] = [_scalar(param, v, source) for v in _items(value)]
        else:
            out[key] = _scalar(param, value, source)
    return out


def merge(
    template: dict[str, Any], given: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """Command line over template over defaults: a value counts as given when it differs
    from the parameter's default."""
    out = dict(defaults)
    out.update({k: v for k, v in template.items()})
    # an unset flag comes from argparse as False while its default is None: not given
    out.update(
        {
            k: v
            for k, v in given.items()
            if v is not None and v != defaults.get(k) and not (v is False and not defaults.get(k))
        }
    )
    return out
