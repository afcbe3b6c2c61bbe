"""Many engines: ``ovtui run -p a,b NOUN VERB`` and ``-p all`` (docs/engines.md).

A read verb runs against every named profile at once (one thread each, each with its own
connection); the results are printed together, each row with the profile it came from: an
ENGINE column first in tables and CSV, an ``engine`` key first in every JSON/YAML object.
An engine that fails is one error line naming it; the others are still printed, and the exit
code is the worst of the failures (0 when all answered). Verbs that change something are
refused with several engines: one command changes one engine.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .actions.base import EXIT_OK, Action, ActionContext, ActionError, Selector, UsageError


def wanted(spec: str | None) -> bool:
    """``-p`` names several engines (``a,b``) or ``all``."""
    return bool(spec) and (spec == "all" or "," in str(spec))


def profile_names(config_path: str | None, spec: str) -> list[str]:
    """The profiles ``spec`` names: ``all`` is ``default`` (when there is ``[api]``) and every
    ``[profile:NAME]`` in file order; ``a,b`` is those (each checked when loaded)."""
    if spec != "all":
        return list(dict.fromkeys(s.strip() for s in spec.split(",") if s.strip()))
    from .config import _read_ini, find_config

    path = find_config(config_path)
    if path is None:
        raise UsageError("No config file found; -p all needs profiles.")
    sections = _read_ini(path).sections()
    names = (["default"] if "api" in sections else []) + [
        s.split(":", 1)[1] for s in sections if s.startswith("profile:")
    ]
    if not names:
        raise UsageError(f"{path} has no [api] and no [profile:NAME] sections.")
    return names


def run_many(args: argparse.Namespace, action: Action, cli: Any) -> int:
    """``ovtui run -p a,b|all NOUN VERB``: ``cli`` is :mod:`ovtui.cli` (its helpers)."""
    from . import config, connection
    from .actions.selectors import check_selector

    if action.mutating:
        raise UsageError(
            f"'{action.label}' changes the engine: run it against one profile (-p NAME).",
            "Several engines (-p a,b or -p all) run read verbs only.",
        )
    if args.output == "xml":
        raise UsageError("-o xml is one engine's document; use -o json, yaml, csv or table.")
    params = cli.verb_params(args, action)
    selector = Selector(args.sel_id, args.sel_name, args.sel_search)
    check_selector(selector)
    names = profile_names(args.config, args.profile)
    profiles = []
    for name in names:  # every profile read (and its password asked) before any request
        profile = config.load_profile(args.config, name)
        for warning in profile.warnings:
            cli.say(warning)
        profile.password = connection.read_password(profile, interactive=True)
        profiles.append(profile)
    want_names = args.output in ("table", "csv")

    def one(profile: Any) -> tuple[list[Any], dict[str, str]]:
        conn = connection.connect(profile)
        try:
            connection.check(conn)
            ctx = ActionContext(connection=conn, selector=selector, readonly=True)
            objs: list[Any] = []
            for target in cli.resolve_targets(ctx, action):
                res = action.perform(ctx, target, params)
                if res.data is not None:
                    data = res.data
                    objs.extend(
                        list(data) if not isinstance(data, dict) and _iterable(data) else [data]
                    )
            refs: dict[str, str] = {}
            if want_names and objs:
                from .actions.read import reference_names

                refs = reference_names(ctx, objs, _columns(action))
            return objs, refs
        finally:
            connection.close(conn)

    with ThreadPoolExecutor(max_workers=min(len(profiles), 16)) as pool:
        futures = [(p.name, pool.submit(one, p)) for p in profiles]
        results: list[tuple[str, list[Any], dict[str, str]]] = []
        failures: list[int] = []
        for name, fut in futures:
            try:
                objs, refs = fut.result()
            except ActionError as err:
                lines = err.lines()
                cli.say(f"{name}: {lines[0]}", "ovtui: error: ")
                for line in lines[1:]:
                    cli.say(line)
                failures.append(err.exit_code)
                continue
            except Exception as exc:  # noqa: BLE001 - one engine's surprise is one line
                cli.say(f"{name}: {type(exc).__name__}: {exc}", "ovtui: error: ")
                failures.append(1)
                continue
            results.append((name, objs, refs))
    text = render_many(results, args.output, _columns(action))
    if text:
        print(text)
    return max(failures) if failures else EXIT_OK


def _iterable(data: Any) -> bool:
    return isinstance(data, list) or type(data).__name__ == "PagedList"


def _columns(action: Action) -> tuple[str, ...]:
    from .actions import registry

    return registry.NOUNS[action.noun].columns


def render_many(
    results: list[tuple[str, list[Any], dict[str, str]]], fmt: str, columns: tuple[str, ...]
) -> str:
    from . import render

    if fmt in ("json", "yaml"):
        items = []
        for engine, objs, _ in results:
            for o in objs:
                data = render.to_data(o)
                items.append({"engine": engine, **data} if isinstance(data, dict) else
                             {"engine": engine, "value": data})  # fmt: skip
        return render.json_text(items) if fmt == "json" else render.yaml_text(items)
    cols = list(columns)
    headers = ["engine", *render.headers_for(cols)]
    rows = []
    for engine, objs, refs in results:
        for o in objs:
            if render.is_struct(o):
                rows.append([engine, *(render.cell(render.dig(o, c), c, refs) for c in cols)])
            else:
                rows.append([engine, render._scalar(o), *([""] * (len(cols) - 1))])
    if fmt == "csv":
        return render.csv_text(rows, headers).rstrip("\n")
    return render.table(rows, headers, None, color=render.color_on(sys.stdout))
