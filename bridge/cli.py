"""``atp-bridge``: the bridge sidecar's command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING

from bridge import __version__
from bridge.contract.topics import Topics
from bridge.demo_broker import DemoBroker, DemoBrokerUnavailableError, locate_tansu

if TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every ``atp-bridge`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="atp-bridge",
        description="The A tu Puerta bridge: owns the Kafka connection and serves the console.",
    )
    parser.add_argument("--version", action="version", version=f"atp-bridge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo-broker", help="run the embedded demo broker (Tansu) in the foreground"
    )
    demo.add_argument("--port", type=int, help="loopback port (default: a free one)")
    return parser


def _run_demo_broker(port: int | None) -> int:
    try:
        broker = DemoBroker(locate_tansu(), port=port)
        broker.start()
        broker.create_topics(Topics())
    except DemoBrokerUnavailableError as error:
        print(f"atp-bridge: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print(f"Demo broker listening on {broker.bootstrap_servers}. Ctrl-C stops it.", flush=True)
        stop.wait()
    finally:
        broker.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``atp-bridge``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo-broker":
        return _run_demo_broker(args.port)
    parser.print_help()
    return 2
