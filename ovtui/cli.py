"""Command line: ``ovtui`` (TUI), ``ovtui demo``, ``ovtui sim``, ``ovtui run NOUN VERB``.

The ``run`` parser is built from the action registry, so every verb of the action layer is
reachable headless with the same options the TUI's forms offer.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from . import __version__
from .actions import registry
from .actions.base import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    Action,
    ActionContext,
    ActionError,
    NoMatch,
    Preview,
    Selector,
    UsageError,
    object_name,
)
from .actions.pages import PagedList
from .progress_printer import ProgressPrinter
from .textsafe import visible

S = argparse.SUPPRESS


def _add_global_options(
    p: argparse.ArgumentParser, suppress: bool, taken: frozenset[str] = frozenset()
) -> None:
    """Options accepted before the noun and again after it (last one wins).

    After the verb, a verb's own flag wins: ``bond -o NAME VALUE`` or ``autoinstall -c
    CMDLINE`` (ovirtcmd's spellings) keep their short flag and the global keeps its long one.
    """
    from .render import FORMATS  # (the renderers: imported by the lines that output)

    d = (lambda v: S) if suppress else (lambda v: v)

    def add(*flags: str, **kw: Any) -> None:
        free = [f for f in flags if f not in taken]
        if free:
            p.add_argument(*free, **kw)

    add("-c", "--config", dest="config", default=d(None), help="config file (INI)")
    add("-p", "--profile", dest="profile", default=d(None), help="profile: [profile:NAME]")
    add("-o", "--output", dest="output", choices=FORMATS, default=d("table"), help="output format")
    add(
        "-d",
        "--debug",
        dest="debug",
        action="store_true",
        default=d(False),
        help="debug log on stderr (passwords redacted), tracebacks on errors",
    )
    add(
        "-y",
        "--yes",
        dest="yes",
        action="store_true",
        default=d(False),
        help="answer yes to the confirmation of dangerous verbs",
    )
    add(
        "--readonly",
        dest="readonly",
        action="store_true",
        default=d(False),
        help="refuse every verb that changes something",
    )


def build_parser(
    nouns: bool = True, sim: bool = True, only_noun: str | None = None
) -> argparse.ArgumentParser:
    """``nouns=False`` leaves out ``run``'s noun and verb parsers (a quarter of a second at
    start), ``sim=False`` the options of ``sim`` (they import the simulator): only for a
    command line without ``run`` (``sim``), which they can never parse. ``only_noun``: the
    parsers of that noun alone (see :func:`parse_argv`)."""
    parser = argparse.ArgumentParser(
        prog="ovtui",
        description="A terminal UI and headless CLI for oVirt / RHV engines.",
        epilog="Commands: 'ovtui demo' (TUI on a built-in simulated engine), 'ovtui sim' "
        "(serve the simulator), 'ovtui run NOUN VERB' (headless). See 'ovtui run -h'.",
    )
    parser.add_argument("--version", action="version", version=f"ovtui {__version__}")
    parser.add_argument("-c", "--config", help="config file (INI)")
    parser.add_argument("-p", "--profile", help="profile: a [profile:NAME] section")
    parser.add_argument("--readonly", action="store_true", help="hide and refuse mutating verbs")
    parser.add_argument(
        "-d",
        "--debug",
        action="store_true",
        help="debug log (passwords and tokens redacted) to ovtui.log in the user log dir;"
        " its path is printed at exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="{demo,sim,run,config,completion,plugins}")

    demo = sub.add_parser("demo", help="the TUI against an embedded simulated engine")
    demo.add_argument("--vms", type=int, default=50, help="number of VMs (default 50)")
    demo.add_argument("--hosts", type=int, default=6, help="number of hosts (default 6)")
    demo.add_argument("--speed", type=float, default=1.0, help="simulated clock speed")
    demo.add_argument("--seed", type=int, default=0, help="world seed")
    demo.add_argument("--readonly", action="store_true", help="hide and refuse mutating verbs")

    sim_parser = sub.add_parser("sim", help="serve the oVirt engine simulator until interrupted")
    try:
        if sim:
            from .sim.cli import add_sim_arguments

            add_sim_arguments(sim_parser)
    except ImportError:  # pragma: no cover - the simulator package is part of ovtui
        pass

    run = sub.add_parser(
        "run",
        help="run one verb headless: ovtui run NOUN [-i ID|-n NAME|-s SEARCH] VERB",
        description="Run one verb headless, like ovirtcmd: "
        "ovtui run NOUN [-i ID | -n NAME | -s SEARCH] VERB [options]. "
        "Exit codes: 0 done, 1 refused or failed, 2 usage/config, 3 cannot connect, "
        "4 no (single) match, 130 interrupted.",
    )
    if nouns:
        _add_global_options(run, suppress=False)
        add_noun_parsers(run, only_noun)
    from . import completion, config_init, plugins  # their own subcommands (docs/plugins.md)

    config_init.add_parser(sub)
    completion.add_parser(sub)
    plugins.add_parser(sub)
    return parser


def noun_names(noun: Any) -> set[str]:
    """What ``ovtui run`` takes for a noun: its name, plural and aliases."""
    return {noun.name, noun.plural, *noun.aliases}


def add_noun_parsers(run: argparse.ArgumentParser, only: str | None = None) -> None:
    """A parser per noun (``only``: the noun so named alone) and its verbs."""
    nouns = run.add_subparsers(dest="noun", metavar="NOUN", required=True)
    for noun in registry.NOUNS.values():
        if only is not None and only not in noun_names(noun):
            continue
        verbs = registry.verbs(noun.name)
        np = nouns.add_parser(
            noun.name,
            aliases=[a for a in (noun.plural, *noun.aliases) if a != noun.name],
            help=f"{noun.title}: {', '.join(verbs)}",
            description=f"Verbs of {noun.name}. Select objects with -i, -n or -s.",
        )
        _add_global_options(np, suppress=True)
        sel = np.add_mutually_exclusive_group()
        sel.add_argument("-i", "--id", dest="sel_id", help="object id")
        sel.add_argument("-n", "--name", dest="sel_name", help="object name (* wildcards)")
        sel.add_argument("-s", "--search", dest="sel_search", help="engine search query")
        vp = np.add_subparsers(dest="verb", metavar="VERB", required=True)
        for action in verbs.values():
            add_verb_parser(vp, action)
    from .eval_script import add_eval_parser

    add_eval_parser(nouns, _add_global_options)  # ovtui run eval SCRIPT.py [ARGS]


def add_verb_parser(vp: Any, action: Action) -> None:
    flags = []
    if action.dangerous:
        flags.append("dangerous: asks for confirmation, -y answers it")
    if action.mutating:
        flags.append("changes the engine")
    p = vp.add_parser(
        action.verb,
        aliases=list(action.aliases),
        help=action.help,
        description=(action.description or action.help)
        + (f" ({'; '.join(flags)})" if flags else ""),
    )
    taken = {f for param in action.params for f in param.flags}
    taken |= {"-a", "-T", "-V"} if action.params or action.waits else set()
    _add_global_options(p, suppress=True, taken=frozenset(taken))
    for param in action.params:
        p.add_argument(*param.flags, **param.argparse_kwargs())
    if action.waits:
        p.add_argument(
            "-a",
            "--async",
            dest="async_",
            action="store_true",
            help="return once the engine accepted the request",
        )
        p.add_argument(
            "--timeout",
            type=seconds,
            default=None,
            help="seconds to wait for the end (default: "
            + (f"{action.wait:g} s" if action.wait else "per step")
            + ")",
        )
    if action.params:
        p.add_argument(
            "-T",
            "--template",
            dest="template_file",
            metavar="FILE",
            help="YAML template giving values for the options above",
        )
        p.add_argument(
            "-V",
            "--var",
            dest="template_vars",
            nargs=2,
            action="append",
            metavar=("NAME", "VALUE"),
            default=[],
            help="set a template variable ${NAME}",
        )


MAX_WAIT = 7 * 86400.0  # --timeout: a week is already more than any verb needs


def seconds(text: str) -> float:
    """argparse type of ``--timeout``: a finite number of seconds, above 0, at most a week."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 < value <= MAX_WAIT:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range: give seconds above 0 and at most {MAX_WAIT:g} (a week)"
        )
    return value


def check_argv(argv: Sequence[str]) -> None:
    """UsageError for an argument that is not UTF-8 (Python hands it over with surrogates)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"The argument {visible(arg, limit=80)} is not UTF-8 text.",
                "ovtui reads its arguments as UTF-8: check the locale of the terminal or script.",
            ) from None


def _stdout_gone() -> None:
    """stdout's reader went away (``| head``): point fd 1 at /dev/null so that the
    interpreter's flush at exit does not complain (as the Python docs on SIGPIPE advise)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["__complete"]:  # the shell's Tab: cheap, no registry, no engine
        from .completion import hidden_main

        return hidden_main(argv[1:])
    from .plugins import load_plugins

    load_plugins()  # their verbs before the parser is built; a broken one is a warning
    try:
        check_argv(argv)
    except UsageError as err:
        print_error(err)
        return err.exit_code
    try:
        args = parse_argv(argv)
    except SystemExit as exc:  # argparse: -h (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        try:
            if args.command == "run":
                code = run_command(args)
            elif args.command == "sim":
                from .sim.cli import serve

                code = serve(args)
            elif args.command == "demo":
                code = demo_command(args)
            elif getattr(args, "handler", None) is not None:  # config, completion, plugins
                code = args.handler(args)
            else:
                code = tui_command(args)
            sys.stdout.flush()  # a reader gone away shows here, not at interpreter exit
            return code
        except ActionError as err:
            print_error(err)
            return err.exit_code
        except KeyboardInterrupt:
            print("ovtui: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `ovtui run ... | head`: the reader has what it wanted; end quietly, as `head` users expect
        _stdout_gone()
        return EXIT_OK


def say(text: str, prefix: str = "ovtui: ") -> None:
    """Print a message on stderr, each line through ``visible()`` (engine text in it is data:
    no control character reaches the terminal)."""
    for line in str(text).split("\n"):  # only LF: a CR or U+2028 is shown, never a new line
        print(f"{prefix}{visible(line)}", file=sys.stderr)


def print_error(err: ActionError) -> None:
    lines = err.lines()
    say(lines[0], "ovtui: error: ")
    for line in lines[1:]:
        say(line)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def setup_logging(debug: bool) -> None:
    if debug:
        log = logging.getLogger("ovtui.sdk")
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        log.handlers[:] = [handler]
        log.setLevel(logging.DEBUG)
        log.propagate = False


def _run_noun(argv: Sequence[str]) -> str | None:
    """The noun of ``ovtui run ... NOUN VERB``: the first word after ``run`` that names one,
    unless a help flag comes before it (``run --help`` lists every noun)."""
    if "run" not in argv:
        return None
    known = set().union(*(noun_names(n) for n in registry.NOUNS.values()))
    for word in argv[list(argv).index("run") + 1 :]:
        if word in ("-h", "--help"):
            return None
        if word in known:
            return word
    return None


def parse_argv(argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed with only the parsers it can need (issue 14): without ``run`` none of
    the nouns' (the TUI starts sooner), with ``run NOUN`` that noun's alone (a headless
    command starts ~0.2 s sooner). A line the narrow parser refuses is parsed again by the
    full one, whose answer (error or help) is the one given: the same as before."""
    noun = _run_noun(argv)
    if noun is not None:
        narrow = build_parser(sim="sim" in argv, only_noun=noun)
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                return narrow.parse_args(argv)
        except SystemExit as exc:
            if not exc.code:  # a verb's -h: its help, the same text as the full parser's
                raise
    return build_parser(nouns="run" in argv, sim="sim" in argv).parse_args(argv)


def run_command(args: argparse.Namespace) -> int:
    """``ovtui run``: one verb, headless."""
    from . import config, connection

    debug = bool(getattr(args, "debug", False))
    setup_logging(debug)
    if args.noun == "eval":
        from .eval_script import run_eval

        return run_eval(args, debug, sys.modules[__name__])  # its helpers, without a cycle
    action = registry.get(registry.resolve_noun(args.noun).name, args.verb)
    assert action is not None  # argparse only offers registered verbs
    from . import engines

    if engines.wanted(args.profile):  # -p a,b or -p all: a read verb over several engines
        try:
            return engines.run_many(args, action, sys.modules[__name__])
        except ActionError as err:
            print_error(err)
            return err.exit_code
    conn = None
    try:
        params = verb_params(args, action)
        selector = Selector(args.sel_id, args.sel_name, args.sel_search)
        from .actions.selectors import check_selector

        check_selector(selector)  # before anything is sent: the engine is asked sane things
        profile = config.load_profile(args.config, args.profile)
        for warning in profile.warnings:
            say(warning)
        if profile.debug and not debug:  # ovirtcmd's [api] debug = true: as -d
            debug = True
            setup_logging(True)
        readonly = args.readonly or profile.readonly
        action.check_allowed(readonly)  # before connecting: nothing reaches the engine
        conn = connection.connect(profile, interactive=True, debug=debug)
        config.filter_debug_log(conn, profile)  # [logging] filters
        connection.check(conn)
        printer = ProgressPrinter(sys.stderr)
        from .render import RowStream

        stream = RowStream(args.output, _cols(action))
        ctx = ActionContext(
            connection=conn,
            report=printer,
            selector=selector,
            async_=bool(getattr(args, "async_", False)),
            timeout=getattr(args, "timeout", None),  # None: each wait uses the verb's default
            readonly=readonly,
            emit=lambda obj: print(stream.text(obj), flush=True),
        )
        return execute(ctx, action, params, args.output, assume_yes=args.yes)
    except ActionError as err:
        print_error(err)
        if debug:
            traceback.print_exc()
        return err.exit_code
    except KeyboardInterrupt:
        print("\novtui: interrupted; the engine goes on with what it was asked.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise  # stdout's reader went away: main() ends quietly
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback unless -d
        say(f"internal error: {type(exc).__name__}: {exc}")
        if debug:
            traceback.print_exc()
        else:
            print("ovtui: run again with -d for the details.", file=sys.stderr)
        return 1
    finally:
        from .connection import close

        close(conn)


def _cols(action: Action) -> tuple[str, ...]:
    return registry.NOUNS[action.noun].columns


def verb_params(args: argparse.Namespace, action: Action) -> dict[str, Any]:
    """The verb's parameters from the command line, over a -T template's values."""
    given = {p.name: getattr(args, p.name, None) for p in action.params}
    tfile = getattr(args, "template_file", None)
    tvars = dict(getattr(args, "template_vars", None) or [])
    if not tfile:
        if tvars:
            raise UsageError("-V sets template variables and needs -T FILE.")
        return given
    from .actions.templates import check_values, load_template, merge

    data = load_template(tfile, tvars)
    known = {p.name for p in action.params}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(
            f"Template {tfile} has keys '{action.label}' does not take: {', '.join(unknown)}.",
            f"It takes: {', '.join(sorted(known))}.",
        )
    data = check_values(data, action.params, tfile)
    defaults = {p.name: p.default for p in action.params}
    merged = merge(data, given, defaults)
    missing = [p.name for p in action.params if p.required and merged.get(p.name) is None]
    if missing:
        raise UsageError(f"'{action.label}' needs {', '.join(missing)} (option or template).")
    return merged


def resolve_targets(ctx: ActionContext, action: Action) -> list[Any]:
    from .actions import selectors

    noun = registry.NOUNS[action.noun]
    if action.target == "none":
        return [None]
    if action.target == "one":
        return [selectors.one(ctx, noun, ctx.selector)]
    if not ctx.selector.given:
        raise UsageError(f"Say which {noun.plural}: -i ID, -n NAME or -s SEARCH.")
    found = selectors.find(ctx, noun, ctx.selector)
    if not found:
        raise NoMatch(f"No {noun.name} matches {ctx.selector.describe()}.")
    return found


def confirm(
    ctx: ActionContext,
    action: Action,
    targets: list[Any],
    params: dict[str, Any],
    assume_yes: bool,
) -> None:
    """Ask the action's question on the terminal (after its plan, when it has one);
    UsageError when not confirmed or when stdin cannot answer."""
    if assume_yes or not action.needs_confirmation(params):
        return
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(
            f"'{action.label}' is dangerous and needs confirmation, but stdin is not a terminal.",
            "Add -y to confirm it non-interactively.",
        )
    if action.has_plan:
        try:
            show_plan(action.preview(ctx, targets, params))
        except ActionError as err:  # as in the TUI: say so; the verb checks again itself
            say(f"could not compute the plan: {' '.join(err.lines())}", "ovtui: warning: ")
    names = [object_name(t) for t in targets if t is not None]
    if len(names) > 1:
        say(", ".join(names), "  ")
    sys.stderr.write(f"{visible(action.confirmation(targets))} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("Not confirmed; nothing was done.")


def show_plan(preview: Preview) -> None:
    """The plan on stderr: what moves where, then why it cannot go as planned."""
    for line in preview.lines:
        say(line, "  ")
    if not preview.ok:
        say("cannot go as planned:", "ovtui: warning: ")
        for line in preview.blocked:
            say(line, "  ")


def execute(
    ctx: ActionContext, action: Action, params: dict[str, Any], fmt: str, assume_yes: bool
) -> int:
    targets = resolve_targets(ctx, action)
    confirm(ctx, action, targets, params, assume_yes)
    results = []
    failures: list[ActionError] = []
    for target in targets:
        try:
            results.append(action.perform(ctx, target, params))
        except ActionError as err:
            if len(targets) == 1:
                raise
            failures.append(err)
            print_error(err)
    end_live = getattr(ctx.report, "close", None)
    if end_live is not None:
        end_live()  # a live progress line on the terminal ends before the output
    for res in results:
        if res.message and (fmt != "table" or res.data is None):
            say(res.message, "")
    data = [r.data for r in results if r.data is not None]
    if data:
        print_data(ctx, action, results[0], data, fmt)
    said = getattr(ctx.report, "last_message", None)
    for res in results:
        if res.message and fmt == "table" and res.data is not None and action.mutating:
            if res.message != said:  # the progress already ended on these words
                say(res.message, "")
    if failures:
        return max(f.exit_code for f in failures)
    return EXIT_OK if all(r.ok for r in results) else 1


def print_data(ctx: ActionContext, action: Action, first: Any, data: list[Any], fmt: str) -> None:
    """Render the results' data on stdout in ``fmt``.

    ``export`` is the engine's XML unless another format is asked for; ``show`` is every
    attribute; any other verb's objects of the noun's type are a table row each (a verb's
    final object is a status line, not a page of attributes).
    """
    from .actions.read import reference_names
    from .render import is_struct, render

    noun = registry.NOUNS[action.noun]
    if len(data) == 1 and isinstance(data[0], PagedList):
        if fmt != "xml":
            print_pages(ctx, first, data[0], fmt, noun)
            return
        data = [list(data[0])]
    payload = data[0] if len(data) == 1 else _flatten(data)
    sample = payload[0] if isinstance(payload, list) and payload else payload
    if action.verb == "export" and fmt == "table" and (is_struct(sample) or sample == []):
        fmt = "xml"  # an exported attribute's value (export name) is printed as it is
    own_type = type(sample).__name__ == noun.type_name
    columns = first.columns or (noun.columns if own_type else ("name", "id"))
    names = first.names
    if fmt in ("table", "csv") and own_type and action.verb != "show":
        payload = payload if isinstance(payload, list) else [payload]
        if names is None:
            names = reference_names(ctx, payload, columns)
    if own_type and isinstance(payload, list):
        from .completion import remember

        remember(noun.name, payload)  # names for the shell's -n completion
    text = render(payload, fmt, columns=columns, root=first.root or noun.plural, names=names)
    if text:
        print(text)


def print_pages(ctx: ActionContext, first: Any, objs: PagedList, fmt: str, noun: Any) -> None:
    """A list read by pages, written page by page as it comes (the same text as
    :func:`render` gives), then its count on stderr as a list's message."""
    from .actions.read import reference_names
    from .render import ListWriter, PageRenderer

    columns = first.columns or noun.columns
    names = first.names
    if fmt in ("table", "csv") and names is None:
        names = reference_names(ctx, objs.first, columns)
    from .completion import remember

    remember(noun.name, objs.first)  # names for the shell's -n completion (first page)
    writer = ListWriter(fmt, sys.stdout, columns)
    pages = objs.pieces(PageRenderer(fmt, columns, names))
    try:
        for pieces in pages:
            writer.page(pieces)
    finally:
        pages.close()  # a closed stdout or Ctrl-C: the worker processes end now
    writer.close()
    if fmt != "table":
        say(f"{objs.count} {noun.plural}", "")


def _flatten(data: list[Any]) -> list[Any]:
    out: list[Any] = []
    for d in data:
        out.extend(d if isinstance(d, list) else [d])
    return out


def demo_command(args: argparse.Namespace) -> int:
    """``ovtui demo``: start the simulator in this process, then the TUI on it."""
    from .config import Profile
    from .sim.demo_life import demo_simulator  # a migration, its job and events under way

    sim = demo_simulator(vms=args.vms, hosts=args.hosts, speed=args.speed, seed=args.seed)
    try:
        profile = Profile(name="demo", url=sim.url, username=sim.username, password=sim.password)
        return _run_app(profile, readonly=args.readonly, demo=sim, debug=bool(args.debug))
    finally:
        sim.stop()


def tui_command(args: argparse.Namespace) -> int:
    """``ovtui``: the TUI against the configured engine (a connect screen without config)."""
    from . import config
    from .tuirun import no_gc_while_starting, tune_gil

    no_gc_while_starting()  # the first rows sooner (issue 14)
    tune_gil()  # keys answered while a refresh parses its page (issue 14)
    profile = None
    try:
        profile = config.load_profile(args.config, args.profile)
    except UsageError as err:
        if args.config or args.profile or config.find_config(None) is not None:
            raise
        del err  # no config at all: the TUI shows its connect screen
    if profile is not None:
        for warning in profile.warnings:
            say(warning)
        from .connection import read_password

        # ask for a missing password now, on the terminal, before the full screen takes it
        profile.password = read_password(profile, interactive=True)
        from .actions.browse import start_early

        # login and the first page of VMs go on while the TUI's modules load
        start_early(profile, debug=bool(args.debug or profile.debug))
    readonly = args.readonly or bool(profile and profile.readonly)
    debug = bool(args.debug or (profile and profile.debug))  # [api] debug = true: as -d
    return _run_app(profile, readonly=readonly, demo=None, debug=debug)


def _run_app(profile: Any, readonly: bool, demo: Any, debug: bool = False) -> int:
    """The TUI; ``debug`` writes the debug log (its path printed at exit). A worker stuck on
    an engine that never answers does not keep the process alive once the app has ended."""
    from .tuirun import run_tui

    return run_tui(profile, readonly=readonly, demo=demo, debug=debug)


def console_main() -> None:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
