"""Turn the configuration into librdkafka settings and the agent's identity."""

from __future__ import annotations

from bridge.config.errors import ConfigError
from bridge.config.model import SASL_PROTOCOLS, TLS_PROTOCOLS, Config
from bridge.wire.protocol import AgentIdentity

KafkaSettings = dict[str, str | int | float | bool]
_NOT_SET = "configuration"


def kafka_client_settings(config: Config, password: str | None) -> KafkaSettings:
    """Return the connection settings for a confluent-kafka client.

    ``password`` comes from the keyring; it is required when the protocol is
    SASL_PLAINTEXT or SASL_SSL and ignored otherwise. Raises ``ConfigError``
    when the configuration cannot connect (no servers, SASL without mechanism
    or user name) and ``ValueError`` when a SASL password is missing.
    """
    kafka = config.kafka
    if kafka.bootstrap_servers is None:
        raise ConfigError(
            _NOT_SET,
            "kafka.bootstrap_servers",
            'not set in any layer: expected host:port, e.g. "kafka:9092", in a configuration '
            "file's [kafka] section or in ATP_KAFKA_BOOTSTRAP_SERVERS",
        )
    settings: KafkaSettings = {
        "bootstrap.servers": kafka.bootstrap_servers,
        "security.protocol": kafka.security_protocol,
    }
    if kafka.security_protocol in SASL_PROTOCOLS:
        if kafka.sasl_mechanism is None:
            raise ConfigError(
                _NOT_SET,
                "kafka.sasl_mechanism",
                f"required for {kafka.security_protocol}: expected one of "
                "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
            )
        if kafka.username is None:
            raise ConfigError(
                _NOT_SET,
                "kafka.username",
                f"required for {kafka.security_protocol}: expected a Kafka user name",
            )
        if not password:
            raise ValueError(
                f'no Kafka password for user "{kafka.username}": store it with '
                '"atp-bridge credentials set"'
            )
        settings["sasl.mechanism"] = kafka.sasl_mechanism
        settings["sasl.username"] = kafka.username
        settings["sasl.password"] = password
    if kafka.security_protocol in TLS_PROTOCOLS:
        settings.update(_tls_settings(config))
    return settings


def _tls_settings(config: Config) -> KafkaSettings:
    kafka = config.kafka
    settings: KafkaSettings = {
        "ssl.endpoint.identification.algorithm": "https" if kafka.check_hostname else "none",
    }
    if kafka.ca_file is not None:
        settings["ssl.ca.location"] = str(kafka.ca_file)
    if kafka.client_cert_file is not None and kafka.client_key_file is not None:
        settings["ssl.certificate.location"] = str(kafka.client_cert_file)
        settings["ssl.key.location"] = str(kafka.client_key_file)
    return settings


def agent_identity(config: Config) -> AgentIdentity:
    """Return the agent this bridge acts for; ``agent.name`` defaults to ``agent.id``."""
    agent = config.agent
    if agent.id is None:
        raise ConfigError(_NOT_SET, "agent.id", "not set: expected an agent id without spaces")
    return AgentIdentity(
        agent_id=agent.id,
        name=agent.name if agent.name is not None else agent.id,
        role=agent.role,
        queues=list(agent.queues),
    )
