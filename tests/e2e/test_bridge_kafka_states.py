"""What the status says about Kafka: refused credentials, and a frozen broker within 5 s."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from bridge.contract.topics import Topics
from tests.conftest import KafkaEnv
from tests.helpers.bridge_process import BridgeProcess, Mirror, follow, write_config
from tests.kafka_harness import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
WINDOW_S = 10.0


def _error_lines(data_dir: Path) -> list[str]:
    return [
        line
        for log in (data_dir / "logs").glob("bridge.log*")
        for line in log.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["level"] in ("ERROR", "CRITICAL")
    ]


def test_a_wrong_password_is_an_auth_state_not_kafka_down_and_the_log_stays_quiet(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path
) -> None:
    user = kafka.users[0]
    config = tmp_path / "config.toml"
    config.write_text(
        "schema_version = 1\n[kafka]\n"
        f'bootstrap_servers = "{kafka.sasl_bootstrap_servers}"\n'
        'security_protocol = "SASL_PLAINTEXT"\nsasl_mechanism = "SCRAM-SHA-512"\n'
        f'username = "{user.username}"\n'
        f'[topics]\norders = "{topics.orders}"\ntickets = "{topics.tickets}"\n'
        f'agents = "{topics.agents}"\n',
        encoding="utf-8",
    )
    keyring_env = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "keyring-home"),
    }
    stored = subprocess.run(
        [sys.executable, "-m", "bridge", "credentials", "set", "--config", str(config)],
        input="not-the-password\n",
        capture_output=True,
        text=True,
        env={**os.environ, **keyring_env},
        timeout=60,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    bridge = BridgeProcess(tmp_path / "data", config, "ana", "Ana Quispe", extra_env=keyring_env)
    bridge.start()
    try:
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = Mirror(client.snapshot)
            follow(client, mirror, lambda m: m.status.kafka_error == "auth")
            window_end = time.monotonic() + WINDOW_S  # a window of retries by librdkafka
            while (remaining := window_end - time.monotonic()) > 0:
                message = client.read(remaining)
                if message is not None:
                    mirror.apply(message)
    finally:
        bridge.stop()
    assert not mirror.status.kafka_up
    assert mirror.status.kafka_error_message == (
        "Kafka refused the credentials (SASL/SCRAM-SHA-512)"
    )
    errors = _error_lines(bridge.data_dir)
    assert errors, "the refusal is logged"
    assert len(errors) <= 6, "\n".join(errors)  # was about 2 a second
    assert "not-the-password" not in "\n".join(errors)


def test_a_frozen_broker_shows_as_kafka_down_within_5_s_and_up_when_it_thaws(
    tmp_path: Path,
) -> None:
    broker = KafkaBroker(data_root=tmp_path / "kafka")  # its own: freezing it stops no one else
    broker.start()
    bridge: BridgeProcess | None = None
    pid = broker.pid
    assert pid is not None
    try:
        topics = Topics(orders="o", tickets="t", agents="a")
        admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers})
        for future in admin.create_topics(
            [NewTopic(n, num_partitions=1) for n in topics.all()]
        ).values():
            future.result(timeout=30)
        config = write_config(
            tmp_path / "config.toml", bootstrap_servers=broker.bootstrap_servers, topics=topics
        )
        bridge = BridgeProcess(tmp_path / "bridge", config, "ana", "Ana Quispe")
        bridge.start()
        with bridge.client() as client:
            assert client.snapshot is not None
            mirror = Mirror(client.snapshot)
            follow(client, mirror, lambda m: m.status.kafka_up)
            os.kill(pid, signal.SIGSTOP)
            frozen_at = time.monotonic()
            follow(client, mirror, lambda m: not m.status.kafka_up, timeout_s=5.0)
            detected_s = time.monotonic() - frozen_at
            os.kill(pid, signal.SIGCONT)
            follow(client, mirror, lambda m: m.status.kafka_up, timeout_s=30)
        print(f"frozen broker detected after {detected_s:.1f} s")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
        if bridge is not None:
            bridge.kill()
        broker.stop()
