"""The fast writers give the very text of the slow ones, for any data they accept: the block
YAML writer against PyYAML's (``render._SafeDumper``), the orjson path against ``json.dumps``.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ovtui import render

# strings near the edges of the plain-word rule: YAML's implicit types, spaces, colons, length
words = st.one_of(
    st.sampled_from(["", "yes", "no", "null", "~", "1.5", "0x1F", "1:20", "+1", "2025-10-25",
                     "2025-10-25T09:26:35.5+00:00", "a: b", "a #b", "web01 server", "True", "+00:00", "-1", "---x", "+"]),
    st.text(alphabet="abAB01:-./+_ ", max_size=90),
)  # fmt: skip
scalars = st.one_of(words, st.integers(-(2**70), 2**70), st.booleans(), st.floats())
keys = st.one_of(st.sampled_from(["id", "name", "no", "on", "1"]), st.text("abz_", min_size=1))
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def pyyaml_item(value):
    return yaml.dump(
        [value],
        Dumper=render._SafeDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, data, min_size=1, max_size=6))
def test_block_yaml_is_pyyaml_text_or_declines(value):
    fast = render._BlockYaml().item(value)
    if fast is not None:
        assert fast == pyyaml_item(value)
    assert render.yaml_item(value) == pyyaml_item(value)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, data, min_size=1, max_size=6))
def test_json_item_is_json_dumps_text(value):
    want = render._escape_unsafe(
        json.dumps([value], indent=2, ensure_ascii=False), render._json_escape
    )
    assert "[\n" + render.json_item(render.to_data(value)) + "\n]" == want
