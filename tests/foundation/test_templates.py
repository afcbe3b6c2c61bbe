"""YAML templates: ${var}, ${var:default}, errors naming the variable and the file."""

import pytest

from ovtui.actions.base import UsageError
from ovtui.actions.templates import load_template, merge


def test_variables_and_defaults(tmp_path):
    t = tmp_path / "vm.yaml"
    t.write_text("name: ${name}\nmemory: ${mem:2048}\ncluster: Default\n")
    data = load_template(t, {"name": "web1"})
    assert data == {"name": "web1", "memory": 2048, "cluster": "Default"}


def test_unknown_variable_names_it_and_the_file(tmp_path):
    t = tmp_path / "vm.yaml"
    t.write_text("name: ${name}\n")
    with pytest.raises(UsageError) as exc:
        load_template(t, {})
    assert "${name}" in exc.value.message and str(t) in exc.value.message


def test_command_line_wins():
    merged = merge({"memory": 1, "name": "t"}, {"memory": 4, "name": None}, {"memory": None})
    assert merged == {"memory": 4, "name": "t"}
