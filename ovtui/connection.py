"""Build, check and close an ``ovirtsdk4.Connection`` from a :class:`Profile`.

The password comes from the config, ``password_file`` or an interactive prompt; it is never
put on a command line, and a logging filter keeps it (and bearer tokens) out of debug logs.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import ovirtsdk4

from .actions.base import ConnectError, UsageError
from .actions.errors import translate
from .config import Profile
from .transport import Transport

log = logging.getLogger("ovtui")


class RedactFilter(logging.Filter):
    """Replaces secrets in log records: the password (raw and form-encoded), bearer tokens,
    the access token in the SSO answer (JSON) and in the sso-logout body (``token=``)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        words = {s for s in secrets if s}
        words |= {quote_plus(s) for s in words}
        self._secrets = sorted(words, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "********")
        text = re.sub(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", r"\1********", text)
        text = re.sub(r'("access_token"\s*:\s*")[^"]+', r"\1********", text)
        text = re.sub(r"(Negotiate\s+)[A-Za-z0-9+/=]+", r"\1********", text)  # SPNEGO tokens
        # form fields: the login's password, the sso-logout body's token=
        return re.sub(r"((?:password|[a-z_]*token)=)[^&\s]+", r"\1********", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        return True


def read_password(profile: Profile, interactive: bool) -> str | None:
    """The password: config, then password_file, then a prompt on a terminal."""
    if profile.password:
        return profile.password
    if profile.password_file:
        from .safefile import KIB, read_regular

        path = Path(profile.password_file)
        # a regular file only (a FIFO would hang, /dev/zero never ends), and a small one
        data = read_regular(path, 64 * KIB, "password_file")
        try:
            password = data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise UsageError(
                f"password_file {path} is not UTF-8 text.",
                "Write the password alone on one line, in UTF-8.",
            ) from None
        if not password or "\n" in password or "\r" in password:
            what = "is empty" if not password else "has more than one line"
            raise UsageError(
                f"password_file {path} {what}.", "Write the password alone on one line."
            )
        return password
    if profile.kerberos:
        return None
    if interactive and sys.stdin.isatty():
        try:
            return getpass.getpass(f"Password for {profile.username} at {profile.engine_label}: ")
        except (EOFError, KeyboardInterrupt):
            raise UsageError("No password given.") from None
    where = profile.source or "the config"
    raise UsageError(
        f"No password for {profile.username}: {where} has neither password nor password_file.",
        "Add password_file = PATH (mode 600) under [api], or run from a terminal to be asked.",
    )


def _private_dir() -> Path:
    """A directory only this user can enter, for the ccache ovtui writes.

    ``$XDG_RUNTIME_DIR/ovtui`` when the runtime dir is this user's and private (as systemd makes
    it), else ``<user cache dir>/krb5``: never a fixed name in a shared directory such as /tmp.
    """
    from platformdirs import user_cache_dir  # noqa: PLC0415

    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    where = Path(user_cache_dir("ovtui")) / "krb5"
    if runtime and os.path.isabs(runtime):
        try:
            st = os.stat(runtime)
        except OSError:
            st = None
        if st is not None and st.st_uid == uid and not st.st_mode & 0o077:
            where = Path(runtime) / "ovtui"
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(where)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            raise UsageError(
                f"{where} is not a directory of this user: ovtui keeps its Kerberos tickets there.",
                "Remove it, or set ccache = PATH under [kerberos].",
            )
        if st.st_mode & 0o077:
            os.chmod(where, 0o700)
    except OSError as exc:
        raise UsageError(
            f"Cannot create {where} for the Kerberos ticket: {exc.strerror}."
        ) from None
    return where


def kerberos_login(profile: Profile) -> None:
    """Get a ticket from the keytab into a private ccache, and point libcurl at it.

    The ticket is written to a new file (mode 600) in a directory only this user can enter,
    then renamed over the ccache, so a concurrent ovtui never reads half a cache. Without a
    keytab an existing ticket (kinit) in the default or given ccache is used.
    """
    if not profile.keytab:
        if profile.ccache:
            os.environ["KRB5CCNAME"] = profile.ccache
        return
    try:
        import gssapi  # noqa: PLC0415 - optional dependency, imported only when used
    except ImportError:
        raise UsageError(
            "Kerberos keytab login needs the gssapi module, which is not installed.",
            "Install it with: pip install 'ovtui[kerberos]'",
        ) from None
    if profile.ccache:  # the user's choice of ccache (any type: FILE:, DIR:, KEYRING:)
        target, tmp = profile.ccache, None
        store = {"client_keytab": profile.keytab, "ccache": target}
    else:
        import hashlib  # noqa: PLC0415
        import secrets  # noqa: PLC0415

        key = f"{os.path.abspath(profile.keytab)}\0{profile.principal or ''}".encode()
        path = _private_dir() / f"krb5cc_{hashlib.sha256(key).hexdigest()[:16]}"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        target = f"FILE:{path}"
        store = {"client_keytab": profile.keytab, "ccache": f"FILE:{tmp}"}
    try:
        name = (
            gssapi.Name(profile.principal, gssapi.NameType.kerberos_principal)
            if profile.principal
            else None
        )
        gssapi.Credentials(name=name, usage="initiate", store=store)
        if tmp is not None:
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
    except gssapi.exceptions.GSSError as exc:
        try:
            why = " ".join(exc.get_all_statuses(exc.min_code, False)) or exc.gen_message()
        except Exception:  # noqa: BLE001 - the library's wording is a nicety
            why = exc.gen_message()
        why = " ".join(why.split())
        from .textsafe import visible  # noqa: PLC0415

        who = profile.principal or "the keytab's principal"
        if "No credentials cache found" in why or "not found in keytab" in why:
            why = f"the keytab holds no key for {who}"  # MIT's words name our temporary file
        elif "Decrypt integrity check failed" in why or "Preauthentication failed" in why:
            why = f"the keytab's key for {who} is not the KDC's (an old keytab?)"
        raise ConnectError(
            f"Kerberos login from keytab {profile.keytab} failed: {visible(why, 300)}.",
            "Check keytab (klist -k KEYTAB), principal and the realm settings in krb5.conf.",
        ) from None
    except OSError as exc:
        raise ConnectError(f"Cannot write the Kerberos ticket cache: {exc.strerror}.") from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
    os.environ["KRB5CCNAME"] = target
    # libcurl's GSS-Negotiate renews the ticket from the keytab when it expires (long TUI runs)
    os.environ["KRB5_CLIENT_KTNAME"] = profile.keytab


def connect(
    profile: Profile, interactive: bool = False, debug: bool = False, token: str | None = None
) -> ovirtsdk4.Connection:
    """A lazy SDK connection (authenticates on the first request, or uses ``token``)."""
    password = read_password(profile, interactive)
    if profile.kerberos:
        kerberos_login(profile)
    kwargs: dict[str, Any] = {}
    if debug:
        sdk_log = logging.getLogger("ovtui.sdk")
        sdk_log.filters[:] = [RedactFilter([password or ""])]
        kwargs.update(debug=True, log=sdk_log)
    try:
        return Transport(
            max_response_mb=profile.max_response_mb,
            url=profile.url,
            username=None if profile.kerberos else profile.username,
            password=None if profile.kerberos else password,
            ca_file=profile.ca_file,
            insecure=profile.insecure,
            kerberos=profile.kerberos,
            timeout=profile.timeout,
            connections=profile.connections,
            token=token,
            # the user-level API: the engine shows only what the user has permissions on
            headers={"Filter": "true"} if profile.filter else None,
            **kwargs,
        )
    except ovirtsdk4.Error as exc:
        raise translate(exc) from None


def check(connection: ovirtsdk4.Connection) -> Any:
    """Log in and read the API root; the engine's reason on failure, with the exit code the
    same answer gets from any other request (translate's one rule: cannot connect, log in, or
    engine unavailable = 3; an answer that refuses = 1; a too-large answer = 1).

    A 404 on the root means the login already succeeded (the SDK got its token first) but this
    (partial) engine does not serve the root: logged in, None returned, and the verb goes on.
    """
    try:
        return connection.system_service().get()
    except ovirtsdk4.NotFoundError:
        return None
    except ovirtsdk4.Error as exc:
        raise translate(exc, "reading the API root") from None


def close(connection: ovirtsdk4.Connection | None) -> None:
    """Log out and close, ignoring an engine that is already gone.

    No logout after a request failed in transit (a time-out, a reset, an answer too large):
    it would wait on the same engine once more; the engine expires the token by itself.
    """
    if connection is None:
        return
    if getattr(connection, "broken", False):
        log.debug("not logging out: the engine's last answer failed in transit")
        connection.close(logout=False)
        return
    try:
        connection.close(logout=True)
    except Exception:  # noqa: BLE001 - closing must never fail the caller
        try:
            connection.close(logout=False)
        except Exception:  # noqa: BLE001
            pass
