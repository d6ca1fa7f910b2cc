"""``atp-bridge``: the bridge sidecar's command line.

The surface is fixed (scripts and tests outside the project rely on it)::

    atp-bridge run [--config FILE] [--bootstrap-servers LIST] [--agent-id ID] [--agent-name NAME]
                   [--role agent|supervisor] [--queues A,B] [--data-dir DIR]
    atp-bridge status [--json] [--data-dir DIR]
    atp-bridge snapshot --json [--data-dir DIR]
    atp-bridge report --from DATE --to DATE [--output FILE] [--tz ZONE] [--config FILE]
                      [--bootstrap-servers LIST] [--timeout-s SECONDS]
    atp-bridge credentials set|check|delete [--config FILE]
    atp-bridge demo-broker [--port N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bridge import __version__
from bridge.paths import DataLayout, restrict_umask


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every ``atp-bridge`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="atp-bridge",
        description="The A tu Puerta bridge: owns the Kafka connection and serves the console.",
    )
    parser.add_argument("--version", action="version", version=f"atp-bridge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bridge in the foreground")
    run.add_argument("--config", type=Path, metavar="FILE", help="configuration file (TOML)")
    run.add_argument("--bootstrap-servers", metavar="LIST", help="Kafka bootstrap servers")
    run.add_argument("--agent-id", metavar="ID", help="the agent this bridge acts for")
    run.add_argument("--agent-name", metavar="NAME", help="the agent's display name")
    run.add_argument("--role", choices=("agent", "supervisor"), help="the agent's role")
    run.add_argument("--queues", metavar="A,B", help="the agent's queues, comma-separated")
    run.add_argument("--data-dir", type=Path, metavar="DIR", help="cache, outbox, logs, socket")

    status = commands.add_parser("status", help="one-screen summary of a running bridge")
    status.add_argument("--json", action="store_true", help="print JSON instead of text")
    status.add_argument("--data-dir", type=Path, metavar="DIR", help="the bridge's data dir")

    snapshot = commands.add_parser("snapshot", help="print the materialized state (CONTRACT.md)")
    snapshot.add_argument("--json", action="store_true", required=True, help="print JSON")
    snapshot.add_argument("--data-dir", type=Path, metavar="DIR", help="the bridge's data dir")

    report = commands.add_parser(
        "report",
        help="figures of a day or a week, computed from the log, as CSV",
        description="Per queue and per agent: opened, resolved, first-response median, "
        "SLA attainment and breaches over the days --from to --to (both included), "
        "computed from the tickets topic read from its beginning.",
    )
    report.add_argument("--from", dest="first", type=_date, required=True, metavar="DATE")
    report.add_argument("--to", dest="last", type=_date, required=True, metavar="DATE")
    report.add_argument("--output", type=Path, metavar="FILE", help="CSV file (default: stdout)")
    report.add_argument("--tz", metavar="ZONE", help="time zone of the days (default: local)")
    report.add_argument("--config", type=Path, metavar="FILE", help="configuration file (TOML)")
    report.add_argument("--bootstrap-servers", metavar="LIST", help="Kafka bootstrap servers")
    report.add_argument(
        "--timeout-s", type=float, default=300.0, metavar="SECONDS", help="give up after this"
    )

    credentials = commands.add_parser(
        "credentials", help="store, check or delete the Kafka password in the OS keyring"
    )
    credentials.add_argument("action", choices=("set", "check", "delete"))
    credentials.add_argument("--config", type=Path, metavar="FILE", help="configuration file")

    demo = commands.add_parser(
        "demo-broker", help="run the embedded demo broker (Tansu) in the foreground"
    )
    demo.add_argument("--port", type=int, help="loopback port (default: a free one)")
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _report(args: argparse.Namespace) -> int:
    from bridge.report import run_report  # noqa: PLC0415  (Kafka only when needed)

    overrides = {}
    if args.bootstrap_servers is not None:
        overrides["kafka.bootstrap_servers"] = args.bootstrap_servers
    return run_report(
        args.config,
        overrides,
        first=args.first,
        last=args.last,
        tz_name=args.tz,
        output=args.output,
        timeout_s=args.timeout_s,
    )


def _run_overrides(args: argparse.Namespace) -> dict[str, str]:
    flags = {
        "kafka.bootstrap_servers": args.bootstrap_servers,
        "agent.id": args.agent_id,
        "agent.name": args.agent_name,
        "agent.role": args.role,
        "agent.queues": args.queues,
        "bridge.data_dir": None if args.data_dir is None else str(args.data_dir),
    }
    return {key: value for key, value in flags.items() if value is not None}


def _data_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    from bridge.paths import default_paths  # noqa: PLC0415

    return default_paths(os.environ).data_dir


def _status(args: argparse.Namespace) -> int:
    from bridge.blocking_client import BridgeNotRunningError, BridgeQueryError, fetch_snapshot  # noqa: PLC0415

    data_dir = _data_dir(args.data_dir)
    try:
        snapshot = fetch_snapshot(data_dir)
    except (BridgeNotRunningError, BridgeQueryError) as error:
        print(f"atp-bridge: {error}", file=sys.stderr)
        return 1
    status = snapshot.status
    cache = DataLayout(data_dir).cache_db
    cache_age_s = (
        round(dt.datetime.now(dt.UTC).timestamp() - cache.stat().st_mtime)
        if cache.exists()
        else None
    )
    summary = {
        "agent": {
            "id": status.agent.agent_id,
            "name": status.agent.name,
            "role": status.agent.role,
        },
        "kafka_up": status.kafka_up,
        "kafka_down_since": status.kafka_down_since,
        "data_as_of": status.as_of,
        "lag": status.lag,
        "outbox_pending": status.outbox_pending,
        "quarantined": status.quarantined,
        "skipped_unknown_type": status.skipped_unknown_type,
        "records_read": status.records_read,
        "clients": status.clients,
        "tickets": len(snapshot.tickets),
        "orders": len(snapshot.orders),
        "cache_age_s": cache_age_s,
        "data_dir": str(data_dir),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    kafka = "up" if status.kafka_up else f"DOWN since {status.kafka_down_since}"
    print(f"Bridge for {status.agent.name} ({status.agent.agent_id}, {status.agent.role})")
    print(f"  Kafka:        {kafka}")
    print(f"  Data as of:   {status.as_of or 'never'} (lag {status.lag} records)")
    print(f"  Consoles:     {status.clients} connected")
    print(f"  Outbox:       {status.outbox_pending} action(s) pending")
    print(
        f"  Quarantined:  {status.quarantined} record(s); unknown types skipped: "
        f"{status.skipped_unknown_type}"
    )
    print(f"  State:        {len(snapshot.tickets)} tickets, {len(snapshot.orders)} orders")
    print(f"  Cache age:    {'none' if cache_age_s is None else f'{cache_age_s} s'}")
    print(f"  Data dir:     {data_dir}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from bridge.blocking_client import BridgeNotRunningError, BridgeQueryError, fetch_snapshot  # noqa: PLC0415
    from bridge.fold.report import contract_snapshot  # noqa: PLC0415
    from bridge.fold.state import State  # noqa: PLC0415

    try:
        snapshot = fetch_snapshot(_data_dir(args.data_dir))
    except (BridgeNotRunningError, BridgeQueryError) as error:
        print(f"atp-bridge: {error}", file=sys.stderr)
        return 1
    state = State(
        tickets={t.ticket_id: t for t in snapshot.tickets},
        orders={o.order_id: o for o in snapshot.orders},
        agents={a.agent_id: a for a in snapshot.agents},
        quarantined_count=snapshot.status.quarantined,
        skipped_unknown_type=snapshot.status.skipped_unknown_type,
    )
    print(json.dumps(contract_snapshot(state, dt.datetime.now(dt.UTC)), ensure_ascii=False))
    return 0


def _run(args: argparse.Namespace) -> int:
    from bridge.runner import run_bridge  # noqa: PLC0415  (Qt and Kafka only when needed)

    return run_bridge(args.config, _run_overrides(args))


def _credentials(args: argparse.Namespace) -> int:
    from bridge.credentials.command import run_credentials  # noqa: PLC0415

    return run_credentials(
        args.action, args.config, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr
    )


def _demo_broker(args: argparse.Namespace) -> int:
    from bridge.demo.broker import run_demo_broker  # noqa: PLC0415

    return run_demo_broker(args.port)


_COMMANDS = {
    "run": _run,
    "status": _status,
    "snapshot": _snapshot,
    "report": _report,
    "credentials": _credentials,
    "demo-broker": _demo_broker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``atp-bridge``; returns the process exit code."""
    restrict_umask()  # first: every file the bridge writes holds personal data
    parser = build_parser()
    args = parser.parse_args(argv)
    command = _COMMANDS.get(args.command)
    if command is None:
        parser.print_help()
        return 2
    return command(args)
