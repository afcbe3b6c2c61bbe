"""The engine's SSO: password grant, negotiate grant, token checks, logout."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from typing import Any

from ovtui.sim.faults import FaultInjector

DEFAULT_LIFETIME = 3600.0 * 10


class TokenStore:
    def __init__(self, user: str, password: str, faults: FaultInjector) -> None:
        self.user = user
        self.password = password
        self.faults = faults
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()
        self.logins = 0

    def credentials_ok(self, username: str, password: str) -> bool:
        users = {self.user, self.user.split("@")[0]}
        return username in users and secrets.compare_digest(
            password.encode(), self.password.encode()
        )

    def issue(self) -> dict[str, Any]:
        token = secrets.token_urlsafe(48)
        now = time.time()
        with self._lock:
            self._tokens[token] = now
            self.logins += 1
        lifetime = self.faults.token_lifetime or DEFAULT_LIFETIME
        return {
            "access_token": token,
            "scope": "ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search ovirt-ext=token-info:validate ovirt-ext=token:password-access",
            "exp": str(int((now + lifetime) * 1000)),
            "token_type": "bearer",
        }

    def valid(self, token: str) -> bool:
        with self._lock:
            issued = self._tokens.get(token)
        if issued is None:
            return False
        lifetime = self.faults.token_lifetime
        if lifetime is None:
            lifetime = DEFAULT_LIFETIME
        if time.time() - issued > lifetime:
            with self._lock:
                self._tokens.pop(token, None)
            return False
        return True

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)

    def drop_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def check_authorization(self, header: str | None) -> bool:
        """True for a valid bearer token or correct HTTP basic credentials."""
        if not header:
            return False
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            return self.valid(value.strip())
        if scheme == "basic":
            try:
                user, _, pw = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            return self.credentials_ok(user, pw)
        return False


def bad_credentials(username: str) -> dict[str, str]:
    return {
        "error_code": "access_denied",
        "error": f"Cannot authenticate user '{username}': The username or password is incorrect..",
    }
