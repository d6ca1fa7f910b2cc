"""`atp-bridge credentials check` over TLS against the real broker: each failure named.

The harness's TLS listeners (docs/TESTING.md) present a certificate from a CA
made at the session's start; the failing cases are real handshakes: a CA that
did not sign the broker, a certificate for another host, an expired one, and a
listener that requires a client certificate.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bridge.credentials import KEYRING_SERVICE
from bridge.credentials.command import run_credentials
from bridge.paths import AppPaths
from bridge.wire.exit_codes import CredentialsExit
from tests.conftest import KafkaEnv
from tests.helpers.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.kafka
_PREFIX = "atp-bridge credentials check: "


def _check(tmp_path: Path, kafka_section: str, password: str | None = None) -> tuple[int, str]:
    """Write a user file with ``kafka_section``, run the check, return (exit code, output)."""
    user_file = tmp_path / "config.toml"
    user_file.write_text(f"schema_version = 1\n[kafka]\n{kafka_section}", encoding="utf-8")
    backend = MemoryKeyring()
    if password is not None:
        backend.entries[(KEYRING_SERVICE, "alice")] = password
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_credentials(
        "check",
        None,
        stdin=io.StringIO(""),
        stdout=stdout,
        stderr=stderr,
        backend=backend,
        paths=AppPaths(
            system_config_file=tmp_path / "no-system" / "config.toml",
            user_config_file=user_file,
            data_dir=tmp_path / "data",
            log_dir=tmp_path / "logs",
        ),
        environ={},
        timeout_s=15.0,
        logger=logging.getLogger("tests.credentials.tls"),
    )
    return code, stdout.getvalue() + stderr.getvalue()


def _ssl(servers: str, ca_file: Path, extra: str = "") -> str:
    return (
        f'bootstrap_servers = "{servers}"\nsecurity_protocol = "SSL"\n'
        f'ca_file = "{ca_file}"\n{extra}'
    )


def _client_certificate(kafka: KafkaEnv) -> str:
    return (
        f'client_cert_file = "{kafka.tls.client.cert}"\n'
        f'client_key_file = "{kafka.tls.client.key}"\n'
    )


def _sasl_ssl(kafka: KafkaEnv) -> str:
    return (
        f'bootstrap_servers = "{kafka.sasl_ssl_bootstrap_servers}"\n'
        f'security_protocol = "SASL_SSL"\nca_file = "{kafka.tls.ca_file}"\n'
        'sasl_mechanism = "SCRAM-SHA-512"\nusername = "alice"\n'
    )


# ------------------------------------------------------------------ what works
def test_ssl_with_the_ca_file_connects(kafka: KafkaEnv, tmp_path: Path) -> None:
    servers = kafka.ssl_bootstrap_servers

    assert _check(tmp_path, _ssl(servers, kafka.tls.ca_file)) == (
        CredentialsExit.OK,
        f"OK: connected to {servers} (SSL, no login)\n",
    )


def test_sasl_ssl_with_scram_logs_in_over_tls(kafka: KafkaEnv, tmp_path: Path) -> None:
    alice = kafka.users[0]

    assert _check(tmp_path, _sasl_ssl(kafka), alice.password) == (
        CredentialsExit.OK,
        (
            f"OK: logged in to {kafka.sasl_ssl_bootstrap_servers} as alice with SCRAM-SHA-512 "
            "over TLS\n"
        ),
    )


def test_mutual_tls_with_the_client_certificate_connects(kafka: KafkaEnv, tmp_path: Path) -> None:
    servers = kafka.mtls_bootstrap_servers
    section = _ssl(servers, kafka.tls.ca_file, _client_certificate(kafka))

    assert _check(tmp_path, section) == (
        CredentialsExit.OK,
        f"OK: connected to {servers} (SSL, client certificate {kafka.tls.client.cert})\n",
    )


def test_without_the_host_check_a_certificate_for_another_host_is_accepted(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    servers = kafka.wrong_host_bootstrap_servers
    section = _ssl(servers, kafka.tls.ca_file, "check_hostname = false\n")

    assert _check(tmp_path, section)[0] == CredentialsExit.OK


# ------------------------------------------------------------------ what fails, named
def test_mutual_tls_without_a_client_certificate_says_the_broker_requires_one(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    servers = kafka.mtls_bootstrap_servers

    assert _check(tmp_path, _ssl(servers, kafka.tls.ca_file)) == (
        CredentialsExit.CHECK_FAILED,
        (
            f"{_PREFIX}TLS: the broker requires a client certificate ({servers}): "
            "set kafka.client_cert_file and kafka.client_key_file\n"
        ),
    )


def test_a_ca_that_did_not_sign_the_broker_is_named(kafka: KafkaEnv, tmp_path: Path) -> None:
    servers, other_ca = kafka.ssl_bootstrap_servers, kafka.tls.other_ca_file

    assert _check(tmp_path, _ssl(servers, other_ca)) == (
        CredentialsExit.CHECK_FAILED,
        (
            f"{_PREFIX}TLS: the broker's certificate is not signed by the configured CA "
            f"({other_ca}) ({servers})\n"
        ),
    )


def test_sasl_ssl_with_the_wrong_ca_is_a_tls_problem_not_a_password_problem(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    section = _sasl_ssl(kafka).replace(str(kafka.tls.ca_file), str(kafka.tls.other_ca_file))

    code, output = _check(tmp_path, section, kafka.users[0].password)

    assert code == CredentialsExit.CHECK_FAILED
    assert output.startswith(f"{_PREFIX}TLS: the broker's certificate is not signed by")


def test_a_certificate_for_another_host_is_named_with_its_names(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    servers = kafka.wrong_host_bootstrap_servers

    assert _check(tmp_path, _ssl(servers, kafka.tls.ca_file)) == (
        CredentialsExit.CHECK_FAILED,
        (
            f"{_PREFIX}TLS: the broker's certificate does not match host 127.0.0.1 "
            "(it is for wrong-host.invalid)\n"
        ),
    )


def test_an_expired_certificate_is_named_with_its_date(kafka: KafkaEnv, tmp_path: Path) -> None:
    servers = kafka.expired_bootstrap_servers

    assert _check(tmp_path, _ssl(servers, kafka.tls.ca_file)) == (
        CredentialsExit.CHECK_FAILED,
        f"{_PREFIX}TLS: the broker's certificate expired on 2020-01-02 00:00 UTC ({servers})\n",
    )


def test_sasl_ssl_with_a_wrong_password_names_the_mechanism_and_hides_the_password(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    wrong = "wrong-" + kafka.users[0].password

    code, output = _check(tmp_path, _sasl_ssl(kafka), wrong)

    assert code == CredentialsExit.CHECK_FAILED
    assert output.startswith(_PREFIX)
    assert "TLS" not in output
    assert "SCRAM-SHA-512" in output
    assert kafka.sasl_ssl_bootstrap_servers in output
    assert wrong not in output


def test_tls_to_a_plaintext_listener_says_it_does_not_answer_tls(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    servers = kafka.bootstrap_servers

    code, output = _check(tmp_path, _ssl(servers, kafka.tls.ca_file))

    assert code == CredentialsExit.CHECK_FAILED
    assert output.startswith(f"{_PREFIX}TLS: {servers} does not answer TLS; is it a PLAINTEXT")


def test_a_ca_file_that_holds_no_certificate_is_named(kafka: KafkaEnv, tmp_path: Path) -> None:
    not_a_ca = kafka.tls.client.key

    code, output = _check(tmp_path, _ssl(kafka.ssl_bootstrap_servers, not_a_ca))

    assert code == CredentialsExit.CHECK_FAILED
    assert output.startswith(f"{_PREFIX}TLS: cannot use the CA file ({not_a_ca}): ")


def test_a_client_key_of_another_certificate_is_refused_before_connecting(
    kafka: KafkaEnv, tmp_path: Path
) -> None:
    client, other_key = kafka.tls.client.cert, kafka.tls.broker.key
    section = _ssl(
        kafka.mtls_bootstrap_servers,
        kafka.tls.ca_file,
        f'client_cert_file = "{client}"\nclient_key_file = "{other_key}"\n',
    )

    assert _check(tmp_path, section) == (
        CredentialsExit.CONFIG,
        (
            f"{_PREFIX}{tmp_path / 'config.toml'}: kafka.client_key_file: expected the private key "
            f'of the client certificate "{client}", got "{other_key}", the key of another '
            "certificate\n"
        ),
    )
