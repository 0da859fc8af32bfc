"""Stewards' pinned values: a pinned value beats every source until it is unpinned."""
