"""``atp-bridge``: the bridge sidecar's command line.

The surface is fixed (scripts and tests outside the project rely on it)::

    atp-bridge run [--config FILE] [--bootstrap-servers LIST] [--agent-id ID] [--agent-name NAME]
                   [--role agent|supervisor] [--queues A,B] [--data-dir DIR]
    atp-bridge materialize [--config FILE] [--bootstrap-servers LIST] [--data-dir DIR]
                           [--interval-s SECONDS]
    atp-bridge status [--json] [--data-dir DIR]
    atp-bridge snapshot --json [--data-dir DIR]
    atp-bridge report --from DATE --to DATE [--output FILE] [--tz ZONE] [--config FILE]
                      [--bootstrap-servers LIST] [--timeout-s SECONDS]
    atp-bridge credentials set|check|delete [--config FILE]
    atp-bridge demo-broker [--port N]
    atp-bridge config show [--json] [--config FILE]
    atp-bridge config write-system --bootstrap-servers LIST [--security-protocol P]
                   [--sasl-mechanism M] [--locked KEYS] [--file FILE]
    atp-bridge support-bundle [--output FILE] [--data-dir DIR] [--config FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.about import version_line
from bridge.paths import DataLayout, restrict_umask
from bridge.processes import honour_die_with_parent

if TYPE_CHECKING:
    from bridge.wire.protocol import StateSnapshot


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every ``atp-bridge`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="atp-bridge",
        description="The A tu Puerta bridge: owns the Kafka connection and serves the console.",
    )
    parser.add_argument("--version", action="version", version=version_line("atp-bridge"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bridge in the foreground")
    run.add_argument("--config", type=Path, metavar="FILE", help="configuration file (TOML)")
    run.add_argument("--bootstrap-servers", metavar="LIST", help="Kafka bootstrap servers")
    run.add_argument("--agent-id", metavar="ID", help="the agent this bridge acts for")
    run.add_argument("--agent-name", metavar="NAME", help="the agent's display name")
    run.add_argument("--role", choices=("agent", "supervisor"), help="the agent's role")
    run.add_argument("--queues", metavar="A,B", help="the agent's queues, comma-separated")
    run.add_argument("--data-dir", type=Path, metavar="DIR", help="cache, outbox, logs, socket")

    materialize = commands.add_parser(
        "materialize",
        help="publish the folded state to the snapshot topic (headless; one per cluster)",
    )
    materialize.add_argument("--config", type=Path, metavar="FILE", help="configuration file")
    materialize.add_argument("--bootstrap-servers", metavar="LIST", help="Kafka bootstrap servers")
    materialize.add_argument("--data-dir", type=Path, metavar="DIR", help="where its log goes")
    materialize.add_argument(
        "--interval-s",
        type=_positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="how often changes are published (default 5)",
    )

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

    config = commands.add_parser(
        "config", help="show the effective configuration: values, layers, locks (for IT)"
    )
    config.add_argument("action", choices=("show", "write-system"))
    config.add_argument("--json", action="store_true", help="show: print JSON instead of text")
    config.add_argument("--config", type=Path, metavar="FILE", help="show: configuration file")
    config.add_argument("--file", type=Path, help="write-system: target (default: system file)")
    config.add_argument("--bootstrap-servers", metavar="LIST", help="write-system: brokers")
    config.add_argument("--security-protocol", metavar="P", help="write-system: protocol")
    config.add_argument("--sasl-mechanism", metavar="M", help="write-system: SASL mechanism")
    config.add_argument("--locked", metavar="KEYS", help="write-system: keys to lock, a,b")

    bundle = commands.add_parser(
        "support-bundle", help="write a zip for support: versions, config, status, logs"
    )
    bundle.add_argument("--output", type=Path, metavar="FILE", help="the zip to write")
    bundle.add_argument("--data-dir", type=Path, metavar="DIR", help="the bridge's data dir")
    bundle.add_argument("--config", type=Path, metavar="FILE", help="configuration file")

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


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return seconds


def _run_overrides(args: argparse.Namespace) -> dict[str, str]:
    flags = {
        "kafka.bootstrap_servers": args.bootstrap_servers,
        "agent.id": getattr(args, "agent_id", None),
        "agent.name": getattr(args, "agent_name", None),
        "agent.role": getattr(args, "role", None),
        "agent.queues": getattr(args, "queues", None),
        "bridge.data_dir": None if args.data_dir is None else str(args.data_dir),
    }
    return {key: value for key, value in flags.items() if value is not None}


def _data_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    from bridge.paths import default_paths  # noqa: PLC0415

    return default_paths(os.environ).data_dir


def status_summary(data_dir: Path) -> tuple[dict[str, object], StateSnapshot]:
    """Return what ``atp-bridge status --json`` prints (raises if no bridge answers)."""
    from bridge.blocking_client import fetch_snapshot  # noqa: PLC0415

    snapshot = fetch_snapshot(data_dir)
    status = snapshot.status
    cache = DataLayout(data_dir).cache_db
    cache_age_s = (
        round(dt.datetime.now(dt.UTC).timestamp() - cache.stat().st_mtime)
        if cache.exists()
        else None
    )
    summary: dict[str, object] = {
        "agent": {
            "id": status.agent.agent_id,
            "name": status.agent.name,
            "role": status.agent.role,
        },
        "kafka_up": status.kafka_up,
        "kafka_down_since": status.kafka_down_since,
        "kafka_error": status.kafka_error,
        "kafka_error_message": status.kafka_error_message,
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
    return summary, snapshot


def _status(args: argparse.Namespace) -> int:
    from bridge.blocking_client import BridgeNotRunningError, BridgeQueryError  # noqa: PLC0415

    data_dir = _data_dir(args.data_dir)
    try:
        summary, snapshot = status_summary(data_dir)
    except (BridgeNotRunningError, BridgeQueryError) as error:
        print(f"atp-bridge: {error}", file=sys.stderr)
        return 1
    status = snapshot.status
    cache_age_s = summary["cache_age_s"]
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    kafka = "up" if status.kafka_up else f"DOWN since {status.kafka_down_since}"
    if not status.kafka_up and status.kafka_error_message:
        kafka += f": {status.kafka_error_message}"
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


def _config_write_system(args: argparse.Namespace) -> int:
    """Write the system-wide file from installer properties; exit 2 if they are invalid."""
    from bridge.config import ConfigError  # noqa: PLC0415
    from bridge.config.system_file import render_system_file, write_system_file  # noqa: PLC0415
    from bridge.paths import system_config_location  # noqa: PLC0415

    if not args.bootstrap_servers or not args.bootstrap_servers.strip():
        print("atp-bridge config write-system: --bootstrap-servers is required", file=sys.stderr)
        return 2
    target = args.file or Path(system_config_location(sys.platform, os.environ))
    text = render_system_file(
        bootstrap_servers=args.bootstrap_servers,
        security_protocol=args.security_protocol,
        sasl_mechanism=args.sasl_mechanism,
        locked=args.locked,
    )
    try:
        write_system_file(target, text)
    except ConfigError as error:
        print(f"atp-bridge config write-system: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"atp-bridge config write-system: cannot write {target}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


def _config_show(args: argparse.Namespace) -> int:
    """Print the effective configuration; exit 2 when it does not load."""
    if args.action == "write-system":
        return _config_write_system(args)
    from bridge.config.report import build_report  # noqa: PLC0415
    from bridge.paths import default_paths  # noqa: PLC0415

    report = build_report(default_paths(os.environ), explicit_file=args.config, environ=os.environ)
    print(report.to_json() if args.json else report.to_text(), end="" if not args.json else "\n")
    if not report.ok:
        print(f"atp-bridge: {report.error}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> int:
    from bridge.runner import run_bridge  # noqa: PLC0415  (Qt and Kafka only when needed)

    return run_bridge(args.config, _run_overrides(args))


def _materialize(args: argparse.Namespace) -> int:
    from bridge.materialize import run_materializer  # noqa: PLC0415  (Kafka only when needed)

    return run_materializer(args.config, _run_overrides(args), publish_interval_s=args.interval_s)


def _credentials(args: argparse.Namespace) -> int:
    from bridge.credentials.command import run_credentials  # noqa: PLC0415

    return run_credentials(
        args.action, args.config, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr
    )


def _support_bundle(args: argparse.Namespace) -> int:
    from bridge.support_bundle import run_support_bundle  # noqa: PLC0415

    return run_support_bundle(args.output, args.data_dir, args.config)


def _demo_broker(args: argparse.Namespace) -> int:
    from bridge.demo.broker import run_demo_broker  # noqa: PLC0415

    return run_demo_broker(args.port)


_COMMANDS = {
    "run": _run,
    "materialize": _materialize,
    "status": _status,
    "snapshot": _snapshot,
    "report": _report,
    "credentials": _credentials,
    "config": _config_show,
    "support-bundle": _support_bundle,
    "demo-broker": _demo_broker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``atp-bridge``; returns the process exit code."""
    restrict_umask()  # first: every file the bridge writes holds personal data
    honour_die_with_parent(os.environ)  # the demo's processes end with their console
    parser = build_parser()
    args = parser.parse_args(argv)
    command = _COMMANDS.get(args.command)
    if command is None:
        parser.print_help()
        return 2
    return command(args)
