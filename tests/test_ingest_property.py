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
