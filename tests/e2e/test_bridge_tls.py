"""A real bridge over TLS: SASL_SSL with SCRAM and mutual TLS, reading and writing.

The bridge reads a ticket a plaintext producer wrote, and its note goes through
its writer and back through its reader (a confirmed outcome), both over the
harness's TLS listeners (docs/TESTING.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bridge.contract.topics import Topics
from bridge.wire.protocol import Command, Note
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _config(path: Path, kafka_section: str, topics: Topics) -> Path:
    path.write_text(
        f"schema_version = 1\n[kafka]\n{kafka_section}"
        f'[topics]\norders = "{topics.orders}"\ntickets = "{topics.tickets}"\n'
        f'agents = "{topics.agents}"\n',
        encoding="utf-8",
    )
    return path


def _sasl_ssl(kafka: KafkaEnv, tmp_path: Path, topics: Topics) -> tuple[Path, dict[str, str]]:
    """A SASL_SSL configuration, and the environment of a keyring holding alice's password."""
    user = kafka.users[0]
    config = _config(
        tmp_path / "config.toml",
        f'bootstrap_servers = "{kafka.sasl_ssl_bootstrap_servers}"\n'
        f'security_protocol = "SASL_SSL"\nca_file = "{kafka.tls.ca_file}"\n'
        f'sasl_mechanism = "SCRAM-SHA-512"\nusername = "{user.username}"\n',
        topics,
    )
    keyring_env = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "keyring-home"),
    }
    stored = subprocess.run(
        [sys.executable, "-m", "bridge", "credentials", "set", "--config", str(config)],
        input=user.password + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **keyring_env},
        timeout=60,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    return config, keyring_env


def _mutual_tls(kafka: KafkaEnv, tmp_path: Path, topics: Topics) -> tuple[Path, dict[str, str]]:
    config = _config(
        tmp_path / "config.toml",
        f'bootstrap_servers = "{kafka.mtls_bootstrap_servers}"\n'
        f'security_protocol = "SSL"\nca_file = "{kafka.tls.ca_file}"\n'
        f'client_cert_file = "{kafka.tls.client.cert}"\n'
        f'client_key_file = "{kafka.tls.client.key}"\n',
        topics,
    )
    return config, {}


@pytest.mark.parametrize("setup", [_sasl_ssl, _mutual_tls], ids=["sasl-ssl-scram", "mutual-tls"])
def test_a_bridge_over_tls_reads_the_log_and_confirms_its_actions(
    kafka: KafkaEnv,
    topics: Topics,
    tmp_path: Path,
    produce: EventProducer,
    setup: object,
) -> None:
    assert callable(setup)
    config, env = setup(kafka, tmp_path, topics)
    bridge = BridgeProcess(tmp_path / "data", config, "ana", "Ana Quispe", extra_env=env)
    bridge.start()
    try:
        produce.event(topics.tickets, samples.ticket_opened("t-tls", event_id="o-tls"))
        produce.flush()
        note = Command(
            command_id=f"note-{uuid.uuid4()}",
            action=Note(ticket_id="t-tls", body="Leído por TLS"),
        )
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = follow(
                client,
                Mirror(client.snapshot),
                lambda m: "t-tls" in m.tickets and m.status.kafka_up,
            )
            client.send(note)
            follow(client, mirror, lambda m: m.final_outcome(note.command_id) is not None)
    finally:
        bridge.stop()

    outcome = mirror.final_outcome(note.command_id)
    assert outcome is not None
    assert outcome.state == "confirmed"


def _failing(kafka: KafkaEnv, case: str) -> tuple[str, str]:
    """The configuration of a failing TLS case and the status message it must give.

    One case per way librdkafka reports it (a failed verification, an alert from
    the broker); every message is checked against the broker in
    tests/integration/test_credentials_tls.py.
    """
    tls = kafka.tls
    if case == "wrong-ca":
        servers = kafka.ssl_bootstrap_servers
        return (
            f'bootstrap_servers = "{servers}"\nca_file = "{tls.other_ca_file}"\n',
            (
                f"TLS: the broker's certificate is not signed by the configured CA "
                f"({tls.other_ca_file}) ({servers})"
            ),
        )
    servers = kafka.mtls_bootstrap_servers
    return (
        f'bootstrap_servers = "{servers}"\nca_file = "{tls.ca_file}"\n',
        (
            f"TLS: the broker requires a client certificate ({servers}): set "
            "kafka.client_cert_file and kafka.client_key_file"
        ),
    )


@pytest.mark.parametrize("case", ["wrong-ca", "no-client-certificate"])
def test_a_bridge_whose_tls_fails_names_the_problem_in_its_status_and_log(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path, case: str
) -> None:
    kafka_section, expected = _failing(kafka, case)
    config = _config(
        tmp_path / "config.toml", kafka_section + 'security_protocol = "SSL"\n', topics
    )
    bridge = BridgeProcess(tmp_path / "data", config, "ana", "Ana Quispe")
    bridge.start()
    try:
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = follow(
                client, Mirror(client.snapshot), lambda m: m.status.kafka_error == "tls"
            )
        summary = subprocess.run(
            [sys.executable, "-m", "bridge", "status", "--data-dir", str(bridge.data_dir)],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    finally:
        bridge.stop()

    assert not mirror.status.kafka_up
    assert mirror.status.kafka_error_message == expected
    kafka_line = next(line for line in summary.stdout.splitlines() if "Kafka:" in line)
    assert kafka_line.startswith("  Kafka:        DOWN since ")
    assert kafka_line.endswith(f": {expected}")
    log = "\n".join(
        path.read_text(encoding="utf-8") for path in (tmp_path / "data" / "logs").glob("*.log*")
    )
    assert expected in log
    assert "consumer error" not in log  # librdkafka's raw TLS text, once per reconnect
    assert "producer error" not in log
