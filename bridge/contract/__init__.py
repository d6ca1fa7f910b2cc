"""The event contract (../shared/CONTRACT.md): topics, the CloudEvents envelope, validation."""
