"""Image transfers (``/imagetransfers``): a disk's bytes uploaded or downloaded through a
transfer URL the simulator hands out and serves itself, imageio-style.

``POST /imagetransfers`` (a disk, a direction) locks the disk and answers ``initializing``;
the transfer is ``transferring`` a moment later, with ``transfer_url`` =
``http://HOST:PORT/images/TICKET`` (the address the client reached the engine at).
``PUT /images/TICKET`` with ``Content-Range: bytes START-END/TOTAL`` (or ``*``) writes the
body at START; ``GET`` (with an optional ``Range``) reads. ``finalize`` ends it
(``finalizing_success`` -> ``finished_success``, the disk ``ok`` again); ``cancel`` ends it
with ``finalizing_failure`` -> ``cancelled_user``, and a cancelled upload removes its disk,
as the engine does. Events 1031 / 1032 / 1033.

The bytes live on the disk record (``_sim_image``): a download gives back what an upload put
there (a disk never uploaded reads as zeros: a new disk). ``hold_uploads_after`` (bytes) is a
test knob: an upload's PUTs past it wait until the transfer ends (a slow storage, so that an
interrupted upload can be seen mid-way).

A leaf of the resource tree (``routes`` and ``server`` use it): the machine is
``image_machine.ImageTransferMachine``.
"""

from __future__ import annotations

import re

from ovirtsdk4 import types as T

from ovtui.sim.httptypes import Response

IMAGES_PREFIX = "/images/"
PH = T.ImageTransferPhase
T_INIT = 0.5  # engine seconds from initializing to transferring (the ticket reaches imageio)
T_FINAL = 0.5  # engine seconds finalizing
ZERO = bytes(4 << 20)
ENDED = {PH.FINISHED_SUCCESS, PH.FINISHED_FAILURE, PH.CANCELLED_USER, PH.CANCELLED_SYSTEM}

TOP = {
    "imagetransfers": (
        "image_transfer",
        lambda w: list(w.coll.get("imagetransfers", {}).values()),
    ),
}


def range_start(value: str | None) -> int | None:
    if not value:
        return 0
    m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", value.strip())
    return int(m.group(1)) if m else None


def plain(code: int, text: str) -> Response:
    return Response(code, text.encode(), "text/plain")
