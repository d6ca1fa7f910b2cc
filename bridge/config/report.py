"""The effective-configuration report IT audits (``atp-bridge config show``, the console's About).

For every key: the value in effect (secrets masked), the layer that set it
(built-in, system file, user file, file, environment, flag) and whether IT
locked it. Then every key that was given but did not take effect, with the
reason: a value under a locked key, a value overridden by a later layer, or a
key this version does not know (which makes its file invalid: the bridge
refuses to start until it is removed). A configuration that does not load is
reported with the loader's own message (file, key, expected) and ``ok`` false.
"""

from __future__ import annotations

import json
import plistlib
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from bridge.about import app_version
from bridge.config.errors import ConfigError
from bridge.config.layers import LOCKED_KEY
from bridge.config.loader import load_config
from bridge.config.schema import ENV_PREFIX, ENV_VARS, KEYS, SECTIONS, is_secret_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bridge.config.layers import Source
    from bridge.config.loader import LoadedConfig
    from bridge.paths import AppPaths

Layer = Literal["built-in", "system file", "user file", "file", "environment", "flag"]
_LAYER_OF: dict[str, Layer] = {
    "default": "built-in",
    "system": "system file",
    "user": "user file",
    "explicit": "file",
    "environment": "environment",
    "command line": "flag",
}
MASK = "***"
_META_KEYS = ("schema_version", LOCKED_KEY)


class EffectiveKey(msgspec.Struct, frozen=True, kw_only=True):
    """One key as the bridge uses it."""

    key: str
    value: str | int | list[str] | None
    layer: Layer
    source: str
    locked: bool


class NotApplied(msgspec.Struct, frozen=True, kw_only=True):
    """A key some layer gave that is not in effect, and why."""

    key: str
    layer: Layer
    source: str
    reason: str


class LayerFile(msgspec.Struct, frozen=True, kw_only=True):
    """A configuration file the report looked at."""

    layer: Layer
    path: str
    found: bool


class ConfigReport(msgspec.Struct, frozen=True, kw_only=True):
    """The whole report; ``ok`` is false when the configuration does not load."""

    version: str
    ok: bool
    error: str | None
    files: list[LayerFile]
    effective: list[EffectiveKey]
    not_applied: list[NotApplied]

    def to_json(self) -> str:
        """Return the report as indented JSON."""
        return json.dumps(msgspec.to_builtins(self), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        """Return the report as text for people (the CLI and the console's About)."""
        lines = [f"Effective configuration of atp-console {self.version}", ""]
        lines += [
            f"  {f.layer + ':':<12} {f.path} ({'found' if f.found else 'not found'})"
            for f in self.files
        ]
        if self.error is not None:
            lines += ["", f"ERROR: {self.error}"]
        if self.effective:
            width = max(len(row.key) for row in self.effective)
            lines += ["", f"  {'KEY':<{width}}  {'VALUE':<36} {'LOCKED':<7} SET BY"]
            for row in self.effective:
                shown = _shown(row.value)
                where = row.layer if row.layer in {"built-in", "flag"} else f"{row.layer} "
                where += "" if row.layer in {"built-in", "flag"} else row.source
                locked = "locked" if row.locked else ""
                lines.append(f"  {row.key:<{width}}  {shown:<36} {locked:<7} {where}")
        lines += [
            "",
            "Given but not in effect:" if self.not_applied else "Every given key is in effect.",
        ]
        for item in self.not_applied:
            lines.append(f"  {item.key} ({item.layer} {item.source}): {item.reason}")
        return "\n".join(lines) + "\n"


def _shown(value: object) -> str:
    if value is None:
        return "(not set)"
    return json.dumps(value, ensure_ascii=False)


def _plain(key: str, value: object) -> str | int | list[str] | None:
    if value is None:
        return None
    if is_secret_name(key.rsplit(".", 1)[-1]):
        return MASK
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, tuple | list):
        return [str(item) for item in value]
    return str(value)


def _source_text(source: Source) -> str:
    return source.where if source.kind != "default" else ""


def _given_in_file(path: Path) -> list[str] | None:
    """Return the dotted keys a TOML file sets (no validation), or None if unreadable."""
    try:
        if path.suffix == ".plist":
            document = plistlib.loads(path.read_bytes())
        else:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    keys: list[str] = []
    for name, value in document.items():
        if name in _META_KEYS:
            continue
        if isinstance(value, dict):
            keys += [f"{name}.{inner}" for inner in value]
        else:
            keys.append(name)
    return keys


def _given(
    paths: AppPaths,
    explicit_file: Path | None,
    environ: Mapping[str, str],
    overrides: Mapping[str, str],
) -> list[tuple[str, Layer, str]]:
    """Every (key, layer, source) the layers give, in the order they apply."""
    given: list[tuple[str, Layer, str]] = []
    files: list[tuple[Path, Layer]] = [
        (_system_source(paths), "system file"),
        (paths.user_config_file, "user file"),
    ]
    if explicit_file is not None:
        files.append((explicit_file, "file"))
    for path, layer in files:
        given += [(key, layer, str(path)) for key in _given_in_file(path) or []]
    prefixes = tuple(f"{ENV_PREFIX}{section.upper()}_" for section in SECTIONS)
    for name, text in sorted(environ.items()):
        if name.startswith(prefixes) and text.strip():
            spec = ENV_VARS.get(name)
            given.append((spec.key if spec is not None else name, "environment", name))
    given += [(key, "flag", "command line") for key in overrides]
    return given


def _system_source(paths: AppPaths) -> Path:
    """Return the system layer's file: a macOS profile's plist when installed."""
    managed = paths.managed_preferences
    return managed if managed is not None and managed.is_file() else paths.system_config_file


def build_report(
    paths: AppPaths,
    *,
    explicit_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    working_dir: Path | None = None,
) -> ConfigReport:
    """Load the configuration as the bridge does and describe what came from where."""
    env = environ if environ is not None else {}
    flags = overrides if overrides is not None else {}
    files = [
        LayerFile(
            layer="system file",
            path=str(paths.system_config_file),
            found=paths.system_config_file.is_file(),
        ),
        LayerFile(
            layer="user file",
            path=str(paths.user_config_file),
            found=paths.user_config_file.is_file(),
        ),
    ]
    if explicit_file is not None:
        files.append(
            LayerFile(layer="file", path=str(explicit_file), found=explicit_file.is_file())
        )
    loaded: LoadedConfig | None = None
    error: str | None = None
    try:
        loaded = load_config(
            paths,
            explicit_file=explicit_file,
            environ=env,
            overrides=flags,
            working_dir=working_dir,
        )
    except ConfigError as problem:
        error = str(problem)
    effective: list[EffectiveKey] = []
    if loaded is not None:
        values = msgspec.to_builtins(loaded.config, enc_hook=str)
        for key in KEYS:
            section, name = key.split(".", 1)
            source = loaded.sources[key]
            effective.append(
                EffectiveKey(
                    key=key,
                    value=_plain(key, values.get(section, {}).get(name)),
                    layer=_LAYER_OF[source.kind],
                    source=_source_text(source),
                    locked=loaded.is_locked(key),
                )
            )
    return ConfigReport(
        version=app_version(),
        ok=error is None,
        error=error,
        files=files,
        effective=effective,
        not_applied=_not_applied(loaded, _given(paths, explicit_file, env, flags)),
    )


def _not_applied(
    loaded: LoadedConfig | None, given: list[tuple[str, Layer, str]]
) -> list[NotApplied]:
    items: list[NotApplied] = []
    for key, layer, source in given:
        if key not in KEYS:
            items.append(
                NotApplied(
                    key=key,
                    layer=layer,
                    source=source,
                    reason=f"unknown to atp-console {app_version()}: not applied, and the "
                    "bridge refuses this layer until the key is removed",
                )
            )
            continue
        if loaded is None:
            continue
        winner = loaded.sources[key]
        if _LAYER_OF[winner.kind] == layer and _source_text(winner) in {source, "command line"}:
            continue
        if loaded.is_locked(key) and layer != "system file":
            reason = "locked by IT in the system file; the system-wide value is used"
        else:
            reason = f"overridden by the {_LAYER_OF[winner.kind]} {_source_text(winner)}".rstrip()
        items.append(NotApplied(key=key, layer=layer, source=source, reason=reason))
    return items
