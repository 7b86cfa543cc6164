"""Account pairs of a journal with many accounts: only its PAIR_ACCOUNT_LIMIT largest accounts pair up."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from jecheck.model import ModelOptions, _create_scope
from jecheck.model.features import PAIR_ACCOUNT_LIMIT, build_features
from jecheck.views import column_counts
from model_helpers import load


def _lines(rows: list[tuple[str, str | None, float]]) -> pa.Table:
    return pa.table({
        "journal_id": [r[0] for r in rows],
        "account": pa.array([r[1] for r in rows], pa.string()),
        "amount": pa.array([round(r[2], 2) for r in rows], pa.float64()),
        "effective_date": [dt.date(2025, 3, 14)] * len(rows),
    })


def _journal(journal_id: str, debits: list[tuple[str | None, float]]) -> list[tuple[str, str | None, float]]:
    """Debits as given, balanced by one large credit to account 1000."""
    return [(journal_id, a, x) for a, x in debits] + [(journal_id, "1000", -sum(x for _, x in debits))]


def _paired_accounts() -> set[str]:
    ordinary = [row for i in range(30) for row in _journal(f"J{i}", [("6100", 100.0)])]
    n = PAIR_ACCOUNT_LIMIT
    # One account more than the limit: the smallest (W_TINY) is left out of every pair.
    wide = _journal("WIDE", [(f"W{k:02d}", 100.0 + k) for k in range(n - 1)] + [("W_TINY", 0.01)])
    # At the limit in distinct accounts, but lines without an account make one more: E_TINY is left out.
    edge = _journal("EDGE", [(f"E{k:02d}", 100.0 + k) for k in range(n - 2)] + [(None, 500.0), ("E_TINY", 0.01)])
    # At the limit counting the credit: every account pairs, N_TINY too.
    narrow = _journal("NARROW", [(f"N{k:02d}", 100.0 + k) for k in range(n - 2)] + [("N_TINY", 0.01)])
    con = load(_lines(ordinary + wide + edge + narrow))
    _create_scope(con, ModelOptions())
    build_features(con, column_counts(con))
    return {a for (a,) in con.execute("SELECT first FROM model_values_account_pair UNION "
                                      "SELECT second FROM model_values_account_pair").fetchall() if a}


def test_a_journal_beyond_the_limit_pairs_only_its_largest_accounts():
    paired = _paired_accounts()
    assert "W_TINY" not in paired and "E_TINY" not in paired
    assert {"W00", "E00", "N00", "N_TINY", "1000", "6100"} <= paired
