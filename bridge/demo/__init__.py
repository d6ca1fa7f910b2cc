"""The demo: the ``atp-sim`` traffic simulator and the embedded demo broker.

Independent of the bridge core (no fold, server, Kafka reader or outbox): it speaks the
contract (``bridge.contract``) and shares only the platform helpers.
"""
