"""Fixtures of the local-server tests: a unique endpoint, raw clients, a console's client."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bridge.wire.endpoint import Endpoint
from console.bridge_client import BridgeClient
from tests.helpers.local_server import RawClient


@pytest.fixture
def endpoint(tmp_path: Path) -> Endpoint:
    """Where a test's server listens (its data dir under the test's tmp_path)."""
    return Endpoint.for_data_dir(tmp_path / f"data-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def clients(qtbot: QtBot, endpoint: Endpoint) -> Iterator[Callable[..., RawClient]]:
    """Connects raw clients to ``endpoint`` (``read_buffer``: a stalled one); aborts them after."""
    made: list[RawClient] = []

    def connect(read_buffer: int = 0) -> RawClient:
        client = RawClient(qtbot, endpoint.server_name, read_buffer)
        made.append(client)
        return client

    yield connect
    for client in made:
        client.close()


@pytest.fixture
def console(qtbot: QtBot) -> Iterator[BridgeClient]:
    """The console's BridgeClient with short reconnection backoffs; closed after."""
    client = BridgeClient("test-console", min_backoff_ms=50, max_backoff_ms=400)
    yield client
    client.close()
