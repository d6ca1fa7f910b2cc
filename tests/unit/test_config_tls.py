"""TLS configuration: CA, client certificate and key (a protected file), host name checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.config import ConfigError, LoadedConfig, kafka_client_settings, load_config
from bridge.paths import AppPaths
from tests.kafka_harness.tls import TlsFiles, make_tls_files

_ENCRYPTED_KEY = (
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3\n-----END ENCRYPTED PRIVATE KEY-----\n"
)
_CERT = "-----BEGIN CERTIFICATE-----\nMIIBhTCCASugAwIBAgIUQ\n-----END CERTIFICATE-----\n"


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A real CA, client certificate and key (the loader checks that they belong together)."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def paths(tmp_path: Path, tls_files: TlsFiles) -> AppPaths:
    home = tmp_path / "home"
    home.mkdir()
    for source, name in (
        (tls_files.ca_file, "ca.pem"),
        (tls_files.client.cert, "client.pem"),
        (tls_files.client.key, "client.key"),
    ):
        (home / name).write_bytes(source.read_bytes())
    (home / "client.key").chmod(0o600)
    return AppPaths(
        system_config_file=tmp_path / "etc" / "config.toml",
        user_config_file=home / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


def _load(paths: AppPaths, kafka: str, environ: dict[str, str] | None = None) -> LoadedConfig:
    paths.user_config_file.write_text(
        f'schema_version = 1\n[kafka]\nbootstrap_servers = "k1.corp:9093"\n{kafka}',
        encoding="utf-8",
    )
    return load_config(paths, environ=environ or {}, working_dir=paths.data_dir.parent)


def _error(paths: AppPaths, kafka: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        _load(paths, kafka)
    return caught.value


_MTLS = (
    'security_protocol = "SSL"\nca_file = "ca.pem"\n'
    'client_cert_file = "client.pem"\nclient_key_file = "client.key"\n'
)


def test_mutual_tls_settings_carry_the_ca_the_certificate_the_key_and_check_the_host(
    paths: AppPaths,
) -> None:
    home = paths.user_config_file.parent

    settings = kafka_client_settings(_load(paths, _MTLS).config, None)

    assert settings == {
        "bootstrap.servers": "k1.corp:9093",
        "security.protocol": "SSL",
        "ssl.ca.location": str(home / "ca.pem"),
        "ssl.certificate.location": str(home / "client.pem"),
        "ssl.key.location": str(home / "client.key"),
        "ssl.endpoint.identification.algorithm": "https",
    }


def test_host_name_checks_are_on_unless_turned_off_explicitly(paths: AppPaths) -> None:
    on = _load(paths, 'security_protocol = "SSL"\n').config
    off_in_file = _load(paths, 'security_protocol = "SSL"\ncheck_hostname = false\n').config
    off_in_env = _load(
        paths, 'security_protocol = "SSL"\n', {"ATP_KAFKA_CHECK_HOSTNAME": "False"}
    ).config

    assert kafka_client_settings(on, None)["ssl.endpoint.identification.algorithm"] == "https"
    for config in (off_in_file, off_in_env):
        assert kafka_client_settings(config, None)["ssl.endpoint.identification.algorithm"] == (
            "none"
        )


def test_a_key_file_others_can_read_is_refused_with_the_fix(paths: AppPaths) -> None:
    key = paths.user_config_file.parent / "client.key"
    key.chmod(0o640)

    error = _error(paths, _MTLS)

    assert error.source == str(paths.user_config_file)
    assert error.key == "kafka.client_key_file"
    assert error.problem == (
        "expected a PEM private key file only its owner can read (chmod 600), "
        f'got "{key}", which others can read (mode 0640): run chmod 600 on it'
    )


def test_an_encrypted_key_is_refused_because_configuration_holds_no_key_password(
    paths: AppPaths,
) -> None:
    key = paths.user_config_file.parent / "client.key"
    key.write_text(_ENCRYPTED_KEY, encoding="utf-8")

    error = _error(paths, _MTLS)

    assert error.key == "kafka.client_key_file"
    assert error.problem.startswith("expected an unencrypted private key")
    assert error.problem.endswith(f'got "{key}", which is encrypted')


def test_a_key_file_without_a_private_key_is_refused(paths: AppPaths) -> None:
    key = paths.user_config_file.parent / "client.key"
    key.write_text(_CERT, encoding="utf-8")

    assert _error(paths, _MTLS).problem.endswith(f'"{key}", which holds no PEM private key')


@pytest.mark.parametrize(
    ("kafka", "missing", "present"),
    [
        ('client_cert_file = "client.pem"\n', "kafka.client_key_file", "kafka.client_cert_file"),
        ('client_key_file = "client.key"\n', "kafka.client_cert_file", "kafka.client_key_file"),
    ],
)
def test_a_client_certificate_needs_its_key_and_the_other_way_round(
    paths: AppPaths, kafka: str, missing: str, present: str
) -> None:
    error = _error(paths, 'security_protocol = "SSL"\n' + kafka)

    assert error.key == missing
    assert error.problem.startswith(f"required because {present} is set: mutual TLS needs both")


def test_tls_files_with_a_protocol_without_tls_are_ignored_with_a_warning(
    paths: AppPaths,
) -> None:
    loaded = _load(
        paths,
        _MTLS.replace('"SSL"', '"SASL_PLAINTEXT"') + 'sasl_mechanism = "PLAIN"\nusername = "ana"\n',
    )

    assert loaded.warnings == tuple(
        f"user file {paths.user_config_file}: {key} is set but kafka.security_protocol is "
        "SASL_PLAINTEXT, which does not use TLS; it is ignored"
        for key in ("kafka.ca_file", "kafka.client_cert_file", "kafka.client_key_file")
    )
    settings = kafka_client_settings(loaded.config, "pw")
    assert not any(name.startswith("ssl.") for name in settings)


def test_a_certificate_file_that_is_not_pem_is_refused_with_both_names(paths: AppPaths) -> None:
    home = paths.user_config_file.parent
    (home / "client.pem").write_text("not a certificate\n", encoding="utf-8")

    error = _error(paths, _MTLS)

    assert error.key == "kafka.client_cert_file"
    assert error.problem == (
        "expected a PEM certificate that goes with kafka.client_key_file, got "
        f'"{home / "client.pem"}", which OpenSSL cannot load with that key (not PEM)'
    )
