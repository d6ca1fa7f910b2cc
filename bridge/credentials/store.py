"""The Kafka password in the OS keyring: service ``atp-console``, user = the Kafka user name."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

if TYPE_CHECKING:
    from bridge.config.model import Config

KEYRING_SERVICE = "atp-console"
_MASK = "***"


class CredentialsUnavailableError(RuntimeError):
    """No usable OS keyring: the message says why and how to get one."""


def no_keyring_help(platform: str) -> str:
    """Return the documented ways out when there is no usable keyring on ``platform``."""
    if platform == "win32":
        local = "Windows Credential Manager must be available to your user account."
    elif platform == "darwin":
        local = "The macOS login Keychain must exist and be unlocked."
    else:
        local = (
            "On Linux, install and unlock a Secret Service provider in your desktop session "
            "(gnome-keyring, KWallet or KeePassXC with Secret Service enabled); a machine "
            "without a desktop needs a D-Bus session with an unlocked gnome-keyring-daemon."
        )
    return (
        f"{local} Test machines only: `pip install keyrings.alt` and set "
        "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring - that file keeps the "
        "password unencrypted in your home directory, readable by anyone who can read your "
        "files. See docs/OPERATIONS.md, Credentials."
    )


class CredentialStore:
    """Get, set and delete the Kafka password of a user in an injected keyring backend."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        service: str = KEYRING_SERVICE,
        platform: str = sys.platform,
    ) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._service = service
        self._platform = platform

    @property
    def service(self) -> str:
        """Return the keyring service name the password is stored under."""
        return self._service

    def get(self, username: str) -> str | None:
        """Return the stored password of ``username``, or ``None`` if there is none."""
        self.ensure_usable()
        try:
            return self._backend.get_password(self._service, username)
        except (KeyringError, OSError) as error:
            raise self._unavailable(error, None) from error

    def set(self, username: str, password: str) -> None:
        """Store (or replace) the password of ``username``."""
        if not password:
            raise ValueError("the password is empty")
        self.ensure_usable()
        try:
            self._backend.set_password(self._service, username, password)
        except (KeyringError, OSError) as error:
            # ``from None``: the backend's own exception must not carry the password on.
            raise self._unavailable(error, password) from None

    def delete(self, username: str) -> bool:
        """Remove the password of ``username``; return ``False`` if none was stored."""
        self.ensure_usable()
        try:
            if self._backend.get_password(self._service, username) is None:
                return False
            self._backend.delete_password(self._service, username)
        except PasswordDeleteError:
            return False
        except (KeyringError, OSError) as error:
            raise self._unavailable(error, None) from error
        return True

    def ensure_usable(self) -> None:
        """Raise ``CredentialsUnavailableError`` if the backend is keyring's 'fail' fallback."""
        if isinstance(self._backend, fail.Keyring):
            raise CredentialsUnavailableError(
                "No usable OS keyring was found (the keyring package fell back to its "
                f"'fail' backend). {no_keyring_help(self._platform)}"
            )

    def _unavailable(self, error: Exception, password: str | None) -> CredentialsUnavailableError:
        reason = f"{type(error).__name__}: {error}"
        if password:
            reason = reason.replace(password, _MASK)
        return CredentialsUnavailableError(
            f"The OS keyring ({self._backend.name}) failed: {reason}. "
            f"{no_keyring_help(self._platform)}"
        )


def required_password(config: Config, store: CredentialStore | None = None) -> str | None:
    """The Kafka password ``config`` needs from the keyring (``None`` without SASL).

    Raises:
        CredentialsUnavailableError: the keyring cannot be read, or holds no password
            for the configured user (the message says to run ``atp-bridge credentials set``).
    """
    username = config.kafka.username
    if not config.uses_sasl or username is None:
        return None
    password = (store or CredentialStore()).get(username)
    if password is None:
        raise CredentialsUnavailableError(
            f'no Kafka password stored for user "{username}": '
            "run `atp-bridge credentials set` first"
        )
    return password
