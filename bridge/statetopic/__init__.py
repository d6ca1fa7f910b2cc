"""The snapshot topic: the folded state in a compacted Kafka topic (docs/STORAGE.md).

``codec`` turns a State into records and records back into a State (pure);
``loader`` reads the topic to its end; ``publisher`` writes it in Kafka
transactions. ``atp-bridge materialize`` (``bridge.materializer``) is its one writer.
"""
