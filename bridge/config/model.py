"""The validated, immutable configuration the loader returns."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import msgspec

from bridge.contract.topics import Topics
from bridge.wire.vocabulary import Role

SCHEMA_VERSION = 1

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
Language = Literal["es", "en"]
SASL_PROTOCOLS: frozenset[str] = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})
TLS_PROTOCOLS: frozenset[str] = frozenset({"SSL", "SASL_SSL"})


class KafkaConfig(msgspec.Struct, frozen=True, kw_only=True):
    """How the bridge reaches the cluster (the password is in the keyring, never here).

    With SSL or SASL_SSL: ``ca_file`` is the CA the brokers' certificates must
    chain to (the system's CAs when unset), ``client_cert_file`` and
    ``client_key_file`` the certificate and key for mutual TLS (the key file is
    mode 0600, checked at load), and ``check_hostname`` whether a broker's
    certificate must name the host connected to.
    """

    bootstrap_servers: str | None = None
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    username: str | None = None
    ca_file: Path | None = None
    client_cert_file: Path | None = None
    client_key_file: Path | None = None
    check_hostname: bool = True


class AgentConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The agent this installation acts for."""

    id: str | None = None
    name: str | None = None
    role: Role = "agent"
    queues: tuple[str, ...] = ()


class BridgeConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The bridge's own files, and where a bridge without them starts from."""

    data_dir: Path
    # With no usable cache: load the snapshot topic, then fold only the tail (OPERATIONS.md).
    bootstrap_from_snapshot_topic: bool = False


class DemoConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The embedded demo broker."""

    tansu_path: Path | None = None


class UiConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Console preferences."""

    language: Language = "es"
    order_feed_limit: int = 5000


class Config(msgspec.Struct, frozen=True, kw_only=True):
    """The whole configuration after every layer was applied and validated."""

    kafka: KafkaConfig
    topics: Topics
    agent: AgentConfig
    bridge: BridgeConfig
    demo: DemoConfig
    ui: UiConfig

    @property
    def uses_sasl(self) -> bool:
        """Return whether the cluster connection logs in with a user name and password."""
        return self.kafka.security_protocol in SASL_PROTOCOLS

    @property
    def uses_tls(self) -> bool:
        """Return whether the cluster connection is encrypted (SSL or SASL_SSL)."""
        return self.kafka.security_protocol in TLS_PROTOCOLS
