"""The fold: the contract's rules that turn the Kafka log into the materialized state."""
