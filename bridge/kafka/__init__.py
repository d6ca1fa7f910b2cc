"""Kafka I/O, off the bridge's event loop: a reader thread and a writer thread."""
