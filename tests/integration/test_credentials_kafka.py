"""`atp-bridge credentials check` logs in to a real Apache Kafka broker (SASL_PLAINTEXT)."""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from bridge.credentials import KEYRING_SERVICE
from bridge.credentials.command import run_credentials
from bridge.logs import setup_logging
from bridge.paths import AppPaths
from bridge.wire.exit_codes import CredentialsExit
from tests.conftest import KafkaEnv
from tests.helpers.memory_keyring import MemoryKeyring


def _paths(tmp_path: Path, servers: str, username: str, mechanism: str) -> AppPaths:
    user_file = tmp_path / "config.toml"
    user_file.write_text(
        "schema_version = 1\n[kafka]\n"
        f'bootstrap_servers = "{servers}"\nsecurity_protocol = "SASL_PLAINTEXT"\n'
        f'sasl_mechanism = "{mechanism}"\nusername = "{username}"\n',
        encoding="utf-8",
    )
    return AppPaths(
        system_config_file=tmp_path / "no-system" / "config.toml",
        user_config_file=user_file,
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


def _check(
    paths: AppPaths, backend: KeyringBackend, timeout_s: float = 20.0
) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_credentials(
        "check",
        None,
        stdin=io.StringIO(""),
        stdout=stdout,
        stderr=stderr,
        backend=backend,
        paths=paths,
        environ={},
        timeout_s=timeout_s,
        logger=logging.getLogger("tests.credentials.check"),
    )
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.kafka
@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "PLAIN"])
def test_check_with_the_right_password_logs_in(
    kafka: KafkaEnv, tmp_path: Path, mechanism: str
) -> None:
    user = kafka.users[0]
    backend = MemoryKeyring()
    backend.entries[(KEYRING_SERVICE, user.username)] = user.password
    paths = _paths(tmp_path, kafka.sasl_bootstrap_servers, user.username, mechanism)

    code, out, err = _check(paths, backend)

    assert (code, err) == (CredentialsExit.OK, "")
    assert out == (
        f"OK: logged in to {kafka.sasl_bootstrap_servers} as {user.username} with {mechanism}\n"
    )


@pytest.mark.kafka
def test_check_with_a_wrong_password_says_authentication_failed_and_never_shows_it(
    kafka: KafkaEnv, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = kafka.users[0]
    wrong = "wrong-" + user.password
    backend = MemoryKeyring()
    backend.entries[(KEYRING_SERVICE, user.username)] = wrong
    paths = _paths(tmp_path, kafka.sasl_bootstrap_servers, user.username, "SCRAM-SHA-512")
    caplog.set_level(logging.DEBUG)
    logs = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    try:
        code, out, err = _check(paths, backend)
    finally:
        logs.remove()

    assert code == CredentialsExit.CHECK_FAILED
    assert out == ""
    assert err.startswith(
        f"atp-bridge credentials check: authentication failed for user {user.username} "
        f"with SCRAM-SHA-512 at {kafka.sasl_bootstrap_servers}: "
    )
    log_file = logs.log_file.read_text(encoding="utf-8")
    assert "SASL authentication error" in log_file  # librdkafka's own report reached our log
    for text in (out, err, caplog.text, log_file):
        assert wrong not in text
        assert user.password not in text


def test_check_against_a_closed_port_says_the_broker_is_unreachable(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        backend = MemoryKeyring()
        backend.entries[(KEYRING_SERVICE, "alice")] = "pw-unreachable"
        paths = _paths(tmp_path, f"127.0.0.1:{port}", "alice", "SCRAM-SHA-512")

        code, out, err = _check(paths, backend, timeout_s=10.0)

    assert code == CredentialsExit.CHECK_FAILED
    assert out == ""
    assert err.startswith(f"atp-bridge credentials check: broker unreachable at 127.0.0.1:{port}")
    assert "Connection refused" in err
    assert "pw-unreachable" not in err
