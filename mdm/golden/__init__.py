"""Golden records: identity, resolution of attributes with lineage, history, relationships."""
