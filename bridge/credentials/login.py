"""Log in to Kafka once with given settings and say, in plain words, whether it worked."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from bridge.kafka.errors import ALL_BROKERS_DOWN, AUTHENTICATION
from bridge.kafka.tls import TlsDiagnosis

if TYPE_CHECKING:
    from bridge.config import KafkaSettings

LoginOutcome = Literal["ok", "auth_failed", "tls_failed", "unreachable"]
_ROUND_S = 1.0
_BROKER_PREFIX = re.compile(r"^(?:\w+://)?[^\s/]+/\w+: ")
_STATE_SUFFIX = re.compile(r"\s*\(after \d+ms in state \w+\)$")
_MASK = "***"


@dataclass(frozen=True)
class LoginResult:
    """What happened; ``message`` is for people and never contains the password."""

    outcome: LoginOutcome
    message: str

    @property
    def ok(self) -> bool:
        """Return whether the login and a metadata request succeeded."""
        return self.outcome == "ok"


class _Demoted(logging.LoggerAdapter[logging.Logger]):
    """librdkafka's messages during a check, at INFO at most: the check reports the outcome."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        """Log at ``min(level, INFO)``."""
        super().log(min(level, logging.INFO), msg, *args, **kwargs)


def _reason(error: KafkaError) -> str:
    text = _BROKER_PREFIX.sub("", error.str())
    return _STATE_SUFFIX.sub("", text)


def check_login(
    settings: KafkaSettings, *, timeout_s: float, logger: logging.Logger
) -> LoginResult:
    """Connect with ``settings`` and request metadata, for at most ``timeout_s`` seconds.

    librdkafka's errors arrive through ``error_cb``; a TLS or authentication
    error ends the check at once, as does "all brokers down" after a full round.
    librdkafka's own log lines go to ``logger`` at INFO at most.
    """
    servers = str(settings["bootstrap.servers"])
    password = settings.get("sasl.password")
    errors: list[KafkaError] = []
    tls = TlsDiagnosis(settings)
    # dict[str, Any]: the stubs' config type has no room for the callback.
    conf: dict[str, Any] = {**settings, "error_cb": errors.append}
    try:
        admin = AdminClient(conf, logger=_Demoted(logger))
    except KafkaException as error:  # a CA, certificate or key file librdkafka cannot use
        reason = error.args[0].str()
        return _masked(LoginResult("tls_failed", tls.explain_setup(reason) or reason), password)
    deadline = time.monotonic() + timeout_s
    last_failure = "no answer"
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            metadata = admin.list_topics(timeout=min(_ROUND_S, remaining))
        except KafkaException as error:
            last_failure = _reason(error.args[0])
        else:
            if metadata.brokers:
                return _masked(LoginResult("ok", _ok_message(settings, servers)), password)
        admin.poll(0)
        result = _tls_failure(errors, tls) or _classify(errors, settings, servers)
        if result is not None:
            return _masked(result, password)
    return _masked(
        LoginResult(
            "unreachable", f"broker unreachable at {servers}: {last_failure} after {timeout_s:g} s"
        ),
        password,
    )


def _ok_message(settings: KafkaSettings, servers: str) -> str:
    over_tls = " over TLS" if settings["security.protocol"] == "SASL_SSL" else ""
    if "sasl.username" in settings:
        return (
            f"OK: logged in to {servers} as {settings['sasl.username']} "
            f"with {settings['sasl.mechanism']}{over_tls}"
        )
    if "ssl.certificate.location" in settings:
        return (
            f"OK: connected to {servers} (SSL, client certificate "
            f"{settings['ssl.certificate.location']})"
        )
    return f"OK: connected to {servers} ({settings['security.protocol']}, no login)"


def _tls_failure(errors: list[KafkaError], tls: TlsDiagnosis) -> LoginResult | None:
    """Return the first TLS problem among ``errors`` (a certificate, a handshake)."""
    for error in errors:
        message = tls.explain_error(error)
        if message is not None:
            return LoginResult("tls_failed", message)
    return None


def _classify(
    errors: list[KafkaError], settings: KafkaSettings, servers: str
) -> LoginResult | None:
    auth = next((e for e in errors if e.code() == AUTHENTICATION), None)
    if auth is not None:
        return LoginResult(
            "auth_failed",
            f"authentication failed for user {settings.get('sasl.username')} with "
            f"{settings.get('sasl.mechanism')} at {servers}: {_reason(auth)}",
        )
    if any(e.code() == ALL_BROKERS_DOWN for e in errors):
        first = next((e for e in errors if e.code() != ALL_BROKERS_DOWN), None)
        detail = _reason(first) if first is not None else "all brokers are down"
        return LoginResult("unreachable", f"broker unreachable at {servers}: {detail}")
    return None


def _masked(result: LoginResult, password: object) -> LoginResult:
    if isinstance(password, str) and password and password in result.message:
        return LoginResult(result.outcome, result.message.replace(password, _MASK))
    return result
