"""Malformed records over Kafka, the contract snapshot CLI, and no secret anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bridge.contract.envelope import encode_event
from bridge.contract.topics import Topics
from tests.conftest import KafkaEnv
from tests.e2e.conftest import EventProducer
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_malformed_records_are_quarantined_and_folding_goes_on(
    kafka: KafkaEnv, topics: Topics, bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    opened = samples.ticket_opened("t-ok", event_id="open-ok")
    bad = [
        (b"t-1", b"not json at all"),
        (b"t-2", b"\xff\xfe invalid utf-8"),
        (b"t-3", encode_event({k: v for k, v in opened.items() if k != "id"})),
        (b"t-4", encode_event({**opened, "specversion": 2})),
        (b"someone-else", encode_event(opened)),  # subject differs from key
        (None, encode_event(opened)),  # no key
        (b"t-9", encode_event(samples.message_added("t-9", event_id="m-unknown"))),
        (b"t-ok", encode_event({**opened, "type": "atp.ticket.teleported", "id": "x-1"})),
    ]
    for key, value in bad:
        produce.raw(topics.tickets, key, value)
    produce.event(topics.tickets, opened)
    produce.event(topics.tickets, {**opened, "id": "open-ok-again"})  # duplicate ticket
    produce.flush()
    produce.raw(topics.tickets, b"t-big", b'{"x": "' + b"a" * 2_000_000 + b'"}')  # 2 MB
    produce.event(topics.tickets, samples.ticket_opened("t-after", event_id="open-after"))
    produce.flush()

    state = bridge.wait_until(
        lambda m: (
            {"t-ok", "t-after"} <= set(m.tickets)
            and m.status.quarantined >= 9
            and m.status.skipped_unknown_type >= 1
        )
    )

    assert set(state.tickets) == {"t-ok", "t-after"}
    assert state.status.quarantined == 9  # 7 malformed above, the duplicate ticket, the 2 MB value
    assert state.status.skipped_unknown_type == 1


def test_snapshot_cli_prints_the_contract_shape(
    bridges: Callable[..., BridgeProcess], produce: EventProducer
) -> None:
    bridge = bridges("ana", "Ana Quispe")
    produce.event(produce.topics.tickets, samples.ticket_opened("t-1", event_id="o-1"))
    produce.event(produce.topics.orders, samples.order_placed("o-1", event_id="p-1"))
    produce.flush()
    bridge.wait_until(lambda m: "t-1" in m.tickets and "o-1" in m.orders and "ana" in m.agents)

    result = subprocess.run(
        [sys.executable, "-m", "bridge", "snapshot", "--json", "--data-dir", str(bridge.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    report = json.loads(result.stdout)

    assert set(report) >= {
        "as_of",
        "tickets",
        "orders",
        "agents",
        "quarantined",
        "skipped_unknown_type",
    }
    (ticket,) = report["tickets"]
    assert set(ticket) >= {
        "ticket_id",
        "status",
        "priority",
        "queue",
        "assignee",
        "customer_id",
        "order_id",
        "channel",
        "subject",
        "opened_at",
        "sla_due_at",
        "breached",
        "first_response_at",
        "messages",
    }
    (order,) = report["orders"]
    assert set(order) >= {
        "order_id",
        "status",
        "customer_id",
        "total_cents",
        "currency",
        "eta",
        "events",
    }
    assert {"agent_id": "ana", "name": "Ana Quispe"}.items() <= report["agents"][0].items()


def test_snapshot_cli_without_a_bridge_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge", "snapshot", "--json", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "no bridge is running" in result.stderr


def test_sasl_bridge_keeps_the_password_out_of_logs_config_and_command_line(
    kafka: KafkaEnv, topics: Topics, tmp_path: Path, produce: EventProducer
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
    env = {**os.environ, **keyring_env}
    stored = subprocess.run(
        [sys.executable, "-m", "bridge", "credentials", "set", "--config", str(config)],
        input=user.password + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "bridge", "credentials", "check", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    bridge = BridgeProcess(tmp_path / "data", config, "ana", "Ana Quispe", extra_env=keyring_env)
    bridge.start()
    try:
        produce.event(topics.tickets, samples.ticket_opened("t-sasl", event_id="o-sasl"))
        produce.flush()
        bridge.wait_until(lambda m: "t-sasl" in m.tickets)
        assert bridge.process is not None
        cmdline = Path(f"/proc/{bridge.process.pid}/cmdline").read_bytes()
    finally:
        bridge.stop()

    secret = user.password.encode()
    assert secret not in cmdline
    assert secret not in config.read_bytes()
    logs = list((bridge.data_dir / "logs").glob("*"))
    assert logs, "the bridge writes logs"
    for log in logs:
        assert secret not in log.read_bytes(), f"password leaked into {log}"
    assert user.password not in "\n".join(bridge.log_tail)
    assert user.password not in stored.stdout + stored.stderr + checked.stdout + checked.stderr
