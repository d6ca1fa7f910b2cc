"""A real Apache Kafka broker (KRaft, one combined node) for the test suite.

The broker's jars come from Maven Central (``pom.xml`` beside this file) and
are cached between runs; each test session formats a fresh data directory and
picks free loopback ports. See docs/TESTING.md.
"""

from tests.kafka_harness.broker import BrokerError, KafkaBroker, SaslUser
from tests.kafka_harness.provision import KAFKA_VERSION, provision_classpath

__all__ = ["KAFKA_VERSION", "BrokerError", "KafkaBroker", "SaslUser", "provision_classpath"]
