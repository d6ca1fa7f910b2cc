"""What the bridge and its consoles share, owned by neither's internals.

- ``vocabulary``: the contract's enumerations (statuses, priorities, channels, roles).
- ``entities``: the entities a console sees (tickets, orders, presence, messages, actions).
- ``protocol``, ``framing``, ``endpoint``: the local protocol, its frames and where the
  socket and token live.
- ``timestamps`` and ``rules``: the contract's time format and the one implementation of
  the rules both sides evaluate (SLA breach, presence expiry, which statuses are active).
- ``exit_codes``: what each command's exit status means.

Importing this package imports nothing else of the bridge: no Kafka, no fold, no server.
"""
