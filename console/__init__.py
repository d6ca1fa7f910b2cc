"""The A tu Puerta support console: the agents' PySide6 desktop app."""

from bridge import __version__

__all__ = ["__version__"]
