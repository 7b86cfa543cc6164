"""Writing files so that a half-written one never looks complete, and text that never runs as a formula."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# Cells a spreadsheet would run as a formula (OWASP CSV injection): =, +, -, @, tab, carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula if it were typed or imported."""
    return text[:1] in FORMULA_PREFIXES


def inert_text_sql(expr: str) -> str:
    """SQL that prefixes a text value with an apostrophe when a spreadsheet would read it as a formula."""
    return (
        f"CASE WHEN regexp_matches({expr}, '^[=+\\-@\\t\\r]') THEN '''' || {expr} ELSE {expr} END"
    )
