"""The frozen build under test and how to run it the way IT configures a workstation.

IT configures the console with the system-wide file ``/etc/atp-console/config.toml``
(see bridge/paths.py); the application has no switch to read it elsewhere, and
these tests add none. To write that file without touching this machine's /etc,
a test runs the frozen executables in a private mount namespace (``unshare``)
whose /etc is an overlay: the file exists only for the processes of that test.
Home and XDG folders point into the test's tmp dir, so no user file applies.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from confluent_kafka import Consumer, TopicPartition

from tests.packaging.processes import Finished, run_watched

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ROOT = Path(__file__).resolve().parents[2]
FROZEN = Path(os.environ.get("ATP_FROZEN_DIR", ROOT / "dist" / "atp-console"))
EXECUTABLES = ("atp-console", "atp-bridge", "atp-sim")
SYSTEM_CONFIG = Path("/etc/atp-console/config.toml")

# Lines the smoke may print besides its verdict. Empty on purpose: a Qt plugin
# that fails to load, a library warning or a traceback is a defect users see.
ALLOWED_OUTPUT: tuple[str, ...] = ()


def frozen_dir() -> Path:
    """Return the frozen build; fail (not skip) when it was not built."""
    if not (FROZEN / "atp-console").is_file():
        pytest.fail(f"no frozen build at {FROZEN}: run `make package` first")
    return FROZEN


def require_root() -> None:
    """The system-wide file, chroots and mount namespaces need root: fail clearly without."""
    if os.geteuid() != 0:
        pytest.fail("the packaging tests run as root (make package-check in CI)")
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is required")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """Return an environment like a fresh login's: no ATP_ variables, no XDG overrides."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home),
    }
    env.update(extra)
    return env


def system_config(bootstrap_servers: str, topics: Mapping[str, str], agent_id: str) -> str:
    """Return a system-wide file as IT would write it (servers and protocol locked)."""
    return textwrap.dedent(
        f"""\
        schema_version = 1
        locked = ["kafka.bootstrap_servers", "kafka.security_protocol"]

        [kafka]
        bootstrap_servers = "{bootstrap_servers}"
        security_protocol = "PLAINTEXT"

        [topics]
        orders = "{topics["orders"]}"
        tickets = "{topics["tickets"]}"
        agents = "{topics["agents"]}"

        [agent]
        id = "{agent_id}"
        name = "Smoke Check"
        role = "supervisor"
        """
    )


def with_system_config(tmp: Path, config_text: str, argv: Sequence[str]) -> list[str]:
    """Return argv that runs ``argv`` with ``config_text`` as /etc/atp-console/config.toml."""
    upper, work = tmp / "etc-upper", tmp / "etc-work"
    upper.mkdir()
    work.mkdir()
    config = tmp / "system-config.toml"
    config.write_text(config_text, encoding="utf-8")
    script = (
        'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && '
        f'mkdir -p {SYSTEM_CONFIG.parent} && cp "$3" {SYSTEM_CONFIG} && '
        f'chmod 644 {SYSTEM_CONFIG} && shift 3 && exec "$@"'
    )
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "sh",
        str(upper),
        str(work),
        str(config),
        *argv,
    ]


def unique_topics() -> dict[str, str]:
    """Return topic names no other test uses."""
    tag = uuid.uuid4().hex[:8]
    return {kind: f"smoke.{kind}.{tag}" for kind in ("orders", "tickets", "agents")}


def keys_in_topic(bootstrap_servers: str, topic: str, partitions: int) -> set[str]:
    """Return every record key of ``topic`` (the entity ids the simulator wrote)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": f"smoke-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    try:
        ends: dict[int, int] = {}
        for partition in range(partitions):
            _low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=10
            )
            ends[partition] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        keys: set[str] = set()
        positions = dict.fromkeys(ends, 0)
        while any(positions[p] < ends[p] for p in ends):
            message = consumer.poll(5)
            if message is None:
                break
            number, offset = message.partition(), message.offset()
            if message.error() is None and number is not None and offset is not None:
                positions[number] = offset + 1
                key = message.key()
                if key is not None:
                    keys.add(key.decode())
        return keys
    finally:
        consumer.close()


def simulate(
    frozen: Path, bootstrap_servers: str, topics: Mapping[str, str], home: Path
) -> Finished:
    """Write a burst of traffic with the frozen ``atp-sim`` (creating the topics)."""
    return run_watched(
        [
            str(frozen / "atp-sim"),
            "--bootstrap-servers",
            bootstrap_servers,
            "--create-topics",
            "--partitions",
            "3",
            "--orders-topic",
            topics["orders"],
            "--tickets-topic",
            topics["tickets"],
            "--agents-topic",
            topics["agents"],
            "--burst",
            "400",
            "--agents",
            "2",
            "--seed",
            "9",
        ],
        env=clean_env(home),
        timeout_s=90,
    )


def unexpected_lines(finished: Finished, verdict_prefix: str) -> list[str]:
    """Return output lines that are neither the verdict nor on the allowlist."""
    return [
        line
        for line in finished.output_lines()
        if not line.startswith(verdict_prefix) and line not in ALLOWED_OUTPUT
    ]
