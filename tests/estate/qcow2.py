"""A valid qcow2 image written byte by byte (qemu-img is not needed): version 2, 64 KiB
clusters, every data cluster allocated, refcounts consistent."""

from __future__ import annotations

import random
import struct
from pathlib import Path

CLUSTER = 1 << 16


def write_qcow2(path: Path, virtual_size: int, seed: int = 1) -> Path:
    """``path``: a qcow2 of ``virtual_size`` bytes (a multiple of 64 KiB), random data."""
    assert virtual_size % CLUSTER == 0 and virtual_size <= 512 << 20  # one L2 table
    n_data = virtual_size // CLUSTER
    l1_off, rt_off, rb_off, l2_off = CLUSTER, 2 * CLUSTER, 3 * CLUSTER, 4 * CLUSTER
    data_off = 5 * CLUSTER
    total = 5 + n_data
    header = struct.pack(
        ">4sIQIIQIIQQIIQ",
        b"QFI\xfb", 2, 0, 0, 16, virtual_size, 0, 1, l1_off, rt_off, 1, 0, 0,
    )  # fmt: skip
    copied = 1 << 63
    l1 = struct.pack(">Q", l2_off | copied)
    rtable = struct.pack(">Q", rb_off)
    rblock = struct.pack(f">{total}H", *([1] * total))
    l2 = struct.pack(f">{n_data}Q", *(copied | (data_off + k * CLUSTER) for k in range(n_data)))
    rng = random.Random(seed)
    with path.open("wb") as f:
        for table in (header, l1, rtable, rblock, l2):
            f.write(table.ljust(CLUSTER, b"\0"))
        for _ in range(n_data):
            f.write(rng.randbytes(CLUSTER))
    return path
