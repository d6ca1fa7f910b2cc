"""The .deb on a clean Debian 12: install with apt, smoke, upgrade, purge.

A fresh minimal bookworm root (tests/packaging/debian_root.py) gets the package
with ``apt-get install ./atp-console_…deb``, so every Depends must resolve from
Debian. The smoke of the installed console runs inside that root, as an
ordinary user, configured only by /etc/atp-console/config.toml (the broker
runs outside, on loopback). Then a second build with a higher version is
installed over it the way IT upgrades silently: the locally changed conffile
and the user's files survive. ``apt-get purge`` (and autoremove) must leave no
file that was not there before the install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.packaging.debian_root import fresh_root, in_root
from tests.packaging.frozen import (
    ROOT,
    SYSTEM_CONFIG,
    frozen_dir,
    keys_in_topic,
    require_root,
    system_config,
    unexpected_lines,
    unique_topics,
)
from tests.packaging.processes import Finished, run_watched, wait_until_gone

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tests.conftest import KafkaEnv

pytestmark = [pytest.mark.packaging, pytest.mark.slow, pytest.mark.timeout(1200)]
USER = "agente"
PASSED = re.compile(r"atp-console: smoke check passed: .* \(e\.g\. ticket (\S+), order (\S+)\)")
APT_QUIET = ["-y", "-q", "--no-install-recommends"]
SILENT_UPGRADE = ["-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"]
# What apt, dpkg and the tests themselves change in a root, besides packages' files.
IGNORED = (
    "proc/",
    "dev/",
    "tmp/",
    "sys/",
    "run/",
    "var/cache/",
    "var/lib/apt/",
    "var/lib/dpkg/",
    "var/log/",
    "var/lib/systemd/",
    "var/lib/ucf/",
    "etc/ld.so.cache",
    "root/",
    "etc/resolv.conf",
)


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build revision 1 and revision 2 of the package from the frozen build."""
    require_root()
    out = tmp_path_factory.mktemp("debs")
    built = []
    for revision in ("1", "2"):
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "packaging" / "linux" / "deb.py"),
                "--frozen",
                str(frozen_dir()),
                "--out",
                str(out),
                "--revision",
                revision,
                "--work",
                str(out / "work"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        built.append(Path(result.stdout.strip()))
    shutil.rmtree(out / "work")
    return built[0], built[1]


def test_lintian_reports_no_errors(debs: tuple[Path, Path]) -> None:
    if shutil.which("lintian") is None:
        pytest.fail("lintian is required (apt-get install lintian)")
    result = subprocess.run(
        ["lintian", "--tag-display-limit", "0", str(debs[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], result.stdout


def _files(root: Path) -> set[str]:
    """Every file and folder of ``root`` (relative), without mounts, apt's state and home."""
    found: set[str] = set()
    for folder, dirs, names in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        base = "" if base == "." else base + "/"
        dirs[:] = [d for d in dirs if not _ignored(f"{base}{d}/")]
        found.update(f"{base}{d}/" for d in dirs)
        found.update(f"{base}{n}" for n in names if not _ignored(f"{base}{n}"))
    return found


def _ignored(relative: str) -> bool:
    return relative.startswith(IGNORED) or relative.startswith(f"home/{USER}/")


def _root_run(root: Path, argv: Sequence[str], *, timeout_s: float = 600) -> str:
    result = subprocess.run(
        in_root(root, argv), capture_output=True, text=True, timeout=timeout_s, check=False
    )
    assert result.returncode == 0, f"{argv}: {result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _as_user(root: Path, argv: Sequence[str], timeout_s: float) -> Finished:
    env = [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        f"HOME=/home/{USER}",
        "LANG=C.UTF-8",
    ]
    return run_watched(
        ["chroot", f"--userspec={USER}:{USER}", str(root), "/usr/bin/env", "-i", *env, *argv],
        env={"PATH": os.environ["PATH"]},
        timeout_s=timeout_s,
    )


def _smoke(root: Path, kafka: KafkaEnv, topics: dict[str, str]) -> None:
    simulated = _as_user(
        root,
        [
            "/opt/atp-console/atp-sim",
            "--bootstrap-servers",
            kafka.bootstrap_servers,
            "--create-topics",
            *("--orders-topic", topics["orders"], "--tickets-topic", topics["tickets"]),
            # A fixed seed: a burst this size then surely holds tickets as well as orders.
            *("--agents-topic", topics["agents"], "--burst", "400", "--agents", "1", "--seed", "9"),
        ],
        timeout_s=90,
    )
    assert simulated.returncode == 0, simulated.output_lines()
    finished = _as_user(root, ["/usr/bin/atp-console", "--smoke"], timeout_s=120)
    assert finished.returncode == 0, finished.output_lines()
    assert unexpected_lines(finished, "atp-console: smoke check passed: ") == []
    verdict = PASSED.fullmatch(finished.stdout.strip())
    assert verdict is not None, finished.stdout
    assert verdict[1] in keys_in_topic(kafka.bootstrap_servers, topics["tickets"], 3)
    assert verdict[2] in keys_in_topic(kafka.bootstrap_servers, topics["orders"], 3)
    assert wait_until_gone(finished.descendants, 5) == []


def test_install_smoke_upgrade_purge_on_clean_debian(
    debs: tuple[Path, Path], kafka: KafkaEnv, tmp_path: Path
) -> None:
    first, second = debs
    with fresh_root(tmp_path) as root:
        _root_run(root, ["useradd", "--create-home", USER])
        before = _files(root)
        for deb in debs:
            shutil.copyfile(deb, root / "root" / deb.name)
        _root_run(root, ["apt-get", "-q", "update"])
        _root_run(root, ["apt-get", "install", *APT_QUIET, f"/root/{first.name}"])
        version = _root_run(root, ["/usr/bin/atp-console", "--version"]).strip()
        assert re.fullmatch(r"atp-console \S+", version), version

        # IT's configuration: the conffile, changed locally.
        topics = unique_topics()
        conffile = root / SYSTEM_CONFIG.relative_to("/")
        assert conffile.read_text().startswith("# /etc/atp-console/config.toml")
        it_config = system_config(kafka.bootstrap_servers, topics, agent_id="agente-1")
        conffile.write_text(it_config)
        # The user's own files: their config and data.
        home = root / "home" / USER
        user_files = {
            home / ".config/atp-console/config.toml": 'schema_version = 1\n[ui]\nlanguage = "en"\n',
            home / ".local/share/atp-console/console/drafts.json": '{"t-1": "Hola"}\n',
        }
        for path, text in user_files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        _smoke(root, kafka, topics)

        _root_run(root, ["apt-get", "install", *APT_QUIET, *SILENT_UPGRADE, f"/root/{second.name}"])
        installed = _root_run(root, ["dpkg-query", "-W", "-f=${Version}", "atp-console"])
        assert installed.endswith("-2"), installed
        assert conffile.read_text() == it_config
        assert {path: path.read_text() for path in user_files} == user_files
        _smoke(root, kafka, topics)  # the kept conffile names these topics

        _root_run(root, ["apt-get", "purge", "-y", "-q", "atp-console"])
        _root_run(root, ["apt-get", "autoremove", "--purge", "-y", "-q"])
        for deb in debs:
            (root / "root" / deb.name).unlink()
        left = sorted(_files(root) - before)
        assert left == [], f"files left after purge: {left[:50]}"
        assert not (root / "opt/atp-console").exists()
        assert not conffile.exists()
        assert {path: path.read_text() for path in user_files} == user_files
