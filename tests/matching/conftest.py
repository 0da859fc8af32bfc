from __future__ import annotations

from typing import Any

from matching.clustering import Clustering
from matching.defaults import provider
from matching.features import MatchRecord, match_record
from matching.settings import MatchSettings

# Valid NPIs (check digit over 80840 + first nine digits).
NPI_A = "1234567893"
NPI_B = "1245319599"
NPI_C = "1003000126"

PROVIDER = provider()


def rec(
    key: str, settings: MatchSettings = PROVIDER, invalid: tuple[str, ...] = (), **attributes: Any
) -> MatchRecord:
    """A record as matching sees it, from already standardised attributes."""
    return match_record(settings, key, attributes, invalid)


def decisions(clustering: Clustering) -> tuple[Any, ...]:
    """What a clustering decided, to compare two runs: clusters and candidates with reasons."""
    return (
        clustering.clusters,
        [(c.left, c.right, c.reason) for c in clustering.candidates],
    )
