"""The user's configuration file: read it, apply the dialog's changes, validate, write atomically.

Only keys the user changed are touched; every other key of the user file is
kept as it was. A file is validated with ``bridge.config.load_config`` (on top
of the built-in defaults and IT's system-wide file, without the environment)
before it replaces the old one, so a bad value never reaches the disk.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.config import SCHEMA_VERSION, ConfigError, env_var_for, load_config
from bridge.paths import AppPaths
from console.settings.toml_writer import dump_toml

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bridge.config import Config, LoadedConfig

FieldValue = str | tuple[str, ...] | None
"""A setting as the dialog holds it: text, a list of names, or ``None`` for "not set"."""

ABOVE_THE_USER_FILE = frozenset({"explicit", "command line"})
"""Layers the console was started with (``--config``, ``--demo``, ``--data-dir``, ``--lang``)
that a connection test must carry: the check reads its candidate as its only ``--config``."""

HEADER = (
    "Written by the A tu Puerta console's settings dialog (comments are not kept).\n"
    "Passwords never go here: they live in the OS keyring. See docs/OPERATIONS.md."
)


def config_value_raw(config: Config, key: str) -> object:
    """Return the typed value of dotted ``key`` in ``config``."""
    section, name = key.split(".", 1)
    value: object = getattr(getattr(config, section), name)
    return value


def config_value(config: Config, key: str) -> FieldValue:
    """Return the value of dotted ``key`` (e.g. ``kafka.username``) in ``config``."""
    value = config_value_raw(config, key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return tuple(str(item) for item in value)
    return str(value)


def toml_ready(value: object) -> object:
    """A loaded value as the TOML writer takes it (paths as text, tuples as lists)."""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, tuple | list):
        return [str(item) for item in value]
    return str(value)


def started_with(loaded: LoadedConfig) -> dict[str, object]:
    """The values that the console's own ``--config`` file and command line set, by key.

    These win over the user file (and over the dialog's edits, once saved) in
    the running console; a connection test must see them too.
    """
    values: dict[str, object] = {}
    for key, source in loaded.sources.items():
        if source.kind in ABOVE_THE_USER_FILE and not loaded.is_locked(key):
            value = config_value_raw(loaded.config, key)
            if value is not None:
                values[key] = toml_ready(value)
    return values


def check_environment(loaded: LoadedConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` for a connection test: without the variables the command line overrode.

    The candidate carries the command line's values, but a check reads it
    below the environment; the console read its command line above it.
    """
    overridden = {
        env_var_for(key) for key, source in loaded.sources.items() if source.kind == "command line"
    }
    return {name: value for name, value in environ.items() if name not in overridden}


def candidate_document(
    user_document: Mapping[str, object],
    changes: Mapping[str, FieldValue],
    loaded: LoadedConfig,
) -> dict[str, object]:
    """The user file with the dialog's ``changes``, then what the console was started with.

    That is the configuration the console would run with after a Save, as one
    file for ``atp-bridge credentials check --config``.
    """
    document = apply_changes(user_document, changes)
    for key, value in started_with(loaded).items():
        section, name = key.split(".", 1)
        table = document.setdefault(section, {})
        if not isinstance(table, dict):
            raise ConfigError("user file", section, "expected a table")
        table[name] = value
    return document


def read_user_document(path: Path) -> dict[str, object]:
    """Return the user file as parsed TOML (empty if it does not exist); raise ``ConfigError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), None, f"cannot be read: {error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), None, f"invalid TOML: {error}") from None


def apply_changes(
    document: Mapping[str, object], changes: Mapping[str, FieldValue]
) -> dict[str, object]:
    """Return a copy of ``document`` with ``changes`` set (``None`` removes the key)."""
    result: dict[str, object] = {"schema_version": SCHEMA_VERSION}
    for name, value in document.items():
        if name != "schema_version":
            result[name] = dict(value) if isinstance(value, dict) else value
    for key, value in changes.items():
        section, name = key.split(".", 1)
        table = result.setdefault(section, {})
        if not isinstance(table, dict):
            raise ConfigError("user file", section, "expected a table")
        if value is None:
            table.pop(name, None)
        else:
            table[name] = list(value) if isinstance(value, tuple) else value
    return result


def validate(
    candidate: Path, *, system_config_file: Path, data_dir: Path, shown_as: Path | None = None
) -> LoadedConfig:
    """Load ``candidate`` as the user file over the defaults and the system-wide file.

    Raises ``ConfigError``; its message names ``shown_as`` instead of a temporary file.
    """
    paths = AppPaths(
        system_config_file=system_config_file,
        user_config_file=candidate,
        data_dir=data_dir,
        log_dir=data_dir / "logs",
    )
    try:
        return load_config(paths, environ={}, working_dir=candidate.parent)
    except ConfigError as error:
        if shown_as is None:
            raise
        source = error.source.replace(str(candidate), str(shown_as))
        raise ConfigError(source, error.key, error.problem) from None


def write_validated(
    destination: Path,
    document: Mapping[str, object],
    *,
    shown_as: Path,
    system_config_file: Path,
    data_dir: Path,
) -> LoadedConfig:
    """Write ``document`` as TOML beside ``destination``, validate it, then move it there.

    The destination is replaced atomically or not at all; error messages name
    ``shown_as`` (the user file) rather than the temporary file.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as stream:
            stream.write(dump_toml(document, header=HEADER))
            stream.flush()
            os.fsync(stream.fileno())
        loaded = validate(
            temporary,
            system_config_file=system_config_file,
            data_dir=data_dir,
            shown_as=shown_as,
        )
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return loaded


def save_user_file(
    path: Path, document: Mapping[str, object], *, system_config_file: Path, data_dir: Path
) -> LoadedConfig:
    """Validate ``document`` and atomically replace the user file ``path`` with it."""
    return write_validated(
        path, document, shown_as=path, system_config_file=system_config_file, data_dir=data_dir
    )


def write_candidate(
    user_file: Path, document: Mapping[str, object], *, system_config_file: Path, data_dir: Path
) -> Path:
    """Write a validated copy of ``document`` beside ``user_file`` (for a connection test).

    It sits in the same folder so relative paths mean the same; the caller deletes it.
    """
    candidate = user_file.with_name(f".{user_file.stem}.check-{uuid.uuid4().hex[:8]}.toml")
    write_validated(
        candidate,
        document,
        shown_as=user_file,
        system_config_file=system_config_file,
        data_dir=data_dir,
    )
    return candidate
