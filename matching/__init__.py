"""Matching: standardisers now; blocking, comparisons, scoring and clustering arrive with issue 3."""
