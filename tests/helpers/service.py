"""A ``BridgeService`` in the test's own process, for integration tests and benchmarks.

It is the service ``atp-bridge run`` composes, on a data layout of the test's,
with the endpoint of that layout and a fresh token; the agent and the Kafka
settings are the test's (no settings: a service that never reaches Kafka, for
tests that feed it records themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.contract.topics import Topics
from bridge.paths import DataLayout
from bridge.service import BridgeService
from bridge.wire.endpoint import Endpoint, new_token
from bridge.wire.protocol import AgentIdentity

KafkaSettings = Mapping[str, str | int | float | bool]


def in_process_service(
    layout: DataLayout,
    *,
    topics: Topics,
    kafka_settings: KafkaSettings | None = None,
    agent: str = "a-1",
    agent_name: str = "Ana",
    **options: Any,
) -> BridgeService:
    """A service on ``layout`` for agent ``agent``; ``options`` go to ``BridgeService``."""
    return BridgeService(
        identity=AgentIdentity(agent_id=agent, name=agent_name, role="agent", queues=[]),
        topics=topics,
        kafka_settings=kafka_settings or {},
        layout=layout,
        endpoint=Endpoint.for_data_dir(layout.root),
        token=new_token(),
        **options,
    )
