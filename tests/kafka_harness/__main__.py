"""``python -m tests.kafka_harness``: run the test broker in the foreground (``make broker``)."""

from __future__ import annotations

import signal
import sys
import threading

from tests.kafka_harness.broker import BrokerError, KafkaBroker


def main() -> int:
    """Start the broker, print how to reach it and wait for Ctrl-C."""
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    broker = KafkaBroker()
    try:
        broker.start()
    except BrokerError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        print(f"Apache Kafka is up (pid {broker.pid}).")
        print(f"  PLAINTEXT:       {broker.bootstrap_servers}")
        print(f"  SASL_PLAINTEXT:  {broker.sasl_bootstrap_servers} (SCRAM-SHA-512 or PLAIN)")
        for user in (broker.admin_user, *broker.users):
            print(f"    user {user.username!r} password {user.password!r}")
        print(f"  SSL:             {broker.ssl_bootstrap_servers} (CA {broker.tls.ca_file})")
        print(f"  SSL + client certificate: {broker.mtls_bootstrap_servers}")
        print(f"    certificate {broker.tls.client.cert} key {broker.tls.client.key}")
        print(f"  SASL_SSL:        {broker.sasl_ssl_bootstrap_servers} (SCRAM-SHA-512)")
        print(f"  SSL, certificate for another host: {broker.wrong_host_bootstrap_servers}")
        print(f"  SSL, expired certificate:          {broker.expired_bootstrap_servers}")
        print(f"  log:             {broker.log_path}")
        print("Ctrl-C stops it.", flush=True)
        stop.wait()
    finally:
        broker.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
