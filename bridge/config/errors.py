"""The one error every configuration problem raises."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration problem: where it is, which key, and what was expected.

    ``source`` is a file path, ``environment ATP_X`` or ``command line``;
    ``key`` is the dotted key (``kafka.security_protocol``) or ``None`` when the
    whole file is at fault (e.g. a TOML syntax error).
    """

    def __init__(self, source: str, key: str | None, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = source if key is None else f"{source}: {key}"
        super().__init__(f"{where}: {problem}")
