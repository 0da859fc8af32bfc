"""The rejects queue: rows the hub refused, kept whole with field-level reasons."""
