"""``atp-bridge materialize``: the headless materializer, with the bridge's configuration.

Same configuration layers and credentials as ``atp-bridge run`` (the agent
keys are not needed); logs to stderr and to ``materializer.log`` in the data
dir's log folder; SIGTERM or SIGINT stops it after one last publish.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from bridge.config import ConfigError, kafka_client_settings, load_config
from bridge.credentials import CredentialsUnavailableError, required_password
from bridge.heap import BRIDGE_MALLOC_ARENAS, limit_malloc_arenas
from bridge.logs import setup_logging
from bridge.materializer import Materializer, SourceLogResetError
from bridge.paths import DataLayout, default_paths
from bridge.statetopic.codec import UnusableSnapshotError
from bridge.statetopic.loader import SnapshotUnavailableError
from bridge.statetopic.publisher import PublishError, TopicSettingsError
from bridge.wire.exit_codes import MaterializeExit

_log = logging.getLogger("bridge")


def _fail(code: int, message: str) -> int:
    print(f"atp-bridge materialize: {message}", file=sys.stderr)
    return code


def run_materializer(
    config_file: Path | None, overrides: Mapping[str, str], *, publish_interval_s: float
) -> int:
    """Materialize until SIGTERM/SIGINT; returns the process exit code."""
    limit_malloc_arenas(BRIDGE_MALLOC_ARENAS, os.environ)  # first: before any thread
    try:
        loaded = load_config(
            default_paths(os.environ),
            explicit_file=config_file,
            environ=os.environ,
            overrides=overrides,
        )
    except ConfigError as error:
        return _fail(MaterializeExit.CONFIG, str(error))
    config = loaded.config
    logging_setup = setup_logging(
        DataLayout(config.bridge.data_dir).log_dir,
        console_stream=sys.stderr,
        file_name="materializer.log",
    )
    try:
        for warning in loaded.warnings:
            _log.warning(warning)
        try:
            password = required_password(config)
        except CredentialsUnavailableError as error:
            return _fail(MaterializeExit.CREDENTIALS, str(error))
        if password is not None:
            logging_setup.redaction.add_secret(password)
        try:
            settings = kafka_client_settings(config, password)
        except ConfigError as error:
            return _fail(MaterializeExit.CONFIG, str(error))
        materializer = Materializer(settings, config.topics, publish_interval_s=publish_interval_s)
        return _run_until_signal(materializer, config.topics.snapshot)
    finally:
        logging_setup.remove()


def _run_until_signal(materializer: Materializer, topic: str) -> int:
    stop = threading.Event()

    def request_stop(_number: int, _frame: FrameType | None) -> None:
        stop.set()  # only this: the loop sees it within a poll and logs as it stops

    previous = {
        number: signal.signal(number, request_stop) for number in (signal.SIGTERM, signal.SIGINT)
    }
    _log.info("materializer running", extra={"snapshot_topic": topic})
    try:
        materializer.run(stop)
    except (TopicSettingsError, SnapshotUnavailableError, UnusableSnapshotError) as error:
        _log.error("materializer cannot start: %s", error)
        return _fail(MaterializeExit.TOPIC, str(error))
    except PublishError as error:
        _log.error("materializer stopped: %s", error)
        return _fail(MaterializeExit.PUBLISH, str(error))
    except SourceLogResetError as error:
        _log.error("materializer stopped: %s", error)
        return _fail(MaterializeExit.TOPIC, str(error))
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return MaterializeExit.OK
