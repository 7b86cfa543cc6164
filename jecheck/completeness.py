"""Completeness checks, run before any test: the population is shown whole and internally consistent.

(Being written: see create_views.)
"""

from __future__ import annotations

import duckdb


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the completeness views (placeholder until the checks land)."""
