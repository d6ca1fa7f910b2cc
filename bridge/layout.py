"""Where a bridge keeps its files inside its data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataLayout:
    """The files of one bridge; several bridges run side by side with different data dirs."""

    root: Path

    @property
    def cache_db(self) -> Path:
        """The state cache with the offsets it reflects."""
        return self.root / "state-cache.sqlite"

    @property
    def outbox_db(self) -> Path:
        """The durable outbox of agent actions."""
        return self.root / "outbox.sqlite"

    @property
    def log_dir(self) -> Path:
        """Rotated JSON logs."""
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        """Held while a bridge runs on this data dir."""
        return self.root / "bridge.lock"

    def ensure(self) -> None:
        """Create the folder (owner-only) if missing."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.log_dir.mkdir(mode=0o700, exist_ok=True)
