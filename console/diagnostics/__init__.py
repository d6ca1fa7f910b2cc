"""The diagnostics view: what the log says (quarantined records, lag, an entity's trace)."""
