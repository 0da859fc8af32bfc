"""Pairwise quality of a clustering against the truth: precision, recall, F1.

Precision counts, among all pairs of records the hub put in one golden record, those that truly
are one entity; recall counts, among all true pairs, those the hub put together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True)
class PairwiseQuality:
    true_positive: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 5),
            "recall": round(self.recall, 5),
            "f1": round(self.f1, 5),
            "true_positive_pairs": self.true_positive,
            "predicted_pairs": self.predicted_pairs,
            "true_pairs": self.true_pairs,
        }


K = TypeVar("K", bound=Hashable)


def _pairs_within(groups: Mapping[Any, list[Any]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())


def pairwise(predicted: Mapping[K, Any], truth: Mapping[K, Any]) -> PairwiseQuality:
    """``predicted`` and ``truth`` map each record to its cluster; only common records count."""
    records = predicted.keys() & truth.keys()
    by_predicted: dict[Any, list[K]] = defaultdict(list)
    by_truth: dict[Any, list[K]] = defaultdict(list)
    by_both: dict[tuple[Any, Any], list[K]] = defaultdict(list)
    for record in records:
        by_predicted[predicted[record]].append(record)
        by_truth[truth[record]].append(record)
        by_both[(predicted[record], truth[record])].append(record)
    return PairwiseQuality(
        true_positive=_pairs_within(by_both),
        predicted_pairs=_pairs_within(by_predicted),
        true_pairs=_pairs_within(by_truth),
    )
