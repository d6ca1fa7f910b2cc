"""What the main window's connection banner says, decided without Qt.

The status bar always tells the link's state in a few words; the banner is
for what stops the agent's work: Kafka unreachable (actions only queue, the
data is not updating), Kafka refusing the credentials, or the bridge gone
after it was connected. A bridge that is still starting shows no banner (the
panes say "waiting for the bridge").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bridge.wire.protocol import BridgeStatus


class NoticeKind(enum.Enum):
    """Why the banner shows."""

    KAFKA_DOWN = "kafka_down"
    KAFKA_AUTH = "kafka_auth"
    BRIDGE_LOST = "bridge_lost"


@dataclass(frozen=True)
class ConnectionNotice:
    """One banner: its kind and the details the bridge or the link gave."""

    kind: NoticeKind
    detail: str | None = None


def connection_notice(
    *, connected: bool, ever_connected: bool, reason: str | None, status: BridgeStatus | None
) -> ConnectionNotice | None:
    """The banner to show now, or ``None`` when the work is not blocked."""
    if not connected:
        return ConnectionNotice(NoticeKind.BRIDGE_LOST, reason) if ever_connected else None
    if status is None or status.kafka_up:
        return None
    if status.kafka_error == "auth":
        return ConnectionNotice(NoticeKind.KAFKA_AUTH, status.kafka_error_message)
    return ConnectionNotice(NoticeKind.KAFKA_DOWN, status.kafka_error_message)
