"""Start and stop one Apache Kafka broker (KRaft, broker+controller) on loopback."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from bridge.ports import free_loopback_port
from bridge.processes import stop_process_group
from tests.helpers.processes import die_with_parent
from tests.kafka_harness.provision import provision_classpath
from tests.kafka_harness.tls import TlsFiles, make_tls_files

if TYPE_CHECKING:
    from types import TracebackType

READY_TIMEOUT_S = 60.0
_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
"""


class BrokerError(RuntimeError):
    """Raised when the broker cannot be formatted or does not become ready."""


@dataclass(frozen=True)
class SaslUser:
    """A SASL user known to the broker (SCRAM-SHA-512 and PLAIN)."""

    username: str
    password: str


@dataclass
class KafkaBroker:
    """One broker process with plain, SASL and TLS listeners on loopback.

    The PLAINTEXT listener is the harness's own (its principal ``User:ANONYMOUS``
    is a super user); the SASL listener authenticates ``users`` with
    SCRAM-SHA-512 or PLAIN and is subject to ACLs set through the
    StandardAuthorizer. Topics without ACLs are open to everyone.

    The TLS listeners use certificates made at start (:attr:`tls`): ``SSL``
    (server authentication), ``MTLS`` (a client certificate is required),
    ``SASL_SSL`` (SCRAM-SHA-512 over TLS), and two that present a bad
    certificate: ``WRONGHOST`` (issued for another host name) and ``EXPIRED``.
    """

    users: tuple[SaslUser, ...] = (
        SaslUser("alice", "alice-secret-1"),
        SaslUser("bob", "bob-secret-2"),
    )
    admin_user: SaslUser = SaslUser("admin", "admin-secret-0")
    data_root: Path | None = None
    plaintext_port: int = field(default_factory=free_loopback_port)
    sasl_port: int = field(default_factory=free_loopback_port)
    controller_port: int = field(default_factory=free_loopback_port)
    ssl_port: int = field(default_factory=free_loopback_port)
    mtls_port: int = field(default_factory=free_loopback_port)
    sasl_ssl_port: int = field(default_factory=free_loopback_port)
    wrong_host_port: int = field(default_factory=free_loopback_port)
    expired_port: int = field(default_factory=free_loopback_port)
    _tls: TlsFiles | None = field(default=None, init=False, repr=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _workdir: Path | None = field(default=None, init=False, repr=False)
    _owns_workdir: bool = field(default=False, init=False, repr=False)

    # ------------------------------------------------------------ addresses
    @property
    def bootstrap_servers(self) -> str:
        """Return the PLAINTEXT listener's address (no authentication)."""
        return f"127.0.0.1:{self.plaintext_port}"

    @property
    def sasl_bootstrap_servers(self) -> str:
        """Return the SASL_PLAINTEXT listener's address."""
        return f"127.0.0.1:{self.sasl_port}"

    @property
    def ssl_bootstrap_servers(self) -> str:
        """Return the SSL listener's address (server authentication only)."""
        return f"127.0.0.1:{self.ssl_port}"

    @property
    def mtls_bootstrap_servers(self) -> str:
        """Return the address of the SSL listener that requires a client certificate."""
        return f"127.0.0.1:{self.mtls_port}"

    @property
    def sasl_ssl_bootstrap_servers(self) -> str:
        """Return the SASL_SSL listener's address (SCRAM-SHA-512 over TLS)."""
        return f"127.0.0.1:{self.sasl_ssl_port}"

    @property
    def wrong_host_bootstrap_servers(self) -> str:
        """Return the address of the SSL listener whose certificate names another host."""
        return f"127.0.0.1:{self.wrong_host_port}"

    @property
    def expired_bootstrap_servers(self) -> str:
        """Return the address of the SSL listener whose certificate has expired."""
        return f"127.0.0.1:{self.expired_port}"

    @property
    def tls(self) -> TlsFiles:
        """Return the CA and certificates of the TLS listeners (made at start)."""
        if self._tls is None:
            raise BrokerError("the broker was never started")
        return self._tls

    @property
    def log_path(self) -> Path:
        """Return the broker's log file."""
        if self._workdir is None:
            raise BrokerError("the broker was never started")
        return self._workdir / "server.log"

    def sasl_config(
        self, user: SaslUser, mechanism: str = "SCRAM-SHA-512"
    ) -> dict[str, str | int | float | bool]:
        """Return confluent-kafka settings that log ``user`` in on the SASL listener."""
        return {
            "bootstrap.servers": self.sasl_bootstrap_servers,
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": mechanism,
            "sasl.username": user.username,
            "sasl.password": user.password,
        }

    def admin(self) -> AdminClient:
        """Return an AdminClient on the PLAINTEXT (super user) listener."""
        return AdminClient(
            {"bootstrap.servers": self.bootstrap_servers},
            logger=logging.getLogger("tests.kafka_harness.admin"),
        )

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Format a fresh data directory, start the JVM and wait until it answers."""
        classpath = provision_classpath()
        if self.data_root is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="atp-kafka-"))
            self._owns_workdir = True
        else:
            self._workdir = self.data_root
            self._workdir.mkdir(parents=True, exist_ok=True)
        if self._tls is None:
            self._tls = make_tls_files(self._workdir / "tls")
        properties = self._write_config()
        log4j = self._workdir / "log4j2.properties"
        log4j.write_text(_LOG4J2.format(log=self._workdir / "server.log"), encoding="utf-8")
        java = shutil.which("java")
        if java is None:
            raise BrokerError("java is not on PATH: install OpenJDK 17 or later")
        base = [
            java,
            "-Xms256m",
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            f"{classpath}/*",
        ]
        if not (self._workdir / "data" / "meta.properties").exists():
            self._format(base, properties)
        out = (self._workdir / "stdout.log").open("wb")
        self._process = subprocess.Popen(
            [*base, "kafka.Kafka", str(properties)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent(),  # noqa: PLW1509  (only prctl, async-signal-safe)
        )
        out.close()
        self._wait_ready()

    def stop(self) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after 20 s) and remove owned data.

        With an explicit ``data_root`` the data is kept and ``start()`` restarts
        the same broker (same ports, same log).
        """
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process, grace_s=20, kill_wait_s=10)
        if self._owns_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    @property
    def pid(self) -> int | None:
        """Return the JVM's process id while it runs."""
        return None if self._process is None else self._process.pid

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ internals
    def _format(self, base: list[str], properties: Path) -> None:
        """Format a new data directory (a restart on the same data_root skips this)."""
        cluster_id = self._run_tool([*base, "kafka.tools.StorageTool", "random-uuid"]).strip()
        format_args = [
            *base,
            "kafka.tools.StorageTool",
            "format",
            "--config",
            str(properties),
            "--cluster-id",
            cluster_id,
            "--standalone",
        ]
        for user in (self.admin_user, *self.users):
            credential = f"SCRAM-SHA-512=[name={user.username},password={user.password}]"
            format_args += ["--add-scram", credential]
        self._run_tool(format_args)

    def _write_config(self) -> Path:
        assert self._workdir is not None
        assert self._tls is not None
        tls = self._tls
        plain_users = " ".join(
            f'user_{u.username}="{u.password}"' for u in (self.admin_user, *self.users)
        )
        lines = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}",
            "listeners": ",".join(
                [*self._advertised(), f"CONTROLLER://127.0.0.1:{self.controller_port}"]
            ),
            "advertised.listeners": ",".join(self._advertised()),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": (
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,"
                "SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL,WRONGHOST:SSL,EXPIRED:SSL"
            ),
            # Every TLS listener: the broker's PKCS#12 keystore, the CA as a PEM truststore.
            "ssl.keystore.type": "PKCS12",
            "ssl.keystore.location": str(tls.broker.pkcs12),
            "ssl.keystore.password": tls.store_password,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(tls.ca_file),
            "ssl.client.auth": "none",
            "listener.name.mtls.ssl.client.auth": "required",
            "listener.name.wronghost.ssl.keystore.location": str(tls.wrong_host.pkcs12),
            "listener.name.expired.ssl.keystore.location": str(tls.expired.pkcs12),
            "listener.name.sasl_ssl.sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "sasl.enabled.mechanisms": "SCRAM-SHA-512,PLAIN",
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "listener.name.sasl_plaintext.plain.sasl.jaas.config": (
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {plain_users};"
            ),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": f"User:ANONYMOUS;User:{self.admin_user.username}",
            "allow.everyone.if.no.acl.found": "true",
            "log.dirs": str(self._workdir / "data"),
            "num.partitions": "1",
            "auto.create.topics.enable": "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "3",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "log.flush.interval.messages": "9223372036854775807",
        }
        path = self._workdir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()), encoding="utf-8")
        return path

    def _advertised(self) -> list[str]:
        ports = {
            "PLAINTEXT": self.plaintext_port,
            "SASL_PLAINTEXT": self.sasl_port,
            "SSL": self.ssl_port,
            "MTLS": self.mtls_port,
            "SASL_SSL": self.sasl_ssl_port,
            "WRONGHOST": self.wrong_host_port,
            "EXPIRED": self.expired_port,
        }
        return [f"{name}://127.0.0.1:{port}" for name, port in ports.items()]

    def _run_tool(self, argv: list[str]) -> str:
        result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            raise BrokerError(
                f"{argv[argv.index('kafka.tools.StorageTool') + 1]} failed "
                f"({result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}"
            )
        return result.stdout

    def _log_tail(self, lines: int = 40) -> str:
        parts: list[str] = []
        for name in ("stdout.log", "server.log"):
            path = None if self._workdir is None else self._workdir / name
            if path is not None and path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
                parts.append(f"--- {name} (last {lines} lines)\n" + "\n".join(text[-lines:]))
        return "\n".join(parts) or "(no broker log was written)"

    def _wait_ready(self) -> None:
        """Wait until a metadata request succeeds, or fail with the log's tail."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        admin = self.admin()
        last_error = "no answer"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                code = self._process.returncode
                self.stop()
                raise BrokerError(f"the Kafka broker exited with {code}:\n{self._log_tail()}")
            try:
                metadata = admin.list_topics(timeout=2)
            except KafkaException as error:
                last_error = str(error)
                continue
            if metadata.brokers:
                del admin
                return
        tail = self._log_tail()
        self.stop()
        raise BrokerError(
            f"the Kafka broker did not answer a metadata request within "
            f"{READY_TIMEOUT_S:.0f} s (last error: {last_error}):\n{tail}"
        )
