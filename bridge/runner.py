"""``atp-bridge run``: load the configuration, lock the data dir, serve until told to stop."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile

from bridge.config import (
    ConfigError,
    KafkaSettings,
    agent_identity,
    kafka_client_settings,
    load_config,
)
from bridge.contract.topics import Topics
from bridge.credentials import CredentialsUnavailableError, required_password
from bridge.heap import BRIDGE_MALLOC_ARENAS, limit_malloc_arenas
from bridge.logs import setup_logging
from bridge.paths import DataDirError, DataLayout, default_paths
from bridge.posix_signals import SignalWakeup
from bridge.server.server import ServerError
from bridge.service import Bootstrap, BridgeService
from bridge.statetopic.loader import bootstrap_state
from bridge.wire.endpoint import Endpoint, new_token
from bridge.wire.exit_codes import RunExit
from bridge.wire.protocol import AgentIdentity

_log = logging.getLogger("bridge")


def _fail(code: int, message: str) -> int:
    print(f"atp-bridge: {message}", file=sys.stderr)
    return code


def run_bridge(config_file: Path | None, overrides: Mapping[str, str]) -> int:
    """Run the bridge in the foreground; returns the process exit code."""
    limit_malloc_arenas(BRIDGE_MALLOC_ARENAS, os.environ)  # first: before any thread
    try:
        loaded = load_config(
            default_paths(os.environ),
            explicit_file=config_file,
            environ=os.environ,
            overrides=overrides,
        )
        config = loaded.config
        identity = agent_identity(config)
    except ConfigError as error:
        return _fail(RunExit.CONFIG, str(error))

    layout = DataLayout(config.bridge.data_dir)
    locked = _lock_data_dir(layout)
    if isinstance(locked, int):
        return locked
    lock, tightened = locked
    logging_setup = setup_logging(layout.log_dir, console_stream=sys.stderr)
    try:
        for warning in loaded.warnings:
            _log.warning(warning)
        if tightened:
            _log.warning(
                "made data dir entries owner-only (others could read them)",
                extra={"entries": tightened, "data_dir": str(layout.root)},
            )
        try:
            password = required_password(config)
        except CredentialsUnavailableError as error:
            return _fail(RunExit.CREDENTIALS, str(error))
        if password is not None:
            logging_setup.redaction.add_secret(password)
        try:
            settings = kafka_client_settings(config, password)
        except ConfigError as error:
            return _fail(RunExit.CONFIG, str(error))
        bootstrap = (
            functools.partial(bootstrap_state, settings, config.topics)
            if config.bridge.bootstrap_from_snapshot_topic
            else None
        )
        return _serve(layout, identity, config.topics, settings, bootstrap)
    finally:
        logging_setup.remove()
        lock.unlock()


def _lock_data_dir(layout: DataLayout) -> tuple[QLockFile, int] | int:
    """Make the data dir owner-only and lock it; return the lock and the modes fixed.

    Returns an exit code instead when the folder is unsafe or another bridge holds it.
    """
    try:
        tightened = layout.ensure()
    except (DataDirError, OSError) as error:
        return _fail(RunExit.UNSAFE_DIR, f"cannot use the data dir: {error}")
    lock = QLockFile(str(layout.lock_file))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        return _fail(
            RunExit.ALREADY_RUNNING,
            f"another bridge ({_holder(lock)}) is already running for {layout.root}; "
            "use another --data-dir to run a second one",
        )
    return lock, tightened


def _holder(lock: QLockFile) -> str:
    """Say which process holds ``lock``: "pid N", or "pid unknown" if the file says none.

    PySide6's ``getLockInfo`` returns ``(pid, hostname, appname)``, without the
    C++ call's success flag; a lock file it cannot read gives a pid of 0 or less.
    """
    pid, _host, _app = lock.getLockInfo()
    return f"pid {pid}" if pid > 0 else "pid unknown"


def _serve(
    layout: DataLayout,
    identity: AgentIdentity,
    topics: Topics,
    settings: KafkaSettings,
    bootstrap: Bootstrap | None,
) -> int:
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    data_dir = layout.root
    endpoint = Endpoint.for_data_dir(data_dir)
    token = new_token()
    service = BridgeService(
        identity=identity,
        topics=topics,
        kafka_settings=settings,
        layout=layout,
        endpoint=endpoint,
        token=token,
        bootstrap=bootstrap,
    )
    wakeup = SignalWakeup(lambda _number: app.quit())
    try:
        try:
            service.start()
        except ServerError as error:  # e.g. the socket's folder belongs to another user
            _log.error("cannot serve consoles", extra={"reason": str(error)})
            return _fail(RunExit.UNSAFE_DIR, str(error))
        _log.info("bridge running", extra={"agent": identity.agent_id, "data_dir": str(data_dir)})
        app.exec()
    finally:
        _log.info("bridge stopping")
        service.stop()
        wakeup.close()
    return 0
