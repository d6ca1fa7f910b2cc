"""The bridge's local server: framing, endpoint, per-client sessions and the QLocalServer.

Importing this package imports nothing else: the console uses ``bridge.wire.framing``
and ``bridge.wire.endpoint`` without pulling in the server (or Kafka).
"""
