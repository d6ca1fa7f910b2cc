"""Test helpers shared by every test layer: builders, fakes, process helpers."""
