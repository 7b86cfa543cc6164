"""Whatever the cells hold, every data row ends in `lines` or in `rejects`, exactly once."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_helpers import load_paths, rows

amount_cells = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                         st.sampled_from(["", ".", "-", "(1,234.50)", "12-", "abc", "1e5", "9" * 45, "NULL"]))
date_cells = st.one_of(st.dates().map(lambda d: d.strftime("%Y%m%d")),
                       st.sampled_from(["", "2024-02-30", "31.12.2024", "19000101", "soon", "1/2/24"]))
text_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(text_cells, text_cells, amount_cells, date_cells, text_cells), min_size=1, max_size=25))
def test_every_row_is_accounted_for(tmp_path, body):
    path = tmp_path / "gl.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["journal_id", "account", "amount", "effective_date", "line_description"])
        writer.writerows([["J" + jid, account, amount, date, text] for jid, account, amount, date, text in body])
    con, report = load_paths(path)  # checks read = loaded + rejected against the tables
    assert report.rows_read == len(body)
    seen = rows(con, "SELECT source_row FROM lines UNION ALL SELECT source_row FROM rejects ORDER BY 1")
    assert seen == [(i,) for i in range(1, len(body) + 1)]


def test_a_lost_row_stops_the_load_even_under_python_optimize():
    """`read = loaded + rejected` is enforced by a real check, not an assert that `python -O` strips."""
    import subprocess
    import sys

    code = ("from jecheck.ingest.model import IngestReport\n"
            "r = IngestReport.__new__(IngestReport)\n"
            "r.rows_read, r.rows_loaded, r.rows_rejected = 10, 9, 0\n"
            "r.check_counts()\n")
    run = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert run.returncode != 0
    assert "lost rows" in run.stderr and "read 10 != loaded 9 + rejected 0" in run.stderr
