"""The Kafka password: kept only in the OS keyring, checked by a real login.

Service ``atp-console``, user name = ``kafka.username``. See docs/OPERATIONS.md
("Credentials"). This package's top level imports no Kafka client, so the
console may use the store; the login check and the ``atp-bridge credentials``
handlers are in ``bridge.credentials.login`` and ``bridge.credentials.command``.
"""

from bridge.credentials.store import (
    KEYRING_SERVICE,
    CredentialStore,
    CredentialsUnavailableError,
    no_keyring_help,
    required_password,
)

__all__ = [
    "KEYRING_SERVICE",
    "CredentialStore",
    "CredentialsUnavailableError",
    "no_keyring_help",
    "required_password",
]
