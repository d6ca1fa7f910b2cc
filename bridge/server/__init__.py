"""The bridge's local server: framing, endpoint, per-client sessions and the QLocalServer.

Importing this package imports nothing else: the console uses ``bridge.server.framing``
and ``bridge.server.endpoint`` without pulling in the server (or Kafka).
"""
