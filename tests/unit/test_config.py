"""The layered configuration: precedence, locks, environment, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

import pytest

from bridge.config import (
    Config,
    ConfigError,
    LoadedConfig,
    agent_identity,
    env_var_for,
    kafka_client_settings,
    load_config,
    parse_set_option,
)
from bridge.config.model import AgentConfig, BridgeConfig, DemoConfig, KafkaConfig, UiConfig
from bridge.contract.topics import Topics
from bridge.paths import AppPaths, default_paths, system_config_location

if TYPE_CHECKING:
    from collections.abc import Mapping

LAYERS = ("system", "user", "explicit", "environment", "command line")


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    (tmp_path / "etc").mkdir()
    (tmp_path / "home").mkdir()
    return AppPaths(
        system_config_file=tmp_path / "etc" / "config.toml",
        user_config_file=tmp_path / "home" / "config.toml",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


def write(path: Path, body: str, *, version: bool = True) -> Path:
    path.write_text(("schema_version = 1\n" if version else "") + body, encoding="utf-8")
    return path


def load(
    paths: AppPaths,
    *,
    explicit_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> LoadedConfig:
    return load_config(
        paths,
        explicit_file=explicit_file,
        environ=environ,
        overrides=overrides,
        working_dir=paths.data_dir.parent,
    )


# ------------------------------------------------------------------ defaults and layers
def test_without_any_file_every_key_has_its_default(paths: AppPaths) -> None:
    loaded = load(paths)

    assert loaded.config.topics == Topics()
    assert loaded.config.ui == UiConfig(language="es", order_feed_limit=5000)
    assert loaded.config.kafka.security_protocol == "PLAINTEXT"
    assert loaded.config.kafka.bootstrap_servers is None
    assert loaded.config.bridge.data_dir == paths.data_dir
    assert {source.kind for source in loaded.sources.values()} == {"default"}
    assert loaded.locked == frozenset()


@pytest.mark.parametrize(
    ("present", "winner"),
    [
        (("system",), "system"),
        (("system", "user"), "user"),
        (("user", "explicit"), "explicit"),
        (("system", "explicit"), "explicit"),
        (("explicit", "environment"), "environment"),
        (("system", "environment"), "environment"),
        (("environment", "command line"), "command line"),
        (("system", "user", "explicit", "environment"), "environment"),
        (LAYERS, "command line"),
    ],
)
def test_each_layer_overrides_the_ones_below(
    paths: AppPaths, tmp_path: Path, present: tuple[str, ...], winner: str
) -> None:
    def server(layer: str) -> str:
        return f"{layer.replace(' ', '-')}.example.com:9092"

    explicit: Path | None = None
    environ: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for layer in present:
        body = f'[kafka]\nbootstrap_servers = "{server(layer)}"\n'
        if layer == "system":
            write(paths.system_config_file, body)
        elif layer == "user":
            write(paths.user_config_file, body)
        elif layer == "explicit":
            explicit = write(tmp_path / "explicit.toml", body)
        elif layer == "environment":
            environ["ATP_KAFKA_BOOTSTRAP_SERVERS"] = server(layer)
        else:
            overrides["kafka.bootstrap_servers"] = server(layer)

    loaded = load(paths, explicit_file=explicit, environ=environ, overrides=overrides)

    assert loaded.config.kafka.bootstrap_servers == server(winner)
    assert loaded.sources["kafka.bootstrap_servers"].kind == winner


def test_layers_merge_key_by_key(paths: AppPaths) -> None:
    write(paths.system_config_file, '[kafka]\nbootstrap_servers = "kafka.corp:9092"\n')
    write(paths.user_config_file, '[ui]\nlanguage = "en"\n')

    loaded = load(paths, environ={"ATP_AGENT_ID": "ana"})

    assert loaded.config.kafka.bootstrap_servers == "kafka.corp:9092"
    assert loaded.config.ui.language == "en"
    assert loaded.config.agent.id == "ana"
    assert loaded.sources["kafka.bootstrap_servers"].label == (
        f"system-wide file {paths.system_config_file}"
    )
    assert loaded.sources["ui.language"].label == f"user file {paths.user_config_file}"
    assert str(loaded.sources["agent.id"]) == "environment ATP_AGENT_ID"
    assert loaded.sources["ui.order_feed_limit"].kind == "default"


def test_a_whole_file_is_read_into_a_typed_config(paths: AppPaths) -> None:
    ca = paths.system_config_file.parent / "corp-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    write(
        paths.system_config_file,
        """
[kafka]
bootstrap_servers = "k1.corp:9093, k2.corp:9093"
security_protocol = "SASL_SSL"
sasl_mechanism = "SCRAM-SHA-512"
username = "ana"
ca_file = "corp-ca.pem"
[topics]
orders = "corp.orders"
[agent]
id = "ana"
name = "Ana Quispe"
role = "supervisor"
queues = ["payments", "deliveries"]
[bridge]
data_dir = "bridge-data"
[demo]
tansu_path = "/opt/tansu/bin/tansu"
[ui]
language = "en"
order_feed_limit = 200
""",
    )

    config = load(paths).config

    assert config == Config(
        kafka=KafkaConfig(
            bootstrap_servers="k1.corp:9093,k2.corp:9093",
            security_protocol="SASL_SSL",
            sasl_mechanism="SCRAM-SHA-512",
            username="ana",
            ca_file=ca,
        ),
        topics=Topics(orders="corp.orders"),
        agent=AgentConfig(
            id="ana", name="Ana Quispe", role="supervisor", queues=("payments", "deliveries")
        ),
        bridge=BridgeConfig(data_dir=paths.system_config_file.parent / "bridge-data"),
        demo=DemoConfig(tansu_path=Path("/opt/tansu/bin/tansu")),
        ui=UiConfig(language="en", order_feed_limit=200),
    )


def test_a_missing_explicit_file_is_an_error_but_missing_system_and_user_files_are_not(
    paths: AppPaths, tmp_path: Path
) -> None:
    assert load(paths).config.ui.language == "es"
    missing = tmp_path / "nope.toml"

    with pytest.raises(ConfigError) as caught:
        load(paths, explicit_file=missing)

    assert str(caught.value) == f"{missing}: file not found"


# ------------------------------------------------------------------ locked keys
def test_a_locked_key_keeps_the_system_value_and_reports_the_ignored_overrides(
    paths: AppPaths,
) -> None:
    write(
        paths.system_config_file,
        'locked = ["kafka.bootstrap_servers", "ui.order_feed_limit"]\n'
        '[kafka]\nbootstrap_servers = "kafka.corp:9092"\n',
    )
    write(
        paths.user_config_file, '[kafka]\nbootstrap_servers = "home:9092"\n[ui]\nlanguage = "en"\n'
    )

    loaded = load(
        paths,
        environ={"ATP_KAFKA_BOOTSTRAP_SERVERS": "env:9092"},
        overrides={"ui.order_feed_limit": "10"},
    )

    assert loaded.config.kafka.bootstrap_servers == "kafka.corp:9092"
    assert loaded.sources["kafka.bootstrap_servers"].kind == "system"
    assert loaded.config.ui.order_feed_limit == 5000  # locked at its default
    assert loaded.config.ui.language == "en"  # not locked: the user's value
    assert loaded.locked == {"kafka.bootstrap_servers", "ui.order_feed_limit"}
    assert loaded.is_locked("kafka.bootstrap_servers")
    assert not loaded.is_locked("ui.language")
    assert len(loaded.warnings) == 3
    assert str(paths.user_config_file) in loaded.warnings[0]
    assert "ATP_KAFKA_BOOTSTRAP_SERVERS" in loaded.warnings[1]
    assert "command line: ui.order_feed_limit is locked" in loaded.warnings[2]


# ------------------------------------------------------------------ bad files
BAD_FILES = [
    pytest.param(
        '[kafka]\nsecurity_protocol = "SASL"\n',
        "kafka.security_protocol",
        'expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "SASL"',
        id="bad-enum",
    ),
    pytest.param(
        '[ui]\norder_feed_limit = "many"\n',
        "ui.order_feed_limit",
        'expected an integer from 1 to 1000000, got "many"',
        id="string-for-integer",
    ),
    pytest.param(
        "[ui]\norder_feed_limit = true\n",
        "ui.order_feed_limit",
        "expected an integer from 1 to 1000000, got true",
        id="bool-for-integer",
    ),
    pytest.param(
        "[ui]\norder_feed_limit = 0\n",
        "ui.order_feed_limit",
        "expected an integer from 1 to 1000000, got 0",
        id="integer-out-of-range",
    ),
    pytest.param(
        '[ui]\nlanguage = "fr"\n', "ui.language", 'expected one of es, en, got "fr"', id="language"
    ),
    pytest.param(
        '[agent]\nrole = "admin"\n',
        "agent.role",
        'expected one of agent, supervisor, got "admin"',
        id="role",
    ),
    pytest.param(
        '[agent]\nqueues = "payments"\n',
        "agent.queues",
        'expected a list of non-empty strings, got "payments"',
        id="string-for-list",
    ),
    pytest.param(
        '[agent]\nid = "ana maria"\n',
        "agent.id",
        'expected an agent id without spaces, got "ana maria"',
        id="agent-id-with-space",
    ),
    pytest.param(
        '[kafka]\nbootstrap_servers = "kafka.corp"\n',
        "kafka.bootstrap_servers",
        'expected a comma-separated list of host:port, e.g. "kafka1.example.com:9092", '
        'got "kafka.corp"',
        id="server-without-port",
    ),
    pytest.param(
        '[kafka]\nca_file = "missing-ca.pem"\n',
        "kafka.ca_file",
        "expected the path of an existing file",
        id="ca-file-missing",
    ),
    pytest.param(
        '[kafka]\nbootstrap_server = "k:9092"\n',
        "kafka.bootstrap_server",
        'unknown key in [kafka] (did you mean "bootstrap_servers"?): expected one of '
        "bootstrap_servers, security_protocol, sasl_mechanism, username, ca_file, "
        "client_cert_file, client_key_file, check_hostname",
        id="unknown-key",
    ),
    pytest.param(
        '[kakfa]\nbootstrap_servers = "k:9092"\n',
        "kakfa",
        'unknown key or section (did you mean "[kafka]"?)',
        id="unknown-section",
    ),
    pytest.param(
        'kafka = "k:9092"\n', "kafka", 'expected a table [kafka], got "k:9092"', id="scalar-section"
    ),
    pytest.param(
        '[topics]\norders = "same"\ntickets = "same"\n',
        "topics.tickets",
        'expected a topic different from topics.orders, got "same"',
        id="duplicate-topics",
    ),
    pytest.param(
        '[topics]\nsnapshot = "atp.tickets.v1"\n',
        "topics.snapshot",
        'expected a topic different from topics.tickets, got "atp.tickets.v1"',
        id="snapshot-topic-is-a-source",
    ),
    pytest.param(
        '[bridge]\nbootstrap_from_snapshot_topic = "yes"\n',
        "bridge.bootstrap_from_snapshot_topic",
        'expected true or false, got "yes"',
        id="flag-as-a-string",
    ),
    pytest.param(
        '[topics]\norders = "bad name!"\n',
        "topics.orders",
        "expected a Kafka topic name",
        id="bad-topic-name",
    ),
    pytest.param(
        '[kafka]\nsecurity_protocol = "SASL_SSL"\nsasl_mechanism = "SCRAM-SHA-512"\n',
        "kafka.username",
        "required because kafka.security_protocol is SASL_SSL: expected a Kafka user name",
        id="sasl-without-username",
    ),
    pytest.param(
        '[kafka]\nsecurity_protocol = "SASL_PLAINTEXT"\nusername = "ana"\n',
        "kafka.sasl_mechanism",
        "required because kafka.security_protocol is SASL_PLAINTEXT: expected one of PLAIN, "
        "SCRAM-SHA-256, SCRAM-SHA-512",
        id="sasl-without-mechanism",
    ),
    pytest.param(
        'locked = ["kafka.bootstrap_servers"]\n',
        "locked",
        "only the system-wide file (written by IT) can lock keys",
        id="locked-in-user-file",
    ),
]


@pytest.mark.parametrize(("body", "key", "expected"), BAD_FILES)
def test_a_bad_user_file_names_the_file_the_key_and_what_was_expected(
    paths: AppPaths, body: str, key: str, expected: str
) -> None:
    write(paths.user_config_file, body)

    with pytest.raises(ConfigError) as caught:
        load(paths)

    error = caught.value
    assert error.source == str(paths.user_config_file)
    assert error.key == key
    assert str(error).startswith(f"{paths.user_config_file}: {key}: ")
    assert expected in str(error)


def test_a_toml_syntax_error_names_file_line_and_column(paths: AppPaths) -> None:
    write(paths.system_config_file, '[kafka]\nbootstrap_servers = "k:9092"\n[ui\n')

    with pytest.raises(ConfigError) as caught:
        load(paths)

    assert caught.value.key is None
    assert str(caught.value) == (
        f"{paths.system_config_file}: invalid TOML at line 4, column 4: "
        "Expected ']' at the end of a table declaration"
    )


def test_a_toml_error_at_the_end_of_the_file_still_names_a_position(paths: AppPaths) -> None:
    write(paths.user_config_file, "[ui]\nlanguage = ")

    with pytest.raises(ConfigError, match=r"invalid TOML at line 3, column 12: Invalid value"):
        load(paths)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[ui]\nlanguage = 'en'\n", "missing: expected schema_version = 1"),
        (
            "schema_version = 2\n",
            "expected schema_version = 1, got 2: the file was written for a newer",
        ),
        ("schema_version = 0\n", "expected schema_version = 1, got 0"),
        ('schema_version = "1"\n', 'expected schema_version = 1, got "1"'),
    ],
    ids=["missing", "newer", "older", "string"],
)
def test_schema_version_is_required_and_must_be_1(
    paths: AppPaths, body: str, expected: str
) -> None:
    write(paths.user_config_file, body, version=False)

    with pytest.raises(ConfigError) as caught:
        load(paths)

    assert caught.value.key == "schema_version"
    assert str(caught.value).startswith(f"{paths.user_config_file}: schema_version: {expected}")


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[kafka]\nusername = "ana"\npassword = "hunter2-secret"\n', "kafka.password"),
        ('[kafka]\nsasl_password = "hunter2-secret"\n', "kafka.sasl_password"),
        ('[kafka.sasl]\npassword = "hunter2-secret"\n', "kafka.sasl.password"),
        ('password = "hunter2-secret"\n', "password"),
        ('[kafka]\nbogus = 1\npassword = "hunter2-secret"\n', "kafka.password"),
    ],
    ids=["kafka.password", "sasl_password", "nested", "top-level", "before-unknown-keys"],
)
def test_a_password_in_a_file_is_rejected_and_points_to_the_keyring(
    paths: AppPaths, body: str, key: str
) -> None:
    write(paths.user_config_file, body)

    with pytest.raises(ConfigError) as caught:
        load(paths)

    message = str(caught.value)
    assert caught.value.key == key
    assert str(paths.user_config_file) in message
    assert "secrets live in the OS keyring" in message
    assert "atp-bridge credentials set" in message
    assert "hunter2-secret" not in message


def test_the_system_file_may_only_lock_known_keys(paths: AppPaths) -> None:
    write(paths.system_config_file, 'locked = ["kafka.bootstrap_server"]\n')

    with pytest.raises(ConfigError) as caught:
        load(paths)

    assert str(caught.value).startswith(f"{paths.system_config_file}: locked: ")
    assert 'did you mean "kafka.bootstrap_servers"?' in str(caught.value)


def test_a_relative_path_is_relative_to_the_file_that_sets_it(
    paths: AppPaths, tmp_path: Path
) -> None:
    explicit_dir = tmp_path / "elsewhere"
    explicit_dir.mkdir()
    write(explicit_dir / "c.toml", '[bridge]\ndata_dir = "state"\n[demo]\ntansu_path = "~/tansu"\n')

    config = load(paths, explicit_file=explicit_dir / "c.toml").config

    assert config.bridge.data_dir == explicit_dir / "state"
    assert config.demo.tansu_path == Path("~/tansu").expanduser()


# ------------------------------------------------------------------ environment
@pytest.mark.parametrize(
    ("variable", "text", "key", "value"),
    [
        ("ATP_KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2", "kafka.bootstrap_servers", "a:1,b:2"),
        ("ATP_KAFKA_SECURITY_PROTOCOL", "SSL", "kafka.security_protocol", "SSL"),
        ("ATP_KAFKA_SASL_MECHANISM", "PLAIN", "kafka.sasl_mechanism", "PLAIN"),
        ("ATP_KAFKA_USERNAME", "ana", "kafka.username", "ana"),
        ("ATP_TOPICS_TICKETS", "corp.tickets", "topics.tickets", "corp.tickets"),
        ("ATP_AGENT_ID", "ana", "agent.id", "ana"),
        ("ATP_AGENT_ROLE", "supervisor", "agent.role", "supervisor"),
        ("ATP_AGENT_QUEUES", "payments, deliveries", "agent.queues", ("payments", "deliveries")),
        ("ATP_UI_LANGUAGE", "en", "ui.language", "en"),
        ("ATP_UI_ORDER_FEED_LIMIT", "250", "ui.order_feed_limit", 250),
        ("ATP_TOPICS_SNAPSHOT", "corp.state", "topics.snapshot", "corp.state"),
        (
            "ATP_BRIDGE_BOOTSTRAP_FROM_SNAPSHOT_TOPIC",
            "True",
            "bridge.bootstrap_from_snapshot_topic",
            True,
        ),
        (
            "ATP_BRIDGE_BOOTSTRAP_FROM_SNAPSHOT_TOPIC",
            "0",
            "bridge.bootstrap_from_snapshot_topic",
            False,
        ),
    ],
)
def test_environment_variables_map_to_keys(
    paths: AppPaths, variable: str, text: str, key: str, value: object
) -> None:
    loaded = load(paths, environ={variable: text})

    section, name = key.split(".")
    assert getattr(getattr(loaded.config, section), name) == value
    assert env_var_for(key) == variable
    assert str(loaded.sources[key]) == f"environment {variable}"


def test_environment_paths_are_relative_to_the_working_directory(paths: AppPaths) -> None:
    loaded = load_config(
        paths, environ={"ATP_BRIDGE_DATA_DIR": "here"}, working_dir=Path("/srv/atp")
    )

    assert loaded.config.bridge.data_dir == Path("/srv/atp/here")


def test_unrelated_and_empty_environment_variables_are_ignored(paths: AppPaths) -> None:
    loaded = load(paths, environ={"ATP_TEST_CACHE": "/tmp/x", "ATP_UI_LANGUAGE": "", "HOME": "/"})

    assert loaded.config.ui.language == "es"


@pytest.mark.parametrize(
    ("environ", "source", "key", "expected"),
    [
        (
            {"ATP_UI_ORDER_FEED_LIMIT": "lots"},
            "environment ATP_UI_ORDER_FEED_LIMIT",
            "ui.order_feed_limit",
            'expected an integer from 1 to 1000000, got "lots"',
        ),
        (
            {"ATP_KAFKA_SECURITY_PROTOCOL": "sasl_ssl"},
            "environment ATP_KAFKA_SECURITY_PROTOCOL",
            "kafka.security_protocol",
            'expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "sasl_ssl"',
        ),
        (
            {"ATP_KAFKA_BOOTSTRAP_SERVER": "k:9092"},
            "environment ATP_KAFKA_BOOTSTRAP_SERVER",
            None,
            'unknown variable (did you mean "ATP_KAFKA_BOOTSTRAP_SERVERS"?)',
        ),
        (
            {"ATP_KAFKA_PASSWORD": "hunter2-secret"},
            "environment ATP_KAFKA_PASSWORD",
            None,
            "secrets live in the OS keyring",
        ),
    ],
    ids=["integer", "enum-case", "typo", "password"],
)
def test_a_bad_environment_variable_names_the_variable(
    paths: AppPaths, environ: dict[str, str], source: str, key: str | None, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(paths, environ=environ)

    assert caught.value.source == source
    assert caught.value.key == key
    assert str(caught.value).startswith(source)
    assert expected in str(caught.value)
    assert "hunter2-secret" not in str(caught.value)


# ------------------------------------------------------------------ command line
def test_command_line_overrides_are_validated(paths: AppPaths) -> None:
    with pytest.raises(ConfigError) as caught:
        load(paths, overrides={"ui.order_feed_limit": "-3"})
    assert str(caught.value) == (
        "command line: ui.order_feed_limit: expected an integer from 1 to 1000000, got -3"
    )

    with pytest.raises(ConfigError, match=r"^command line: kafka\.bootstrap: unknown key"):
        load(paths, overrides={"kafka.bootstrap": "k:1"})

    with pytest.raises(ConfigError, match="secrets live in the OS keyring"):
        load(paths, overrides={"kafka.sasl_password": "x"})


def test_set_option_splits_key_and_value() -> None:
    assert parse_set_option("ui.language=en") == ("ui.language", "en")
    assert parse_set_option("agent.name=Ana = Q") == ("agent.name", "Ana = Q")
    with pytest.raises(ConfigError, match=r"^command line: expected KEY=VALUE"):
        parse_set_option("ui.language")


# ------------------------------------------------------------------ derived settings
def _config(kafka: KafkaConfig | None = None) -> Config:
    return Config(
        kafka=kafka if kafka is not None else KafkaConfig(),
        topics=Topics(),
        agent=AgentConfig(id="ana", queues=("payments",)),
        bridge=BridgeConfig(data_dir=Path("/tmp/atp")),
        demo=DemoConfig(),
        ui=UiConfig(),
    )


def test_kafka_settings_for_plaintext_have_no_credentials() -> None:
    settings = kafka_client_settings(_config(KafkaConfig(bootstrap_servers="k:9092")), "ignored")

    assert settings == {"bootstrap.servers": "k:9092", "security.protocol": "PLAINTEXT"}


def test_kafka_settings_for_sasl_ssl_carry_user_password_and_ca() -> None:
    config = _config(
        KafkaConfig(
            bootstrap_servers="k:9093",
            security_protocol="SASL_SSL",
            sasl_mechanism="SCRAM-SHA-256",
            username="ana",
            ca_file=Path("/etc/ssl/corp.pem"),
        )
    )

    assert kafka_client_settings(config, "pw") == {
        "bootstrap.servers": "k:9093",
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-256",
        "sasl.username": "ana",
        "sasl.password": "pw",
        "ssl.ca.location": "/etc/ssl/corp.pem",
        "ssl.endpoint.identification.algorithm": "https",
    }


def test_kafka_settings_refuse_incomplete_sasl() -> None:
    no_user = _config(
        KafkaConfig(
            bootstrap_servers="k:1", security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN"
        )
    )
    with pytest.raises(ConfigError, match=r"kafka\.username: required for SASL_PLAINTEXT"):
        kafka_client_settings(no_user, "pw")

    no_mechanism = _config(
        KafkaConfig(bootstrap_servers="k:1", security_protocol="SASL_SSL", username="a")
    )
    with pytest.raises(ConfigError, match=r"kafka\.sasl_mechanism: required for SASL_SSL"):
        kafka_client_settings(no_mechanism, "pw")

    complete = _config(
        KafkaConfig(
            bootstrap_servers="k:1",
            security_protocol="SASL_SSL",
            username="ana",
            sasl_mechanism="PLAIN",
        )
    )
    with pytest.raises(ValueError, match='no Kafka password for user "ana"'):
        kafka_client_settings(complete, None)

    with pytest.raises(ConfigError, match=r"kafka\.bootstrap_servers: not set"):
        kafka_client_settings(_config(), None)


def test_agent_identity_defaults_the_name_to_the_id() -> None:
    identity = agent_identity(_config())

    assert (identity.agent_id, identity.name, identity.role, identity.queues) == (
        "ana",
        "ana",
        "agent",
        ["payments"],
    )


# ------------------------------------------------------------------ shipped sample and paths
def test_the_shipped_sample_is_a_valid_system_file(paths: AppPaths) -> None:
    # The checkout's file: an editable install keeps a copy of resources/ made at install time.
    sample = Path(__file__).resolve().parents[2] / "resources" / "config" / "config.sample.toml"
    assert sample.read_text(encoding="utf-8").startswith("# Sample configuration")
    paths.system_config_file.write_bytes(sample.read_bytes())
    write(paths.user_config_file, '[kafka]\nusername = "ana"\n[agent]\nid = "ana"\n')

    loaded = load(paths)

    assert loaded.config.kafka.security_protocol == "SASL_SSL"
    assert loaded.is_locked("kafka.bootstrap_servers")
    assert loaded.sources["kafka.username"].kind == "user"


def test_system_config_location_per_platform() -> None:
    assert system_config_location("linux", {}) == PurePosixPath("/etc/atp-console/config.toml")
    assert system_config_location("win32", {"PROGRAMDATA": r"D:\PD"}) == PureWindowsPath(
        r"D:\PD\ATP Console\config.toml"
    )
    assert system_config_location("win32", {}) == PureWindowsPath(
        r"C:\ProgramData\ATP Console\config.toml"
    )
    assert system_config_location("darwin", {}) == PurePosixPath(
        "/Library/Application Support/ATP Console/config.toml"
    )


def test_default_user_paths_are_per_user_and_named_for_the_app() -> None:
    located = default_paths({})

    assert located.user_config_file.name == "config.toml"
    for folder in (located.user_config_file.parent, located.data_dir, located.log_dir):
        assert "atp-console" in folder.parts
        assert folder.is_absolute()
