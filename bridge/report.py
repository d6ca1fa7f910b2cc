"""``atp-bridge report``: a day's or a week's figures, computed from the log, as CSV.

Not from a console's live view and not from the cache: the tickets topic is read
from its beginning with a consumer of its own (``bridge.kafka.scan``: no
consumer group, no offsets moved), folded with the bridge's fold into a fresh
``State`` (only events whose time is before the end of the period: the state as
it was then), and the figures of ``bridge.wire.figures`` are computed as of the
end of the period (or now, for a period not over yet). The tickets topic is
enough: every figure is a ticket's, and folding a ticket needs only its own
records. Same configuration layers and credentials as ``atp-bridge run``.

Days are calendar days in ``--tz`` (default: this computer's time zone); both
``--from`` and ``--to`` are included. CSV columns: see ``CSV_COLUMNS`` and
docs/OPERATIONS.md. A text from events (names, queues) that a spreadsheet would
run as a formula is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import sys
import tempfile
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

from bridge.config import ConfigError, kafka_client_settings, load_config
from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord, ValidEvent, validate_record
from bridge.credentials import CredentialStore, CredentialsUnavailableError
from bridge.fold.reducer import fold_record
from bridge.fold.state import State
from bridge.kafka.scan import ScanError, scan_topics
from bridge.paths import default_paths
from bridge.wire.exit_codes import ReportExit
from bridge.wire.figures import GroupFigures, Period, PeriodFigures, local_days, period_figures
from bridge.wire.timestamps import moment_of

_log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 300.0
CSV_COLUMNS = (
    "scope",
    "id",
    "name",
    "opened",
    "resolved",
    "first_responses",
    "first_response_median_min",
    "sla_met",
    "sla_breached",
    "sla_attainment_pct",
    "sla_pending",
    "period_start",
    "period_end",
    "as_of",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ReportError(Exception):
    """The report could not be made; ``code`` is the exit status."""

    def __init__(self, code: ReportExit, message: str) -> None:
        super().__init__(message)
        self.code = code


def fold_until(records: Iterable[RawRecord], topics: Topics, end: dt.datetime) -> State:
    """Fold ``records`` (log order) into a fresh State, leaving out events at or after ``end``."""
    state = State()
    for record in records:
        fold_before(state, record, topics, end.timestamp())
    return state


def fold_before(state: State, record: RawRecord, topics: Topics, limit: float) -> None:
    """Fold one record unless it is a valid event whose time is at or after ``limit`` (epoch)."""
    checked = validate_record(record, topics)
    if isinstance(checked, ValidEvent):
        moment = moment_of(checked.time)
        if moment is not None and moment.timestamp() >= limit:
            return  # had not happened yet at the end of the period
    fold_record(state, record, topics)


def report_rows(figures: PeriodFigures) -> list[dict[str, str]]:
    """The CSV rows: one per queue, then one per agent, each sorted by id."""
    period = figures.period
    bounds = {
        "period_start": _instant(period.start),
        "period_end": _instant(period.end),
        "as_of": _instant(period.as_of),
    }
    rows = [_row("queue", group, bounds) for group in figures.queues]
    rows += [_row("agent", group, bounds) for group in figures.agents]
    return rows


def write_csv(rows: list[dict[str, str]], out: TextIO) -> None:
    """Write the header and ``rows``."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def make_report(
    settings: Mapping[str, str | int | float | bool],
    topics: Topics,
    period: Period,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[PeriodFigures, int]:
    """Read the tickets topic, fold it up to the period's end; return the figures and records."""
    state = State()
    limit = period.end.timestamp()
    try:
        result = scan_topics(
            settings,
            [topics.tickets],
            lambda record: fold_before(state, record, topics, limit),
            timeout_s=timeout_s,
        )
    except ScanError as error:
        raise ReportError(ReportExit.READ_FAILED, str(error)) from error
    return period_figures(state.tickets.values(), period), result.records


def run_report(
    config_file: Path | None,
    overrides: Mapping[str, str],
    *,
    first: dt.date,
    last: dt.date,
    tz_name: str | None,
    output: Path | None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    """Make the report and write it to ``output`` (or ``stdout``); returns the exit code."""
    try:
        tz = _zone(tz_name)
        try:
            period = local_days(first, last, tz, dt.datetime.now(dt.UTC))
        except ValueError as error:
            raise ReportError(ReportExit.CONFIG, str(error)) from error
        settings, topics = _kafka(config_file, overrides)
        figures, records = make_report(settings, topics, period, timeout_s=timeout_s)
        text = io.StringIO()
        write_csv(report_rows(figures), text)
        if output is None:
            stdout.write(text.getvalue())
        else:
            _write_private(output, text.getvalue())
    except ReportError as error:
        print(f"atp-bridge report: {error}", file=stderr)
        return error.code
    where = "standard output" if output is None else str(output)
    print(
        f"atp-bridge report: {first} to {last} ({tz_name or 'local time'}), as of "
        f"{_instant(period.as_of)}: {len(figures.queues)} queues, {len(figures.agents)} agents "
        f"from {records} records, written to {where}",
        file=stderr,
    )
    return ReportExit.OK


def _zone(name: str | None) -> dt.tzinfo | None:
    if name is None:
        return None
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ReportError(ReportExit.CONFIG, f"unknown time zone {name!r}") from error


def _kafka(
    config_file: Path | None, overrides: Mapping[str, str]
) -> tuple[dict[str, str | int | float | bool], Topics]:
    try:
        loaded = load_config(
            default_paths(os.environ),
            explicit_file=config_file,
            environ=os.environ,
            overrides=overrides,
        )
    except ConfigError as error:
        raise ReportError(ReportExit.CONFIG, str(error)) from error
    config = loaded.config
    password = None
    if config.uses_sasl and config.kafka.username is not None:
        try:
            password = CredentialStore().get(config.kafka.username)
        except CredentialsUnavailableError as error:
            raise ReportError(ReportExit.CREDENTIALS, str(error)) from error
        if password is None:
            raise ReportError(
                ReportExit.CREDENTIALS,
                f'no Kafka password stored for user "{config.kafka.username}": '
                "run `atp-bridge credentials set` first",
            )
    try:
        settings = kafka_client_settings(config, password)
    except ConfigError as error:
        raise ReportError(ReportExit.CONFIG, str(error)) from error
    return dict(settings), config.topics


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (owner-only), replacing it in one step."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ReportError(ReportExit.OUTPUT, f"cannot write {path}: {error}") from error


def _row(scope: str, group: GroupFigures, bounds: dict[str, str]) -> dict[str, str]:
    median = group.first_response_median
    attainment = group.sla_attainment
    return {
        "scope": scope,
        "id": _cell(group.key),
        "name": _cell(group.name),
        "opened": str(group.opened) if scope == "queue" else "",
        "resolved": str(group.resolved),
        "first_responses": str(group.first_responses),
        "first_response_median_min": "" if median is None else f"{median.total_seconds() / 60:.1f}",
        "sla_met": str(group.sla_met),
        "sla_breached": str(group.sla_breached),
        "sla_attainment_pct": "" if attainment is None else f"{attainment * 100:.1f}",
        "sla_pending": str(group.sla_pending),
        **bounds,
    }


def _cell(text: str) -> str:
    """Event text as a spreadsheet shows it, never as a formula it runs."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
