"""Survivorship: build golden attributes from source values, with lineage for every attribute.

A pure library: it takes plain dataclasses and returns plain dataclasses, with no database, web
or settings imports.
"""

from survivorship.resolution import (
    AttributeLineage,
    Contribution,
    Resolution,
    resolve_most_recent,
)

__all__ = ["AttributeLineage", "Contribution", "Resolution", "resolve_most_recent"]
