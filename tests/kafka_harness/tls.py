"""A throw-away certificate authority for the test broker's TLS listeners (openssl CLI).

Everything is made at run time in the broker's work directory: two CAs (the
broker's and an unrelated one, for "wrong CA" tests), a broker certificate for
``localhost``/``127.0.0.1``, one for another host name, one that expired, and a
client certificate for mutual TLS. The broker reads PKCS#12 keystores and a PEM
truststore; clients read PEM files. Nothing here is a secret worth keeping: the
keystore password is made up per run.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
_CA_CONFIG = """\
[ca]
default_ca = harness
[harness]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}/issued
serial = {dir}/serial
default_md = sha256
policy = any_name
copy_extensions = copy
unique_subject = no
email_in_dn = no
[any_name]
commonName = supplied
"""
_SERVER_EXT = "extendedKeyUsage=serverAuth"
_CLIENT_EXT = "extendedKeyUsage=clientAuth"
EXPIRED_ON = dt.datetime(2020, 1, 2, tzinfo=dt.UTC)
"""When the harness's expired broker certificate stopped being valid."""
WRONG_HOST = "wrong-host.invalid"
"""The only name in the certificate of the wrong-host listener."""


class TlsSetupError(RuntimeError):
    """Raised when openssl is missing or one of its commands fails."""


@dataclass(frozen=True)
class KeyPair:
    """A PEM certificate, its PEM private key (unencrypted, mode 0600) and a PKCS#12 bundle."""

    cert: Path
    key: Path
    pkcs12: Path


@dataclass(frozen=True)
class TlsFiles:
    """Every file the TLS listeners and their tests use."""

    ca_file: Path
    """The CA that signed every certificate below (PEM)."""
    other_ca_file: Path
    """An unrelated CA: a client trusting only it rejects the broker."""
    broker: KeyPair
    """For ``localhost`` and ``127.0.0.1`` (subject alternative names)."""
    wrong_host: KeyPair
    """For :data:`WRONG_HOST` only."""
    expired: KeyPair
    """For ``localhost`` and ``127.0.0.1``, valid 2020-01-01 to :data:`EXPIRED_ON`."""
    client: KeyPair
    """A client certificate (CN ``atp-console-client``) for mutual TLS."""
    store_password: str
    """The PKCS#12 bundles' password (the broker's keystores)."""


def make_tls_files(folder: Path) -> TlsFiles:
    """Create a CA and every certificate in ``folder`` (created 0700); return their paths."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TlsSetupError("openssl is not on PATH: the TLS listeners need it (OpenSSL 3)")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    maker = _Maker(openssl, folder, secrets.token_hex(12))
    ca_file = maker.ca("ca", "ATP harness CA")
    other_ca_file = maker.ca("other-ca", "Some other CA")
    now = dt.datetime.now(dt.UTC)
    valid = (now - dt.timedelta(hours=1), now + dt.timedelta(days=2))
    loopback = "subjectAltName=DNS:localhost,IP:127.0.0.1"
    return TlsFiles(
        ca_file=ca_file,
        other_ca_file=other_ca_file,
        broker=maker.signed("broker", "localhost", [loopback, _SERVER_EXT], valid),
        wrong_host=maker.signed(
            "wrong-host", WRONG_HOST, [f"subjectAltName=DNS:{WRONG_HOST}", _SERVER_EXT], valid
        ),
        expired=maker.signed(
            "expired",
            "localhost",
            [loopback, _SERVER_EXT],
            (dt.datetime(2020, 1, 1, tzinfo=dt.UTC), EXPIRED_ON),
        ),
        client=maker.signed("client", "atp-console-client", [_CLIENT_EXT], valid),
        store_password=maker.password,
    )


class _Maker:
    def __init__(self, openssl: str, folder: Path, password: str) -> None:
        self._openssl = openssl
        self._folder = folder
        self.password = password
        (folder / "issued").mkdir(mode=0o700, exist_ok=True)
        (folder / "index.txt").write_text("", encoding="utf-8")
        (folder / "serial").write_text("1000\n", encoding="utf-8")
        self._config = folder / "ca.cnf"
        self._config.write_text(_CA_CONFIG.format(dir=folder), encoding="utf-8")
        self._ca: tuple[Path, Path] | None = None

    def ca(self, name: str, common_name: str) -> Path:
        """Make a self-signed CA; the first one made signs every later certificate."""
        cert, key = self._folder / f"{name}.pem", self._folder / f"{name}.key"
        self._run(
            "req", "-x509", *_CURVE, "-nodes", "-keyout", key, "-out", cert,
            "-days", "3", "-subj", f"/CN={common_name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
        key.chmod(0o600)
        if self._ca is None:
            self._ca = (cert, key)
        return cert

    def signed(
        self,
        name: str,
        common_name: str,
        extensions: list[str],
        validity: tuple[dt.datetime, dt.datetime],
    ) -> KeyPair:
        """Make a key and a certificate signed by the first CA, valid over ``validity``."""
        assert self._ca is not None, "make the CA first"
        ca_cert, ca_key = self._ca
        key, request = self._folder / f"{name}.key", self._folder / f"{name}.csr"
        cert, bundle = self._folder / f"{name}.pem", self._folder / f"{name}.p12"
        added = [arg for extension in extensions for arg in ("-addext", extension)]
        self._run(
            "req", "-new", *_CURVE, "-nodes", "-keyout", key, "-out", request,
            "-subj", f"/CN={common_name}", *added,
        )  # fmt: skip
        key.chmod(0o600)
        start, end = (moment.strftime("%Y%m%d%H%M%SZ") for moment in validity)
        self._run(
            "ca", "-batch", "-notext", "-config", self._config, "-cert", ca_cert,
            "-keyfile", ca_key, "-in", request, "-out", cert,
            "-startdate", start, "-enddate", end,
        )  # fmt: skip
        self._run(
            "pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", ca_cert,
            "-name", name, "-out", bundle, "-passout", "env:ATP_HARNESS_STORE_PASSWORD",
        )  # fmt: skip
        bundle.chmod(0o600)
        return KeyPair(cert=cert, key=key, pkcs12=bundle)

    def _run(self, *args: str | Path) -> None:
        env = {**os.environ, "ATP_HARNESS_STORE_PASSWORD": self.password}
        result = subprocess.run(
            [self._openssl, *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
            env=env,
            cwd=self._folder,
        )
        if result.returncode != 0:
            raise TlsSetupError(
                f"openssl {args[0]} failed ({result.returncode}): {result.stderr[-2000:]}"
            )
