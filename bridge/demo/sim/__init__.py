"""``atp-sim``: a deterministic "A tu Puerta" traffic simulator for the contract's Kafka topics.

``scenario.Scenario`` generates the records (pure, seeded); ``producer`` paces
and produces them; ``cli`` is the command line. See docs/SIMULATOR.md.
"""
