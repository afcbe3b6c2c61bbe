"""``vm create-container``: a VM from a template whose cloud-init runs a container image.

Declared with ovtui's own ``@verb`` (the same registry as the built-in verbs), so the verb is
in ``ovtui run vm -h``, the TUI footer (key ``b`` on the VMs tab), its form and the palette.
The VM is made by ovtui's ``vm create`` (its NIC/disk handling, waits and read-back); the
cloud-init is ovtui's (``actions/cloud_init``): host name, user, DHCP on eth0, and a
cloud-config that installs podman and runs the image as a service that restarts.
"""

from __future__ import annotations

import json
from typing import Any

from ovtui.actions.base import ActionContext, Param, Result, UsageError
from ovtui.actions.declare import verb
from ovtui.actions.vm_create import TIMEOUTS, create

__version__ = "0.1.0"

PARAMS = (
    Param("name", ("--name",), "name of the new VM (and its host name)", "text", required=True),
    Param("image", ("--image",), "container image (docker.io/library/nginx)", "text",
          required=True),
    Param("cluster", ("--cluster",), "cluster to create it in", "cluster", "Default"),
    Param("template", ("--from-template",), "engine template with cloud-init", "template",
          "Blank"),
    Param("memory", ("--memory",), "memory (2G, 512M)", "text", "2G"),
    Param("port", ("--port",), "port published by the container (0: none)", "int", 80),
    Param("user", ("--user",), "cloud-init user", "text", "cloud-user"),
    Param("network", ("--network",), "add a NIC on this network", "network", repeat=True),
    Param("start", ("--start",), "start the VM once created", "flag"),
)  # fmt: skip


def cloud_config(image: str, port: int) -> str:
    """The cloud-config: podman, and the image run detached, restarting, port published."""
    if not image or any(c.isspace() for c in image):
        raise UsageError(f"--image {image!r} is not a container image reference.")
    run = ["podman", "run", "--detach", "--name", "app", "--restart", "always"]
    if port:
        if not 0 < port < 65536:
            raise UsageError(f"--port {port} is not a port number.")
        run += ["--publish", f"{port}:{port}"]
    run.append(image)
    return "#cloud-config\npackages: [podman]\nruncmd:\n  - " + json.dumps(run) + "\n"


@verb("vm", "create-container", "Create a VM whose cloud-init runs a container image",
      params=PARAMS, target="none", mutating=True, waits=True, wait=TIMEOUTS["create"], key="b")  # fmt: skip
def create_container(ctx: ActionContext, target: Any = None, **params: Any) -> Result:
    """Creates the VM with ovtui's vm create and a cloud-init that runs the image."""
    name = params.get("name")
    if not name or not params.get("image"):
        raise UsageError("vm create-container needs --name and --image.")
    port = int(params.get("port") if params.get("port") is not None else 80)
    spec = {
        "name": name,
        "cluster": params.get("cluster") or "Default",
        "template": params.get("template") or "Blank",
        "memory": params.get("memory") or "2G",
        "network": params.get("network"),
        "start": bool(params.get("start")),
        "ci_hostname": name,
        "ci_user": params.get("user") or "cloud-user",
        "ci_nic": ["eth0:dhcp"],
        "ci_timezone": "Etc/UTC",
        "ci_regenerate_ssh_keys": True,
        "ci_custom_script": cloud_config(str(params["image"]), port),
    }
    return create(ctx, None, **spec)
