"""A real Kerberos login: an MIT KDC on loopback (k5test), the simulator's gssapi acceptor.

ovtui runs as a subprocess with the realm's krb5.conf; the real ``ovirtsdk4`` posts to
``token-http-auth`` and libcurl does SPNEGO with the ticket ovtui got from the keytab.
Skipped when the KDC binaries or gssapi/k5test are missing, unless OVTUI_REQUIRE_KERBEROS=1
(set by .ci/run), where it fails instead.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REALM = "OVTUI.TEST"
FOREIGN = "ELSEWHERE.TEST"
SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/bin")


def _missing() -> str | None:
    for module, extra in (("gssapi", "kerberos"), ("k5test", "test")):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"the {module} module is not installed (pip install -e '.[{extra}]')"
    for tool in ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "klist"):
        if not (shutil.which(tool) or any(os.path.exists(f"{d}/{tool}") for d in SBIN)):
            return f"no {tool}: apt-get install krb5-kdc krb5-admin-server krb5-user"
    return None


def _free_portbase() -> int:
    """k5test uses portbase..portbase+6; find 7 free TCP and UDP ports in a row."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65000:
            continue
        try:
            for port in range(base, base + 7):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    with socket.socket(socket.AF_INET, kind) as s:
                        s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no 7 free ports in a row on loopback")


def start_realm(name: str) -> Any:
    """A throwaway MIT realm: KDC on 127.0.0.1, no DNS canonicalisation, HTTP/localhost key."""
    import k5test

    conf = {
        # clockskew 1 s: a ticket is expired (for the KDC too) 1 s after its end time
        "libdefaults": {"rdns": "false", "dns_canonicalize_hostname": "false", "clockskew": "1"},
        "realms": {"$realm": {"kdc": "127.0.0.1:$port0"}},
    }
    for attempt in range(3):
        try:
            realm = k5test.K5Realm(
                realm=name,
                portbase=_free_portbase(),
                krb5_conf=conf,
                create_host=False,
                create_user=False,
                get_creds=False,
            )
            break
        except Exception:  # noqa: BLE001 - a port taken meanwhile: try another base
            if attempt == 2:
                raise
    realm.addprinc(f"HTTP/localhost@{name}")
    realm.extract_keytab(f"HTTP/localhost@{name}", os.path.join(realm.tmpdir, "http.keytab"))
    return realm


def user_keytab(realm: Any, user: str) -> str:
    """A new principal ``user@REALM`` and a keytab holding its (random) key."""
    principal = f"{user}@{realm.realm}"
    realm.addprinc(principal)
    path = os.path.join(realm.tmpdir, f"{user}.keytab")
    realm.extract_keytab(principal, path)
    return path


@pytest.fixture(scope="module")
def realm() -> Iterator[Any]:
    why = _missing()
    if why:
        if os.environ.get("OVTUI_REQUIRE_KERBEROS") == "1":
            pytest.fail(f"OVTUI_REQUIRE_KERBEROS=1 but {why}")
        pytest.skip(why)
    realm = start_realm(REALM)
    realm.user = user_keytab(realm, "alice")
    try:
        yield realm
    finally:
        realm.stop()


@pytest.fixture
def kerberos_sim(realm, make_sim):
    """The simulator accepting SPNEGO with the realm's HTTP/localhost keytab; alice is a user."""
    return make_sim(
        vms=3,
        hosts=1,
        kerberos_keytab=os.path.join(realm.tmpdir, "http.keytab"),
        kerberos_users={f"alice@{REALM}"},
    )


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700)
    return path


def ovtui(
    realm: Any, tmp_path: Path, sim: Any, kerberos: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """``ovtui run -c CFG ARGS`` as a user of ``realm``: its krb5.conf, no ticket of its own."""
    url = sim.url.replace("127.0.0.1", "localhost")  # curl asks for HTTP/localhost
    cfg = tmp_path / "ovtui.ini"
    cfg.write_text(f"[api]\nurl = {url}\nkerberos = true\ntimeout = 20\n\n[kerberos]\n{kerberos}")
    os.chmod(cfg, 0o600)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "XDG_"))}
    full.update(KRB5_CONFIG=realm.env["KRB5_CONFIG"], HOME=str(tmp_path), COLUMNS="200")
    full["KRB5CCNAME"] = f"FILE:{tmp_path / 'no-such-default-ccache'}"
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "ovtui", "run", "-c", str(cfg), *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_clean_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, err
    assert "Traceback" not in err and "\x1b" not in err
    return lines[0]


def test_keytab_login_lists_vms_with_a_private_ccache(realm, kerberos_sim, tmp_path):
    runtime = private_dir(tmp_path / "run")
    result = ovtui(
        realm,
        tmp_path,
        kerberos_sim,
        f"keytab = {realm.user}\nprincipal = alice@{REALM}\n",
        "-o",
        "json",
        "vm",
        "list",
        XDG_RUNTIME_DIR=str(runtime),
    )
    assert result.returncode == 0, result.stderr
    names = {vm["name"] for vm in json.loads(result.stdout)}
    assert names == {vm.name for vm in kerberos_sim.world.coll["vms"].values()} != set()
    # the engine authenticated alice through SPNEGO (not a password, not a bare header)
    assert kerberos_sim.negotiate.accepted == [f"alice@{REALM}"]
    assert kerberos_sim.tokens.logins == 1
    # the ticket is in a file of mode 600 inside a directory only the user can enter
    (ccache,) = (runtime / "ovtui").iterdir()
    assert stat.S_IMODE(os.stat(runtime / "ovtui").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(ccache).st_mode) == 0o600
    assert ccache.name.startswith("krb5cc_") and ccache.name != f"krb5cc_ovtui_{os.getuid()}"
    klist = subprocess.run(
        ["klist", "-c", f"FILE:{ccache}"],
        env={**os.environ, **realm.env},
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert f"Default principal: alice@{REALM}" in klist.stdout


def test_a_shared_runtime_dir_is_not_used_for_the_ccache(realm, kerberos_sim, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp: anyone may create (and guess) names there
    cache = tmp_path / "cache"
    result = ovtui(
        realm,
        tmp_path,
        kerberos_sim,
        f"keytab = {realm.user}\n",  # no principal: the keytab's own
        "vm",
        "list",
        XDG_RUNTIME_DIR=str(shared),
        XDG_CACHE_HOME=str(cache),
    )
    assert result.returncode == 0, result.stderr
    assert list(shared.iterdir()) == []
    (ccache,) = (cache / "ovtui" / "krb5").iterdir()
    assert stat.S_IMODE(os.stat(ccache.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(ccache).st_mode) == 0o600
    assert kerberos_sim.negotiate.accepted == [f"alice@{REALM}"]


def test_a_principal_the_engine_does_not_know_is_refused(realm, kerberos_sim, tmp_path):
    keytab = user_keytab(realm, "mallory")  # a valid ticket, but not an engine user
    result = ovtui(realm, tmp_path, kerberos_sim, f"keytab = {keytab}\n", "vm", "list")
    assert result.returncode == 3, result.stderr
    line = one_clean_line(result.stderr)
    assert "Cannot authenticate user" in line and f"mallory@{REALM}" in line
    assert result.stdout == "" and kerberos_sim.tokens.logins == 0


def test_a_ticket_from_a_foreign_realm_is_refused_by_the_engine(realm, kerberos_sim, tmp_path):
    foreign = start_realm(FOREIGN)
    try:
        keytab = user_keytab(foreign, "alice")  # alice@ELSEWHERE.TEST, another KDC
        result = ovtui(foreign, tmp_path, kerberos_sim, f"keytab = {keytab}\n", "vm", "list")
    finally:
        foreign.stop()
    assert result.returncode == 3, result.stderr
    line = one_clean_line(result.stderr)
    assert "Cannot authenticate user" in line and "ticket was not accepted" in line
    assert kerberos_sim.negotiate.accepted == [] and kerberos_sim.tokens.logins == 0


def test_an_expired_ticket_is_refused(realm, kerberos_sim, tmp_path):
    ccache = tmp_path / "short.ccache"
    env = {**os.environ, **realm.env, "KRB5CCNAME": f"FILE:{ccache}"}
    kinit = ["kinit", "-l", "1s", "-k", "-t", realm.user, f"alice@{REALM}"]
    subprocess.run(kinit, env=env, check=True, timeout=10)
    ends = time.time() + 1 + 1  # lifetime, then clockskew
    assert subprocess.run(["klist", "-s"], env=env, timeout=10).returncode == 0
    while time.time() <= ends + 0.1:
        time.sleep(0.1)  # waiting for the ticket's clock to run out, not for ovtui
    assert subprocess.run(["klist", "-s"], env=env, timeout=10).returncode != 0
    # no keytab: ovtui uses the ticket it is given, which has expired
    result = ovtui(realm, tmp_path, kerberos_sim, f"ccache = FILE:{ccache}\n", "vm", "list")
    assert result.returncode == 3, result.stderr
    assert "Cannot authenticate user" in one_clean_line(result.stderr)
    assert kerberos_sim.tokens.logins == 0


@pytest.mark.parametrize("case", ["stale keytab", "principal not in keytab"])
def test_a_wrong_keytab_or_principal_fails_the_login(realm, kerberos_sim, tmp_path, case):
    if case == "stale keytab":
        stale = user_keytab(realm, "bob")
        realm.run_kadminl(["cpw", "-randkey", f"bob@{REALM}"])  # bob's key changed since
        kerberos = f"keytab = {stale}\nprincipal = bob@{REALM}\n"
        says = f"the keytab's key for bob@{REALM} is not the KDC's"
    else:
        kerberos = f"keytab = {realm.user}\nprincipal = carol@{REALM}\n"
        says = f"the keytab holds no key for carol@{REALM}"
    result = ovtui(realm, tmp_path, kerberos_sim, kerberos, "vm", "list")
    assert result.returncode == 3, result.stderr
    line = one_clean_line(result.stderr)
    assert "Kerberos login from keytab" in line and says in line
    assert kerberos_sim.tokens.logins == 0


def test_an_engine_without_kerberos_refuses(realm, make_sim, tmp_path):
    sim = make_sim(vms=1, hosts=1)  # no keytab: it cannot check a ticket, so it says no
    result = ovtui(realm, tmp_path, sim, f"keytab = {realm.user}\n", "vm", "list")
    assert result.returncode == 3, result.stderr
    line = one_clean_line(result.stderr)
    assert "Cannot authenticate user" in line and "not configured" in line
    assert sim.tokens.logins == 0


def test_a_forged_negotiate_header_gets_no_token(kerberos_sim):

    import urllib.error
    import urllib.request

    url = kerberos_sim.url.rsplit("/api", 1)[0] + "/sso/oauth/token-http-auth"
    data = b"grant_type=urn%3Aovirt%3Aparams%3Aoauth%3Agrant-type%3Ahttp&scope=ovirt-app-api"
    for header in ({}, {"Authorization": "Negotiate YIIabc="}):
        request = urllib.request.Request(url, data=data, headers=header)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=10)
        answer = json.loads(info.value.read())
        assert answer["error_code"] == "access_denied" and "access_token" not in answer
        assert info.value.code == (401 if not header else 400)
    assert kerberos_sim.tokens.logins == 0
