"""The event contract (docs/CONTRACT.md): topics, the CloudEvents envelope, validation."""
