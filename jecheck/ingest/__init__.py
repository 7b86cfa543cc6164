"""Ingest: read ledger and context files into DuckDB and map them onto the canonical schema."""
