"""Say what went wrong in a TLS connection to the cluster, in words that name the problem.

librdkafka reports every failed certificate check with the same text ("SSL
handshake failed: ... certificate verify failed: broker certificate could not be
verified ..."): whether the CA, the host name or the dates are wrong is not in
it. When it says so, :class:`TlsDiagnosis` repeats the handshake once with
Python's ``ssl`` module (same CA file, same host check) to learn the reason and
the certificate's dates or names, and keeps the answer for a while: the reader
and the writer report the same failure at every reconnect.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bridge.config.model import TLS_PROTOCOLS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from confluent_kafka import KafkaError

VERIFY_FAILED = "certificate verify failed"
_NO_CHECK_TIME = 0x200000
"""OpenSSL's X509_V_FLAG_NO_CHECK_TIME: verify a chain but not its dates (not in ``ssl``)."""
_EXPIRED, _NOT_YET_VALID = 10, 9
_HOST_MISMATCH, _IP_MISMATCH = 62, 64
_UNTRUSTED = frozenset({2, 18, 19, 20, 21})
"""Issuer unknown, self-signed, self-signed in chain, no local issuer, cannot verify leaf."""
_CLIENT_CERT_REFUSED = (
    "alert bad certificate",
    "alert certificate required",
    "alert unknown ca",
    "client SSL authentication might be required",
)
_PLAINTEXT_LISTENER = "connecting to a PLAINTEXT broker listener?"
_BROKER = re.compile(r"^(?:[a-z_]+://)?(?P<host>\[[^\]]+\]|[^\s:/\[]+):(?P<port>\d+)/")
_SERVER = re.compile(r"^(?P<host>\[[^\]]+\]|[^\s:\[]+):(?P<port>\d+)$")
_SETUP = re.compile(r"(?P<key>ssl\.[a-z.]+\.location) failed: (?:error:[0-9A-F]+:)?(?P<why>.*)$")
_PROBE_TIMEOUT_S = 3.0
_REMEMBER_S = 30.0


@dataclass(frozen=True)
class CertificateCheck:
    """What a handshake with Python's ``ssl`` found out about a broker's certificate."""

    verify_code: int
    """OpenSSL's X509_V_ERR_* code; 0 when the certificate passed every check."""
    verify_message: str
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    names: tuple[str, ...] = ()
    """The DNS names and IP addresses the certificate is for."""


Probe = Callable[[str, int, str | None, bool], CertificateCheck | None]
"""Check ``host``, ``port`` against a CA file (``None``: the system's), with a host check or not."""


def check_certificate(
    host: str, port: int, ca_file: str | None, check_hostname: bool
) -> CertificateCheck | None:
    """Verify the certificate at ``host:port`` as librdkafka would; ``None`` if no TLS answer.

    ``ca_file`` ``None`` means the system's CAs. When the dates or the host name
    are what failed, a second handshake without that check reads the
    certificate's dates or names.
    """
    failure = _handshake(host, port, _context(ca_file, check_hostname=check_hostname))
    if failure is None or isinstance(failure, CertificateCheck):
        return failure
    code, message = failure.verify_code, failure.verify_message
    if code in {_EXPIRED, _NOT_YET_VALID}:
        relaxed = _context(ca_file, check_hostname=check_hostname, check_time=False)
    elif code in {_HOST_MISMATCH, _IP_MISMATCH}:
        relaxed = _context(ca_file, check_hostname=False)
    else:
        return CertificateCheck(verify_code=code, verify_message=message)
    second = _handshake(host, port, relaxed)
    details = second if isinstance(second, CertificateCheck) else None
    return CertificateCheck(
        verify_code=code,
        verify_message=message,
        not_before=None if details is None else details.not_before,
        not_after=None if details is None else details.not_after,
        names=() if details is None else details.names,
    )


def _context(
    ca_file: str | None, *, check_hostname: bool, check_time: bool = True
) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file)
    context.check_hostname = check_hostname
    if not check_time:
        context.verify_flags |= ssl.VerifyFlags(_NO_CHECK_TIME)
    return context


def _handshake(
    host: str, port: int, context: ssl.SSLContext
) -> CertificateCheck | ssl.SSLCertVerificationError | None:
    name = host.strip("[]")
    try:
        with (
            socket.create_connection((name, port), timeout=_PROBE_TIMEOUT_S) as raw,
            context.wrap_socket(raw, server_hostname=name) as tls,
        ):
            cert = tls.getpeercert()
    except ssl.SSLCertVerificationError as failure:
        return failure
    except (OSError, ValueError):
        return None  # refused, timed out, not TLS: librdkafka's own text says enough
    if not cert:
        return None
    return CertificateCheck(
        verify_code=0,
        verify_message="ok",
        not_before=_cert_time(cert.get("notBefore")),
        not_after=_cert_time(cert.get("notAfter")),
        names=_names(cert.get("subjectAltName", ())),
    )


def _names(alternatives: object) -> tuple[str, ...]:
    """Return the values of getpeercert()["subjectAltName"], e.g. (("DNS", "kafka1"),)."""
    if not isinstance(alternatives, tuple):
        return ()
    return tuple(str(pair[-1]) for pair in alternatives if isinstance(pair, tuple) and pair)


def _cert_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(value), dt.UTC)


def _when(moment: dt.datetime | None) -> str:
    return "an unknown date" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _address(text: str, settings: Mapping[str, str | int | float | bool]) -> tuple[str, int]:
    """Return the broker a librdkafka message is about, or the first bootstrap server."""
    match = _BROKER.match(text)
    if match is None:
        first = str(settings.get("bootstrap.servers", "")).split(",")[0].strip()
        match = _SERVER.match(first)
    if match is None:
        return "", 0
    return match["host"], int(match["port"])


class TlsDiagnosis:
    """Turns librdkafka's TLS errors into one sentence naming the problem.

    ``probe`` defaults to :func:`check_certificate`; ``clock`` (monotonic
    seconds) decides when a remembered diagnosis is repeated.
    """

    def __init__(
        self,
        settings: Mapping[str, str | int | float | bool],
        *,
        probe: Probe | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._probe = check_certificate if probe is None else probe
        self._clock = clock
        self._remembered: dict[str, tuple[float, str]] = {}

    @property
    def applies(self) -> bool:
        """Return whether the connection uses TLS at all (SSL or SASL_SSL)."""
        return self._settings.get("security.protocol") in TLS_PROTOCOLS

    def explain_error(self, error: KafkaError) -> str | None:
        """Return the TLS problem ``error`` reports, or ``None`` if it is about something else."""
        return self.explain(error.str())

    def explain(self, text: str) -> str | None:
        """Return the TLS problem a librdkafka message reports, or ``None``."""
        if not self.applies:
            return None
        host, port = _address(text, self._settings)
        where = f"{host}:{port}" if host else "the broker"
        if VERIFY_FAILED in text:
            return self._remember(f"{where} {VERIFY_FAILED}", lambda: self._verify(host, port))
        if any(marker in text for marker in _CLIENT_CERT_REFUSED):
            cert = self._settings.get("ssl.certificate.location")
            if cert is None:
                return (
                    f"TLS: the broker requires a client certificate ({where}): set "
                    "kafka.client_cert_file and kafka.client_key_file"
                )
            return f"TLS: the broker refused the client certificate ({cert}) at {where}"
        if _PLAINTEXT_LISTENER in text:
            return (
                f"TLS: {where} does not answer TLS; is it a PLAINTEXT or SASL_PLAINTEXT "
                "listener? Check kafka.security_protocol and the port"
            )
        return None

    def explain_setup(self, text: str) -> str | None:
        """Return the problem with a TLS file that stopped a client from being created."""
        match = _SETUP.search(text)
        if match is None:
            return None
        key, why = match["key"], match["why"].strip()
        names = {
            "ssl.ca.location": "the CA file",
            "ssl.certificate.location": "the client certificate",
            "ssl.key.location": "the client key",
        }
        what = names.get(key, key)
        path = self._settings.get(key)
        if "key values mismatch" in why:
            return (
                f"TLS: the client key ({path}) is not the key of the client certificate "
                f"({self._settings.get('ssl.certificate.location')})"
            )
        return f"TLS: cannot use {what} ({path}): {why}"

    def _remember(self, key: str, compute: Callable[[], str]) -> str:
        now = self._clock()
        known = self._remembered.get(key)
        if known is not None and now - known[0] < _REMEMBER_S:
            return known[1]
        message = compute()
        self._remembered[key] = (now, message)
        return message

    def _verify(self, host: str, port: int) -> str:
        ca_file = self._settings.get("ssl.ca.location")
        check_hostname = self._settings.get("ssl.endpoint.identification.algorithm") != "none"
        found = (
            self._probe(host, port, None if ca_file is None else str(ca_file), check_hostname)
            if host
            else None
        )
        where = f"{host}:{port}" if host else "the broker"
        if found is None or found.verify_code == 0:
            return (
                f"TLS: the certificate of {where} could not be verified (librdkafka: "
                f"{VERIFY_FAILED}); check kafka.ca_file"
            )
        code = found.verify_code
        if code == _EXPIRED:
            return f"TLS: the broker's certificate expired on {_when(found.not_after)} ({where})"
        if code == _NOT_YET_VALID:
            return (
                f"TLS: the broker's certificate is not valid before {_when(found.not_before)} "
                f"({where}); check this computer's clock"
            )
        if code in {_HOST_MISMATCH, _IP_MISMATCH}:
            names = f" (it is for {', '.join(found.names)})" if found.names else ""
            return f"TLS: the broker's certificate does not match host {host}{names}"
        if code in _UNTRUSTED:
            trusted = (
                f"the configured CA ({ca_file})"
                if ca_file is not None
                else "a CA this computer trusts (kafka.ca_file is not set)"
            )
            return f"TLS: the broker's certificate is not signed by {trusted} ({where})"
        return f"TLS: the broker's certificate was refused: {found.verify_message} ({where})"
