"""The ``replay`` fixture: an engine serving real oVirt engine answers (tests/replay/README)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .replay_engine import RECORDINGS, ReplayEngine, recordings_dir, start


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayEngine]:
    """A replay engine on a free loopback port (url, username, password); skipped without
    ``<repo>/../shared/conformance/engine-recordings``."""
    root = recordings_dir()
    if root is None:
        pytest.skip(f"real engine recordings not found at {RECORDINGS} (shared/ beside the repo)")
    engine = start(root)
    try:
        yield engine
    finally:
        engine.stop()
