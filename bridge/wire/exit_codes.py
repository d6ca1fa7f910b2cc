"""What each command's exit status means; the console reads the bridge's by these names."""

from __future__ import annotations

import enum


class RunExit(enum.IntEnum):
    """``atp-bridge run``."""

    OK = 0
    CONFIG = 2
    """The configuration is invalid or incomplete (the message names file and key)."""
    ALREADY_RUNNING = 3
    """Another bridge already serves this data dir."""
    CREDENTIALS = 4
    """The password could not be read from the keyring."""
    UNSAFE_DIR = 5
    """The data dir or the socket's folder belongs to another user, or is not a folder."""


class MaterializeExit(enum.IntEnum):
    """``atp-bridge materialize``."""

    OK = 0
    PUBLISH = 1
    """A publish failed for good (fenced by another materializer, a record over the limit)."""
    CONFIG = 2
    CREDENTIALS = 4
    TOPIC = 6
    """The snapshot topic is missing or misconfigured, or what it holds cannot be read,
    or the source log was reset under it (it holds the old log's state)."""


class ReportExit(enum.IntEnum):
    """``atp-bridge report``."""

    OK = 0
    READ_FAILED = 1
    """The log could not be read to its end (cluster unreachable, missing topic, timeout)."""
    CONFIG = 2
    """The configuration, the dates or the time zone are not usable."""
    CREDENTIALS = 4
    OUTPUT = 5
    """The CSV file could not be written."""


class CredentialsExit(enum.IntEnum):
    """``atp-bridge credentials set|check|delete``."""

    OK = 0
    CHECK_FAILED = 1
    """Kafka could not be reached or refused the credentials."""
    CONFIG = 2
    KEYRING = 3
    """The OS keyring is unavailable or refused the operation."""


class ConsoleExit(enum.IntEnum):
    """``atp-console``."""

    OK = 0
    CONFIG = 2
    """No usable configuration (e.g. the first-run dialog was cancelled)."""
    SMOKE_FAILED = 3
    """``--smoke``: no ticket and order arrived in time."""
    UNSAFE_DIR = 5
    """The data dir belongs to another user, or is not a folder."""
