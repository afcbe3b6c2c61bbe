"""``ovtui run eval SCRIPT.py [ARGS]``: a script with a ready ``context`` (ovirtcmd's eval)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ovtui.sim.testing import write_config
from tests.support import run_cli


@pytest.fixture
def run_script(sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    cfg = write_config(sim, tmp_path)

    def run(
        source: str, *args: str, before: tuple[str, ...] = (), opts: tuple[str, ...] = ()
    ) -> tuple[int, str, str]:
        script = tmp_path / "script.py"
        script.write_text(source, encoding="utf-8")
        return run_cli(capsys, cfg, *before, "eval", *opts, str(script), *args)

    return run


def vm_status(sim: Any, name: str) -> str:
    vm = sim.world.find("vm", name)
    return getattr(vm.status, "value", vm.status)


def test_eval_lists_vms_and_starts_one_with_progress_on_stderr(sim, run_script) -> None:
    code, out, err = run_script(
        "names = [vm.name for vm in context.vm.list()]\n"
        "print(len(names), 'vms:', ' '.join(sorted(names)[:3]))\n"
        "context.vm.start(name='db01')\n"
        "print('db01 is', context.vm(name='db01').status.value)\n"
    )
    assert code == 0, err
    assert out.splitlines()[0].startswith("50 vms: ")
    assert out.splitlines()[-1] == "db01 is up"
    assert "start VM db01: accepted by the engine" in err and "VM db01 is up" in err
    assert "accepted" not in out  # progress on stderr only
    assert vm_status(sim, "db01") == "up"


def test_eval_script_args_variables_and_lookup(run_script, tmp_path) -> None:
    env = tmp_path / "env.yaml"
    env.write_text("cluster: ${where:Default}\n", encoding="utf-8")
    code, out, err = run_script(
        "import sys\n"
        "print(sys.argv[1:], greeting, cluster)\n"
        "print(context.vm(name='nope'), context.host.get(name='host01').name)\n"
        "print(context.engine.startswith('http'))\n",
        "a",
        "--b",
        opts=("-V", "greeting", "hi", "-e", str(env)),
    )
    assert code == 0, err
    assert out.splitlines() == ["['a', '--b'] hi Default", "None host01", "True"]


def test_eval_script_error_shows_its_traceback(run_script) -> None:
    code, out, err = run_script("x = 1\n\ndef f():\n    return 1 / 0\n\nf()\n")
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert 'script.py", line 6, in <module>' in lines[1]  # from the script's first frame
    assert "line 4, in f" in err and lines[-1] == "ZeroDivisionError: division by zero"
    assert "ovtui/eval_script.py" not in err  # ovtui's own frames are not the script's


def test_eval_engine_refusal_is_one_line_exit_1(sim, run_script) -> None:
    code, out, err = run_script("context.vm.start(name='web01')\nprint('not reached')\n")
    assert code == 1
    assert "not reached" not in out
    assert "ovtui: error:" in err and "Cannot run VM. VM is running." in err
    assert "Traceback" not in err


def test_eval_exit_codes_as_for_verbs(run_script) -> None:
    code, _, err = run_script("context.vm.show(name='nope')\n")
    assert code == 4 and "No vm matches name nope." in err and "Traceback" not in err
    code, _, _ = run_script("import sys\nsys.exit(3)\n")
    assert code == 3
    code, _, err = run_script("context.vm.start(name='db01', colour='red')\n")
    assert code == 2 and "does not take colour" in err
    code, _, err = run_script("def broken(:\n")
    assert code == 1 and "SyntaxError" in err


def test_eval_dangerous_verb_needs_yes(sim, run_script) -> None:
    code, _, err = run_script("context.vm.stop(name='web01')\n")
    assert code == 2 and "yes=True" in err
    assert vm_status(sim, "web01") == "up"
    code, _, err = run_script("context.vm.stop(name='web01', yes=True)\n")
    assert code == 0, err
    assert vm_status(sim, "web01") == "down"


def test_eval_readonly_refuses_writes(sim, run_script) -> None:
    code, _, err = run_script("context.vm.start(name='db01')\n", before=("--readonly",))
    assert code == 2 and "refused in read-only mode" in err
    assert vm_status(sim, "db01") == "down"


def test_eval_missing_script_is_a_usage_error(sim, tmp_path, capsys) -> None:
    code, _, err = run_cli(capsys, write_config(sim, tmp_path), "eval", str(tmp_path / "no.py"))
    assert code == 2 and "does not exist" in err


def test_eval_records_a_custom_event(sim, run_script) -> None:
    code, out, err = run_script(
        "ev = context.event.add(description='nightly check done', severity='warning',"
        " vm='web01')[0]\n"
        "print(ev.id, ev.code)\n"
        "newest = context.event.list(max=1)[0]\n"
        "print(newest.description)\n"
    )
    assert code == 0, err
    event_id, code_text = out.splitlines()[0].split()
    assert code_text == "9802" and out.splitlines()[1] == "nightly check done"
    with sim.world.lock:
        ev = sim.world.coll["events"][event_id]
    assert ev.origin == "ovtui" and ev.vm.id == sim.world.find("vm", "web01").id
