"""The deflection numbers, defined once (see docs/metrics.md) and computed here."""
