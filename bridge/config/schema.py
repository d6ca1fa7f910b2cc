"""Every configuration key: its type, default, and how a value is checked.

A value comes either from TOML (already typed) or from text (environment,
command line). Checks raise :class:`Invalid`; the reader that knows the file
and key turns it into a ``ConfigError``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, get_args

from bridge.config.model import Language, SaslMechanism, SecurityProtocol
from bridge.contract.topics import Topics
from bridge.wire.vocabulary import Role

MAX_PORT = 65535
_MAX_SHOWN = 60


class Invalid(ValueError):  # noqa: N818 (internal signal, always converted to ConfigError)
    """A value that does not fit its key; ``expected`` and ``got`` are user-facing text."""

    def __init__(self, expected: str, got: str) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"expected {expected}, got {got}")


def describe(value: object) -> str:
    """Return a short TOML-like rendering of ``value`` for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


class ValueType(ABC):
    """How one kind of value is checked and converted."""

    expected: str

    @abstractmethod
    def from_toml(self, value: object) -> object:
        """Return the converted TOML value or raise :class:`Invalid`."""

    def from_text(self, text: str) -> object:
        """Return the converted text value (environment, command line)."""
        return self.from_toml(text)

    def _string(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(self.expected, describe(value))
        return value.strip()


class Text(ValueType):
    """A non-empty string, optionally matching a pattern."""

    def __init__(self, expected: str, pattern: str | None = None) -> None:
        self.expected = expected
        self._pattern = None if pattern is None else re.compile(pattern)

    def from_toml(self, value: object) -> object:
        """Return the stripped string."""
        text = self._string(value)
        if self._pattern is not None and not self._pattern.fullmatch(text):
            raise Invalid(self.expected, describe(value))
        return text


class Choice(ValueType):
    """One of a fixed set of strings (exact case)."""

    def __init__(self, options: tuple[str, ...]) -> None:
        self.options = options
        self.expected = "one of " + ", ".join(options)

    def from_toml(self, value: object) -> object:
        """Return the option."""
        if not isinstance(value, str) or value not in self.options:
            raise Invalid(self.expected, describe(value))
        return value


class Integer(ValueType):
    """An integer within bounds (TOML booleans are not integers)."""

    def __init__(self, low: int, high: int) -> None:
        self._low = low
        self._high = high
        self.expected = f"an integer from {low} to {high}"

    def from_toml(self, value: object) -> object:
        """Return the integer."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(self.expected, describe(value))
        if not self._low <= value <= self._high:
            raise Invalid(self.expected, describe(value))
        return value

    def from_text(self, text: str) -> object:
        """Parse a decimal integer."""
        try:
            number = int(text.strip())
        except ValueError:
            raise Invalid(self.expected, describe(text)) from None
        return self.from_toml(number)


class Flag(ValueType):
    """A boolean; as text, ``true``/``false`` (also ``1``/``0``, ``yes``/``no``)."""

    expected = "true or false"
    _TEXT: ClassVar[dict[str, bool]] = {
        "true": True,
        "1": True,
        "yes": True,
        "false": False,
        "0": False,
        "no": False,
    }

    def from_toml(self, value: object) -> object:
        """Return the boolean (TOML has a boolean type; a string is not one)."""
        if not isinstance(value, bool):
            raise Invalid(self.expected, describe(value))
        return value

    def from_text(self, text: str) -> object:
        """Parse ``true``/``false`` and the like, any case."""
        flag = self._TEXT.get(text.strip().lower())
        if flag is None:
            raise Invalid(self.expected, describe(text))
        return flag


class FilePath(ValueType):
    """A path; ``~`` is expanded and a relative path is relative to the file that sets it."""

    def __init__(self, *, must_exist: bool) -> None:
        self._must_exist = must_exist
        self.expected = "the path of an existing file" if must_exist else "a path"

    def from_toml(self, value: object) -> object:
        """Return the path with ``~`` expanded, still relative if it was."""
        return Path(self._string(value)).expanduser()

    def locate(self, path: Path, base_dir: Path) -> Path:
        """Return ``path`` made absolute against ``base_dir``; check it exists if required."""
        located = path if path.is_absolute() else base_dir / path
        if self._must_exist and not located.is_file():
            raise Invalid(self.expected, f"{describe(str(located))}, which is not a file")
        return located


class PrivateKeyFile(FilePath):
    """An unencrypted PEM private key that only its owner can read (mode 0600 or stricter).

    The file is the secret: a key that others can read, that belongs to another
    user, or that is encrypted (it would need a password, which configuration
    never holds) is refused. Windows has no such mode bits; there only the
    existence and the encryption are checked.
    """

    _ENCRYPTED = (b"ENCRYPTED PRIVATE KEY", b"Proc-Type: 4,ENCRYPTED")
    _HEAD_BYTES = 4096

    def __init__(self) -> None:
        super().__init__(must_exist=True)
        self.expected = "a PEM private key file only its owner can read (chmod 600)"

    def locate(self, path: Path, base_dir: Path) -> Path:
        """Return the absolute path once the file passed every check."""
        located = super().locate(path, base_dir)
        shown = json.dumps(str(located), ensure_ascii=False)  # in full: it says which file
        if os.name == "posix":
            status = located.stat()
            if status.st_uid != os.getuid():
                raise Invalid(self.expected, f"{shown}, which belongs to another user")
            if status.st_mode & 0o077:
                mode = stat.S_IMODE(status.st_mode)
                raise Invalid(
                    self.expected,
                    f"{shown}, which others can read (mode {mode:04o}): run chmod 600 on it",
                )
        with located.open("rb") as key_file:
            head = key_file.read(self._HEAD_BYTES)
        if any(marker in head for marker in self._ENCRYPTED):
            raise Invalid(
                "an unencrypted private key (configuration holds no key password; "
                "protect the file with chmod 600 instead)",
                f"{shown}, which is encrypted",
            )
        if b"PRIVATE KEY-----" not in head:
            raise Invalid(self.expected, f"{shown}, which holds no PEM private key")
        return located


class Boolean(ValueType):
    """``true`` or ``false`` (as text, case-insensitive)."""

    expected = "true or false"

    def from_toml(self, value: object) -> object:
        """Return the boolean."""
        if not isinstance(value, bool):
            raise Invalid(self.expected, describe(value))
        return value

    def from_text(self, text: str) -> object:
        """Parse ``true`` or ``false``."""
        words = {"true": True, "false": False}
        word = text.strip().lower()
        if word not in words:
            raise Invalid(self.expected, describe(text))
        return words[word]


class TextList(ValueType):
    """A list of non-empty strings; as text, comma-separated."""

    expected = "a list of non-empty strings"

    def from_toml(self, value: object) -> object:
        """Return the items as a tuple."""
        if not isinstance(value, list):
            raise Invalid(self.expected, describe(value))
        items: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise Invalid(self.expected, f"an item {describe(item)}")
            items.append(item.strip())
        return tuple(items)

    def from_text(self, text: str) -> object:
        """Split on commas; an empty text is an empty list."""
        return tuple(part.strip() for part in text.split(",") if part.strip())


class Servers(ValueType):
    """Kafka bootstrap servers: ``host:port[,host:port...]``."""

    expected = 'a comma-separated list of host:port, e.g. "kafka1.example.com:9092"'
    _ITEM = re.compile(r"(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>\d{1,5})")

    def from_toml(self, value: object) -> object:
        """Return the servers, normalized without spaces."""
        text = self._string(value)
        servers: list[str] = []
        for part in text.split(","):
            item = part.strip()
            match = self._ITEM.fullmatch(item)
            if match is None or not 1 <= int(match["port"]) <= MAX_PORT:
                raise Invalid(self.expected, describe(value))
            servers.append(item)
        return ",".join(servers)


@dataclass(frozen=True)
class KeySpec:
    """One configuration key."""

    key: str
    type: ValueType
    default: object

    def convert(self, raw: object, base_dir: Path) -> object:
        """Check a TOML value; relative paths are relative to ``base_dir``."""
        value = self.type.from_toml(raw)
        return self._locate(value, base_dir)

    def convert_text(self, text: str, base_dir: Path) -> object:
        """Check a value given as text; relative paths are relative to ``base_dir``."""
        return self._locate(self.type.from_text(text), base_dir)

    def _locate(self, value: object, base_dir: Path) -> object:
        if isinstance(self.type, FilePath) and isinstance(value, Path):
            return self.type.locate(value, base_dir)
        return value

    @property
    def env_var(self) -> str:
        """Return the environment variable that sets this key."""
        return env_var_for(self.key)


ENV_PREFIX = "ATP_"


def env_var_for(key: str) -> str:
    """Return ``ATP_`` + the dotted key in upper case with dots as underscores."""
    return ENV_PREFIX + key.replace(".", "_").upper()


_TOPIC = Text("a Kafka topic name (letters, digits, '.', '_', '-')", r"[A-Za-z0-9._-]{1,249}")
_DEFAULT_TOPICS = Topics()
DATA_DIR_KEY = "bridge.data_dir"

_SPECS = (
    KeySpec("kafka.bootstrap_servers", Servers(), None),
    KeySpec("kafka.security_protocol", Choice(get_args(SecurityProtocol)), "PLAINTEXT"),
    KeySpec("kafka.sasl_mechanism", Choice(get_args(SaslMechanism)), None),
    KeySpec("kafka.username", Text("a Kafka user name"), None),
    KeySpec("kafka.ca_file", FilePath(must_exist=True), None),
    KeySpec("kafka.client_cert_file", FilePath(must_exist=True), None),
    KeySpec("kafka.client_key_file", PrivateKeyFile(), None),
    KeySpec("kafka.check_hostname", Boolean(), True),
    KeySpec("topics.orders", _TOPIC, _DEFAULT_TOPICS.orders),
    KeySpec("topics.tickets", _TOPIC, _DEFAULT_TOPICS.tickets),
    KeySpec("topics.agents", _TOPIC, _DEFAULT_TOPICS.agents),
    KeySpec("topics.snapshot", _TOPIC, _DEFAULT_TOPICS.snapshot),
    KeySpec("agent.id", Text("an agent id without spaces", r"\S+"), None),
    KeySpec("agent.name", Text("the agent's display name"), None),
    KeySpec("agent.role", Choice(get_args(Role)), "agent"),
    KeySpec("agent.queues", TextList(), ()),
    KeySpec(DATA_DIR_KEY, FilePath(must_exist=False), None),
    KeySpec("bridge.bootstrap_from_snapshot_topic", Flag(), False),
    KeySpec("demo.tansu_path", FilePath(must_exist=False), None),
    KeySpec("ui.language", Choice(get_args(Language)), "es"),
    KeySpec("ui.order_feed_limit", Integer(1, 1_000_000), 5000),
)

TLS_KEYS = ("kafka.ca_file", "kafka.client_cert_file", "kafka.client_key_file")
"""Keys used only with SSL and SASL_SSL."""

KEYS: dict[str, KeySpec] = {spec.key: spec for spec in _SPECS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(spec.key.split(".")[0] for spec in _SPECS))
ENV_VARS: dict[str, KeySpec] = {spec.env_var: spec for spec in _SPECS}


def section_keys(section: str) -> tuple[str, ...]:
    """Return the key names (without the section) of ``section``."""
    return tuple(k.split(".", 1)[1] for k in KEYS if k.startswith(section + "."))


def is_secret_name(name: str) -> bool:
    """Return whether a key name looks like a password (never allowed in configuration)."""
    return name.lower().replace("-", "_").endswith("password")


def unknown(name: str, known: tuple[str, ...], what: str) -> str:
    """Return the 'unknown key' problem text, with the closest known name if any."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f"unknown {what}{hint}: expected one of {', '.join(known)}"


KEYRING_ONLY = (
    "passwords are not allowed in configuration (files, environment or command line): "
    "secrets live in the OS keyring. Remove it and store the password with "
    '"atp-bridge credentials set" (keyring service "atp-console", user = kafka.username); '
    "see docs/OPERATIONS.md, Credentials"
)
