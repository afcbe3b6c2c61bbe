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
    if params.get("follow"):
        raise UsageError("--follow streams one engine's events: use -p NAME.")
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
    # -o csv: engine text that a spreadsheet would run as a formula gets a leading '
    cell = render.csv_cell if fmt == "csv" else render.cell
    scalar = render._csv_scalar if fmt == "csv" else render._scalar
    rows = []
    for engine, objs, refs in results:
        for o in objs:
            if render.is_struct(o):
                rows.append([engine, *(cell(render.dig(o, c), c, refs) for c in cols)])
            else:
                rows.append([engine, scalar(o), *([""] * (len(cols) - 1))])
    if fmt == "csv":
        return render.csv_text(rows, headers).rstrip("\n")
    return render.table(rows, headers, None, color=render.color_on(sys.stdout))


# --------------------------------------------------------------------------- the TUI: ctrl+e
def tui_profiles(app: Any) -> list[str]:
    """The profiles of the config the TUI was started with (none for the demo)."""
    source = getattr(app.profile, "source", None)
    if source is None:
        return []
    try:
        return profile_names(str(source), "all")
    except ActionError:
        return []


def switch_engine(app: Any) -> None:
    """``ctrl+e``: pick another configured profile; each keeps its own main screen (tab,
    search, page, tasks) and connections while another is shown."""
    names = tui_profiles(app)
    current = getattr(app.profile, "name", "default")
    if len(names) < 2:
        app.notify(
            "One engine only: add [profile:NAME] sections (ovtui config init) to switch.",
            timeout=8,
        )
        return

    def chosen(name: str | None) -> None:
        if name and name != current:
            switch_to(app, name)

    app.push_screen(picker_screen(names, current), callback=chosen)


def switch_to(app: Any, name: str) -> None:
    from . import config, connection

    states: dict[str, tuple[Any, Any, Any]] = app.__dict__.setdefault("_engine_states", {})
    new = states.get(name)
    if new is None:
        try:
            profile = config.load_profile(str(app.profile.source), name)
            profile.password = connection.read_password(profile, interactive=False)
        except ActionError as err:
            app.notify(" ".join(err.lines()), severity="error", timeout=8)
            return
    main = app.main_screen()
    if main is None:
        return
    while app.screen is not main:
        app.pop_screen()
    current = app.profile.name
    key = f"engine:{current}"
    if not app.is_screen_installed(key):
        app.install_screen(main, name=key)  # kept (with its tabs) while another is shown
    states[current] = (app.profile, app.pool, app.browser)
    if new is not None:
        app.profile, app.pool, app.browser = new
        app._browser_profile = app.profile
        app.switch_screen(f"engine:{name}")
    else:
        from .screens.main import MainScreen

        app.profile = profile
        app._make_browser(profile)
        app.switch_screen(MainScreen())
    app.readonly = app.readonly or bool(getattr(app.profile, "readonly", False))
    app.engine_info = ""
    app.conn_state = "connecting"
    app._fetch_system()
    app.notify(f"Engine {name}: {app.profile.engine_label}", timeout=3)


def close_other_engines(app: Any) -> None:
    """At exit: stop waiting for the tasks of the engines not shown and log out of them, in a
    helper thread given the app's ``CLOSE_WAIT`` (an engine that stopped answering must not
    hold the terminal)."""
    import threading

    states: dict[str, tuple[Any, Any, Any]] = app.__dict__.get("_engine_states", {})
    current = getattr(app.profile, "name", None)
    pools = []
    for name, (_profile, pool, _browser) in states.items():
        if name == current:
            continue
        key = f"engine:{name}"
        if app.is_screen_installed(key):
            for task in getattr(app.get_screen(key), "tasks", {}).values():
                task.cancel.set()
        if pool is not None and pool is not app.pool:
            pools.append(pool)
    if not pools:
        return

    def close() -> None:
        for pool in pools:
            pool.close()

    closer = threading.Thread(target=close, name="ovtui-close-engines", daemon=True)
    closer.start()
    closer.join(getattr(app, "CLOSE_WAIT", 1.0))


def picker_screen(names: list[str], current: str) -> Any:
    """A modal list of the profiles (enter picks, escape keeps the current one)."""
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.containers import Vertical
    from textual.screen import ModalScreen
    from textual.widgets import OptionList, Static
    from textual.widgets.option_list import Option

    from .textsafe import visible

    class EnginePicker(ModalScreen[str | None]):
        BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
        DEFAULT_CSS = """
        EnginePicker { align: center middle; }
        EnginePicker > Vertical { width: 60; height: auto; max-height: 80%;
            border: round $accent; background: $surface; padding: 0 1; }
        """

        def compose(self) -> ComposeResult:
            with Vertical():
                yield Static("Switch engine (enter; escape cancels)", markup=False)
                yield OptionList(
                    *(
                        Option(visible(n) + ("  (shown)" if n == current else ""), id=n)
                        for n in names
                    ),
                    id="engines",
                    markup=False,  # a profile name is shown as it is: "[b]x[/b]" keeps its brackets
                )

        def on_mount(self) -> None:
            ol = self.query_one(OptionList)
            ol.highlighted = names.index(current) if current in names else 0
            ol.focus()

        def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
            self.dismiss(event.option.id)

    return EnginePicker()
