"""The support bundle after a SASL session with real traffic: useful, and nothing personal in it."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bridge.paths import DataLayout
from bridge.support_bundle import cache_facts
from bridge.wire.protocol import Command, Reply
from tests.helpers import samples
from tests.helpers.bridge_process import BridgeProcess

if TYPE_CHECKING:
    from bridge.contract.topics import Topics
    from tests.conftest import KafkaEnv
    from tests.e2e.conftest import EventProducer

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
CUSTOMER = "Rosa Huamán Ccori"
PHONE = "+51 987 654 321"
ADDRESS = "Jr. Las Magnolias 742, Surquillo"
BODY = "Mi pedido de ceviche llegó frío y sin la chicha morada"
REPLY = "Lo sentimos mucho, Rosa: le reembolsamos la chicha hoy"


def _run(argv: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bridge", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_bundle_after_a_sasl_session_holds_no_secret_and_no_customer_data(
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
    _run(["credentials", "set", "--config", str(config)], env, stdin=user.password + "\n")

    bridge = BridgeProcess(tmp_path / "data", config, "ana", "Ana Quispe", extra_env=keyring_env)
    bridge.start()
    try:
        customer = {"id": "c-77", "name": CUSTOMER, "phone": PHONE}
        delivery = {"address": ADDRESS, "district": "Surquillo", "city": "Lima"}
        produce.event(
            topics.tickets,
            samples.ticket_opened("t-rosa", event_id="e-rosa", customer=customer, body=BODY),
        )
        produce.event(
            topics.orders,
            samples.order_placed(
                "o-rosa", event_id="e-o-rosa", customer=customer, delivery=delivery
            ),
        )
        produce.raw(topics.tickets, b"t-broken", b"{not json " + CUSTOMER.encode())
        produce.flush()
        bridge.wait_until(lambda m: "t-rosa" in m.tickets and m.status.quarantined >= 1)
        with bridge.client() as client:
            client.send(
                Command(command_id="cmd-rosa", action=Reply(ticket_id="t-rosa", body=REPLY))
            )
            client.wait_for(lambda message: getattr(message, "command_id", None) == "cmd-rosa", 30)
        # The quarantine reaches the bundle through the state cache, saved every few seconds.
        deadline = time.monotonic() + 30
        layout = DataLayout(bridge.data_dir)
        while not cache_facts(layout, dt.datetime.now(dt.UTC))[1]:
            assert time.monotonic() < deadline, "the cache never held the quarantine"
            time.sleep(0.2)
        token = (bridge.data_dir / "ipc" / "bridge.token").read_text().strip()
        output = tmp_path / "out" / "bundle.zip"
        printed = _run(
            ["support-bundle", "--output", str(output), "--data-dir", str(bridge.data_dir),
             "--config", str(config)],
            env,
        )  # fmt: skip
    finally:
        bridge.stop()

    assert printed.strip() == str(output)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert stat.S_IMODE(output.parent.stat().st_mode) == 0o700
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        files = {name: archive.read(name).decode() for name in names}
        modes = {name: archive.getinfo(name).external_attr >> 16 for name in names}

    _assert_useful(files, modes, topics)

    # Safe: no password, no socket token, no customer detail or message body.
    everything = "\n".join(files.values())
    for secret in (user.password, token, CUSTOMER, "Rosa", PHONE, ADDRESS, BODY, REPLY, "ceviche"):
        assert secret not in everything, f"{secret!r} is in the bundle"
    raw = output.read_bytes()
    assert user.password.encode() not in raw
    assert token.encode() not in raw


def _assert_useful(files: dict[str, str], modes: dict[str, int], topics: Topics) -> None:
    """Versions, config, a live status, the quarantine, the outbox and logs are there."""
    prefix = "atp-support/"
    versions = json.loads(files[prefix + "versions.json"])
    assert {"app", "python", "qt", "librdkafka", "os"} <= set(versions)
    config_report = json.loads(files[prefix + "config.json"])
    assert config_report["ok"] is True
    protocol = next(r for r in config_report["effective"] if r["key"] == "kafka.security_protocol")
    assert protocol == {**protocol, "value": "SASL_PLAINTEXT", "layer": "file"}
    status = json.loads(files[prefix + "status.json"])
    assert status["running"] is True
    assert status["kafka_up"] is True
    quarantine = json.loads(files[prefix + "quarantine.json"])
    assert quarantine, "the malformed record is listed"
    assert set(quarantine[0]) == {"topic", "partition", "offset", "reason"}
    assert quarantine[0]["topic"] == topics.tickets
    outbox = json.loads(files[prefix + "outbox.json"])
    assert sum(outbox["by_state"].values()) == 1
    assert json.loads(files[prefix + "cache.json"])["present"] is True
    assert prefix + "logs/bridge.log" in files
    assert all(mode == 0o600 for mode in modes.values()), modes
