"""Run the command line as ``python -m awardgraph``."""

from __future__ import annotations

from awardgraph.cli import cli

if __name__ == "__main__":
    cli()
