"""``atp-bridge support-bundle``: one zip IT sends to support, with no secret and no customer data.

What goes in (each a file of the zip):

- ``versions.json``: app, Python, Qt, PySide6, librdkafka, OS;
- ``config.txt``, ``config.json``: the effective-configuration report;
- ``status.json``: what ``atp-bridge status --json`` says (or why no bridge answered);
- ``quarantine.json``: quarantined records as topic, partition, offset, reason (no payloads);
- ``outbox.json``: how many agent actions are in each state (no contents);
- ``cache.json``: the state cache's size and age;
- ``logs/bridge.log``, ``logs/console.log``: the last part, each line reduced
  to fields known to hold no personal data;
- ``crash/…``: crash reports, with exception messages removed.

What never goes in: the keyring password (it is not read), the socket token
(``ipc/`` is not read), message bodies, customer names, phones or addresses
(no entity of the state is read, and log and crash texts are filtered). The
zip is created owner-only (0600) in an owner-only folder (0700).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sqlite3
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from bridge.about import platform_versions
from bridge.config.report import build_report
from bridge.paths import DataLayout, default_paths

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from bridge.paths import AppPaths

LOG_TAIL_LINES = 2000
LOG_FILES = ("bridge.log", "console.log")
BUNDLE_FOLDER = "support-bundles"
# Log fields that hold ids, counts, states and our own messages: nothing typed by a person.
LOG_FIELDS = frozenset(
    {
        "time", "level", "logger", "message", "exception", "ticket_id", "command_id",
        "event_id", "order_id", "agent", "outcome", "reason", "count", "topic", "partition",
        "offset", "error", "since", "server_name", "in_ms", "data_dir", "pid", "port",
        "tickets", "kafka_user", "state", "attempts", "lag", "log_dir", "path",
    }
)  # fmt: skip
_EXCEPTION_LINE = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)?): .+$"
)


class _Quarantined(msgspec.Struct):
    """Where a quarantined record is and why (the cache also keeps no payload)."""

    topic: str
    partition: int
    offset: int
    reason: str


class _CacheRest(msgspec.Struct):
    """The part of the cached State the bundle reads: the quarantine (no entities)."""

    quarantined: list[_Quarantined] = msgspec.field(default_factory=list)
    quarantined_count: int = 0


def versions() -> dict[str, str]:
    """Return the versions a support request needs: app, Python, Qt, librdkafka, OS."""
    from confluent_kafka import libversion, version  # noqa: PLC0415

    return {
        **platform_versions(),
        "librdkafka": libversion()[0],
        "confluent_kafka": version()[0],
    }


def default_output(data_dir: Path, now: dt.datetime) -> Path:
    """Return where the bundle goes when no ``--output`` is given."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return data_dir / BUNDLE_FOLDER / f"atp-support-{stamp}.zip"


def scrub_log_line(line: str) -> str | None:
    """Return a JSON log line reduced to ``LOG_FIELDS``; None for a line that is not JSON."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    kept = {key: value for key, value in record.items() if key in LOG_FIELDS}
    if isinstance(kept.get("exception"), str):
        kept["exception"] = scrub_traceback(kept["exception"])
    return json.dumps(kept, ensure_ascii=False)


def scrub_traceback(text: str) -> str:
    """Keep a traceback's frames and exception types, not its messages (they may quote data)."""
    lines: list[str] = []
    for line in text.splitlines():
        match = _EXCEPTION_LINE.match(line)
        if match is not None and not line.startswith((" ", "Traceback")):
            lines.append(f"{match['type']}: [message removed from the support bundle]")
        else:
            lines.append(line)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _tail(path: Path, lines: int) -> list[str]:
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - 4_000_000))
            data = stream.read()
    except OSError:
        return []
    return data.decode("utf-8", errors="replace").splitlines()[-lines:]


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def outbox_counts(layout: DataLayout) -> dict[str, object]:
    """Return the outbox's entries per state (queued, sent, confirmed, rejected)."""
    if not layout.outbox_db.exists():
        return {"present": False}
    try:
        with _read_only(layout.outbox_db) as db:
            rows = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    except sqlite3.Error as error:
        return {"present": True, "error": str(error)}
    counts = dict.fromkeys(("queued", "sent", "confirmed", "rejected"), 0)
    counts.update({str(state): int(count) for state, count in rows})
    return {"present": True, "by_state": counts}


def cache_facts(
    layout: DataLayout, now: dt.datetime
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """Return the cache's size and age, and its quarantine (where, why; never a payload)."""
    path = layout.cache_db
    if not path.exists():
        return {"present": False}, []
    files = [path, path.with_name(path.name + "-wal")]
    facts: dict[str, object] = {
        "present": True,
        "size_bytes": sum(p.stat().st_size for p in files if p.exists()),
        "age_s": round(now.timestamp() - path.stat().st_mtime),
    }
    quarantine: list[dict[str, object]] = []
    try:
        with _read_only(path) as db:
            row = db.execute("SELECT saved_at, rest FROM meta").fetchone()
    except sqlite3.Error as error:
        facts["error"] = str(error)
        return facts, quarantine
    if row is not None:
        facts["saved_at"] = row[0]
        try:
            rest = msgspec.msgpack.decode(row[1], type=_CacheRest)
        except msgspec.DecodeError as error:
            facts["error"] = f"the cached state does not decode: {error}"
        else:
            facts["quarantined_count"] = rest.quarantined_count
            quarantine = [msgspec.to_builtins(q) for q in rest.quarantined]
    return facts, quarantine


def _status(data_dir: Path) -> dict[str, object]:
    from bridge.blocking_client import BridgeNotRunningError, BridgeQueryError  # noqa: PLC0415
    from bridge.cli import status_summary  # noqa: PLC0415

    try:
        summary, _snapshot = status_summary(data_dir)
    except (BridgeNotRunningError, BridgeQueryError) as error:
        return {"running": False, "error": str(error)}
    return {"running": True, **summary}


def _crash_reports(log_dir: Path) -> Iterable[tuple[str, str]]:
    for path in sorted(log_dir.glob("crash-*.txt")) + sorted(log_dir.glob("faulthandler*.log")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        yield f"crash/{path.name}", scrub_traceback(text)


def bundle_entries(
    paths: AppPaths,
    data_dir: Path,
    *,
    config_file: Path | None,
    environ: Mapping[str, str],
    now: dt.datetime,
) -> dict[str, str]:
    """Return every file of the bundle (name -> text)."""
    layout = DataLayout(data_dir)
    report = build_report(paths, explicit_file=config_file, environ=environ)
    cache, quarantine = cache_facts(layout, now)
    entries = {
        "README.txt": (
            f"A tu Puerta support bundle, {now.isoformat(timespec='seconds')}\n"
            "No password, token, message body or customer detail is included.\n"
        ),
        "versions.json": json.dumps(versions(), indent=2),
        "config.txt": report.to_text(),
        "config.json": report.to_json(),
        "status.json": json.dumps(_status(data_dir), indent=2, ensure_ascii=False),
        "quarantine.json": json.dumps(quarantine, indent=2, ensure_ascii=False),
        "outbox.json": json.dumps(outbox_counts(layout), indent=2),
        "cache.json": json.dumps(cache, indent=2),
    }
    for name in LOG_FILES:
        kept = [s for s in map(scrub_log_line, _tail(layout.log_dir / name, LOG_TAIL_LINES)) if s]
        if kept:
            entries[f"logs/{name}"] = "\n".join(kept) + "\n"
    entries.update(_crash_reports(layout.log_dir))
    return entries


def write_bundle(
    output: Path,
    paths: AppPaths,
    data_dir: Path,
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Write the zip to ``output`` (0600; its folder created 0700) and return its path."""
    moment = now or dt.datetime.now(dt.UTC)
    entries = bundle_entries(
        paths, data_dir, config_file=config_file, environ=environ or {}, now=moment
    )
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            info = zipfile.ZipInfo(f"atp-support/{name}", date_time=moment.timetuple()[:6])
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(buffer.getvalue())
    output.chmod(0o600)
    return output


def run_support_bundle(output: Path | None, data_dir: Path | None, config_file: Path | None) -> int:
    """Run ``atp-bridge support-bundle``: print the zip's path; exit 0, or 1 if not written."""
    paths = default_paths(os.environ)
    folder = data_dir or _configured_data_dir(paths, config_file) or paths.data_dir
    target = output or default_output(folder, dt.datetime.now(dt.UTC))
    try:
        written = write_bundle(target, paths, folder, config_file=config_file, environ=os.environ)
    except OSError as error:
        print(f"atp-bridge support-bundle: cannot write {target}: {error}", file=sys.stderr)
        return 1
    print(written)
    return 0


def _configured_data_dir(paths: AppPaths, config_file: Path | None) -> Path | None:
    from bridge.config import ConfigError, load_config  # noqa: PLC0415

    try:
        loaded = load_config(paths, explicit_file=config_file, environ=os.environ)
    except ConfigError:
        return None  # the bundle still reports the configuration problem
    return loaded.config.bridge.data_dir
