"""Property-based tests: whatever the user writes in a config, a template, -V, -n or -s,
ovtui answers with a result or its documented error (UsageError, exit 2; an engine refusal
for a search the engine cannot run), never another exception."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ovtui import config
from ovtui.actions import registry, selectors
from ovtui.actions.base import ActionContext, ActionError, Selector, UsageError
from ovtui.actions.templates import check_values, expand_template, substitute
from ovtui.sim import testing as simtesting
from ovtui.textsafe import is_unsafe

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIM = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

KEYS = [*config.API_KEYS, *config.OVTUI_KEYS, "kerberos_keytab", "bogus", "url"]
NUMBERS = st.sampled_from(
    ["nan", "inf", "-inf", "1e20", "0", "-1", "0.5", "3600", "1_000", "", " 7 ", "1e400", "9" * 30]
)
VALUES = st.one_of(NUMBERS, st.text(max_size=40), st.sampled_from(["true", "no", "https://e/api"]))


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _load(workdir: Path, data: bytes, profile: str | None = None) -> None:
    path = workdir / "fuzz.ini"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    try:
        p = config.load_profile(str(path), profile)
    except UsageError as err:
        assert err.message and err.exit_code == 2
        return
    # a profile that loads holds values inside their documented ranges
    for key, (low, high, _unit) in config.LIMITS.items():
        assert low <= getattr(p, key) <= high, key
    assert p.url.startswith(("http://", "https://")) and "@" not in p.url.split("/")[2]


@FAST
@given(st.binary(max_size=400))
def test_config_reader_on_arbitrary_bytes(workdir, data):
    _load(workdir, b"[api]\n" + data)
    _load(workdir, data)


@FAST
@given(st.text(max_size=400))
def test_config_reader_on_arbitrary_text(workdir, text):
    _load(workdir, text.encode("utf-8", "surrogatepass"))


@FAST
@given(
    st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=8),
    st.lists(st.tuples(st.sampled_from(config.OVTUI_KEYS), VALUES), max_size=4),
    st.sampled_from([None, "lab", "default"]),
)
def test_config_reader_on_plausible_settings(workdir, api, ovtui, profile):
    lines = ["[api]", "url = https://engine.example/ovirt-engine/api", "username = u"]
    lines += [f"{k} = {v}" for k, v in dict(api).items() if k not in ("url",)]
    lines += ["[ovtui]"] + [f"{k} = {v}" for k, v in dict(ovtui).items()]
    lines += ["[profile:lab]", "url = https://lab/ovirt-engine/api", "username = u"]
    lines += [f"{k} = {v}" for k, v in dict(api).items() if k != "kerberos_keytab"]
    _load(workdir, "\n".join(lines).encode("utf-8", "surrogatepass"), profile)


# -- templates ------------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,7}", fullmatch=True)
VARS = st.dictionaries(NAMES, st.text(max_size=30), max_size=4)
ANY_VARS = st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=4)
YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:-[]{},&*!|>'\"#%@`?\n ${}.0123456789\t") + ["\x00", "é"]),
    max_size=200,
)
CREATE = registry.get("vm", "create")


@FAST
@given(st.one_of(st.text(max_size=300), YAMLISH), st.one_of(VARS, ANY_VARS))
def test_template_expander_gives_a_mapping_or_usage_error(text, variables):
    try:
        out = substitute(text, variables, "t.yaml")
    except UsageError as err:
        assert "t.yaml" in " ".join(err.lines())
    else:
        assert isinstance(out, str)
        if "${" not in text:
            assert out == text
    try:
        data = expand_template(text, variables, "t.yaml")
    except UsageError as err:
        assert "t.yaml" in " ".join(err.lines())
        return
    assert isinstance(data, dict)
    try:
        checked = check_values(data, CREATE.params, "t.yaml")
    except UsageError as err:
        assert "t.yaml" in " ".join(err.lines())
        return
    for param in CREATE.params:
        value = checked.get(param.name)
        if value is None:
            continue
        if param.kind == "int":
            assert type(value) is int
        elif param.kind == "flag":
            assert type(value) is bool
        elif param.repeat:
            assert isinstance(value, list)
        else:
            assert isinstance(value, (str, int, float))


@FAST
@given(VARS, st.lists(NAMES, max_size=5))
def test_template_variables_given_are_all_replaced(variables, extra):
    names = list(variables) + extra
    text = "\n".join(f"k{i}: ${{{n}:d{i}}}" for i, n in enumerate(names))
    out = substitute(text, variables, "t.yaml")
    for i, n in enumerate(names):
        want = variables[n] if n in variables else f"d{i}"
        assert f"k{i}: {want}" in out


# -- selectors ------------------------------------------------------------------------------


@FAST
@given(st.text(max_size=60), st.text(max_size=60))
def test_name_pattern_matching(pattern, name):
    if "*" not in pattern and pattern.isascii() and name.isascii():
        assert selectors.name_matches(pattern, name) == (pattern.lower() == name.lower())
    plain = pattern.replace("*", "x")
    assert selectors.name_matches(plain, plain)
    assert selectors.name_matches("*", name)
    assert selectors.name_matches(f"{name}*", name + pattern)


@FAST
@given(st.text(max_size=80), st.sampled_from(["id", "name", "search"]))
def test_check_selector_refuses_or_accepts(value, which):
    sel = Selector(**{which: value})
    try:
        selectors.check_selector(sel)
    except UsageError as err:
        assert not any(is_unsafe(ch) for ch in err.message), "the message shows it escaped"
        return
    assert not any(is_unsafe(ch) for ch in value)


@pytest.fixture(scope="module")
def engine() -> Iterator[ActionContext]:
    sim = simtesting.start_sim(vms=12, hosts=2)
    try:
        yield ActionContext(connection=simtesting.connect(sim))
    finally:
        sim.stop()


SELECTOR_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list('vm0123*" =<>!\\%&?#/')), max_size=20),
    st.sampled_from(["vm*", "*", '"', "name=vm*", "status=up and", "sortby name asc", "a" * 8000]),
)


@SIM
@given(SELECTOR_TEXT, st.sampled_from(["name", "search"]), st.sampled_from(["vm", "host"]))
def test_selectors_against_the_engine(engine, value, which, noun):
    assume(value.strip())
    sel = Selector(**{which: value})
    try:
        found = selectors.find(engine, registry.NOUNS[noun], sel)
    except ActionError as err:
        assert err.exit_code in (1, 2, 3, 4)
        assert err.message
        return
    assert isinstance(found, list)
    if which == "name" and "*" not in value:
        assert all((o.name or "").lower() == value.lower() for o in found)
    if which == "name" and "*" in value:
        assert all(selectors.name_matches(value, o.name) for o in found)
