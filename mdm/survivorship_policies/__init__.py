"""Survivorship policies as stored, versioned data: one active version per domain."""
