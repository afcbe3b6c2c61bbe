"""Real names contain brackets and operators (``web-[prod]``, ``a=b``): every verb that looks
an object up by name quotes it in the engine's search, else the engine answers a syntax error
and the verb fails on a name that exists."""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.mark.parametrize("name", ["web-[prod]", "a=b (2)"])
def test_create_clone_and_template_of_a_vm_with_such_a_name(cli: Any, name: str) -> None:
    code, _, err = cli("vm", "create", "--name", name, "--cluster", "Default")
    assert code == 0, err
    code, _, err = cli("vm", "-n", name, "clone", "--name", f"{name}-copy")
    assert code == 0, err
    code, _, err = cli("template", "create", "--vm", name, "--name", f"tpl {name}")
    assert code == 0, err
    code, out, err = cli("-o", "json", "template", "list")
    assert code == 0, err
    assert f"tpl {name}" in {t["name"] for t in json.loads(out)}
    code, _, err = cli("vm", "create", "--name", f"{name}-v1", "--cluster", "Default",
                       "--from-template", f"tpl {name}", "--template-version", "1")  # fmt: skip
    assert code == 0, err
