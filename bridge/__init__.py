"""The A tu Puerta bridge: a sidecar that owns Kafka and serves the console."""

__version__ = "0.1.0"
