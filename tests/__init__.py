"""Tests for awardgraph; fixtures are in conftest.py, shared paths in support.py."""
