"""Issue 13's acceptance, headless: a user added from the directory, given UserRole on one VM,
works through the user-level API (``filter = true``): sees that VM only, starts it, is refused
on another one with the engine's words; the permission removed, the VM is gone from their list.
Also: the engine's refusals of a non-admin user without ``filter`` (with ovtui's hint), of a
user with no permission at all, and what the filtered API shows of the rest."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from ovirtsdk4 import types as T

from ovtui.sim.sso import DIRECTORY_PASSWORD
from ovtui.sim.testing import connect, write_config
from tests.support import run_cli


def user_config(sim: Any, path: Path, user: str, *, filtered: bool = True) -> Path:
    """A config logging in as a directory user (their password is the directory's)."""
    path.write_text(
        f"[api]\nurl = {sim.url}\nusername = {user}\npassword = {DIRECTORY_PASSWORD}\n"
        + ("filter = true\n" if filtered else ""),
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def admin(sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    cfg = write_config(sim, tmp_path / "admin.ini")

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, "-y", *args)

    return run


@pytest.fixture
def bob(sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    cfg = user_config(sim, tmp_path / "bob.ini", "bob@internal")

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, cfg, "-y", *args)

    return run


def names(run: Any, *args: str) -> list[str]:
    code, out, err = run("-o", "json", *args)
    assert code == 0, err
    return sorted(o["name"] for o in json.loads(out))


def down_vms(sim: Any) -> list[str]:
    with sim.world.lock:
        return sorted(v.name for v in sim.world.coll["vms"].values() if v.status == T.VmStatus.DOWN)


def grant(admin: Any, vm: str, role: str = "UserRole", user: str = "bob@internal") -> str:
    """``vm -n VM permission-add``; the new permission's id."""
    code, out, err = admin("-o", "json", "vm", "-n", vm, "permission-add", "--role", role,
                           "--user", user)  # fmt: skip
    assert code == 0, err
    mine = [p for p in json.loads(out) if (p.get("user") or {}).get("id") and p.get("vm")]
    assert len(mine) == 1, out
    return str(mine[0]["id"])


def test_acceptance_user_role_on_one_vm(sim: Any, admin: Any, bob: Any) -> None:
    mine, other = down_vms(sim)[:2]
    code, out, err = admin("user", "add", "--domain", "internal", "bob")
    assert code == 0, err
    assert "bob@internal" in out
    pid = grant(admin, mine)

    assert names(bob, "vm", "list") == [mine]  # that VM only

    code, out, err = bob("vm", "-n", mine, "start")
    assert code == 0, err
    with sim.world.lock:
        assert sim.world.find("vm", mine).status == T.VmStatus.UP

    # the other VM is not shown to bob: the engine answers as if it were not there
    other_id = sim.world.find("vm", other).id
    code, out, err = bob("vm", "-i", other_id, "start")
    assert code == 4, err
    assert f"No vm matches id {other_id}" in err
    # shown (a role with the login permit only) but not his to start: the engine's words
    code, _, err = admin("role", "create", "VmViewer", "--permit", "login")
    assert code == 0, err
    grant(admin, other, role="VmViewer")
    assert names(bob, "vm", "list") == sorted([mine, other])
    code, out, err = bob("vm", "-n", other, "start")
    assert code == 1, err
    assert "User is not authorized to perform this action." in err
    assert "Traceback" not in err
    with sim.world.lock:
        assert sim.world.find("vm", other).status == T.VmStatus.DOWN

    code, out, err = admin("vm", "-n", mine, "permission-remove", pid)
    assert code == 0, err
    assert names(bob, "vm", "list") == [other]  # the VM is gone from bob's list


def test_without_filter_the_engine_refuses_and_ovtui_says_to_set_it(
    sim: Any, admin: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin("user", "add", "--domain", "internal", "bob")
    grant(admin, down_vms(sim)[0])
    cfg = user_config(sim, tmp_path / "nofilter.ini", "bob@internal", filtered=False)
    code, out, err = run_cli(capsys, cfg, "vm", "list")
    assert code == 1
    assert out == ""
    assert "Query execution failed due to insufficient permissions." in err
    assert "filter = true" in err
    assert "Traceback" not in err


def test_a_user_without_any_permission_gets_no_session(sim: Any, admin: Any, bob: Any) -> None:
    code, _, err = admin("user", "add", "--domain", "internal", "bob")
    assert code == 0, err
    code, out, err = bob("vm", "list")
    assert code == 3, err  # the engine makes no session: 401 after the login
    assert out == ""


def test_wrong_password_of_a_directory_user_is_a_login_refusal(
    sim: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "bad.ini"
    cfg.write_text(
        f"[api]\nurl = {sim.url}\nusername = bob@internal\npassword = nope\nfilter = true\n"
    )
    os.chmod(cfg, 0o600)
    code, _, err = run_cli(capsys, cfg, "vm", "list")
    assert code == 3
    assert "Cannot authenticate user 'bob@internal'" in err


def test_filtered_user_sees_only_what_is_theirs(sim: Any, admin: Any, bob: Any) -> None:
    vm = down_vms(sim)[0]
    admin("user", "add", "--domain", "internal", "bob")
    grant(admin, vm)
    assert names(bob, "host", "list") == []  # UserRole on a VM shows no host
    assert names(bob, "cluster", "list") == []
    code, out, err = bob("-o", "json", "user", "list")
    assert code == 0, err
    assert [u["user_name"] for u in json.loads(out)] == ["bob@internal"]  # himself only
    assert "UserRole" in names(bob, "role", "list")  # roles are for everyone to read
    assert names(bob, "vmpool", "list") == []  # pools are served, none is his
    # the API root: no summary for a user (the engine's BackendApiResource), who is bob
    conn = connect(sim, username="bob@internal", password=DIRECTORY_PASSWORD,
                   headers={"Filter": "true"})  # fmt: skip
    try:
        api = conn.system_service().get()
        assert api.summary is None
        with sim.world.lock:
            bob_id = next(u.id for u in sim.world.coll["users"].values() if u.principal == "bob")
        assert api.authenticated_user.id == bob_id
    finally:
        conn.close()
    code, out, err = bob("system", "show")
    assert code == 0, err
    # what the user-level API does not serve: the engine's words, not a crash
    code, out, err = bob("macpool", "list")
    assert code == 1
    assert "Query execution failed due to insufficient permissions." in err
    # events: only those about bob's VM
    code, _, err = bob("vm", "-n", vm, "start")
    assert code == 0, err
    code, out, err = bob("-o", "json", "event", "list")
    assert code == 0, err
    events = json.loads(out)
    assert events, "bob sees the events of his VM"
    vm_id = sim.world.find("vm", vm).id
    assert all((e.get("vm") or {}).get("id") == vm_id for e in events), events
    # the engine's events of bob's start name him
    assert any(e["code"] == 153 and "bob@internal" in e["description"] for e in events), events


def test_group_permission_reaches_its_members(sim: Any, admin: Any, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    vm = down_vms(sim)[0]
    code, _, err = admin("group", "add", "--domain", "example.com", "developers")
    assert code == 0, err
    code, _, err = admin("user", "add", "carol@example.com")
    assert code == 0, err
    code, _, err = admin("vm", "-n", vm, "permission-add", "--role", "UserRole",
                         "--group", "developers")  # fmt: skip
    assert code == 0, err
    cfg = user_config(sim, tmp_path / "carol.ini", "carol@example.com")
    code, out, err = run_cli(capsys, cfg, "-o", "json", "vm", "list")
    assert code == 0, err
    assert [v["name"] for v in json.loads(out)] == [vm]


def test_the_sdk_sends_filter_true(sim: Any, admin: Any, bob: Any) -> None:
    """What ovtui sends with filter = true is the engine's header, on every request."""
    admin("user", "add", "--domain", "internal", "bob")
    grant(admin, down_vms(sim)[0])
    conn = connect(sim, username="bob@internal", password=DIRECTORY_PASSWORD)
    try:  # the same user without the header: refused, as through ovtui
        with pytest.raises(Exception, match="insufficient permissions"):
            conn.system_service().vms_service().list()
    finally:
        conn.close()
    assert len(names(bob, "vm", "list")) == 1
