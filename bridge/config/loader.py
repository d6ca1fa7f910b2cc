"""Apply the configuration layers in order and return one validated configuration.

defaults < system-wide file (IT) < user file < ``--config FILE`` < environment
``ATP_*`` < command-line overrides. A key the system-wide file lists in
``locked`` keeps the value of the system-wide file (or the default): later
layers that set it are ignored and reported in ``LoadedConfig.warnings``.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import msgspec

from bridge.config.errors import ConfigError
from bridge.config.layers import (
    Layer,
    Source,
    read_environment,
    read_file,
    read_overrides,
)
from bridge.config.managed import read_managed_preferences
from bridge.config.model import SASL_PROTOCOLS, TLS_PROTOCOLS, Config
from bridge.config.schema import DATA_DIR_KEY, KEYS, TLS_KEYS, describe, env_var_for

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bridge.paths import AppPaths

_DEFAULT = Source("default", "default")


@dataclass(frozen=True)
class LoadedConfig:
    """The configuration, where each key came from, and what IT locked."""

    config: Config
    sources: Mapping[str, Source]
    locked: frozenset[str]
    warnings: tuple[str, ...]

    def is_locked(self, key: str) -> bool:
        """Return whether the console must show ``key`` read-only."""
        return key in self.locked


def load_config(
    paths: AppPaths,
    *,
    explicit_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    working_dir: Path | None = None,
) -> LoadedConfig:
    """Read every layer and return the validated configuration, or raise ``ConfigError``.

    ``working_dir`` resolves relative paths given in the environment or on the
    command line (default: the current directory).
    """
    cwd = working_dir if working_dir is not None else Path.cwd()
    merged: dict[str, tuple[object, Source]] = {
        key: (spec.default, _DEFAULT) for key, spec in KEYS.items()
    }
    merged[DATA_DIR_KEY] = (paths.data_dir, _DEFAULT)
    locked: frozenset[str] = frozenset()
    warnings: list[str] = []

    system = read_file(paths.system_config_file, "system")
    if paths.managed_preferences is not None:  # macOS: a configuration profile wins
        system = read_managed_preferences(paths.managed_preferences) or system
    if system is not None:
        merged.update(system.values)
        locked = system.locked
    later = [
        read_file(paths.user_config_file, "user"),
        None if explicit_file is None else read_file(explicit_file, "explicit"),
        read_environment(environ if environ is not None else {}, cwd),
        read_overrides(overrides if overrides is not None else {}, cwd),
    ]
    for layer in later:
        if layer is not None:
            _apply(layer, merged, locked, warnings, paths.system_config_file)

    _check_consistency(merged)
    warnings.extend(_unused_tls_keys(merged))
    config = _build(merged)
    sources = MappingProxyType({key: source for key, (_, source) in merged.items()})
    return LoadedConfig(config, sources, locked, tuple(warnings))


def _apply(
    layer: Layer,
    merged: dict[str, tuple[object, Source]],
    locked: frozenset[str],
    warnings: list[str],
    system_file: Path,
) -> None:
    for key, (value, source) in layer.values.items():
        if key in locked:
            warnings.append(
                f"{source.label}: {key} is locked by IT in {system_file}; its value there is used"
            )
            continue
        merged[key] = (value, source)


def _check_consistency(merged: Mapping[str, tuple[object, Source]]) -> None:
    protocol, protocol_source = merged["kafka.security_protocol"]
    if protocol in SASL_PROTOCOLS:
        needs = {
            "kafka.sasl_mechanism": KEYS["kafka.sasl_mechanism"].type.expected,
            "kafka.username": "a Kafka user name (its password goes in the OS keyring)",
        }
        for key, expected in needs.items():
            if merged[key][0] is None:
                raise ConfigError(
                    str(protocol_source),
                    key,
                    f"required because kafka.security_protocol is {protocol}: expected {expected} "
                    f"in a configuration layer (e.g. {env_var_for(key)})",
                )
    _check_client_certificate(merged)
    seen: dict[object, str] = {}
    for key in ("topics.orders", "topics.tickets", "topics.agents", "topics.snapshot"):
        name, source = merged[key]
        if name in seen:
            raise ConfigError(
                str(source),
                key,
                f"expected a topic different from {seen[name]}, got {describe(name)}",
            )
        seen[name] = key


def _check_client_certificate(merged: Mapping[str, tuple[object, Source]]) -> None:
    pair = ("kafka.client_cert_file", "kafka.client_key_file")
    (cert, cert_source), (key, key_source) = (merged[name] for name in pair)
    if (cert is None) != (key is None):
        present, missing = pair if key is None else pair[::-1]
        source = cert_source if key is None else key_source
        raise ConfigError(
            str(source),
            missing,
            f"required because {present} is set: mutual TLS needs both the client "
            "certificate and its private key (PEM files)",
        )
    if cert is None or merged["kafka.security_protocol"][0] not in TLS_PROTOCOLS:
        return
    try:  # the error librdkafka would give later, at once and with the file names
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(str(cert), str(key))
    except ssl.SSLError as error:
        if error.reason == "KEY_VALUES_MISMATCH":
            raise ConfigError(
                str(key_source),
                "kafka.client_key_file",
                f'expected the private key of the client certificate "{cert}", got "{key}", '
                "the key of another certificate",
            ) from None
        reason = "not PEM" if error.reason in {None, "PEM_LIB"} else str(error.reason)
        raise ConfigError(
            str(cert_source),
            "kafka.client_cert_file",
            f'expected a PEM certificate that goes with kafka.client_key_file, got "{cert}", '
            f"which OpenSSL cannot load with that key ({reason})",
        ) from None


def _unused_tls_keys(merged: Mapping[str, tuple[object, Source]]) -> list[str]:
    protocol = merged["kafka.security_protocol"][0]
    if protocol in TLS_PROTOCOLS:
        return []
    return [
        f"{merged[key][1].label}: {key} is set but kafka.security_protocol is {protocol}, "
        "which does not use TLS; it is ignored"
        for key in TLS_KEYS
        if merged[key][0] is not None
    ]


def _as_is(kind: type, value: object) -> object:
    if isinstance(value, kind):
        return value
    raise TypeError(f"{value!r} is not a {kind.__name__}")


def _build(merged: Mapping[str, tuple[object, Source]]) -> Config:
    nested: dict[str, dict[str, object]] = {}
    for key, (value, _) in merged.items():
        section, name = key.split(".", 1)
        if value is not None:
            nested.setdefault(section, {})[name] = value
        else:
            nested.setdefault(section, {})
    return msgspec.convert(nested, Config, dec_hook=_as_is)
