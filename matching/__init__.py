"""Matching: standardisers now; blocking, comparisons, scoring and clustering come in issue 3."""
