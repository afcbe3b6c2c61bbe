"""``ovtui run eval SCRIPT.py [ARGS]``: a Python script with a ready ``context``, as ovirtcmd's
``ovcmd eval`` runs one.

The script runs in this process with these globals: ``context`` (below), the ``-V NAME VALUE``
variables and the mappings of the ``-e FILE`` YAML environments (as ovirtcmd gives them),
``sys.argv`` = ``[SCRIPT, *ARGS]``.

``context`` is the configured engine, logged in:

- ``context.connection`` (also ``context.api``, ovirtcmd's name): the ``ovirtsdk4.Connection``;
  ``context.system_service``: its system service; ``context.profile``, ``context.engine``.
- ``context.NOUN.VERB(...)``: every verb of the action layer (``ovtui run NOUN VERB``), e.g.
  ``context.vm.start(name="web01")``, ``context.vm.list(search="status=up")``,
  ``context.host.upgrade(name="h1", reboot=True)``; a hyphenated verb with ``_``
  (``context.vm.nic_add(...)``). The selector is ``id=``, ``name=`` or ``search=``; the verb's
  options are its parameter names (``ovtui run NOUN VERB -h``); ``async_=True``,
  ``timeout=SECONDS``, ``yes=True`` (a dangerous verb needs it, as ``-y``). Progress goes to
  stderr as for ``ovtui run``. A verb returns its data (SDK objects) when it has some, else its
  :class:`~ovtui.actions.base.Result`; on a verb that works on every match (``-s``), a list of
  them. A verb that fails raises its :class:`~ovtui.actions.base.ActionError`.
- ``context.NOUN(name=..., id=...)`` / ``context.NOUN.get(...)``: that object, or None
  (ovirtcmd's ``context.vm(name="x")``).
- ``context.run("vm", "start", name="web01")``: the same by names.

Exit codes are the verbs' ones: 0 when the script ends, an ovtui error's own code (printed in
its one-line form), 1 for an exception of the script (its traceback printed), the code of a
``sys.exit(N)``, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .actions import registry
from .actions.base import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Action,
    ActionContext,
    ActionError,
    EngineRefused,
    NoMatch,
    Selector,
    UsageError,
)
from .safefile import MIB, read_regular

SCRIPT_MAX_BYTES = 4 * MIB
_CALL_KEYS = ("id", "name", "search", "async_", "timeout", "yes")


def add_eval_parser(nouns: Any, add_global_options: Callable[..., None]) -> None:
    """The ``eval`` entry among the nouns of ``ovtui run``."""
    p = nouns.add_parser(
        "eval",
        help="run a Python script with a ready `context` (ovirtcmd's eval)",
        description="Run SCRIPT.py with a ready `context`: the logged-in engine and every "
        "verb of ovtui as a function (context.vm.start(name='web01')), progress on stderr. "
        "ARGS are the script's sys.argv[1:]. Exit codes as for verbs.",
    )
    add_global_options(p, suppress=True, taken=frozenset({"-V", "-v", "-e"}))
    p.add_argument(
        "-V",
        "-v",
        "--variable",
        dest="eval_vars",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a global variable of the script (ovirtcmd's -V name value)",
    )
    p.add_argument(
        "-e",
        "--environment",
        dest="eval_envs",
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML mapping whose keys become global variables (${var} substituted)",
    )
    p.add_argument("script", metavar="SCRIPT.py", help="the Python script")
    p.add_argument("script_args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    p.set_defaults(verb="eval", sel_id=None, sel_name=None, sel_search=None)


class Context:
    """What a script gets as ``context``: the engine, and the verbs as functions."""

    def __init__(
        self,
        connection: Any,
        profile: Any,
        report: Callable[[Any], None],
        *,
        readonly: bool = False,
        assume_yes: bool = False,
        args: list[str] | None = None,
        cli: Any = None,
    ) -> None:
        self._cli = cli  # ovtui.cli, handed over by it: target resolution, messages
        self.connection = connection
        self.api = connection  # ovirtcmd's name
        self.profile = profile
        self.engine = getattr(profile, "url", "")
        self.report = report
        self.readonly = readonly
        self.assume_yes = assume_yes
        self.args = list(args or [])
        self._nouns = {n.name: NounVerbs(self, n.name) for n in registry.NOUNS.values()}

    @property
    def system_service(self) -> Any:
        return self.connection.system_service()

    def __getattr__(self, name: str) -> NounVerbs:
        if name.startswith("_"):
            raise AttributeError(name)
        noun = registry.resolve_noun(name)
        if noun is None:
            raise AttributeError(
                f"context has no noun {name!r}; nouns: {', '.join(sorted(self._nouns))}"
            )
        return self._nouns[noun.name]

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._nouns})

    def action_context(self, selector: Selector | None = None, **kw: Any) -> ActionContext:
        """An :class:`ActionContext` on this engine (to call the action layer directly)."""
        return ActionContext(
            connection=self.connection,
            report=self.report,
            selector=selector or Selector(),
            readonly=self.readonly,
            **kw,
        )

    def run(self, noun: str, verb: str, **kw: Any) -> Any:
        """``ovtui run NOUN VERB`` as a function: see the module's doc."""
        n = registry.resolve_noun(noun)
        action = registry.get(n.name, verb) if n is not None else None
        if n is None or action is None:
            raise UsageError(f"No verb '{noun} {verb}'.", "ovtui run NOUN -h lists them.")
        return self._perform(action, kw)

    def _perform(self, action: Action, kw: dict[str, Any]) -> Any:
        from .actions.selectors import check_selector

        resolve_targets, say = self._cli.resolve_targets, self._cli.say

        call = {k: kw.pop(k) for k in _CALL_KEYS if k in kw}
        params = _params(action, kw)
        selector = Selector(call.get("id"), call.get("name"), call.get("search"))
        check_selector(selector)
        if action.needs_confirmation(params) and not (call.get("yes") or self.assume_yes):
            raise UsageError(
                f"'{action.label}' is dangerous and needs confirmation.",
                "Pass yes=True to the call (or -y to ovtui run eval).",
            )
        ctx = self.action_context(
            selector, async_=bool(call.get("async_")), timeout=call.get("timeout")
        )
        action.check_allowed(ctx.readonly)
        out = []
        for target in resolve_targets(ctx, action):
            res = action.perform(ctx, target, params)
            close = getattr(self.report, "close", None)
            if close is not None:
                close()
            if not res.ok:
                raise EngineRefused(res.message or f"{action.label} failed.")
            if action.mutating and res.message:
                if res.message != getattr(self.report, "last_message", None):
                    say(res.message, "")
            out.append(res.data if res.data is not None else res)
        return out if action.target == "many" else out[0]


class NounVerbs:
    """``context.vm``: the verbs of one noun as methods; calling it finds one object."""

    def __init__(self, context: Context, noun: str) -> None:
        self._context = context
        self._noun = noun

    def _action(self, name: str) -> Action | None:
        return registry.get(self._noun, name.replace("_", "-")) or registry.get(self._noun, name)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        action = self._action(name)
        if action is None:
            verbs = ", ".join(v.replace("-", "_") for v in registry.verbs(self._noun))
            raise AttributeError(f"{self._noun} has no verb {name!r}; its verbs: {verbs}")

        def call(**kw: Any) -> Any:
            return self._context._perform(action, kw)

        call.__name__ = name
        call.__doc__ = action.description or action.help
        return call

    def __dir__(self) -> list[str]:
        return sorted(v.replace("-", "_") for v in registry.verbs(self._noun))

    def get(self, name: str | None = None, id: str | None = None) -> Any:
        """The one object named ``name`` (or with ``id``), or None when there is none."""
        from .actions import selectors

        if name is None and id is None:
            raise UsageError(f"context.{self._noun}.get needs name= or id=.")
        noun = registry.NOUNS[self._noun]
        ctx = self._context.action_context()
        try:
            return selectors.one(ctx, noun, Selector(id, name, None))
        except NoMatch:
            if not selectors.find(ctx, noun, Selector(id, name, None)):
                return None
            raise

    def __call__(self, name: str | None = None, id: str | None = None) -> Any:
        return self.get(name=name, id=id)

    def __repr__(self) -> str:
        return f"<ovtui verbs of {self._noun}: {', '.join(registry.verbs(self._noun))}>"


def _params(action: Action, given: dict[str, Any]) -> dict[str, Any]:
    """The verb's parameters: its defaults, then what the call gave (by parameter name)."""
    known = {p.name: p for p in action.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        takes = ", ".join([*known, *_CALL_KEYS]) or "no options"
        raise UsageError(
            f"'{action.label}' does not take {', '.join(unknown)}.", f"It takes: {takes}."
        )
    params = {p.name: (bool(p.default) if p.kind == "flag" else p.default) for p in action.params}
    params.update(given)
    missing = [p.name for p in action.params if p.required and params.get(p.name) is None]
    if missing:
        raise UsageError(f"'{action.label}' needs {', '.join(missing)}.")
    return params


def _script_source(path: str) -> str:
    p = Path(path).expanduser()
    if not p.exists():
        raise UsageError(f"Script {p} does not exist.")
    data = read_regular(p, SCRIPT_MAX_BYTES, "Script")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"Script {p} is not UTF-8 text.") from None


def _script_traceback(exc: BaseException, filename: str) -> None:
    """The script's traceback: from its first frame on (ovtui's own frames above it cut)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    _say_lines("".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__)))


def _say_lines(text: str) -> None:
    """On stderr, each line through ``visible()``: a script's message may quote engine text."""
    from .textsafe import visible

    for line in text.rstrip("\n").split("\n"):
        print(visible(line), file=sys.stderr)


def run_eval(args: argparse.Namespace, debug: bool, cli: Any) -> int:
    """``ovtui run eval``: load the config, log in, run the script. ``cli`` is
    :mod:`ovtui.cli` (its messages, logging and target resolution), handed over by it."""
    from . import config, connection
    from .progress_printer import ProgressPrinter

    print_error, say, setup_logging = cli.print_error, cli.say, cli.setup_logging

    conn = None
    try:
        source = _script_source(args.script)
        filename = str(Path(args.script).expanduser())
        code = compile(source, filename, "exec")
        variables: dict[str, Any] = {}
        if args.eval_envs:
            from .actions.templates import load_template

            given = dict(args.eval_vars)
            for env in args.eval_envs:
                variables.update(load_template(env, {**given, **variables}))
        variables.update(dict(args.eval_vars))
        profile = config.load_profile(args.config, args.profile)
        for warning in profile.warnings:
            say(warning)
        if profile.debug and not debug:
            debug = True
            setup_logging(True)
        readonly = bool(args.readonly or profile.readonly)
        conn = connection.connect(profile, interactive=True, debug=debug)
        config.filter_debug_log(conn, profile)
        connection.check(conn)
        context = Context(
            conn,
            profile,
            ProgressPrinter(sys.stderr),
            readonly=readonly,
            assume_yes=bool(args.yes),
            args=list(args.script_args),
            cli=cli,
        )
        scope: dict[str, Any] = {
            "__name__": "__main__",
            "__file__": filename,
            "__builtins__": __builtins__,
            **variables,
            "context": context,
        }
        saved_argv = sys.argv
        sys.argv = [filename, *args.script_args]
        try:
            exec(code, scope)  # noqa: S102 - running the user's script is the verb
        finally:
            sys.argv = saved_argv
        return EXIT_OK
    except SyntaxError as exc:
        traceback.print_exception(type(exc), exc, None, file=sys.stderr)
        return EXIT_FAILED
    except ActionError as err:
        print_error(err)
        if debug:
            traceback.print_exc()
        return err.exit_code
    except SystemExit as exc:
        if exc.code is None:
            return EXIT_OK
        if isinstance(exc.code, int):
            return exc.code
        _say_lines(str(exc.code))
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\novtui: interrupted; the engine goes on with what it was asked.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except Exception as exc:  # noqa: BLE001 - the script's own error: its traceback
        _script_traceback(exc, str(Path(args.script).expanduser()))
        return EXIT_FAILED
    finally:
        connection_close(conn)


def connection_close(conn: Any) -> None:
    from .connection import close

    close(conn)
