"""The Kafka password in the keyring, and the `credentials set|delete|check` handlers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordSetError

from bridge.config import load_config
from bridge.credentials import (
    KEYRING_SERVICE,
    CredentialStore,
    CredentialsUnavailableError,
    required_password,
)
from bridge.credentials.command import CredentialsAction, run_credentials
from bridge.paths import AppPaths
from bridge.wire.exit_codes import CredentialsExit
from tests.helpers.memory_keyring import MemoryKeyring

SECRET = "s3cret-Pa55 with spaces"


class LockedKeyring(MemoryKeyring):
    """A keyring whose collection stays locked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password!r}")


def fail_keyring() -> KeyringBackend:
    """Return keyring's fallback when no real backend exists."""
    return fail.Keyring()  # type: ignore[no-untyped-call]  # keyring's __init__ is unannotated


class TtyInput(io.StringIO):
    """Standard input attached to a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    user_file = tmp_path / "config.toml"
    user_file.write_text(
        'schema_version = 1\n[kafka]\nbootstrap_servers = "127.0.0.1:9"\n'
        'security_protocol = "SASL_PLAINTEXT"\nsasl_mechanism = "SCRAM-SHA-512"\n'
        'username = "alice"\n',
        encoding="utf-8",
    )
    return AppPaths(
        system_config_file=tmp_path / "none" / "config.toml",
        user_config_file=user_file,
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )


class Run:
    """One handler call with captured output."""

    def __init__(self, paths: AppPaths, backend: KeyringBackend) -> None:
        self.paths = paths
        self.backend = backend
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.prompts: list[str] = []

    def __call__(
        self,
        action: CredentialsAction,
        stdin: io.StringIO | None = None,
        answers: tuple[str, ...] = (),
        config_path: Path | None = None,
    ) -> int:
        replies = iter(answers)

        def getpass(prompt: str) -> str:
            self.prompts.append(prompt)
            return next(replies)

        return run_credentials(
            action,
            config_path,
            stdin=stdin if stdin is not None else io.StringIO(""),
            stdout=self.stdout,
            stderr=self.stderr,
            backend=self.backend,
            getpass=getpass,
            paths=self.paths,
            environ={},
        )

    @property
    def output(self) -> str:
        return self.stdout.getvalue() + self.stderr.getvalue()


# ------------------------------------------------------------------ the store
def test_store_keeps_the_password_under_service_atp_console_and_the_kafka_user() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend)

    store.set("alice", SECRET)

    assert backend.entries == {(KEYRING_SERVICE, "alice"): SECRET}
    assert store.get("alice") == SECRET
    assert store.get("bob") is None
    assert store.delete("alice") is True
    assert store.delete("alice") is False
    assert backend.entries == {}


def test_without_a_usable_keyring_the_error_says_how_to_get_one() -> None:
    store = CredentialStore(fail_keyring(), platform="linux")

    with pytest.raises(CredentialsUnavailableError) as caught:
        store.get("alice")

    message = str(caught.value)
    assert "No usable OS keyring" in message
    assert "gnome-keyring" in message
    assert "pip install keyrings.alt" in message
    assert "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring" in message
    assert "unencrypted" in message
    assert "docs/OPERATIONS.md" in message


def test_the_no_keyring_advice_fits_the_platform() -> None:
    with pytest.raises(CredentialsUnavailableError, match="Windows Credential Manager"):
        CredentialStore(fail_keyring(), platform="win32").set("alice", SECRET)
    with pytest.raises(CredentialsUnavailableError, match="Keychain"):
        CredentialStore(fail_keyring(), platform="darwin").delete("alice")


def test_a_failing_backend_becomes_credentials_unavailable_without_the_password() -> None:
    store = CredentialStore(LockedKeyring(), platform="linux")

    with pytest.raises(CredentialsUnavailableError, match="Failed to unlock the collection"):
        store.get("alice")
    with pytest.raises(CredentialsUnavailableError) as caught:
        store.set("alice", SECRET)

    assert SECRET not in str(caught.value)
    assert "could not store '***'" in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# ------------------------------------------------------------------ set
def test_set_reads_one_line_from_piped_stdin(paths: AppPaths) -> None:
    backend = MemoryKeyring()
    run = Run(paths, backend)

    code = run("set", stdin=io.StringIO(SECRET + "\r\nignored second line\n"))

    assert code == CredentialsExit.OK
    assert backend.entries == {(KEYRING_SERVICE, "alice"): SECRET}
    assert run.prompts == []
    assert 'Stored the Kafka password of "alice"' in run.stdout.getvalue()
    assert SECRET not in run.output


def test_set_prompts_twice_on_a_terminal(paths: AppPaths) -> None:
    backend = MemoryKeyring()
    run = Run(paths, backend)

    code = run("set", stdin=TtyInput(""), answers=(SECRET, SECRET))

    assert code == CredentialsExit.OK
    assert run.prompts == ["Kafka password for alice: ", "Repeat it: "]
    assert backend.entries[(KEYRING_SERVICE, "alice")] == SECRET
    assert SECRET not in run.output


def test_set_stores_nothing_when_the_two_entries_differ(paths: AppPaths) -> None:
    backend = MemoryKeyring()
    run = Run(paths, backend)

    code = run("set", stdin=TtyInput(""), answers=(SECRET, SECRET + "x"))

    assert code == CredentialsExit.CONFIG
    assert backend.entries == {}
    assert "the two passwords differ" in run.stderr.getvalue()
    assert SECRET not in run.output


def test_set_refuses_an_empty_password(paths: AppPaths) -> None:
    backend = MemoryKeyring()
    run = Run(paths, backend)

    assert run("set", stdin=io.StringIO("\n")) == CredentialsExit.CONFIG
    assert backend.entries == {}
    assert "no password given" in run.stderr.getvalue()


def test_set_without_a_keyring_fails_before_asking_for_the_password(paths: AppPaths) -> None:
    run = Run(paths, fail_keyring())

    code = run("set", stdin=TtyInput(""), answers=(SECRET, SECRET))

    assert code == CredentialsExit.KEYRING
    assert run.prompts == []
    assert "No usable OS keyring" in run.stderr.getvalue()


def test_set_needs_a_kafka_username(paths: AppPaths, tmp_path: Path) -> None:
    explicit = tmp_path / "plain.toml"
    explicit.write_text('schema_version = 1\n[kafka]\nsecurity_protocol = "PLAINTEXT"\n')
    paths.user_config_file.unlink()
    run = Run(paths, MemoryKeyring())

    code = run("set", stdin=io.StringIO(SECRET + "\n"), config_path=explicit)

    assert code == CredentialsExit.CONFIG
    assert "kafka.username is not set" in run.stderr.getvalue()


def test_a_bad_configuration_is_reported_with_its_file(paths: AppPaths) -> None:
    paths.user_config_file.write_text('schema_version = 1\n[kafka]\nusername = ""\n')
    run = Run(paths, MemoryKeyring())

    code = run("check")

    assert code == CredentialsExit.CONFIG
    assert f"{paths.user_config_file}: kafka.username: expected a Kafka user name" in (
        run.stderr.getvalue()
    )


# ------------------------------------------------------------------ delete and check
def test_delete_removes_the_password_and_is_fine_when_there_is_none(paths: AppPaths) -> None:
    backend = MemoryKeyring()
    backend.entries[(KEYRING_SERVICE, "alice")] = SECRET
    run = Run(paths, backend)

    assert run("delete") == CredentialsExit.OK
    assert backend.entries == {}
    assert "Deleted the Kafka password" in run.stdout.getvalue()
    assert run("delete") == CredentialsExit.OK
    assert "nothing to delete" in run.stdout.getvalue()


def test_check_without_a_stored_password_says_to_set_it(paths: AppPaths) -> None:
    run = Run(paths, MemoryKeyring())

    assert run("check") == CredentialsExit.KEYRING
    assert 'run "atp-bridge credentials set" first' in run.stderr.getvalue()


def test_the_bridge_gets_its_password_from_the_keyring_or_a_clear_error(paths: AppPaths) -> None:
    config = load_config(paths, environ={}).config
    backend = MemoryKeyring()
    with pytest.raises(
        CredentialsUnavailableError, match=r'no Kafka password stored for user "alice"'
    ):
        required_password(config, CredentialStore(backend))
    CredentialStore(backend).set("alice", SECRET)
    assert required_password(config, CredentialStore(backend)) == SECRET


def test_a_cluster_without_sasl_needs_no_password(paths: AppPaths) -> None:
    config = load_config(
        paths, environ={}, overrides={"kafka.security_protocol": "PLAINTEXT"}
    ).config
    assert required_password(config, CredentialStore(fail_keyring())) is None
