"""awardgraph: a collector's catalogue of Soviet awards, published as linked data."""

from __future__ import annotations

__version__ = "0.1.0"
