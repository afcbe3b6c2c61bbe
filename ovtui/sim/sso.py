"""The engine's SSO: password grant, negotiate grant, token checks, logout."""

from __future__ import annotations

import base64
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ovtui.sim.faults import FaultInjector

log = logging.getLogger("ovtui.sim")

DEFAULT_LIFETIME = 3600.0 * 10


@dataclass(frozen=True)
class DirectoryUser:
    """A user of a directory (an authn/authz profile) the engine knows."""

    principal: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class Directory:
    """One login profile (``internal``, ``example.com``) and its authz directory."""

    profile: str
    authz: str  # the engine's domain name: ``internal-authz``
    users: tuple[DirectoryUser, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> principals


# The directory the simulated engine knows: its internal domain and one LDAP-like domain.
# Every user here but the simulator's own admin logs in with DIRECTORY_PASSWORD
# (``bob@internal`` / ``secret``); logging in does not make one an engine user: the engine
# lets in only users with a permission somewhere (ovtui.sim.admin_machine).
DIRECTORY_PASSWORD = "secret"
DIRECTORY: tuple[Directory, ...] = (
    Directory(
        "internal",
        "internal-authz",
        (
            DirectoryUser("admin", "admin", "", ""),
            DirectoryUser("bob", "Bob", "Builder", "bob@internal.example"),
            DirectoryUser("alice", "Alice", "Liddell", "alice@internal.example"),
        ),
    ),
    Directory(
        "example.com",
        "example.com-authz",
        (
            DirectoryUser("carol", "Carol", "Danvers", "carol@example.com"),
            DirectoryUser("dave", "Dave", "Lister", "dave@example.com"),
            DirectoryUser("erin", "Erin", "Hart", "erin@example.com"),
        ),
        {"developers": ("carol", "dave"), "operators": ("dave", "erin")},
    ),
)


def directory_user(login: str) -> tuple[Directory, DirectoryUser] | None:
    """The directory entry of a login name ``principal@profile`` (None when unknown)."""
    principal, at, profile = login.rpartition("@")
    if not at:
        return None
    for d in DIRECTORY:
        if d.profile.lower() == profile.lower() or d.authz.lower() == profile.lower():
            for u in d.users:
                if u.principal.lower() == principal.lower():
                    return d, u
    return None


class TokenStore:
    def __init__(self, user: str, password: str, faults: FaultInjector) -> None:
        self.user = user
        self.password = password
        self.faults = faults
        self._tokens: dict[str, tuple[float, str]] = {}  # token -> (issued, login name)
        self._lock = threading.Lock()
        self.logins = 0

    def login(self, username: str, password: str) -> str | None:
        """The login name (``bob@internal``) of correct credentials, else None: the
        simulator's own user (also without ``@profile``), or a directory user."""
        if username in (self.user, self.user.split("@")[0]):
            ok = secrets.compare_digest(password.encode(), self.password.encode())
            return self.user if ok else None
        found = directory_user(username)
        if found is None:
            return None
        d, u = found
        if not secrets.compare_digest(password.encode(), DIRECTORY_PASSWORD.encode()):
            return None
        return f"{u.principal}@{d.profile}"

    def credentials_ok(self, username: str, password: str) -> bool:
        return self.login(username, password) is not None

    def issue(self, user: str | None = None) -> dict[str, Any]:
        """A new bearer token for ``user`` (the login name; default the simulator's user)."""
        token = secrets.token_urlsafe(48)
        now = time.time()
        with self._lock:
            self._tokens[token] = (now, user or self.user)
            self.logins += 1
        lifetime = self.faults.token_lifetime or DEFAULT_LIFETIME
        return {
            "access_token": token,
            "scope": "ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search ovirt-ext=token-info:validate ovirt-ext=token:password-access",
            "exp": str(int((now + lifetime) * 1000)),
            "token_type": "bearer",
        }

    def valid(self, token: str) -> bool:
        return self.token_user(token) is not None

    def token_user(self, token: str) -> str | None:
        """The login name a valid token was issued to, else None."""
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None:
            return None
        issued, user = entry
        lifetime = self.faults.token_lifetime
        if lifetime is None:
            lifetime = DEFAULT_LIFETIME
        if time.time() - issued > lifetime:
            with self._lock:
                self._tokens.pop(token, None)
            return None
        return user

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def drop_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def check_authorization(self, header: str | None) -> bool:
        """True for a valid bearer token or correct HTTP basic credentials."""
        return self.user_for(header) is not None

    def user_for(self, header: str | None) -> str | None:
        """The login name behind a valid bearer token or correct HTTP basic credentials."""
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            return self.token_user(value.strip())
        if scheme == "basic":
            try:
                user, _, pw = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            return self.login(user, pw)
        return None


def bad_credentials(username: str) -> dict[str, str]:
    return {
        "error_code": "access_denied",
        "error": f"Cannot authenticate user '{username}': The username or password is incorrect..",
    }


NOT_CONFIGURED = "Kerberos (Negotiate) login is not configured on this engine."
NOT_ACCEPTED = "The Kerberos ticket was not accepted."


def negotiate_refused(principal: str | None, why: str) -> dict[str, str]:
    """The engine's answer to a Negotiate login it refuses (HTTP 400, as for a bad password)."""
    who = f" '{principal}'" if principal else ""
    return {"error_code": "access_denied", "error": f"Cannot authenticate user{who}: {why}"}


class NegotiateAcceptor:
    """SPNEGO for ``/sso/oauth/token-http-auth``: a real ``gssapi`` acceptor on a service keytab.

    ``keytab`` holds the ``HTTP/<host>@REALM`` key(s). ``users`` limits who may log in (the
    principals ``user@REALM`` known to the engine's authz); None lets in every principal whose
    ticket the keytab can decrypt. gssapi is imported here only, so the simulator runs without it
    when no keytab is configured.
    """

    def __init__(self, keytab: str, users: set[str] | frozenset[str] | None = None) -> None:
        try:
            import gssapi  # noqa: PLC0415 - optional dependency, only with a keytab
        except ImportError:
            raise RuntimeError(
                "a Kerberos keytab needs the gssapi module: pip install 'ovtui[kerberos]'"
            ) from None
        self._gssapi = gssapi
        self.keytab = keytab
        self.users = None if users is None else frozenset(users)
        self.accepted: list[str] = []  # the principals logged in, in order
        try:
            self._creds = gssapi.Credentials(usage="accept", store={"keytab": keytab})
        except gssapi.exceptions.GSSError as exc:
            raise RuntimeError(
                f"cannot use Kerberos keytab {keytab}: {exc.gen_message()}"
            ) from None

    def accept(self, authorization: str) -> tuple[str | None, str | None, str]:
        """Check ``Authorization: Negotiate <token>``.

        Returns (principal, reply token, why): the principal when accepted (why is ""), else
        None with the reason for the refusal. The reply token (base64) goes back in
        ``WWW-Authenticate: Negotiate`` for mutual authentication.
        """
        gssapi = self._gssapi
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "negotiate" or not value.strip():
            return None, None, NOT_ACCEPTED
        try:
            token = base64.b64decode(value.strip(), validate=True)
        except ValueError:
            return None, None, NOT_ACCEPTED
        try:
            ctx = gssapi.SecurityContext(creds=self._creds, usage="accept")
            out = ctx.step(token)
            if not ctx.complete:
                return None, None, NOT_ACCEPTED
            principal = str(ctx.initiator_name)
        except gssapi.exceptions.GSSError as exc:
            log.info("negotiate refused: %s", exc.gen_message().replace("\n", " "))
            return None, None, NOT_ACCEPTED
        if self.users is not None and principal not in self.users:
            return None, None, f"'{principal}' is not a user of this engine."
        self.accepted.append(principal)
        reply = base64.b64encode(out).decode("ascii") if out else None
        return principal, reply, ""
