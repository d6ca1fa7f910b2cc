"""A clean Debian 12 (bookworm) root for installing the .deb, cached between runs.

``debootstrap --variant=minbase`` runs once and its result is kept as a tarball
under the harness's cache folder (``$ATP_TEST_CACHE`` or
``~/.cache/atp-console-tests``); every test unpacks a fresh copy, so each one
starts from the same clean system. The Debian mirror is the one this machine's
apt already uses (read from /etc/apt/sources.list*), never a hard-coded host.

``python -m tests.packaging.debian_root`` builds the cache ahead of time.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tests.kafka_harness.provision import cache_root

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

SUITE = "bookworm"
CACHE_NAME = f"debian-{SUITE}-minbase.tar"
SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))
_DEB_LINE = re.compile(r"^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$")


class DebianRootError(RuntimeError):
    """Raised when the root cannot be built (no mirror, debootstrap failed)."""


def apt_mirror(sources: Sequence[Path] = SOURCES) -> str:
    """Return the Debian mirror apt uses for the main suite (one-line or deb822 sources)."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.iterdir() if p.suffix in {".list", ".sources"})
        elif source.is_file():
            files.append(source)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = _deb822(stanza)
                suites = fields.get("Suites", "").split()
                if "deb" in fields.get("Types", "").split() and SUITE in suites:
                    return fields["URIs"].split()[0]
        else:
            for line in text.splitlines():
                match = _DEB_LINE.match(line)
                if match and match[2] == SUITE:
                    return match[1]
    raise DebianRootError(f"no apt source for Debian {SUITE} in {', '.join(map(str, sources))}")


def _deb822(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in stanza.splitlines():
        if line.startswith("#") or ":" not in line or line[0].isspace():
            continue
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def cached_root(cache: Path | None = None) -> Path:
    """Return the tarball of a pristine root, running debootstrap the first time."""
    folder = cache or cache_root()
    tarball = folder / CACHE_NAME
    if tarball.is_file():
        return tarball
    if shutil.which("debootstrap") is None:
        raise DebianRootError("debootstrap is not installed (apt-get install debootstrap)")
    folder.mkdir(parents=True, exist_ok=True)
    mirror = apt_mirror()
    with tempfile.TemporaryDirectory(prefix="atp-debootstrap-", dir=folder) as work:
        root = Path(work) / "root"
        result = subprocess.run(
            ["debootstrap", "--variant=minbase", SUITE, str(root), mirror],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise DebianRootError(
                f"debootstrap {SUITE} from {mirror} failed:\n{result.stdout[-3000:]}"
                f"\n{result.stderr[-3000:]}"
            )
        # apt inside the root uses the same mirror as this machine.
        (root / "etc/apt/sources.list").write_text(f"deb {mirror} {SUITE} main\n")
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "-C", str(root), "-cf", str(partial), "."], check=True)
        partial.rename(tarball)
    return tarball


@contextlib.contextmanager
def fresh_root(parent: Path) -> Iterator[Path]:
    """Unpack a clean root under ``parent`` with /proc, /dev and resolv.conf; clean up after."""
    root = parent / "debian-root"
    root.mkdir()
    subprocess.run(["tar", "-C", str(root), "-xf", str(cached_root())], check=True)
    shutil.copyfile("/etc/resolv.conf", root / "etc/resolv.conf")
    mounts = [
        (["mount", "-t", "proc", "proc", str(root / "proc")], root / "proc"),
        (["mount", "--rbind", "/dev", str(root / "dev")], root / "dev"),
        (["mount", "-t", "tmpfs", "tmpfs", str(root / "tmp")], root / "tmp"),
    ]
    done: list[Path] = []
    try:
        for argv, target in mounts:
            subprocess.run(argv, check=True)
            done.append(target)
        yield root
    finally:
        for target in reversed(done):
            subprocess.run(["umount", "--recursive", "--lazy", str(target)], check=False)
        shutil.rmtree(root, ignore_errors=True)


def in_root(root: Path, argv: Sequence[str]) -> list[str]:
    """Return argv that runs ``argv`` inside ``root`` with a clean environment."""
    return ["chroot", str(root), "/usr/bin/env", "-i", *_root_env(), *argv]


def _root_env() -> list[str]:
    return [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=/root",
        "LANG=C.UTF-8",
        "DEBIAN_FRONTEND=noninteractive",
    ]


if __name__ == "__main__":
    print(cached_root())
    sys.exit(0 if os.geteuid() == 0 else 1)
