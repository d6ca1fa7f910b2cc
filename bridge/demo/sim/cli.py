"""``atp-sim``: live (or burst) "A tu Puerta" traffic for a Kafka cluster. See docs/SIMULATOR.md."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import sys
import threading
from collections.abc import Sequence

from bridge.about import version_line
from bridge.contract.topics import Topics
from bridge.demo.sim.producer import (
    KafkaSettings,
    RunStats,
    SimProducerError,
    check_topics,
    client_settings,
    create_topics,
    open_admin,
    open_producer,
    producer_settings,
    run,
)
from bridge.demo.sim.scenario import DEFAULT_EVENTS_PER_SECOND, MAX_AGENTS, Scenario
from bridge.processes import honour_die_with_parent
from bridge.wire.timestamps import parse_rfc3339

PROG = "atp-sim"
PASSWORD_ENV = "ATP_SIM_SASL_PASSWORD"  # noqa: S105  (the variable's name, not a password)


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text}")
    return value


def _agent_count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_AGENTS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_AGENTS}, not {text}")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, not {text}")
    return value


def _moment(text: str) -> dt.datetime:
    moment = parse_rfc3339(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"not an RFC 3339 time with offset: {text}")
    return moment


def _property(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {text}")
    if name == "sasl.password":
        raise argparse.ArgumentTypeError(
            f"pass the password in ${PASSWORD_ENV}, not on the command line"
        )
    return name, value


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser (every option is described in docs/SIMULATOR.md)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Produce simulated A tu Puerta orders, tickets and agents to Kafka.",
    )
    add = parser.add_argument
    add("--version", action="version", version=version_line(PROG))
    add("--bootstrap-servers", required=True, metavar="LIST", help="Kafka bootstrap servers")
    add(
        "--rate",
        type=_positive_float,
        default=DEFAULT_EVENTS_PER_SECOND,
        metavar="EVENTS_PER_S",
        help="average valid events per second (default %(default)s)",
    )
    add(
        "--duration",
        type=_positive_float,
        metavar="S",
        help="stop after S seconds (default: run until Ctrl-C)",
    )
    add(
        "--seed",
        type=int,
        metavar="N",
        help="random seed; same seed and --start, same events (default: random, printed)",
    )
    add(
        "--agents",
        type=_agent_count,
        default=0,
        metavar="N",
        help="virtual agents, plus a virtual supervisor if N > 0",
    )
    add(
        "--malformed-share",
        type=_share,
        default=0.0,
        metavar="F",
        help="share of deliberately broken records (0 <= F < 1)",
    )
    add(
        "--burst",
        type=_positive_int,
        metavar="N",
        help="produce N records as fast as possible, then exit",
    )
    add(
        "--warm-up",
        type=_positive_float,
        default=None,
        metavar="S",
        help="live mode: begin S seconds in the past and write that history at once, so a "
        "console starts on a populated queue (the demo uses 900)",
    )
    add(
        "--start",
        type=_moment,
        metavar="TIME",
        help="simulated start time, RFC 3339 (default: now)",
    )
    add("--orders-topic", default=Topics().orders, metavar="NAME", help="default %(default)s")
    add("--tickets-topic", default=Topics().tickets, metavar="NAME", help="default %(default)s")
    add("--agents-topic", default=Topics().agents, metavar="NAME", help="default %(default)s")
    add(
        "--create-topics",
        action="store_true",
        help="create missing topics (agents topic compacted)",
    )
    add(
        "--partitions",
        type=_positive_int,
        default=3,
        metavar="N",
        help="partitions of created topics (default %(default)s)",
    )
    add(
        "--connect-timeout",
        type=_positive_float,
        default=10.0,
        metavar="S",
        help="how long to wait for the cluster to answer (default %(default)s)",
    )
    add("-X", "--kafka-property", type=_property, action="append", default=[], metavar="KEY=VALUE",
        help=f"extra librdkafka setting, repeatable (password: ${PASSWORD_ENV})")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator; return the process exit status (0 ok, 1 Kafka problem, 2 bad usage)."""
    honour_die_with_parent(os.environ)  # started by a demo console: end with it
    options = build_parser().parse_args(argv)
    topics = Topics(
        orders=options.orders_topic, tickets=options.tickets_topic, agents=options.agents_topic
    )
    extra: dict[str, str | int | float | bool] = dict(options.kafka_property)
    if os.environ.get(PASSWORD_ENV):
        extra["sasl.password"] = os.environ[PASSWORD_ENV]
    stop = threading.Event()
    previous = {
        number: signal.signal(number, lambda *_: stop.set())
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return _simulate(options, topics, stop, extra=extra)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _simulate(
    options: argparse.Namespace,
    topics: Topics,
    stop: threading.Event,
    *,
    extra: KafkaSettings,
) -> int:
    """Create topics if asked, check the cluster, produce, report; return the exit status."""
    stats = RunStats()
    try:
        if options.create_topics:
            admin = open_admin(client_settings(options.bootstrap_servers, extra))
            create_topics(admin, topics, options.partitions, options.connect_timeout)
        producer = open_producer(producer_settings(options.bootstrap_servers, extra), stats)
        check_topics(producer, options.bootstrap_servers, topics.all(), options.connect_timeout)
        # Live events are stamped start + simulated offset: start now, when production starts
        # (or --warm-up seconds earlier, whose history is then written at once).
        warm_up = options.warm_up or 0.0
        scenario = Scenario(
            options.seed if options.seed is not None else secrets.randbelow(2**31),
            options.start or dt.datetime.now(dt.UTC) - dt.timedelta(seconds=warm_up),
            options.agents,
            options.malformed_share,
            events_per_second=options.rate,
        )
        mode = f"burst of {options.burst}" if options.burst else f"{options.rate:g} events/s"
        print(
            f"{PROG}: seed {scenario.seed}, start {scenario.start.isoformat()}, {mode}, "
            f"{options.agents} agents, "
            f"malformed share {options.malformed_share:g}"
            + ("" if options.burst or options.duration else "; Ctrl-C stops"),
            flush=True,
        )
        run(
            scenario.records(),
            producer,
            topics,
            stats,
            stop,
            paced=options.burst is None,
            limit=options.burst,
            duration_s=None if options.burst else options.duration,
            head_start_s=warm_up,
        )
    except SimProducerError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    return _report(stats)


def _report(stats: RunStats) -> int:
    print(
        f"{PROG}: produced {stats.produced} records ({stats.malformed} malformed), "
        f"{stats.delivered} delivered",
        flush=True,
    )
    if stats.failed or stats.undelivered:
        print(
            f"{PROG}: {stats.failed + stats.undelivered} records were not delivered"
            + (f" ({stats.first_error})" if stats.first_error else ""),
            file=sys.stderr,
        )
        return 1
    return 0
