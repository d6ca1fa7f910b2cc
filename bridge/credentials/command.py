"""``atp-bridge credentials set|check|delete``: manage the Kafka password in the keyring.

Exit codes: 0 done; 1 ``check`` could not log in (authentication failed, broker
unreachable); 2 configuration or input problem; 3 no usable keyring, or no
password stored when ``check`` needs one. The password is read from a prompt
(a terminal) or one line of standard input, never from the command line, and
never printed or logged.
"""

from __future__ import annotations

import getpass as getpass_module
import logging
import os
from typing import TYPE_CHECKING, Literal, TextIO

from bridge.config import ConfigError, LoadedConfig, kafka_client_settings, load_config
from bridge.credentials.login import check_login
from bridge.credentials.store import CredentialStore, CredentialsUnavailableError
from bridge.paths import default_paths
from bridge.wire.exit_codes import CredentialsExit

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from keyring.backend import KeyringBackend

    from bridge.paths import AppPaths

CredentialsAction = Literal["set", "check", "delete"]
DEFAULT_CHECK_TIMEOUT_S = 10.0
_PROG = "atp-bridge credentials"
_log = logging.getLogger(__name__)


class _UsageError(Exception):
    """A problem the user fixes in the configuration or the input (exit 2)."""


def run_credentials(
    action: CredentialsAction,
    config_path: Path | None,
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    backend: KeyringBackend | None = None,
    getpass: Callable[[str], str] = getpass_module.getpass,
    paths: AppPaths | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S,
    logger: logging.Logger = _log,
) -> int:
    """Run one credentials action and return the exit code (see the module docstring).

    ``backend`` defaults to the OS keyring, ``paths`` to this machine's
    locations and ``environ`` to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    try:
        loaded = load_config(
            paths if paths is not None else default_paths(env),
            explicit_file=config_path,
            environ=env,
            overrides=overrides,
        )
        store = CredentialStore(backend)
        runner = _Runner(loaded, store, stdout, stderr, logger)
        if action == "set":
            store.ensure_usable()  # before asking for a password that could not be kept
            return runner.set(_read_password(stdin, getpass, _username(loaded)))
        if action == "delete":
            return runner.delete()
        return runner.check(timeout_s)
    except (ConfigError, _UsageError) as error:
        print(f"{_PROG} {action}: {error}", file=stderr)
        return CredentialsExit.CONFIG
    except CredentialsUnavailableError as error:
        print(f"{_PROG} {action}: {error}", file=stderr)
        return CredentialsExit.KEYRING


def _username(loaded: LoadedConfig) -> str:
    username = loaded.config.kafka.username
    if username is None:
        raise _UsageError(
            "kafka.username is not set: set [kafka] username in the configuration file "
            "(or ATP_KAFKA_USERNAME); the password is stored under that user name"
        )
    return username


def _read_password(stdin: TextIO, getpass: Callable[[str], str], username: str) -> str:
    if stdin.isatty():
        password = getpass(f"Kafka password for {username}: ")
        if getpass("Repeat it: ") != password:
            raise _UsageError("the two passwords differ; nothing was stored")
    else:
        password = stdin.readline().rstrip("\r\n")
    if not password:
        raise _UsageError(
            "no password given: type it at the prompt, or pipe it as one line on standard input"
        )
    return password


class _Runner:
    """The three actions on one loaded configuration and keyring."""

    def __init__(
        self,
        loaded: LoadedConfig,
        store: CredentialStore,
        stdout: TextIO,
        stderr: TextIO,
        logger: logging.Logger,
    ) -> None:
        self._loaded = loaded
        self._store = store
        self._stdout = stdout
        self._stderr = stderr
        self._log = logger

    def set(self, password: str) -> int:
        """Store the password of ``kafka.username``."""
        username = _username(self._loaded)
        self._store.set(username, password)
        self._log.info("stored the Kafka password", extra={"kafka_user": username})
        print(
            f'Stored the Kafka password of "{username}" in the OS keyring '
            f'(service "{self._store.service}"). Run "atp-bridge credentials check" to test it.',
            file=self._stdout,
        )
        kafka = self._loaded.config.kafka
        if not self._loaded.config.uses_sasl:
            print(
                f"Note: kafka.security_protocol is {kafka.security_protocol}; the password is "
                "only used with SASL_PLAINTEXT or SASL_SSL.",
                file=self._stdout,
            )
        return CredentialsExit.OK

    def delete(self) -> int:
        """Remove the password of ``kafka.username`` (done if none was stored)."""
        username = _username(self._loaded)
        if self._store.delete(username):
            self._log.info("deleted the Kafka password", extra={"kafka_user": username})
            print(
                f'Deleted the Kafka password of "{username}" from the OS keyring.',
                file=self._stdout,
            )
        else:
            print(
                f'No Kafka password of "{username}" was stored; nothing to delete.',
                file=self._stdout,
            )
        return CredentialsExit.OK

    def check(self, timeout_s: float) -> int:
        """Log in to Kafka with the stored password and report the outcome."""
        config = self._loaded.config
        password: str | None = None
        if config.uses_sasl:
            username = _username(self._loaded)
            password = self._store.get(username)
            if password is None:
                print(
                    f'{_PROG} check: no Kafka password of "{username}" is stored in the OS '
                    f'keyring (service "{self._store.service}"): run "atp-bridge credentials '
                    'set" first',
                    file=self._stderr,
                )
                return CredentialsExit.KEYRING
        result = check_login(
            kafka_client_settings(config, password), timeout_s=timeout_s, logger=self._log
        )
        self._log.info("credentials check", extra={"outcome": result.outcome})
        if result.ok:
            print(result.message, file=self._stdout)
            return CredentialsExit.OK
        print(f"{_PROG} check: {result.message}", file=self._stderr)
        return CredentialsExit.CHECK_FAILED
