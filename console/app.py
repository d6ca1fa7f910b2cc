"""``atp-console``: the agents' desktop app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.about import version_line
from bridge.paths import restrict_umask

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the console's fixed command line."""
    parser = argparse.ArgumentParser(
        prog="atp-console",
        description="A tu Puerta support console: the live ticket queue, orders and tickets.",
    )
    parser.add_argument("--config", type=Path, help="configuration file (TOML)")
    parser.add_argument(
        "--data-dir", type=Path, help="folder for drafts, logs and the bridge it starts"
    )
    parser.add_argument("--lang", choices=("es", "en"), help="interface language (default: es)")
    parser.add_argument(
        "--demo", action="store_true", help="run on the embedded demo broker with live traffic"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="headless check that tickets and orders arrive from Kafka; prints one line",
    )
    parser.add_argument("--version", action="version", version=version_line("atp-console"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console; returns the process exit code."""
    restrict_umask()  # first: drafts, logs and the bridge's files hold personal data
    args = build_parser().parse_args(argv)
    from console.shell import run  # noqa: PLC0415  (Qt is loaded only when a window is needed)

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
