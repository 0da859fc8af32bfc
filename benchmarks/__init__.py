"""Reproducible measurements; results are written up in docs/benchmarks.md."""
