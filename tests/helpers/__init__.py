"""Test helpers shared by every test layer: builders, fakes, process helpers, logfail.

See docs/TESTING.md, "Test helpers".
"""
