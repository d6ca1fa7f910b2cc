"""A real full disk for tests: a small tmpfs mounted for the test, and a file that fills it."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER = "filler.bin"


@contextlib.contextmanager
def small_disk(mount_point: Path, size: str = "4m") -> Iterator[Path]:
    """Mount a tmpfs of ``size`` on ``mount_point`` (root only), unmount it afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> int:
    """Write a file until the disk is full; return its size."""
    written = 0
    chunk = b"\0" * 4096
    with (disk / FILLER).open("ab", buffering=0) as filler:
        while True:
            try:
                written += filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return written


def free_up(disk: Path) -> None:
    """Remove the filler: the disk has room again."""
    (disk / FILLER).unlink(missing_ok=True)
