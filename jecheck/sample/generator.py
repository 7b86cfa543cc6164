"""`jecheck sample`: a realistic ledger of any size with labelled anomalies, written beside its context.

The ledger is the fictional manufacturer of `profile.default_profile()`; `anomalies.py` plants
a few journals for every rule and `<stem>.labels.csv` names them. Same arguments, same files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UsageError
from .anomalies import leaver_date, plant_anomalies
from .calendar import LedgerCalendar
from .context import paths_for, write_csv
from .engine import LedgerResult, write_ledger
from .profile import default_profile

MIN_LINES = 20_000
LABEL_COLUMNS = ["journal_id", "label", "anomaly", "category", "rule_id", "description", "account", "period"]


def generate_sample(out: Path, lines: int, seed: int = 0, start: dt.date = dt.date(2024, 1, 1), months: int = 12,
                    chunk_lines: int = 1_000_000) -> LedgerResult:
    """Write a generated ledger of exactly `lines` lines to `out` (.parquet or .csv) and its context files.

    Beside `out`: `<stem>.coa.csv`, `.users.csv`, `.calendar.csv`, `.sources.csv`, `.tb.csv`,
    `.control_totals.csv` and `.labels.csv` (the planted anomalies and the rule expected to find each).
    """
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise UsageError(f"--out {out} must end in .parquet or .csv")
    if lines < MIN_LINES:
        raise UsageError(f"--lines {lines:,} is too few to plant every anomaly without making it normal; "
                         f"ask for at least {MIN_LINES:,}")
    if not 3 <= months <= 120:
        raise UsageError(f"--months {months} must be between 3 and 120")
    if chunk_lines < 10_000:
        raise UsageError("the chunk size must be at least 10,000 lines")
    calendar = LedgerCalendar(start.year, start.month, months)
    profile = default_profile(leaver_date(calendar))
    result = write_ledger(profile, calendar, out, lines, seed, planter=plant_anomalies, chunk_lines=chunk_lines)
    rows = sorted(((journal_id, 1, lab.anomaly, lab.category, lab.rule_id, lab.description, lab.account or "",
                    lab.period or "") for journal_id, lab in result.labels), key=lambda r: (r[4], r[0], r[6]))
    write_csv(paths_for(out)["labels"], LABEL_COLUMNS, rows)
    return result
