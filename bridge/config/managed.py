"""macOS managed preferences: a configuration profile's settings as the system layer.

An MDM (Jamf, Intune, Kandji...) delivers a configuration profile with a
payload for the domain ``pe.atupuerta.console``; macOS writes it to
``/Library/Managed Preferences/pe.atupuerta.console.plist``. The plist holds
the same document as the system-wide TOML file: ``schema_version``, ``locked``
and the sections (``kafka``, ``topics``, ...) as dictionaries. When it exists
it is the system layer (it replaces /Library/Application Support/ATP
Console/config.toml), checked by the same rules, with errors naming the plist.
"""

from __future__ import annotations

import plistlib
from pathlib import Path, PurePosixPath

from bridge.config.errors import ConfigError
from bridge.config.layers import Layer, Source, parse_document

DOMAIN = "pe.atupuerta.console"
MANAGED_PREFERENCES = PurePosixPath("/Library/Managed Preferences", f"{DOMAIN}.plist")


def managed_preferences_location(platform: str) -> Path | None:
    """Return the managed-preferences plist on macOS, ``None`` on other platforms."""
    return Path(MANAGED_PREFERENCES) if platform == "darwin" else None


def read_managed_preferences(path: Path) -> Layer | None:
    """Read the profile's plist as a system layer; ``None`` when no profile is installed."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(name, None, f"cannot be read: {error.strerror or error}") from None
    try:
        document = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError) as error:
        raise ConfigError(name, None, f"is not a property list: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(name, None, "expected a dictionary at the top of the property list")
    return parse_document(document, Source("system", name), path.parent)
