"""YAML templates with ``${name}`` and ``${name:default}`` variables (ovirtcmd's ``-T``/``-V``).

A template gives values for a verb's parameters; what the command line says wins.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .base import UsageError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::([^}]*))?\}")


def substitute(text: str, variables: dict[str, str], source: str) -> str:
    """Replace ``${name}``/``${name:default}``; an unknown name without default is an error."""

    def repl(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in variables:
            return str(variables[name])
        if default is not None:
            return default
        raise UsageError(
            f"Template {source} uses ${{{name}}} but no value was given for it.",
            f"Give it with -V {name} VALUE, or write ${{{name}:default}} in the template.",
        )

    return _VAR.sub(repl, text)


def load_template(path: str | Path, variables: dict[str, str] | None = None) -> dict[str, Any]:
    """Read a YAML template, substitute variables, and return its mapping."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"Template file {p} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read template file {p}: {exc.strerror}.") from None
    text = substitute(text, variables or {}, str(p))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(f"Template {p} is not valid YAML{where}: {problem}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(
            f"Template {p} must be a mapping of option: value, not {type(data).__name__}."
        )
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def merge(
    template: dict[str, Any], given: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """Command line over template over defaults: a value counts as given when it differs
    from the parameter's default."""
    out = dict(defaults)
    out.update({k: v for k, v in template.items()})
    out.update({k: v for k, v in given.items() if v is not None and v != defaults.get(k)})
    return out
