"""Benchmarks: ``make bench`` prints figures and ratios against the targets."""
