"""Write the system-wide file from installer properties (``atp-bridge config write-system``).

The Windows installer runs it with the public properties IT passes to
``msiexec`` (BOOTSTRAP_SERVERS, SECURITY_PROTOCOL, SASL_MECHANISM,
LOCKED_KEYS); a macOS or Linux deployment script can run it the same way.
The file is validated by the same loader the bridge uses before it replaces
the old one (atomically), so an installer never leaves an invalid file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from bridge.config.errors import ConfigError
from bridge.config.layers import read_file
from bridge.config.model import SCHEMA_VERSION


def render_system_file(
    *,
    bootstrap_servers: str,
    security_protocol: str | None = None,
    sasl_mechanism: str | None = None,
    locked: str | None = None,
) -> str:
    """Return the TOML text; empty values (an unset MSI property) are left out."""
    lines = [
        "# Written by the A tu Puerta installer (atp-bridge config write-system).",
        "# Edit freely; keys and layers: docs/DEPLOYMENT.md.",
        f"schema_version = {SCHEMA_VERSION}",
    ]
    keys = [key.strip() for key in (locked or "").split(",") if key.strip()]
    if keys:
        lines.append(f"locked = {json.dumps(keys)}")
    lines += ["", "[kafka]", f"bootstrap_servers = {json.dumps(bootstrap_servers.strip())}"]
    if security_protocol and security_protocol.strip():
        lines.append(f"security_protocol = {json.dumps(security_protocol.strip())}")
    if sasl_mechanism and sasl_mechanism.strip():
        lines.append(f"sasl_mechanism = {json.dumps(sasl_mechanism.strip())}")
    return "\n".join(lines) + "\n"


def write_system_file(target: Path, text: str) -> None:
    """Validate ``text`` as a system-wide file, then replace ``target`` with it (0644)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        try:
            read_file(Path(temporary), "system")
        except ConfigError as error:
            raise ConfigError(str(target), error.key, error.problem) from None
        Path(temporary).chmod(0o644)  # everyone reads it; only administrators write it
        Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
