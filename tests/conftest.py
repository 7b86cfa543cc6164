"""Shared fixtures. Test files are named test_<area>_*.py so that basenames never collide."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The AICPA Audit Data Standard sample lives beside the project, never inside it.
AICPA_DIR = REPO_ROOT.parent / "shared" / "data" / "aicpa_ads"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def aicpa_dir() -> Path:
    if not (AICPA_DIR / "GL_Detail_YYYYMMDD_YYYYMMDD.csv").exists():
        pytest.skip(f"AICPA ADS sample not found at {AICPA_DIR} (it sits beside the repo, in ../shared/data)")
    return AICPA_DIR
