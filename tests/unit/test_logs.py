"""Structured logs: JSON lines, rotation, and secrets masked everywhere they could leak."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime
from pathlib import Path

import pytest

from bridge.logs import MASK, LoggingSetup, setup_logging


@pytest.fixture
def log(request: pytest.FixtureRequest) -> logging.Logger:
    logger = logging.getLogger(f"tests.logs.{request.node.name}")
    logger.propagate = False  # keep secrets-on-purpose out of pytest's own capture
    return logger


def fail(error: Exception) -> None:
    raise error


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_records_are_json_lines_with_time_level_logger_message_and_extras(
    tmp_path: Path, log: logging.Logger
) -> None:
    with setup_logging(tmp_path / "logs", level=logging.INFO, logger=log) as logs:
        log.debug("not at INFO")
        log.info("claimed %s", "T-1", extra={"ticket_id": "T-1", "attempt": 2, "time": "clash"})
        log.warning("broker down", extra={"since": Path("/x")})

    records = lines(logs.log_file)
    assert logs.log_file == tmp_path / "logs" / "bridge.log"
    assert [r["message"] for r in records] == ["claimed T-1", "broker down"]
    first = records[0]
    assert first["level"] == "INFO"
    assert first["logger"] == log.name
    assert (first["ticket_id"], first["attempt"], first["extra_time"]) == ("T-1", 2, "clash")
    assert isinstance(first["time"], str)
    assert first["time"].endswith("Z")
    assert datetime.fromisoformat(first["time"]).utcoffset() is not None
    assert records[1]["since"] == "/x"


def test_exceptions_are_kept_in_one_line(tmp_path: Path, log: logging.Logger) -> None:
    with setup_logging(tmp_path, level=logging.INFO, logger=log) as logs:
        try:
            fail(RuntimeError("boom"))
        except RuntimeError:
            log.exception("outbox write failed")

    (record,) = lines(logs.log_file)
    assert record["level"] == "ERROR"
    assert isinstance(record["exception"], str)
    assert "RuntimeError: boom" in record["exception"]


def test_files_rotate_and_keep_a_bounded_number_of_backups(
    tmp_path: Path, log: logging.Logger
) -> None:
    with setup_logging(
        tmp_path, level=logging.INFO, logger=log, max_bytes=2_000, backup_count=2
    ) as logs:
        for number in range(200):
            log.info("record %d", number, extra={"padding": "x" * 40})

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["bridge.log", "bridge.log.1", "bridge.log.2"]
    for name in names:
        assert (tmp_path / name).stat().st_size <= 2_000
        assert all("message" in record for record in lines(tmp_path / name))
    assert lines(logs.log_file)[-1]["message"] == "record 199"


@pytest.mark.parametrize(
    ("message", "args", "leaked"),
    [
        ("config sasl.password=hunter2 sasl.username=alice", (), "hunter2"),
        ("settings %s", ({"sasl.password": "hunter2", "bootstrap.servers": "k:1"},), "hunter2"),
        ('payload {"password": "hunter2"}', (), "hunter2"),
        ("auth header token: abc.def.ghi", (), "abc.def.ghi"),
        ("PASSWORD = 'hunter2'", (), "hunter2"),
    ],
    ids=["key=value", "dict-arg", "json", "token", "quoted"],
)
def test_secrets_in_messages_are_masked(
    tmp_path: Path, log: logging.Logger, message: str, args: tuple[object, ...], leaked: str
) -> None:
    console = io.StringIO()
    with setup_logging(tmp_path, level=logging.INFO, logger=log, console_stream=console) as logs:
        log.info(message, *args)

    (record,) = lines(logs.log_file)
    assert leaked not in str(record)
    assert MASK in str(record["message"])
    assert leaked not in console.getvalue()
    assert MASK in console.getvalue()


def test_secrets_in_extra_fields_are_masked(tmp_path: Path, log: logging.Logger) -> None:
    with setup_logging(tmp_path, level=logging.INFO, logger=log) as logs:
        log.info(
            "connecting",
            extra={
                "password": "hunter2",
                "kafka": {"sasl.password": "hunter2", "sasl.username": "alice"},
                "api_token": "tok-1",
                "notes": ["sasl.password=hunter2"],
            },
        )

    (record,) = lines(logs.log_file)
    assert record["password"] == MASK
    assert record["kafka"] == {"sasl.password": MASK, "sasl.username": "alice"}
    assert record["api_token"] == MASK
    assert record["notes"] == [f"sasl.password={MASK}"]
    assert "hunter2" not in logs.log_file.read_text(encoding="utf-8")


def test_a_registered_secret_is_masked_anywhere_even_in_tracebacks(
    tmp_path: Path, log: logging.Logger
) -> None:
    with setup_logging(
        tmp_path, level=logging.INFO, logger=log, secrets=["Pa55-from-keyring"]
    ) as logs:
        logs.redaction.add_secret("second-secret")
        log.info("login as alice/Pa55-from-keyring failed")
        try:
            fail(ValueError("bad credential second-secret"))
        except ValueError:
            log.exception("check failed")

    text = logs.log_file.read_text(encoding="utf-8")
    assert "Pa55-from-keyring" not in text
    assert "second-secret" not in text
    assert f"login as alice/{MASK} failed" in text
    assert f"bad credential {MASK}" in text


def test_remove_detaches_the_handlers_and_restores_the_level(
    tmp_path: Path, log: logging.Logger
) -> None:
    log.setLevel(logging.WARNING)
    logs: LoggingSetup = setup_logging(tmp_path, level=logging.DEBUG, logger=log)
    assert log.level == logging.DEBUG
    log.debug("while attached")

    logs.remove()
    log.warning("after removal")

    assert not set(logs.handlers) & set(log.handlers)
    assert log.level == logging.WARNING
    assert [r["message"] for r in lines(logs.log_file)] == ["while attached"]
