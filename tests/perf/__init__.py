"""Benchmarks (run by ``make bench``; not pytest tests)."""
