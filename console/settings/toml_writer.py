"""A tiny TOML writer for configuration files: top-level scalars and one level of tables.

Values are ``str``, ``int`` or lists of ``str`` (everything the configuration
schema has); anything else is a ``TypeError``, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def toml_string(text: str) -> str:
    """Return ``text`` as a TOML basic string (quoted, escaped)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        return _ESCAPES.get(char, f"\\u{ord(char):04x}")

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def toml_value(value: object) -> str:
    """Return the TOML text of a ``bool``, ``str``, ``int`` or list of ``str``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return "[" + ", ".join(toml_string(item) for item in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} as a configuration value")


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else toml_string(name)


def dump_toml(document: Mapping[str, object], *, header: str = "") -> str:
    """Return ``document`` as TOML: scalars first, then one ``[table]`` per mapping value.

    ``header`` (lines without ``#``) is written first as comments.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    tables: list[tuple[str, Mapping[str, object]]] = []
    for name, value in document.items():
        if isinstance(value, Mapping):
            tables.append((name, value))
        else:
            lines.append(f"{_key(name)} = {toml_value(value)}")
    for name, table in tables:
        if not table:
            continue
        lines.extend(("", f"[{_key(name)}]"))
        for key, value in table.items():
            if isinstance(value, Mapping):
                raise TypeError(f"nested table {name}.{key} is not supported")
            lines.append(f"{_key(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
