"""Shell completion for ``ovtui`` (``ovtui completion bash|zsh|fish``).

The scripts are generated from the action registry (plugins included): the nouns and their
aliases, each noun's verbs, each verb's options, and the values of ``-o``. Object names after
``-n`` come from a cache: every ``ovtui run NOUN list`` (table output or not) writes the names
it printed to ``<user cache dir>/ovtui/names/<noun>``, and the hidden ``ovtui __complete names
NOUN`` prints them (nothing when there is no cache): a Tab never waits on an engine.
zsh uses the bash script through ``bashcompinit``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

COMMANDS = ("demo", "sim", "run", "config", "completion", "plugins")
TOP_OPTS = ("-c", "--config", "-p", "--profile", "--readonly", "-d", "--debug", "--version", "-h")
GLOBAL_OPTS = ("-c", "--config", "-p", "--profile", "-o", "--output", "-d", "--debug", "-y",
               "--yes", "--readonly", "-h", "--help")  # fmt: skip
NOUN_OPTS = ("-i", "--id", "-n", "--name", "-s", "--search")
VALUE_OPTS = ("-c", "--config", "-p", "--profile", "-o", "--output", "-i", "--id", "-n",
              "--name", "-s", "--search")  # fmt: skip
NAME_MAX = 5000  # names kept per noun in the cache
_SAFE = re.compile(r"^[A-Za-z0-9_.:@%+=,/-]+$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "completion",
        help="print a shell completion script: ovtui completion bash|zsh|fish",
        description="Print the completion script for a shell. bash: "
        'eval "$(ovtui completion bash)" in ~/.bashrc; zsh: eval "$(ovtui completion zsh)"'
        " in ~/.zshrc; fish: ovtui completion fish > ~/.config/fish/completions/ovtui.fish",
    )
    p.add_argument("shell", choices=("bash", "zsh", "fish"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(script(args.shell))
    return 0


# --------------------------------------------------------------------------- the data
def registry_data() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """(verbs by noun word, options by "noun verb", canonical noun by word)."""
    from .actions import registry

    verbs: dict[str, list[str]] = {}
    opts: dict[str, list[str]] = {}
    canon: dict[str, str] = {}
    for noun in registry.NOUNS.values():
        names: list[str] = []
        for action in registry.verbs(noun.name).values():
            names += [action.verb, *action.aliases]
            flags = [f for p in action.params for f in p.flags]
            if action.waits:
                flags += ["-a", "--async", "--timeout"]
            if action.params:
                flags += ["-T", "--template", "-V", "--var"]
            for v in (action.verb, *action.aliases):
                opts[f"{noun.name} {v}"] = [*dict.fromkeys(flags + ["-h", "--help"])]
        for word in dict.fromkeys((noun.name, noun.plural, *noun.aliases)):
            verbs[word] = names
            canon[word] = noun.name
    verbs["eval"] = []
    canon["eval"] = "eval"
    return verbs, opts, canon


def helper() -> str:
    """The command that lists names: this Python running ovtui.completion (no registry, no
    engine: a Tab answers in a fraction of a second). ``ovtui __complete`` does the same."""
    return f"{shlex.quote(sys.executable)} -m ovtui.completion"


def _words(items: Iterable[str]) -> str:
    return " ".join(i for i in items if _SAFE.match(i))


def script(shell: str) -> str:
    from .render import FORMATS

    verbs, opts, canon = registry_data()
    if shell == "fish":
        return _fish(verbs, opts, canon, FORMATS)
    lines = [
        "# ovtui completion (generated from ovtui's action registry: ovtui completion bash)",
        "declare -gA _ovtui_verbs=(",
        *(f"  [{n}]={shlex.quote(_words(v))}" for n, v in verbs.items()),
        ")",
        "declare -gA _ovtui_canon=(",
        *(f"  [{n}]={c}" for n, c in canon.items()),
        ")",
        "declare -gA _ovtui_opts=(",
        *(f"  [{shlex.quote(k)}]={shlex.quote(_words(v))}" for k, v in opts.items()),
        ")",
        f"_ovtui_nouns={shlex.quote(_words(verbs))}",
        f"_ovtui_formats={shlex.quote(_words(FORMATS))}",
        f"_ovtui_commands={shlex.quote(_words(COMMANDS))}",
        f"_ovtui_top_opts={shlex.quote(_words(TOP_OPTS))}",
        f"_ovtui_global_opts={shlex.quote(_words(GLOBAL_OPTS))}",
        f"_ovtui_noun_opts={shlex.quote(_words(NOUN_OPTS))}",
        f"_ovtui_value_opts=' {_words(VALUE_OPTS)} '",
        f"_ovtui_helper=({helper()})",
        BASH_FUNCTION,
    ]
    if shell == "zsh":
        lines.insert(1, "autoload -U +X bashcompinit && bashcompinit")
    return "\n".join(lines) + "\n"


BASH_FUNCTION = r"""
_ovtui() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local i w run=0 noun="" verb="" skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((skip)); then skip=0; continue; fi
        if ((!run)); then
            case $w in
                run) run=1 ;;
                completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
                config) COMPREPLY=($(compgen -W "init" -- "$cur")); return ;;
                -c|--config|-p|--profile) skip=1 ;;
            esac
            continue
        fi
        if [[ $_ovtui_value_opts == *" $w "* ]]; then skip=1; continue; fi
        case $w in
            -*) ;;
            *) if [[ -z $noun ]]; then noun=$w; elif [[ -z $verb ]]; then verb=$w; fi ;;
        esac
    done
    case $prev in
        -o|--output) COMPREPLY=($(compgen -W "$_ovtui_formats" -- "$cur")); return ;;
        -c|--config|-T|--template) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -p|--profile) COMPREPLY=($(compgen -W "all $("${_ovtui_helper[@]}" profiles 2>/dev/null)" -- "$cur")); return ;;
        -n|--name)
            if ((run)) && [[ -n $noun && -z $verb ]]; then
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$("${_ovtui_helper[@]}" names "${_ovtui_canon[$noun]:-$noun}" 2>/dev/null)" -- "$cur"))
            fi
            return ;;
        -i|--id|-s|--search) return ;;
    esac
    if ((!run)); then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$_ovtui_top_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_ovtui_commands" -- "$cur"))
        fi
    elif [[ -z $noun ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$_ovtui_global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_ovtui_nouns" -- "$cur"))
        fi
    elif [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$_ovtui_noun_opts $_ovtui_global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "${_ovtui_verbs[$noun]}" -- "$cur"))
        fi
    else
        if [[ $cur == -* ]]; then
            local key="${_ovtui_canon[$noun]:-$noun} $verb"
            COMPREPLY=($(compgen -W "${_ovtui_opts[$key]} --output" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
    fi
}
complete -F _ovtui ovtui
"""

FISH_HEAD = r"""# ovtui completion (generated from ovtui's action registry: ovtui completion fish)
function __ovtui_state
    set -l toks (commandline -opc)
    set -e toks[1]
    set -l run 0; set -l noun ''; set -l verb ''; set -l skip 0
    for t in $toks
        if test $skip = 1; set skip 0; continue; end
        if test $run = 0
            if test "$t" = run; set run 1; end
            continue
        end
        switch $t
            case -c --config -p --profile -o --output -i --id -n --name -s --search
                set skip 1
            case '-*'
            case '*'
                if test -z "$noun"; set noun $t
                else if test -z "$verb"; set verb $t
                end
        end
    end
    echo "$run|$noun|$verb"
end
function __ovtui_at
    set -l s (string split '|' -- (__ovtui_state))
    switch $argv[1]
        case noun; test "$s[1]" = 1; and test -z "$s[2]"
        case verb; test "$s[1]" = 1; and contains -- "$s[2]" $argv[2..-1]; and test -z "$s[3]"
        case opts; contains -- "$s[2]" $argv[3..-1]; and test "$s[3]" = "$argv[2]"
        case names; test "$s[1]" = 1; and test -n "$s[2]"; and test -z "$s[3]"
    end
end
function __ovtui_names
    set -l s (string split '|' -- (__ovtui_state))
    {helper} names $s[2] 2>/dev/null
end
complete -c ovtui -f
complete -c ovtui -n '__fish_use_subcommand' -a '{commands}'
complete -c ovtui -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
complete -c ovtui -n '__fish_seen_subcommand_from config' -a 'init'
complete -c ovtui -n '__ovtui_at noun' -a '{nouns}'
complete -c ovtui -s o -l output -x -a '{formats}'
complete -c ovtui -s p -l profile -x -a 'all'
complete -c ovtui -s c -l config -r -F
complete -c ovtui -n '__ovtui_at names' -s n -l name -x -a '(__ovtui_names)'
"""


def _fish(
    verbs: dict[str, list[str]], opts: dict[str, list[str]], canon: dict[str, str], formats: Any
) -> str:
    out = [
        FISH_HEAD.replace("{commands}", _words(COMMANDS))
        .replace("{nouns}", _words(verbs))
        .replace("{formats}", _words(formats))
        .replace("{helper}", helper())
    ]
    by_noun: dict[str, list[str]] = {}
    for word, noun in canon.items():
        by_noun.setdefault(noun, []).append(word)
    for noun, words in by_noun.items():
        names = _words(verbs[noun] if noun in verbs else [])
        aliases = _words(words)
        if names:
            out.append(f"complete -c ovtui -n '__ovtui_at verb {aliases}' -a '{names}'")
    for key, flags in opts.items():
        noun, verb = key.split(" ", 1)
        aliases = _words(by_noun.get(noun, [noun]))
        for flag in flags:
            if flag.startswith("--") and _SAFE.match(flag):
                out.append(f"complete -c ovtui -n '__ovtui_at opts {verb} {aliases}' -l {flag[2:]}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- names cache
def cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("ovtui")) / "names"


def remember(noun: str, objs: Iterable[Any]) -> None:
    """Keep the names of ``objs`` for ``-n`` completion (best effort, never an error)."""
    try:
        names = sorted({str(n) for o in objs if (n := getattr(o, "name", None))})
        names = [n for n in names if n.isprintable() and "\n" not in n][:NAME_MAX]
        if not names or not re.match(r"^[a-z]+$", noun):
            return
        d = cache_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / noun
        old = set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()
        merged = sorted(old | set(names))[:NAME_MAX]
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text("\n".join(merged) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - completion is a convenience
        return


def hidden_main(argv: list[str]) -> int:
    """``ovtui __complete names NOUN`` / ``ovtui __complete profiles``: cheap, no registry,
    no engine; prints nothing when it knows nothing."""
    try:
        if len(argv) == 2 and argv[0] == "names" and re.match(r"^[a-z]+$", argv[1]):
            path = cache_dir() / argv[1]
            if path.exists():
                sys.stdout.write(path.read_text(encoding="utf-8"))
        elif argv == ["profiles"]:
            from .config import find_config

            cfg = find_config(None)
            if cfg is not None:
                for line in cfg.read_text(encoding="utf-8").splitlines():
                    m = re.match(r"^\[profile:([^\]]+)\]", line.strip())
                    if m:
                        print(m.group(1))
    except Exception:  # noqa: BLE001 - a Tab press never shows an error
        return 0
    return 0


if __name__ == "__main__":  # the scripts call `python -m ovtui.completion names NOUN`: no registry
    sys.exit(hidden_main(sys.argv[1:]))
