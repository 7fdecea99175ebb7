"""Benchmarks: each prints itemtrace's figure beside the same work done by plain SQL, and the ratio."""
