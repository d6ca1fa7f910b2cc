"""What the log says, in the Diagnostics tab: quarantined records, lag, an entity's trace."""
