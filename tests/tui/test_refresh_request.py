"""A refresh of a main tab is one request, and an engine's refusal of a search is not taken
for a refusal of ``follow`` (issue 14). Real ovirtsdk4 over HTTP against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ovirtsdk4
import pytest

from ovtui.actions.browse import Browser, ConnectionPool

FOLLOW = "statistics,reported_devices"


def _browser(sim: Any) -> Browser:
    def factory(token: str | None = None) -> Any:
        return ovirtsdk4.Connection(
            url=sim.url, username=sim.username, password=sim.password, token=token
        )

    return Browser(ConnectionPool(factory), page_size=100)


@pytest.fixture
def browser(make_sim: Callable[..., Any]) -> Any:
    sim = make_sim(vms=150, hosts=4, seed=0)
    b = _browser(sim)
    yield sim, b
    b.pool.close()


def test_a_refresh_is_one_request_with_statistics(browser):
    sim, b = browser
    b.page("vm", resolve=False)  # the first page (login and all)
    mark = sim.requests.mark()
    page = b.page("vm", resolve=False)
    assert [r.path.rsplit("/", 1)[-1] for r in sim.requests.records(since=mark)] == ["vms"]
    with b.pool.lease() as conn:
        sdk = conn.system_service().vms_service().list(follow=FOLLOW, max=100)
    assert [(v.id, v.name) for v in page.objects] == [(v.id, v.name) for v in sdk]
    assert all(v.statistics for v in page.objects)  # followed: CPU and memory shown


def test_a_bad_search_says_the_engines_words_and_keeps_statistics(browser):
    sim, b = browser
    with pytest.raises(Exception) as err:
        b.page("vm", "nosuchfield=3", resolve=False)
    assert "unknown field 'nosuchfield'" in str(err.value)
    # a refused search is not the engine refusing ``follow``: statistics stay followed
    page = b.page("vm", "", resolve=False)
    assert page.objects and all(v.statistics for v in page.objects)
