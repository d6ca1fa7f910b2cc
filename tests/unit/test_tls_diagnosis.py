"""TlsDiagnosis: librdkafka's TLS texts become one sentence naming the problem.

The real handshakes are in tests/integration/test_credentials_tls.py; here the
probe is a stand-in, to cover what the harness's listeners do not (a clock that
is wrong, a refused client certificate, the cache between reconnects).
"""

from __future__ import annotations

import datetime as dt

from bridge.config import KafkaSettings
from bridge.kafka.tls import CertificateCheck, TlsDiagnosis

_VERIFY_FAILED = (
    "ssl://kafka1.corp:9093/1: SSL handshake failed: error:0A000086:SSL routines::certificate "
    "verify failed: broker certificate could not be verified, verify that ssl.ca.location is "
    "correctly configured or root CA certificates are installed (after 7ms in state "
    "SSL_HANDSHAKE)"
)
_BAD_CERTIFICATE_ALERT = (
    "ssl://kafka1.corp:9093/1: Receive failed: error:0A000412:SSL routines::ssl/tls alert bad "
    "certificate: SSL alert number 42 (after 2ms in state APIVERSION_QUERY)"
)
_SSL: KafkaSettings = {"bootstrap.servers": "kafka1.corp:9093", "security.protocol": "SSL"}


class _Probe:
    def __init__(self, answer: CertificateCheck | None) -> None:
        self.answer = answer
        self.calls: list[tuple[str, int, str | None, bool]] = []

    def __call__(
        self, host: str, port: int, ca_file: str | None, check_hostname: bool
    ) -> CertificateCheck | None:
        self.calls.append((host, port, ca_file, check_hostname))
        return self.answer


def test_the_probe_repeats_librdkafkas_handshake_with_the_same_ca_and_host_check() -> None:
    probe = _Probe(CertificateCheck(verify_code=20, verify_message="unable to get issuer"))
    settings: KafkaSettings = {
        **_SSL,
        "ssl.ca.location": "/etc/corp-ca.pem",
        "ssl.endpoint.identification.algorithm": "none",
    }

    message = TlsDiagnosis(settings, probe=probe).explain(_VERIFY_FAILED)

    assert probe.calls == [("kafka1.corp", 9093, "/etc/corp-ca.pem", False)]
    assert message == (
        "TLS: the broker's certificate is not signed by the configured CA (/etc/corp-ca.pem) "
        "(kafka1.corp:9093)"
    )


def test_without_a_ca_file_the_message_says_the_systems_cas_were_used() -> None:
    probe = _Probe(CertificateCheck(verify_code=19, verify_message="self-signed in chain"))

    message = TlsDiagnosis(_SSL, probe=probe).explain(_VERIFY_FAILED)

    assert message == (
        "TLS: the broker's certificate is not signed by a CA this computer trusts "
        "(kafka.ca_file is not set) (kafka1.corp:9093)"
    )


def test_a_certificate_not_valid_yet_points_at_the_clock() -> None:
    start = dt.datetime(2031, 5, 1, 8, 30, tzinfo=dt.UTC)
    probe = _Probe(
        CertificateCheck(verify_code=9, verify_message="not yet valid", not_before=start)
    )

    message = TlsDiagnosis(_SSL, probe=probe).explain(_VERIFY_FAILED)

    assert message == (
        "TLS: the broker's certificate is not valid before 2031-05-01 08:30 UTC "
        "(kafka1.corp:9093); check this computer's clock"
    )


def test_a_refused_client_certificate_is_told_apart_from_a_missing_one() -> None:
    with_cert: KafkaSettings = {**_SSL, "ssl.certificate.location": "/home/ana/ana.pem"}

    assert TlsDiagnosis(with_cert).explain(_BAD_CERTIFICATE_ALERT) == (
        "TLS: the broker refused the client certificate (/home/ana/ana.pem) at kafka1.corp:9093"
    )
    assert TlsDiagnosis(_SSL).explain(_BAD_CERTIFICATE_ALERT) == (
        "TLS: the broker requires a client certificate (kafka1.corp:9093): set "
        "kafka.client_cert_file and kafka.client_key_file"
    )


def test_reconnects_reuse_the_diagnosis_for_a_while_then_look_again() -> None:
    now = [100.0]
    probe = _Probe(CertificateCheck(verify_code=20, verify_message="unable to get issuer"))
    diagnosis = TlsDiagnosis(_SSL, probe=probe, clock=lambda: now[0])

    first = diagnosis.explain(_VERIFY_FAILED)
    now[0] += 29
    again = diagnosis.explain(_VERIFY_FAILED)
    probe.answer = CertificateCheck(verify_code=10, verify_message="expired")
    now[0] += 2
    later = diagnosis.explain(_VERIFY_FAILED)

    assert first == again
    assert len(probe.calls) == 2
    assert later == "TLS: the broker's certificate expired on an unknown date (kafka1.corp:9093)"


def test_a_probe_that_finds_nothing_wrong_still_names_a_tls_problem() -> None:
    message = TlsDiagnosis(_SSL, probe=_Probe(None)).explain(_VERIFY_FAILED)

    assert message == (
        "TLS: the certificate of kafka1.corp:9093 could not be verified (librdkafka: "
        "certificate verify failed); check kafka.ca_file"
    )


def test_errors_that_are_not_about_tls_and_connections_without_tls_are_left_alone() -> None:
    probe = _Probe(None)
    plaintext: KafkaSettings = {**_SSL, "security.protocol": "SASL_PLAINTEXT"}

    assert TlsDiagnosis(_SSL, probe=probe).explain("1/1 brokers are down") is None
    assert TlsDiagnosis(plaintext, probe=probe).explain(_VERIFY_FAILED) is None
    assert probe.calls == []


def test_a_key_that_does_not_belong_to_the_certificate_is_named() -> None:
    settings: KafkaSettings = {
        **_SSL,
        "ssl.certificate.location": "/home/ana/ana.pem",
        "ssl.key.location": "/home/ana/old.key",
    }
    text = (
        "Failed to create consumer: ssl.key.location failed: error:05800074:x509 certificate "
        "routines::key values mismatch"
    )

    assert TlsDiagnosis(settings).explain_setup(text) == (
        "TLS: the client key (/home/ana/old.key) is not the key of the client certificate "
        "(/home/ana/ana.pem)"
    )
