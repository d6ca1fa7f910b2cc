"""Configuration of the bridge and the console: layered TOML, validated, secret-free.

See docs/OPERATIONS.md ("Configuration") for the layers, keys and environment
variables. Passwords are never configuration: they live in the OS keyring.
"""

from bridge.config.errors import ConfigError
from bridge.config.kafka import KafkaSettings, agent_identity, kafka_client_settings
from bridge.config.layers import Source, parse_set_option
from bridge.config.loader import LoadedConfig, load_config
from bridge.config.model import (
    SCHEMA_VERSION,
    AgentConfig,
    BridgeConfig,
    Config,
    ConsoleConfig,
    DemoConfig,
    KafkaConfig,
    UiConfig,
)
from bridge.config.schema import KEYS, env_var_for

__all__ = [
    "KEYS",
    "SCHEMA_VERSION",
    "AgentConfig",
    "BridgeConfig",
    "Config",
    "ConfigError",
    "ConsoleConfig",
    "DemoConfig",
    "KafkaConfig",
    "KafkaSettings",
    "LoadedConfig",
    "Source",
    "UiConfig",
    "agent_identity",
    "env_var_for",
    "kafka_client_settings",
    "load_config",
    "parse_set_option",
]
