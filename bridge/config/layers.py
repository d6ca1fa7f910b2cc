"""Read one configuration layer (a TOML file, the environment, the command line).

Each reader returns a :class:`Layer`: the keys it sets, already validated and
converted, and where they came from. Any problem raises ``ConfigError``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bridge.config.errors import ConfigError
from bridge.config.model import SCHEMA_VERSION
from bridge.config.schema import (
    ENV_PREFIX,
    ENV_VARS,
    KEYRING_ONLY,
    KEYS,
    SECTIONS,
    Invalid,
    describe,
    is_secret_name,
    section_keys,
    unknown,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

LayerKind = Literal["default", "system", "user", "explicit", "environment", "command line"]
LOCKED_KEY = "locked"
COMMAND_LINE: Literal["command line"] = "command line"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


@dataclass(frozen=True)
class Source:
    """Where a value came from: the layer and its file or variable."""

    kind: LayerKind
    where: str

    def __str__(self) -> str:
        """Return the source as error messages name it: a path, a variable or a layer."""
        return f"environment {self.where}" if self.kind == "environment" else self.where

    @property
    def label(self) -> str:
        """Return a description for people, e.g. ``system-wide file /etc/...``."""
        names = {"system": "system-wide file", "user": "user file", "explicit": "file"}
        return f"{names[self.kind]} {self.where}" if self.kind in names else str(self)


@dataclass(frozen=True)
class Layer:
    """The keys one layer sets, each with its own source (env vars differ per key)."""

    values: dict[str, tuple[object, Source]]
    locked: frozenset[str] = field(default=frozenset())


# ------------------------------------------------------------------ TOML files
def read_file(path: Path, kind: Literal["system", "user", "explicit"]) -> Layer | None:
    """Read a TOML file; a missing system or user file is ``None``, a missing explicit one fails."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if kind == "explicit":
            raise ConfigError(name, None, "file not found") from None
        return None
    except OSError as error:
        raise ConfigError(name, None, f"cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(name, None, f"is not UTF-8 text (byte {error.start})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(name, None, _toml_problem(str(error), text)) from None
    return _parse_document(document, Source(kind, name), path.parent)


def parse_document(document: Mapping[str, object], source: Source, base_dir: Path) -> Layer:
    """Check a parsed document (TOML, or a macOS profile's plist) and return its layer."""
    return _parse_document(document, source, base_dir)


def _toml_problem(message: str, text: str) -> str:
    """Return 'invalid TOML at line L, column C: ...' from tomllib's message."""
    match = _TOML_POSITION.search(message)
    if match is not None:
        line, column = match.group(1), match.group(2)
        detail = message[: match.start()]
    else:
        lines = text.split("\n")
        line, column = str(len(lines)), str(len(lines[-1]) + 1)
        detail = _TOML_AT_END.sub("", message)
    return f"invalid TOML at line {line}, column {column}: {detail}"


def _reject_secrets(table: Mapping[str, object], prefix: str, source: str) -> None:
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if is_secret_name(name):
            raise ConfigError(source, dotted, KEYRING_ONLY)
        if isinstance(value, dict):
            _reject_secrets(value, dotted + ".", source)


def _check_schema_version(document: Mapping[str, object], source: str) -> None:
    version = document.get("schema_version")
    expected = f"schema_version = {SCHEMA_VERSION}"
    if version is None:
        raise ConfigError(source, "schema_version", f"missing: expected {expected}")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ConfigError(source, "schema_version", f"expected {expected}, got {describe(version)}")
    if version > SCHEMA_VERSION:
        raise ConfigError(
            source,
            "schema_version",
            f"expected {expected}, got {version}: the file was written for a newer ATP "
            f"Console; update the console or use a file for schema_version {SCHEMA_VERSION}",
        )
    if version < SCHEMA_VERSION:
        raise ConfigError(source, "schema_version", f"expected {expected}, got {version}")


def _parse_locked(value: object, source: Source) -> frozenset[str]:
    expected = 'a list of dotted keys, e.g. locked = ["kafka.bootstrap_servers"]'
    if source.kind != "system":
        raise ConfigError(
            source.where, LOCKED_KEY, "only the system-wide file (written by IT) can lock keys"
        )
    if not isinstance(value, list):
        raise ConfigError(source.where, LOCKED_KEY, f"expected {expected}, got {describe(value)}")
    locked: set[str] = set()
    for item in value:
        if not isinstance(item, str) or item not in KEYS:
            problem = (
                unknown(item, tuple(KEYS), "key")
                if isinstance(item, str)
                else f"expected {expected}, got an item {describe(item)}"
            )
            raise ConfigError(source.where, LOCKED_KEY, f"{describe(item)}: {problem}")
        locked.add(item)
    return frozenset(locked)


def _parse_document(document: Mapping[str, object], source: Source, base_dir: Path) -> Layer:
    where = source.where
    _reject_secrets(document, "", where)
    _check_schema_version(document, where)
    locked: frozenset[str] = frozenset()
    values: dict[str, tuple[object, Source]] = {}
    top_level = (*(f"[{s}]" for s in SECTIONS), "schema_version", LOCKED_KEY)
    for section, table in document.items():
        if section == "schema_version":
            continue
        if section == LOCKED_KEY:
            locked = _parse_locked(table, source)
            continue
        if section not in SECTIONS:
            raise ConfigError(where, section, unknown(section, top_level, "key or section"))
        if not isinstance(table, dict):
            raise ConfigError(
                where, section, f"expected a table [{section}], got {describe(table)}"
            )
        known = section_keys(section)
        for name, raw in table.items():
            dotted = f"{section}.{name}"
            if name not in known:
                raise ConfigError(where, dotted, unknown(name, known, f"key in [{section}]"))
            try:
                values[dotted] = (KEYS[dotted].convert(raw, base_dir), source)
            except Invalid as error:
                raise ConfigError(where, dotted, str(error)) from None
    return Layer(values, locked)


# ------------------------------------------------------------------ environment
def read_environment(environ: Mapping[str, str], base_dir: Path) -> Layer:
    """Read ``ATP_<SECTION>_<KEY>`` variables; empty ones count as unset.

    Variables starting with ``ATP_`` and a configuration section (``ATP_KAFKA_``,
    ``ATP_UI_``...) must name a known key; other ``ATP_`` variables are not
    configuration and are ignored.
    """
    section_prefixes = tuple(f"{ENV_PREFIX}{s.upper()}_" for s in SECTIONS)
    values: dict[str, tuple[object, Source]] = {}
    for name, text in sorted(environ.items()):
        if not name.startswith(section_prefixes):
            continue
        where = f"environment {name}"
        spec = ENV_VARS.get(name)
        if spec is None:
            if is_secret_name(name):
                raise ConfigError(where, None, KEYRING_ONLY)
            raise ConfigError(where, None, unknown(name, tuple(ENV_VARS), "variable"))
        if not text.strip():
            continue
        try:
            values[spec.key] = (spec.convert_text(text, base_dir), Source("environment", name))
        except Invalid as error:
            raise ConfigError(where, spec.key, str(error)) from None
    return Layer(values)


# ------------------------------------------------------------------ command line
def parse_set_option(text: str) -> tuple[str, str]:
    """Split a ``--set KEY=VALUE`` argument; raise ``ConfigError`` if it has no ``=``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(COMMAND_LINE, None, f"expected KEY=VALUE, got {describe(key)}")
    return key.strip(), value


def read_overrides(overrides: Mapping[str, str], base_dir: Path) -> Layer:
    """Read command-line overrides given as dotted key -> text."""
    values: dict[str, tuple[object, Source]] = {}
    for key, text in overrides.items():
        if is_secret_name(key.rsplit(".", 1)[-1]):
            raise ConfigError(COMMAND_LINE, key, KEYRING_ONLY)
        spec = KEYS.get(key)
        if spec is None:
            raise ConfigError(COMMAND_LINE, key, unknown(key, tuple(KEYS), "key"))
        try:
            values[key] = (spec.convert_text(text, base_dir), Source(COMMAND_LINE, COMMAND_LINE))
        except Invalid as error:
            raise ConfigError(COMMAND_LINE, key, str(error)) from None
    return Layer(values)
