"""`atp-console --smoke` as IT runs it: one line that says what failed, and the exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from bridge.ports import free_loopback_port

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import KafkaEnv

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
EXIT_FAILED = 3


def _smoke(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ATP_")}
    return subprocess.run(
        [sys.executable, "-m", "console.app", "--smoke"],
        env={**clean, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
             "XDG_DATA_HOME": str(tmp_path / "data"), "ATP_AGENT_ID": "it-check", **env},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )  # fmt: skip


def test_an_unreachable_cluster_is_named_in_one_line(tmp_path: Path) -> None:
    servers = f"127.0.0.1:{free_loopback_port()}"
    result = _smoke(tmp_path, ATP_KAFKA_BOOTSTRAP_SERVERS=servers)
    assert result.returncode == EXIT_FAILED
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"atp-console: smoke check failed: broker unreachable at {servers}")


def test_refused_credentials_are_named_in_one_line(kafka: KafkaEnv, tmp_path: Path) -> None:
    user = kafka.users[0]
    keyring = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    sasl = {
        "ATP_KAFKA_BOOTSTRAP_SERVERS": kafka.sasl_bootstrap_servers,
        "ATP_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "ATP_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "ATP_KAFKA_USERNAME": user.username,
    }
    stored = subprocess.run(
        [sys.executable, "-m", "bridge", "credentials", "set"],
        input="not-" + user.password + "\n",
        env={**os.environ, "HOME": str(tmp_path), **keyring, **sasl},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    result = _smoke(tmp_path, **keyring, **sasl)
    assert result.returncode == EXIT_FAILED
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"atp-console: smoke check failed: authentication failed for user {user.username} "
        f"with SCRAM-SHA-512 at {kafka.sasl_bootstrap_servers}"
    )
    assert user.password not in result.stderr


def test_no_configured_cluster_says_so(tmp_path: Path) -> None:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ATP_")}
    result = subprocess.run(
        [sys.executable, "-m", "console.app", "--smoke"],
        env={**clean, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        (
            "atp-console: no Kafka cluster or agent configured: run atp-console once on a desktop "
            "or see docs/OPERATIONS.md"
        )
    ]
