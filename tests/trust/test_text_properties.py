"""Property tests (hypothesis) of the engine-text rule (issue 9): ``textsafe.visible`` and the
table renderer, for any text at all.

- the output holds no character of Unicode categories Cc, Cf, Zl, Zp or Cs (tab aside: it
  becomes a space), so nothing can move the cursor, reorder or hide what is read;
- every printable character of the input survives, in order (only unsafe ones are replaced);
- escaping twice changes nothing; the table never raises and has one line per row;
- json/yaml load back to the very input, and hold no unsafe character either.
"""

from __future__ import annotations

import json
import unicodedata

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ovirtsdk4 import types as T

from ovtui.render import render, table
from ovtui.textsafe import is_unsafe, plain, visible

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TABLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}

# any code point, with the dangerous ones drawn often; surrogates as they reach Python:
# through surrogateescape, which makes only lone low ones (U+DC80..U+DCFF). (A high one before a
# low one is a pair that JSON itself joins into one character on reading: not engine text.)
DANGEROUS = st.sampled_from(
    list("\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b\x9c\x9d\xad\u061c\u200b\u200d\u200e\u202a")
    + list("\u202e\u2028\u2029\u2066\u2069\ufeff\U000e0001\U000e0041\udc80\udcff")
)
ANY_TEXT = st.lists(st.one_of(st.characters(), DANGEROUS), max_size=60).map("".join)


def safe_output(text: str) -> None:
    """No unsafe character but the newlines that separate the output's lines."""
    bad = [f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) in UNSAFE]
    assert not bad, bad


def kept(text: str) -> str:
    """The characters ``visible`` must keep as they are: all but the unsafe ones (tab: space)."""
    return "".join(" " if c == "\t" else c for c in text if c == "\t" or not is_unsafe(c))


@PROPS
@given(ANY_TEXT)
def test_visible_leaves_no_unsafe_character_and_keeps_the_rest_in_order(text):
    out = visible(text)
    safe_output(out)
    assert "\n" not in out and "\r" not in out  # one line, whatever the engine sent
    it = iter(out)  # the kept characters are a subsequence of the output, in order
    assert all(c in it for c in kept(text)), (text, out)
    assert visible(out) == out  # idempotent: escapes are plain ASCII


@PROPS
@given(ANY_TEXT, st.integers(min_value=1, max_value=30))
def test_visible_limit_cuts_to_the_limit(text, limit):
    out = visible(text, limit=limit)
    safe_output(out)
    assert len(out) <= limit
    full = visible(text)
    assert out == full or (out.endswith("…") and full.startswith(out[:-1]))


@PROPS
@given(ANY_TEXT)
def test_plain_is_never_markup(text):
    rendered = plain(text)
    assert rendered.plain == visible(text)  # brackets and all, as text
    assert not rendered.spans


@TABLES
@given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=0, max_size=6), st.integers(20, 200))
def test_table_never_raises_and_has_one_line_per_row(rows, width):
    out = table([list(r) for r in rows], ["name", "description"], width=width)
    safe_output(out)
    assert len(out.split("\n")) == 1 + len(rows)


@TABLES
@given(st.lists(ANY_TEXT, min_size=1, max_size=5))
def test_rendered_vms_are_safe_in_every_format_and_exact_in_json_yaml(names):
    vms = [T.Vm(id=str(i), name=n, description=n[::-1]) for i, n in enumerate(names)]
    wide = render(vms, "table", columns=("name", "description", "id"), width=400)
    safe_output(wide)
    assert len(wide.split("\n")) == 1 + len(vms)
    for n in names:  # a short enough name shows whole, in its visible form
        if len(visible(n)) <= 100:
            assert visible(n) in wide
    safe_output(render(vms[0], "table"))  # ``show``: key: value lines
    as_json = render(vms, "json")
    safe_output(as_json)
    assert [v["name"] for v in json.loads(as_json)] == names
    as_yaml = render(vms, "yaml")
    safe_output(as_yaml)
    if not any("\ud800" <= c <= "\udfff" for n in names for c in n):  # YAML cannot carry them
        assert [v["name"] for v in yaml.safe_load(as_yaml)] == names
